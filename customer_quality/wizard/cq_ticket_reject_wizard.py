from odoo import fields, models


class CqTicketRejectWizard(models.TransientModel):
    """The approver refuses the decision and says why."""

    _name = "cq.ticket.reject.wizard"
    _inherit = "cq.ticket.step.wizard"
    _description = "Refuse a Ticket Decision"

    reason = fields.Text(
        required=True,
        help="Why the decision goes back to investigation; the responsible person "
        "reads it in their activity.",
    )

    def action_confirm(self):
        self.ensure_one()
        self.ticket_id.action_reject(self.reason)
        return {"type": "ir.actions.act_window_close"}
