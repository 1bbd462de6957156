from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CqSatisfactionDimension(models.Model):
    """What a satisfaction survey measures: product quality, delivery, price,
    service, technical support, staff attitude, communication, and what the
    company adds. Each dimension weighs in the overall score."""

    _name = "cq.satisfaction.dimension"
    _description = "Satisfaction Dimension"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True, help="Short technical name, stable across translations."
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    weight = fields.Float(
        default=1.0,
        help="The dimension's weight in a response's overall score (weighted mean "
        "over the dimensions answered).",
    )
    company_id = fields.Many2one(
        "res.company",
        help="Empty: shared by every company; otherwise the company's own dimension.",
    )
    description = fields.Text(translate=True)

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "A dimension code is used once per company.",
        ),
    ]

    @api.constrains("weight")
    def _check_weight(self):
        for dimension in self:
            if dimension.weight <= 0:
                raise ValidationError(
                    self.env._("The weight of %s must be above zero.", dimension.name)
                )
