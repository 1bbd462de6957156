from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

RECIPIENT_STATUSES = [
    ("to_send", "To send"),
    ("sent", "Sent"),
    ("answered", "Answered"),
    ("expired", "Not answered"),
]


class CqSatisfactionRecipient(models.Model):
    """A customer of a satisfaction campaign: who answers for it (its quality
    or purchasing contact; more contacts of the same customer may be listed,
    each with an answer of their own), the answer created for this campaign,
    and whether it came back."""

    _name = "cq.satisfaction.recipient"
    _description = "Satisfaction Campaign Recipient"
    _order = "campaign_id, partner_id"
    _rec_name = "partner_id"
    _check_company_auto = True

    campaign_id = fields.Many2one(
        "cq.satisfaction.campaign", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="campaign_id.company_id", store=True, index=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        domain="[('is_company', '=', True)]",
    )
    salesperson_id = fields.Many2one(
        related="partner_id.user_id", store=True, index=True, string="Salesperson"
    )
    contact_id = fields.Many2one(
        "res.partner",
        required=True,
        domain="['|', ('id', '=', partner_id), ('parent_id', '=', partner_id)]",
        help="The person who answers for the customer: its quality or purchasing "
        "contact.",
    )
    user_input_id = fields.Many2one(
        "survey.user_input", string="Survey answer", readonly=True, index=True
    )
    status = fields.Selection(
        RECIPIENT_STATUSES,
        compute="_compute_status",
        store=True,
        index=True,
    )
    sent_date = fields.Datetime("Invited on", readonly=True)
    reminded_date = fields.Datetime("Reminded on", readonly=True)
    answered_date = fields.Datetime(
        related="user_input_id.end_datetime", string="Answered on"
    )
    entry_method = fields.Selection(related="user_input_id.cq_entry_method")
    entered_by_id = fields.Many2one(related="user_input_id.cq_entered_by_id")
    score = fields.Float(related="user_input_id.cq_score", string="Score")
    level = fields.Selection(related="user_input_id.cq_level", string="Level")
    survey_url = fields.Char(
        compute="_compute_survey_url",
        string="Survey link",
        compute_sudo=True,
        groups="customer_quality.group_cq_officer",
        help="The customer's own link: whoever has it answers as the customer.",
    )
    # the survey answer is quality's and the survey officers': the screens of
    # the salespeople read these instead
    is_invited = fields.Boolean(
        "Invited", compute="_compute_is_invited", compute_sudo=True
    )

    _sql_constraints = [
        (
            "campaign_contact_uniq",
            "unique(campaign_id, partner_id, contact_id)",
            "A customer's contact is listed once per campaign: several contacts of a "
            "customer may each answer.",
        ),
    ]

    # set by the invitations and the entry, never by hand
    _cq_server_fields = ("user_input_id", "sent_date", "reminded_date")

    @api.constrains("partner_id", "contact_id")
    def _check_contact(self):
        for recipient in self:
            if recipient.partner_id != recipient.partner_id.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "List the customer company, not %s: its people answer as its "
                        "contacts.",
                        recipient.partner_id.display_name,
                    )
                )
            if recipient.contact_id.commercial_partner_id != recipient.partner_id:
                raise ValidationError(
                    self.env._(
                        "%(contact)s does not work for %(customer)s.",
                        contact=recipient.contact_id.display_name,
                        customer=recipient.partner_id.display_name,
                    )
                )

    def _cq_check_customer(self, partner):
        """A salesperson lists only the customers they are salesperson of."""
        if self.env.su or self.env.user.has_group("customer_quality.group_cq_officer"):
            return
        if partner.commercial_partner_id.user_id != self.env.user:
            raise AccessError(
                self.env._(
                    "%s is not one of your customers: quality lists it.",
                    partner.display_name,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                self._cq_check_customer(
                    self.env["res.partner"].browse(vals.get("partner_id"))
                )
                if any(vals.get(name) for name in self._cq_server_fields):
                    raise UserError(self._cq_server_fields_message())
                campaign = self.env["cq.satisfaction.campaign"].browse(
                    vals.get("campaign_id")
                )
                campaign.check_access("write")
                if campaign.state not in ("draft", "running"):
                    raise UserError(
                        self.env._(
                            "%s is finished: it takes no new customers.",
                            campaign.display_name,
                        )
                    )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            if set(vals) & set(self._cq_server_fields):
                raise UserError(self._cq_server_fields_message())
            if vals.get("partner_id"):
                self._cq_check_customer(
                    self.env["res.partner"].browse(vals["partner_id"])
                )
            if {"partner_id", "campaign_id", "contact_id"} & set(vals) and any(
                self.sudo().mapped("user_input_id")
            ):
                raise UserError(
                    self.env._(
                        "An invited customer stays who it was invited as: list "
                        "the right customer or contact on a line of its own."
                    )
                )
        return super().write(vals)

    def _cq_server_fields_message(self):
        return self.env._(
            "The answer, invitation and reminder of a campaign's customer are set by "
            "the campaign only."
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_invited(self):
        if any(self.mapped("user_input_id")):
            raise UserError(
                self.env._(
                    "An invited customer stays on its campaign: its invitation went "
                    "out."
                )
            )

    @api.depends("user_input_id.state", "campaign_id.state")
    def _compute_status(self):
        for recipient in self:
            answer = recipient.user_input_id
            if answer.state == "done":
                recipient.status = "answered"
            elif recipient.campaign_id.state in ("closed", "cancelled") and answer:
                recipient.status = "expired"
            elif answer:
                recipient.status = "sent"
            else:
                recipient.status = "to_send"

    @api.depends("user_input_id")
    def _compute_is_invited(self):
        for recipient in self:
            recipient.is_invited = bool(recipient.user_input_id)

    def _compute_survey_url(self):
        for recipient in self:
            answer = recipient.user_input_id
            recipient.survey_url = (
                answer.get_base_url() + answer.get_start_url() if answer else False
            )

    def _cq_answer(self, partner=None):
        """The campaign's own answer of this recipient, created if needed: a new
        one per campaign, never an earlier campaign's token."""
        self.ensure_one()
        if self.user_input_id:
            return self.user_input_id
        campaign = self.campaign_id
        Answer = self.env["survey.user_input"]
        with Answer._cq_scoring():
            answer = campaign.survey_id.sudo()._create_answer(
                partner=partner or self.contact_id or self.partner_id,
                check_attempts=False,
                deadline=campaign._cq_answer_deadline(),
                cq_campaign_id=campaign.id,
                cq_company_id=campaign.company_id.id,
            )
        self.sudo().user_input_id = answer
        return answer

    def _cq_invite(self):
        template = self.env.ref("customer_quality.mail_template_cq_satisfaction_invite")
        now = fields.Datetime.now()
        for recipient in self:
            recipient._cq_answer()
            template.sudo().send_mail(
                recipient.id, email_layout_xmlid="mail.mail_notification_light"
            )
            recipient.sudo().sent_date = now

    def _cq_remind(self):
        template = self.env.ref("customer_quality.mail_template_cq_satisfaction_remind")
        now = fields.Datetime.now()
        for recipient in self:
            template.sudo().send_mail(
                recipient.id, email_layout_xmlid="mail.mail_notification_light"
            )
            recipient.sudo().reminded_date = now

    def action_enter_answer(self):
        """Enter the customer's paper or interview answer."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "cq.satisfaction.entry.wizard",
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Enter answer of %s", self.partner_id.display_name),
            "context": {"default_recipient_id": self.id},
        }
