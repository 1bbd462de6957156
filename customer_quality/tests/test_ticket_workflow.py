import re
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import CqCommon


class CqWorkflowCommon(CqCommon):
    """Helpers that walk a ticket through its steps as the roles would."""

    def _activities(self, ticket, xmlid):
        activity_type = self.env.ref(f"customer_quality.{xmlid}")
        return ticket.sudo().activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type
        )

    def _deadline(self, ticket, kind):
        return ticket.sudo().deadline_ids.filtered(lambda d: d.kind == kind)

    def _to_approval(self, ticket, **values):
        ticket = self._investigated(ticket, **values)
        ticket.action_request_approval()
        return ticket

    def _approved(self, ticket, approver=None, **values):
        ticket = self._to_approval(ticket, **values)
        ticket.with_user(approver or self.team_manager).action_approve()
        return ticket

    def _send_reply(self, ticket, user=None):
        """Reply through the mail composer, as the Reply button does."""
        ticket = ticket.with_user(user or self.officer)
        context = ticket.action_reply()["context"]
        composer = Form(
            self.env["mail.compose.message"]
            .with_user(user or self.officer)
            .with_context(**context)
        )
        composer.save().action_send_mail()
        return ticket

    def _replied(self, ticket, approver=None, **values):
        ticket = self._approved(ticket, approver=approver, **values)
        return self._send_reply(ticket)


@tagged("post_install", "-at_install")
class TestTicketNumbering(CqWorkflowCommon):
    def _seq_number(self, ticket):
        match = re.fullmatch(r"CQ/(\d{4})/(\d{5})", ticket.name)
        self.assertTrue(match, f"{ticket.name} is not a CQ/<year>/NNNNN number")
        return int(match.group(1)), int(match.group(2))

    def test_number_follows_the_year_and_increments(self):
        first = self._ticket()
        second = self._ticket()
        year, number = self._seq_number(first)
        self.assertEqual(year, first.received_date.year)
        self.assertEqual(self._seq_number(second), (year, number + 1))

    def test_second_company_has_its_own_series(self):
        main_first = self._ticket()
        company_b = self.env["res.company"].create({"name": "Acme Quality Subsidiary"})
        customer_b = self.env["res.partner"].create(
            {"name": "Gamma Parts", "company_id": company_b.id}
        )
        Ticket = self.env["cq.ticket"].with_company(company_b)
        values = {
            "partner_id": customer_b.id,
            "subject": "Scratched",
            "channel": "email",
            "company_id": company_b.id,
        }
        b_first = Ticket.create(dict(values))
        b_second = Ticket.create(dict(values))
        main_second = self._ticket()
        year = b_first.received_date.year
        self.assertEqual(
            self._seq_number(b_first), (year, 1), "a new company starts its own series"
        )
        self.assertEqual(self._seq_number(b_second), (year, 2))
        self.assertEqual(
            self._seq_number(main_second)[1],
            self._seq_number(main_first)[1] + 1,
            "the other company's tickets do not consume the main company's numbers",
        )

    def test_copy_gets_a_new_number(self):
        ticket = self._ticket()
        ticket = self._investigated(ticket)
        duplicate = ticket.copy()
        self.assertNotEqual(duplicate.name, ticket.name)
        self.assertEqual(
            self._seq_number(duplicate)[1], self._seq_number(ticket)[1] + 1
        )
        self.assertEqual(duplicate.state, "draft")
        self.assertTrue(duplicate.deadline_ids, "the copy has its own deadlines")
        self.assertFalse(duplicate.deadline_ids.filtered("date_met"))


