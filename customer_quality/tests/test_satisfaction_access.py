from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .satisfaction_common import CqSatisfactionCommon


@tagged("post_install", "-at_install")
class TestSatisfactionAccess(CqSatisfactionCommon):
    """Quality sees every result of its companies, a salesperson those of the
    customers they are salesperson of; nothing crosses companies, and being a
    survey officer (as Odoo makes every new employee) opens nothing more."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.cq_satisfaction_capa_mode = "propose"
        cls.other_sales = new_test_user(
            cls.env,
            "cq_sales_other",
            groups="base.group_user,sales_team.group_sale_salesman,"
            "customer_quality.group_cq_user,survey.group_survey_user",
            name="Oscar Other",
        )
        cls.other_customer.user_id = cls.other_sales
        cls.campaign = (
            cls.env["cq.satisfaction.campaign"]
            .with_user(cls.officer)
            .create(
                {
                    "title": "H2",
                    "survey_id": cls.survey.id,
                    "audience": "list",
                    "partner_ids": [
                        Command.set((cls.customer | cls.other_customer).ids)
                    ],
                }
            )
        )

    def _visible(self, user, model, records):
        return self.env[model].with_user(user).search([("id", "in", records.ids)])

    def test_salespeople_see_the_results_of_their_customers(self):
        mine = self._respond({self.q1: 1, self.q2: 1}, campaign=self.campaign)
        theirs = self._respond(
            {self.q1: 1, self.q2: 1},
            partner=self.other_customer,
            campaign=self.campaign,
        )
        scores = (mine | theirs).cq_score_ids
        triggers = self.env["cq.satisfaction.trigger"].search(
            [("response_id", "in", (mine | theirs).ids)]
        )
        self.assertEqual(len(triggers), 2)
        for user, customer in (
            (self.sales_user, self.customer),
            (self.other_sales, self.other_customer),
        ):
            with self.subTest(user=user.name):
                self.assertEqual(
                    self._visible(user, "cq.satisfaction.score", scores).partner_id,
                    customer,
                )
                self.assertEqual(
                    self._visible(user, "cq.satisfaction.trigger", triggers).partner_id,
                    customer,
                )
                self.assertEqual(
                    self._visible(
                        user, "cq.satisfaction.recipient", self.campaign.recipient_ids
                    ).partner_id,
                    customer,
                )
        self.assertEqual(
            self._visible(self.officer, "cq.satisfaction.score", scores), scores
        )
        self.assertEqual(
            self._visible(self.officer, "cq.satisfaction.trigger", triggers), triggers
        )

    def test_a_survey_officer_reads_no_other_customers_answers(self):
        mine = self._respond({self.q1: 4}, campaign=self.campaign)
        theirs = self._respond(
            {self.q1: 4}, partner=self.other_customer, campaign=self.campaign
        )
        Answer = self.env["survey.user_input"].with_user(self.other_sales)
        self.assertEqual(Answer.search([("id", "in", (mine | theirs).ids)]), theirs)
        with self.assertRaises(AccessError):
            Answer.browse(mine.id).read(["cq_score"])
        Line = self.env["survey.user_input.line"].with_user(self.other_sales)
        self.assertFalse(Line.search([("user_input_id", "=", mine.id)]))
        # a survey of another kind is untouched
        quiz = self.env["survey.survey"].create(
            {"title": "Quiz", "access_mode": "public"}
        )
        other = quiz._create_answer(partner=self.customer)
        self.assertEqual(Answer.search([("id", "=", other.id)]), other)

    def test_nothing_crosses_companies(self):
        company_b = self.env["res.company"].create({"name": "Quality B Co"})
        officer_b = new_test_user(
            self.env,
            "cq_officer_b",
            groups="base.group_user,customer_quality.group_cq_officer",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
            name="Bea B",
        )
        response = self._respond({self.q1: 1, self.q2: 1}, campaign=self.campaign)
        for model, records in (
            ("cq.satisfaction.campaign", self.campaign),
            ("cq.satisfaction.recipient", self.campaign.recipient_ids),
            ("cq.satisfaction.score", response.cq_score_ids),
            (
                "cq.satisfaction.trigger",
                self.env["cq.satisfaction.trigger"].search(
                    [("response_id", "=", response.id)]
                ),
            ),
            ("survey.user_input", response),
        ):
            with self.subTest(model=model):
                self.assertTrue(records)
                self.assertFalse(self._visible(officer_b, model, records))

    def test_a_salesperson_changes_only_their_own_campaign(self):
        with self.assertRaises(AccessError):
            self.campaign.with_user(self.sales_user).write({"title": "Mine now"})
        own = self._campaign(user=self.sales_user)
        own.with_user(self.sales_user).title = "Acme only"
        self.assertEqual(own.title, "Acme only")
        with self.assertRaises(AccessError):
            own.with_user(self.sales_user).unlink()

    def test_only_managers_configure_dimensions(self):
        with self.assertRaises(AccessError):
            self.quality.with_user(self.officer).weight = 5.0
        self.quality.with_user(self.quality_manager).weight = 2.0
        self.assertEqual(self.quality.weight, 2.0)
