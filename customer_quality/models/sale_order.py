from odoo import models


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "cq.ticket.source.mixin"]

    def _cq_ticket_field(self):
        return "sale_order_id"

    def _cq_ticket_defaults(self):
        self.ensure_one()
        values = {
            "partner_id": self.partner_id.commercial_partner_id.id,
            "sale_order_id": self.id,
            "company_id": self.company_id.id,
        }
        if self.partner_id != self.partner_id.commercial_partner_id:
            values["contact_id"] = self.partner_id.id
        products = self.order_line.product_id
        if len(products) == 1:
            values["product_id"] = products.id
        return values
