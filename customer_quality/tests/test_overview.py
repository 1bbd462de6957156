"""The app's overview: a card per department whose counts are exactly the lists
they open, for every user's view of the records, in a constant number of
queries."""

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from ..models.cq_team_overview import MEASURES
from .common import CqReturnCommon

# 10:00 in Shanghai (the tests' time zone)
NOW = datetime(2027, 3, 10, 2, 0)

# the other department's counts, the same for everyone
OTHER_TEAM = {
    "open_tickets": 1,
    "overdue_tickets": 1,
    "today_tickets": 0,
    "serious_tickets": 0,
    "to_approve_tickets": 0,
    "returns_to_authorise": 0,
    "returns_to_receive": 0,
    "returns_to_inspect": 0,
    "returns_to_decide": 1,
    "overdue_capas": 0,
}
# the quality department's counts for the quality manager
TEAM = {
    "open_tickets": 5,
    "overdue_tickets": 2,
    "today_tickets": 1,
    "serious_tickets": 1,
    "to_approve_tickets": 1,
    "returns_to_authorise": 0,
    "returns_to_receive": 1,
    "returns_to_inspect": 1,
    "returns_to_decide": 0,
    "overdue_capas": 2,
}
# the counts of the known data set, per user and department: the sales user
# sees neither the other customer's ticket nor its corrective action
EXPECTED = {
    "quality_manager": {"team": TEAM, "other_team": OTHER_TEAM},
    "sales_user": {
        "team": {**TEAM, "open_tickets": 4, "overdue_tickets": 1, "overdue_capas": 1},
        "other_team": OTHER_TEAM,
    },
}


