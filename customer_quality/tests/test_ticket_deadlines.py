from datetime import datetime

from freezegun import freeze_time

from odoo.tests import tagged

from .common import CqCommon

# All datetimes are naive UTC, as stored; Asia/Shanghai is UTC+8 (no daylight saving).
# 2026-03-06 is a Friday.
FRI_1000 = datetime(2026, 3, 6, 2, 0)  # Friday 10:00 local
FRI_1150 = datetime(2026, 3, 6, 3, 50)  # Friday 11:50 local
FRI_1320 = datetime(2026, 3, 6, 5, 20)  # Friday 13:20 local
FRI_1645 = datetime(2026, 3, 6, 8, 45)  # Friday 16:45 local
FRI_1650 = datetime(2026, 3, 6, 8, 50)  # Friday 16:50 local
MON_0800 = datetime(2026, 3, 9, 0, 0)  # Monday 08:00 local
MON_0815 = datetime(2026, 3, 9, 0, 15)  # Monday 08:15 local
MON_0915 = datetime(2026, 3, 9, 1, 15)  # Monday 09:15 local
MON_1145 = datetime(2026, 3, 9, 3, 45)  # Monday 11:45 local
MON_1645 = datetime(2026, 3, 9, 8, 45)  # Monday 16:45 local
TUE_0815 = datetime(2026, 3, 10, 0, 15)  # Tuesday 08:15 local
TUE_0845 = datetime(2026, 3, 10, 0, 45)  # Tuesday 08:45 local
TUE_1645 = datetime(2026, 3, 10, 8, 45)  # Tuesday 16:45 local
NEXT_FRI_1645 = datetime(2026, 3, 13, 8, 45)  # next Friday 16:45 local
WED_1000 = datetime(2026, 3, 4, 2, 0)  # Wednesday 10:00 local
THU_1000 = datetime(2026, 3, 5, 2, 0)  # Thursday 10:00 local


