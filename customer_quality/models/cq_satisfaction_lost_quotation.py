from odoo import fields, models


class CqSatisfactionLostQuotation(models.Model):
    """未成交: a quotation of the period that never became an order, with the
    reason."""

    _name = "cq.satisfaction.lost.quotation"
    _inherit = "cq.satisfaction.lost.mixin"
    _description = "Quotation Not Ordered"
    _order = "review_id, amount desc"

    order_id = fields.Many2one("sale.order", string="Quotation", required=True)
    partner_id = fields.Many2one(
        related="order_id.partner_id", store=True, string="Customer"
    )
    salesperson_id = fields.Many2one(
        related="order_id.user_id", store=True, string="Salesperson"
    )
    date = fields.Datetime(related="order_id.date_order", string="Quoted on")
    amount = fields.Monetary(
        "Untaxed amount",
        related="order_id.amount_untaxed",
        store=True,
        currency_field="currency_id",
    )
    currency_id = fields.Many2one(related="order_id.currency_id")