class CqOverviewCommon(CqReturnCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_team = cls.env["cq.team"].create(
            {"name": "Sales Department", "manager_id": cls.team_manager.id}
        )

    @classmethod
    def _ticket(cls, deadlines=(), state=None, **values):
        """A ticket of the quality department whose deadlines are exactly
        ``deadlines`` (due dates, or (due, met) pairs)."""
        vals = {
            "partner_id": cls.customer.id,
            "subject": "Calipers squeal",
            "channel": "email",
            "team_id": cls.team.id,
            "received_date": NOW - timedelta(days=3),
        }
        vals.update(values)
        ticket = cls.env["cq.ticket"].create(vals)
        ticket.deadline_ids.sudo().unlink()
        kinds = ("handoff", "first_reply", "determination", "solution")
        for kind, deadline in zip(kinds, deadlines, strict=False):
            due, met = deadline if isinstance(deadline, tuple) else (deadline, False)
            cls.env["cq.ticket.deadline"].sudo().create(
                {
                    "ticket_id": ticket.id,
                    "kind": kind,
                    "date_deadline": due,
                    "date_met": met,
                }
            )
        if state:
            ticket._cq_set_state(state)
        return ticket

    @classmethod
    def _rma(cls, state=None, **values):
        """A return of one delivered caliper, put in ``state``."""
        rma = CqReturnCommon._return(cls, 1, **values).with_env(cls.env)
        if state:
            rma._cq_set_state(state)
        return rma

    def _team_counts(self, team, user, env_of=None):
        team = team.with_env((env_of or team).env).with_user(user)
        team.invalidate_recordset()
        return {
            measure: team[count_field]
            for measure, (_model, _team_field, count_field) in MEASURES.items()
        }

    def _listed(self, team, user, measure):
        """How many records the list opened by the count shows."""
        action = team.with_user(user).with_context(cq_measure=measure)
        action = action.action_view_overview()
        Model = self.env[action["res_model"]].with_user(user)
        return Model.search_count(action["domain"])


@tagged("post_install", "-at_install")
class TestOverview(CqOverviewCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time(NOW):
            cls._build()

    @classmethod
    def _build(cls):
        hour = timedelta(hours=1)
        day = timedelta(days=1)
        t1 = cls._ticket([NOW - hour, NOW + 2 * day])
        t2 = cls._ticket([NOW + 3 * hour], state="to_approve", serious_safety=True)
        cls._ticket([NOW + 2 * day], state="investigating")
        cls._ticket([NOW - day], state="closed")
        # another customer's: the sales user does not see it
        t5 = cls._ticket([NOW - day], partner_id=cls.other_customer.id)
        cls._ticket([(NOW - day, NOW - 2 * day)], state="assigned")
        t7 = cls._ticket([NOW - hour], team_id=cls.other_team.id)
        cls._ticket([NOW - hour], team_id=cls.other_team.id, state="cancelled")

        cls._rma("authorised", ticket_id=t1.id)
        cls._rma("received", ticket_id=t2.id)
        cls._rma("inspected", ticket_id=t7.id)
        # no complaint, no department
        cls._rma("authorised")

        Capa = cls.env["cq.capa"]
        past = (NOW - 2 * day).date()
        for partner, ticket, date_deadline in (
            (cls.customer, t1, past),
            (cls.other_customer, t5, past),
            (cls.customer, t7, (NOW + 5 * day).date()),
        ):
            capa = Capa.create(
                {
                    "title": "Calipers squeal",
                    "partner_id": partner.id,
                    "leader_id": cls.officer.id,
                    "ticket_ids": [Command.link(ticket.id)],
                }
            )
            cls.env["cq.capa.action"].create(
                {
                    "capa_id": capa.id,
                    "kind": "containment",
                    "name": "Sort the stock",
                    "user_id": cls.officer.id,
                    "date_deadline": date_deadline,
                }
            )

    @freeze_time(NOW)
    def test_counts_equal_the_lists_they_open(self):
        for user_name, teams in EXPECTED.items():
            user = getattr(self, user_name)
            for team_name, expected in teams.items():
                team = getattr(self, team_name)
                counts = self._team_counts(team, user)
                with self.subTest(user=user_name, team=team_name):
                    self.assertEqual(counts, expected)
                for measure, count in counts.items():
                    with self.subTest(user=user_name, team=team_name, measure=measure):
                        self.assertEqual(self._listed(team, user, measure), count)

    @freeze_time(NOW)
    def test_action_opens_the_department_list(self):
        action = self.team.with_context(
            cq_measure="overdue_tickets"
        ).action_view_overview()
        self.assertEqual(action["res_model"], "cq.ticket")
        self.assertEqual(action["context"], {"default_team_id": self.team.id})
        self.assertIn(self.team.display_name, action["name"])
        # the domain travels to the web client: its dates are strings
        self.assertIn("2027-03-10 02:00:00", str(action["domain"]))
        action = self.team.with_context(
            cq_measure="returns_to_receive"
        ).action_view_overview()
        self.assertEqual(action["res_model"], "cq.return")

    def test_unknown_measure_refused(self):
        with self.assertRaises(UserError):
            self.team.with_context(cq_measure="everything").action_view_overview()

    @freeze_time(NOW)
    def test_a_return_without_complaint_is_the_first_department_s(self):
        # what a customer requests in the portal has no complaint yet
        rma = self._rma()
        self.assertFalse(rma.ticket_id)
        first = self.env["cq.team"]._cq_default_team(self.company)
        self.assertEqual(rma.team_id, first)
        counts = self._team_counts(first, self.quality_manager)
        self.assertGreaterEqual(counts["returns_to_authorise"], 1)
        action = (
            first.with_user(self.quality_manager)
            .with_context(cq_measure="returns_to_authorise")
            .action_view_overview()
        )
        listed = (
            self.env["cq.return"]
            .with_user(self.quality_manager)
            .search(action["domain"])
        )
        self.assertIn(rma, listed)
        self.assertEqual(len(listed), counts["returns_to_authorise"])

    def test_department_change_moves_returns_and_capas(self):
        t7 = self.env["cq.ticket"].search(
            [("team_id", "=", self.other_team.id), ("state", "=", "draft")]
        )
        t7.team_id = self.team
        counts = self._team_counts(self.team, self.quality_manager)
        self.assertEqual(counts["returns_to_decide"], 1)
        self.assertEqual(counts["open_tickets"], 6)
        self.assertEqual(
            self._team_counts(self.other_team, self.quality_manager)[
                "returns_to_decide"
            ],
            0,
        )

    @freeze_time(NOW)
    def test_companies(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        self.quality_manager.company_ids = [Command.link(other.id)]
        foreign = self.env["cq.team"].create(
            {"name": "Foreign quality", "company_id": other.id}
        )
        self._ticket(
            [NOW - timedelta(hours=1)], company_id=other.id, team_id=foreign.id
        )
        both = self.env["cq.team"].with_context(
            allowed_company_ids=[self.company.id, other.id]
        )
        self.assertEqual(
            self._team_counts(foreign, self.quality_manager, both),
            {**dict.fromkeys(MEASURES, 0), "open_tickets": 1, "overdue_tickets": 1},
        )
        self.assertEqual(self._team_counts(self.team, self.quality_manager, both), TEAM)
        # the other company's department is not on the overview of this one
        Team = self.env["cq.team"].with_user(self.quality_manager)
        listed = Team.with_context(allowed_company_ids=self.company.ids).search([])
        self.assertIn(self.team, listed)
        self.assertNotIn(foreign, listed)


@tagged("post_install", "-at_install")
class TestOverviewDueToday(CqOverviewCommon):
    @freeze_time(NOW)
    def test_due_today_and_overdue_boundaries(self):
        minute = timedelta(minutes=1)
        # 10:00 in Shanghai; its midnight is 16:00 UTC
        midnight = datetime(2027, 3, 10, 16, 0)
        just_passed = self._ticket([NOW - minute])
        just_to_come = self._ticket([NOW + minute])
        late_tonight = self._ticket([midnight - minute])
        after_midnight = self._ticket([midnight + minute])
        met_today = self._ticket([(NOW + minute, NOW - minute)])

        def listed(measure, tz):
            action = self.team.with_context(
                cq_measure=measure, tz=tz
            ).action_view_overview()
            return self.env["cq.ticket"].search(action["domain"])

        self.assertEqual(listed("overdue_tickets", "Asia/Shanghai"), just_passed)
        self.assertEqual(
            listed("today_tickets", "Asia/Shanghai"), just_to_come | late_tonight
        )
        # in UTC it is 02:00 and the day ends 22 hours later
        self.assertEqual(
            listed("today_tickets", "UTC"),
            just_to_come | late_tonight | after_midnight,
        )
        self.assertNotIn(met_today, listed("today_tickets", "UTC"))
        counts = self._team_counts(self.team, self.quality_manager)
        self.assertEqual(counts["overdue_tickets"], 1)
        self.assertEqual(counts["today_tickets"], 2, "the user's time zone")

    def test_overdue_on_the_clock(self):
        """A deadline missed a minute ago is overdue before the cron refreshes
        the statuses."""
        with freeze_time(NOW - timedelta(hours=1)):
            ticket = self._ticket([NOW - timedelta(minutes=1)])
        with freeze_time(NOW):
            self.assertEqual(ticket.deadline_ids.status, "due_soon")
            counts = self._team_counts(self.team, self.quality_manager)
        self.assertEqual(counts["overdue_tickets"], 1)
        self.assertEqual(counts["today_tickets"], 0)


@tagged("post_install", "-at_install")
class TestOverviewPerformance(CqOverviewCommon):
    SPEC = {
        "name": {},
        "color": {},
        "company_id": {"fields": {"display_name": {}}},
        "manager_id": {"fields": {"display_name": {}}},
        "member_ids": {"fields": {"display_name": {}}},
        **{count_field: {} for _model, _field, count_field in MEASURES.values()},
    }

    def _read_overview(self, teams):
        Team = self.env["cq.team"].with_user(self.quality_manager)
        self.env.invalidate_all()
        return Team.web_search_read([("id", "in", teams.ids)], self.SPEC)

    @freeze_time(NOW)
    def test_overview_queries_constant(self):
        teams = self.team | self.other_team
        self._ticket([NOW - timedelta(hours=1)])
        self._read_overview(teams)  # warm the caches of the views and the rules
        with self.assertQueryCount(17):
            result = self._read_overview(teams)
        self.assertEqual(result["length"], 2)

        for index in range(4):
            team = self.env["cq.team"].create(
                {
                    "name": f"Department {index}",
                    "manager_id": self.team_manager.id,
                    "member_ids": [Command.set([self.officer.id])],
                }
            )
            teams |= team
            for _ticket in range(3):
                self._ticket([NOW - timedelta(hours=1)], team_id=team.id)
        self._read_overview(teams)
        with self.assertQueryCount(17):
            result = self._read_overview(teams)
        self.assertEqual(result["length"], 6)
        by_id = {record["id"]: record for record in result["records"]}
        self.assertEqual(by_id[teams[-1].id]["overdue_ticket_count"], 3)
