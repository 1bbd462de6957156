from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare, float_is_zero

CONDITIONS = [
    ("unopened", "Unopened"),
    ("opened", "Opened, unused"),
    ("used", "Used"),
    ("damaged", "Damaged in transit"),
    ("defective", "Defective"),
]

INSPECTION_RESULTS = [
    ("conforming", "Conforming"),
    ("nonconforming", "Nonconforming"),
]

DISPOSITIONS = [
    ("restock", "Restock"),
    ("rework", "Rework"),
    ("repair", "Repair"),
    ("scrap", "Scrap"),
    ("supplier", "Return to supplier"),
    ("use_as_is", "Use as is (concession)"),
]

# what may change at which stage of the return
AUTHORISED_FIELDS = {
    "picking_id",
    "product_id",
    "move_id",
    "lot_id",
    "quantity",
    "without_return",
}
INSPECTION_FIELDS = {"inspection_result", "sample_qty", "inspection_note"}
DECISION_FIELDS = {"disposition", "concession_ref", "vendor_id", "outcome"}

OUTCOMES = [
    ("replacement", "Replacement"),
    ("credit_note", "Credit note"),
    ("repair", "Repair"),
    ("no_fault", "No fault found"),
]


class CqReturnLine(models.Model):
    """One delivered product coming back (or replaced on site): where it was
    delivered, what the warehouse found, what quality decided."""

    _name = "cq.return.line"
    _description = "Return Authorisation Line"
    _order = "return_id, sequence, id"

    return_id = fields.Many2one(
        "cq.return", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="return_id.company_id", store=True)
    partner_id = fields.Many2one(related="return_id.partner_id")
    state = fields.Selection(related="return_id.state")
    currency_id = fields.Many2one(related="return_id.currency_id")

    # What comes back, from which delivery
    picking_id = fields.Many2one(
        "stock.picking",
        "Delivery",
        required=True,
        check_company=True,
        domain="[('picking_type_code', '=', 'outgoing'), ('state', '=', 'done'),"
        " ('partner_id', 'child_of', partner_id)]",
        help="The done delivery to the customer the goods were shipped with.",
    )
    product_id = fields.Many2one(
        "product.product",
        required=True,
        check_company=True,
        domain="[('id', 'in', delivered_product_ids)]",
    )
    delivered_product_ids = fields.Many2many(
        "product.product",
        string="Delivered products",
        compute="_compute_delivered_product_ids",
    )
    move_id = fields.Many2one(
        "stock.move",
        "Delivered move",
        compute="_compute_move_id",
        store=True,
        readonly=False,
        index=True,
        check_company=True,
        domain="[('picking_id', '=', picking_id), ('product_id', '=', product_id),"
        " ('state', '=', 'done')]",
        help="The delivery line the goods left with; several lines of one delivery"
        " may carry the same product.",
    )
    sale_line_id = fields.Many2one(
        "sale.order.line",
        string="Sale order line",
        related="move_id.sale_line_id",
        store=True,
    )
    sale_order_id = fields.Many2one(
        related="sale_line_id.order_id", string="Sale order"
    )
    tracking = fields.Selection(related="product_id.tracking")
    lot_id = fields.Many2one(
        "stock.lot",
        "Lot/Serial",
        check_company=True,
        domain="[('id', 'in', delivered_lot_ids)]",
    )
    delivered_lot_ids = fields.Many2many(
        "stock.lot", string="Delivered lots", compute="_compute_delivered_lot_ids"
    )
    quantity = fields.Float(
        digits="Product Unit of Measure",
        required=True,
        default=1.0,
        help="Quantity authorised to come back (or to be replaced without return),"
        " in the product's unit.",
    )
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    delivered_qty = fields.Float(
        "Delivered quantity",
        compute="_compute_returnable_qty",
        digits="Product Unit of Measure",
        help="Quantity of this product delivered with the original delivery move.",
    )
    returnable_qty = fields.Float(
        "Still returnable",
        compute="_compute_returnable_qty",
        digits="Product Unit of Measure",
        help="Delivered on this move, minus what came back already and what other"
        " returns have authorised.",
    )
    reason = fields.Char(help="Why the customer sends it back, in their words.")
    condition = fields.Selection(
        CONDITIONS, default="defective", help="Condition the customer reports."
    )
    without_return = fields.Boolean(
        "No physical return",
        help="The customer keeps or scraps the goods on site: they are replaced or"
        " credited without coming back. Photo evidence is required.",
    )
    evidence_attachment_ids = fields.Many2many(
        "ir.attachment",
        "cq_return_line_evidence_rel",
        "line_id",
        "attachment_id",
        string="Photo evidence",
        help="Photos or files showing the condition of the goods.",
    )

    # Receipt and inspection
    return_move_ids = fields.One2many(
        "stock.move", "cq_return_line_id", "Stock moves", readonly=True
    )
    received_qty = fields.Float(
        "Received quantity",
        compute="_compute_received_qty",
        store=True,
        digits="Product Unit of Measure",
        help="Quantity the warehouse received on the return receipt.",
    )
    inspection_result = fields.Selection(
        INSPECTION_RESULTS,
        string="Inspection result",
        help="What the warehouse found when inspecting the goods received. "
        "Required for every line received before the return is marked "
        "inspected.",
    )
    sample_qty = fields.Float(
        "Samples kept",
        digits="Product Unit of Measure",
        help="Nonconforming samples picked for analysis: they stay in the"
        " customer-returns location when the rest is disposed of.",
    )
    inspection_note = fields.Text(
        "Inspection note", help="What the inspection found, in words."
    )

    # Decision
    disposition = fields.Selection(
        DISPOSITIONS,
        help="What becomes of the goods, decided by quality. The decision moves "
        "them: back to stock, to rework, to repair, to scrap or to the "
        "supplier.",
    )
    concession_ref = fields.Char(
        "Customer concession",
        help="Reference of the customer's concession allowing use as is.",
    )
    vendor_id = fields.Many2one(
        "res.partner",
        "Supplier",
        compute="_compute_vendor_id",
        store=True,
        readonly=False,
        help="Supplier the goods go back to.",
    )
    outcome = fields.Selection(
        OUTCOMES,
        help="What the customer gets, decided by quality: a replacement "
        "delivery, a credit note, a repair, or nothing when no fault is "
        "found.",
    )
    price_unit = fields.Float(
        "Unit price",
        compute="_compute_price",
        store=True,
        digits="Product Price",
        help="Price of the original invoice line, else of the order line.",
    )
    discount = fields.Float(
        "Discount (%)",
        compute="_compute_price",
        store=True,
        digits="Discount",
        help="Discount of the original invoice line, else of the order line; "
        "used to value the line.",
    )
    amount = fields.Monetary(
        compute="_compute_amount", store=True, help="Settled quantity at net price."
    )
    outcome_amount = fields.Monetary(
        "Outcome amount",
        compute="_compute_amount",
        store=True,
        help="Value of the replacement or credit note of this line.",
    )

    # Documents created by the decision
    disposition_picking_id = fields.Many2one(
        "stock.picking",
        string="Disposition transfer",
        readonly=True,
        help="The transfer out of quarantine created by the decision.",
    )
    scrap_id = fields.Many2one(
        "stock.scrap",
        readonly=True,
        help="The scrap created by the decision when the disposition is Scrap.",
    )
    repair_id = fields.Many2one(
        "repair.order",
        readonly=True,
        help="The repair order created by the decision when the disposition is Repair.",
    )
    replacement_move_ids = fields.Many2many(
        "stock.move",
        string="Replacement moves",
        compute="_compute_replacement_move_ids",
        help="The stock moves delivering the replacement to the customer.",
    )
    credit_note_line_id = fields.Many2one(
        "account.move.line",
        string="Credit note line",
        readonly=True,
        help="The credit note line created for this line when the outcome is "
        "Credit note.",
    )

    _sql_constraints = [
        (
            "quantity_positive",
            "CHECK(quantity > 0)",
            "The quantity of a return line must be positive.",
        ),
        (
            "sample_qty_positive",
            "CHECK(sample_qty >= 0)",
            "The number of samples cannot be negative.",
        ),
    ]

    @api.depends("picking_id")
    def _compute_delivered_product_ids(self):
        for line in self:
            moves = line.picking_id.move_ids.filtered(lambda m: m.state == "done")
            line.delivered_product_ids = moves.product_id

    @api.depends("picking_id", "product_id")
    def _compute_move_id(self):
        for line in self:
            if line.move_id and (
                line.move_id.picking_id == line.picking_id
                and line.move_id.product_id == line.product_id
            ):
                continue
            moves = line.picking_id.move_ids.filtered(
                lambda m, line=line: (
                    m.state == "done" and m.product_id == line.product_id
                )
            )
            line.move_id = moves[:1] if len(moves) == 1 else False

    @api.depends("move_id")
    def _compute_delivered_lot_ids(self):
        for line in self:
            line.delivered_lot_ids = line.move_id.move_line_ids.lot_id

    @api.depends("move_id", "quantity")
    def _compute_returnable_qty(self):
        committed = self._cq_committed_qty(self.move_id, exclude=self.return_id)
        for line in self:
            delivered = line.move_id._cq_delivered_product_qty()
            line.delivered_qty = delivered
            line.returnable_qty = delivered - committed.get(line.move_id.id, 0.0)

    @api.depends("return_move_ids.state", "return_move_ids.quantity")
    def _compute_received_qty(self):
        for line in self:
            moves = line.return_move_ids.filtered(
                lambda m, line=line: (
                    m.state == "done"
                    and m.location_dest_id == m.picking_id.location_dest_id
                    and m.origin_returned_move_id == line.move_id
                )
            )
            uom = line.product_id.uom_id
            line.received_qty = sum(
                move.product_uom._compute_quantity(move.quantity, uom) for move in moves
            )

    @api.depends("product_id")
    def _compute_vendor_id(self):
        for line in self:
            if not line.vendor_id:
                line.vendor_id = line.product_id.seller_ids[:1].partner_id

    @api.depends("sale_line_id", "move_id")
    def _compute_price(self):
        for line in self:
            invoice_line = line._cq_invoice_line()
            source = invoice_line or line.sale_line_id
            line.price_unit = source.price_unit if source else 0.0
            line.discount = source.discount if source else 0.0

    @api.depends(
        "price_unit",
        "discount",
        "quantity",
        "received_qty",
        "without_return",
        "outcome",
    )
    def _compute_amount(self):
        for line in self:
            net = line.price_unit * (1.0 - line.discount / 100.0)
            line.amount = line.quantity * net
            line.outcome_amount = (
                line._cq_settled_qty() * net
                if line.outcome in ("replacement", "credit_note")
                else 0.0
            )

    def _compute_replacement_move_ids(self):
        for line in self:
            line.replacement_move_ids = line.return_move_ids.filtered(
                lambda m: m.location_dest_id.usage == "customer"
            )

    @api.constrains("move_id", "product_id", "lot_id", "picking_id")
    def _check_delivered_goods(self):
        # the documents are checked whatever the user may read of them; the
        # quantity is checked when the return is authorised, against what is
        # still returnable
        for line in self.sudo():
            line.picking_id._cq_check_delivered_goods(
                line.return_id.partner_id,
                line.product_id,
                lot=line.lot_id,
                move=line.move_id,
            )
            if not line.move_id:
                raise ValidationError(
                    self.env._(
                        "Choose the delivered line of %(picking)s the %(product)s"
                        " came with.",
                        picking=line.picking_id.display_name,
                        product=line.product_id.display_name,
                    )
                )

    @api.constrains("sample_qty", "received_qty")
    def _check_samples(self):
        for line in self:
            if (
                float_compare(
                    line.sample_qty,
                    line.received_qty,
                    precision_rounding=line.product_id.uom_id.rounding or 0.01,
                )
                > 0
            ):
                raise ValidationError(
                    self.env._(
                        "%(product)s: %(samples)s samples kept, but only"
                        " %(received)s received.",
                        product=line.product_id.display_name,
                        samples=line.sample_qty,
                        received=line.received_qty,
                    )
                )

    # ------------------------------------------------------------------
    # What may change when: the authorisation, the inspection and the decision
    # are records, not drafts
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        returns = self.env["cq.return"].browse(
            {vals["return_id"] for vals in vals_list if vals.get("return_id")}
        )
        written = {name for vals in vals_list for name, value in vals.items() if value}
        returns._cq_check_lines_editable(AUTHORISED_FIELDS | written)
        lines = super().create(vals_list)
        lines._cq_check_line_rights(written)
        return lines

    def write(self, vals):
        self.return_id._cq_check_lines_editable(set(vals))
        self._cq_check_line_rights(set(vals))
        return super().write(vals)

    def _cq_check_line_rights(self, fnames):
        """What the warehouse found is written by the warehouse's return handlers
        (and quality); what becomes of the goods and the customer's outcome by
        quality only: the decision carries them out in stock and accounting."""
        if fnames & DECISION_FIELDS:
            self.return_id._cq_check_group(
                "customer_quality.group_cq_officer",
                self.env._("decide dispositions and outcomes"),
            )
        if fnames & INSPECTION_FIELDS:
            self.return_id._cq_check_handler(self.env._("record inspections"))

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft_lines(self):
        self.return_id._cq_check_lines_editable(AUTHORISED_FIELDS)

    # ------------------------------------------------------------------
    # Quantities
    # ------------------------------------------------------------------
    @api.model
    def _cq_committed_qty(self, moves, exclude=None, lot=False):
        """Per delivered move id: quantity already back in stock (done return
        moves, ours or Odoo's) plus what open returns have authorised and not yet
        received. With ``lot``, per (move id, lot id) instead. Read from the
        database, so that it sees what other users committed."""
        result = {}
        if not moves:
            return result
        self.env.flush_all()
        key_sql = "m.id, ml.lot_id" if lot else "m.id"
        self.env.cr.execute(
            f"""
            SELECT {key_sql}, SUM(ml.quantity / from_uom.factor * to_uom.factor)
              FROM stock_move m
              JOIN stock_move r ON r.origin_returned_move_id = m.id AND r.state = 'done'
              JOIN stock_move_line ml ON ml.move_id = r.id
              JOIN uom_uom from_uom ON from_uom.id = ml.product_uom_id
              JOIN product_product p ON p.id = m.product_id
              JOIN product_template t ON t.id = p.product_tmpl_id
              JOIN uom_uom to_uom ON to_uom.id = t.uom_id
             WHERE m.id IN %s
          GROUP BY {key_sql}
            """,  # noqa: S608 - only our own column list is formatted in
            [tuple(moves.ids)],
        )
        for row in self.env.cr.fetchall():
            key = (row[0], row[1]) if lot else row[0]
            result[key] = result.get(key, 0.0) + row[-1]
        # authorised, not received yet: what physical lines of authorised returns
        # still expect, and every line replaced without return
        self.env.cr.execute(
            """
            SELECT l.move_id, l.lot_id,
                   CASE WHEN l.without_return THEN l.quantity
                        ELSE GREATEST(l.quantity - COALESCE((
                            SELECT SUM(sm.quantity / mu.factor * pu.factor)
                              FROM stock_move sm
                              JOIN uom_uom mu ON mu.id = sm.product_uom
                              JOIN product_product pp ON pp.id = sm.product_id
                              JOIN product_template pt ON pt.id = pp.product_tmpl_id
                              JOIN uom_uom pu ON pu.id = pt.uom_id
                             WHERE sm.cq_return_line_id = l.id AND sm.state = 'done'
                               AND sm.origin_returned_move_id = l.move_id), 0), 0)
                   END
              FROM cq_return_line l
              JOIN cq_return r ON r.id = l.return_id
             WHERE l.move_id IN %s
               AND r.id NOT IN %s
               AND CASE WHEN l.without_return
                        THEN r.state NOT IN ('draft', 'cancelled')
                        ELSE r.state = 'authorised' END
            """,
            [tuple(moves.ids), tuple(exclude.ids) if exclude else (0,)],
        )
        for move_id, lot_id, quantity in self.env.cr.fetchall():
            key = (move_id, lot_id) if lot else move_id
            result[key] = result.get(key, 0.0) + quantity
        return result

    def _cq_settled_qty(self):
        """What the outcome applies to: what came back, or what the customer keeps."""
        self.ensure_one()
        return self.quantity if self.without_return else self.received_qty

    def _cq_invoice_line(self):
        """The posted customer invoice line the goods were billed on (latest)."""
        self.ensure_one()
        # read whatever the user's rights on sales and invoices (quality staff
        # decide credit notes of other salespeople's orders)
        lines = self.sudo().sale_line_id.invoice_lines.filtered(
            lambda aml: (
                aml.move_id.move_type == "out_invoice" and aml.move_id.state == "posted"
            )
        )
        return lines.sorted(lambda aml: (aml.move_id.invoice_date or aml.date, aml.id))[
            -1:
        ].sudo(self.env.su)

    # ------------------------------------------------------------------
    # Disposition: the goods move in Odoo
    # ------------------------------------------------------------------
    def _cq_apply_disposition(self):
        self.ensure_one()
        # the samples kept for analysis stay in quarantine until analysed
        quantity = self.received_qty - self.sample_qty
        if self.without_return or self._cq_is_zero(quantity):
            return
        rma = self.return_id
        warehouse = rma.warehouse_id
        source = rma._cq_return_location()
        if self.disposition in ("restock", "use_as_is", "rework"):
            destination = (
                warehouse._cq_rework_location()
                if self.disposition == "rework"
                else warehouse.lot_stock_id
            )
            picking = self._cq_transfer(
                warehouse.int_type_id, source, destination, quantity, "disposition"
            )
            # moved at once: quality's decision is where the goods now belong
            picking._action_done()
        elif self.disposition == "supplier":
            # ready for the warehouse to ship back
            self._cq_transfer(
                warehouse.out_type_id,
                source,
                self.vendor_id.property_stock_supplier,
                quantity,
                "supplier",
                partner=self.vendor_id,
            )
        elif self.disposition == "scrap":
            self.scrap_id = self.env["stock.scrap"].create(
                self._prepare_scrap_vals(source, quantity)
            )
            self.scrap_id.do_scrap()
        elif self.disposition == "repair":
            self.repair_id = self.env["repair.order"].create(
                self._prepare_repair_vals(source, quantity)
            )
            self.repair_id._action_repair_confirm()

    def _prepare_scrap_vals(self, source, quantity):
        """Scrap of ``quantity`` from ``source``; called by _cq_apply_disposition."""
        self.ensure_one()
        rma = self.return_id
        return {
            "product_id": self.product_id.id,
            "product_uom_id": self.product_id.uom_id.id,
            "lot_id": self.lot_id.id,
            "scrap_qty": quantity,
            "location_id": source.id,
            "company_id": rma.company_id.id,
            "origin": rma.name,
            "cq_return_id": rma.id,
        }

    def _prepare_repair_vals(self, source, quantity):
        """Repair of ``quantity`` from ``source``; called by _cq_apply_disposition."""
        self.ensure_one()
        rma = self.return_id
        warehouse = rma.warehouse_id
        return {
            "product_id": self.product_id.id,
            "product_qty": quantity,
            "product_uom": self.product_id.uom_id.id,
            "lot_id": self.lot_id.id,
            "partner_id": rma.partner_id.id,
            "company_id": rma.company_id.id,
            "picking_type_id": warehouse.repair_type_id.id,
            "product_location_src_id": source.id,
            # repaired for the customer: back to quarantine, to ship; repaired for
            # us: into stock
            "product_location_dest_id": (
                source if self.outcome == "repair" else warehouse.lot_stock_id
            ).id,
            "under_warranty": self.outcome == "repair",
            "internal_notes": self.inspection_note,
            "cq_return_id": rma.id,
        }

    def _cq_transfer(
        self, picking_type, source, destination, quantity, role, partner=None
    ):
        """A transfer of this line's lot and ``quantity`` out of quarantine."""
        self.ensure_one()
        picking = self.env["stock.picking"].create(
            self._prepare_disposition_picking_vals(
                picking_type, source, destination, quantity, role, partner=partner
            )
        )
        picking.action_confirm()
        move = picking.move_ids
        move.move_line_ids.unlink()
        move.write(
            {
                "move_line_ids": [
                    Command.create(
                        self._prepare_disposition_move_line_vals(
                            picking, source, destination, quantity
                        )
                    )
                ],
                "picked": True,
            }
        )
        self.disposition_picking_id = picking
        return picking

    def _prepare_disposition_picking_vals(
        self, picking_type, source, destination, quantity, role, partner=None
    ):
        """Transfer out of quarantine; called by _cq_transfer."""
        self.ensure_one()
        rma = self.return_id
        return {
            "picking_type_id": picking_type.id,
            "location_id": source.id,
            "location_dest_id": destination.id,
            "partner_id": partner.id if partner else False,
            "origin": rma.name,
            "company_id": rma.company_id.id,
            "cq_return_id": rma.id,
            "cq_return_role": role,
            "move_ids": [
                Command.create(
                    self._prepare_disposition_move_vals(source, destination, quantity)
                )
            ],
        }

    def _prepare_disposition_move_vals(self, source, destination, quantity):
        """Move of the transfer; called by _prepare_disposition_picking_vals."""
        self.ensure_one()
        return {
            "name": self.product_id.display_name,
            "product_id": self.product_id.id,
            "product_uom": self.product_id.uom_id.id,
            "product_uom_qty": quantity,
            "location_id": source.id,
            "location_dest_id": destination.id,
            "company_id": self.return_id.company_id.id,
            "cq_return_line_id": self.id,
        }

    def _prepare_disposition_move_line_vals(
        self, picking, source, destination, quantity
    ):
        """Detailed operation of the transfer's lot; called by _cq_transfer."""
        self.ensure_one()
        return {
            "product_id": self.product_id.id,
            "product_uom_id": self.product_id.uom_id.id,
            "lot_id": self.lot_id.id,
            "quantity": quantity,
            "location_id": source.id,
            "location_dest_id": destination.id,
            "picking_id": picking.id,
            "company_id": self.return_id.company_id.id,
        }

    def _cq_is_zero(self, quantity):
        return float_is_zero(
            quantity, precision_rounding=self.product_id.uom_id.rounding or 0.01
        )
