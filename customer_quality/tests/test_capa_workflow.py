"""Corrective actions (8D / CAPA): the form they follow, their steps and what
each step needs, action lines that are their owners' activities, and the
effectiveness that someone else than the owners verifies before they close."""

import ast
from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import CqCommon
from .test_ticket_workflow import CqWorkflowCommon


class CqCapaCommon(CqCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Capa = cls.env["cq.capa"]

    def _capa(self, user=None, **values):
        vals = {
            "title": "Calipers squeal",
            "partner_id": self.customer.id,
            "product_id": self.product.id,
            "description": "<p>12 calipers of lot LOT-2026-001 squeal.</p>",
            "leader_id": self.officer.id,
        }
        vals.update(values)
        return self.Capa.with_user(user or self.officer).create(vals)

    def _line(self, capa, kind, user=None, **values):
        vals = {
            "capa_id": capa.id,
            "kind": kind,
            "name": f"{kind} action",
            "user_id": (user or self.officer).id,
            "date_deadline": date(2030, 1, 10),
        }
        vals.update(values)
        return self.env["cq.capa.action"].with_user(self.officer).create(vals)

    def _cause(self, capa, kind="occurrence", **values):
        return (
            self.env["cq.capa.cause"]
            .with_user(self.officer)
            .create(
                {"capa_id": capa.id, "kind": kind, "name": f"{kind} cause", **values}
            )
        )

    def _in_analysis(self, capa, owner=None):
        capa = capa.with_user(self.officer)
        capa.action_start_containment()
        self._line(capa, "containment", user=owner, qty_checked=10, qty_nonconforming=2)
        capa.action_start_analysis()
        return capa

    def _implemented(self, capa, owner=None):
        """Through analysis with causes and actions, every action done by
        ``owner``; the verification is asked for."""
        owner = owner or self.sales_user
        capa = self._in_analysis(capa, owner=owner)
        occurrence = self._cause(capa, "occurrence")
        detection = self._cause(capa, "detection")
        self._line(capa, "corrective", user=owner, cause_id=occurrence.id)
        self._line(capa, "corrective", user=owner, cause_id=detection.id)
        capa.action_start_implementation()
        capa.action_ids.with_user(owner).action_done("Done, see report R-1.")
        capa.effectiveness_method = "deliveries"
        capa.action_request_verification()
        return capa

    def _8d(self, **values):
        self.customer.cq_requires_8d = True
        return self._capa(member_ids=[Command.set(self.warehouse_user.ids)], **values)


@tagged("post_install", "-at_install")
class TestCapaForm(CqCapaCommon):
    def test_short_capa_for_a_general_complaint(self):
        ticket = self._ticket()
        capa = self._capa(ticket_ids=[Command.set(ticket.ids)])
        self.assertEqual(capa.form_type, "short")
        self.assertRegex(capa.name, r"^CAPA/\d{4}/\d{5}$")

    def test_8d_for_a_serious_complaint(self):
        ticket = self._ticket(serious_safety=True)
        self.assertEqual(ticket.severity, "serious")
        capa = self._capa(ticket_ids=[Command.set(ticket.ids)])
        self.assertEqual(capa.form_type, "8d")
        with self.assertRaisesRegex(ValidationError, "serious complaint"):
            capa.form_type = "short"

    def test_8d_when_the_customer_requires_it(self):
        self.customer.cq_requires_8d = True
        capa = self._capa()
        self.assertEqual(capa.form_type, "8d")
        with self.assertRaisesRegex(ValidationError, "requires 8D"):
            capa.form_type = "short"

    def test_switching_form_keeps_what_was_entered(self):
        capa = self._capa(problem_where="Line 3", customer_reference="8D-77")
        capa.form_type = "8d"
        capa.form_type = "short"
        capa.form_type = "8d"
        self.assertEqual(capa.problem_where, "Line 3")
        self.assertEqual(capa.customer_reference, "8D-77")

    def test_a_later_serious_complaint_makes_it_8d(self):
        capa = self._capa()
        self.assertEqual(capa.form_type, "short")
        capa.ticket_ids = [Command.link(self._ticket(serious_safety=True).id)]
        self.assertEqual(capa.form_type, "8d")

    def test_supplier_request_names_the_supplier(self):
        with self.assertRaisesRegex(ValidationError, "names the supplier"):
            self._capa(capa_type="supplier")


@tagged("post_install", "-at_install")
class TestCapaSteps(CqCapaCommon):
    def test_8d_needs_the_problem_and_the_team(self):
        self.customer.cq_requires_8d = True
        capa = self._capa(description=False)
        with self.assertRaisesRegex(UserError, "what the problem is.*team members"):
            capa.action_start_containment()
        self.assertEqual(capa.state, "draft")
        capa.write(
            {
                "description": "<p>Squeal</p>",
                "member_ids": [Command.set(self.warehouse_user.ids)],
            }
        )
        capa.action_start_containment()
        self.assertEqual(capa.state, "containment")

    def test_containment_before_analysis(self):
        capa = self._capa()
        capa.action_start_containment()
        with self.assertRaisesRegex(UserError, "containment action"):
            capa.action_start_analysis()
        line = self._line(
            capa, "containment", location="stock", qty_checked=50, qty_nonconforming=4
        )
        self._line(capa, "containment", location="customer", qty_checked=30)
        self.assertEqual(capa.containment_qty_checked, 80)
        self.assertEqual(capa.containment_qty_nonconforming, 4)
        capa.action_start_analysis()
        self.assertEqual(capa.state, "analysis")
        self.assertEqual(line.state, "open", "containment goes on during the analysis")

    def test_8d_needs_both_root_causes_and_an_action_for_each(self):
        capa = self._in_analysis(self._8d())
        occurrence = self._cause(capa, "occurrence")
        with self.assertRaisesRegex(UserError, "not detected.*permanent corrective"):
            capa.action_start_implementation()
        detection = self._cause(capa, "detection")
        action = self._line(capa, "corrective")
        with self.assertRaisesRegex(UserError, "the root cause each action removes"):
            capa.action_start_implementation()
        action.cause_id = occurrence
        with self.assertRaisesRegex(UserError, "removing each root cause.*detection"):
            capa.action_start_implementation()
        self._line(capa, "corrective", cause_id=detection.id)
        capa.action_start_implementation()
        self.assertEqual(capa.state, "implementation")

    def test_short_capa_needs_one_root_cause(self):
        capa = self._in_analysis(self._capa())
        cause = self._cause(capa, "occurrence")
        self._line(capa, "corrective", cause_id=cause.id)
        capa.action_start_implementation()
        self.assertEqual(capa.state, "implementation")

    def test_verification_needs_every_action_done_and_a_plan(self):
        capa = self._in_analysis(self._capa())
        cause = self._cause(capa)
        corrective = self._line(capa, "corrective", cause_id=cause.id)
        capa.action_start_implementation()
        with self.assertRaisesRegex(UserError, "still to do.*verified"):
            capa.action_request_verification()
        capa.action_ids.action_done("Report R-1")
        with self.assertRaisesRegex(UserError, "how effectiveness will be verified"):
            capa.action_request_verification()
        capa.effectiveness_method = "period"
        capa.action_request_verification()
        self.assertEqual(capa.state, "verification")
        self.assertEqual(corrective.state, "done")
        self.assertTrue(
            capa.activity_ids.filtered(
                lambda a: (
                    a.user_id == self.quality_manager
                    and a.activity_type_id.name == "Verify effectiveness"
                )
            )
        )

    def test_actions_freeze_once_verification_is_asked(self):
        capa = self._implemented(self._capa())
        with self.assertRaisesRegex(UserError, "no longer change"):
            self._line(capa, "preventive")
        with self.assertRaisesRegex(UserError, "no longer change"):
            capa.action_ids[:1].with_user(self.officer).name = "Renamed"

    def test_wrong_state_and_wrong_role(self):
        capa = self._capa()
        with self.assertRaisesRegex(UserError, "cannot be taken now"):
            capa.action_close()
        with self.assertRaises(AccessError):
            capa.with_user(self.sales_user).action_start_containment()
        self.assertEqual(capa.state, "draft")

    def test_cancel_and_reopen_through_their_wizard(self):
        capa = self._capa()
        action = capa.with_user(self.officer).action_open_cancel()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.officer)
            .with_context(**action["context"])
            .create({"reason": "Opened twice"})
        )
        wizard.action_confirm()
        self.assertEqual(capa.state, "cancelled")
        self.assertEqual(capa.cancel_reason, "Opened twice")
        # the wizard's step is the action's to check: no reopen of a cancelled one
        wizard = self.env["cq.capa.reason.wizard"].with_user(self.quality_manager)
        with self.assertRaisesRegex(UserError, "cannot be taken now"):
            wizard.create(
                {"capa_id": capa.id, "step": "reopen", "reason": "x"}
            ).action_confirm()

    def test_cancel_needs_a_reason_and_reset(self):
        capa = self._capa()
        with self.assertRaisesRegex(UserError, "why"):
            capa.action_cancel("  ")
        capa.action_cancel("Duplicate of another 8D")
        self.assertEqual(capa.state, "cancelled")
        self.assertTrue(capa.is_locked)
        with self.assertRaises(AccessError):
            capa.action_reset()
        capa.with_user(self.quality_manager).action_reset()
        self.assertEqual(capa.state, "draft")


