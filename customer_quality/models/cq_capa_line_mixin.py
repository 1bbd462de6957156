from odoo import fields, models


class CqCapaLineMixin(models.AbstractModel):
    """A line of a corrective action (action, root cause, document updated, step
    deadline, verification): it belongs to one corrective action and to its
    company, and who sees it follows the corrective action (record rules on
    ``capa_id``)."""

    _name = "cq.capa.line.mixin"
    _description = "Corrective Action Part"

    capa_id = fields.Many2one(
        "cq.capa",
        string="Corrective action",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(
        related="capa_id.company_id", store=True, index=True, precompute=True
    )
