from odoo import fields, models


class ProductTemplate(models.Model):
    _name = "product.template"
    _inherit = ["product.template", "cq.source.mixin"]

    cq_warranty_months = fields.Integer(
        "Warranty (months)",
        help="Warranty period of this product, in months, from the delivery date "
        "(customer warranty terms may say otherwise). 0: the product category's.",
    )
    cq_capa_count = fields.Integer(
        "Corrective actions", compute="_compute_cq_capa_count"
    )
    cq_warranty_claim_count = fields.Integer(
        "Warranty claims", compute="_compute_cq_warranty_claim_count"
    )

    _sql_constraints = [
        (
            "cq_warranty_months_positive",
            "CHECK(cq_warranty_months >= 0)",
            "A warranty period cannot be negative.",
        ),
    ]

    def write(self, vals):
        result = super().write(vals)
        if "cq_warranty_months" in vals or "categ_id" in vals:
            self.env["cq.warranty.claim"]._cq_recompute_warranty(
                [("product_tmpl_id", "in", self.ids)]
            )
        return result

    def _cq_source_paths(self):
        return {
            "cq.warranty.claim": ["product_tmpl_id"],
            "cq.capa": ["product_tmpl_id"],
        }

    def _cq_warranty_claim_defaults(self):
        self.ensure_one()
        if len(self.product_variant_ids) == 1:
            return {"product_id": self.product_variant_id.id}
        return {}
