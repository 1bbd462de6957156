from odoo import Command, fields, models


class StockMove(models.Model):
    _inherit = "stock.move"

    cq_return_line_id = fields.Many2one(
        "cq.return.line",
        "Return line",
        index="btree_not_null",
        readonly=True,
        help="Return authorisation line this move receives, disposes of or replaces.",
    )

    def _prepare_merge_moves_distinct_fields(self):
        # one move per return line: two lines of one delivered move (two lots)
        # must not merge, each receives its own lot and quantity
        return [*super()._prepare_merge_moves_distinct_fields(), "cq_return_line_id"]

    def _cq_delivered_product_qty(self, lot=None):
        """Quantity these done moves delivered (of ``lot`` only, when given), in
        the product's unit."""
        return sum(
            ml.product_uom_id._compute_quantity(ml.quantity, ml.product_id.uom_id)
            for ml in self.move_line_ids
            if lot is None or ml.lot_id == lot
        )

    def _cq_set_return_lots(self):
        """Receive exactly the lot and quantity of the return line (Odoo's return
        proposes the original move's lots in their order)."""
        for move in self.filtered(
            lambda m: m.cq_return_line_id and m.state not in ("done", "cancel")
        ):
            line = move.cq_return_line_id
            proposed = move.move_line_ids
            if (
                len(proposed) == 1
                and proposed.lot_id == line.lot_id
                and proposed.product_uom_id == move.product_uom
                and proposed.quantity == move.product_uom_qty
            ):
                continue  # Odoo proposed the right lot already
            proposed.unlink()
            move.write(
                {
                    "move_line_ids": [
                        Command.create(
                            {
                                "product_id": move.product_id.id,
                                "product_uom_id": move.product_uom.id,
                                "lot_id": line.lot_id.id,
                                "quantity": move.product_uom_qty,
                                "location_id": move.location_id.id,
                                "location_dest_id": move.location_dest_id.id,
                                "picking_id": move.picking_id.id,
                                "company_id": move.company_id.id,
                            }
                        )
                    ]
                }
            )