@tagged("post_install", "-at_install")
class TestTicketWorkflow(CqWorkflowCommon):
    def test_happy_path_by_roles(self):
        with freeze_time("2026-03-09 01:00:00") as frozen:
            self._happy_path(frozen)

    def _happy_path(self, frozen):
        ticket = self._ticket(follow_up_required=True)
        self.assertEqual(ticket.state, "draft")
        self.assertEqual(ticket.create_uid, self.sales_user)
        self.assertTrue(ticket.name.startswith("CQ/"))
        self.assertEqual(
            set(ticket.deadline_ids.mapped("kind")),
            {"handoff", "first_reply", "determination", "solution"},
        )

        # officer hands off: the department's manager becomes responsible and gets
        # an investigation activity
        officer_ticket = ticket.with_user(self.officer)
        officer_ticket.action_submit()
        self.assertEqual(ticket.state, "assigned")
        self.assertEqual(ticket.user_id, self.team_manager)
        self.assertTrue(self._deadline(ticket, "handoff").date_met)
        investigate = self._activities(ticket, "mail_activity_type_cq_investigate")
        self.assertEqual(investigate.user_id, self.team_manager)
        self.assertEqual(
            investigate.date_deadline,
            fields.Datetime.context_timestamp(
                ticket, self._deadline(ticket, "determination").date_deadline
            ).date(),
        )

        officer_ticket.action_start_investigation()
        self.assertEqual(ticket.state, "investigating")
        with self.assertRaisesRegex(UserError, "root cause"):
            officer_ticket.action_request_approval()
        officer_ticket.write(
            {
                "cause_category": "our_product",
                "root_cause": "Shim missing at assembly.",
                "proposed_solution": "Replace the 12 calipers free of charge.",
                "decision_amount": 960.0,
            }
        )
        officer_ticket.action_request_approval()
        self.assertEqual(ticket.state, "to_approve")
        self.assertEqual(ticket.approval_level, "team_manager")
        self.assertEqual(ticket.approver_id, self.team_manager)
        self.assertTrue(self._deadline(ticket, "determination").date_met)
        self.assertFalse(self._activities(ticket, "mail_activity_type_cq_investigate"))
        self.assertEqual(
            self._activities(ticket, "mail_activity_type_cq_approve").user_id,
            self.team_manager,
        )

        # the department manager approves the ordinary decision
        ticket.with_user(self.team_manager).action_approve()
        self.assertEqual(ticket.state, "approved")
        self.assertEqual(ticket.approved_by_id, self.team_manager)
        self.assertTrue(ticket.approved_date)
        self.assertFalse(self._activities(ticket, "mail_activity_type_cq_approve"))
        self.assertEqual(
            self._activities(ticket, "mail_activity_type_cq_reply").user_id,
            self.team_manager,
        )

        # the officer replies through the composer
        before = ticket.message_ids
        self._send_reply(ticket)
        self.assertEqual(ticket.state, "replied")
        self.assertTrue(ticket.reply_date)
        self.assertEqual(ticket.first_reply_date, ticket.reply_date)
        for kind in ("first_reply", "determination", "solution"):
            self.assertTrue(self._deadline(ticket, kind).date_met, kind)
        self.assertFalse(
            self._activities(ticket, "mail_activity_type_cq_reply"),
            "the reply activity is done",
        )
        reply = (ticket.message_ids - before).filtered(
            lambda m: m.message_type == "comment"
        )
        self.assertEqual(len(reply), 1)
        self.assertIn(
            self.contact, reply.partner_ids, "the customer's contact is a recipient"
        )
        self.assertIn("Replace the 12 calipers free of charge.", str(reply.body))
        self.assertIn(ticket.name, reply.subject)
        emailed = reply.notification_ids.filtered(
            lambda n: n.notification_type == "email"
        ).res_partner_id
        self.assertIn(self.contact, emailed, "the customer got the reply by email")

        # the customer accepts: closed, with a follow-up call due within 24 h
        now = datetime(2026, 3, 10, 2, 0)
        frozen.move_to(now)
        officer_ticket.action_customer_accepts()
        self.assertEqual(ticket.state, "closed")
        self.assertEqual(ticket.customer_acceptance, "accepted")
        self.assertEqual(ticket.closed_date, now)
        follow_up = self._activities(ticket, "mail_activity_type_cq_follow_up")
        self.assertEqual(len(follow_up), 1)
        self.assertEqual(follow_up.user_id, ticket.user_id)
        local_now = fields.Datetime.context_timestamp(ticket, now)
        self.assertLessEqual(
            follow_up.date_deadline, (local_now + timedelta(hours=24)).date()
        )
        self.assertEqual(
            ticket.sudo().activity_ids, follow_up, "every other step activity is closed"
        )
        self.assertTrue(officer_ticket.can_follow_up)

        with self.assertRaisesRegex(UserError, "satisfied"):
            officer_ticket.action_record_follow_up(False)
        officer_ticket.action_record_follow_up("satisfied")
        self.assertTrue(ticket.follow_up_date)
        self.assertEqual(ticket.handling_satisfaction, "satisfied")
        self.assertFalse(ticket.sudo().activity_ids)
        self.assertFalse(officer_ticket.can_follow_up)

    def test_no_follow_up_activity_unless_required(self):
        ticket = self._replied(self._ticket())
        ticket.action_customer_accepts()
        self.assertEqual(ticket.state, "closed")
        self.assertFalse(self._activities(ticket, "mail_activity_type_cq_follow_up"))
        with self.assertRaises(UserError):
            ticket.action_record_follow_up("satisfied")
        self.assertFalse(ticket.follow_up_date)

    def test_readback_required_for_oral_channels(self):
        for channel in ("phone", "visit", "field_service"):
            with self.subTest(channel=channel):
                ticket = self._ticket(channel=channel)
                self.assertTrue(ticket.can_confirm_readback)
                with self.assertRaisesRegex(UserError, "复述确认"):
                    ticket.with_user(self.officer).action_submit()
                self.assertEqual(ticket.state, "draft")
                moment = datetime(2026, 3, 5, 3, 0)
                with freeze_time(moment):
                    ticket.with_user(self.sales_user).action_confirm_readback()
                self.assertTrue(ticket.readback_confirmed)
                self.assertEqual(ticket.readback_user_id, self.sales_user)
                self.assertEqual(ticket.readback_date, moment)
                self.assertFalse(ticket.can_confirm_readback)
                with self.assertRaises(UserError):
                    ticket.action_confirm_readback()
                ticket.with_user(self.officer).action_submit()
                self.assertEqual(ticket.state, "assigned")

    def test_written_channels_need_no_readback(self):
        for channel in ("email", "letter", "fax", "portal"):
            with self.subTest(channel=channel):
                ticket = self._ticket(channel=channel)
                ticket.with_user(self.officer).action_submit()
                self.assertEqual(ticket.state, "assigned")
                self.assertFalse(ticket.readback_confirmed)

    def test_handoff_requires_customer_description_and_team(self):
        ticket = self._ticket(
            partner_id=False, contact_id=False, description=False, team_id=False
        )
        with self.assertRaises(UserError) as caught:
            ticket.with_user(self.officer).action_submit()
        message = str(caught.exception)
        for name in ("customer", "what happened", "responsible department"):
            self.assertIn(name, message)
        self.assertEqual(ticket.state, "draft")

        ticket.write(
            {
                "partner_id": self.customer.id,
                "team_id": self.team.id,
                "description": "<p><br></p>",
            }
        )
        with self.assertRaises(UserError) as caught:
            ticket.with_user(self.officer).action_submit()
        message = str(caught.exception)
        self.assertIn("fill in: what happened.", message, "only what is still missing")

        ticket.description = "<p>Rust on the brackets.</p>"
        ticket.with_user(self.officer).action_submit()
        self.assertEqual(ticket.state, "assigned")

    def test_handoff_requires_someone_to_act(self):
        """A department without manager nor members cannot take a ticket: nobody would
        get the investigation activity."""
        empty = self.env["cq.team"].create({"name": "Empty department"})
        ticket = self._ticket(team_id=empty.id)
        with self.assertRaisesRegex(UserError, "responsible person"):
            ticket.with_user(self.officer).action_submit()
        self.assertEqual(ticket.state, "draft")
        ticket.user_id = self.officer
        ticket.with_user(self.officer).action_submit()
        self.assertEqual(ticket.state, "assigned")
        self.assertEqual(ticket.activity_ids.user_id, self.officer)

    def test_state_cannot_be_written(self):
        ticket = self._ticket()
        for user in (self.sales_user, self.quality_manager):
            with self.assertRaisesRegex(UserError, "buttons"):
                ticket.with_user(user).write({"state": "closed"})
        with self.assertRaises(UserError):
            ticket.write({"state": "approved"})
        self.assertEqual(ticket.state, "draft")

    def test_registered_tickets_cannot_be_deleted(self):
        draft = self._ticket()
        registered = self._ticket()
        registered.with_user(self.officer).action_submit()
        with self.assertRaisesRegex(UserError, "never delete"):
            registered.with_user(self.quality_manager).unlink()
        self.assertTrue(registered.exists())
        draft.with_user(self.officer).unlink()
        self.assertFalse(draft.exists())

    def test_only_closed_tickets_can_be_archived(self):
        ticket = self._ticket()
        with self.assertRaisesRegex(UserError, "archived"):
            ticket.with_user(self.officer).action_archive()
        self.assertTrue(ticket.active)
        ticket = self._replied(ticket)
        with self.assertRaises(UserError):
            ticket.action_archive()
        ticket.action_customer_accepts()
        ticket.action_archive()
        self.assertFalse(ticket.active)

    def test_cancelled_ticket_can_be_archived_and_reset(self):
        ticket = self._ticket()
        ticket.with_user(self.officer).action_cancel()
        self.assertEqual(ticket.state, "cancelled")
        ticket.with_user(self.officer).action_archive()
        self.assertFalse(ticket.active)
        with self.assertRaises(AccessError):
            ticket.with_user(self.sales_user).action_reset()
        ticket.with_user(self.officer).action_reset()
        self.assertEqual(ticket.state, "draft")


