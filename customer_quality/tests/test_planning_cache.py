from datetime import datetime

import pytz
from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import CqCommon

# naive UTC; Asia/Shanghai is UTC+8. 2026-03-06 is a Friday.
FRI_1645 = datetime(2026, 3, 6, 8, 45)  # Friday 16:45 local
MON_0815 = datetime(2026, 3, 9, 0, 15)  # Monday 08:15 local
TUE_0815 = datetime(2026, 3, 10, 0, 15)  # Tuesday 08:15 local
SAT_1015 = datetime(2026, 3, 7, 2, 15)  # Saturday 10:15 local


@tagged("post_install", "-at_install")
class TestPlanningCache(CqCommon):
    """Working intervals, deadline rules and number series are kept in the
    registry's cache between requests: every change of what they are read
    from shows in the next ticket planned, in the same transaction too."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls._cq_shanghai_calendar()

    def _handoff(self, ticket):
        return (
            ticket.sudo()
            .deadline_ids.filtered(lambda d: d.kind == "handoff")
            .date_deadline
        )

    def _new_ticket(self):
        with freeze_time(FRI_1645):
            ticket = self._ticket()
        self.env.invalidate_all()  # as in the next request
        return ticket

    def test_intervals_are_read_once(self):
        self._new_ticket()  # fills the cache
        with self.assertQueryCount(0):
            intervals = self.calendar._cq_work_intervals(
                self._utc(FRI_1645), self._utc(TUE_0815)
            )
        # Friday 16:45-17:00, Monday's morning and afternoon, Tuesday 08:00-08:15
        self.assertEqual(len(intervals), 4)
        self.assertEqual(intervals[0][0], self._utc(FRI_1645))
        self.assertEqual(intervals[-1][1], self._utc(TUE_0815))

    def _utc(self, naive):
        return pytz.utc.localize(naive)

    def test_holiday_added_after_planning_counts_for_the_next_ticket(self):
        self.assertEqual(self._handoff(self._new_ticket()), MON_0815)
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Company holiday",
                "calendar_id": self.calendar.id,
                "date_from": datetime(2026, 3, 8, 16, 0),  # Monday 00:00 local
                "date_to": datetime(2026, 3, 9, 16, 0),
            }
        )
        self.assertEqual(self._handoff(self._new_ticket()), TUE_0815)

    def test_holiday_removed_after_planning_counts_for_the_next_ticket(self):
        holiday = self.env["resource.calendar.leaves"].create(
            {
                "name": "Company holiday",
                "calendar_id": self.calendar.id,
                "date_from": datetime(2026, 3, 8, 16, 0),
                "date_to": datetime(2026, 3, 9, 16, 0),
            }
        )
        self.assertEqual(self._handoff(self._new_ticket()), TUE_0815)
        holiday.unlink()
        self.assertEqual(self._handoff(self._new_ticket()), MON_0815)

    def test_attendance_change_counts_for_the_next_ticket(self):
        self.assertEqual(self._handoff(self._new_ticket()), MON_0815)
        # Saturday mornings become working time
        self.calendar.write(
            {
                "attendance_ids": [
                    Command.create(
                        {
                            "name": "Saturday morning",
                            "dayofweek": "5",
                            "hour_from": 10.0,
                            "hour_to": 12.0,
                            "day_period": "morning",
                        }
                    )
                ]
            }
        )
        self.assertEqual(self._handoff(self._new_ticket()), SAT_1015)

    def test_time_zone_change_counts_for_the_next_ticket(self):
        self.assertEqual(self._handoff(self._new_ticket()), MON_0815)
        self.calendar.tz = "UTC"  # 16:45 Shanghai is 08:45 UTC: working time there
        self.assertEqual(self._handoff(self._new_ticket()), datetime(2026, 3, 6, 9, 15))

    def test_rule_change_counts_for_the_next_ticket(self):
        self.assertEqual(self._handoff(self._new_ticket()), MON_0815)
        rule = self.env["cq.deadline.rule"].search(
            [
                ("company_id", "=", self.company.id),
                ("severity", "=", "general"),
                ("kind", "=", "handoff"),
            ]
        )
        rule.write({"duration": 2.0, "unit": "working_hours"})
        self.assertEqual(
            self._handoff(self._new_ticket()), datetime(2026, 3, 9, 1, 45)
        )  # 15 min on Friday, 1 h 45 on Monday: 09:45 local

    def test_deleted_rule_falls_back_to_the_procedure(self):
        rule = self.env["cq.deadline.rule"].search(
            [
                ("company_id", "=", self.company.id),
                ("severity", "=", "general"),
                ("kind", "=", "handoff"),
            ]
        )
        rule.write({"duration": 2.0, "unit": "working_hours"})
        open_ticket = self._new_ticket()
        self.assertEqual(self._handoff(open_ticket), datetime(2026, 3, 9, 1, 45))
        rule.unlink()
        self.assertEqual(self._handoff(self._new_ticket()), MON_0815)
        self.assertEqual(
            self._handoff(open_ticket), MON_0815, "open tickets follow the default"
        )

    def test_own_number_series_created_later_is_used(self):
        first = self._new_ticket()
        self.assertRegex(first.name, r"^CQ/2026/")
        self.env["ir.sequence"].sudo().create(
            {
                "name": "Quality tickets of this company",
                "code": "cq.ticket",
                "company_id": self.company.id,
                "prefix": "OWN-",
                "padding": 4,
            }
        )
        self.assertRegex(self._new_ticket().name, r"^OWN-\d{4}$")