@tagged("post_install", "-at_install")
class TestCapaEffectiveness(CqCapaCommon):
    def test_the_owner_of_an_action_cannot_verify_it(self):
        capa = self._implemented(self._capa(), owner=self.quality_manager)
        with self.assertRaisesRegex(UserError, "verified by someone else"):
            capa.with_user(self.quality_manager).action_verify(
                True, "deliveries", "3 deliveries OK", deliveries_checked=3
            )
        self.assertEqual(capa.state, "verification")
        self.assertFalse(capa.verification_ids)

    def test_only_a_quality_manager_verifies(self):
        capa = self._implemented(self._capa())
        with self.assertRaises(AccessError):
            capa.with_user(self.officer).action_verify(True, "period", "ok")

    def test_verification_needs_evidence(self):
        capa = self._implemented(self._capa())
        with self.assertRaisesRegex(UserError, "evidence"):
            capa.with_user(self.quality_manager).action_verify(True, "period", " ")
        with self.assertRaisesRegex(UserError, "how effectiveness"):
            capa.with_user(self.quality_manager).action_verify(True, "guess", "ok")
        self.assertFalse(capa.verification_ids)

    def test_effective_then_closed_and_locked(self):
        capa = self._implemented(self._capa())
        capa.with_user(self.quality_manager).action_verify(
            True,
            "deliveries",
            "Lots 14, 21 and 30 without defect.",
            deliveries_checked=3,
        )
        self.assertEqual(capa.state, "verified")
        self.assertEqual(capa.effectiveness, "effective")
        self.assertEqual(capa.verified_by_id, self.quality_manager)
        self.assertEqual(capa.verification_ids.result, "effective")
        with self.assertRaises(AccessError):
            capa.with_user(self.officer).action_close()
        capa.with_user(self.quality_manager).action_close()
        self.assertEqual(capa.state, "closed")
        self.assertEqual(capa.closed_by_id, self.quality_manager)
        with self.assertRaisesRegex(UserError, "can no longer change"):
            capa.title = "Rewritten"

    def test_8d_closes_once_the_customer_accepted(self):
        capa = self._implemented(self._8d())
        capa.with_user(self.quality_manager).action_verify(True, "period", "90 days ok")
        with self.assertRaisesRegex(UserError, "customer's acceptance"):
            capa.with_user(self.quality_manager).action_close()
        capa.customer_acceptance = "accepted"
        capa.with_user(self.quality_manager).action_close()
        self.assertEqual(capa.state, "closed")

    def test_not_effective_goes_back_to_analysis(self):
        capa = self._implemented(self._capa())
        capa.with_user(self.quality_manager).action_verify(
            False, "deliveries", "Lot 21 squeals again.", deliveries_checked=2
        )
        self.assertEqual(capa.state, "analysis")
        self.assertEqual(capa.effectiveness, "ineffective")
        self.assertEqual(capa.ineffective_count, 1)
        self.assertEqual(capa.verification_ids.result, "ineffective")
        self.assertIn("not effective", capa.message_ids[:1].body)
        # the remaining steps are planned again, D3 is not
        new_round = capa.sudo().deadline_ids.filtered(lambda d: d.round == 1)
        self.assertEqual(set(new_round.mapped("kind")), {"d4", "d6", "d8"})
        # the first round's steps left unmet are history, never escalated
        first_d8 = capa.sudo().deadline_ids.filtered(
            lambda d: d.round == 0 and d.kind == "d8"
        )
        self.assertTrue(first_d8.superseded)
        with freeze_time(datetime(2031, 1, 1)):
            self.env["cq.capa.deadline"]._cron_refresh_and_escalate()
        self.assertFalse(first_d8.date_escalated)
        self.assertTrue(new_round.filtered("date_escalated"))
        # and it can never close without a new, effective verification
        with self.assertRaisesRegex(UserError, "cannot be taken now"):
            capa.with_user(self.quality_manager).action_close()

    def test_reopen_a_closed_capa(self):
        capa = self._implemented(self._capa())
        manager = capa.with_user(self.quality_manager)
        manager.action_verify(True, "period", "ok")
        manager.action_close()
        with self.assertRaises(AccessError):
            capa.with_user(self.officer).action_reopen("It came back")
        with self.assertRaisesRegex(UserError, "why"):
            manager.action_reopen("")
        manager.action_reopen("Squeal again on lot 40")
        self.assertEqual(capa.state, "analysis")
        self.assertFalse(capa.effectiveness)
        self.assertFalse(capa.closed_date)
        self.assertEqual(capa.reopen_count, 1)

    def test_workflow_fields_only_through_the_steps(self):
        capa = self._implemented(self._capa())
        for field, value in (
            ("effectiveness", "effective"),
            ("verified_by_id", self.quality_manager.id),
            ("state", "closed"),
        ):
            with self.subTest(field=field):
                with self.assertRaisesRegex(UserError, "workflow steps only"):
                    capa.with_user(self.quality_manager).write({field: value})
        with self.assertRaises(AccessError):
            self.env["cq.capa.verification"].with_user(self.quality_manager).create(
                {
                    "capa_id": capa.id,
                    "user_id": self.quality_manager.id,
                    "date": datetime.now(),
                    "method": "period",
                    "result": "effective",
                    "note": "forged",
                }
            )


