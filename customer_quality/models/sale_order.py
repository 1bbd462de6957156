from odoo import fields, models


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "cq.source.mixin"]

    cq_ticket_count = fields.Integer(
        "Quality tickets", compute="_compute_cq_ticket_count"
    )
    cq_return_count = fields.Integer(
        "Return authorisations", compute="_compute_cq_return_count"
    )
    cq_warranty_claim_count = fields.Integer(
        "Warranty claims", compute="_compute_cq_warranty_claim_count"
    )

    def _cq_source_paths(self):
        return {
            "cq.ticket": ["sale_order_id"],
            # raised from the order, or with lines of its deliveries
            "cq.return": ["sale_order_id", "line_ids.sale_order_id"],
            "cq.warranty.claim": ["sale_order_id"],
        }

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

    def _cq_return_defaults(self):
        self.ensure_one()
        moves = self.picking_ids._cq_delivered_moves()
        return {
            "partner_id": self.partner_id.commercial_partner_id.id,
            "sale_order_id": self.id,
            "company_id": self.company_id.id,
            "line_ids": self.env["cq.return"]._cq_line_commands(moves),
        }

    def _cq_warranty_claim_defaults(self):
        self.ensure_one()
        return {"partner_id": self.partner_id.commercial_partner_id.id}
