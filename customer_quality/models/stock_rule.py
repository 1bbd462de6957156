from odoo import models


class StockRule(models.Model):
    _inherit = "stock.rule"

    def _get_custom_move_fields(self):
        # replacement deliveries keep the return line they replace
        return [*super()._get_custom_move_fields(), "cq_return_line_id"]