@tagged("post_install", "-at_install")
class TestCapaActionLines(CqCapaCommon):
    def _activity(self, line):
        return (
            self.env["mail.activity"]
            .search([("res_model", "=", "cq.capa"), ("res_id", "=", line.capa_id.id)])
            .filtered(lambda a: a.summary and line.name in a.summary)
        )

    def test_each_line_is_its_owner_activity(self):
        capa = self._capa()
        line = self._line(capa, "containment", user=self.warehouse_user)
        activity = self._activity(line)
        self.assertEqual(activity.user_id, self.warehouse_user)
        self.assertEqual(activity.date_deadline, date(2030, 1, 10))
        line.write({"date_deadline": date(2030, 2, 1), "user_id": self.sales_user.id})
        self.assertEqual(activity.user_id, self.sales_user)
        self.assertEqual(activity.date_deadline, date(2030, 2, 1))

    def test_done_with_evidence_closes_the_activity(self):
        capa = self._capa()
        line = self._line(capa, "corrective", user=self.warehouse_user)
        mine = line.with_user(self.warehouse_user)
        # not by marking the activity done on its own
        with self.assertRaisesRegex(UserError, "done on its corrective action"):
            line.activity_id.with_user(self.warehouse_user).action_feedback("done")
        with self.assertRaisesRegex(UserError, "done on its corrective action"):
            line.activity_id.with_user(self.warehouse_user).unlink()
        with self.assertRaisesRegex(UserError, "evidence"):
            mine.action_done()
        self.assertEqual(line.state, "open")
        mine.action_done("Work instruction WI-7 rev. C")
        self.assertEqual(line.state, "done")
        self.assertEqual(line.done_by_id, self.warehouse_user)
        self.assertEqual(line.evidence, "Work instruction WI-7 rev. C")
        self.assertFalse(line.activity_id.exists(), "the owner's activity is closed")
        with self.assertRaisesRegex(UserError, "not to do"):
            mine.action_done("again")

    def test_owner_records_only_their_own_results(self):
        capa = self._capa()
        line = self._line(capa, "containment", user=self.warehouse_user)
        mine = line.with_user(self.warehouse_user)
        mine.write({"qty_checked": 30, "qty_nonconforming": 2, "result": "2 leak"})
        self.assertEqual(capa.containment_qty_checked, 30)
        with self.assertRaises(AccessError):
            mine.write({"date_deadline": date(2031, 1, 1)})
        with self.assertRaises(AccessError):
            line.with_user(self.sales_user).write({"result": "not mine"})
        with self.assertRaises(AccessError):
            line.with_user(self.sales_user).action_done("not mine")
        with self.assertRaisesRegex(UserError, "Done"):
            line.with_user(self.officer).write({"state": "done"})

    def test_nonsense_quantities_are_refused(self):
        capa = self._capa()
        # Odoo's assertRaises rolls the failed call back, as a request would be
        with self.assertRaises(ValidationError) as caught:
            self._line(capa, "containment", qty_checked=5, qty_nonconforming=9)
        self.assertIn("more parts", str(caught.exception))
        with self.assertRaises(ValidationError) as caught:
            self._line(capa, "containment", qty_checked=-1)
        self.assertIn("negative", str(caught.exception))
        self.assertFalse(capa.action_ids)

    def test_an_action_removes_a_cause_of_its_own_capa(self):
        capa = self._capa()
        other = self._capa()
        with self.assertRaisesRegex(ValidationError, "another corrective action"):
            self._line(capa, "corrective", cause_id=self._cause(other).id)

    def test_done_lines_stay_cancelled_lines_lose_their_activity(self):
        capa = self._capa()
        done = self._line(capa, "containment", qty_checked=4)
        done.action_done("ok")
        with self.assertRaisesRegex(UserError, "part of the record"):
            done.unlink()
        dropped = self._line(capa, "preventive")
        activity = dropped.activity_id
        with self.assertRaises(AccessError):
            dropped.with_user(self.sales_user).action_cancel()
        dropped.action_cancel()
        self.assertEqual(dropped.state, "cancelled")
        self.assertFalse(activity.exists())


