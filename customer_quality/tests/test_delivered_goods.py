from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import CqCommon, CqReturnCommon


@tagged("post_install", "-at_install")
class TestDeliveredGoods(CqReturnCommon):
    """Tickets, warranty claims and return lines refuse the same goods that did not
    go to their customer, with the same words: the delivery checks them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bolt = cls.env["product.product"].create(
            {"name": "Mounting bolt M8", "is_storable": True}
        )
        _order, cls.beta_delivery = cls._deliver(
            cls.other_customer, cls.product, 10, cls.other_lot
        )

    def _claim(self, **values):
        return (
            self.env["cq.warranty.claim"]
            .with_user(self.officer)
            .create(self._claim_values(**values))
        )

    def _return(self, picking=None, product=None, lot=None, quantity=1, **values):
        line = {
            "picking_id": (picking or self.delivery).id,
            "product_id": (product or self.product).id,
            "lot_id": (self.lot if lot is None else lot).id,
            "quantity": quantity,
        }
        vals = {"partner_id": self.customer.id, "line_ids": [Command.create(line)]}
        vals.update(values)
        return self.env["cq.return"].with_user(self.sales_user).create(vals)

    def _refusal(self, create, **values):
        with self.assertRaises(ValidationError) as caught:
            create(**values)
        return str(caught.exception)

    def assertSameRefusal(self, expected, ticket, claim, line):
        """The ticket, the claim and the return line of these values are refused
        with one message, which says ``expected``."""
        messages = {
            "ticket": self._refusal(self._ticket, **ticket),
            "claim": self._refusal(self._claim, **claim),
            "return line": self._refusal(self._return, **line),
        }
        self.assertEqual(len(set(messages.values())), 1, messages)
        self.assertEqual(messages["ticket"], expected)

    def test_lot_not_on_the_delivery(self):
        self.assertSameRefusal(
            f"Lot LOT-2026-002 was not delivered on {self.delivery.name}.",
            ticket={
                "picking_id": self.delivery.id,
                "product_id": self.product.id,
                "lot_id": self.other_lot.id,
            },
            claim={"lot_id": self.other_lot.id},
            line={"lot": self.other_lot},
        )

    def test_product_not_on_the_delivery(self):
        self.assertSameRefusal(
            f"Mounting bolt M8 was not delivered on {self.delivery.name}.",
            ticket={"picking_id": self.delivery.id, "product_id": self.bolt.id},
            claim={"product_id": self.bolt.id, "lot_id": False},
            line={"product": self.bolt, "lot": self.env["stock.lot"]},
        )

    def test_delivery_of_another_customer(self):
        self.assertSameRefusal(
            f"Delivery {self.beta_delivery.name} went to Beta Trading, not to "
            "Acme Motors.",
            ticket={"picking_id": self.beta_delivery.id, "sale_order_id": False},
            claim={"picking_id": self.beta_delivery.id, "lot_id": self.other_lot.id},
            line={"picking": self.beta_delivery, "lot": self.other_lot},
        )

    def test_quantity_above_what_left(self):
        goods = {
            "picking_id": self.delivery.id,
            "product_id": self.product.id,
            "lot_id": self.lot.id,
        }
        ticket = self._refusal(self._ticket, defective_qty=41, **goods)
        claim = self._refusal(self._claim, quantity=41)
        self.assertEqual(ticket, claim)
        self.assertRegex(
            ticket,
            rf"^The defective quantity \(41(\.0)?\) is more than was delivered on "
            rf"{self.delivery.name} \(40(\.0)? .+ of lot LOT-2026-001\)\.$",
        )
        # a return line may ask more while the return is a draft: what is still
        # returnable is checked when it is authorised
        rma = self._return(quantity=41)
        with self.assertRaisesRegex(
            ValidationError, f"Only 40(\\.0)? .+ on {self.delivery.name}"
        ):
            rma.action_authorise()
        # all of it is fine everywhere
        self.assertEqual(self._ticket(defective_qty=40, **goods).defective_qty, 40)
        self.assertEqual(self._claim(quantity=40).quantity, 40)
        self._return(quantity=40).action_authorise()

    def test_delivered_quantity_per_lot(self):
        _order, delivery = self._deliver_lots(
            self.customer, self.product, [(self.lot, 6), (self.other_lot, 4)]
        )
        check = delivery._cq_check_delivered_goods
        self.assertEqual(check(self.contact, self.product), 10)
        self.assertEqual(check(self.customer, self.product, lot=self.other_lot), 4)
        self.assertEqual(
            check(self.customer, self.product, lot=self.lot, move=delivery.move_ids),
            6,
        )
        with self.assertRaisesRegex(ValidationError, "must be more than zero"):
            check(self.customer, self.product, quantity=0)
        with self.assertRaisesRegex(ValidationError, r"\(5(\.0)?\) is more than"):
            check(self.customer, self.product, lot=self.other_lot, quantity=5)
        with self.assertRaisesRegex(ValidationError, "done delivery line"):
            check(self.customer, self.product, move=self.delivery.move_ids)


@tagged("post_install", "-at_install")
class TestSourceCounts(CqCommon):
    """Tickets, returns and claims counted on their customers and deliveries: the
    same queries for one record as for five."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.customers = Partner.create(
            [{"name": f"Customer {index}", "is_company": True} for index in range(5)]
        )
        cls.deliveries = cls.env["stock.picking"]
        for customer in cls.customers:
            _order, delivery = cls._deliver(customer, cls.product, 2, cls.lot)
            cls.deliveries |= delivery
            officer = cls.officer
            cls.env["cq.ticket"].with_user(officer).create(
                {
                    "partner_id": customer.id,
                    "subject": "Calipers squeal",
                    "channel": "email",
                    "team_id": cls.team.id,
                    "picking_id": delivery.id,
                    "product_id": cls.product.id,
                }
            )
            line = {
                "picking_id": delivery.id,
                "product_id": cls.product.id,
                "lot_id": cls.lot.id,
                "quantity": 1,
            }
            # raised from the delivery and with a line from it: counted once
            cls.env["cq.return"].with_user(officer).create(
                {
                    "partner_id": customer.id,
                    "picking_id": delivery.id,
                    "line_ids": [Command.create(line)],
                }
            )
            cls.env["cq.warranty.claim"].with_user(officer).create(
                {
                    "partner_id": customer.id,
                    "picking_id": delivery.id,
                    "product_id": cls.product.id,
                    "lot_id": cls.lot.id,
                    "quantity": 1,
                }
            )

    def _counts(self, records):
        return [
            (r.cq_ticket_count, r.cq_return_count, r.cq_warranty_claim_count)
            for r in records.with_user(self.officer)
        ]

    def test_counts_cost_the_same_for_one_and_five(self):
        for records in (self.customers, self.deliveries):
            with self.subTest(records._name):
                self.assertEqual(self._counts(records), [(1, 1, 1)] * 5)
                self.env.invalidate_all()
                before = self.env.cr.sql_log_count
                self._counts(records[:1].with_prefetch())
                one = self.env.cr.sql_log_count - before
                self.env.invalidate_all()
                with self.assertQueryCount(one):
                    self._counts(records)
