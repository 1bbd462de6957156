from odoo import api, fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    cq_warranty_months = fields.Integer(
        "Warranty (months)",
        help="Warranty period of this product, in months, from the delivery date "
        "(customer warranty terms may say otherwise). 0: the product category's.",
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

    @api.depends_context("uid")
    def _compute_cq_warranty_claim_count(self):
        counts = self.env["cq.warranty.claim"]._cq_counts("product_tmpl_id", self)
        for template in self:
            template.cq_warranty_claim_count = counts.get(template, 0)

    def write(self, vals):
        result = super().write(vals)
        if "cq_warranty_months" in vals or "categ_id" in vals:
            self.env["cq.warranty.claim"]._cq_recompute_warranty(
                [("product_tmpl_id", "in", self.ids)]
            )
        return result

    def action_cq_view_warranty_claims(self):
        self.ensure_one()
        return self.env["cq.warranty.claim"]._cq_action_for(
            [("product_tmpl_id", "=", self.id)],
            {"default_product_id": self.product_variant_id.id}
            if len(self.product_variant_ids) == 1
            else {},
        )
