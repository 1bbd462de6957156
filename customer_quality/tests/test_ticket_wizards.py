"""What a user types before a step is asked by a wizard, opened by the step's
button; the ticket's action takes it as an argument and keeps it as history.
Each wizard is driven through Form from the action its button returns, as the
web client would."""

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import CqCommon


@tagged("post_install", "-at_install")
class TestTicketWizards(CqCommon):
    def _wizard(self, ticket, opener, user):
        """The wizard's form, opened as ``user`` by the button ``opener``."""
        action = getattr(ticket.with_user(user), opener)()
        self.assertEqual(action["target"], "new")
        Wizard = self.env[action["res_model"]].with_user(user)
        return Form(Wizard.with_context(**action["context"]))

    def _to_approval(self):
        ticket = self._investigated(self._ticket())
        ticket.action_request_approval()
        return ticket

    def _replied(self):
        ticket = self._to_approval()
        ticket.with_user(self.team_manager).action_approve()
        ticket._cq_after_reply()
        return ticket

    def test_refuse_the_decision(self):
        ticket = self._to_approval()
        with self.assertRaises(AccessError):
            ticket.with_user(self.officer).action_open_reject()
        form = self._wizard(ticket, "action_open_reject", self.team_manager)
        form.reason = "Offer a credit note rather than a replacement."
        form.save().action_confirm()
        self.assertEqual(ticket.state, "investigating")
        self.assertEqual(
            ticket.approval_note, "Offer a credit note rather than a replacement."
        )
        # the wizard cannot be confirmed a second time: the step is gone
        with self.assertRaises(UserError):
            ticket.with_user(self.team_manager).action_open_reject()

    def test_customer_accepts(self):
        ticket = self._replied()
        form = self._wizard(ticket, "action_open_answer", self.officer)
        self.assertEqual(form.answer, "accepted")
        form.note = "Mr Li thanks us for the quick replacement."
        form.save().action_confirm()
        self.assertEqual(ticket.state, "closed")
        self.assertEqual(ticket.customer_acceptance, "accepted")
        self.assertEqual(
            ticket.acceptance_note, "Mr Li thanks us for the quick replacement."
        )

    def test_customer_not_satisfied(self):
        ticket = self._replied()
        form = self._wizard(
            ticket.with_context(default_answer="refused"),
            "action_open_answer",
            self.officer,
        )
        self.assertEqual(form.answer, "refused")
        form.note = "Wants a refund, not a replacement."
        form.save().action_confirm()
        self.assertEqual(ticket.state, "investigating")
        self.assertEqual(ticket.reopen_count, 1)
        self.assertEqual(ticket.acceptance_note, "Wants a refund, not a replacement.")
        # without saying with what, over RPC: refused, nothing changes
        other = self._replied()
        with self.assertRaises(ValidationError):
            self.env["cq.ticket.answer.wizard"].with_user(self.officer).create(
                {"ticket_id": other.id, "answer": "refused"}
            )
        self.assertEqual(other.state, "replied")

    def test_only_the_handler_records_the_answer(self):
        ticket = self._replied()
        with self.assertRaises(AccessError):
            ticket.with_user(self.sales_user).action_open_answer()
        wizard = (
            self.env["cq.ticket.answer.wizard"]
            .with_user(self.sales_user)
            .create({"ticket_id": ticket.id, "answer": "accepted"})
        )
        with self.assertRaises(AccessError):
            wizard.action_confirm()
        self.assertEqual(ticket.state, "replied")

    def test_pending_ledger(self):
        ticket = self._investigated(self._ticket())
        form = self._wizard(ticket, "action_open_pending", self.officer)
        form.reason = "Waiting for the customer's winter road test."
        form.save().action_confirm()
        self.assertTrue(ticket.pending)
        self.assertEqual(
            ticket.pending_reason, "Waiting for the customer's winter road test."
        )
        with self.assertRaises(AccessError):
            ticket.with_user(self.sales_user).action_open_pending()

    def test_severity_override(self):
        ticket = self._ticket(serious_safety=True)
        with self.assertRaises(AccessError):
            ticket.with_user(self.officer).action_open_severity_override()
        form = self._wizard(
            ticket, "action_open_severity_override", self.quality_manager
        )
        self.assertEqual(form.severity_computed, "serious")
        form.level = "general"
        form.reason = "Checked on site: no safety risk."
        form.save().action_confirm()
        self.assertEqual(ticket.severity, "general")
        self.assertEqual(
            ticket.severity_override_reason, "Checked on site: no safety risk."
        )
        # reopened on the current override, emptied: back to the criteria
        form = self._wizard(
            ticket, "action_open_severity_override", self.quality_manager
        )
        self.assertEqual(form.level, "general")
        form.level = False
        form.save().action_confirm()
        self.assertEqual(ticket.severity, "serious")
        self.assertFalse(ticket.severity_override)

    def test_follow_up_call(self):
        ticket = self._investigated(self._ticket(), follow_up_required=True)
        ticket.action_request_approval()
        ticket.with_user(self.team_manager).action_approve()
        ticket._cq_after_reply()
        ticket.action_customer_accepts()
        form = self._wizard(ticket, "action_open_follow_up", self.officer)
        form.satisfaction = "dissatisfied"
        form.note = "Still waiting for the credit note."
        form.save().action_confirm()
        self.assertTrue(ticket.follow_up_date)
        self.assertEqual(ticket.handling_satisfaction, "dissatisfied")
        self.assertEqual(ticket.follow_up_note, "Still waiting for the credit note.")
        with self.assertRaises(UserError):
            ticket.with_user(self.officer).action_open_follow_up()
        # the form shows it read-only: the server says so too
        with self.assertRaisesRegex(UserError, "no longer changes"):
            ticket.with_user(self.officer).follow_up_required = False
        self.assertTrue(ticket.follow_up_required)
