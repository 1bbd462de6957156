from odoo import fields, models


class SurveyQuestionAnswer(models.Model):
    _inherit = "survey.question.answer"

    cq_rating = fields.Float(
        "Rating",
        help="The answer's value on the question's own scale (e.g. 5 very satisfied "
        "… 1 very dissatisfied); rescaled to 0-100 between the question's lowest and "
        "highest rating.",
    )
    cq_not_applicable = fields.Boolean(
        "Not applicable",
        help="Choosing it leaves the item out of the score, like a skipped answer.",
    )
    # matrix rows
    cq_dimension_id = fields.Many2one(
        "cq.satisfaction.dimension",
        string="Satisfaction dimension",
        ondelete="restrict",
        help="For a matrix row: the dimension it counts in (empty: the question's).",
    )
    cq_weight = fields.Float(
        "Weight in dimension",
        help="For a matrix row: its weight in its dimension (0: the question's).",
    )
    cq_competitor_id = fields.Many2one(
        "res.partner",
        string="About competitor",
        help="For a matrix row: the competitor it asks about (empty: the question's).",
    )