# 2026-03-06 is a Friday; Asia/Shanghai is UTC+8.
FRI_1645 = datetime(2026, 3, 6, 8, 45)


@tagged("post_install", "-at_install")
class TestCapaDeadlines(CqCapaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls._cq_shanghai_calendar()

    def _dates(self, capa):
        return {
            d.kind: d.date_deadline for d in capa.sudo().deadline_ids if d.round == 0
        }

    def test_default_steps_on_the_working_calendar(self):
        capa = self._capa(open_date=FRI_1645)
        self.assertEqual(
            self._dates(capa),
            {
                # one working day: Monday 16:45
                "d3": datetime(2026, 3, 9, 8, 45),
                # calendar days, moved to the next working moment
                "d4": datetime(2026, 3, 13, 8, 45),
                "d6": datetime(2026, 3, 20, 8, 45),
                "d8": datetime(2026, 4, 6, 0, 0),  # 5 April is a Sunday
            },
        )

    def test_public_holiday_is_skipped(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Holiday",
                "calendar_id": self.calendar.id,
                "date_from": datetime(2026, 3, 8, 16, 0),
                "date_to": datetime(2026, 3, 9, 15, 59, 59),
            }
        )
        capa = self._capa(open_date=FRI_1645)
        self.assertEqual(self._dates(capa)["d3"], datetime(2026, 3, 10, 8, 45))

    def test_customer_profile_overrides_the_defaults(self):
        self.env["cq.capa.deadline.rule"].create(
            {
                "partner_id": self.customer.id,
                "kind": "d4",
                "duration": 2,
                "unit": "working_days",
            }
        )
        capa = self._capa(open_date=FRI_1645)
        self.assertEqual(self._dates(capa)["d4"], datetime(2026, 3, 10, 8, 45))
        other = self._capa(open_date=FRI_1645, partner_id=self.other_customer.id)
        self.assertEqual(self._dates(other)["d4"], datetime(2026, 3, 13, 8, 45))

    def test_a_rule_change_moves_open_deadlines(self):
        capa = self._capa(open_date=FRI_1645)
        self.env["cq.capa.deadline.rule"].with_user(self.quality_manager).create(
            {"kind": "d8", "duration": 10, "unit": "working_days"}
        )
        self.assertEqual(self._dates(capa)["d8"], datetime(2026, 3, 20, 8, 45))
        with self.assertRaises(AccessError):
            self.env["cq.capa.deadline.rule"].with_user(self.officer).create(
                {"kind": "d6", "duration": 3, "unit": "days"}
            )

    def test_steps_meet_their_deadlines(self):
        with freeze_time(FRI_1645):
            capa = self._capa(open_date=FRI_1645)
            capa.action_start_containment()
            self._line(capa, "containment", qty_checked=3)
            capa.action_start_analysis()
        d3 = capa.sudo().deadline_ids.filtered(lambda d: d.kind == "d3")
        self.assertEqual(d3.status, "met")
        self.assertEqual(capa.date_deadline, datetime(2026, 3, 13, 8, 45))

    def test_missed_step_escalated_exactly_once(self):
        capa = self._capa(open_date=FRI_1645)
        Deadline = self.env["cq.capa.deadline"]
        with freeze_time(datetime(2026, 3, 10, 2, 0)):  # Tuesday 10:00
            Deadline._cron_refresh_and_escalate()
            Deadline._cron_refresh_and_escalate()
        d3 = capa.sudo().deadline_ids.filtered(lambda d: d.kind == "d3")
        self.assertEqual(d3.status, "overdue")
        self.assertTrue(d3.date_escalated)
        self.assertEqual(capa.deadline_status, "overdue")
        escalations = capa.activity_ids.filtered(
            lambda a: (
                a.activity_type_id.name == "Escalation"
                or "Missed deadline" in (a.summary or "")
            )
        )
        self.assertEqual(len(escalations), 1)
        self.assertEqual(escalations.user_id, self.quality_manager)
        self.assertIn("D3", escalations.summary)
        messages = capa.message_ids.filtered(lambda m: "escalated" in (m.body or ""))
        self.assertEqual(len(messages), 1)

    def test_finished_capas_are_not_escalated(self):
        capa = self._capa(open_date=FRI_1645)
        capa.action_cancel("Opened twice")
        with freeze_time(datetime(2026, 5, 1)):
            self.env["cq.capa.deadline"]._cron_refresh_and_escalate()
        self.assertFalse(capa.sudo().deadline_ids.filtered("date_escalated"))


