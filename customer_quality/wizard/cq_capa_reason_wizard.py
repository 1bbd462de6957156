from odoo import fields, models

STEPS = [("cancel", "Cancel"), ("reopen", "Reopen")]


class CqCapaReasonWizard(models.TransientModel):
    """Why a corrective action is cancelled or reopened; the step takes it."""

    _name = "cq.capa.reason.wizard"
    _description = "Cancel or Reopen a Corrective Action"

    capa_id = fields.Many2one(
        "cq.capa", required=True, readonly=True, ondelete="cascade"
    )
    step = fields.Selection(STEPS, required=True, readonly=True)
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        # the step's own action checks who may take it, whatever the wizard says
        getattr(self.capa_id, f"action_{self.step}")(self.reason)
        return {"type": "ir.actions.act_window_close"}
