from odoo import fields, models

VERIFICATION_METHODS = [
    ("deliveries", "The next deliveries without the defect"),
    ("period", "A period without recurrence"),
    ("audit", "Process audit"),
    ("measurement", "Test or measurement"),
    ("other", "Other"),
]
RESULTS = [("effective", "Effective"), ("ineffective", "Not effective")]


class CqCapaVerification(models.Model):
    """One verification of the effectiveness of a corrective action's actions:
    who, when, how, and what came out. Written by the verification step only,
    kept as history (an ineffective one sent the analysis back)."""

    _name = "cq.capa.verification"
    _description = "Corrective Action Effectiveness Verification"
    _order = "capa_id, date desc, id desc"
    _check_company_auto = True

    capa_id = fields.Many2one(
        "cq.capa",
        string="Corrective action",
        required=True,
        readonly=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(
        related="capa_id.company_id", store=True, index=True, precompute=True
    )
    user_id = fields.Many2one("res.users", "Verified by", required=True, readonly=True)
    date = fields.Datetime(required=True, readonly=True)
    method = fields.Selection(VERIFICATION_METHODS, required=True, readonly=True)
    deliveries_checked = fields.Integer("Deliveries checked", readonly=True)
    days_observed = fields.Integer("Days without recurrence", readonly=True)
    result = fields.Selection(RESULTS, required=True, readonly=True)
    note = fields.Text("Evidence", required=True, readonly=True)
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "cq_capa_verification_attachment_rel",
        string="Evidence files",
        readonly=True,
    )