@tagged("post_install", "-at_install")
class TestTicketApproval(CqWorkflowCommon):
    def _check_ladder(self, ticket, level, approver, refused_users):
        self.assertEqual(ticket.approval_level, level)
        self.assertEqual(ticket.approver_id, approver)
        self.assertEqual(
            self._activities(ticket, "mail_activity_type_cq_approve").user_id, approver
        )
        for user in refused_users:
            self.assertFalse(ticket.with_user(user).can_approve, user.name)
            with self.assertRaises(AccessError):
                ticket.with_user(user).action_approve()
            self.assertEqual(ticket.state, "to_approve")
            self.assertFalse(ticket.approved_by_id)
        self.assertTrue(ticket.with_user(approver).can_approve)
        ticket.with_user(approver).action_approve()
        self.assertEqual(ticket.state, "approved")
        self.assertEqual(ticket.approved_by_id, approver)

    def test_ordinary_decision_by_team_manager(self):
        ticket = self._to_approval(self._ticket(), decision_amount=4999.99)
        self._check_ladder(
            ticket, "team_manager", self.team_manager, [self.officer, self.sales_user]
        )

    def test_quality_manager_from_amount(self):
        ticket = self._to_approval(self._ticket(), decision_amount=5000.0)
        self._check_ladder(
            ticket,
            "quality_manager",
            self.quality_manager,
            [self.officer, self.team_manager],
        )

    def test_general_manager_from_amount(self):
        ticket = self._to_approval(self._ticket(), decision_amount=50000.0)
        self._check_ladder(
            ticket,
            "general_manager",
            self.general_manager,
            [self.team_manager, self.quality_manager],
        )

    def test_general_manager_for_serious_complaint(self):
        ticket = self._to_approval(
            self._ticket(serious_safety=True), decision_amount=100.0
        )
        self._check_ladder(
            ticket,
            "general_manager",
            self.general_manager,
            [self.team_manager, self.quality_manager],
        )

    def test_refusal_needs_a_note_and_returns_to_investigation(self):
        ticket = self._to_approval(self._ticket())
        manager_ticket = ticket.with_user(self.team_manager)
        with self.assertRaisesRegex(UserError, "approval note"):
            manager_ticket.action_reject("  ")
        self.assertEqual(ticket.state, "to_approve")
        with self.assertRaises(AccessError):
            ticket.with_user(self.officer).action_reject(
                "The officer would rather not."
            )
        self.assertEqual(ticket.state, "to_approve")
        self.assertFalse(ticket.approval_note)
        manager_ticket.action_reject("Replacing is too generous: offer a credit note.")
        self.assertEqual(
            ticket.approval_note, "Replacing is too generous: offer a credit note."
        )
        self.assertEqual(ticket.state, "investigating")
        self.assertFalse(self._activities(ticket, "mail_activity_type_cq_approve"))
        investigate = self._activities(ticket, "mail_activity_type_cq_investigate")
        self.assertEqual(investigate.user_id, ticket.user_id)
        self.assertIn("credit note", str(investigate.note))
        # a new request clears the old note and goes to approval again
        ticket.with_user(self.officer).action_request_approval()
        self.assertEqual(ticket.state, "to_approve")
        self.assertFalse(ticket.approval_note)

    def test_no_reply_before_approval(self):
        ticket = self._ticket()
        for step in ("draft", "investigating", "to_approve"):
            if step == "investigating":
                ticket = self._investigated(ticket)
            elif step == "to_approve":
                ticket.action_request_approval()
            with self.subTest(state=step):
                self.assertEqual(ticket.state, step)
                self.assertFalse(ticket.can_reply)
                with self.assertRaisesRegex(UserError, "approved"):
                    ticket.action_reply()
                count = len(ticket.message_ids)
                with self.assertRaisesRegex(UserError, "approved"):
                    ticket.with_context(cq_mark_replied=True).message_post(
                        body="We will replace everything.", message_type="comment"
                    )
                ticket.invalidate_recordset()
                self.assertEqual(len(ticket.message_ids), count, "nothing was written")
                self.assertEqual(ticket.state, step)
                self.assertFalse(ticket.reply_date)
        ticket.with_user(self.team_manager).action_approve()
        self.assertTrue(ticket.can_reply)
        ticket.with_context(cq_mark_replied=True).message_post(
            body="Approved answer.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertEqual(ticket.state, "replied")


@tagged("post_install", "-at_install")
class TestTicketRecusal(CqWorkflowCommon):
    def test_complained_user_cannot_be_responsible(self):
        with self.assertRaises(ValidationError):
            self.env["cq.ticket"].create(
                {
                    "partner_id": self.customer.id,
                    "subject": "Rude driver",
                    "channel": "email",
                    "team_id": self.team.id,
                    "complained_user_ids": [Command.set(self.officer.ids)],
                    "user_id": self.officer.id,
                }
            )
        ticket = self._ticket(
            user=self.quality_manager,
            complained_user_ids=[Command.set(self.officer.ids)],
        )
        with self.assertRaises(ValidationError):
            ticket.user_id = self.officer
        ticket.user_id = self.team_manager
        with self.assertRaises(ValidationError):
            ticket.complained_user_ids = [Command.link(self.team_manager.id)]

    def test_default_responsible_skips_complained_users(self):
        ticket = self._ticket(
            user=self.quality_manager,
            complained_user_ids=[Command.set(self.team_manager.ids)],
        )
        ticket.with_user(self.quality_manager).action_submit()
        self.assertEqual(ticket.user_id, self.officer)

    def test_complained_quality_manager_cannot_approve(self):
        # recusal holds whatever the group: the quality manager a complaint is
        # about cannot even record it, it would be hers to see
        with self.assertRaises(AccessError):
            self._ticket(
                user=self.quality_manager,
                complained_user_ids=[Command.set(self.quality_manager.ids)],
            )
        ticket = self._ticket(
            user=self.officer,
            complained_user_ids=[Command.set(self.quality_manager.ids)],
        )
        ticket.with_user(self.officer).action_submit()
        self.assertEqual(ticket.user_id, self.team_manager)
        ticket = ticket.with_user(self.team_manager)
        ticket.action_start_investigation()
        ticket.write(
            {
                "cause_category": "our_service",
                "root_cause": "Wrong advice given by the quality manager.",
                "proposed_solution": "Credit note.",
                "decision_amount": 6000.0,
            }
        )
        self.assertEqual(ticket.approval_level, "quality_manager")
        self.assertEqual(
            ticket.approver_id, self.general_manager, "the decision goes one level up"
        )
        ticket.action_request_approval()
        self.assertEqual(
            self._activities(ticket, "mail_activity_type_cq_approve").user_id,
            self.general_manager,
        )
        qm_ticket = ticket.with_user(self.quality_manager)
        self.assertFalse(qm_ticket.search([("id", "=", ticket.id)]))
        with self.assertRaises(AccessError):
            qm_ticket.action_approve()
        self.assertEqual(ticket.state, "to_approve")
        ticket.with_user(self.general_manager).action_approve()
        self.assertEqual(ticket.state, "approved")

    def test_management_sees_what_it_decides_but_never_complaints_about_itself(self):
        ordinary = self._ticket()
        about_gm = self._ticket(
            user=self.quality_manager,
            complained_user_ids=[Command.set(self.general_manager.ids)],
            user_id=self.team_manager.id,
        )
        about_officer = self._ticket(
            user=self.quality_manager,
            complained_user_ids=[Command.set(self.officer.ids)],
            user_id=self.team_manager.id,
        )
        tickets = ordinary | about_gm | about_officer

        def visible(user):
            Ticket = self.env["cq.ticket"].with_user(user)
            return Ticket.search([("id", "in", tickets.ids)])

        self.assertEqual(visible(self.general_manager), ordinary | about_officer)
        self.assertEqual(visible(self.management_rep), ordinary)
        with self.assertRaises(AccessError):
            about_gm.with_user(self.general_manager).read(["subject"])
        deadlines = self.env["cq.ticket.deadline"].with_user(self.general_manager)
        self.assertFalse(deadlines.search([("ticket_id", "=", about_gm.id)]))
        self.assertTrue(deadlines.search([("ticket_id", "=", ordinary.id)]))


@tagged("post_install", "-at_install")
class TestTicketAcceptance(CqWorkflowCommon):
    def test_customer_not_satisfied_reopens(self):
        ticket = self._replied(self._ticket())
        with self.assertRaisesRegex(UserError, "not satisfied"):
            ticket.action_customer_refuses("")
        self.assertEqual(ticket.state, "replied")
        ticket.action_customer_refuses("Wants a refund, not a replacement.")
        self.assertEqual(ticket.acceptance_note, "Wants a refund, not a replacement.")
        self.assertEqual(ticket.state, "investigating")
        self.assertEqual(ticket.reopen_count, 1)
        self.assertEqual(ticket.customer_acceptance, "refused")
        self.assertFalse(ticket.approved_by_id)
        investigate = self._activities(ticket, "mail_activity_type_cq_investigate")
        self.assertEqual(len(investigate), 1)
        self.assertEqual(investigate.user_id, ticket.user_id)
        self.assertIn("refund", ticket.message_ids[0].body)
        # the way back goes through approval again before a new reply
        with self.assertRaises(UserError):
            ticket.action_reply()
        ticket.action_request_approval()
        ticket.with_user(self.team_manager).action_approve()
        self._send_reply(ticket)
        ticket.action_customer_accepts()
        self.assertEqual(ticket.state, "closed")
        self.assertEqual(ticket.reopen_count, 1)

    def test_serious_ticket_needs_corrective_action_to_close(self):
        ticket = self._replied(
            self._ticket(serious_repeated=True), approver=self.general_manager
        )
        with self.assertRaisesRegex(UserError, "corrective action"):
            ticket.action_customer_accepts()
        self.assertEqual(ticket.state, "replied")
        # the whole gate, with the corrective action: test_capa_workflow

    def test_general_ticket_closes_without_corrective_action(self):
        ticket = self._replied(self._ticket())
        ticket.action_customer_accepts()
        self.assertEqual(ticket.state, "closed")

    def test_reopen_closed_ticket(self):
        ticket = self._replied(self._ticket())
        ticket.action_customer_accepts()
        ticket.action_reopen()
        self.assertEqual(ticket.state, "investigating")
        self.assertEqual(ticket.reopen_count, 1)
        self.assertFalse(ticket.closed_date)


@tagged("post_install", "-at_install")
class TestTicketSeverity(CqWorkflowCommon):
    def test_each_criterion_makes_it_serious(self):
        self.assertEqual(self._ticket().severity, "general")
        for criterion in (
            "serious_safety",
            "serious_compensation",
            "serious_external",
            "serious_repeated",
            "serious_authority",
            "serious_batch_return",
        ):
            with self.subTest(criterion=criterion):
                ticket = self._ticket(**{criterion: True})
                self.assertEqual(ticket.severity_computed, "serious")
                self.assertEqual(ticket.severity, "serious")

    def test_loss_above_threshold(self):
        self.assertEqual(
            self._ticket(loss_amount=10000.0).severity,
            "general",
            "at the threshold: general",
        )
        ticket = self._ticket(loss_amount=10000.01)
        self.assertEqual(ticket.severity, "serious")

    def test_override_only_by_quality_manager_with_reason(self):
        ticket = self._ticket(serious_safety=True)
        with self.assertRaises(AccessError):
            ticket.with_user(self.officer).action_override_severity(
                "general", "Cosmetic only."
            )
        # not by writing the fields either, whoever writes them
        for user in (self.officer, self.quality_manager):
            with self.assertRaises(UserError):
                ticket.with_user(user).write(
                    {
                        "severity_override": "general",
                        "severity_override_reason": "Cosmetic only.",
                    }
                )
        with self.assertRaises(UserError):
            self._ticket(
                user=self.officer,
                severity_override="serious",
                severity_override_reason="Big customer.",
            )
        self.assertEqual(ticket.severity, "serious")
        self.assertTrue(ticket.with_user(self.quality_manager).can_override_severity)
        self.assertFalse(ticket.with_user(self.officer).can_override_severity)
        manager_ticket = ticket.with_user(self.quality_manager)
        for reason in (False, "   "):
            with self.assertRaises(UserError):
                manager_ticket.action_override_severity("general", reason)
        manager_ticket.action_override_severity(
            "general", "Safety checked: cosmetic only."
        )
        self.assertEqual(ticket.severity_computed, "serious")
        self.assertEqual(ticket.severity, "general")
        # back to the criteria
        manager_ticket.action_override_severity(False, False)
        self.assertEqual(ticket.severity, "serious")
        self.assertFalse(ticket.severity_override_reason)

    def _serious_messages(self, ticket):
        subtype = self.env.ref("customer_quality.mt_cq_ticket_serious")
        return ticket.message_ids.filtered(lambda m: m.subtype_id == subtype)

    def test_serious_notifies_management_once(self):
        ticket = self._ticket(serious_safety=True)
        partners = (self.management_rep | self.general_manager).partner_id
        self.assertLessEqual(partners, ticket.message_partner_ids)
        message = self._serious_messages(ticket)
        self.assertEqual(len(message), 1)
        self.assertEqual(message.partner_ids, partners)
        self.assertTrue(ticket.serious_notified)
        ticket.write({"serious_external": True, "loss_amount": 99999.0})
        ticket.with_user(self.officer).action_submit()
        self.assertEqual(
            len(self._serious_messages(ticket)), 1, "notified exactly once"
        )

    def test_general_ticket_notifies_when_it_becomes_serious(self):
        ticket = self._ticket()
        self.assertFalse(self._serious_messages(ticket))
        self.assertNotIn(self.general_manager.partner_id, ticket.message_partner_ids)
        ticket.loss_amount = 20000.0
        self.assertEqual(len(self._serious_messages(ticket)), 1)
        self.assertIn(self.general_manager.partner_id, ticket.message_partner_ids)
        ticket.serious_safety = True
        self.assertEqual(len(self._serious_messages(ticket)), 1)
