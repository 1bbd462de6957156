from odoo import fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, float_compare


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

    def _cq_delivered_lines(self):
        """What this delivery is, and what left on it, read in one query
        whatever the user may read (bench/: tickets, claims and return lines
        check their goods on every save):

        ``(state, type code, customer id, rows)``, a row per done line of a
        done move to a customer: ``(move id, product id, lot id, quantity,
        line unit id, product unit id, product unit rounding)``.
        """
        self.ensure_one()
        self.env["stock.picking"].flush_model(
            ["state", "picking_type_id", "partner_id"]
        )
        self.env["stock.move"].flush_model(
            ["picking_id", "state", "location_dest_id", "product_id"]
        )
        self.env["stock.move.line"].flush_model(
            ["move_id", "lot_id", "quantity", "product_uom_id"]
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT picking.state, kind.code, partner.commercial_partner_id,
                       move.id, move.product_id, line.lot_id, line.quantity,
                       line.product_uom_id, template.uom_id, unit.rounding
                  FROM stock_picking picking
                  JOIN stock_picking_type kind ON kind.id = picking.picking_type_id
             LEFT JOIN res_partner partner ON partner.id = picking.partner_id
             LEFT JOIN stock_move move
                    ON move.picking_id = picking.id AND move.state = 'done'
                   AND move.location_dest_id IN (
                           SELECT id FROM stock_location WHERE usage = 'customer')
             LEFT JOIN stock_move_line line ON line.move_id = move.id
             LEFT JOIN product_product product ON product.id = move.product_id
             LEFT JOIN product_template template
                    ON template.id = product.product_tmpl_id
             LEFT JOIN uom_uom unit ON unit.id = template.uom_id
                 WHERE picking.id = %s
              ORDER BY move.id, line.id
                """,
                self.id,
            )
        )
        result = self.env.cr.fetchall()
        state, code, customer_id = result[0][:3]
        rows = [row[3:] for row in result if row[3]]
        return state, code, customer_id, rows

    def _cq_rows_quantity(self, rows):
        """The quantity of rows of ``_cq_delivered_lines``, in the product's unit."""
        delivered = 0.0
        Unit = self.env["uom.uom"].sudo()
        for _move, _product, _lot, qty, line_unit, product_unit, _rounding in rows:
            if not qty:
                continue
            if line_unit == product_unit:
                delivered += qty
            else:  # a line in another unit of the product's category
                delivered += Unit.browse(line_unit)._compute_quantity(
                    qty, Unit.browse(product_unit)
                )
        return delivered

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
        state, code, customer_id, rows = self._cq_delivered_lines()
        if code != "outgoing" or state != "done":
            raise ValidationError(
                self.env._(
                    "%(picking)s is not a delivery to a customer, or has not left yet.",
                    picking=self.name,
                )
            )
        customer = customer.commercial_partner_id
        if customer_id != customer.id:
            raise ValidationError(
                self.env._(
                    "Delivery %(picking)s went to %(other)s, not to %(customer)s.",
                    picking=self.name,
                    other=self.partner_id.commercial_partner_id.display_name,
                    customer=customer.display_name or self.env._("no customer"),
                )
            )
        if product:
            rows = [row for row in rows if row[1] == product.id]
            if not rows:
                raise ValidationError(
                    self.env._(
                        "%(product)s was not delivered on %(picking)s.",
                        product=product.display_name,
                        picking=self.name,
                    )
                )
        if move:
            rows = [row for row in rows if row[0] == move.id]
            if not rows:
                raise ValidationError(
                    self.env._(
                        "The delivered line must be a done delivery line of "
                        "%(product)s%(on)s.",
                        product=product.display_name,
                        on=self.env._(" on %s", self.name),
                    )
                )
        if lot:
            rows = [row for row in rows if row[2] == lot.id]
            if not rows:
                raise ValidationError(
                    self.env._(
                        "Lot %(lot)s was not delivered on %(picking)s.",
                        lot=lot.name,
                        picking=self.name,
                    )
                )
        delivered = self._cq_rows_quantity(rows)
        if quantity is None:
            return delivered
        rounding = rows[0][6] if rows else product.uom_id.rounding
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
