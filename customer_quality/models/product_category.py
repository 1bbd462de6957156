from odoo import fields, models


class ProductCategory(models.Model):
    _inherit = "product.category"

    cq_warranty_months = fields.Integer(
        "Warranty (months)",
        help="Warranty period of the products of this category, in months. 0: the "
        "parent category's.",
    )

    _sql_constraints = [
        (
            "cq_warranty_months_positive",
            "CHECK(cq_warranty_months >= 0)",
            "A warranty period cannot be negative.",
        ),
    ]

    def _cq_warranty_months(self):
        """(months, category) of the nearest category up the tree that sets a
        warranty period, or (0, empty) when none does."""
        self.ensure_one()
        category = self
        while category:
            if category.cq_warranty_months > 0:
                return category.cq_warranty_months, category
            category = category.parent_id
        return 0, self.browse()

    def write(self, vals):
        result = super().write(vals)
        if "cq_warranty_months" in vals or "parent_id" in vals:
            self.env["cq.warranty.claim"]._cq_recompute_warranty(
                [("product_id.categ_id", "child_of", self.ids)]
            )
        return result
