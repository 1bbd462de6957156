from odoo import fields, models

CLASSIFICATIONS = [
    ("product_quality", "Product quality"),
    ("delivery", "Delivery"),
    ("sales_service", "Sales service"),
    ("after_sales", "After-sales / technical service"),
    ("price", "Price"),
    ("other", "Other"),
]


class CqCategory(models.Model):
    """A company-extensible category under one of the fixed classifications."""

    _name = "cq.category"
    _description = "Customer Quality Category"
    _order = "classification, sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    classification = fields.Selection(
        CLASSIFICATIONS,
        required=True,
        default="product_quality",
        help="The complaint classification (投诉分类) this category refines.",
    )
    company_id = fields.Many2one(
        "res.company",
        help="Leave empty to share the category between companies.",
    )
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)

    _sql_constraints = [
        (
            "name_classification_company_uniq",
            "unique(name, classification, company_id)",
            "A category with this name already exists in this classification.",
        ),
    ]
