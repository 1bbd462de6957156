from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import CqCommon, CqTourMixin


@tagged("post_install", "-at_install", "is_tour")
class TestTicketTour(CqTourMixin, CqCommon, HttpCase):
    """A sales user registers a complaint from a delivery; a quality officer takes it
    through investigation, approval, reply and closure, in the browser."""

    def test_complaint_from_delivery_to_closure(self):
        Ticket = self.env["cq.ticket"]
        self.assertFalse(Ticket.search([("picking_id", "=", self.delivery.id)]))

        # 1. Sally (sales) registers the complaint from the validated delivery,
        #    reads it back to the customer and hands it off.
        self._cq_tour(
            f"/odoo/action-stock.action_picking_tree_all/{self.delivery.id}",
            "cq_ticket_register_tour",
            login=self.sales_user.login,
        )
        ticket = Ticket.search([("picking_id", "=", self.delivery.id)])
        self.assertEqual(len(ticket), 1, "the tour registers exactly one ticket")
        self.assertRegex(ticket.name, r"^CQ/\d{4}/\d{5}$")
        self.assertEqual(ticket.state, "assigned")
        self.assertEqual(ticket.subject, "Calipers squeal after 200 km")
        self.assertIn("squeal when braking", ticket.description)
        self.assertEqual(ticket.channel, "phone")
        self.assertEqual(ticket.defective_qty, 12.0)
        # pre-filled from the delivery
        self.assertEqual(ticket.partner_id, self.customer)
        self.assertEqual(ticket.sale_order_id, self.sale_order)
        self.assertEqual(ticket.product_id, self.product)
        self.assertEqual(ticket.product_spec, "BC-200")
        self.assertEqual(
            ticket.delivery_date,
            fields.Datetime.context_timestamp(
                self.sales_user.with_context(tz=self.sales_user.tz),
                self.delivery.date_done,
            ).date(),
        )
        # recorded and read back by Sally, routed to the department manager
        self.assertEqual(ticket.received_by_id, self.sales_user)
        self.assertTrue(ticket.readback_confirmed)
        self.assertEqual(ticket.readback_user_id, self.sales_user)
        self.assertEqual(ticket.team_id, self.team)
        self.assertEqual(ticket.user_id, self.team_manager)
        handoff = ticket.deadline_ids.filtered(lambda d: d.kind == "handoff")
        self.assertEqual(handoff.status, "met")
        self.assertEqual(
            ticket.activity_ids.activity_type_id,
            self.env.ref("customer_quality.mail_activity_type_cq_investigate"),
        )
        self.assertEqual(ticket.activity_ids.user_id, self.team_manager)
        self.assertEqual(self.delivery.cq_ticket_count, 1)

        # 2. Tom (quality officer and department manager) investigates, approves,
        #    replies with the template and records the customer's acceptance.
        self._cq_tour("/odoo", "cq_ticket_handle_tour", login=self.team_manager.login)
        self.assertEqual(ticket.state, "closed")
        self.assertEqual(ticket.cause_category, "our_product")
        self.assertEqual(ticket.root_cause, "Anti-squeal shim missing at assembly.")
        self.assertEqual(
            ticket.proposed_solution, "Replace the 12 calipers free of charge."
        )
        self.assertEqual(ticket.approval_level, "team_manager")
        self.assertEqual(ticket.approved_by_id, self.team_manager)
        self.assertEqual(ticket.customer_acceptance, "accepted")
        self.assertEqual(ticket.acceptance_note, "Thanks for the quick replacement.")
        self.assertTrue(ticket.reply_date)
        self.assertTrue(ticket.closed_date)
        self.assertFalse(ticket.activity_ids, "every step activity is done once closed")

        # the reply went out by email to the customer, written from the template
        reply = ticket.message_ids.filtered(
            lambda m: m.message_type == "comment" and self.customer in m.partner_ids
        )
        self.assertEqual(len(reply), 1)
        self.assertIn("our answer to your feedback", reply.subject)
        self.assertIn(ticket.name, reply.subject)
        self.assertIn("Replace the 12 calipers free of charge.", str(reply.body))
        self.assertEqual(reply.author_id, self.team_manager.partner_id)
        mail = self.env["mail.mail"].sudo().search([("mail_message_id", "=", reply.id)])
        self.assertIn(self.customer, mail.recipient_ids)

        # every deadline was met on time
        self.assertEqual(
            set(ticket.deadline_ids.mapped("kind")),
            {"handoff", "first_reply", "determination", "solution"},
        )
        self.assertEqual(set(ticket.deadline_ids.mapped("status")), {"met"})
        self.assertEqual(ticket.deadline_status, "met")
        self.assertFalse(ticket.is_overdue)
