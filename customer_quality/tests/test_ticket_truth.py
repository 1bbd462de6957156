"""Tickets keep telling the truth over time and whoever writes to them: the
customer's new dissatisfaction has a clock, severity follows the company's
threshold while the ticket is open, months are the company's, the handling is
changed by whoever handles it, and bad input is refused for what it is."""

from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import CqCommon


@tagged("post_install", "-at_install")
class TestTicketTruth(CqCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls._cq_shanghai_calendar()

    def _replied(self, **values):
        ticket = self._investigated(self._ticket(**values))
        ticket.action_request_approval()
        ticket.with_user(self.team_manager).action_approve()
        ticket._cq_after_reply()
        return ticket

    # ------------------------------------------------------------------
    # Reopening
    # ------------------------------------------------------------------
    def test_reopened_ticket_gets_new_deadlines_from_the_reopening(self):
        with freeze_time("2026-03-02 01:00:00"):  # Monday 09:00 in Shanghai
            ticket = self._replied()
            ticket.action_customer_accepts()
        first_round = ticket.deadline_ids
        self.assertTrue(all(first_round.mapped("date_met")))
        self.assertEqual(ticket.deadline_status, "met")
        with freeze_time("2026-03-16 01:00:00"):  # two weeks later
            ticket.action_reopen()
        self.assertEqual(ticket.reopen_count, 1)
        self.assertEqual(ticket.reopened_date, datetime(2026, 3, 16, 1, 0))
        new_round = ticket.deadline_ids - first_round
        self.assertEqual(
            set(new_round.mapped("kind")), {"first_reply", "determination", "solution"}
        )
        self.assertEqual(set(new_round.mapped("round")), {1})
        self.assertFalse(any(new_round.mapped("date_met")))
        for deadline in new_round:
            self.assertGreater(deadline.date_deadline, datetime(2026, 3, 16, 1, 0))
        # the first round is kept as it was met
        self.assertTrue(all(first_round.exists().mapped("date_met")))
        self.assertEqual(ticket.deadline_status, "on_time")
        self.assertEqual(ticket.date_deadline, min(new_round.mapped("date_deadline")))
        # the investigation activity is due with the new determination deadline
        activity = ticket.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("customer_quality.mail_activity_type_cq_investigate")
            )
        )
        determination = new_round.filtered(lambda d: d.kind == "determination")
        self.assertEqual(
            activity.date_deadline,
            determination.date_deadline.date(),
        )
        # the next reply meets the new round's deadlines
        ticket.action_request_approval()
        self.assertTrue(determination.date_met)

    def test_customer_not_satisfied_starts_a_new_round(self):
        ticket = self._replied()
        ticket.action_customer_refuses("The squeal is still there.")
        self.assertEqual(ticket.state, "investigating")
        self.assertEqual(
            set(ticket.deadline_ids.filtered(lambda d: d.round == 1).mapped("kind")),
            {"first_reply", "determination", "solution"},
        )

    # ------------------------------------------------------------------
    # Severity follows the threshold while the ticket is open
    # ------------------------------------------------------------------
    def test_threshold_change_reevaluates_open_tickets_only(self):
        open_ticket = self._ticket(loss_amount=8000.0)
        closed = self._replied(loss_amount=8000.0)
        closed.action_customer_accepts()
        self.assertEqual(open_ticket.severity, "general")
        self.assertEqual(closed.severity, "general")
        self.company.cq_serious_loss_amount = 5000.0
        self.assertEqual(open_ticket.severity, "serious")
        self.assertTrue(open_ticket.serious_notified)
        self.assertEqual(closed.severity, "general", "handled as general: stays so")
        self.company.cq_serious_loss_amount = 10000.0
        self.assertEqual(open_ticket.severity, "general")

    # ------------------------------------------------------------------
    # Months are the company's
    # ------------------------------------------------------------------
    def test_monthly_review_counts_by_local_month(self):
        review = self.env.ref("customer_quality.mail_activity_type_cq_review")
        # 1 March 2026, 07:00 in Shanghai = 28 February, 23:00 UTC
        self.env["cq.ticket"].create(
            dict(self._ticket_values(), received_date=datetime(2026, 2, 28, 23, 0))
        )
        with freeze_time("2026-04-01 02:00:00"):  # Wednesday 1 April, 10:00
            self.env["cq.ticket"]._cron_monthly_review()
        activity = self.env["mail.activity"].search(
            [
                ("res_model", "=", "cq.team"),
                ("res_id", "=", self.team.id),
                ("activity_type_id", "=", review.id),
            ]
        )
        self.assertIn("2026-03", activity.summary)
        self.assertIn("1 tickets", activity.summary)

    def test_monthly_review_on_the_local_first_working_day(self):
        review = self.env.ref("customer_quality.mail_activity_type_cq_review")
        # Wednesday 1 April 07:00 in Shanghai is still 31 March in UTC
        with freeze_time("2026-03-31 23:00:00"):
            self.env["cq.ticket"]._cron_monthly_review()
        self.assertTrue(
            self.env["mail.activity"].search_count(
                [("res_model", "=", "cq.team"), ("activity_type_id", "=", review.id)]
            )
        )
        self.assertEqual(self.company.cq_reviewed_on.isoformat(), "2026-04-01")

    # ------------------------------------------------------------------
    # Who changes the handling
    # ------------------------------------------------------------------
    def test_only_the_handler_changes_the_investigation(self):
        ticket = self._investigated(self._ticket())
        seller = ticket.with_user(self.sales_user)  # the recorder, not the handler
        self.assertTrue(seller.search([("id", "=", ticket.id)]))
        for vals in (
            {"decision_amount": 10.0},
            {"root_cause": "Not ours"},
            {"proposed_solution": "Nothing"},
            {"user_id": self.sales_user.id},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                seller.write(vals)
        with self.assertRaises(AccessError):
            seller.action_put_pending("Because")
        self.assertFalse(seller.can_put_pending)
        self.assertEqual(ticket.decision_amount, 960.0)
        self.assertFalse(ticket.pending)
        # the officer handles it
        ticket.write({"decision_amount": 900.0})
        self.assertEqual(ticket.decision_amount, 900.0)

    def test_decision_frozen_while_it_waits_for_approval(self):
        ticket = self._investigated(self._ticket())
        ticket.action_request_approval()
        self.assertEqual(ticket.approval_level, "team_manager")
        for vals in ({"decision_amount": 100000.0}, {"root_cause": "Another"}):
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(UserError, "back to investigation"),
            ):
                ticket.write(vals)
        self.assertEqual(ticket.decision_amount, 960.0)
        # refusing the decision opens it again
        ticket.with_user(self.team_manager).action_reject("Check the lot first.")
        ticket.write({"decision_amount": 100000.0})
        self.assertEqual(ticket.approval_level, "general_manager")

    def test_pending_ledger_by_the_handler(self):
        ticket = self._investigated(self._ticket())
        ticket.action_put_pending("Waiting for the customer's test bench.")
        self.assertTrue(ticket.pending)
        self.assertTrue(ticket.pending_since)
        with self.assertRaises(AccessError):
            ticket.with_user(self.sales_user).action_remove_pending()
        ticket.action_remove_pending()
        self.assertFalse(ticket.pending)

    # ------------------------------------------------------------------
    # Recusal, whatever the group
    # ------------------------------------------------------------------
    def test_recusal_holds_for_a_quality_manager(self):
        """The quality manager a complaint is about neither sees, writes, deletes
        it nor its deadlines; another quality manager or the general manager
        decides."""
        ticket = self._ticket(
            user=self.officer,
            complained_user_ids=[(6, 0, self.quality_manager.ids)],
        )
        mine = ticket.with_user(self.quality_manager)
        self.assertFalse(mine.search([("id", "=", ticket.id)]))
        self.assertFalse(
            self.env["cq.ticket.deadline"]
            .with_user(self.quality_manager)
            .search([("ticket_id", "=", ticket.id)])
        )
        self.assertTrue(ticket.deadline_ids)
        with self.assertRaises(AccessError):
            mine.read(["subject"])
        with self.assertRaises(AccessError):
            mine.write({"subject": "Nothing happened"})
        with self.assertRaises(AccessError):
            ticket.deadline_ids.with_user(self.quality_manager).write(
                {"date_deadline": datetime(2030, 1, 1)}
            )
        with self.assertRaises(AccessError):
            mine.unlink()
        self.assertTrue(ticket.exists())
        self.assertEqual(ticket.subject, "Calipers squeal")

    def test_nobody_left_to_decide(self):
        """A serious complaint about the general manager: nobody above may
        approve it, and the error says so."""
        ticket = self._investigated(
            self._ticket(
                user=self.officer,
                serious_safety=True,
                complained_user_ids=[(6, 0, self.general_manager.ids)],
            )
        )
        self.assertEqual(ticket.approval_level, "general_manager")
        with self.assertRaisesRegex(UserError, "Nobody can approve"):
            ticket.action_request_approval()
        self.assertEqual(ticket.state, "investigating")

    # ------------------------------------------------------------------
    # Bad input, refused for what it is
    # ------------------------------------------------------------------
    def test_subject_length(self):
        with self.assertRaisesRegex(ValidationError, "200 characters"):
            self._ticket(subject="x" * 201)
        ticket = self._ticket(subject="x" * 200)
        # assertRaises (not ...Regex) rolls back to a savepoint, as a request would
        with self.assertRaises(ValidationError) as refused:
            ticket.subject = "y" * 100000
        self.assertIn("200 characters", str(refused.exception))
        ticket.invalidate_recordset()
        self.assertEqual(ticket.subject, "x" * 200)

    def test_long_email_subject_is_cut(self):
        subject = "Re: " + "brake " * 20000
        ticket = self.env["cq.ticket"].message_new(
            {
                "subject": subject,
                "body": "<p>The calipers squeal.</p>",
                "email_from": "li.wei@acme.example.com",
                "author_id": self.contact.id,
            }
        )
        self.assertEqual(len(ticket.subject), 200)
        self.assertTrue(ticket.subject.endswith("…"))
        self.assertTrue(ticket.subject.startswith("Re: brake brake"))

    def test_closed_ticket_is_not_answered_again(self):
        ticket = self._replied()
        ticket.action_customer_accepts()
        with self.assertRaisesRegex(UserError, "answered already"):
            ticket.action_reply()
        with self.assertRaisesRegex(UserError, "answered already"):
            ticket.with_context(cq_mark_replied=True).message_post(body="Again")

    def test_an_internal_note_answers_nobody(self):
        """The reply step is completed by a message to the customer, whatever
        context key the caller sends with an internal note."""
        ticket = self._investigated(self._ticket())
        ticket.action_request_approval()
        ticket.with_user(self.team_manager).action_approve()
        count = len(ticket.message_ids)
        with self.assertRaises(UserError):
            ticket.with_context(cq_mark_replied=True).message_post(
                body="We will replace everything.", subtype_xmlid="mail.mt_note"
            )
        ticket.invalidate_recordset()
        self.assertEqual(ticket.state, "approved")
        self.assertEqual(len(ticket.message_ids), count, "nothing was written")
        ticket.with_context(cq_mark_replied=True).message_post(
            body="We replace the 12 calipers.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertEqual(ticket.state, "replied")

    def test_deadlines_are_the_workflows(self):
        """Nobody writes when a deadline was met or escalated: the steps do."""
        ticket = self._ticket()
        deadline = ticket.deadline_ids[:1]
        for user in (self.officer, self.quality_manager):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                deadline.with_user(user).write({"date_met": datetime(2026, 1, 5)})
        self.assertFalse(deadline.date_met)

    def test_step_values_are_checked(self):
        ticket = self._ticket(serious_safety=True)
        with self.assertRaisesRegex(UserError, "general or serious"):
            ticket.with_user(self.quality_manager).action_override_severity(
                "catastrophic", "Because."
            )
        closed = self._replied()
        closed.write({"follow_up_required": True})
        closed.action_customer_accepts()
        with self.assertRaisesRegex(UserError, "satisfied"):
            closed.action_record_follow_up("ecstatic")
        self.assertFalse(closed.follow_up_date)

    def test_lot_not_on_the_delivery(self):
        stranger = self.env["stock.lot"].create(
            {"name": "LOT-NEVER-SHIPPED", "product_id": self.product.id}
        )
        with self.assertRaisesRegex(
            ValidationError,
            f"Lot LOT-NEVER-SHIPPED was not delivered on {self.delivery.name}",
        ):
            self._ticket(
                picking_id=self.delivery.id,
                product_id=self.product.id,
                lot_id=stranger.id,
                defective_qty=2,
            )
