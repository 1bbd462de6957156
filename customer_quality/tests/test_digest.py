"""The quality KPIs of the digest email: their values on a known data set, per
company and for the users allowed to see them, and "lower is better" shown as
such."""

from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .test_overview import NOW, CqOverviewCommon


@tagged("post_install", "-at_install")
class TestDigest(CqOverviewCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.digest = cls.env["digest.digest"].create(
            {
                "name": "Quality digest",
                "company_id": cls.company.id,
                "kpi_cq_complaint_new": True,
                "kpi_cq_complaint_serious": True,
                "kpi_cq_deadline_missed": True,
                "kpi_cq_return_requested": True,
                "kpi_cq_capa_step_missed": True,
                "kpi_cq_first_reply_hours": True,
            }
        )

    def _kpis(self, user, start, end, digest=None):
        digest = (
            (digest or self.digest)
            .with_user(user)
            .with_context(start_datetime=start, end_datetime=end)
        )
        digest.invalidate_recordset()
        return {
            name: digest[f"{name}_value"]
            for name in (
                "kpi_cq_complaint_new",
                "kpi_cq_complaint_serious",
                "kpi_cq_deadline_missed",
                "kpi_cq_return_requested",
                "kpi_cq_capa_step_missed",
                "kpi_cq_first_reply_hours",
            )
        }

    @freeze_time(NOW)
    def test_kpi_values(self):
        hour = timedelta(hours=1)
        day = timedelta(days=1)
        # in the last 24 hours: two complaints, one serious, one answered in 4 hours
        answered = self._ticket(
            [(NOW - 5 * hour, NOW - 6 * hour), (NOW - 5 * hour, NOW - 2 * hour)],
            received_date=NOW - 6 * hour,
            feedback_type="complaint",
        )
        answered._cq_write_workflow({"first_reply_date": NOW - 2 * hour})
        self._ticket(
            [],
            received_date=NOW - 3 * hour,
            feedback_type="complaint",
            serious_safety=True,
        )
        self._ticket([], received_date=NOW - 3 * hour, feedback_type="praise")
        # before the period
        self._ticket([NOW - 3 * day], received_date=NOW - 4 * day)
        # a missed deadline of a cancelled ticket is no longer anyone's to meet
        self._ticket([NOW - 2 * hour], state="cancelled", received_date=NOW - 4 * day)
        returns = self._rma() | self._rma("cancelled")
        returns.flush_recordset()
        # registered an hour ago (the database's clock is not frozen)
        self.env.cr.execute(
            "UPDATE cq_return SET create_date = %s WHERE id IN %s",
            [NOW - hour, tuple(returns.ids)],
        )
        capa = self.env["cq.capa"].create(
            {
                "title": "Squeal",
                "partner_id": self.customer.id,
                "leader_id": self.officer.id,
            }
        )
        capa.deadline_ids.sudo().unlink()
        self.env["cq.capa.deadline"].sudo().create(
            [
                {
                    "capa_id": capa.id,
                    "kind": kind,
                    "date_deadline": due,
                    "superseded": old,
                }
                for kind, due, old in (
                    ("d3", NOW - hour, False),
                    ("d4", NOW - 2 * hour, True),
                    ("d6", NOW + hour, False),
                )
            ]
        )

        kpis = self._kpis(self.quality_manager, NOW - day, NOW)
        self.assertEqual(
            kpis,
            {
                "kpi_cq_complaint_new": 2,
                "kpi_cq_complaint_serious": 1,
                # the first reply was due 5 hours ago and met 4 hours late; the
                # first deadline met in time
                "kpi_cq_deadline_missed": 1,
                "kpi_cq_return_requested": 1,
                "kpi_cq_capa_step_missed": 1,
                "kpi_cq_first_reply_hours": 4.0,
            },
        )
        # the two tickets received four days ago, one with a deadline missed
        before = self._kpis(self.quality_manager, NOW - 5 * day, NOW - day)
        self.assertEqual(before["kpi_cq_complaint_new"], 2)
        self.assertEqual(before["kpi_cq_deadline_missed"], 1)

    @freeze_time(NOW)
    def test_kpis_skipped_without_access(self):
        with self.assertRaises(AccessError):
            self._kpis(self.sales_user, NOW - timedelta(days=1), NOW)
        names = [
            kpi["kpi_name"]
            for kpi in self.digest._compute_kpis(self.company, self.sales_user)
        ]
        self.assertFalse([name for name in names if name.startswith("kpi_cq_")])
        kpis = {
            kpi["kpi_name"]: kpi
            for kpi in self.digest._compute_kpis(self.company, self.quality_manager)
        }
        self.assertTrue(kpis["kpi_cq_deadline_missed"]["kpi_lower_is_better"])
        self.assertFalse(kpis["kpi_cq_complaint_new"]["kpi_lower_is_better"])
        self.assertIn("lower is better", kpis["kpi_cq_deadline_missed"]["kpi_fullname"])

    def test_lower_is_better_colours(self):
        def render(lower_is_better, margin):
            return str(
                self.env["ir.qweb"]._render(
                    "digest.digest_tool_kpi",
                    {
                        "kpi_value": 3,
                        "kpi_margin": margin,
                        "kpi_subtitle": "Last 7 Days",
                        "kpi_info": {"kpi_lower_is_better": lower_is_better},
                    },
                )
            )

        red, green = "#712b29", "#17613a"
        self.assertIn(green, render(False, 50.0))
        self.assertIn(red, render(True, 50.0), "more overdue deadlines: bad news")
        self.assertIn(green, render(True, -50.0), "fewer overdue deadlines: good")
        self.assertIn(red, render(False, -50.0))

    @freeze_time(NOW)
    def test_kpis_per_company(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        self.quality_manager.company_ids = [Command.link(other.id)]
        self._ticket(
            [],
            received_date=NOW - timedelta(hours=3),
            company_id=other.id,
            team_id=False,
        )
        other_digest = self.digest.copy({"company_id": other.id})
        period = (NOW - timedelta(days=1), NOW)
        self.assertEqual(
            self._kpis(self.quality_manager, *period)["kpi_cq_complaint_new"], 0
        )
        kpis = self._kpis(self.quality_manager, *period, digest=other_digest)
        self.assertEqual(kpis["kpi_cq_complaint_new"], 1)
