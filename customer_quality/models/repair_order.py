from odoo import fields, models


class RepairOrder(models.Model):
    _inherit = "repair.order"

    cq_return_id = fields.Many2one(
        "cq.return", "Return authorisation", index="btree_not_null", readonly=True
    )
