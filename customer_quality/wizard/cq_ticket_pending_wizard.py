from odoo import fields, models


class CqTicketPendingWizard(models.TransientModel):
    """Why a ticket cannot be settled now and goes into the pending ledger."""

    _name = "cq.ticket.pending.wizard"
    _inherit = "cq.ticket.step.wizard"
    _description = "Put a Ticket in the Pending Ledger"

    reason = fields.Text(
        required=True, help="What the settlement waits for, and when to call back."
    )

    def action_confirm(self):
        self.ensure_one()
        self.ticket_id.action_put_pending(self.reason)
        return {"type": "ir.actions.act_window_close"}
