from odoo import fields, models


class CqBenchBaseline(models.Model):
    """A bare mail.thread document with the stored values a typical ticket is
    created with, tracked like the ticket tracks them: what any chatter document
    costs to create. Used only by bench/bench_tickets.py."""

    _name = "cq.bench.baseline"
    _description = "Customer Quality benchmark baseline"
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(default="/")
    subject = fields.Char(tracking=True)
    state = fields.Selection(
        [("draft", "New"), ("done", "Done")],
        default="draft",
        required=True,
        tracking=True,
    )
    feedback_type = fields.Selection(
        [("complaint", "Complaint"), ("praise", "Praise")],
        default="complaint",
        tracking=True,
    )
    partner_id = fields.Many2one("res.partner", tracking=True, index=True)
    contact_id = fields.Many2one("res.partner")
    email_from = fields.Char()
    phone = fields.Char()
    description = fields.Html(sanitize_style=True)
    channel = fields.Selection(
        [("phone", "Phone"), ("email", "Email"), ("other", "Other")],
        default="phone",
        required=True,
        tracking=True,
    )
    received_date = fields.Datetime(
        default=fields.Datetime.now, required=True, tracking=True
    )
    user_id = fields.Many2one(
        "res.users", default=lambda self: self.env.user, tracking=True
    )
    company_id = fields.Many2one(
        "res.company",
        default=lambda self: self.env.company,
        required=True,
        tracking=True,
    )
