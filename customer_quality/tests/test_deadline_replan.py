from datetime import datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..models import cq_deadline_replan
from .test_capa_workflow import CqCapaCommon

# naive UTC; Asia/Shanghai is UTC+8. 2026-03-06 is a Friday.
FRI_1645 = datetime(2026, 3, 6, 8, 45)  # Friday 16:45 local
MON_0815 = datetime(2026, 3, 9, 0, 15)  # Monday 08:15 local
MON_0915 = datetime(2026, 3, 9, 1, 15)  # Monday 09:15 local
TUE_0845 = datetime(2026, 3, 10, 0, 45)  # Tuesday 08:45 local
TUE_1000 = datetime(2026, 3, 10, 2, 0)  # Tuesday 10:00 local: hand-off missed


@tagged("post_install", "-at_install")
class TestDeadlineReplan(CqCapaCommon):
    """A change of working time or rules touching more open records than a
    request should re-plan marks them, and a queued job re-plans them by
    batches; meanwhile their deadlines say so and are not escalated."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls._cq_shanghai_calendar()
        cls.cron = cls.env.ref("customer_quality.ir_cron_cq_replan_deadlines")

    def setUp(self):
        super().setUp()
        with freeze_time(FRI_1645):
            self.waiting = self._ticket()
            self.other = self._ticket()
            self.cancelled = self._ticket()
        self.cancelled.with_user(self.officer).action_cancel()
        # more than one open record is "many" here
        patcher = patch.object(cq_deadline_replan, "REPLAN_INLINE", 1)
        patcher.start()
        self.addCleanup(patcher.stop)

    def _dl(self, ticket, kind):
        return ticket.sudo().deadline_ids.filtered(lambda d: d.kind == kind)

    def _move_monday_morning(self):
        self.calendar.attendance_ids.filtered(
            lambda a: a.dayofweek == "0" and a.day_period == "morning"
        ).hour_from = 9.0

    def _triggers(self):
        return self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)])

    def test_calendar_change_is_queued_and_marked(self):
        before = len(self._triggers())
        self._move_monday_morning()
        self.assertTrue(self.waiting.deadlines_replanning)
        self.assertTrue(self.other.deadlines_replanning)
        self.assertFalse(self.cancelled.deadlines_replanning, "finished: left alone")
        self.assertEqual(
            self._dl(self.waiting, "handoff").date_deadline,
            MON_0815,
            "as planned before, until the job ran",
        )
        self.assertGreater(len(self._triggers()), before, "the job is queued")

        self.env["cq.ticket"]._cron_replan_deadlines()
        for ticket in self.waiting | self.other:
            self.assertFalse(ticket.deadlines_replanning)
            self.assertEqual(self._dl(ticket, "handoff").date_deadline, MON_0915)
            self.assertEqual(self._dl(ticket, "first_reply").date_deadline, TUE_0845)
            self.assertTrue(
                ticket.message_ids.filtered(lambda m: "moved from" in (m.body or ""))
            )
        self.assertEqual(self._dl(self.cancelled, "handoff").date_deadline, MON_0815)

    def test_job_works_by_batches(self):
        self._move_monday_morning()
        done = self.env["cq.ticket"]._cq_replan_queued(batch_size=1)
        self.assertGreaterEqual(done, 2)
        self.assertFalse(
            self.env["cq.ticket"].search_count([("deadlines_replanning", "=", True)])
        )
        self.assertEqual(self._dl(self.other, "handoff").date_deadline, MON_0915)

    def test_marked_deadlines_are_not_escalated(self):
        self._move_monday_morning()
        Deadline = self.env["cq.ticket.deadline"]
        with freeze_time(TUE_1000):
            Deadline._cron_refresh_and_escalate()
            self.assertFalse(self._dl(self.waiting, "handoff").date_escalated)
            self.assertEqual(self._dl(self.waiting, "handoff").status, "on_time")
            self.env["cq.ticket"]._cron_replan_deadlines()
            Deadline._cron_refresh_and_escalate()
            handoff = self._dl(self.waiting, "handoff")
            self.assertEqual(handoff.date_deadline, MON_0915)
            self.assertEqual(handoff.status, "overdue")
            self.assertTrue(handoff.date_escalated, "escalated once re-planned")

    def test_rule_change_marks_its_company_and_severity(self):
        serious = self._ticket(serious_safety=True)
        rule = self.env["cq.deadline.rule"].search(
            [
                ("company_id", "=", self.company.id),
                ("severity", "=", "general"),
                ("kind", "=", "first_reply"),
            ]
        )
        rule.with_user(self.quality_manager).write({"duration": 4.0})
        self.assertTrue(self.waiting.deadlines_replanning)
        self.assertFalse(serious.deadlines_replanning, "serious rules did not change")

    def test_few_records_are_replanned_at_once(self):
        with patch.object(cq_deadline_replan, "REPLAN_INLINE", 10_000):
            self._move_monday_morning()
        self.assertFalse(self.waiting.deadlines_replanning)
        self.assertEqual(self._dl(self.waiting, "handoff").date_deadline, MON_0915)

    def test_corrective_actions_are_replanned_too(self):
        capas = self._capa() | self._capa()
        self._move_monday_morning()
        self.assertTrue(all(capas.mapped("deadlines_replanning")))
        self.env["cq.ticket"]._cron_replan_deadlines()
        self.assertFalse(any(capas.mapped("deadlines_replanning")))

    def test_the_marker_is_the_job_s_own(self):
        for user in (self.officer, self.quality_manager):
            with self.assertRaises(UserError):
                self.waiting.with_user(user).write({"deadlines_replanning": True})
        self._move_monday_morning()
        with self.assertRaises(UserError):
            self.waiting.with_user(self.quality_manager).write(
                {"deadlines_replanning": False}
            )
        self.assertTrue(self.waiting.deadlines_replanning)
