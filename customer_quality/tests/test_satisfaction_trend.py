from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..models.cq_satisfaction_statistics import holm, student_t_cdf, welch_decline_p
from .satisfaction_common import CqSatisfactionCommon

H1 = (date(2026, 1, 1), date(2026, 6, 30))
H2 = (date(2026, 7, 1), date(2026, 12, 31))


class TestStatistics(CqSatisfactionCommon):
    """The statistics against values computed with SciPy 1.17
    (scipy.stats.ttest_ind(..., equal_var=False, alternative='less'))."""

    def test_student_t(self):
        self.assertAlmostEqual(student_t_cdf(-2.0, 10), 0.036694017385370, places=12)
        self.assertAlmostEqual(student_t_cdf(1.3, 3.7), 0.865666637913686, places=12)

    def test_welch(self):
        # 90 92 88 91 89 then 70 72 68 75 71
        p = welch_decline_p(5, 90.0, 2.5, 5, 71.2, 6.7)
        self.assertAlmostEqual(p, 1.947987360714151e-06, places=15)
        self.assertIsNone(welch_decline_p(1, 90.0, 0.0, 5, 70.0, 1.0), "too few")
        self.assertEqual(welch_decline_p(3, 90.0, 0.0, 3, 70.0, 0.0), 0.0)
        self.assertEqual(welch_decline_p(3, 70.0, 0.0, 3, 90.0, 0.0), 1.0)

    def test_holm(self):
        self.assertEqual(
            [
                round(p, 10) if p is not None else None
                for p in holm([0.01, 0.04, None, 0.03, 0.005])
            ],
            [0.03, 0.06, None, 0.06, 0.02],
        )


