from odoo import api, fields, models


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "cq.ticket.source.mixin", "cq.return.source.mixin"]

    cq_warranty_claim_count = fields.Integer(
        "Warranty claims", compute="_compute_cq_warranty_claim_count"
    )

    @api.depends_context("uid")
    def _compute_cq_warranty_claim_count(self):
        counts = self.env["cq.warranty.claim"]._cq_counts("sale_order_id", self)
        for order in self:
            order.cq_warranty_claim_count = counts.get(order, 0)

    def action_cq_view_warranty_claims(self):
        self.ensure_one()
        return self.env["cq.warranty.claim"]._cq_action_for(
            [("sale_order_id", "=", self.id)],
            {"default_partner_id": self.partner_id.commercial_partner_id.id},
        )

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

    def _cq_return_domain(self):
        return [
            "|",
            ("sale_order_id", "=", self.id),
            ("line_ids.sale_line_id.order_id", "=", self.id),
        ]

    def _cq_return_defaults(self):
        self.ensure_one()
        moves = self._cq_delivered_moves(self.picking_ids)
        return {
            "partner_id": self.partner_id.commercial_partner_id.id,
            "sale_order_id": self.id,
            "company_id": self.company_id.id,
            "line_ids": self.env["cq.return"]._cq_line_commands(moves),
        }
