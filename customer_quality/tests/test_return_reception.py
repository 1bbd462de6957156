from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import CqReturnCommon


@tagged("post_install", "-at_install")
class TestReturnReceptionSteps(CqReturnCommon):
    """Warehouses receiving in two or three steps: the customer return comes in
    one validated picking into the warehouse's quarantine, with no push transfer
    to Input, Quality Control or Stock."""

    def _warehouse(self, steps, code):
        warehouse = self.env["stock.warehouse"].create(
            {
                "name": f"Plant {code}",
                "code": code,
                "reception_steps": steps,
                "company_id": self.company.id,
            }
        )
        warehouse.cq_return_user_ids = [Command.link(self.warehouse_user.id)]
        self.env["stock.quant"]._update_available_quantity(
            self.product, warehouse.lot_stock_id, 50, lot_id=self.lot
        )
        return warehouse

    def _check_reception(self, warehouse):
        order, delivery = self._deliver_lots(
            self.customer, self.product, [(self.lot, 10)], warehouse_id=warehouse.id
        )
        self.assertEqual(delivery.picking_type_id.warehouse_id, warehouse)
        self.assertEqual(delivery.location_id, warehouse.lot_stock_id)
        self.assertEqual(self._qty(warehouse.lot_stock_id, self.lot), 40)
        rma = self._return(4, delivery=delivery)
        self.assertEqual(rma.warehouse_id, warehouse)
        rma.action_authorise()
        quarantine = warehouse.cq_return_location_id
        self.assertTrue(quarantine, "the warehouse's own customer-returns location")
        self.assertNotEqual(quarantine, self.return_location)
        self.assertEqual(quarantine.warehouse_id, warehouse)
        receipt = rma.receipt_ids
        self.assertEqual(len(receipt), 1)
        self.assertEqual(receipt.location_dest_id, quarantine)
        self.assertEqual(receipt.move_ids.location_dest_id, quarantine)

        moves_before = self.env["stock.move"].search([])
        pickings_before = self.env["stock.picking"].search([])
        rma.with_user(self.warehouse_user).action_receive()
        self.assertEqual(rma.state, "received")
        self.assertEqual(receipt.state, "done")
        self.assertFalse(receipt.move_ids.move_dest_ids, "no chained transfer")
        self.assertFalse(
            self.env["stock.move"].search([]) - moves_before, "no push move created"
        )
        self.assertFalse(self.env["stock.picking"].search([]) - pickings_before)
        self.assertEqual(self._qty(quarantine, self.lot), 4)
        self.assertEqual(self._qty(warehouse.wh_input_stock_loc_id, self.lot), 0)
        self.assertEqual(self._qty(warehouse.wh_qc_stock_loc_id, self.lot), 0)
        self.assertEqual(self._qty(warehouse.lot_stock_id, self.lot), 40)
        self.assertEqual(self._qty(self.return_location, self.lot), 0)
        self.assertEqual(order.order_line.qty_delivered, 6)
        self.assertEqual(rma.line_ids.received_qty, 4)

        rma.with_user(self.warehouse_user).line_ids.inspection_result = "conforming"
        rma.with_user(self.warehouse_user).action_inspect()
        rma.write({"cause": "customer"})
        rma.with_user(self.officer).line_ids.write(
            {"disposition": "restock", "outcome": "no_fault"}
        )
        rma.with_user(self.officer).action_decide()
        self.assertEqual(self._qty(quarantine, self.lot), 0)
        self.assertEqual(self._qty(warehouse.lot_stock_id, self.lot), 44)
        self.assertEqual(self._qty(self.stock_location, self.lot), 60, "not WH")
        self.assertEqual(
            rma.line_ids.disposition_picking_id.picking_type_id, warehouse.int_type_id
        )

    def test_two_step_reception(self):
        warehouse = self._warehouse("two_steps", "W2S")
        self.assertTrue(warehouse.wh_input_stock_loc_id.active)
        self._check_reception(warehouse)

    def test_three_step_reception(self):
        warehouse = self._warehouse("three_steps", "W3S")
        self.assertTrue(warehouse.wh_qc_stock_loc_id.active)
        self._check_reception(warehouse)

    def test_main_warehouse_switched_to_three_steps(self):
        self.warehouse.reception_steps = "three_steps"
        rma = self._received(5)
        self.assertEqual(rma.receipt_ids.location_dest_id, self.return_location)
        self.assertEqual(self._qty(self.return_location, self.lot), 5)
        self.assertEqual(self._qty(self.warehouse.wh_input_stock_loc_id, self.lot), 0)
        self.assertFalse(rma.receipt_ids.move_ids.move_dest_ids)
        self.assertEqual(self.sale_order.order_line.qty_delivered, 35)


