from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
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

    def test_a_salesperson_adds_no_customer_to_another_s_campaign(self):
        with self.assertRaises(AccessError):
            self.env["cq.satisfaction.recipient"].with_user(self.sales_user).create(
                {
                    "campaign_id": self.campaign.id,
                    "partner_id": self.customer.id,
                    "contact_id": self.customer.id,
                }
            )
        self.assertNotIn(self.customer, self.campaign.sudo().recipient_ids.partner_id)

    def test_only_managers_configure_dimensions(self):
        with self.assertRaises(AccessError):
            self.quality.with_user(self.officer).weight = 5.0
        self.quality.with_user(self.quality_manager).weight = 2.0
        self.assertEqual(self.quality.weight, 2.0)


@tagged("post_install", "-at_install")
class TestSatisfactionGuards(CqSatisfactionCommon):
    """What a reviewer tried from outside, over RPC, as ordinary employees."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.survey_officer = new_test_user(
            cls.env,
            "cq_survey_officer",
            groups="base.group_user,survey.group_survey_user",
            name="Sam Survey",
        )
        cls.sales_user.groups_id = [
            Command.link(cls.env.ref("survey.group_survey_user").id)
        ]

    def test_a_survey_officer_cannot_change_a_satisfaction_survey(self):
        response = self._respond({self.q1: 4})
        for user in (self.survey_officer, self.officer):
            with self.subTest(user=user.name):
                with self.assertRaises(AccessError):
                    self.survey.with_user(user).write({"cq_is_satisfaction": False})
                with self.assertRaises(AccessError):
                    self.q1.with_user(user).write({"cq_weight": 50.0})
                with self.assertRaises(AccessError):
                    self._choice(self.q1, 1).with_user(user).write({"cq_rating": 5})
                with self.assertRaises(AccessError):
                    self.env["survey.question"].with_user(user).create(
                        {"survey_id": self.survey.id, "title": "Sneaked in"}
                    )
                with self.assertRaises(AccessError):
                    self.env["survey.survey"].with_user(user).create(
                        {"title": "My own satisfaction", "cq_is_satisfaction": True}
                    )
        with self.assertRaisesRegex(UserError, "stays a satisfaction survey"):
            self.survey.with_user(self.quality_manager).write(
                {"cq_is_satisfaction": False}
            )
        self.q1.with_user(self.quality_manager).write({"cq_weight": 3.0})
        self.assertTrue(response.exists())

    def test_a_salesperson_cannot_touch_their_customers_answers(self):
        response = self._respond({self.q1: 1})
        mine = response.with_user(self.sales_user)
        self.assertTrue(mine.cq_score_ids, "they read it")
        with self.assertRaises(AccessError):
            mine.unlink()
        with self.assertRaises(AccessError):
            mine.write({"state": "in_progress"})
        with self.assertRaises(AccessError):
            self.env["survey.user_input"].with_user(self.sales_user).create(
                {"survey_id": self.survey.id, "partner_id": self.customer.id}
            )
        line = response.user_input_line_ids[:1].with_user(self.sales_user)
        with self.assertRaises(AccessError):
            line.write({"skipped": True})
        administrator = new_test_user(
            self.env,
            "cq_survey_admin",
            groups="base.group_user,survey.group_survey_manager",
            name="Ada Admin",
        )
        with self.assertRaises(UserError) as refused:
            response.with_user(administrator).unlink()
        self.assertIn("is kept", str(refused.exception))
        self.assertEqual(response.state, "done")

    def test_a_salesperson_lists_only_their_own_customers(self):
        campaign = self._campaign(user=self.sales_user)
        Recipient = self.env["cq.satisfaction.recipient"].with_user(self.sales_user)
        with self.assertRaises(AccessError):
            Recipient.create(
                {
                    "campaign_id": campaign.id,
                    "partner_id": self.other_customer.id,
                    "contact_id": self.other_customer.id,
                }
            )
        campaign.with_user(self.sales_user).action_prepare()
        with self.assertRaises(AccessError):
            campaign.recipient_ids.with_user(self.sales_user).write(
                {
                    "partner_id": self.other_customer.id,
                    "contact_id": self.other_customer.id,
                }
            )
        self.assertEqual(campaign.recipient_ids.partner_id, self.customer)

    def test_answers_are_the_customers_own(self):
        campaign = self._campaign()
        Recipient = self.env["cq.satisfaction.recipient"].with_user(self.officer)
        with self.assertRaises(ValidationError) as refused:
            Recipient.create(
                {
                    "campaign_id": campaign.id,
                    "partner_id": self.customer.id,
                    "contact_id": self.other_customer.id,
                }
            )
        self.assertIn("does not work for", str(refused.exception))
        with self.assertRaises(ValidationError) as refused:
            Recipient.create(
                {
                    "campaign_id": campaign.id,
                    "partner_id": self.contact.id,
                    "contact_id": self.contact.id,
                }
            )
        self.assertIn("customer company", str(refused.exception))
        campaign.action_send()
        wizard = (
            self.env["cq.satisfaction.entry.wizard"]
            .with_user(self.officer)
            .with_context(default_recipient_id=campaign.recipient_ids.id)
            .create({"method": "paper", "contact_id": self.other_customer.id})
        )
        wizard.line_ids.filtered(
            lambda line: line.question_id == self.q1
        ).answer_id = self._choice(self.q1, 1)
        with self.assertRaisesRegex(UserError, "does not work for"):
            wizard.action_confirm()
        self.assertEqual(campaign.recipient_ids.status, "sent")
        with self.assertRaises(ValidationError) as refused:
            self.customer.cq_satisfaction_contact_id = self.other_customer
        self.assertIn("does not work for", str(refused.exception))

    def test_the_link_is_quality_s(self):
        campaign = self._campaign(user=self.sales_user)
        campaign.with_user(self.sales_user).action_send()
        with self.assertRaises(AccessError):
            campaign.recipient_ids.with_user(self.sales_user).read(["survey_url"])
        self.assertIn(
            "answer_token", campaign.recipient_ids.with_user(self.officer).survey_url
        )
