from odoo import fields, models


class StockScrap(models.Model):
    _inherit = "stock.scrap"

    cq_return_id = fields.Many2one(
        "cq.return", "Return authorisation", index="btree_not_null", readonly=True
    )
