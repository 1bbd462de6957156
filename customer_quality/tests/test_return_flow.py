from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import CqReturnCommon


@tagged("post_install", "-at_install")
class TestReturnFlow(CqReturnCommon):
    """A return from authorisation to done, through Odoo's own stock."""

    def test_partial_return_restock_and_replacement(self):
        rma = self._return(quantity=5)
        self.assertEqual(rma.state, "draft")
        self.assertTrue(rma.name.startswith("RMA/"))
        self.assertFalse(rma.needs_quality_confirmation)
        rma.with_user(self.sales_user).action_authorise()
        self.assertEqual(rma.state, "authorised")
        receipt = rma.receipt_ids
        self.assertEqual(len(receipt), 1, "one return picking of the delivery")
        self.assertEqual(receipt.return_id, self.delivery, "Odoo's reverse picking")
        self.assertEqual(receipt.location_dest_id, self.return_location)
        self.assertEqual(
            receipt.move_ids.origin_returned_move_id, self.delivery.move_ids
        )
        self.assertTrue(receipt.move_ids.to_refund)

        rma.with_user(self.warehouse_user).action_receive()
        self.assertEqual(rma.state, "received")
        self.assertEqual(receipt.state, "done")
        self.assertEqual(rma.line_ids.received_qty, 5)
        self.assertEqual(self._qty(self.return_location, self.lot), 5)
        self.assertEqual(
            self.sale_order.order_line.qty_delivered, 35, "the return counts back"
        )

        line = rma.line_ids.with_user(self.warehouse_user)
        line.write({"inspection_result": "nonconforming", "sample_qty": 2})
        rma.with_user(self.warehouse_user).action_inspect()
        self.assertEqual(rma.state, "inspected")

        rma.with_user(self.officer).write({"cause": "quality"})
        rma.line_ids.with_user(self.officer).write(
            {"disposition": "restock", "outcome": "replacement"}
        )
        rma.with_user(self.officer).action_decide()
        self.assertEqual(
            self._qty(self.return_location, self.lot), 2, "samples kept for analysis"
        )
        self.assertEqual(self._qty(self.stock_location, self.lot), 60 + 3)
        replacement = rma.replacement_picking_ids
        self.assertEqual(len(replacement), 1)
        self.assertEqual(replacement.sale_id, self.sale_order)
        self.assertEqual(replacement.move_ids.product_uom_qty, 5)
        self.assertEqual(replacement.location_dest_id.usage, "customer")
        self.assertTrue(rma.corrective_action_required)
        self.assertEqual(rma.decided_by_id, self.officer)

        with self.assertRaises(UserError):
            rma.with_user(self.officer).action_done()  # not explained yet
        self._explain(rma)
        rma.with_user(self.officer).action_done()
        self.assertEqual(rma.state, "done")

        self._ship(replacement)
        self.assertEqual(self.sale_order.order_line.qty_delivered, 40)

    def test_state_cannot_be_written(self):
        rma = self._return(quantity=1)
        with self.assertRaises(UserError):
            rma.write({"state": "done"})

    def test_quantity_above_delivered_refused(self):
        rma = self._return(quantity=41)
        with self.assertRaises(ValidationError):
            rma.action_authorise()
        self.assertEqual(rma.state, "draft")
        self.assertFalse(rma.receipt_ids)

    def test_authorised_elsewhere_counts(self):
        self._return(quantity=30).action_authorise()
        second = self._return(quantity=11)
        self.assertEqual(second.line_ids.returnable_qty, 10)
        with self.assertRaises(ValidationError):
            second.action_authorise()
        second.line_ids.quantity = 10
        second.action_authorise()
        self.assertEqual(second.state, "authorised")

    def test_odoo_return_counts(self):
        """What came back through Odoo's own return wizard counts too."""
        wizard = (
            self.env["stock.return.picking"]
            .with_context(active_id=self.delivery.id, active_model="stock.picking")
            .create({"picking_id": self.delivery.id})
        )
        wizard.product_return_moves.quantity = 25
        returned = wizard._create_return()
        returned.move_ids.picked = True
        returned._action_done()
        rma = self._return(quantity=16)
        with self.assertRaises(ValidationError):
            rma.action_authorise()
        rma.line_ids.quantity = 15
        rma.action_authorise()

    def test_lot_must_be_delivered_on_move(self):
        with self.assertRaises(ValidationError):
            self._return(quantity=1, lot=self.other_lot)

    def test_tracked_product_needs_lot(self):
        rma = self._return(quantity=1, lot=self.env["stock.lot"])
        with self.assertRaises(UserError):
            rma.action_authorise()

    def test_whole_batch_needs_quality_confirmation(self):
        rma = self._return(quantity=40, return_scope="whole_batch")
        self.assertTrue(rma.needs_quality_confirmation)
        rma.with_user(self.sales_user).action_authorise()
        self.assertFalse(rma.receipt_ids, "nothing to receive before quality confirms")
        with self.assertRaises(UserError):
            rma.with_user(self.warehouse_user).action_receive()
        with self.assertRaises(UserError):
            rma.with_user(self.warehouse_user).action_confirm_quality()
        rma.with_user(self.officer).action_confirm_quality()
        self.assertEqual(rma.quality_confirmed_by_id, self.officer)
        rma.with_user(self.warehouse_user).action_receive()
        self.assertEqual(rma.state, "received")
        self.assertEqual(self._qty(self.return_location, self.lot), 40)

    def test_confirmation_above_quantity(self):
        self.company.cq_return_confirm_qty = 10
        self.assertFalse(self._return(quantity=10).needs_quality_confirmation)
        self.assertTrue(self._return(quantity=11).needs_quality_confirmation)

    def test_receipt_validated_in_inventory(self):
        """The warehouse validates the return receipt in Inventory, with less than
        authorised: the return is received with what came."""
        rma = self._return(quantity=6)
        rma.action_authorise()
        receipt = rma.receipt_ids
        receipt.move_ids.move_line_ids.quantity = 4
        receipt.move_ids.picked = True
        receipt.with_user(self.warehouse_user).with_context(
            skip_backorder=True, picking_ids_not_to_backorder=receipt.ids
        ).button_validate()
        self.assertEqual(rma.state, "received")
        self.assertEqual(rma.line_ids.received_qty, 4)
        self.assertEqual(self.sale_order.order_line.qty_delivered, 36)

    def test_cancel_before_receipt(self):
        rma = self._return(quantity=3)
        rma.action_authorise()
        rma.action_cancel()
        self.assertEqual(rma.state, "cancelled")
        self.assertEqual(rma.receipt_ids.state, "cancel")
        # nothing is held any more
        again = self._return(quantity=40)
        again.action_authorise()

    def test_reset_after_cancel(self):
        rma = self._return(quantity=3)
        rma.action_authorise()
        with self.assertRaises(UserError):
            rma.action_reset()  # only a cancelled return goes back to draft
        rma.action_cancel()
        rma.action_reset()
        self.assertEqual(rma.state, "draft")
        rma.line_ids.quantity = 4  # a draft again: its lines can change
        rma.action_authorise()
        self.assertEqual(
            rma.receipt_ids.filtered(
                lambda p: p.state != "cancel"
            ).move_ids.product_uom_qty,
            4,
        )

    def test_numbered_per_company(self):
        other = self.env["res.company"].create({"name": "Plant Two"})
        sequence = self.env["ir.sequence"].search(
            [("code", "=", "cq.return"), ("company_id", "=", other.id)]
        )
        self.assertEqual(sequence.prefix, "RMA/%(range_year)s/")
        self.assertEqual(sequence.number_next_actual, 1)

    def test_no_cancel_after_receipt(self):
        rma = self._return(quantity=3)
        rma.action_authorise()
        rma.with_user(self.warehouse_user).action_receive()
        with self.assertRaises(UserError):
            rma.action_cancel()
        self.assertEqual(rma.state, "received")

    def test_replacement_without_return_needs_photo(self):
        rma = self._return(quantity=2, without_return=True)
        with self.assertRaises(UserError):
            rma.action_authorise()
        rma.line_ids.evidence_attachment_ids = [
            Command.create(
                {"name": "broken.jpg", "raw": b"\xff\xd8\xff", "mimetype": "image/jpeg"}
            )
        ]
        rma.action_authorise()
        self.assertFalse(rma.receipt_ids, "nothing comes back")
        rma.with_user(self.warehouse_user).action_receive()
        self.assertEqual(rma.state, "received")
        rma.with_user(self.warehouse_user).action_inspect()
        rma.write({"cause": "quality"})
        rma.with_user(self.officer).line_ids.outcome = "replacement"
        rma.with_user(self.officer).action_decide()
        self.assertEqual(rma.replacement_picking_ids.move_ids.product_uom_qty, 2)
        # the two kept by the customer count against the delivery
        third = self._return(quantity=39)
        with self.assertRaises(ValidationError):
            third.action_authorise()

    def test_decision_checks(self):
        rma = self._received(quantity=4)
        rma.with_user(self.warehouse_user).action_inspect()
        with self.assertRaises(UserError):
            rma.with_user(self.officer).action_decide()  # no cause
        rma.cause = "quality"
        with self.assertRaises(UserError):
            rma.with_user(self.officer).action_decide()  # no outcome
        rma.with_user(self.officer).line_ids.outcome = "replacement"
        with self.assertRaises(UserError):
            rma.with_user(self.officer).action_decide()  # no disposition
        rma.line_ids.disposition = "use_as_is"
        with self.assertRaises(UserError):
            rma.with_user(self.officer).action_decide()  # no concession
        rma.with_user(self.officer).line_ids.write(
            {"disposition": "scrap", "outcome": "repair"}
        )
        with self.assertRaises(UserError):
            rma.with_user(self.officer).action_decide()  # repair needs repair
        rma.with_user(self.officer).line_ids.outcome = "replacement"
        with self.assertRaises(UserError):
            rma.with_user(self.sales_user).action_decide()  # not quality staff
        self.assertFalse(rma.decided_on)
        self.assertFalse(rma.scrap_ids)

    def test_lines_change_only_at_their_stage(self):
        """What was authorised, found and decided is a record: the quantity
        cannot grow after the check, the inspection not after the decision."""
        rma = self._return(quantity=5)
        rma.action_authorise()
        line = rma.line_ids.with_user(self.sales_user)
        with self.assertRaises(UserError):
            line.quantity = 40
        with self.assertRaises(UserError):
            rma.with_user(self.sales_user).line_ids = [
                Command.create(
                    {"picking_id": self.delivery.id, "product_id": self.product.id}
                )
            ]
        with self.assertRaises(UserError):
            line.unlink()
        with self.assertRaises(UserError):
            line.inspection_result = "conforming"  # nothing received yet
        line.reason = "Squeal at low speed"  # free text stays editable
        rma.with_user(self.warehouse_user).action_receive()
        line.with_user(self.warehouse_user).inspection_result = "nonconforming"
        rma.with_user(self.warehouse_user).action_inspect()
        rma.write({"cause": "quality"})
        line.with_user(self.officer).write(
            {"disposition": "restock", "outcome": "no_fault"}
        )
        rma.with_user(self.officer).action_decide()
        with self.assertRaises(UserError):
            line.with_user(self.officer).outcome = "credit_note"
        with self.assertRaises(UserError):
            line.with_user(self.officer).sample_qty = 1
        self.assertEqual(line.quantity, 5)
        self.assertEqual(line.outcome, "no_fault")
