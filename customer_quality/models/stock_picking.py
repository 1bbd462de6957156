from odoo import api, fields, models


class StockPicking(models.Model):
    _name = "stock.picking"
    _inherit = ["stock.picking", "cq.ticket.source.mixin", "cq.return.source.mixin"]

    cq_return_id = fields.Many2one(
        "cq.return", "Return authorisation", index="btree_not_null", readonly=True
    )
    cq_return_role = fields.Selection(
        [
            ("receipt", "Return receipt"),
            ("disposition", "Disposition"),
            ("supplier", "Return to supplier"),
            ("replacement", "Replacement"),
        ],
        "Return step",
        readonly=True,
    )

    cq_warranty_claim_count = fields.Integer(
        "Warranty claims", compute="_compute_cq_warranty_claim_count"
    )

    @api.depends_context("uid")
    def _compute_cq_warranty_claim_count(self):
        counts = self.env["cq.warranty.claim"]._cq_counts("picking_id", self)
        for picking in self:
            picking.cq_warranty_claim_count = counts.get(picking, 0)

    def action_cq_view_warranty_claims(self):
        self.ensure_one()
        return self.env["cq.warranty.claim"]._cq_action_for(
            [("picking_id", "=", self.id)],
            {
                "default_partner_id": self.partner_id.commercial_partner_id.id,
                "default_picking_id": self.id,
            },
        )

    def _action_done(self):
        result = super()._action_done()
        self.filtered(
            lambda p: p.cq_return_role == "receipt"
        ).cq_return_id.sudo()._cq_sync_receipts()
        return result

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

    def _cq_return_domain(self):
        return [
            "|",
            "|",
            ("picking_id", "=", self.id),
            ("line_ids.picking_id", "=", self.id),
            ("picking_ids", "=", self.id),
        ]

    def _cq_return_defaults(self):
        self.ensure_one()
        values = {
            "partner_id": self.partner_id.commercial_partner_id.id,
            "picking_id": self.id,
            "company_id": self.company_id.id,
            "line_ids": self.env["cq.return"]._cq_line_commands(
                self._cq_delivered_moves(self)
            ),
        }
        if self.sale_id:
            values["sale_order_id"] = self.sale_id.id
        return values
