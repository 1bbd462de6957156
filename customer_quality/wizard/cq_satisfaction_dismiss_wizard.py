from odoo import fields, models


class CqSatisfactionDismissWizard(models.TransientModel):
    """Why a weak satisfaction result calls for no corrective action."""

    _name = "cq.satisfaction.dismiss.wizard"
    _description = "No Corrective Action for a Satisfaction Result"

    trigger_id = fields.Many2one(
        "cq.satisfaction.trigger", required=True, readonly=True, ondelete="cascade"
    )
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.trigger_id.action_dismiss(self.reason)
        return {"type": "ir.actions.act_window_close"}