@tagged("post_install", "-at_install")
class TestTicketDeadlines(CqCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls._cq_shanghai_calendar()
        cls.Rule = cls.env["cq.deadline.rule"]

    def _dl(self, ticket, kind):
        return ticket.sudo().deadline_ids.filtered(lambda d: d.kind == kind)

    def _dates(self, ticket):
        return {d.kind: d.date_deadline for d in ticket.sudo().deadline_ids}

    def _rule(self, kind, severity="general"):
        rule = self.Rule.search(
            [
                ("company_id", "=", self.company.id),
                ("severity", "=", severity),
                ("kind", "=", kind),
            ]
        )
        self.assertEqual(len(rule), 1, f"the {severity} {kind} rule is written down")
        return rule

    def _moved_messages(self, ticket):
        return ticket.message_ids.filtered(lambda m: "moved from" in (m.body or ""))

    # ------------------------------------------------------------------
    # Planning on the working calendar
    # ------------------------------------------------------------------
    def test_deadlines_from_friday_afternoon(self):
        with freeze_time(FRI_1645):
            ticket = self._ticket(visit_required=True)
            self.assertEqual(ticket.received_date, FRI_1645)
            self.assertEqual(
                self._dates(ticket),
                {
                    "handoff": MON_0815,  # 15 min on Friday, 15 on Monday morning
                    "first_reply": MON_1645,  # 0.25 h + 4 h + 3.75 h
                    "site_visit": TUE_1645,  # 2 working days = 16 working hours
                    # 24 h fall on Saturday: the next working moment
                    "determination": MON_0800,
                    "solution": NEXT_FRI_1645,  # 5 working days
                },
            )
            self.assertEqual(ticket.date_deadline, MON_0800, "the next open deadline")
            self.assertEqual(ticket.deadline_status, "on_time")

    def test_handoff_across_lunch_break(self):
        ticket = self._ticket(received_date=FRI_1150)
        self.assertEqual(self._dl(ticket, "handoff").date_deadline, FRI_1320)

    def test_received_outside_working_time(self):
        saturday = datetime(2026, 3, 7, 6, 0)  # Saturday 14:00 local
        ticket = self._ticket(received_date=saturday)
        self.assertEqual(
            self._dl(ticket, "handoff").date_deadline, datetime(2026, 3, 9, 0, 30)
        )
        self.assertEqual(
            self._dl(ticket, "first_reply").date_deadline, datetime(2026, 3, 9, 9, 0)
        )

    def test_line_stop_site_visit_within_working_hours(self):
        ticket = self._ticket(
            received_date=FRI_1645, visit_required=True, line_stop=True
        )
        self.assertEqual(self._dl(ticket, "site_visit").date_deadline, MON_1645)

    def test_determination_runs_round_the_clock(self):
        ticket = self._ticket(received_date=FRI_1000)
        self.assertEqual(self._dl(ticket, "determination").date_deadline, MON_0800)
        ticket = self._ticket(received_date=WED_1000)
        self.assertEqual(self._dl(ticket, "determination").date_deadline, THU_1000)
        ticket.customer_unreachable = True
        self.assertEqual(
            self._dl(ticket, "determination").date_deadline,
            FRI_1000,
            "48 h when the customer cannot be reached",
        )

    def test_urgent_deadline_only_when_urgent(self):
        ticket = self._ticket(received_date=FRI_1645)
        self.assertFalse(self._dl(ticket, "urgent"))
        ticket.urgent = True
        self.assertEqual(self._dl(ticket, "urgent").date_deadline, TUE_1645)
        ticket.urgent = False
        self.assertFalse(self._dl(ticket, "urgent"))

    def test_site_visit_deadline_follows_the_need(self):
        ticket = self._ticket(received_date=FRI_1645)
        self.assertFalse(self._dl(ticket, "site_visit"))
        ticket.visit_required = True
        self.assertEqual(self._dl(ticket, "site_visit").date_deadline, TUE_1645)
        ticket.line_stop = True
        self.assertEqual(self._dl(ticket, "site_visit").date_deadline, MON_1645)

    def test_public_holiday_is_skipped(self):
        monday = {
            "name": "Holiday",
            "date_from": datetime(2026, 3, 8, 16, 0),
            "date_to": datetime(2026, 3, 9, 15, 59, 59),
        }
        self.env["resource.calendar.leaves"].create(
            dict(monday, calendar_id=self.calendar.id)
        )
        ticket = self._ticket(received_date=FRI_1645)
        self.assertEqual(self._dl(ticket, "handoff").date_deadline, TUE_0815)
        self.assertEqual(
            self._dl(ticket, "determination").date_deadline, datetime(2026, 3, 10, 0, 0)
        )

    def test_another_company_s_holidays_are_not_ours(self):
        # holidays of no calendar are the company's: another company's do not
        # move our deadlines, even for someone who may read both companies
        other = self.env["res.company"].create({"name": "Beta Brakes"})
        monday = {
            "name": "Holiday",
            "date_from": datetime(2026, 3, 8, 16, 0),
            "date_to": datetime(2026, 3, 9, 15, 59, 59),
            "calendar_id": False,
        }
        Leave = self.env["resource.calendar.leaves"]
        theirs = Leave.with_company(other).create(monday)
        self.assertEqual(
            (theirs.company_id, theirs.calendar_id),
            (other, self.env["resource.calendar"]),
        )
        self.officer.company_ids |= other
        Ticket = (
            self.env["cq.ticket"]
            .with_user(self.officer)
            .with_context(allowed_company_ids=[self.company.id, other.id])
        )
        values = self._ticket_values(received_date=FRI_1645)
        ticket = Ticket.create(values)
        self.assertEqual(self._dl(ticket, "handoff").date_deadline, MON_0815)
        ours = Leave.with_company(self.company).create(monday)
        self.assertEqual(ours.company_id, self.company)
        again = Ticket.create(values)
        self.assertEqual(self._dl(again, "handoff").date_deadline, TUE_0815)

    def test_public_holiday_added_later_moves_open_deadlines(self):
        ticket = self._ticket(received_date=FRI_1645)
        self.assertEqual(self._dl(ticket, "handoff").date_deadline, MON_0815)
        # as from the calendar's "Time Off" button: the leave is created on its own
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Holiday",
                "calendar_id": self.calendar.id,
                "date_from": datetime(2026, 3, 8, 16, 0),
                "date_to": datetime(2026, 3, 9, 15, 59, 59),
            }
        )
        self.assertEqual(self._dl(ticket, "handoff").date_deadline, TUE_0815)

    # ------------------------------------------------------------------
    # Recomputation
    # ------------------------------------------------------------------
    def test_serious_ticket_uses_its_own_rules(self):
        self._rule("first_reply", "serious").duration = 4.0
        ticket = self._ticket(received_date=FRI_1645)
        self.assertEqual(self._dl(ticket, "first_reply").date_deadline, MON_1645)
        self.assertFalse(self._moved_messages(ticket))
        ticket.serious_safety = True
        self.assertEqual(ticket.severity, "serious")
        self.assertEqual(self._dl(ticket, "first_reply").date_deadline, MON_1145)
        self.assertEqual(
            self._dl(ticket, "handoff").date_deadline, MON_0815, "same rule: not moved"
        )
        moved = self._moved_messages(ticket)
        self.assertEqual(len(moved), 1, "one message for the one deadline that moved")
        self.assertIn("First reply", moved.body)
        # the quality manager overrules the severity: back to the general rule
        ticket.with_user(self.quality_manager).action_override_severity(
            "general", "Checked: no safety risk."
        )
        self.assertEqual(self._dl(ticket, "first_reply").date_deadline, MON_1645)

    def test_received_date_change_moves_open_deadlines_only(self):
        with freeze_time(FRI_1650):
            ticket = self._ticket(received_date=FRI_1645)
            ticket.with_user(self.officer).action_submit()
        handoff = self._dl(ticket, "handoff")
        self.assertEqual(handoff.date_met, FRI_1650)
        self.assertEqual(handoff.status, "met")
        ticket.received_date = FRI_1150
        self.assertEqual(handoff.date_deadline, MON_0815, "a met deadline is not moved")
        self.assertEqual(handoff.date_met, FRI_1650)
        self.assertEqual(
            self._dl(ticket, "first_reply").date_deadline, datetime(2026, 3, 9, 3, 50)
        )
        self.assertTrue(self._moved_messages(ticket))

    def test_calendar_change_moves_open_deadlines(self):
        with freeze_time(FRI_1645):
            waiting = self._ticket()
            handed_off = self._ticket()
        with freeze_time(FRI_1650):
            handed_off.with_user(self.officer).action_submit()
        monday_morning = self.calendar.attendance_ids.filtered(
            lambda a: a.dayofweek == "0" and a.day_period == "morning"
        )
        monday_morning.hour_from = 9.0
        self.assertEqual(self._dl(waiting, "handoff").date_deadline, MON_0915)
        self.assertEqual(self._dl(waiting, "first_reply").date_deadline, TUE_0845)
        self.assertEqual(
            self._dl(handed_off, "handoff").date_deadline, MON_0815, "met: kept"
        )
        self.assertEqual(self._dl(handed_off, "handoff").date_met, FRI_1650)
        self.assertEqual(self._dl(handed_off, "first_reply").date_deadline, TUE_0845)
        self.assertTrue(self._moved_messages(waiting))

    def test_other_calendar_for_the_company(self):
        ticket = self._ticket(received_date=FRI_1645)
        round_the_clock = self.env["resource.calendar"].create(
            {
                "name": "24/7",
                "tz": "Asia/Shanghai",
                "attendance_ids": [],
                "global_leave_ids": [],
            }
        )
        round_the_clock.attendance_ids = [
            (
                0,
                0,
                {
                    "name": f"d{day}",
                    "dayofweek": str(day),
                    "hour_from": 0.0,
                    "hour_to": 24.0,
                },
            )
            for day in range(7)
        ]
        self.company.cq_calendar_id = round_the_clock
        self.assertEqual(
            self._dl(ticket, "handoff").date_deadline, datetime(2026, 3, 6, 9, 15)
        )

    def test_rule_change_moves_open_tickets(self):
        open_ticket = self._ticket(received_date=FRI_1645)
        closed_ticket = self._ticket(received_date=FRI_1645)
        closed_ticket.with_user(self.officer).action_cancel()
        self._rule("first_reply").with_user(self.quality_manager).write(
            {"duration": 4.0}
        )
        self.assertEqual(self._dl(open_ticket, "first_reply").date_deadline, MON_1145)
        self.assertEqual(
            self._dl(closed_ticket, "first_reply").date_deadline,
            MON_1645,
            "cancelled: left alone",
        )
        self._rule("solution").with_user(self.quality_manager).write(
            {"duration": 1.0, "unit": "days"}
        )
        # Saturday 16:45 local falls outside working time: Monday 08:00
        self.assertEqual(self._dl(open_ticket, "solution").date_deadline, MON_0800)

    # ------------------------------------------------------------------
    # Status with time
    # ------------------------------------------------------------------
    def test_status_moves_with_time(self):
        Deadline = self.env["cq.ticket.deadline"]
        with freeze_time(FRI_1645) as frozen:
            late = self._ticket()
            punctual = self._ticket()
            handoff = self._dl(late, "handoff")
            self.assertEqual(handoff.status, "on_time")
            self.assertEqual(late.deadline_status, "on_time")
            self.assertFalse(late.is_overdue)

            frozen.move_to(
                datetime(2026, 3, 8, 20, 0)
            )  # Monday 04:00 local, 4h15 before
            Deadline._refresh_statuses()
            self.assertEqual(handoff.status, "on_time")
            frozen.move_to(
                datetime(2026, 3, 8, 21, 0)
            )  # Monday 05:00 local: due within 4 h
            Deadline._refresh_statuses()
            self.assertEqual(handoff.status, "due_soon")
            self.assertEqual(late.deadline_status, "due_soon")
            self.assertEqual(self._dl(late, "first_reply").status, "on_time")

            frozen.move_to(datetime(2026, 3, 9, 0, 10))  # Monday 08:10 local
            punctual.with_user(self.officer).action_submit()
            self.assertEqual(self._dl(punctual, "handoff").status, "met")

            frozen.move_to(datetime(2026, 3, 9, 0, 20))  # Monday 08:20 local
            Deadline._refresh_statuses()
            self.assertEqual(handoff.status, "overdue")
            self.assertTrue(late.is_overdue)
            self.assertEqual(late.deadline_status, "overdue")
            self.assertIn(
                late, self.env["cq.ticket"].search([("is_overdue", "=", True)])
            )

            self.assertEqual(
                self._dl(late, "determination").status,
                "overdue",
                "24 h ran out at 08:00",
            )
            self.assertEqual(self._dl(late, "first_reply").status, "on_time")

            frozen.move_to(datetime(2026, 3, 9, 0, 30))
            late.with_user(self.officer).action_submit()
            self.assertEqual(handoff.status, "met_late")
            self.assertEqual(handoff.date_met, datetime(2026, 3, 9, 0, 30))
            self.assertEqual(
                late.date_deadline, MON_0800, "the determination is still open"
            )
            self.assertEqual(self._dl(punctual, "handoff").status, "met")

    def test_all_met_after_reply(self):
        with freeze_time(FRI_1645) as frozen:
            ticket = self._ticket()
            ticket = self._investigated(ticket)
            frozen.move_to(datetime(2026, 3, 9, 1, 0))  # Monday 09:00 local
            ticket.action_request_approval()
            ticket.with_user(self.team_manager).action_approve()
            ticket.with_user(self.officer).with_context(
                cq_mark_replied=True
            ).message_post(
                body="Our answer.",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        statuses = {d.kind: d.status for d in ticket.sudo().deadline_ids}
        self.assertEqual(
            statuses,
            {
                "handoff": "met",
                "first_reply": "met",
                "determination": "met_late",
                "solution": "met",
            },
        )
        self.assertEqual(ticket.deadline_status, "met")
        self.assertFalse(ticket.date_deadline)
