from odoo import api, fields, models


class ProductProduct(models.Model):
    _name = "product.product"
    _inherit = ["product.product", "cq.return.source.mixin"]

    cq_warranty_claim_count = fields.Integer(
        "Warranty claims", compute="_compute_cq_warranty_claim_count"
    )

    def _cq_return_domain(self):
        return [("line_ids.product_id", "=", self.id)]

    @api.depends_context("uid")
    def _compute_cq_warranty_claim_count(self):
        counts = self.env["cq.warranty.claim"]._cq_counts("product_id", self)
        for product in self:
            product.cq_warranty_claim_count = counts.get(product, 0)

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

    def action_cq_view_warranty_claims(self):
        self.ensure_one()
        return self.env["cq.warranty.claim"]._cq_action_for(
            [("product_id", "=", self.id)], {"default_product_id": self.id}
        )
