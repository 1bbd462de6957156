from odoo import fields, models

from ..models.cq_capa_verification import RESULTS, VERIFICATION_METHODS


class CqCapaVerifyWizard(models.TransientModel):
    """What a quality manager found when verifying the effectiveness of a
    corrective action's actions; the corrective action's step takes it."""

    _name = "cq.capa.verify.wizard"
    _description = "Verify the Effectiveness of a Corrective Action"

    capa_id = fields.Many2one(
        "cq.capa", required=True, readonly=True, ondelete="cascade"
    )
    result = fields.Selection(RESULTS, required=True, default="effective")
    method = fields.Selection(VERIFICATION_METHODS, string="How", required=True)
    deliveries_checked = fields.Integer("Deliveries checked")
    days_observed = fields.Integer("Days without recurrence")
    note = fields.Text(
        "Evidence",
        required=True,
        help="What was checked and what it showed: deliveries, lots, audit results.",
    )
    attachment_ids = fields.Many2many(
        "ir.attachment", "cq_capa_verify_wizard_attachment_rel", string="Files"
    )

    def action_confirm(self):
        self.ensure_one()
        self.capa_id.action_verify(
            self.result == "effective",
            self.method,
            self.note,
            deliveries_checked=self.deliveries_checked,
            days_observed=self.days_observed,
            attachment_ids=self.attachment_ids.ids,
        )
        return {"type": "ir.actions.act_window_close"}