@tagged("post_install", "-at_install")
class TestSatisfactionTrend(CqSatisfactionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "cq_satisfaction_schedule": "semiannual",
                "cq_satisfaction_trend_min_responses": 3,
                "cq_satisfaction_trend_min_change": 5.0,
                "cq_satisfaction_trend_alpha": 0.05,
                "cq_satisfaction_capa_mode": "propose",
                # the scores of this test stay above the response thresholds
                "cq_satisfaction_dimension_min": 0.0,
                "cq_satisfaction_overall_min": 0.0,
            }
        )
        cls.contacts = cls.env["res.partner"].create(
            [
                {
                    "name": f"Acme contact {i}",
                    "parent_id": cls.customer.id,
                    "email": f"c{i}@acme.example.com",
                }
                for i in range(4)
            ]
        )

    def _period_campaign(self, period):
        campaign = self._campaign(date_from=period[0], date_to=period[1])
        campaign.action_prepare()
        campaign.action_send()
        return campaign

    def _answers(self, period, ratings):
        """One answer per contact: [(Q1 rating, row A rating)], in ``period``."""
        campaign = self._period_campaign(period)
        for contact, (quality, delivery) in zip(self.contacts, ratings, strict=False):
            answers = {self.q1: quality}
            if delivery:
                answers[self.q3] = {self.row_a: delivery}
            self._respond(answers, campaign=campaign, contact=contact)
        return campaign

    def _review(self, **values):
        review = (
            self.env["cq.satisfaction.review"]
            .with_user(self.officer)
            .create(dict({"period_start": H2[0]}, **values))
        )
        review.action_compute()
        return review

    def _cell(self, review, dimension, partner=None):
        return review.trend_ids.filtered(
            lambda t: (
                t.dimension_id == dimension
                and t.partner_id == (partner or self.customer)
            )
        )

    def test_a_significant_and_a_not_significant_decline(self):
        # quality 100 100 100 75 -> 25 25 0 25: a clear decline
        # delivery 100 75 50 -> 50 100 75 25 (mean 81.3 -> 62.5): lower, noisy
        self._answers(H1, [(5, 5), (5, 4), (5, 3), (4, None)])
        self._answers(H2, [(2, 3), (2, 5), (1, 4), (2, 2)])
        review = self._review()
        quality = self._cell(review, self.quality)
        self.assertEqual((quality.count, quality.previous_count), (4, 4))
        self.assertAlmostEqual(quality.mean, 18.75)
        self.assertAlmostEqual(quality.previous_mean, 93.75)
        self.assertAlmostEqual(quality.change, -75.0)
        self.assertEqual(quality.verdict, "decline")
        self.assertLess(quality.p_adjusted, 0.05)
        self.assertGreaterEqual(quality.p_adjusted, quality.p_value)
        delivery = self._cell(review, self.delivery_dim)
        self.assertLess(delivery.change, -5)
        self.assertEqual(delivery.verdict, "not_significant")
        self.assertGreater(delivery.p_adjusted, 0.05)
        # the decline of the customer is a weak result to act on, raised once
        trigger = self.env["cq.satisfaction.trigger"].search(
            [("reason_ids.kind", "=", "decline"), ("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(len(trigger), 1, "one weak result for the customer's declines")
        self.assertEqual(
            set(trigger.reason_ids.mapped(lambda r: r.dimension_id.name or "overall")),
            {"Product quality", "overall"},
            "the noisy delivery dip is not in it",
        )
        self.assertEqual(trigger.activity_ids.user_id, self.quality_manager)
        review.action_compute()
        self.assertEqual(
            self.env["cq.satisfaction.trigger"].search_count(
                [
                    ("reason_ids.kind", "=", "decline"),
                    ("partner_id", "=", self.customer.id),
                ]
            ),
            1,
        )

    def test_a_decline_after_the_action_is_verified_is_a_new_result(self):
        self._answers(H1, [(5, 5), (5, 4), (5, 3), (4, None)])
        self.company.cq_satisfaction_dimension_min = 60.0
        self._answers(H2, [(2, 3), (2, 5), (1, 4), (2, 2)])
        Trigger = self.env["cq.satisfaction.trigger"]
        weak = Trigger.search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(weak), 1, "the weak answers of the period: one result")
        weak.with_user(self.quality_manager).action_open_capa()
        # its corrective action has been carried out and verified since
        self.env.cr.execute(
            "UPDATE cq_capa SET state = 'verified' WHERE id = %s", [weak.capa_id.id]
        )
        weak.capa_id.invalidate_recordset(["state"])
        self._review()
        declines = Trigger.search(
            [("partner_id", "=", self.customer.id), ("id", "!=", weak.id)]
        )
        self.assertEqual(len(declines), 1, "the decline is a result of its own")
        self.assertEqual(set(declines.reason_ids.mapped("kind")), {"decline"})
        self.assertNotIn("decline", weak.reason_ids.mapped("kind"))

    def test_too_few_answers_give_no_verdict(self):
        self._answers(H1, [(5, 5), (5, 5), (5, 5)])
        self._answers(H2, [(1, 1), (1, 1)])
        review = self._review()
        self.assertEqual(self._cell(review, self.quality).verdict, "too_few")
        self.assertEqual(self._cell(review, self.delivery_dim).verdict, "too_few")
        self.assertFalse(
            self.env["cq.satisfaction.trigger"].search(
                [("reason_ids.kind", "=", "decline")]
            )
        )

    def test_a_small_decline_is_not_flagged_however_certain(self):
        self._answers(H1, [(5, None)] * 3 + [(5, None)])
        self._answers(H2, [(4, None)] * 4)  # exactly 100 -> 75 each
        review = self._review()
        self.assertEqual(self._cell(review, self.quality).verdict, "decline")
        self.company.cq_satisfaction_trend_min_change = 30.0
        review.action_compute()
        self.assertEqual(self._cell(review, self.quality).verdict, "not_significant")
        self.assertEqual(review.min_change, 30.0, "the rule is kept with the verdicts")

    def test_first_period_and_rising_scores(self):
        self._answers(H1, [(3, None)] * 3)
        self._answers(H2, [(5, 5)] * 3)
        review = self._review()
        self.assertEqual(self._cell(review, self.quality).verdict, "no_decline")
        self.assertEqual(self._cell(review, self.delivery_dim).verdict, "no_previous")
        everyone = review.trend_ids.filtered(
            lambda t: not t.partner_id and t.dimension_id == self.quality
        )
        self.assertEqual(
            everyone.count, 3, "the all-customers cell counts every answer"
        )
        overall = review.trend_ids.filtered(
            lambda t: t.partner_id == self.customer and t.is_overall
        )
        self.assertTrue(overall)

    def test_review_and_approval_are_recorded_steps(self):
        self._answers(H2, [(5, 5)] * 3)
        review = (
            self.env["cq.satisfaction.review"]
            .with_user(self.officer)
            .create({"period_start": H2[0]})
        )
        with self.assertRaisesRegex(UserError, "Analyse"):
            review.with_user(self.management_rep).action_review()
        review.action_compute()
        with self.assertRaises(AccessError):
            review.with_user(self.officer).action_review()
        review.with_user(self.management_rep).action_review()
        self.assertEqual(review.reviewed_by_id, self.management_rep)
        self.assertEqual(review.activity_ids.user_id, self.general_manager)
        with self.assertRaises(AccessError):
            review.with_user(self.management_rep).action_approve()
        review.with_user(self.general_manager).action_approve()
        self.assertEqual(
            (review.state, review.approved_by_id), ("approved", self.general_manager)
        )
        with self.assertRaises(UserError):
            review.with_user(self.officer).write({"approved_by_id": self.officer.id})
        with self.assertRaises(UserError):
            review.with_user(self.officer).action_compute()

    def test_trend_sql_is_one_group_by(self):
        self._answers(H1, [(5, 5)] * 3)
        self._answers(H2, [(4, 4)] * 3)
        review = (
            self.env["cq.satisfaction.review"]
            .with_user(self.officer)
            .create({"period_start": H2[0]})
        )
        self.env.flush_all()
        with self.assertQueryCount(1):
            cells = review._cq_cells(H2[0], H1[0])
        self.assertEqual(cells[(self.customer.id, self.quality.id)][H2[0]][0], 3)
        self.assertEqual(cells[(0, self.quality.id)][H1[0]][0], 3)


@tagged("post_install", "-at_install")
class TestLostCustomers(CqSatisfactionCommon):
    """流失客户 and 未成交 on a known data set, in a company of its own: A, B, C
    ordered in H1 2026; A and D in H2; A, B, E in H2 2025; in H2 2026 one
    quotation was cancelled, one expired and one is still open."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.books = cls.env["res.company"].create(
            {"name": "Churn Test Co", "cq_satisfaction_schedule": "semiannual"}
        )
        cls.officer.company_ids = [Command.link(cls.books.id)]
        cls.env = cls.env(
            context=dict(cls.env.context, allowed_company_ids=[cls.books.id])
        )
        cls.service = cls.env["product.product"].create(
            {"name": "Brake service", "type": "service", "list_price": 100.0}
        )
        cls.buyers = {
            n: cls.env["res.partner"].create(
                {"name": f"Customer {n}", "is_company": True}
            )
            for n in "ABCDE"
        }
        for n, day in [
            ("A", datetime(2026, 2, 1)),
            ("B", datetime(2026, 3, 1)),
            ("C", datetime(2026, 5, 1)),
            ("A", datetime(2026, 8, 1)),
            ("D", datetime(2026, 9, 1)),
            ("A", datetime(2025, 8, 1)),
            ("B", datetime(2025, 9, 1)),
            ("E", datetime(2025, 10, 1)),
        ]:
            order = cls._order(cls.buyers[n], day)
            order.action_confirm()
            order.date_order = day
        cls.cancelled = cls._order(cls.buyers["C"], datetime(2026, 8, 5))
        cls.cancelled._action_cancel()
        cls.expired = cls._order(cls.buyers["B"], datetime(2026, 9, 5))
        cls.expired.validity_date = date(2026, 9, 30)
        cls.open_quote = cls._order(cls.buyers["E"], datetime(2026, 11, 25))
        cls.open_quote.validity_date = date(2030, 1, 1)

    @classmethod
    def _order(cls, partner, day):
        return cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "company_id": cls.books.id,
                "date_order": day,
                "order_line": [
                    Command.create({"product_id": cls.service.id, "product_uom_qty": 1})
                ],
            }
        )

    @freeze_time("2027-01-10 10:00:00")
    def test_churn_and_no_deal_rates(self):
        review = self.env["cq.satisfaction.review"].create(
            {"period_start": H2[0], "company_id": self.books.id}
        )
        review.action_compute()
        self.assertFalse(review.is_provisional)
        self.assertEqual(
            set(review.lost_customer_ids.partner_id.mapped("name")),
            {"Customer B", "Customer C"},
        )
        self.assertEqual(review.customers_previous, 3)
        self.assertAlmostEqual(review.churn_rate, 200 / 3, places=1)
        self.assertAlmostEqual(review.previous_churn_rate, 100 / 3, places=1)
        self.assertTrue(review.churn_rising)
        self.assertEqual(
            review.lost_quotation_ids.order_id,
            self.cancelled | self.expired,
            "the open quotation may still be ordered",
        )
        self.assertEqual(
            review.quotation_count, 5, "A's and D's orders and 3 quotations"
        )
        self.assertAlmostEqual(review.no_deal_rate, 40.0)
        self.assertIn("Churn is rising", review.message_ids[0].body)

    @freeze_time("2026-12-02 10:00:00")
    def test_a_period_not_over_is_provisional(self):
        review = self.env["cq.satisfaction.review"].create(
            {"period_start": date(2026, 9, 15), "company_id": self.books.id}
        )
        review.action_compute()
        self.assertEqual(review.period_start, H2[0], "the schedule's period")
        self.assertTrue(review.is_provisional)
        self.assertEqual(review.lost_count, 2)
        self.assertFalse(review.churn_rising, "late buyers may still order")

    def test_reasons_are_kept_when_analysed_again(self):
        review = self.env["cq.satisfaction.review"].create(
            {"period_start": H2[0], "company_id": self.books.id}
        )
        review.action_compute()
        lost = review.lost_customer_ids.filtered(
            lambda line: line.partner_id == self.buyers["B"]
        )
        lost.with_user(self.officer).write(
            {"reason": "competitor", "note": "Went to Rival Brakes."}
        )
        with self.assertRaises(UserError):
            lost.with_user(self.officer).write({"previous_amount": 0.0})
        review.action_compute()
        self.assertEqual(lost.exists().reason, "competitor")
