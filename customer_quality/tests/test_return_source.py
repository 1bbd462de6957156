from odoo.tests import tagged

from .common import CqReturnCommon


@tagged("post_install", "-at_install")
class TestReturnSource(CqReturnCommon):
    """Returns pre-filled from a ticket, a delivery or a sale order, and counted on
    the documents they are about."""

    def _create_from(self, action, user=None):
        """Create the return the way the form opened by ``action`` would save it."""
        self.assertEqual(action["res_model"], "cq.return")
        return (
            self.env["cq.return"]
            .with_user(user or self.sales_user)
            .with_context(**action["context"])
            .create({})
        )

    def test_from_ticket(self):
        ticket = self._ticket(
            picking_id=self.delivery.id,
            sale_order_id=self.sale_order.id,
            product_id=self.product.id,
            lot_id=self.lot.id,
            defective_qty=12,
            contact_id=self.contact.id,
        )
        ticket.cause_category = "our_product"
        action = ticket.with_user(self.sales_user).action_cq_create_return()
        context = action["context"]
        self.assertEqual(context["default_partner_id"], self.customer.id)
        self.assertEqual(context["default_ticket_id"], ticket.id)
        self.assertEqual(context["default_picking_id"], self.delivery.id)
        self.assertEqual(context["default_sale_order_id"], self.sale_order.id)
        self.assertEqual(context["default_cause"], "quality")
        self.assertEqual(len(context["default_line_ids"]), 1)
        rma = self._create_from(action)
        self.assertEqual(rma.partner_id, self.customer)
        self.assertEqual(rma.ticket_id, ticket)
        self.assertEqual(rma.picking_id, self.delivery)
        self.assertEqual(len(rma.line_ids), 1)
        line = rma.line_ids
        self.assertEqual(line.product_id, self.product)
        self.assertEqual(line.lot_id, self.lot)
        self.assertEqual(line.quantity, 12, "the ticket's defective quantity")
        self.assertEqual(line.move_id, self.delivery.move_ids)
        self.assertEqual(line.picking_id, self.delivery)
        self.assertEqual(ticket.return_ids, rma)
        self.assertEqual(ticket.cq_return_count, 1)

    def test_from_ticket_capped_to_returnable(self):
        self._return(35).action_authorise()
        ticket = self._ticket(
            picking_id=self.delivery.id,
            product_id=self.product.id,
            lot_id=self.lot.id,
            defective_qty=12,
        )
        rma = self._create_from(ticket.action_cq_create_return())
        self.assertEqual(rma.line_ids.quantity, 5, "only 5 left to return")

    def test_from_ticket_without_delivery(self):
        ticket = self._ticket()
        context = ticket.action_cq_create_return()["context"]
        self.assertEqual(context["default_partner_id"], self.customer.id)
        self.assertNotIn("default_line_ids", context)

    def test_from_delivery(self):
        self._return(15).action_authorise()
        action = self.delivery.with_user(self.sales_user).action_cq_create_return()
        self.assertEqual(action["context"]["default_picking_id"], self.delivery.id)
        self.assertEqual(action["context"]["default_sale_order_id"], self.sale_order.id)
        rma = self._create_from(action)
        self.assertEqual(rma.partner_id, self.customer)
        self.assertEqual(rma.sale_order_id, self.sale_order)
        self.assertEqual(len(rma.line_ids), 1)
        self.assertEqual(rma.line_ids.quantity, 25, "what is still returnable")
        self.assertEqual(rma.line_ids.lot_id, self.lot)
        rma.action_authorise()
        self.assertEqual(rma.state, "authorised")

    def test_from_delivery_of_contact(self):
        """Delivered to a contact: the return is the customer company's."""
        _order, delivery = self._deliver(self.contact, self.product, 3, self.other_lot)
        context = delivery.action_cq_create_return()["context"]
        self.assertEqual(context["default_partner_id"], self.customer.id)

    def test_from_delivery_all_returned(self):
        self._return(40).action_authorise()
        context = self.delivery.action_cq_create_return()["context"]
        self.assertEqual(context["default_line_ids"], [])

    def test_from_sale_order(self):
        # a second delivery of the same order: the backorder case
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    (0, 0, {"product_id": self.product.id, "product_uom_qty": 10})
                ],
            }
        )
        order.action_confirm()
        first = order.picking_ids
        first.move_ids.move_line_ids.unlink()
        first.move_ids.write(
            {
                "move_line_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": self.product.id,
                            "lot_id": self.lot.id,
                            "quantity": 6,
                            "location_id": first.location_id.id,
                            "location_dest_id": first.location_dest_id.id,
                            "picking_id": first.id,
                        },
                    )
                ],
                "picked": True,
            }
        )
        first._action_done()
        backorder = order.picking_ids - first
        self.assertEqual(len(backorder), 1)
        backorder.move_ids.move_line_ids.unlink()
        backorder.move_ids.write(
            {
                "move_line_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": self.product.id,
                            "lot_id": self.other_lot.id,
                            "quantity": 4,
                            "location_id": backorder.location_id.id,
                            "location_dest_id": backorder.location_dest_id.id,
                            "picking_id": backorder.id,
                        },
                    )
                ],
                "picked": True,
            }
        )
        backorder._action_done()
        action = order.with_user(self.sales_user).action_cq_create_return()
        self.assertEqual(action["context"]["default_sale_order_id"], order.id)
        rma = self._create_from(action)
        self.assertEqual(rma.sale_order_id, order)
        self.assertEqual(len(rma.line_ids), 2, "one line per delivery")
        by_picking = {line.picking_id: line for line in rma.line_ids}
        self.assertEqual(by_picking[first].quantity, 6)
        self.assertEqual(by_picking[first].lot_id, self.lot)
        self.assertEqual(by_picking[backorder].quantity, 4)
        self.assertEqual(by_picking[backorder].lot_id, self.other_lot)
        self.assertEqual(rma.line_ids.sale_line_id, order.order_line)
        self.assertNotIn(self.delivery, rma.line_ids.picking_id, "not another order's")

    def test_counts_and_views(self):
        ticket = self._ticket(picking_id=self.delivery.id, product_id=self.product.id)
        rma = self._return(3, ticket_id=ticket.id, sale_order_id=self.sale_order.id)
        _order, other_delivery = self._deliver(
            self.contact, self.product, 5, self.other_lot
        )
        second = self._return(2, delivery=other_delivery, lot=self.other_lot)
        self.assertEqual(second.partner_id, self.customer)
        _order, beta_delivery = self._deliver(
            self.other_customer, self.product, 5, self.other_lot
        )
        beta = self._return(1, delivery=beta_delivery, lot=self.other_lot)
        records = {
            "ticket": (ticket, rma),
            "sale order": (self.sale_order, rma),
            "delivery": (self.delivery, rma),
            "customer": (self.customer, rma | second),
            "contact": (self.contact, rma | second),
            "other customer": (self.other_customer, beta),
            "product": (self.product, rma | second | beta),
            "lot": (self.lot, rma),
            "other lot": (self.other_lot, second | beta),
        }
        for label, (record, returns) in records.items():
            with self.subTest(label):
                record.invalidate_recordset(["cq_return_count"])
                self.assertEqual(record.cq_return_count, len(returns))
                action = record.action_cq_view_returns()
                self.assertEqual(action["res_model"], "cq.return")
                self.assertEqual(
                    self.env["cq.return"].search(action["domain"]), returns
                )

    def test_counts_follow_access(self):
        """A salesperson counts only the returns they may see."""
        _order, beta_delivery = self._deliver(
            self.other_customer, self.product, 5, self.other_lot
        )
        self._return(1, delivery=beta_delivery, lot=self.other_lot, user=self.officer)
        self._return(2)
        self.assertEqual(self.product.cq_return_count, 2)
        self.assertEqual(self.product.with_user(self.sales_user).cq_return_count, 1)
        self.assertEqual(self.product.with_user(self.officer).cq_return_count, 2)

    def test_replacement_counts_on_its_delivery(self):
        """The delivery of the replacement leads back to its return."""
        rma = self._received(2)
        rma.action_inspect()
        rma.write({"cause": "quality"})
        rma.line_ids.write({"disposition": "scrap", "outcome": "replacement"})
        rma.with_user(self.officer).action_decide()
        replacement = rma.replacement_picking_ids
        self.assertEqual(replacement.cq_return_count, 1)
        self.assertEqual(
            self.env["cq.return"].search(
                replacement.action_cq_view_returns()["domain"]
            ),
            rma,
        )
