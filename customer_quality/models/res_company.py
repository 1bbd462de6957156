from datetime import datetime, time, timedelta

import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from .cq_form_number import DEFAULT_FORM_NUMBERS

# per-company numbering: document model -> prefix
CQ_SEQUENCES = {
    "cq.ticket": "CQ/%(range_year)s/",
    "cq.return": "RMA/%(range_year)s/",
    "cq.warranty.claim": "WC/%(range_year)s/",
    "cq.capa": "CAPA/%(range_year)s/",
    "cq.satisfaction.campaign": "SAT/%(range_year)s/",
    "cq.satisfaction.trigger": "SATT/%(range_year)s/",
    "cq.satisfaction.review": "SATR/%(range_year)s/",
    "cq.customer.visit": "VIS/%(range_year)s/",
}
# satisfaction schedule: months per period, and the month of the period in which
# its campaign goes out (its last: June and December for semi-annual)
SATISFACTION_SCHEDULES = [
    ("semiannual", "Semi-annual (June and December)"),
    ("quarterly", "Quarterly"),
    ("annual", "Annual (December)"),
    ("none", "No scheduled campaign"),
]
PERIOD_MONTHS = {"semiannual": 6, "quarterly": 3, "annual": 12, "none": 6}


class ResCompany(models.Model):
    _inherit = "res.company"

    cq_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Quality working calendar",
        help="Working hours and holidays the customer-quality deadlines follow. "
        "Empty: the company's working hours.",
    )
    cq_due_soon_hours = fields.Float(
        "Due soon warning (hours)",
        default=4.0,
        help="A deadline shows as due soon this many hours before it falls.",
    )
    cq_serious_loss_amount = fields.Monetary(
        "Serious above loss",
        currency_field="currency_id",
        default=10000.0,
        help="A complaint whose claimed loss is above this amount is serious (0: no "
        "limit).",
    )
    cq_qm_approval_amount = fields.Monetary(
        "Quality manager approves from",
        currency_field="currency_id",
        default=5000.0,
        help="Decisions of this amount or more need the quality manager (0: never by "
        "amount).",
    )
    cq_gm_approval_amount = fields.Monetary(
        "General manager approves from",
        currency_field="currency_id",
        default=50000.0,
        help="Decisions of this amount or more need the general manager (0: never by "
        "amount); serious complaints always do.",
    )
    cq_return_confirm_qty = fields.Float(
        "Quality confirms returns above (quantity)",
        digits="Product Unit of Measure",
        help="Returns of more units than this need quality confirmation before the"
        " warehouse receives them, like whole-batch returns (0: only whole batches).",
    )
    cq_return_confirm_amount = fields.Monetary(
        "Quality confirms returns above (value)",
        currency_field="currency_id",
        help="Returns worth more than this need quality confirmation before the"
        " warehouse receives them (0: only whole batches).",
    )
    cq_return_approval_amount = fields.Monetary(
        "Manager approves return outcomes above",
        currency_field="currency_id",
        default=5000.0,
        help="Replacements and credit notes of a return worth more than this need a"
        " quality manager's approval (0: never).",
    )
    cq_quality_manager_id = fields.Many2one(
        "res.users", string="Quality manager", domain="[('share', '=', False)]"
    )
    cq_management_rep_id = fields.Many2one(
        "res.users",
        string="Management representative",
        domain="[('share', '=', False)]",
    )
    cq_general_manager_id = fields.Many2one(
        "res.users", string="General manager", domain="[('share', '=', False)]"
    )
    cq_pending_reminder_day = fields.Integer(
        "Pending ledger reminder day",
        default=4,
        help="Day of the month on which the responsible people are reminded of pending "
        "tickets.",
    )
    cq_monthly_review = fields.Boolean(
        "Monthly review",
        default=True,
        help="On the first working day of each month, department managers get an "
        "activity to review last month's feedback.",
    )
    cq_repeat_window_months = fields.Integer(
        "Repeat window (months)",
        default=12,
        help="A new problem ticket on the same product and problem class as one "
        "received within these months is flagged as a repeat; 0 turns detection off.",
    )
    cq_repeat_scope = fields.Selection(
        [("product", "Same product"), ("family", "Same product family")],
        "Repeats on",
        default="product",
        required=True,
        help="Same product family: any product of the same product category.",
    )
    # customer satisfaction
    cq_satisfaction_schedule = fields.Selection(
        SATISFACTION_SCHEDULES,
        "Satisfaction campaigns",
        default="semiannual",
        required=True,
        help="How often the satisfaction survey goes to the customers: a campaign "
        "is created and sent by itself in the last month of each period.",
    )
    cq_satisfaction_survey_id = fields.Many2one(
        "survey.survey",
        "Satisfaction survey",
        domain="[('cq_is_satisfaction', '=', True)]",
        help="The survey the scheduled campaigns send.",
    )
    cq_satisfaction_answer_days = fields.Integer(
        "Days to answer",
        default=30,
        help="A campaign's answers are due this many days after it is sent.",
    )
    cq_satisfaction_reminder_days = fields.Integer(
        "Remind before due (days)",
        default=7,
        help="Customers who have not answered are reminded once, this many days "
        "before the answers are due (0: no reminder).",
    )
    cq_satisfaction_dimension_min = fields.Float(
        "Dimension below",
        default=60.0,
        help="A response scoring under this in any dimension calls for corrective "
        "action.",
    )
    cq_satisfaction_overall_min = fields.Float(
        "Overall below",
        default=70.0,
        help="A response whose overall score is under this calls for corrective "
        "action.",
    )
    cq_satisfaction_competitor_margin = fields.Float(
        "Behind a competitor by",
        default=0.0,
        help="A dimension in which the customer rates a named competitor more than "
        "this many points above us calls for corrective action.",
    )
    cq_satisfaction_capa_mode = fields.Selection(
        [
            ("propose", "Propose: quality decides"),
            ("open", "Open a corrective action at once"),
        ],
        "Weak results",
        default="propose",
        required=True,
    )
    cq_satisfaction_trend_min_responses = fields.Integer(
        "Answers needed per trend cell",
        default=3,
        help="A customer's dimension is tested for a decline only with at least this "
        "many answers in both periods; below, the trend says 'too few answers'.",
    )
    cq_satisfaction_trend_min_change = fields.Float(
        "Decline that matters (points)",
        default=5.0,
        help="A decline smaller than this is not flagged, however significant.",
    )
    cq_satisfaction_trend_alpha = fields.Float(
        "Significance level",
        default=0.05,
        digits=(3, 3),
        help="A decline is flagged when Welch's t-test, corrected by Holm's method "
        "for the number of cells tested, gives a p-value under this.",
    )
    cq_pending_reminded_on = fields.Date("Pending tickets reminded on", readonly=True)
    cq_reviewed_on = fields.Date("Monthly review requested on", readonly=True)

    _sql_constraints = [
        (
            "cq_pending_reminder_day_range",
            "CHECK(cq_pending_reminder_day BETWEEN 1 AND 28)",
            "The pending-ledger reminder day must be between 1 and 28.",
        ),
        (
            "cq_satisfaction_days_positive",
            "CHECK(cq_satisfaction_answer_days > 0 AND "
            "cq_satisfaction_reminder_days >= 0)",
            "Customers need at least a day to answer, and reminders cannot come "
            "after the due date.",
        ),
        (
            "cq_satisfaction_trend_rule",
            "CHECK(cq_satisfaction_trend_min_responses >= 2 AND "
            "cq_satisfaction_trend_min_change >= 0 AND "
            "cq_satisfaction_trend_alpha > 0 AND cq_satisfaction_trend_alpha < 1)",
            "A trend needs at least two answers per period to be tested, a decline "
            "that matters of zero or more points and a significance level between 0 "
            "and 1.",
        ),
        (
            "cq_repeat_window_positive",
            "CHECK(cq_repeat_window_months >= 0)",
            "The repeat window cannot be negative.",
        ),
    ]

    def _cq_satisfaction_period(self, day):
        """(first day, last day) of the satisfaction period ``day`` falls in."""
        self.ensure_one()
        months = PERIOD_MONTHS[self.cq_satisfaction_schedule or "semiannual"]
        first_month = (day.month - 1) // months * months + 1
        start = day.replace(month=first_month, day=1)
        end = start + relativedelta(months=months, days=-1)
        return start, end

    def _cq_satisfaction_campaign_due(self, day):
        """Whether ``day`` is in the month a period's campaign goes out: its last."""
        self.ensure_one()
        if self.cq_satisfaction_schedule == "none":
            return False
        return self._cq_satisfaction_period(day)[1].month == day.month

    def _cq_calendar(self):
        self.ensure_one()
        return self.cq_calendar_id or self.resource_calendar_id

    def _cq_tz(self):
        """The time zone the company's quality work lives in: its calendar's."""
        self.ensure_one()
        return pytz.timezone(self._cq_calendar().tz or self.partner_id.tz or "UTC")

    def _cq_today(self):
        """Today where the company works."""
        self.ensure_one()
        return pytz.utc.localize(fields.Datetime.now()).astimezone(self._cq_tz()).date()

    def _cq_local_midnight(self, day):
        """The UTC moment (naive, as stored) at which ``day`` starts for the
        company."""
        self.ensure_one()
        local = self._cq_tz().localize(datetime.combine(day, time.min))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    def _cq_first_working_day(self, first_of_month):
        """The first day of the month with working time on the company's calendar."""
        self.ensure_one()
        calendar = self._cq_calendar()
        if not calendar:
            return first_of_month
        tz = pytz.timezone(calendar.tz or "UTC")
        start = tz.localize(fields.Datetime.to_datetime(first_of_month))
        intervals = calendar._cq_work_intervals(
            start, start + timedelta(days=15), company=self
        )
        for begin, _end, _meta in intervals:
            return begin.astimezone(tz).date()
        return first_of_month

    def _cq_ensure_deadline_rules(self):
        """Write down the default deadline rules so that they show and can be edited."""
        from .cq_deadline_rule import DEFAULT_RULES, SEVERITIES

        Rule = self.env["cq.deadline.rule"].sudo()
        existing = {
            (r.company_id.id, r.severity, r.kind)
            for r in Rule.search([("company_id", "in", self.ids)])
        }
        values = [
            {
                "company_id": company.id,
                "severity": severity,
                "kind": kind,
                "duration": duration,
                "unit": unit,
            }
            for company in self
            for severity, _label in SEVERITIES
            for kind, (duration, unit) in DEFAULT_RULES.items()
            if (company.id, severity, kind) not in existing
        ]
        Rule.create(values)

    def _cq_form_number(self, report_ref):
        """The number this company prints in the header of the form of
        ``report_ref`` (the XML id of its report)."""
        self.ensure_one()
        return self.env["cq.form.number"]._cq_number(self, report_ref)

    @api.model
    def _cq_ensure_all_form_numbers(self):
        """Number the forms of every company, archived ones included (data
        file, on install and update)."""
        companies = self.with_context(active_test=False).search([])  # pylint: disable=no-search-all
        return companies._cq_ensure_form_numbers()

    def _cq_ensure_form_numbers(self):
        """Give each company the default number of each printed form it has
        none for; numbers already set, or emptied on purpose, are kept."""
        FormNumber = self.env["cq.form.number"].sudo()
        existing = {
            (row.company_id.id, row.report_id.id)
            for row in FormNumber.search([("company_id", "in", self.ids)])
        }
        values = []
        for sequence, (xmlid, number) in enumerate(DEFAULT_FORM_NUMBERS.items()):
            report = self.env.ref(xmlid, raise_if_not_found=False)
            values += [
                {
                    "company_id": company.id,
                    "report_id": report.id,
                    "name": number,
                    "sequence": sequence,
                }
                for company in self
                if report and (company.id, report.id) not in existing
            ]
        return FormNumber.create(values)

    def _cq_ensure_sequences(self):
        """Give each company its own series of tickets (CQ/<year>/NNNNN), returns
        (RMA/…) and warranty claims (WC/…); the shared sequences of the data file
        serve the companies without one (the main company)."""
        Sequence = self.env["ir.sequence"].sudo()
        for code, prefix in CQ_SEQUENCES.items():
            owned = Sequence.search(
                [("code", "=", code), ("company_id", "in", self.ids)]
            ).company_id
            Sequence.create(
                [
                    {
                        "name": f"{self.env[code]._description} ({company.name})",
                        "code": code,
                        "prefix": prefix,
                        "padding": 5,
                        "use_date_range": True,
                        "company_id": company.id,
                    }
                    for company in self - owned
                ]
            )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._cq_ensure_deadline_rules()
        companies._cq_ensure_sequences()
        companies._cq_ensure_form_numbers()
        return companies

    def write(self, vals):
        result = super().write(vals)
        if "cq_serious_loss_amount" in vals:
            self.env["cq.ticket"]._cq_recompute_open_severity(
                [("company_id", "in", self.ids)]
            )
        if {"cq_calendar_id", "resource_calendar_id"} & set(vals):
            self.env["cq.ticket"]._cq_resync_open([("company_id", "in", self.ids)])
            self.env["cq.capa"]._cq_resync_open([("company_id", "in", self.ids)])
        return result
