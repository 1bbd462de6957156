from datetime import date

from odoo.tests import HttpCase, tagged

from .common import CqTourMixin
from .satisfaction_common import CqSatisfactionCommon

H1 = (date(2026, 1, 1), date(2026, 6, 30))
H2 = (date(2026, 7, 1), date(2026, 12, 31))


@tagged("post_install", "-at_install", "is_tour")
class TestSatisfactionTour(CqTourMixin, CqSatisfactionCommon, HttpCase):
    """The customer answers through its link, the salesperson enters a paper
    survey, the quality officer sees the trend and opens the corrective action
    proposed."""

    def test_satisfaction_from_the_link_to_the_corrective_action(self):
        self.survey.questions_layout = "one_page"
        self.company.write(
            {
                "cq_satisfaction_capa_mode": "propose",
                "cq_satisfaction_trend_min_responses": 3,
            }
        )
        self.other_customer.user_id = self.sales_user
        people = self.env["res.partner"].create(
            [
                {
                    "name": f"Acme buyer {i}",
                    "parent_id": self.customer.id,
                    "email": f"b{i}@acme.example.com",
                }
                for i in range(2)
            ]
        )
        # the first half: Acme's three people were very satisfied with quality
        first = self._campaign(date_from=H1[0], date_to=H1[1])
        for contact in (self.contact, *people):
            self._respond({self.q1: 5}, campaign=first, contact=contact)
        # the second half: Sally's campaign; two of Acme's people answered poorly
        campaign = self._campaign(
            self.customer | self.other_customer,
            user=self.sales_user,
            date_from=H2[0],
            date_to=H2[1],
        )
        campaign.with_user(self.sales_user).action_prepare()
        self.env["cq.satisfaction.recipient"].with_user(self.sales_user).create(
            [
                {
                    "campaign_id": campaign.id,
                    "partner_id": self.customer.id,
                    "contact_id": p.id,
                }
                for p in people
            ]
        )
        campaign.with_user(self.sales_user).action_send()
        for contact in people:
            self._respond({self.q1: 1}, campaign=campaign, contact=contact)
        invited = campaign.recipient_ids.filtered(
            lambda r: r.partner_id == self.customer and r.contact_id not in people
        )
        answer = invited.user_input_id.sudo()
        self.assertEqual(answer.state, "new")

        # 1. the customer's contact, through the link, not logged in
        self._cq_tour(
            answer.get_start_url(), "cq_satisfaction_customer_tour", login=None
        )
        self.assertEqual(answer.state, "done")
        self.assertEqual(answer.cq_entry_method, "web")
        # quality 25, delivery (25 + 3 x 0) / 4: overall 15.6
        self.assertAlmostEqual(answer.cq_score, 15.6, places=1)
        trigger = self.env["cq.satisfaction.trigger"].search(
            [("partner_id", "=", self.customer.id), ("period_start", "=", H2[0])]
        )
        self.assertEqual(trigger.state, "proposed")
        self.assertIn(answer, trigger.reason_ids.response_id)

        # 2. the salesperson enters Beta's paper survey
        self._cq_tour(
            f"/odoo/action-customer_quality.cq_satisfaction_campaign_action/{campaign.id}",
            "cq_satisfaction_paper_tour",
            login=self.sales_user.login,
        )
        beta = campaign.sudo().recipient_ids.filtered(
            lambda r: r.partner_id == self.other_customer
        )
        self.assertEqual(beta.status, "answered")
        self.assertEqual(beta.user_input_id.cq_entry_method, "paper")
        self.assertEqual(beta.user_input_id.cq_entered_by_id, self.sales_user)
        self.assertEqual(beta.score, 87.5)  # quality 100, delivery 75

        # 3. the quality officer: the trend, the weak result, the CAPA
        review = (
            self.env["cq.satisfaction.review"]
            .with_user(self.officer)
            .create({"period_start": H2[0]})
        )
        self._cq_tour(
            f"/odoo/action-customer_quality.cq_satisfaction_review_action/{review.id}",
            "cq_satisfaction_officer_tour",
            login=self.officer.login,
        )
        cell = review.trend_ids.filtered(
            lambda t: t.partner_id == self.customer and t.dimension_id == self.quality
        )
        self.assertEqual(cell.verdict, "decline")
        self.assertEqual(trigger.state, "opened")
        self.assertEqual(trigger.capa_id.leader_id, self.officer)
        self.assertEqual(trigger.capa_id.partner_id, self.customer)