@tagged("post_install", "-at_install")
class TestCapaFromSources(CqCapaCommon):
    def test_opened_from_a_ticket(self):
        ticket = self._ticket(lot_id=self.lot.id, defective_qty=12)
        with self.assertRaises(AccessError):
            ticket.with_user(self.sales_user).action_open_capa()
        action = ticket.with_user(self.officer).action_open_capa()
        capa = self.Capa.browse(action["res_id"])
        self.assertEqual(capa.ticket_ids, ticket)
        self.assertEqual(ticket.capa_ids, capa)
        self.assertEqual(capa.partner_id, self.customer)
        self.assertEqual(capa.lot_ids, self.lot)
        self.assertEqual(capa.problem_how_many, 12)
        self.assertEqual(capa.leader_id, self.officer)
        # a second time, the same one is shown
        again = ticket.with_user(self.officer).action_open_capa()
        self.assertEqual(again["res_id"], capa.id)

    def test_several_tickets_share_one_capa(self):
        first, second = (
            self._ticket(),
            self._ticket(partner_id=self.other_customer.id, contact_id=False),
        )
        capa = self._capa(ticket_ids=[Command.set((first | second).ids)])
        self.assertEqual(first.capa_ids, capa)
        self.assertEqual(second.capa_ids, capa)
        self.assertEqual(capa.ticket_count, 2)
        with self.assertRaises(AccessError):
            self._ticket().with_user(self.sales_user).write(
                {"capa_ids": [Command.link(capa.id)]}
            )

    def test_counted_on_customer_product_and_lot(self):
        capa = self._capa(lot_ids=[Command.set(self.lot.ids)])
        self.assertEqual(self.customer.with_user(self.officer).cq_capa_count, 1)
        self.assertEqual(self.product.with_user(self.officer).cq_capa_count, 1)
        self.assertEqual(
            self.product.product_tmpl_id.with_user(self.officer).cq_capa_count, 1
        )
        self.assertEqual(self.lot.with_user(self.officer).cq_capa_count, 1)
        action = self.customer.with_user(self.officer).action_cq_view_capas()
        self.assertEqual(self.Capa.search(action["domain"]), capa)