@tagged("post_install", "-at_install")
class TestReturnLots(CqReturnCommon):
    """A delivery of two lots: one return line per lot, each limited to what that
    lot delivered; and untracked products."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.two_lot_order, cls.two_lot_delivery = cls._deliver_lots(
            cls.customer, cls.product, [(cls.lot, 6), (cls.other_lot, 4)]
        )
        cls.two_lot_move = cls.two_lot_delivery.move_ids
        assert len(cls.two_lot_move) == 1

    def test_prefilled_one_line_per_lot(self):
        values = self.two_lot_delivery._cq_return_defaults()
        rma = self.env["cq.return"].create(values)
        self.assertEqual(len(rma.line_ids), 2)
        by_lot = {line.lot_id: line for line in rma.line_ids}
        self.assertEqual(set(by_lot), {self.lot, self.other_lot})
        self.assertEqual(by_lot[self.lot].quantity, 6)
        self.assertEqual(by_lot[self.other_lot].quantity, 4)
        self.assertEqual(rma.line_ids.move_id, self.two_lot_move)
        rma.action_authorise()
        self.assertEqual(len(rma.receipt_ids), 1, "one receipt of the delivery")
        self.assertEqual(len(rma.receipt_ids.move_ids), 2, "one move per line")
        rma.with_user(self.warehouse_user).action_receive()
        self.assertEqual(self._qty(self.return_location, self.lot), 6)
        self.assertEqual(self._qty(self.return_location, self.other_lot), 4)
        self.assertEqual(by_lot[self.lot].received_qty, 6)
        self.assertEqual(by_lot[self.other_lot].received_qty, 4)
        self.assertEqual(self.two_lot_order.order_line.qty_delivered, 0)
        lots = rma.receipt_ids.move_line_ids.mapped(lambda ml: (ml.lot_id, ml.quantity))
        self.assertEqual(
            sorted(lots, key=lambda x: x[0].id), [(self.lot, 6), (self.other_lot, 4)]
        )

    def test_per_lot_limit(self):
        """7 of a lot delivered 6 times is refused, though the move delivered 10."""
        rma = self._return(7, delivery=self.two_lot_delivery, lot=self.other_lot)
        with self.assertRaises(ValidationError):
            rma.action_authorise()
        self.assertEqual(rma.state, "draft")
        rma = self._return(7, delivery=self.two_lot_delivery, lot=self.lot)
        with self.assertRaises(ValidationError):
            rma.action_authorise()
        rma.line_ids.quantity = 6
        rma.action_authorise()
        self.assertEqual(rma.state, "authorised")
        # the other lot is still fully returnable, this one no more
        again = self._return(1, delivery=self.two_lot_delivery, lot=self.lot)
        with self.assertRaises(ValidationError):
            again.action_authorise()
        other = self._return(4, delivery=self.two_lot_delivery, lot=self.other_lot)
        other.action_authorise()
        self.assertEqual(other.state, "authorised")

    def test_per_lot_limit_across_lines(self):
        """Two lines of one return asking 4 + 3 of a lot delivered 6 times."""
        rma = self._return(4, delivery=self.two_lot_delivery, lot=self.lot)
        rma.write(
            {
                "line_ids": [
                    Command.create(
                        {
                            "picking_id": self.two_lot_delivery.id,
                            "product_id": self.product.id,
                            "lot_id": self.lot.id,
                            "quantity": 3,
                        }
                    )
                ]
            }
        )
        with self.assertRaises(ValidationError):
            rma.action_authorise()
        self.assertFalse(rma.receipt_ids)

    def test_lot_returned_counts_per_lot(self):
        """After 6 of the first lot came back, a prefilled return only offers the
        other lot."""
        first = self._return(6, delivery=self.two_lot_delivery, lot=self.lot)
        first.action_authorise()
        first.with_user(self.warehouse_user).action_receive()
        values = self.two_lot_delivery._cq_return_defaults()
        rma = self.env["cq.return"].create(values)
        self.assertEqual(rma.line_ids.lot_id, self.other_lot)
        self.assertEqual(rma.line_ids.quantity, 4)

    def test_untracked_product(self):
        bolt = self.env["product.product"].create(
            {"name": "Bolt M8", "is_storable": True, "list_price": 0.5}
        )
        self.env["stock.quant"]._update_available_quantity(
            bolt, self.stock_location, 500
        )
        order, delivery = self._deliver_lots(
            self.customer, bolt, [(self.env["stock.lot"], 100)]
        )
        rma = self._return(30, delivery=delivery, lot=self.env["stock.lot"])
        self.assertFalse(rma.line_ids.lot_id)
        rma.action_authorise()
        rma.with_user(self.warehouse_user).action_receive()
        no_lot = self.env["stock.lot"]
        self.assertEqual(self._qty(self.return_location, no_lot, product=bolt), 30)
        self.assertEqual(self._qty(self.stock_location, no_lot, product=bolt), 400)
        self.assertEqual(order.order_line.qty_delivered, 70)
        rma.with_user(self.warehouse_user).line_ids.inspection_result = "conforming"
        rma.with_user(self.warehouse_user).action_inspect()
        rma.write({"cause": "customer"})
        rma.with_user(self.officer).line_ids.write(
            {"disposition": "restock", "outcome": "no_fault"}
        )
        rma.with_user(self.officer).action_decide()
        self.assertEqual(self._qty(self.stock_location, no_lot, product=bolt), 430)
        self.assertEqual(self._qty(self.return_location, no_lot, product=bolt), 0)
        too_many = self._return(71, delivery=delivery, lot=no_lot)
        with self.assertRaises(ValidationError):
            too_many.action_authorise()
