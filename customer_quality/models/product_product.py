from odoo import fields, models


class ProductProduct(models.Model):
    _name = "product.product"
    _inherit = ["product.product", "cq.source.mixin"]

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
            "cq.return": ["line_ids.product_id"],
            "cq.capa": ["product_id", "rollout_product_ids"],
            "cq.warranty.claim": ["product_id"],
        }

    def _cq_warranty_claim_defaults(self):
        self.ensure_one()
        return {"product_id": self.id}

    def _cq_warranty_months(self):
        """(months, source) of the product's own warranty period: the product's
        months ("product"), else the nearest category's ("category"), else
        (0, "none"). Customer terms come on top (cq.warranty.term)."""
        self.ensure_one()
        if self.cq_warranty_months > 0:
            return self.cq_warranty_months, "product"
        months, _category = self.categ_id._cq_warranty_months()
        if months:
            return months, "category"
        return 0, "none"