@tagged("post_install", "-at_install")
class TestSeriousTicketGate(CqCapaCommon, CqWorkflowCommon):
    def _replied_serious(self):
        ticket = self._ticket(serious_repeated=True)
        return self._replied(ticket, approver=self.general_manager)

    def test_serious_complaint_closes_after_its_capa_is_effective(self):
        ticket = self._replied_serious()
        with self.assertRaisesRegex(UserError, "verified effective"):
            ticket.action_customer_accepts()
        capa = self._capa(ticket_ids=[Command.set(ticket.ids)])
        with self.assertRaisesRegex(UserError, "verified effective"):
            ticket.action_customer_accepts()
        self.assertEqual(ticket.state, "replied")
        capa.member_ids = self.warehouse_user
        capa = self._implemented(capa)
        capa.with_user(self.quality_manager).action_verify(True, "period", "ok")
        ticket.action_customer_accepts()
        self.assertEqual(ticket.state, "closed")

    def test_quality_manager_lets_it_close_first(self):
        ticket = self._replied_serious()
        capa = self._capa(ticket_ids=[Command.set(ticket.ids)])
        self.assertFalse(ticket.with_user(self.officer).can_waive_capa)
        with self.assertRaises(AccessError):
            ticket.with_user(self.officer).action_waive_capa("Customer wants it")
        manager = ticket.with_user(self.quality_manager)
        with self.assertRaisesRegex(UserError, "why"):
            manager.action_waive_capa(" ")
        manager.action_waive_capa("Customer closed its claim; 8D continues.")
        self.assertEqual(ticket.capa_waived_by_id, self.quality_manager)
        ticket.action_customer_accepts()
        self.assertEqual(ticket.state, "closed")
        self.assertEqual(capa.state, "draft")
        self.assertTrue(capa.has_waived_ticket)
        review = self.env.ref("customer_quality.cq_capa_action_review")
        self.assertIn(capa, self.Capa.search(ast.literal_eval(review.domain)))


