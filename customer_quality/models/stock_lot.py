from odoo import api, fields, models


class StockLot(models.Model):
    _name = "stock.lot"
    _inherit = ["stock.lot", "cq.return.source.mixin"]

    cq_warranty_claim_count = fields.Integer(
        "Warranty claims", compute="_compute_cq_warranty_claim_count"
    )

    def _cq_return_domain(self):
        return [("line_ids.lot_id", "=", self.id)]

    @api.depends_context("uid")
    def _compute_cq_warranty_claim_count(self):
        counts = self.env["cq.warranty.claim"]._cq_counts("lot_id", self)
        for lot in self:
            lot.cq_warranty_claim_count = counts.get(lot, 0)

    def action_cq_view_warranty_claims(self):
        self.ensure_one()
        return self.env["cq.warranty.claim"]._cq_action_for(
            [("lot_id", "=", self.id)],
            {"default_product_id": self.product_id.id, "default_lot_id": self.id},
        )
