from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .cq_recipient_lang import env_for
from .cq_satisfaction_statistics import holm, welch_decline_p
from .res_company import PERIOD_MONTHS

REVIEW_STATES = [
    ("draft", "Draft"),
    ("reviewed", "Reviewed"),
    ("approved", "Approved"),
    ("cancelled", "Cancelled"),
]


class CqSatisfactionReview(models.Model):
    """顾客满意度趋势分析: a period's satisfaction results against the previous
    period's, per customer and dimension, with a decline flagged only when it
    is significant; the lost customers and quotations never ordered of the
    period; reviewed by the management representative and approved by the
    general manager as input to the management review."""

    _name = "cq.satisfaction.review"
    _description = "Satisfaction Trend Analysis"
    _inherit = ["cq.document.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "period_start desc, id desc"
    _check_company_auto = True
    _cq_sequence_code = "cq.satisfaction.review"
    _cq_sequence_date_field = "period_start"
    _cq_locked_states = ("approved", "cancelled")
    _cq_workflow_fields = (
        "period_end",
        "previous_start",
        "computed_date",
        "reviewed_by_id",
        "reviewed_date",
        "approved_by_id",
        "approved_date",
        "customers_previous",
        "lost_count",
        "churn_rate",
        "previous_churn_rate",
        "churn_rising",
        "quotation_count",
        "no_deal_count",
        "no_deal_rate",
        "min_responses",
        "min_change",
        "alpha",
    )
    _cq_editable_states = {"period_start": ("draft",), "company_id": ("draft",)}

    name = fields.Char("Number", readonly=True, copy=False, default="/")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    state = fields.Selection(
        REVIEW_STATES,
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
        index=True,
        group_expand="_cq_group_expand_states",
    )
    period_start = fields.Date(
        "Survey period",
        required=True,
        default=lambda self: self.env.company._cq_satisfaction_period(
            fields.Date.context_today(self)
        )[0],
        tracking=True,
        help="The first day of the period analysed; it is compared with the period "
        "before it, of the same length (the company's campaign schedule).",
    )
    period_end = fields.Date("Period end", readonly=True, copy=False)
    previous_start = fields.Date("Previous period", readonly=True, copy=False)
    computed_date = fields.Datetime("Analysed on", readonly=True, copy=False)
    # the rule the verdicts were given by, kept with them
    min_responses = fields.Integer(
        "Minimum answers per cell", readonly=True, copy=False
    )
    min_change = fields.Float("Minimum decline (points)", readonly=True, copy=False)
    alpha = fields.Float("Significance level", readonly=True, digits=(3, 3), copy=False)
    trend_ids = fields.One2many(
        "cq.satisfaction.trend",
        "review_id",
        string="Trend cells",
        copy=False,
    )
    decline_count = fields.Integer("Declines", compute="_compute_decline_count")
    lost_customer_ids = fields.One2many(
        "cq.satisfaction.lost.customer", "review_id", string="Lost customers"
    )
    lost_quotation_ids = fields.One2many(
        "cq.satisfaction.lost.quotation", "review_id", string="Quotations not ordered"
    )
    customers_previous = fields.Integer(
        "Customers ordering in the previous period",
        readonly=True,
        copy=False,
    )
    lost_count = fields.Integer("Lost customers #", readonly=True, copy=False)
    churn_rate = fields.Float(
        "Churn rate (%)", readonly=True, digits=(5, 1), copy=False
    )
    previous_churn_rate = fields.Float(
        "Churn rate before (%)",
        readonly=True,
        digits=(5, 1),
        copy=False,
    )
    churn_rising = fields.Boolean("Churn rising", readonly=True, copy=False)
    is_provisional = fields.Boolean(
        "Period not over",
        compute="_compute_is_provisional",
        help="The period has not ended: customers may still order, its churn is "
        "provisional and not flagged.",
    )
    quotation_count = fields.Integer("Quotations", readonly=True, copy=False)
    no_deal_count = fields.Integer("Not ordered", readonly=True, copy=False)
    no_deal_rate = fields.Float(
        "No-deal rate (%)", readonly=True, digits=(5, 1), copy=False
    )
    summary = fields.Html(help="The conclusions for the management review.")
    reviewed_by_id = fields.Many2one(
        "res.users", "Reviewed by", readonly=True, copy=False
    )
    reviewed_date = fields.Datetime("Reviewed on", readonly=True, copy=False)
    approved_by_id = fields.Many2one(
        "res.users", "Approved by", readonly=True, copy=False
    )
    approved_date = fields.Datetime("Approved on", readonly=True, copy=False)
    can_compute = fields.Boolean("Can compute", compute="_compute_can")
    can_review = fields.Boolean("Can review", compute="_compute_can")
    can_approve = fields.Boolean("Can approve", compute="_compute_can")
    can_cancel = fields.Boolean("Can cancel", compute="_compute_can")

    _sql_constraints = [
        ("name_company_uniq", "unique(name, company_id)", "Numbers are unique."),
    ]

    @api.depends("period_end")
    def _compute_is_provisional(self):
        for review in self:
            review.is_provisional = bool(review.period_end) and (
                review.period_end >= review.company_id._cq_today()
            )

    def _cq_company_links(self):
        """Analysed: its results are the company's."""
        return bool(self.computed_date)

    @api.depends("trend_ids.verdict")
    def _compute_decline_count(self):
        for review in self:
            review.decline_count = len(
                review.trend_ids.filtered(lambda t: t.verdict == "decline")
            )

    @api.model
    def _cq_step_states(self):
        return {
            "compute": ("draft",),
            "review": ("draft",),
            "approve": ("reviewed",),
            "cancel": ("draft", "reviewed"),
        }

    @api.depends("state", "computed_date", "company_id")
    @api.depends_context("uid")
    def _compute_can(self):
        user = self.env.user
        officer = user.has_group("customer_quality.group_cq_officer")
        for review in self:
            company = review.company_id
            state = review.state
            review.can_compute = officer and state == "draft"
            review.can_review = (
                state == "draft"
                and bool(review.computed_date)
                and user == company.cq_management_rep_id
            )
            review.can_approve = (
                state == "reviewed" and user == company.cq_general_manager_id
            )
            review.can_cancel = officer and state in ("draft", "reviewed")

    def _compute_display_name(self):
        for review in self:
            review.display_name = " ".join(
                part
                for part in (
                    review.name,
                    review.period_start and str(review.period_start),
                )
                if part
            )

    # ------------------------------------------------------------------
    # Analysis
    # ------------------------------------------------------------------
    def _cq_periods(self):
        """(start, end, previous start, previous end, start before that)."""
        self.ensure_one()
        company = self.company_id
        start, end = company._cq_satisfaction_period(self.period_start)
        months = PERIOD_MONTHS[company.cq_satisfaction_schedule or "semiannual"]
        previous = start - relativedelta(months=months)
        return (
            start,
            end,
            previous,
            start - relativedelta(days=1),
            previous - relativedelta(months=months),
        )

    def _cq_cells(self, start, previous):
        """{(partner id or 0, dimension id or 0): {period: (n, mean, var)}} of
        our stored scores (competitors left out) in the two periods, per
        customer and for all customers: one SQL GROUP BY."""
        self.env["cq.satisfaction.score"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT GROUPING(partner_id) AS all_customers,
                       partner_id, dimension_id, period_start,
                       count(*), avg(score), coalesce(var_samp(score), 0)
                  FROM cq_satisfaction_score
                 WHERE company_id = %(company)s
                   AND competitor_id IS NULL
                   AND period_start IN %(periods)s
              GROUP BY GROUPING SETS (
                       (partner_id, dimension_id, period_start),
                       (dimension_id, period_start))
                """,
                company=self.company_id.id,
                periods=(start, previous),
            )
        )
        cells = {}
        for (
            all_customers,
            partner,
            dimension,
            period,
            n,
            mean,
            var,
        ) in self.env.cr.fetchall():
            key = (0 if all_customers else partner, dimension or 0)
            cells.setdefault(key, {})[period] = (n, float(mean), float(var))
        return cells

    def action_compute(self):
        """Analyse the period: the trend cells with their verdicts, the lost
        customers and quotations; a significant decline of a customer raises a
        weak result to act on."""
        self._cq_ensure_can("compute")
        for review in self:
            review._cq_compute()
        return True

    def _cq_compute(self):
        self.ensure_one()
        company = self.company_id
        start, end, previous, previous_end, before = self._cq_periods()
        if self.period_start != start:
            self.period_start = start  # the first day of the schedule's period
        min_n = max(2, company.cq_satisfaction_trend_min_responses)
        min_change = company.cq_satisfaction_trend_min_change
        alpha = company.cq_satisfaction_trend_alpha
        cells = self._cq_cells(start, previous)
        rows = []
        for (partner, dimension), periods in cells.items():
            now = periods.get(start)
            if not now:
                continue
            n2, mean2, var2 = now
            n1, mean1, var1 = periods.get(previous, (0, 0.0, 0.0))
            row = {
                "review_id": self.id,
                "company_id": company.id,
                "period_start": start,
                "partner_id": partner or False,
                "dimension_id": dimension or False,
                "is_overall": not dimension,
                "count": n2,
                "mean": mean2,
                "stddev": var2**0.5,
                "previous_count": n1,
                "previous_mean": mean1 if n1 else 0.0,
                "change": mean2 - mean1 if n1 else 0.0,
                # every column given: no default to look up for each of a
                # thousand cells (bench/)
                "p_value": False,
                "p_adjusted": False,
                "verdict": False,
            }
            if not n1:
                row["verdict"] = "no_previous"
            elif n1 < min_n or n2 < min_n:
                row["verdict"] = "too_few"
            else:
                # every cell with enough answers is tested, rises included (their
                # p is at least 0.5): the family is not chosen after looking
                row["p_value"] = welch_decline_p(n1, mean1, var1, n2, mean2, var2)
            rows.append(row)
        tested = [row for row in rows if row["p_value"] is not False]
        for row, adjusted in zip(
            tested, holm([row["p_value"] for row in tested]), strict=True
        ):
            row["p_adjusted"] = adjusted
            if row["change"] >= 0:
                row["verdict"] = "no_decline"
            elif adjusted < alpha and -row["change"] >= min_change:
                row["verdict"] = "decline"
            else:
                row["verdict"] = "not_significant"
        self.trend_ids.sudo().unlink()
        trends = self.env["cq.satisfaction.trend"].sudo().create(rows)
        churn = self._cq_compute_churn(start, end, previous, previous_end, before)
        self._cq_write_workflow(
            dict(
                churn,
                period_end=end,
                previous_start=previous,
                computed_date=fields.Datetime.now(),
                min_responses=min_n,
                min_change=min_change,
                alpha=alpha,
            )
        )
        self._cq_raise_declines(
            trends.filtered(lambda t: t.verdict == "decline"), start
        )
        if self.churn_rising:
            self.message_post(
                body=self.env._(
                    "Churn is rising: %(now).1f %% of last period's customers "
                    "ordered nothing, against %(before).1f %% the period before.",
                    now=self.churn_rate,
                    before=self.previous_churn_rate,
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _cq_raise_declines(self, trends, start):
        """One weak result per customer (or for all customers) with its
        significant declines; a decline already raised for the period is not
        raised again."""
        Trigger = self.env["cq.satisfaction.trigger"].sudo()
        Reason = self.env["cq.satisfaction.trigger.reason"].sudo()
        raised = {
            (reason.trigger_id.partner_id.id, reason.dimension_id.id)
            for reason in Reason.search(
                [
                    ("trigger_id.company_id", "=", self.company_id.id),
                    ("trigger_id.period_start", "=", start),
                    ("kind", "=", "decline"),
                ]
            )
        }
        by_partner = {}
        for trend in trends:
            if (trend.partner_id.id, trend.dimension_id.id) in raised:
                continue
            by_partner.setdefault(trend.partner_id, []).append(
                {
                    "kind": "decline",
                    "dimension_id": trend.dimension_id.id,
                    "score": trend.mean,
                    "reference": trend.previous_mean,
                    "note": self.env._(
                        "%(what)s of %(who)s: %(before).1f to %(now).1f, a "
                        "significant decline (p = %(p).3f)",
                        what=trend.dimension_id.name or self.env._("Overall"),
                        who=trend.partner_id.name or self.env._("all customers"),
                        before=trend.previous_mean,
                        now=trend.mean,
                        p=trend.p_adjusted,
                    ),
                }
            )
        for partner, reasons in by_partner.items():
            Trigger._cq_collect(self.company_id, partner, reasons, start)

    def _cq_order_groups(self, domain):
        return {
            partner: (count, amount)
            for partner, count, amount in self.env["sale.order"]
            .sudo()
            ._read_group(domain, ["partner_id"], ["__count", "amount_untaxed:sum"])
        }

    def _cq_buyers(self, start, end):
        """{customer company: amount ordered} of confirmed orders dated in the
        period."""
        company = self.company_id
        groups = self._cq_order_groups(
            [
                ("company_id", "=", company.id),
                ("state", "=", "sale"),
                ("date_order", ">=", company._cq_local_midnight(start)),
                (
                    "date_order",
                    "<",
                    company._cq_local_midnight(end + relativedelta(days=1)),
                ),
            ]
        )
        buyers = {}
        for partner, (_count, amount) in groups.items():
            customer = partner.commercial_partner_id
            buyers[customer] = buyers.get(customer, 0.0) + amount
        return buyers

    def _cq_compute_churn(self, start, end, previous, previous_end, before):
        """流失客户 and 未成交: customers who ordered in the previous period and
        not in this one, and quotations of the period that were cancelled or
        expired without an order. Reasons already recorded are kept."""
        company = self.company_id
        today = company._cq_today()
        now_buyers = self._cq_buyers(start, end)
        previous_buyers = self._cq_buyers(previous, previous_end)
        before_buyers = self._cq_buyers(before, previous - relativedelta(days=1))
        lost = {c: a for c, a in previous_buyers.items() if c not in now_buyers}
        lost_before = [c for c in before_buyers if c not in previous_buyers]
        Lost = self.env["cq.satisfaction.lost.customer"].sudo()
        kept = self.lost_customer_ids.filtered(lambda line: line.partner_id in lost)
        (self.lost_customer_ids - kept).sudo().unlink()
        Lost.create(
            [
                {
                    "review_id": self.id,
                    "partner_id": customer.id,
                    "previous_amount": amount,
                }
                for customer, amount in lost.items()
                if customer not in kept.partner_id
            ]
        )
        orders = (
            self.env["sale.order"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("date_order", ">=", company._cq_local_midnight(start)),
                    (
                        "date_order",
                        "<",
                        company._cq_local_midnight(end + relativedelta(days=1)),
                    ),
                ]
            )
        )
        no_deal = orders.filtered(
            lambda o: (
                o.state == "cancel"
                or (
                    o.state in ("draft", "sent")
                    and o.validity_date
                    and o.validity_date < today
                )
            )
        )
        Quotation = self.env["cq.satisfaction.lost.quotation"].sudo()
        kept_quotes = self.lost_quotation_ids.filtered(
            lambda line: line.order_id in no_deal
        )
        (self.lost_quotation_ids - kept_quotes).sudo().unlink()
        Quotation.create(
            [
                {"review_id": self.id, "order_id": order.id}
                for order in no_deal - kept_quotes.order_id
            ]
        )
        churn_rate = (
            100.0 * len(lost) / len(previous_buyers) if previous_buyers else 0.0
        )
        previous_churn = (
            100.0 * len(lost_before) / len(before_buyers) if before_buyers else 0.0
        )
        return {
            "customers_previous": len(previous_buyers),
            "lost_count": len(lost),
            "churn_rate": churn_rate,
            "previous_churn_rate": previous_churn,
            # a period not over yet counts its late buyers as lost: no alarm
            "churn_rising": bool(before_buyers)
            and churn_rate > previous_churn
            and end < today,
            "quotation_count": len(orders),
            "no_deal_count": len(no_deal),
            "no_deal_rate": 100.0 * len(no_deal) / len(orders) if orders else 0.0,
        }

    # ------------------------------------------------------------------
    # Steps
    # ------------------------------------------------------------------
    def action_review(self):
        """The management representative has reviewed the analysis."""
        self._cq_ensure_can("review")
        # the representative and the general manager need no quality rights:
        # their step is checked above, and only it is written
        self.sudo()._cq_set_state(
            "reviewed",
            reviewed_by_id=self.env.user.id,
            reviewed_date=fields.Datetime.now(),
        )
        for review in self:
            manager = review.company_id.cq_general_manager_id
            if manager:
                review.sudo().activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=manager.id,
                    summary=env_for(self.env, manager)._(
                        "Approve the satisfaction trend analysis"
                    ),
                )
        return True

    def action_approve(self):
        """The general manager approves it for the management review."""
        self._cq_ensure_can("approve")
        self.sudo()._cq_set_state(
            "approved",
            approved_by_id=self.env.user.id,
            approved_date=fields.Datetime.now(),
        )
        self.sudo().activity_ids.action_feedback(feedback=self.env._("Approved."))
        return True

    def action_cancel(self):
        self._cq_ensure_can("cancel")
        self._cq_set_state("cancelled")
        return True

    def _cq_refuse(self, step):
        self.ensure_one()
        if step == "review" and self.state == "draft" and not self.computed_date:
            raise UserError(
                self.env._("Analyse %s before it is reviewed.", self.display_name)
            )
        return super()._cq_refuse(step)
