from odoo.tests import HttpCase, tagged

from .common import CqReturnCommon, CqTourMixin


@tagged("post_install", "-at_install", "is_tour")
class TestReturnTour(CqTourMixin, CqReturnCommon, HttpCase):
    """A storekeeper receives and inspects a customer return in the browser; a
    quality officer decides it (restock, replacement), explains it to the customer
    and closes it."""

    def test_return_received_inspected_decided_and_closed(self):
        stock = self.warehouse.lot_stock_id
        rma = self._return(5)
        rma.action_authorise()
        self.assertEqual(rma.state, "authorised")
        self.assertFalse(rma.needs_quality_confirmation, "a partial return of 5")
        receipt = rma.receipt_ids
        self.assertEqual(len(receipt), 1)
        self.assertEqual(self._qty(self.return_location, self.lot), 0)
        self.assertEqual(self._qty(stock, self.lot), 60)

        # 1. Walter (storekeeper of the warehouse) receives and inspects.
        self._cq_tour("/odoo", "cq_return_warehouse_tour", self.warehouse_user.login)
        self.assertEqual(rma.state, "inspected")
        self.assertEqual(receipt.state, "done")
        self.assertEqual(receipt.location_dest_id, self.return_location)
        self.assertEqual(
            receipt.move_ids.origin_returned_move_id, self.delivery.move_ids
        )
        self.assertEqual(receipt.move_line_ids.lot_id, self.lot)
        self.assertEqual(self._qty(self.return_location, self.lot), 5)
        self.assertEqual(self._qty(stock, self.lot), 60)
        line = rma.line_ids
        self.assertEqual(line.received_qty, 5)
        self.assertEqual(line.inspection_result, "nonconforming")
        self.assertEqual(line.sample_qty, 2)
        self.assertEqual(
            line.inspection_note,
            "Squeal reproduced on the test bench: anti-squeal shim missing.",
        )
        self.assertEqual(rma.nc_quantity, 5)
        self.assertFalse(rma.decided_on)
        self.assertFalse(rma.explanation_sent_on)
        # the sale order counts the returned pieces as not delivered any more
        self.assertEqual(self.sale_order.order_line.qty_delivered, 35)

        # 2. Olga (quality officer) decides, explains and closes.
        self._cq_tour("/odoo", "cq_return_quality_tour", self.officer.login)
        self.assertEqual(rma.state, "done")
        self.assertEqual(rma.cause, "quality")
        self.assertTrue(rma.corrective_action_required)
        self.assertEqual(rma.decided_by_id, self.officer)
        self.assertTrue(rma.decided_on)
        self.assertEqual(line.disposition, "restock")
        self.assertEqual(line.outcome, "replacement")
        # restocked: back in WH/Stock, same lot, but the 2 samples kept for
        # analysis stay in the customer-returns location (quarantine)
        self.assertEqual(self._qty(self.return_location, self.lot), 2)
        self.assertEqual(self._qty(stock, self.lot), 63)
        restock = line.disposition_picking_id
        self.assertEqual(restock.state, "done")
        self.assertEqual(restock.location_id, self.return_location)
        self.assertEqual(restock.location_dest_id, stock)
        self.assertEqual(restock.move_ids.quantity, 3)
        self.assertEqual(restock.move_line_ids.lot_id, self.lot)
        # a replacement delivery of 5 on the sale order
        replacement = rma.replacement_picking_ids
        self.assertEqual(len(replacement), 1)
        self.assertEqual(replacement.picking_type_code, "outgoing")
        self.assertEqual(replacement.sale_id, self.sale_order)
        self.assertIn(replacement, self.sale_order.picking_ids)
        self.assertEqual(replacement.partner_id, self.delivery.partner_id)
        self.assertEqual(replacement.move_ids.product_id, self.product)
        self.assertEqual(replacement.move_ids.product_uom_qty, 5)
        self.assertEqual(replacement.move_ids.sale_line_id, self.sale_order.order_line)
        self.assertEqual(rma.transfer_count, 3, "receipt, restock, replacement")
        # explained to the customer by email, from the template
        self.assertTrue(rma.explanation_sent_on)
        explanation = rma.message_ids.filtered(
            lambda m: m.message_type == "comment" and self.customer in m.partner_ids
        )
        self.assertEqual(len(explanation), 1)
        self.assertIn(rma.name, explanation.subject)
        self.assertIn("Regarding your return", str(explanation.body))
        self.assertEqual(explanation.author_id, self.officer.partner_id)
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search([("mail_message_id", "=", explanation.id)])
        )
        self.assertIn(self.customer, mail.recipient_ids)
