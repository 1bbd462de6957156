from odoo import api, fields, models
from odoo.exceptions import UserError

LOST_REASONS = [
    ("price", "Price"),
    ("quality", "Product quality"),
    ("delivery", "Delivery"),
    ("service", "Service"),
    ("competitor", "Went to a competitor"),
    ("demand", "No more demand"),
    ("business", "Business closed or changed"),
    ("other", "Other"),
]


class CqSatisfactionLostMixin(models.AbstractModel):
    """A line the trend analysis finds (a lost customer, a quotation never
    ordered): users record only why, while the analysis is not approved."""

    _name = "cq.satisfaction.lost.mixin"
    _description = "Lost Business Line"

    review_id = fields.Many2one(
        "cq.satisfaction.review", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="review_id.company_id", store=True, index=True)
    period_start = fields.Date(related="review_id.period_start", store=True)
    reason = fields.Selection(LOST_REASONS, string="Why lost")
    note = fields.Text()

    _cq_user_fields = frozenset({"reason", "note"})

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise UserError(
                self.env._("These lines come from the analysis of the period.")
            )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            if set(vals) - self._cq_user_fields:
                raise UserError(
                    self.env._(
                        "Only the reason and its note are recorded by hand here."
                    )
                )
            if any(self.review_id.mapped("is_locked")):
                raise UserError(
                    self.env._(
                        "The analysis is approved: its reasons no longer change."
                    )
                )
        return super().write(vals)
