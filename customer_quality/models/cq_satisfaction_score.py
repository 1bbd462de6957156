from odoo import fields, models

LEVELS = [
    ("very", "Very satisfied"),
    ("fairly", "Fairly satisfied"),
    ("generally", "Generally satisfied"),
    ("dissatisfied", "Dissatisfied"),
]


def satisfaction_level(score):
    """The procedure's level of a 0-100 score: very satisfied 95-100, fairly
    satisfied 80 to under 95, generally satisfied 60 to under 80, dissatisfied
    under 60; a boundary belongs to the level above it."""
    if score is None or score is False:
        return False
    if score >= 95:
        return "very"
    if score >= 80:
        return "fairly"
    if score >= 60:
        return "generally"
    return "dissatisfied"


class CqSatisfactionScore(models.Model):
    """One stored score of a finished satisfaction response: per dimension (ours
    or a named competitor's) and overall, for reporting and trend analysis with
    SQL GROUP BY. Written only by the scoring of the response."""

    _name = "cq.satisfaction.score"
    _description = "Satisfaction Score"
    _order = "date desc, response_id, dimension_id"
    _rec_name = "response_id"

    response_id = fields.Many2one(
        "survey.user_input", required=True, ondelete="cascade", index=True
    )
    survey_id = fields.Many2one("survey.survey", required=True, index=True)
    campaign_id = fields.Many2one("cq.satisfaction.campaign", index=True)
    company_id = fields.Many2one("res.company", required=True, index=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True
    )
    salesperson_id = fields.Many2one(
        related="partner_id.user_id", string="Salesperson", store=True, index=True
    )
    dimension_id = fields.Many2one(
        "cq.satisfaction.dimension",
        index=True,
        help="Empty: the response's overall score.",
    )
    competitor_id = fields.Many2one(
        "res.partner", help="Set: the score the customer gave this competitor."
    )
    is_overall = fields.Boolean("Overall", index=True)
    score = fields.Float(aggregator="avg", digits=(5, 2))
    level = fields.Selection(LEVELS)
    weight = fields.Float(help="Sum of the weights of the items answered.")
    item_count = fields.Integer("Items answered", aggregator="sum")
    date = fields.Date(required=True, index=True)
    period_start = fields.Date("Survey period", required=True, index=True)
    entry_method = fields.Selection(
        related="response_id.cq_entry_method", string="Obtained by"
    )
