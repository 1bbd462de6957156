from odoo import fields, models

VERDICTS = [
    ("decline", "Significant decline"),
    ("not_significant", "Lower, not significant"),
    ("no_decline", "No decline"),
    ("too_few", "Too few answers"),
    ("no_previous", "No previous answers"),
]


class CqSatisfactionTrend(models.Model):
    """One cell of the trend analysis: a customer (or all customers) and a
    dimension (or overall) in the period, against the previous period."""

    _name = "cq.satisfaction.trend"
    _description = "Satisfaction Trend Cell"
    _order = "review_id, partner_id nulls first, is_overall desc, dimension_id"

    review_id = fields.Many2one(
        "cq.satisfaction.review", required=True, ondelete="cascade", index=True
    )
    # the review's, written with the cell (bench/: a related field recomputed
    # for each of a thousand new cells slowed the analysis down)
    company_id = fields.Many2one("res.company", required=True, index=True)
    period_start = fields.Date("Survey period", required=True, index=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", index=True, help="Empty: all customers."
    )
    salesperson_id = fields.Many2one(related="partner_id.user_id", string="Salesperson")
    dimension_id = fields.Many2one(
        "cq.satisfaction.dimension", help="Empty: the overall score."
    )
    is_overall = fields.Boolean("Overall")
    count = fields.Integer("Answers", aggregator="sum")
    mean = fields.Float(digits=(5, 2), aggregator="avg")
    stddev = fields.Float("Std. deviation", digits=(5, 2), aggregator=None)
    previous_count = fields.Integer("Answers before", aggregator="sum")
    previous_mean = fields.Float("Mean before", digits=(5, 2), aggregator="avg")
    change = fields.Float(digits=(5, 2), aggregator="avg")
    p_value = fields.Float("p", digits=(5, 4), aggregator=None)
    p_adjusted = fields.Float(
        "p (corrected)",
        digits=(5, 4),
        aggregator=None,
        help="Holm's correction for the number of cells tested.",
    )
    verdict = fields.Selection(VERDICTS)
