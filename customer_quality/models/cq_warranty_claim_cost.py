from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare

COST_TYPES = [
    ("replacement", "Replacement goods"),
    ("repair_labour", "Repair labour"),
    ("freight", "Freight"),
    ("premium_freight", "Premium freight"),
    ("sorting", "Sorting"),
    ("compensation", "Compensation paid"),
    ("penalty", "Customer penalty / deduction"),
    ("analysis", "Analysis"),
]


class CqWarrantyClaimCost(models.Model):
    """What a warranty claim cost us, line by line, in the company's currency."""

    _name = "cq.warranty.claim.cost"
    _description = "Warranty Claim Cost"
    _order = "claim_id, date, id"
    _check_company_auto = True

    claim_id = fields.Many2one(
        "cq.warranty.claim",
        required=True,
        ondelete="cascade",
        index=True,
    )
    cost_type = fields.Selection(COST_TYPES, string="Type", required=True, index=True)
    description = fields.Char()
    date = fields.Date(required=True, default=fields.Date.context_today)
    amount = fields.Monetary(required=True, currency_field="currency_id")
    currency_id = fields.Many2one(related="company_id.currency_id")
    account_move_id = fields.Many2one(
        "account.move",
        string="Accounting document",
        check_company=True,
        help="The bill, credit note or entry this cost was booked with.",
    )
    # dimensions of the statistics, stored for SQL GROUP BY
    company_id = fields.Many2one(
        related="claim_id.company_id", store=True, index=True, precompute=True
    )
    partner_id = fields.Many2one(
        related="claim_id.partner_id", store=True, index=True, string="Customer"
    )
    product_id = fields.Many2one(
        related="claim_id.product_id", store=True, index=True, string="Product"
    )
    claim_date = fields.Date(
        related="claim_id.claim_date", store=True, index=True, string="Claim date"
    )
    cause = fields.Selection(related="claim_id.cause", store=True, string="Cause")
    claim_state = fields.Selection(related="claim_id.state", string="Claim status")

    @api.constrains("amount")
    def _check_amount(self):
        for cost in self:
            if (
                float_compare(
                    cost.amount,
                    0.0,
                    precision_rounding=cost.currency_id.rounding or 0.01,
                )
                < 0
            ):
                raise ValidationError(
                    self.env._(
                        "A cost cannot be negative; record what the supplier pays "
                        "back as a recovery on the claim."
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        costs = super().create(vals_list)
        costs.claim_id._cq_check_costs_editable()
        return costs

    def write(self, vals):
        self.claim_id._cq_check_costs_editable()
        result = super().write(vals)
        if "claim_id" in vals:
            self.claim_id._cq_check_costs_editable()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_cancelled(self):
        self.claim_id._cq_check_costs_editable()
