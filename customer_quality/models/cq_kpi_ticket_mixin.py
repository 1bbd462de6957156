from odoo import api, fields, models
from odoo.tools import SQL

from .cq_ticket import FEEDBACK_TYPES


class CqKpiTicketMixin(models.AbstractModel):
    """A KPI report of tickets (neither cancelled nor archived), grouped by the
    ticket's dimensions: company, customer, product, department, responsible
    and type. Its view selects them with ``_cq_ticket_dimensions()`` from the
    ticket aliased ``t``."""

    _name = "cq.kpi.ticket.mixin"
    _inherit = "cq.kpi.report.mixin"
    _description = "Customer Quality Ticket KPI"
    _depends = {
        "cq.ticket": [
            "company_id",
            "commercial_partner_id",
            "product_id",
            "team_id",
            "user_id",
            "feedback_type",
            "state",
            "active",
        ],
    }

    ticket_id = fields.Many2one("cq.ticket", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    team_id = fields.Many2one("cq.team", "Department", readonly=True)
    user_id = fields.Many2one("res.users", "Responsible", readonly=True)
    feedback_type = fields.Selection(FEEDBACK_TYPES, "Type", readonly=True)

    @api.model
    def _cq_ticket_dimensions(self):
        """The SELECT terms of the ticket's dimensions; called by _cq_view_query."""
        return SQL(
            """t.id AS ticket_id,
                   t.company_id AS company_id,
                   t.commercial_partner_id AS partner_id,
                   t.product_id AS product_id,
                   t.team_id AS team_id,
                   t.user_id AS user_id,
                   t.feedback_type AS feedback_type"""
        )

    @api.model
    def _cq_ticket_counted(self):
        """The WHERE term of the tickets a KPI counts; called by _cq_view_query."""
        return SQL("t.state != 'cancelled' AND t.active")
