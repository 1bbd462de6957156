from odoo import fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare


class StockPicking(models.Model):
    _name = "stock.picking"
    _inherit = ["stock.picking", "cq.source.mixin"]

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
    cq_ticket_count = fields.Integer(
        "Quality tickets", compute="_compute_cq_ticket_count"
    )
    cq_return_count = fields.Integer(
        "Return authorisations", compute="_compute_cq_return_count"
    )
    cq_warranty_claim_count = fields.Integer(
        "Warranty claims", compute="_compute_cq_warranty_claim_count"
    )

    def _action_done(self):
        result = super()._action_done()
        self.filtered(
            lambda p: p.cq_return_role == "receipt"
        ).cq_return_id.sudo()._cq_sync_receipts()
        return result

    # ------------------------------------------------------------------
    # Tickets, returns and claims about the delivery
    # ------------------------------------------------------------------
    def _cq_source_paths(self):
        return {
            "cq.ticket": ["picking_id"],
            # raised from the delivery, with lines from it, or one of its transfers
            "cq.return": ["picking_id", "line_ids.picking_id", "picking_ids"],
            "cq.warranty.claim": ["picking_id"],
        }

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

    def _cq_return_defaults(self):
        self.ensure_one()
        values = {
            "partner_id": self.partner_id.commercial_partner_id.id,
            "picking_id": self.id,
            "company_id": self.company_id.id,
            "line_ids": self.env["cq.return"]._cq_line_commands(
                self._cq_delivered_moves()
            ),
        }
        if self.sale_id:
            values["sale_order_id"] = self.sale_id.id
        return values

    def _cq_warranty_claim_defaults(self):
        self.ensure_one()
        return {
            "partner_id": self.partner_id.commercial_partner_id.id,
            "picking_id": self.id,
        }

    # ------------------------------------------------------------------
    # The goods delivered to the customer
    # ------------------------------------------------------------------
    def _cq_delivered_moves(self):
        """The done moves of these deliveries that went to a customer."""
        return self.move_ids.filtered(
            lambda m: m.state == "done" and m.location_dest_id.usage == "customer"
        )

    def _cq_check_delivered_goods(
        self, customer, product, lot=None, quantity=None, move=None
    ):
        """Refuse goods that did not go to ``customer`` on this delivery: it is a
        done delivery to that customer, ``product`` (when given) left on it, on
        ``move`` when given, of ``lot`` when given, and ``quantity`` (when given)
        is more than zero and not more than left. Tickets, warranty claims and
        return lines check their goods here, each with its own further checks.

        :return: the quantity of ``product`` (of ``lot``) that left, in its unit
        """
        self.ensure_one()
        if self.picking_type_code != "outgoing" or self.state != "done":
            raise ValidationError(
                self.env._(
                    "%(picking)s is not a delivery to a customer, or has not left yet.",
                    picking=self.name,
                )
            )
        customer = customer.commercial_partner_id
        if self.partner_id.commercial_partner_id != customer:
            raise ValidationError(
                self.env._(
                    "Delivery %(picking)s went to %(other)s, not to %(customer)s.",
                    picking=self.name,
                    other=self.partner_id.commercial_partner_id.display_name,
                    customer=customer.display_name or self.env._("no customer"),
                )
            )
        moves = self._cq_delivered_moves()
        if product:
            moves = moves.filtered(lambda m: m.product_id == product)
            if not moves:
                raise ValidationError(
                    self.env._(
                        "%(product)s was not delivered on %(picking)s.",
                        product=product.display_name,
                        picking=self.name,
                    )
                )
        if move:
            if move not in moves:
                raise ValidationError(
                    self.env._(
                        "The delivered line must be a done delivery line of "
                        "%(product)s%(on)s.",
                        product=product.display_name,
                        on=self.env._(" on %s", self.name),
                    )
                )
            moves = move
        if lot and lot not in moves.move_line_ids.lot_id:
            raise ValidationError(
                self.env._(
                    "Lot %(lot)s was not delivered on %(picking)s.",
                    lot=lot.name,
                    picking=self.name,
                )
            )
        delivered = moves._cq_delivered_product_qty(lot or None)
        if quantity is None:
            return delivered
        rounding = product.uom_id.rounding
        if float_compare(quantity, 0.0, precision_rounding=rounding) <= 0:
            raise ValidationError(
                self.env._("The defective quantity must be more than zero.")
            )
        if float_compare(quantity, delivered, precision_rounding=rounding) > 0:
            raise ValidationError(
                self.env._(
                    "The defective quantity (%(qty)s) is more than was delivered on "
                    "%(picking)s (%(delivered)s %(uom)s%(lot)s).",
                    qty=quantity,
                    picking=self.name,
                    delivered=delivered,
                    uom=product.uom_id.name,
                    lot=self.env._(" of lot %s", lot.name) if lot else "",
                )
            )
        return delivered
