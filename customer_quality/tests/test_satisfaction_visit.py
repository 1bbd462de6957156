from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from .satisfaction_common import CqSatisfactionCommon


@tagged("post_install", "-at_install")
class TestCustomerVisit(CqSatisfactionCommon):
    def _visit(self, user=None, **values):
        vals = {
            "kind": "field_service",
            "partner_id": self.customer.id,
            "contact_ids": [(6, 0, self.contact.ids)],
            "location": "Acme assembly line 3",
            "units_fitted": 12,
            "units_detail": "VIN LSV0001 … LSV0012",
            "topics": "Fitting of BC-200 calipers",
            "service_done": "Fitted and bled 12 calipers.",
            "problems_found": "Two calipers squeal after the road test.",
            "customer_signatory": "Li Wei",
        }
        vals.update(values)
        return (
            self.env["cq.customer.visit"]
            .with_user(user or self.sales_user)
            .create(vals)
        )

    def test_a_field_service_record_raises_a_follow_up_ticket(self):
        visit = self._visit()
        self.assertTrue(visit.name.startswith("VIS/"))
        action = visit.action_new_ticket()
        ticket = Form(
            self.env["cq.ticket"]
            .with_user(self.sales_user)
            .with_context(**action["context"])
        )
        ticket.subject = "Calipers squeal after fitting"
        ticket = ticket.save()
        self.assertEqual(ticket.visit_id, visit)
        self.assertEqual(ticket.channel, "field_service")
        self.assertEqual(ticket.partner_id, self.customer)
        self.assertIn("squeal", ticket.description)
        self.assertEqual(visit.ticket_count, 1)
        with self.assertRaisesRegex(UserError, "archive it"):
            visit.unlink()

    def test_visits_of_other_salespeople_stay_theirs(self):
        other = new_test_user(
            self.env,
            "cq_sales_visit",
            groups="base.group_user,customer_quality.group_cq_user",
            name="Vera Visitor",
        )
        visit = self._visit()
        Visit = self.env["cq.customer.visit"]
        self.assertFalse(Visit.with_user(other).search([("id", "=", visit.id)]))
        with self.assertRaises(AccessError):
            visit.with_user(other).write({"topics": "Mine"})
        self.assertTrue(Visit.with_user(self.officer).search([("id", "=", visit.id)]))
        visit.attendee_ids = other
        self.assertTrue(Visit.with_user(other).search([("id", "=", visit.id)]))

    def test_units_are_not_negative(self):
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self._visit(units_fitted=-1)
