from odoo import fields, models


class StockLot(models.Model):
    _name = "stock.lot"
    _inherit = ["stock.lot", "cq.source.mixin"]

    cq_return_count = fields.Integer(
        "Return authorisations", compute="_compute_cq_return_count"
    )
    cq_capa_count = fields.Integer(
        "Corrective actions", compute="_compute_cq_capa_count"
    )
    cq_warranty_claim_count = fields.Integer(
        "Warranty claims", compute="_compute_cq_warranty_claim_count"
    )

    def _cq_source_paths(self):
        return {
            "cq.return": ["line_ids.lot_id"],
            "cq.capa": ["lot_ids", "action_ids.lot_ids"],
            "cq.warranty.claim": ["lot_id"],
        }

    def _cq_warranty_claim_defaults(self):
        self.ensure_one()
        return {"product_id": self.product_id.id, "lot_id": self.id}
