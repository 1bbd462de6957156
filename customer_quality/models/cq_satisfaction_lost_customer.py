from odoo import fields, models


class CqSatisfactionLostCustomer(models.Model):
    """流失客户: a customer who ordered in the previous period and not in this
    one, with the reason found out from them."""

    _name = "cq.satisfaction.lost.customer"
    _inherit = "cq.satisfaction.lost.mixin"
    _description = "Lost Customer"
    _order = "review_id, previous_amount desc"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    salesperson_id = fields.Many2one(
        related="partner_id.user_id", store=True, string="Salesperson"
    )
    previous_amount = fields.Monetary(
        "Ordered the period before", currency_field="currency_id"
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
