import re
from datetime import date, datetime

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import CqCommon


class CqIntakeCommon(CqCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the sales user is the salesperson of the order, as in real life
        cls.sale_order.user_id = cls.sales_user
        cls.other_order, cls.other_delivery = cls._deliver(
            cls.other_customer, cls.product, 10, cls.other_lot
        )
        cls.second_order, cls.second_delivery = cls._deliver(
            cls.customer, cls.product, 5, cls.other_lot
        )
        cls.other_contact = cls.env["res.partner"].create(
            {
                "name": "Zhang San",
                "parent_id": cls.other_customer.id,
                "email": "zhang@beta.example.com",
            }
        )
        cls.bolt = cls.env["product.product"].create(
            {"name": "Mounting bolt M8", "default_code": "MB-8", "is_storable": True}
        )
        cls.bolt_lot = cls.env["stock.lot"].create(
            {"name": "BOLT-001", "product_id": cls.bolt.id}
        )
        warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        # goods coming back from the customer: a receipt, not a delivery
        cls.receipt = cls.env["stock.picking"].create(
            {
                "picking_type_id": warehouse.in_type_id.id,
                "partner_id": cls.customer.id,
                "location_id": cls.env.ref("stock.stock_location_customers").id,
                "location_dest_id": warehouse.lot_stock_id.id,
            }
        )

    def _count(self):
        return self.env["cq.ticket"].with_context(active_test=False).search_count([])


@tagged("post_install", "-at_install")
class TestTicketIntake(CqIntakeCommon):
    """What is registered must hang together: customer, documents, goods, quantities."""

    def assertRefused(self, pattern, **values):
        """Creating a ticket with ``values`` is
        refused with ``pattern`` and writes nothing."""
        count = self._count()
        with self.assertRaises(ValidationError) as caught:
            self._ticket(**values)
        self.assertRegex(str(caught.exception), pattern)
        self.assertEqual(self._count(), count, "a refused ticket leaves nothing behind")

    def assertWriteRefused(self, ticket, pattern, **values):
        before = ticket.read(list(values))[0]
        with self.assertRaises(ValidationError) as caught:
            ticket.with_user(self.sales_user).write(values)
        self.assertRegex(str(caught.exception), pattern)
        ticket.invalidate_recordset()
        self.assertEqual(
            ticket.read(list(values))[0], before, "a refused change changes nothing"
        )

    def test_consistent_intake(self):
        ticket = self._ticket(
            sale_order_id=self.sale_order.id,
            picking_id=self.delivery.id,
            product_id=self.product.id,
            lot_id=self.lot.id,
            defective_qty=12,
        )
        self.assertEqual(ticket.partner_id, self.customer)
        self.assertEqual(ticket.sale_order_id, self.sale_order)
        self.assertEqual(ticket.product_spec, "BC-200")
        delivered = self.delivery._cq_check_delivered_goods(
            self.customer, self.product, lot=self.lot
        )
        self.assertEqual(delivered, 40)
        self.assertEqual(ticket.email_from, "li.wei@acme.example.com")

    def test_delivery_of_another_customer(self):
        self.assertRefused(
            "Delivery .* went to Beta Trading, not to Acme Motors",
            picking_id=self.other_delivery.id,
            sale_order_id=False,
        )

    def test_sale_order_of_another_customer(self):
        self.assertRefused(
            f"Sale order {re.escape(self.other_order.name)} belongs to Beta Trading",
            sale_order_id=self.other_order.id,
        )

    def test_delivery_of_another_order(self):
        self.assertRefused(
            f"belongs to {re.escape(self.second_order.name)}, not to "
            f"{re.escape(self.sale_order.name)}",
            sale_order_id=self.sale_order.id,
            picking_id=self.second_delivery.id,
        )

    def test_lot_not_on_the_delivery(self):
        self.assertRefused(
            "Lot LOT-2026-002 was not delivered on",
            picking_id=self.delivery.id,
            product_id=self.product.id,
            lot_id=self.other_lot.id,
        )
        # the lot went out on the second delivery: fine there
        ticket = self._ticket(
            picking_id=self.second_delivery.id,
            product_id=self.product.id,
            lot_id=self.other_lot.id,
        )
        self.assertEqual(ticket.sale_order_id, self.second_order)

    def test_lot_of_another_product(self):
        self.assertRefused(
            "Lot BOLT-001 is not a lot of",
            product_id=self.product.id,
            lot_id=self.bolt_lot.id,
        )

    def test_product_not_on_the_delivery(self):
        self.assertRefused(
            "Mounting bolt M8 was not delivered on",
            picking_id=self.delivery.id,
            product_id=self.bolt.id,
        )

    def test_defective_quantity_negative(self):
        self.assertRefused("cannot be negative", defective_qty=-1)
        self.assertRefused(
            "cannot be negative",
            picking_id=self.delivery.id,
            product_id=self.product.id,
            defective_qty=-0.5,
        )

    def test_defective_quantity_above_delivered(self):
        self.assertRefused(
            r"defective quantity \(41.0\) is more than was delivered on .* \(40.0 ",
            picking_id=self.delivery.id,
            product_id=self.product.id,
            defective_qty=41,
        )
        ticket = self._ticket(
            picking_id=self.delivery.id, product_id=self.product.id, defective_qty=40
        )
        self.assertEqual(ticket.defective_qty, 40)
        # per lot: only 5 of other_lot went out on the second delivery
        self.assertRefused(
            "more than was delivered",
            picking_id=self.second_delivery.id,
            product_id=self.product.id,
            lot_id=self.other_lot.id,
            defective_qty=6,
        )

    def test_contact_of_another_customer(self):
        self.assertRefused(
            "Zhang San is not a contact of Acme Motors",
            contact_id=self.other_contact.id,
        )

    def test_receipt_is_not_a_delivery(self):
        self.assertRefused(
            f"{re.escape(self.receipt.name)} is not a delivery to a customer",
            picking_id=self.receipt.id,
            sale_order_id=False,
        )

    def test_same_checks_on_write(self):
        ticket = self._ticket(
            sale_order_id=self.sale_order.id,
            picking_id=self.delivery.id,
            product_id=self.product.id,
            lot_id=self.lot.id,
            defective_qty=10,
        )
        self.assertWriteRefused(
            ticket,
            "went to Beta Trading",
            picking_id=self.other_delivery.id,
            sale_order_id=False,
        )
        self.assertWriteRefused(
            ticket, "belongs to Beta Trading", sale_order_id=self.other_order.id
        )
        self.assertWriteRefused(
            ticket, "Lot LOT-2026-002 was not delivered", lot_id=self.other_lot.id
        )
        self.assertWriteRefused(
            ticket,
            "Mounting bolt M8 was not delivered on",
            product_id=self.bolt.id,
            lot_id=False,
            defective_qty=0,
        )
        self.assertWriteRefused(ticket, "cannot be negative", defective_qty=-3)
        self.assertWriteRefused(ticket, "more than was delivered", defective_qty=41)
        self.assertWriteRefused(
            ticket, "is not a contact of", contact_id=self.other_contact.id
        )
        self.assertWriteRefused(
            ticket,
            "is not a delivery to a customer",
            picking_id=self.receipt.id,
            sale_order_id=False,
        )
        # changing the customer alone leaves the
        # documents of the former one dangling: refused
        self.assertWriteRefused(
            ticket, "Acme Motors", partner_id=self.other_customer.id, contact_id=False
        )
        ticket.with_user(self.sales_user).write({"defective_qty": 40})
        self.assertEqual(ticket.defective_qty, 40)


@tagged("post_install", "-at_install")
class TestTicketIntakeButtons(CqIntakeCommon):
    """Raising a ticket from a sale order, a delivery or a customer."""

    def _form(self, action, user=None):
        self.assertEqual(action["res_model"], "cq.ticket")
        self.assertEqual(action["type"], "ir.actions.act_window")
        Ticket = (
            self.env["cq.ticket"]
            .with_user(user or self.sales_user)
            # replaces the context, as before (not merged into the test env's)
            .with_context({}, **action["context"])
        )
        return Form(Ticket)

    def test_delivery_fills_sale_order_and_date(self):
        # 20:00 UTC on 1 March is 04:00 on 2 March in Shanghai, where the goods left
        self.delivery.date_done = datetime(2026, 3, 1, 20, 0)
        ticket = self._ticket(picking_id=self.delivery.id)
        self.assertEqual(ticket.sale_order_id, self.sale_order)
        self.assertEqual(ticket.delivery_date, date(2026, 3, 2))
        # another delivery of the same customer: order and date follow
        self.second_delivery.date_done = datetime(2026, 4, 7, 2, 0)
        ticket.picking_id = self.second_delivery
        self.assertEqual(ticket.sale_order_id, self.second_order)
        self.assertEqual(ticket.delivery_date, date(2026, 4, 7))

    def test_sale_order_button(self):
        action = self.sale_order.with_user(self.sales_user).action_cq_create_ticket()
        context = action["context"]
        self.assertEqual(context["default_partner_id"], self.customer.id)
        self.assertEqual(context["default_sale_order_id"], self.sale_order.id)
        self.assertEqual(context["default_product_id"], self.product.id)
        form = self._form(action)
        self.assertEqual(form.partner_id, self.customer)
        self.assertEqual(form.sale_order_id, self.sale_order)
        self.assertEqual(form.product_id, self.product)
        form.subject = "Calipers squeal"
        form.description = "<p>Squeal after 200 km.</p>"
        ticket = form.save()
        self.assertEqual(ticket.partner_id, self.customer)
        self.assertEqual(ticket.sale_order_id, self.sale_order)
        self.assertEqual(ticket.product_id, self.product)
        self.assertEqual(ticket.product_spec, "BC-200")
        self.assertEqual(ticket.received_by_id, self.sales_user)
        self.assertTrue(ticket.name.startswith("CQ/"))
        self.assertEqual(self.sale_order.with_user(self.sales_user).cq_ticket_count, 1)

    def test_sale_order_button_with_a_contact_as_customer(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.contact.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.product.id, "product_uom_qty": 1}
                    ),
                    Command.create({"product_id": self.bolt.id, "product_uom_qty": 1}),
                ],
            }
        )
        context = order.action_cq_create_ticket()["context"]
        self.assertEqual(
            context["default_partner_id"],
            self.customer.id,
            "the customer is the company",
        )
        self.assertEqual(context["default_contact_id"], self.contact.id)
        self.assertNotIn(
            "default_product_id", context, "two products: the user picks one"
        )
        ticket = (
            self.env["cq.ticket"]
            # replaces the context, as before (not merged into the test env's)
            .with_context({}, **context)
            .create({"subject": "Mixed order", "channel": "email"})
        )
        self.assertEqual(ticket.sale_order_id, order)
        self.assertEqual(ticket.contact_id, self.contact)

    def test_delivery_button(self):
        self.delivery.date_done = datetime(2026, 3, 2, 3, 0)
        action = self.delivery.with_user(self.warehouse_user).action_cq_create_ticket()
        context = action["context"]
        self.assertEqual(context["default_picking_id"], self.delivery.id)
        self.assertEqual(context["default_sale_order_id"], self.sale_order.id)
        self.assertEqual(context["default_product_id"], self.product.id)
        self.assertEqual(context["default_partner_id"], self.customer.id)
        form = self._form(action, user=self.warehouse_user)
        self.assertEqual(form.picking_id, self.delivery)
        self.assertEqual(form.sale_order_id, self.sale_order)
        self.assertEqual(form.product_id, self.product)
        form.lot_id = self.lot
        form.defective_qty = 3
        form.subject = "Rust on calipers"
        form.description = "<p>Rust spots.</p>"
        ticket = form.save()
        self.assertEqual(ticket.picking_id, self.delivery)
        self.assertEqual(ticket.lot_id, self.lot)
        self.assertEqual(ticket.delivery_date, date(2026, 3, 2))

    def test_partner_button(self):
        action = self.contact.with_user(self.sales_user).action_cq_create_ticket()
        self.assertEqual(action["context"]["default_partner_id"], self.customer.id)
        self.assertEqual(action["context"]["default_contact_id"], self.contact.id)
        form = self._form(action)
        self.assertEqual(form.partner_id, self.customer)
        self.assertEqual(form.contact_id, self.contact)
        form.subject = "Invoice address wrong"
        form.description = "<p>Wrong address on the packing list.</p>"
        form.channel = "email"
        ticket = form.save()
        self.assertEqual(ticket.email_from, "li.wei@acme.example.com")
        context = self.customer.action_cq_create_ticket()["context"]
        self.assertEqual(context["default_partner_id"], self.customer.id)
        self.assertNotIn("default_contact_id", context)

    def test_smart_buttons(self):
        t_order = self._ticket(sale_order_id=self.sale_order.id)
        t_delivery = self._ticket(
            picking_id=self.delivery.id, product_id=self.product.id
        )
        t_customer = self._ticket(contact_id=False)
        t_second = self._ticket(picking_id=self.second_delivery.id)
        t_other = self._ticket(
            user=self.officer,
            partner_id=self.other_customer.id,
            contact_id=False,
            picking_id=self.other_delivery.id,
        )
        mine = t_order | t_delivery | t_customer | t_second
        # counted as the quality officer, who sees them all
        officer = self.officer
        self.assertEqual(self.sale_order.with_user(officer).cq_ticket_count, 2)
        self.assertEqual(self.second_order.with_user(officer).cq_ticket_count, 1)
        self.assertEqual(self.other_order.with_user(officer).cq_ticket_count, 1)
        self.assertEqual(self.delivery.with_user(officer).cq_ticket_count, 1)
        self.assertEqual(self.second_delivery.with_user(officer).cq_ticket_count, 1)
        self.assertEqual(self.other_delivery.with_user(officer).cq_ticket_count, 1)
        self.assertEqual(self.customer.with_user(officer).cq_ticket_count, 4)
        self.assertEqual(
            self.contact.with_user(officer).cq_ticket_count,
            4,
            "a contact shows its company's",
        )
        self.assertEqual(self.other_customer.with_user(officer).cq_ticket_count, 1)
        # the counts follow what the user may see
        self.assertEqual(
            self.other_customer.with_user(self.sales_user).cq_ticket_count, 0
        )
        self.assertEqual(
            self.customer.with_user(self.warehouse_user).cq_ticket_count, 0
        )

        # the order is opened by its salesperson, the rest by the officer
        for record, user, expected in (
            (self.sale_order, self.sales_user, t_order | t_delivery),
            (self.delivery, officer, t_delivery),
            (self.second_delivery, officer, t_second),
            (self.customer, officer, mine),
            (self.contact, officer, mine),
            (self.other_customer, officer, t_other),
            (self.other_delivery, officer, t_other),
        ):
            action = record.with_user(user).action_cq_view_tickets()
            self.assertEqual(action["res_model"], "cq.ticket")
            found = self.env["cq.ticket"].with_user(user).search(action["domain"])
            self.assertEqual(found, expected, f"tickets of {record.display_name}")
