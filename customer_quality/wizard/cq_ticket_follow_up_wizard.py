from odoo import fields, models

from ..models.cq_ticket import SATISFACTION


class CqTicketFollowUpWizard(models.TransientModel):
    """The follow-up call (回访) after closing: how satisfied the customer is
    with the handling."""

    _name = "cq.ticket.follow.up.wizard"
    _inherit = "cq.ticket.step.wizard"
    _description = "Ticket Follow-up Call"

    satisfaction = fields.Selection(
        SATISFACTION, "Satisfaction with the handling", required=True
    )
    note = fields.Text(help="What the customer said on the phone.")

    def action_confirm(self):
        self.ensure_one()
        self.ticket_id.action_record_follow_up(self.satisfaction, self.note)
        return {"type": "ir.actions.act_window_close"}