@tagged("post_install", "-at_install")
class TestCapaPerformance(CqCapaCommon):
    def test_opening_from_a_ticket_costs_a_fixed_number_of_queries(self):
        tickets = [self._ticket(lot_id=self.lot.id) for _i in range(2)]
        self.env.invalidate_all()
        Ticket = self.env["cq.ticket"].with_user(self.officer)
        # the first one warms the caches of the registry (activity types, sequences)
        Ticket.browse(tickets[0].id).action_open_capa()
        self.env.flush_all()
        self.env.invalidate_all()
        # 40: with the department of its complaint, for the overview
        with self.assertQueryCount(40):
            Ticket.browse(tickets[1].id).action_open_capa()
            self.env.flush_all()


@tagged("post_install", "-at_install")
class TestSeriousStaysSerious(CqCapaCommon):
    def test_unticking_the_criteria_does_not_escape_the_gate(self):
        ticket = self._ticket(serious_repeated=True)
        self.assertTrue(ticket.serious_notified)
        with self.assertRaises(UserError) as caught:  # rolled back, as a request
            ticket.with_user(self.officer).serious_repeated = False
        self.assertIn("Override", str(caught.exception))
        self.assertEqual(ticket.severity, "serious")
        ticket.with_user(self.quality_manager).action_override_severity(
            "general", "Two different failure modes, not a repeat."
        )
        self.assertEqual(ticket.severity, "general")
