"""Repeat complaints found by themselves: the same product (or family) and problem
class within the company's window, and the same cause once it is known."""

from datetime import datetime

from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .test_capa_workflow import CqCapaCommon

T0 = datetime(2026, 6, 1, 2, 0)


@tagged("post_install", "-at_install")
class TestTicketRepeat(CqCapaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.category = cls.env.ref("customer_quality.cq_category_function")
        cls.family = cls.env["product.category"].create({"name": "Calipers"})
        cls.product.categ_id = cls.family
        cls.sibling = cls.env["product.product"].create(
            {"name": "BC-300 caliper", "categ_id": cls.family.id, "is_storable": True}
        )

    def _problem(self, when, **values):
        vals = {
            "product_id": self.product.id,
            "category_id": self.category.id,
            "classification": "product_quality",
            "received_date": when,
        }
        vals.update(values)
        return self._ticket(**vals)

    def test_same_product_and_problem_within_the_window(self):
        first = self._problem(T0)
        second = self._problem(T0 + relativedelta(months=3))
        self.assertFalse(first.is_repeat)
        self.assertTrue(second.is_repeat)
        self.assertEqual(second.repeat_of_ids, first)
        self.assertEqual(first.repeated_by_ids, second, "the other side")

    def test_repeated_by_is_the_detection_s_own(self):
        first = self._problem(T0)
        other = self._problem(T0 + relativedelta(years=3))
        for user in (self.officer, self.quality_manager):
            with self.assertRaises(UserError):
                first.with_user(user).write(
                    {"repeated_by_ids": [Command.link(other.id)]}
                )
        self.assertFalse(first.repeated_by_ids)

    def test_window_edges(self):
        first = self._problem(T0)
        inside = self._problem(T0 + relativedelta(months=12))
        outside = self._problem(T0 + relativedelta(months=12, seconds=1))
        self.assertEqual(inside.repeat_of_ids, first)
        self.assertNotIn(first, outside.repeat_of_ids)
        self.company.cq_repeat_window_months = 3
        later = self._problem(T0 + relativedelta(months=4))
        self.assertFalse(later.repeat_of_ids & first)
        self.company.cq_repeat_window_months = 0
        self.assertFalse(self._problem(T0 + relativedelta(months=4, days=1)).is_repeat)

    def test_other_problem_product_type_or_cancelled_is_no_repeat(self):
        self._problem(
            T0, category_id=self.env.ref("customer_quality.cq_category_appearance").id
        )
        self._problem(T0, product_id=self.sibling.id)
        self._problem(T0, feedback_type="praise")
        self._problem(T0).with_user(self.officer).action_cancel()
        ticket = self._problem(T0 + relativedelta(days=10))
        self.assertFalse(ticket.is_repeat, ticket.repeat_of_ids.mapped("subject"))
        self.assertFalse(
            self._problem(
                T0 + relativedelta(days=20), feedback_type="suggestion"
            ).is_repeat
        )

    def test_product_family(self):
        first = self._problem(T0, product_id=self.sibling.id)
        self.assertFalse(self._problem(T0 + relativedelta(days=1)).is_repeat)
        self.company.cq_repeat_scope = "family"
        ticket = self._problem(T0 + relativedelta(days=2))
        self.assertIn(first, ticket.repeat_of_ids)

    def test_the_cause_once_investigated(self):
        service = self._problem(T0)
        product = self._problem(T0 + relativedelta(days=1))
        service.sudo().cause_category = "our_service"
        product.sudo().cause_category = "our_product"
        ticket = self._problem(T0 + relativedelta(days=5))
        self.assertEqual(ticket.repeat_of_ids, service | product)
        ticket = self._investigated(ticket, cause_category="our_product")
        self.assertEqual(ticket.repeat_of_ids, product)

    def test_links_the_earlier_capa_and_proposes_serious(self):
        first = self._problem(T0)
        capa = self._capa(ticket_ids=[Command.set(first.ids)])
        ticket = self._problem(T0 + relativedelta(days=30))
        self.assertEqual(ticket.with_user(self.officer).repeat_capa_ids, capa)
        self.assertEqual(ticket.severity, "general")
        self.assertFalse(ticket.with_user(self.sales_user).can_confirm_repeat)
        with self.assertRaises(AccessError):
            ticket.with_user(self.sales_user).action_confirm_repeat()
        ticket.with_user(self.officer).action_confirm_repeat()
        self.assertTrue(ticket.serious_repeated)
        self.assertEqual(ticket.severity, "serious")
        ticket.with_user(self.officer).action_join_repeat_capa()
        self.assertEqual(ticket.capa_ids, capa)
        self.assertEqual(capa.form_type, "8d", "a serious complaint's CAPA is an 8D")

    def test_found_whatever_the_user_sees(self):
        first = self._problem(T0, user_id=self.officer.id)
        other = self._ticket(
            user=self.warehouse_user,
            product_id=self.product.id,
            category_id=self.category.id,
            received_date=T0 + relativedelta(days=3),
        )
        self.assertFalse(
            self.env["cq.ticket"]
            .with_user(self.warehouse_user)
            .search_count([("id", "=", first.id)]),
        )
        self.assertEqual(other.sudo().repeat_of_ids, first)

    def test_detection_queries_do_not_grow_with_history(self):
        for day in range(3):
            self._problem(T0 + relativedelta(days=day))
        self.env.invalidate_all()
        values = {
            "product_id": self.product.id,
            "category_id": self.category.id,
            "received_date": T0 + relativedelta(days=10),
        }
        Ticket = self.env["cq.ticket"].with_user(self.officer)
        ticket = Ticket.create(self._ticket_values(**values))
        ticket.flush_recordset()
        ticket._cq_repeat_domain()  # what the ticket says is read with it
        with self.assertQueryCount(1):
            found = ticket._cq_find_repeats()
        self.assertEqual(len(found), 3)
        for day in range(3, 30):
            self._problem(T0 + relativedelta(days=day))
        self.env.invalidate_all()
        ticket = Ticket.create(
            self._ticket_values(
                **dict(values, received_date=T0 + relativedelta(days=40))
            )
        )
        ticket.flush_recordset()
        ticket._cq_repeat_domain()
        with self.assertQueryCount(1):
            found = ticket._cq_find_repeats()
        self.assertEqual(len(found), 20, "the 20 most recent are linked")
