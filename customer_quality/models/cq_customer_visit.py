from odoo import api, fields, models
from odoo.exceptions import UserError

VISIT_KINDS = [
    ("visit", "Customer visit"),
    ("meeting", "Customer meeting"),
    ("field_service", "Field service"),
]


class CqCustomerVisit(models.Model):
    """顾客拜访记录 / 座谈会 / 现场服务工作记录: a visit to a customer, a meeting
    with customers, or a day of field service on the customer's site: who,
    when, what was discussed or done, what was learned, and the problems found,
    followed up as tickets."""

    _name = "cq.customer.visit"
    _description = "Customer Visit"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char("Number", readonly=True, copy=False, default="/")
    kind = fields.Selection(
        VISIT_KINDS,
        string="Type of record",
        required=True,
        default="visit",
        tracking=True,
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    date = fields.Date(
        required=True, default=fields.Date.context_today, tracking=True, index=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain="[('is_company', '=', True)]",
    )
    salesperson_id = fields.Many2one(
        related="partner_id.user_id", store=True, string="Salesperson"
    )
    contact_ids = fields.Many2many(
        "res.partner",
        "cq_customer_visit_contact_rel",
        string="Customer's people",
        domain="[('parent_id', '=', partner_id)]",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Visited by",
        required=True,
        default=lambda self: self.env.user,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    attendee_ids = fields.Many2many(
        "res.users",
        "cq_customer_visit_user_rel",
        string="With",
        domain="[('share', '=', False)]",
    )
    location = fields.Char("Place / site")
    topics = fields.Text(help="What was discussed or asked for.")
    learned = fields.Html(
        "What we learned",
        help="The customer's needs, expectations, opinions on our products and "
        "service, and market news.",
    )
    follow_up = fields.Text("Follow-up")
    # field service (现场服务工作记录表)
    units_fitted = fields.Integer(
        "Vehicles / units fitted", help="How many vehicles or units were fitted."
    )
    units_detail = fields.Text(
        "Vehicles / units", help="Which vehicles or units (VIN, serial numbers)."
    )
    service_done = fields.Text("Work done")
    problems_found = fields.Text("Problems found")
    customer_opinion = fields.Text("Customer's opinion")
    customer_signatory = fields.Char(
        "Confirmed by (customer)", help="Who signed the service report on site."
    )
    ticket_ids = fields.One2many("cq.ticket", "visit_id", string="Follow-up tickets")
    ticket_count = fields.Integer("Tickets", compute="_compute_ticket_count")

    _sql_constraints = [
        ("name_company_uniq", "unique(name, company_id)", "Numbers are unique."),
        (
            "units_positive",
            "CHECK(units_fitted >= 0)",
            "Units fitted cannot be negative.",
        ),
    ]

    @api.depends("ticket_ids")
    def _compute_ticket_count(self):
        for visit in self:
            visit.ticket_count = len(visit.ticket_ids)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if (vals.get("name") or "/") == "/":
                company = self.env["res.company"].browse(
                    vals.get("company_id") or self.env.company.id
                )
                sequence = self.env["ir.sequence"].with_company(company).sudo()
                vals["name"] = (
                    sequence.next_by_code(
                        "cq.customer.visit",
                        sequence_date=vals.get("date"),
                    )
                    or "/"
                )
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_followed_up(self):
        if any(self.mapped("ticket_ids")):
            raise UserError(
                self.env._(
                    "A visit with follow-up tickets is a record of them: archive it "
                    "instead."
                )
            )

    def action_new_ticket(self):
        """A follow-up ticket for a problem found or a request made."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "cq.ticket",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": {
                "default_visit_id": self.id,
                "default_partner_id": self.partner_id.id,
                "default_contact_id": self.contact_ids[:1].id,
                "default_channel": "field_service"
                if self.kind == "field_service"
                else "visit",
                "default_description": self.problems_found or self.topics or "",
            },
        }

    def action_view_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_quality.cq_ticket_action"
        )
        action["domain"] = [("visit_id", "=", self.id)]
        action["context"] = {"default_visit_id": self.id}
        return action
