from odoo import fields, models


class CqTicketCapaWaiverWizard(models.TransientModel):
    """Why a serious complaint closes before its corrective action is verified."""

    _name = "cq.ticket.capa.waiver.wizard"
    _inherit = "cq.ticket.step.wizard"
    _description = "Close a Complaint Before Its Corrective Action"

    reason = fields.Text(
        required=True,
        help="Why the complaint closes first; the corrective action stays open on "
        "the management review list.",
    )

    def action_confirm(self):
        self.ensure_one()
        self.ticket_id.action_waive_capa(self.reason)
        return {"type": "ir.actions.act_window_close"}
