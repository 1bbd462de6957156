from odoo import fields, models

from .cq_satisfaction_trigger import REASON_KINDS


class CqSatisfactionTriggerReason(models.Model):
    """One reason a satisfaction result calls for corrective action."""

    _name = "cq.satisfaction.trigger.reason"
    _description = "Satisfaction Trigger Reason"
    _order = "trigger_id, id"

    trigger_id = fields.Many2one(
        "cq.satisfaction.trigger", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="trigger_id.company_id", store=True)
    kind = fields.Selection(REASON_KINDS, required=True)
    response_id = fields.Many2one(
        "survey.user_input", string="Survey answer", index="btree_not_null"
    )
    dimension_id = fields.Many2one("cq.satisfaction.dimension")
    competitor_id = fields.Many2one("res.partner")
    score = fields.Float(digits=(5, 1))
    reference = fields.Float(
        "Compared with",
        digits=(5, 1),
        help="The threshold, the competitor's score or last period's.",
    )
    note = fields.Char(required=True)
