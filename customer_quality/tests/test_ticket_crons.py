from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import CqCommon


@tagged("post_install", "-at_install")
class TestPendingReminder(CqCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pending_type = cls.env.ref("customer_quality.mail_activity_type_cq_pending")
        with freeze_time("2026-02-20 02:00:00"):
            cls.handled = cls.env["cq.ticket"].create(
                cls._pending_values(user_id=cls.officer.id)
            )
            cls.unassigned = cls.env["cq.ticket"].create(cls._pending_values())
            cls.not_pending = cls.env["cq.ticket"].create(cls._pending_values())
            cls.cancelled = cls.env["cq.ticket"].create(cls._pending_values())
            for ticket in cls.handled | cls.unassigned | cls.cancelled:
                ticket.action_put_pending(
                    "Waiting for the customer's line to restart before testing."
                )
            cls.cancelled.action_cancel()
        cls.tickets = cls.handled | cls.unassigned | cls.not_pending | cls.cancelled

    @classmethod
    def _pending_values(cls, **values):
        return dict(
            {
                "partner_id": cls.customer.id,
                "subject": "Pending matter",
                "channel": "email",
                "team_id": cls.team.id,
            },
            **values,
        )

    def _reminders(self):
        return (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "cq.ticket"),
                    ("res_id", "in", self.tickets.ids),
                    ("activity_type_id", "=", self.pending_type.id),
                ]
            )
        )

    def _run(self, moment):
        with freeze_time(moment):
            self.env["cq.ticket"]._cron_pending_reminder()

    def test_pending_needs_a_reason(self):
        ticket = self._ticket()
        with self.assertRaisesRegex(UserError, "cannot be settled"):
            ticket.with_user(self.officer).action_put_pending(" ")
        self.assertFalse(ticket.pending)
        self.assertEqual(self.handled.pending_since, date(2026, 2, 20))
        self.handled.action_remove_pending()
        self.assertFalse(self.handled.pending_since)

    def test_reminder_on_the_configured_day_only_once(self):
        self.assertEqual(self.company.cq_pending_reminder_day, 4)
        self._run("2026-03-03 02:00:00")
        self.assertFalse(self._reminders(), "not before the day")
        self._run("2026-03-04 02:00:00")
        reminders = self._reminders()
        self.assertEqual(len(reminders), 2, "one per open pending ticket")
        by_ticket = {activity.res_id: activity for activity in reminders}
        self.assertEqual(by_ticket[self.handled.id].user_id, self.officer)
        self.assertEqual(
            by_ticket[self.unassigned.id].user_id,
            self.team_manager,
            "nobody responsible: the manager",
        )
        self.assertEqual(reminders.mapped("date_deadline"), [date(2026, 3, 4)] * 2)
        self.assertIn(self.handled.name, by_ticket[self.handled.id].summary)
        self._run("2026-03-04 08:00:00")
        self.assertEqual(self._reminders(), reminders, "not twice the same day")
        self._run("2026-03-05 02:00:00")
        self.assertEqual(self._reminders(), reminders)
        self._run("2026-04-04 02:00:00")
        self.assertEqual(len(self._reminders()), 4, "again next month")

    def test_reminder_day_is_configurable(self):
        self.company.cq_pending_reminder_day = 10
        self._run("2026-03-04 02:00:00")
        self.assertFalse(self._reminders())
        self._run("2026-03-10 02:00:00")
        self.assertEqual(len(self._reminders()), 2)

    def test_settled_tickets_leave_the_ledger(self):
        self.handled.action_remove_pending()
        self._run("2026-03-04 02:00:00")
        self.assertEqual(self._reminders().mapped("res_id"), self.unassigned.ids)


@tagged("post_install", "-at_install")
class TestMonthlyReview(CqCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls._cq_shanghai_calendar()
        cls.review_type = cls.env.ref("customer_quality.mail_activity_type_cq_review")
        cls.sales_team = cls.env["cq.team"].create(
            {"name": "Sales Service", "manager_id": cls.quality_manager.id}
        )
        cls.headless_team = cls.env["cq.team"].create({"name": "Field Service"})
        Ticket = cls.env["cq.ticket"]
        for received in (
            datetime(2026, 1, 5, 2, 0),
            datetime(2026, 1, 30, 2, 0),
            datetime(2026, 2, 2, 1, 0),
        ):
            Ticket.create(
                {
                    "partner_id": cls.customer.id,
                    "subject": "Noise",
                    "channel": "email",
                    "team_id": cls.team.id,
                    "received_date": received,
                }
            )
        Ticket.create(
            {
                "partner_id": cls.customer.id,
                "subject": "Late",
                "channel": "email",
                "team_id": cls.team.id,
                "received_date": datetime(2025, 12, 20, 2, 0),
            }
        )

    def _reviews(self):
        return (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "cq.team"),
                    (
                        "res_id",
                        "in",
                        (self.team | self.sales_team | self.headless_team).ids,
                    ),
                    ("activity_type_id", "=", self.review_type.id),
                ]
            )
        )

    def _run(self, moment):
        with freeze_time(moment):
            self.env["cq.ticket"]._cron_monthly_review()

    def test_review_on_first_working_day(self):
        # 2026-02-01 is a Sunday: the first working day is Monday 2 February
        self.assertEqual(
            self.company._cq_first_working_day(date(2026, 2, 1)), date(2026, 2, 2)
        )
        self._run("2026-02-01 02:00:00")
        self.assertFalse(self._reviews(), "not on Sunday")
        self._run("2026-02-02 02:00:00")
        reviews = self._reviews()
        by_team = {activity.res_id: activity for activity in reviews}
        self.assertEqual(
            set(by_team), {self.team.id, self.sales_team.id}, "each team with a manager"
        )
        self.assertEqual(by_team[self.team.id].user_id, self.team_manager)
        self.assertEqual(by_team[self.sales_team.id].user_id, self.quality_manager)
        self.assertIn("2026-01", by_team[self.team.id].summary)
        self.assertIn(
            "2 tickets", by_team[self.team.id].summary, "January's tickets of the team"
        )
        self.assertIn("0 tickets", by_team[self.sales_team.id].summary)
        self._run("2026-02-02 07:00:00")
        self.assertEqual(self._reviews(), reviews, "not twice")
        self._run("2026-02-03 02:00:00")
        self.assertEqual(self._reviews(), reviews, "not on other days")
        # March 1st is a Sunday too
        self._run("2026-03-02 02:00:00")
        self.assertEqual(len(self._reviews()), 4)

    def test_public_holiday_delays_the_review(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Holiday",
                "calendar_id": self.calendar.id,
                "date_from": datetime(2026, 2, 1, 16, 0),
                "date_to": datetime(2026, 2, 2, 15, 59, 59),
            }
        )
        self._run("2026-02-02 02:00:00")
        self.assertFalse(self._reviews())
        self._run("2026-02-03 02:00:00")
        self.assertEqual(len(self._reviews()), 2)

    def test_review_can_be_switched_off(self):
        self.company.cq_monthly_review = False
        self._run("2026-02-02 02:00:00")
        self.assertFalse(self._reviews())
