import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.safe_eval import safe_eval

from .cq_recipient_lang import env_for

_logger = logging.getLogger(__name__)

CAMPAIGN_STATES = [
    ("draft", "Draft"),
    ("running", "Running"),
    ("closed", "Closed"),
    ("cancelled", "Cancelled"),
]
AUDIENCES = [
    ("deliveries", "Customers with deliveries in the period"),
    ("domain", "Customers matching a filter"),
    ("list", "Hand-picked customers"),
]


class CqSatisfactionCampaign(models.Model):
    """顾客满意度调查: a satisfaction survey sent to a set of customers for a
    period, with a due date and a reminder, whose answers are scored; created
    and sent by the company's schedule or by hand."""

    _name = "cq.satisfaction.campaign"
    _description = "Satisfaction Campaign"
    _inherit = ["cq.document.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date_from desc, id desc"
    _check_company_auto = True
    _cq_sequence_code = "cq.satisfaction.campaign"
    _cq_sequence_date_field = "date_from"
    _cq_workflow_fields = ("sent_date", "sent_by_id", "closed_date", "is_scheduled")
    _cq_editable_states = {
        "survey_id": ("draft",),
        "date_from": ("draft",),
        "date_to": ("draft",),
        "audience": ("draft",),
        "audience_domain": ("draft",),
        "partner_ids": ("draft",),
        "company_id": ("draft",),
    }

    name = fields.Char("Number", readonly=True, copy=False, default="/")
    title = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    state = fields.Selection(
        CAMPAIGN_STATES,
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
        index=True,
        group_expand="_cq_group_expand_states",
    )
    survey_id = fields.Many2one(
        "survey.survey",
        required=True,
        domain="[('cq_is_satisfaction', '=', True)]",
        default=lambda self: self.env.company.cq_satisfaction_survey_id,
        tracking=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Organiser",
        required=True,
        default=lambda self: self.env.user,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    date_from = fields.Date(
        "Survey period from",
        required=True,
        default=lambda self: self._default_period()[0],
        help="The answers measure satisfaction over this period.",
    )
    date_to = fields.Date(
        "Survey period to",
        required=True,
        default=lambda self: self._default_period()[1],
    )
    date_due = fields.Date(
        "Answers due",
        tracking=True,
        help="Set when sent, from the company's days to answer; may be moved.",
    )
    audience = fields.Selection(
        AUDIENCES,
        required=True,
        default="deliveries",
        help="Customers with deliveries: every customer company that received a "
        "done delivery in the period.",
    )
    audience_domain = fields.Char("Customer filter", default="[]")
    partner_ids = fields.Many2many(
        "res.partner",
        "cq_satisfaction_campaign_partner_rel",
        string="Customers",
        domain="[('is_company', '=', True)]",
    )
    recipient_ids = fields.One2many(
        "cq.satisfaction.recipient", "campaign_id", string="Recipients"
    )
    recipient_count = fields.Integer(compute="_compute_stats", string="Recipients #")
    answered_count = fields.Integer(compute="_compute_stats", string="Answered")
    response_rate = fields.Float(
        compute="_compute_stats", string="Response rate (%)", digits=(5, 1)
    )
    average_score = fields.Float(
        compute="_compute_stats", string="Average score", digits=(5, 1)
    )
    is_scheduled = fields.Boolean(
        "Scheduled", readonly=True, help="Created by the company's schedule."
    )
    sent_date = fields.Datetime("Sent on", readonly=True, copy=False)
    sent_by_id = fields.Many2one("res.users", "Sent by", readonly=True, copy=False)
    closed_date = fields.Datetime("Closed on", readonly=True, copy=False)
    can_send = fields.Boolean("Can send", compute="_compute_can")
    can_close = fields.Boolean("Can close", compute="_compute_can")
    can_cancel = fields.Boolean("Can cancel", compute="_compute_can")

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "Campaign numbers are unique.",
        ),
        (
            "period_order",
            "CHECK(date_from <= date_to)",
            "A period ends after it starts.",
        ),
    ]

    def _cq_company_links(self):
        return bool(self.recipient_ids)

    def _cq_answer_deadline(self):
        """When the links stop taking answers: the end of the due day, where the
        company works."""
        self.ensure_one()
        if not self.date_due:
            return False
        return self.company_id._cq_local_midnight(self.date_due + timedelta(days=1))

    def write(self, vals):
        result = super().write(vals)
        if "date_due" in vals:
            for campaign in self.filtered(lambda c: c.state == "running"):
                campaign.sudo().recipient_ids.user_input_id.filtered(
                    lambda a: a.state != "done"
                ).write({"deadline": campaign._cq_answer_deadline()})
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_answered(self):
        if self.sudo().recipient_ids.user_input_id:
            raise UserError(
                self.env._(
                    "Customers were invited or answered in this campaign: cancel it "
                    "instead."
                )
            )

    @api.model
    def _default_period(self):
        return self.env.company._cq_satisfaction_period(fields.Date.context_today(self))

    @api.depends("recipient_ids.status", "recipient_ids.score", "recipient_ids.level")
    def _compute_stats(self):
        for campaign in self:
            recipients = campaign.recipient_ids
            answered = recipients.filtered(lambda r: r.status == "answered")
            campaign.recipient_count = len(recipients)
            campaign.answered_count = len(answered)
            campaign.response_rate = (
                100.0 * len(answered) / len(recipients) if recipients else 0.0
            )
            scored = answered.filtered("level")
            campaign.average_score = (
                sum(scored.mapped("score")) / len(scored) if scored else 0.0
            )

    @api.model
    def _cq_step_states(self):
        return {
            "send": ("draft", "running"),
            "close": ("running",),
            "cancel": ("draft", "running"),
        }

    @api.depends("state")
    @api.depends_context("uid")
    def _compute_can(self):
        steps = self._cq_step_states()
        is_user = self.env.user.has_group("customer_quality.group_cq_user")
        for campaign in self:
            for step, states in steps.items():
                campaign[f"can_{step}"] = is_user and campaign.state in states

    @api.constrains("audience_domain")
    def _check_audience_domain(self):
        for campaign in self:
            campaign._cq_audience_domain()

    def _cq_audience_domain(self):
        self.ensure_one()
        try:
            domain = safe_eval(self.audience_domain or "[]")
            self.env["res.partner"].search_count(domain, limit=1)
        except Exception as error:
            raise ValidationError(
                self.env._(
                    "The customer filter of %(campaign)s is not a valid filter: "
                    "%(error)s",
                    campaign=self.title,
                    error=error,
                )
            ) from error
        return domain

    # ------------------------------------------------------------------
    # Audience
    # ------------------------------------------------------------------
    def _cq_delivered_customers(self):
        """Customer companies with a done outgoing delivery in the period."""
        self.ensure_one()
        start = self.company_id._cq_local_midnight(self.date_from)
        end = self.company_id._cq_local_midnight(self.date_to + timedelta(days=1))
        groups = (
            self.env["stock.picking"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", self.company_id.id),
                    ("picking_type_code", "=", "outgoing"),
                    ("state", "=", "done"),
                    ("date_done", ">=", start),
                    ("date_done", "<", end),
                    ("partner_id", "!=", False),
                ],
                ["partner_id"],
            )
        )
        partners = self.env["res.partner"].browse([partner.id for (partner,) in groups])
        return partners.commercial_partner_id

    def _cq_audience(self):
        """The customer companies the campaign goes to; a salesperson's own
        campaign reaches only the customers they are salesperson of."""
        self.ensure_one()
        if self.audience == "deliveries":
            customers = self._cq_delivered_customers()
        elif self.audience == "domain":
            customers = (
                self.env["res.partner"]
                .search(self._cq_audience_domain())
                .commercial_partner_id
            )
        else:
            customers = self.partner_ids.commercial_partner_id
        # the companies of the database are not customers
        companies = self.env["res.company"].sudo().search([]).partner_id  # pylint: disable=no-search-all
        customers = customers.filtered(
            lambda p: (
                p.active
                and p not in companies
                and (not p.company_id or p.company_id == self.company_id)
            )
        )
        if not self.env.user.has_group("customer_quality.group_cq_officer"):
            customers = customers.filtered(lambda p: p.user_id == self.env.user)
        return customers

    def action_prepare(self):
        """List the recipients (customers and their contacts) from the audience;
        a draft keeps whom it lists until sent."""
        self.check_access("write")
        for campaign in self:
            if campaign.state != "draft":
                raise UserError(
                    self.env._(
                        "%s is sent: its recipients no longer change.",
                        campaign.display_name,
                    )
                )
            customers = campaign._cq_audience()
            listed = campaign.recipient_ids.partner_id
            campaign.recipient_ids.filtered(
                lambda r, customers=customers: r.partner_id not in customers
            ).unlink()
            self.env["cq.satisfaction.recipient"].create(
                [
                    {
                        "campaign_id": campaign.id,
                        "partner_id": customer.id,
                        "contact_id": customer._cq_satisfaction_contact().id,
                    }
                    for customer in customers - listed
                ]
            )
        return True

    # ------------------------------------------------------------------
    # Steps
    # ------------------------------------------------------------------
    def action_send(self):
        """Send the invitations not sent yet: a new answer (never an old,
        possibly finished token) and an email with its link for each."""
        self._cq_ensure_can("send")
        return self._cq_send()

    def _cq_send(self, skip_missing=False):
        """Send; ``skip_missing`` (the schedule) leaves the customers without an
        email address listed, for a paper answer, and says so."""
        for campaign in self:
            if campaign.state == "draft" and not campaign.recipient_ids:
                campaign.action_prepare()
            campaign.survey_id._cq_check_satisfaction_ready()
            to_send = campaign.recipient_ids.filtered(lambda r: r.status == "to_send")
            if not campaign.recipient_ids:
                raise UserError(
                    self.env._(
                        "%s has no customer to send to: check its audience and period.",
                        campaign.display_name,
                    )
                )
            missing = to_send.filtered(lambda r: not r.contact_id.email)
            if missing and skip_missing:
                to_send -= missing
                campaign.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=campaign.user_id.id,
                    summary=env_for(self.env, campaign.user_id)._(
                        "Customers without an email address"
                    ),
                    note=env_for(self.env, campaign.user_id)._(
                        "No invitation went to %s: enter their answers from paper or "
                        "an interview.",
                        ", ".join(missing.partner_id.mapped("display_name")),
                    ),
                )
            elif missing:
                raise UserError(
                    self.env._(
                        "These customers have no contact with an email address: "
                        "%s. Give them one, remove them, or enter their answer from "
                        "paper.",
                        ", ".join(missing.partner_id.mapped("display_name")),
                    )
                )
            if campaign.state == "draft":
                today = fields.Date.context_today(campaign)
                campaign._cq_set_state(
                    "running",
                    sent_date=fields.Datetime.now(),
                    sent_by_id=self.env.user.id,
                )
                if not campaign.date_due:
                    campaign.date_due = today + timedelta(
                        days=campaign.company_id.cq_satisfaction_answer_days
                    )
            to_send._cq_invite()
            if to_send:
                campaign.message_post(
                    body=self.env._(
                        "Invitations sent to %(count)s customers: %(names)s.",
                        count=len(to_send),
                        names=", ".join(to_send.partner_id.mapped("display_name")),
                    ),
                    subtype_xmlid="mail.mt_note",
                )
        return True

    def action_close(self):
        """Close the campaign: unanswered invitations expire."""
        self._cq_ensure_can("close")
        for campaign in self:
            open_answers = campaign.sudo().recipient_ids.user_input_id.filtered(
                lambda a: a.state != "done"
            )
            campaign._cq_set_state("closed", closed_date=fields.Datetime.now())
            if open_answers:
                open_answers.sudo().write({"deadline": fields.Datetime.now()})
        return True

    def action_cancel(self):
        self._cq_ensure_can("cancel")
        for campaign in self:
            if campaign.recipient_ids.filtered(lambda r: r.status == "answered"):
                raise UserError(
                    self.env._(
                        "%s has answers: close it instead, its answers are records.",
                        campaign.display_name,
                    )
                )
            campaign.sudo().recipient_ids.user_input_id.write(
                {"deadline": fields.Datetime.now()}
            )
            campaign._cq_set_state("cancelled")
        return True

    def action_print_paper_form(self):
        """The blank survey (顾客满意度调查表) for customers who answer on paper."""
        self.ensure_one()
        return self.env.ref(
            "customer_quality.action_report_cq_satisfaction_survey"
        ).report_action(self.survey_id)

    def action_view_answers(self):
        self.ensure_one()
        return self._cq_open(
            "cq.satisfaction.score",
            self.env["cq.satisfaction.score"].search(
                [("campaign_id", "=", self.id), ("is_overall", "=", True)]
            ),
            self.env._("Scores"),
        )

    # ------------------------------------------------------------------
    # Crons
    # ------------------------------------------------------------------
    @api.model
    def _cron_schedule(self):
        """Create and send each company's campaign for the current period, in the
        period's last month, once: a second run finds it and does nothing."""
        for company in self.env["res.company"].search([]):  # pylint: disable=no-search-all
            today = company._cq_today()
            survey = company.cq_satisfaction_survey_id
            if not survey or not company._cq_satisfaction_campaign_due(today):
                continue
            start, end = company._cq_satisfaction_period(today)
            exists = self.with_context(active_test=False).search_count(
                [
                    ("company_id", "=", company.id),
                    ("is_scheduled", "=", True),
                    ("date_from", "=", start),
                ],
                limit=1,
            )
            if exists:
                continue
            try:
                with self.env.cr.savepoint():
                    self._cq_schedule_company(company, survey, start, end)
            except Exception as error:  # one company's problem stops no other
                _logger.exception("Satisfaction campaign of %s failed", company.name)
                manager = company.cq_quality_manager_id
                if manager:
                    survey.sudo().activity_schedule(
                        "mail.mail_activity_data_todo",
                        user_id=manager.id,
                        summary=env_for(self.env, manager)._(
                            "The scheduled satisfaction campaign failed"
                        ),
                        note=str(error),
                    )

    def _cq_schedule_company(self, company, survey, start, end):
        """Create, list and send the period's scheduled campaign of ``company``."""
        organiser = company.cq_quality_manager_id or self.env.ref("base.user_root")
        campaign = self.with_company(company).create(
            {
                "title": self.env._(
                    "Customer satisfaction %(start)s - %(end)s",
                    start=start,
                    end=end,
                ),
                "company_id": company.id,
                "survey_id": survey.id,
                "user_id": organiser.id,
                "date_from": start,
                "date_to": end,
            }
        )
        campaign._cq_write_workflow({"is_scheduled": True})
        campaign.action_prepare()
        if campaign.recipient_ids:
            campaign._cq_send(skip_missing=True)

    @api.model
    def _cron_remind(self):
        """Remind the customers who have not answered, once, the company's days
        before the due date."""
        today = fields.Date.context_today(self)
        campaigns = self.search([("state", "=", "running"), ("date_due", "!=", False)])
        for campaign in campaigns:
            days = campaign.company_id.cq_satisfaction_reminder_days
            if not days or today < campaign.date_due - timedelta(days=days):
                continue
            if today > campaign.date_due:
                continue
            campaign.recipient_ids.filtered(
                lambda r: r.status == "sent" and not r.reminded_date
            )._cq_remind()
