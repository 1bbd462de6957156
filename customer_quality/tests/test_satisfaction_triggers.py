from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .satisfaction_common import CqSatisfactionCommon


@tagged("post_install", "-at_install")
class TestSatisfactionTriggers(CqSatisfactionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "cq_satisfaction_dimension_min": 60.0,
                "cq_satisfaction_overall_min": 70.0,
                "cq_satisfaction_competitor_margin": 0.0,
                "cq_satisfaction_capa_mode": "propose",
            }
        )
        cls.Trigger = cls.env["cq.satisfaction.trigger"]

    def _trigger(self, response):
        return self.Trigger.search([("reason_ids.response_id", "=", response.id)])

    def test_a_good_result_raises_nothing(self):
        response = self._respond({self.q1: 4, self.q2: 5})  # 83.3
        self.assertFalse(self._trigger(response))

    def test_a_dimension_below_60_is_proposed_to_the_quality_manager(self):
        # quality 83.3, delivery 25 -> overall 54.2
        response = self._respond(
            {self.q1: 4, self.q2: 5, self.q3: {self.row_a: 2, self.row_b: 2}}
        )
        trigger = self._trigger(response)
        self.assertEqual(trigger.state, "proposed")
        self.assertEqual(trigger.partner_id, self.customer)
        kinds = {(r.kind, r.dimension_id) for r in trigger.reason_ids}
        self.assertIn(("dimension", self.delivery_dim), kinds)
        self.assertNotIn(("dimension", self.quality), kinds)
        self.assertEqual(trigger.activity_ids.user_id, self.quality_manager)
        self.assertFalse(trigger.capa_id)

    def test_exactly_60_is_not_below_60(self):
        self.q2.write({"scale_min": 0, "scale_max": 10})
        response = self._respond({self.q2: 6, self.q1: 4})  # quality (2x75+60)/3 = 70
        self.assertFalse(self._trigger(response))
        response = self._respond({self.q2: 6})  # quality 60, overall 60
        reasons = self._trigger(response).reason_ids
        self.assertEqual(
            reasons.mapped("kind"), ["overall"], "60 is no dimension below 60"
        )

    def test_overall_below_70(self):
        # quality 75 with Q1 "Good" only; delivery 62.5 -> overall 68.75
        response = self._respond({self.q1: 4, self.q3: {self.row_a: 5, self.row_b: 3}})
        reasons = self._trigger(response).reason_ids
        self.assertEqual(reasons.mapped("kind"), ["overall"])
        self.assertAlmostEqual(reasons.score, 68.75, places=1)

    def test_worse_than_the_competitor(self):
        # our delivery 75 (row B 4), competitor 100
        response = self._respond({self.q1: 5, self.q3: {self.row_b: 4}, self.q4: 5})
        reasons = self._trigger(response).reason_ids
        self.assertEqual(reasons.mapped("kind"), ["competitor"])
        self.assertEqual(reasons.competitor_id, self.competitor)
        self.company.cq_satisfaction_competitor_margin = 30.0
        response = self._respond({self.q1: 5, self.q3: {self.row_b: 4}, self.q4: 5})
        self.assertFalse(self._trigger(response), "within the margin")

    def test_a_major_complaint_in_the_period(self):
        ticket = self._ticket(serious_safety=True)
        self.assertEqual(ticket.severity, "serious")
        response = self._respond({self.q1: 5, self.q2: 5})  # 100: scores are fine
        trigger = self._trigger(response)
        self.assertEqual(trigger.reason_ids.mapped("kind"), ["complaint"])
        self.assertIn(ticket.name, trigger.summary)
        second = self._respond({self.q1: 5, self.q2: 5})
        self.assertFalse(
            self._trigger(second), "the same complaint raises it once a period"
        )

    def test_a_general_complaint_does_not_trigger(self):
        self._ticket()
        response = self._respond({self.q1: 5, self.q2: 5})
        self.assertFalse(self._trigger(response))

    def test_open_mode_opens_the_capa_with_an_activity(self):
        self.company.cq_satisfaction_capa_mode = "open"
        response = self._respond({self.q1: 1, self.q2: 1})
        trigger = self._trigger(response)
        capa = trigger.capa_id
        self.assertEqual(trigger.state, "opened")
        self.assertEqual(capa.partner_id, self.customer)
        self.assertEqual(capa.leader_id, self.quality_manager)
        self.assertEqual(capa.satisfaction_trigger_ids, trigger)
        self.assertIn("Product quality", capa.description)
        self.assertEqual(capa.activity_ids.user_id, self.quality_manager)
        self.env.flush_all()  # as at the end of the request that opened it
        self.assertIn(
            capa,
            self.env["cq.capa"].with_user(self.sales_user).search([]),
            "the customer's salesperson follows it",
        )

    def test_the_quality_officer_opens_or_dismisses(self):
        response = self._respond({self.q1: 1, self.q2: 1})
        trigger = self._trigger(response)
        with self.assertRaises(AccessError):
            trigger.with_user(self.sales_user).action_open_capa()
        action = trigger.with_user(self.officer).action_open_capa()
        capa = self.env["cq.capa"].browse(action["res_id"])
        self.assertEqual(trigger.capa_id, capa)
        self.assertEqual(capa.leader_id, self.officer)
        self.assertEqual(trigger.decided_by_id, self.officer)
        self.assertFalse(trigger.activity_ids, "the proposal's activity is done")
        with self.assertRaisesRegex(UserError, "cannot be taken now"):
            trigger.with_user(self.officer).action_open_capa()

        other = self._trigger(
            self._respond({self.q1: 1, self.q2: 1}, partner=self.other_customer)
        )
        with self.assertRaisesRegex(UserError, "Say why"):
            other.with_user(self.officer).action_dismiss("  ")
        self.assertEqual(other.state, "proposed")
        wizard = (
            self.env["cq.satisfaction.dismiss.wizard"]
            .with_user(self.officer)
            .create(
                {
                    "trigger_id": other.id,
                    "reason": "Known transport damage, handled in CAPA/2026/00003.",
                }
            )
        )
        wizard.action_confirm()
        self.assertEqual(other.state, "dismissed")
        self.assertIn("transport damage", other.dismiss_reason)

    def test_one_weak_result_per_customer_and_period(self):
        first = self._respond({self.q1: 1, self.q2: 1})
        trigger = self._trigger(first)
        second = self._respond({self.q1: 2, self.q2: 2})
        self.assertEqual(self._trigger(second), trigger, "the second answer adds to it")
        self.assertEqual(set(trigger.reason_ids.response_id.ids), {first.id, second.id})
        self.assertEqual(len(trigger.activity_ids), 1, "one decision to take")
        capa = trigger.with_user(self.officer).action_open_capa()
        capa = self.env["cq.capa"].browse(capa["res_id"])
        third = self._respond({self.q1: 1})
        self.assertEqual(self._trigger(third), trigger)
        self.assertIn("More for this result", capa.message_ids[0].body)
        trigger.invalidate_recordset()
        other_period = self._campaign(date_from="2025-07-01", date_to="2025-12-31")
        fourth = self._respond({self.q1: 1}, campaign=other_period)
        self.assertNotEqual(self._trigger(fourth), trigger, "another period")

    def test_decisions_are_written_by_the_steps_only(self):
        trigger = self._trigger(self._respond({self.q1: 1, self.q2: 1}))
        capa = (
            self.env["cq.capa"]
            .with_user(self.officer)
            .create({"title": "Fake", "leader_id": self.officer.id})
        )
        with self.assertRaises(UserError):
            trigger.with_user(self.officer).write({"capa_id": capa.id})
        with self.assertRaises(UserError):
            trigger.with_user(self.officer).write(
                {"partner_id": self.other_customer.id}
            )
        with self.assertRaises(AccessError):
            self.Trigger.with_user(self.officer).create({"company_id": self.company.id})
        self.assertEqual(trigger.state, "proposed")
