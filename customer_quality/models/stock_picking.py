from odoo import models


class StockPicking(models.Model):
    _name = "stock.picking"
    _inherit = ["stock.picking", "cq.ticket.source.mixin"]

    def _cq_ticket_field(self):
        return "picking_id"

    def _cq_ticket_defaults(self):
        self.ensure_one()
        partner = self.partner_id
        values = {
            "partner_id": partner.commercial_partner_id.id,
            "picking_id": self.id,
            "company_id": self.company_id.id,
        }
        if partner and partner != partner.commercial_partner_id:
            values["contact_id"] = partner.id
        if self.sale_id:
            values["sale_order_id"] = self.sale_id.id
        products = self.move_ids.filtered(lambda m: m.state == "done").product_id
        if len(products) == 1:
            values["product_id"] = products.id
        return values
