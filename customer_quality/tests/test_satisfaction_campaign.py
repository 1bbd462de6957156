from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .satisfaction_common import CqSatisfactionCommon


@tagged("post_install", "-at_install")
class TestSatisfactionAudience(CqSatisfactionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_sales = new_test_user(
            cls.env,
            "cq_sales_2",
            groups="base.group_user,sales_team.group_sale_salesman,"
            "customer_quality.group_cq_user",
            name="Sam Second",
        )
        # a customer of another salesperson, delivered in the period too
        cls.gamma = cls.env["res.partner"].create(
            {
                "name": "Gamma Auto",
                "is_company": True,
                "email": "buyer@gamma.example.com",
                "user_id": cls.other_sales.id,
            }
        )
        cls._deliver(cls.gamma, cls.product, 5, cls.lot)

    def test_customers_with_deliveries_in_the_period(self):
        campaign = self._campaign(audience="deliveries", partner_ids=[])
        campaign.action_prepare()
        customers = campaign.recipient_ids.partner_id
        self.assertIn(self.customer, customers)
        self.assertIn(self.gamma, customers)
        self.assertNotIn(
            self.other_customer, customers, "Beta Trading received nothing"
        )

    def test_deliveries_outside_the_period_do_not_count(self):
        campaign = self._campaign(
            audience="deliveries",
            partner_ids=[],
            date_from=date(2025, 1, 1),
            date_to=date(2025, 6, 30),
        )
        campaign.action_prepare()
        self.assertFalse(campaign.recipient_ids)
        with self.assertRaisesRegex(UserError, "no customer to send to"):
            campaign.action_send()
        self.assertEqual(campaign.state, "draft")

    def test_a_salesperson_reaches_only_their_customers(self):
        campaign = self._campaign(
            audience="deliveries", partner_ids=[], user=self.sales_user
        )
        campaign.with_user(self.sales_user).action_prepare()
        self.assertEqual(campaign.recipient_ids.partner_id, self.customer)

    def test_the_contact_is_the_quality_or_purchasing_contact(self):
        buyer = self.env["res.partner"].create(
            {
                "name": "Zhang Min",
                "parent_id": self.customer.id,
                "function": "Purchasing manager",
                "email": "zhang.min@acme.example.com",
            }
        )
        self.assertEqual(self.customer._cq_satisfaction_contact(), buyer)
        self.customer.cq_satisfaction_contact_id = self.contact
        self.assertEqual(self.customer._cq_satisfaction_contact(), self.contact)

    def test_a_filter_audience(self):
        campaign = self._campaign(
            audience="domain",
            partner_ids=[],
            audience_domain=f"[('id', 'in', {[self.other_customer.id]})]",
        )
        campaign.action_prepare()
        self.assertEqual(campaign.recipient_ids.partner_id, self.other_customer)

    def test_a_broken_filter_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "not a valid filter"):
            self._campaign(audience="domain", audience_domain="[('nope', '=', 1)]")


@tagged("post_install", "-at_install")
class TestSatisfactionCampaign(CqSatisfactionCommon):
    def test_send_creates_a_new_answer_per_campaign(self):
        first = self._respond({self.q1: 4})
        campaign = self._campaign()
        campaign.action_send()
        second = campaign.recipient_ids.user_input_id
        self.assertTrue(second)
        self.assertNotEqual(second, first, "never the earlier campaign's token")
        self.assertNotEqual(second.access_token, first.access_token)
        self.assertEqual(second.state, "new")
        self.assertEqual(second.cq_campaign_id, campaign)
        self.assertEqual(campaign.recipient_ids.status, "sent")
        mail = self.env["mail.mail"].search(
            [
                ("model", "=", "cq.satisfaction.recipient"),
                ("res_id", "=", campaign.recipient_ids.id),
            ]
        )
        self.assertIn(second.access_token, mail.body_html)
        self.assertEqual(mail.recipient_ids, self.customer)

    def test_sending_twice_invites_nobody_twice(self):
        campaign = self._campaign()
        campaign.action_send()
        answer = campaign.recipient_ids.user_input_id
        campaign.action_send()
        self.assertEqual(campaign.recipient_ids.user_input_id, answer)

    def test_customers_without_email_are_named_and_nothing_is_sent(self):
        self.other_customer.email = False
        campaign = self._campaign(self.customer | self.other_customer)
        campaign.action_prepare()
        with self.assertRaisesRegex(UserError, "Beta Trading"):
            campaign.action_send()
        self.assertEqual(campaign.state, "draft")
        self.assertFalse(campaign.recipient_ids.user_input_id)

    def test_response_rate_and_close(self):
        campaign = self._campaign(self.customer | self.other_customer)
        self._respond({self.q1: 4}, campaign=campaign)
        self.assertEqual(campaign.recipient_count, 2)
        self.assertEqual(campaign.answered_count, 1)
        self.assertEqual(campaign.response_rate, 50.0)
        self.assertEqual(campaign.average_score, 75.0)
        campaign.action_close()
        late = campaign.recipient_ids.filtered(
            lambda r: r.partner_id == self.other_customer
        )
        self.assertEqual(late.status, "expired")
        self.assertTrue(late.user_input_id.deadline, "its link no longer takes answers")
        self.assertTrue(campaign.is_locked)
        with self.assertRaises(UserError):
            campaign.title = "Renamed"

    def test_a_salesperson_runs_their_campaign_to_the_end(self):
        campaign = self._campaign(user=self.sales_user)
        mine = campaign.with_user(self.sales_user)
        mine.action_send()
        self._respond({self.q1: 4}, campaign=campaign)
        mine.invalidate_recordset()
        self.assertEqual((mine.answered_count, mine.average_score), (1, 75.0))
        mine.action_close()
        self.assertEqual(campaign.state, "closed")

    def test_a_campaign_with_answers_is_closed_not_cancelled(self):
        campaign = self._campaign()
        self._respond({self.q1: 4}, campaign=campaign)
        with self.assertRaisesRegex(UserError, "close it instead"):
            campaign.action_cancel()

    def test_sent_period_and_survey_stay(self):
        campaign = self._campaign()
        campaign.action_send()
        with self.assertRaises(UserError):
            campaign.date_from = date(2020, 1, 1)
        with self.assertRaises(UserError):
            campaign.write({"sent_by_id": self.sales_user.id})

    def test_an_invited_customer_stays(self):
        campaign = self._campaign()
        campaign.action_send()
        recipient = campaign.recipient_ids
        with self.assertRaises(UserError):
            recipient.with_user(self.officer).partner_id = self.other_customer
        with self.assertRaises(UserError):
            recipient.with_user(self.officer).unlink()
        with self.assertRaises(UserError):
            recipient.with_user(self.officer).write({"user_input_id": False})

    def test_a_survey_without_dimensions_is_not_sent(self):
        bare = self.env["survey.survey"].create(
            {"title": "Bare", "cq_is_satisfaction": True, "access_mode": "token"}
        )
        campaign = self._campaign(survey_id=bare.id)
        with self.assertRaisesRegex(UserError, "measures no dimension"):
            campaign.action_send()
        self.assertEqual(campaign.state, "draft")

    def test_reminder_once_before_the_due_date(self):
        self.company.write(
            {"cq_satisfaction_answer_days": 30, "cq_satisfaction_reminder_days": 7}
        )
        campaign = self._campaign(self.customer | self.other_customer)
        campaign.action_send()
        self._respond({self.q1: 4}, campaign=campaign)
        Campaign = self.env["cq.satisfaction.campaign"]
        template = self.env.ref("customer_quality.mail_template_cq_satisfaction_remind")

        def reminders():
            return self.env["mail.mail"].search_count(
                [
                    ("model", "=", "cq.satisfaction.recipient"),
                    ("res_id", "in", campaign.recipient_ids.ids),
                    ("subject", "ilike", "reminder"),
                ]
            )

        self.assertTrue(template)
        with freeze_time(fields.Date.today() + timedelta(days=10)):
            Campaign._cron_remind()
        self.assertEqual(reminders(), 0, "too early")
        with freeze_time(campaign.date_due - timedelta(days=6)):
            Campaign._cron_remind()
            Campaign._cron_remind()
        self.assertEqual(reminders(), 1, "once, and only to who has not answered")
        late = campaign.recipient_ids.filtered(
            lambda r: r.partner_id == self.other_customer
        )
        self.assertTrue(late.reminded_date)


@tagged("post_install", "-at_install")
class TestSatisfactionSchedule(CqSatisfactionCommon):
    def _scheduled(self):
        """The scheduled campaigns the test's cron runs created (not the demo's)."""
        return self.env["cq.satisfaction.campaign"].search(
            [
                ("company_id", "=", self.company.id),
                ("is_scheduled", "=", True),
                ("id", "not in", self.before),
            ]
        )

    def setUp(self):
        super().setUp()
        self.before = (
            self.env["cq.satisfaction.campaign"]
            .with_context(active_test=False)
            .search([])
            .ids
        )

    def test_semiannual_campaign_in_december_once(self):
        self.company.cq_satisfaction_schedule = "semiannual"
        with freeze_time("2026-11-20 10:00:00"):
            self.env["cq.satisfaction.campaign"]._cron_schedule()
        self.assertFalse(self._scheduled(), "not before the period's last month")
        with freeze_time("2026-12-01 10:00:00"):
            self.env["cq.satisfaction.campaign"]._cron_schedule()
            self.env["cq.satisfaction.campaign"]._cron_schedule()
        campaign = self._scheduled()
        self.assertEqual(len(campaign), 1, "a second run creates nothing")
        self.assertEqual(
            (campaign.date_from, campaign.date_to),
            (date(2026, 7, 1), date(2026, 12, 31)),
        )
        self.assertEqual(campaign.state, "running")
        self.assertIn(self.customer, campaign.recipient_ids.partner_id)
        self.assertEqual(campaign.user_id, self.quality_manager)

    def test_quarterly_and_annual_periods(self):
        self.company.cq_satisfaction_schedule = "quarterly"
        self.assertEqual(
            self.company._cq_satisfaction_period(date(2026, 5, 10)),
            (date(2026, 4, 1), date(2026, 6, 30)),
        )
        self.assertTrue(self.company._cq_satisfaction_campaign_due(date(2026, 9, 3)))
        self.assertFalse(self.company._cq_satisfaction_campaign_due(date(2026, 8, 3)))
        self.company.cq_satisfaction_schedule = "annual"
        self.assertEqual(
            self.company._cq_satisfaction_period(date(2026, 5, 10)),
            (date(2026, 1, 1), date(2026, 12, 31)),
        )
        self.assertFalse(self.company._cq_satisfaction_campaign_due(date(2026, 6, 3)))

    def test_no_schedule_no_campaign(self):
        self.company.cq_satisfaction_schedule = "none"
        with freeze_time("2026-12-01 10:00:00"):
            self.env["cq.satisfaction.campaign"]._cron_schedule()
        self.assertFalse(self._scheduled())

    def test_customers_without_email_wait_for_a_paper_answer(self):
        self.customer.email = False
        self.contact.email = False
        with freeze_time("2026-12-01 10:00:00"):
            self.env["cq.satisfaction.campaign"]._cron_schedule()
        campaign = self._scheduled()
        recipient = campaign.recipient_ids.filtered(
            lambda r: r.partner_id == self.customer
        )
        self.assertEqual(recipient.status, "to_send")
        self.assertIn("Acme Motors", campaign.activity_ids.note)


@tagged("post_install", "-at_install")
class TestSatisfactionPaperEntry(CqSatisfactionCommon):
    def _wizard(self, campaign, user=None):
        recipient = campaign.recipient_ids.filtered(
            lambda r: r.partner_id == self.customer
        )
        action = recipient.with_user(user or self.sales_user).action_enter_answer()
        return Form(
            self.env[action["res_model"]]
            .with_user(user or self.sales_user)
            .with_context(**action["context"])
        )

    def _fill(self, form, values):
        for index in range(len(form.line_ids)):
            with form.line_ids.edit(index) as line:
                key = (line.question_id, line.matrix_row_id)
                if key not in values:
                    continue
                value = values[key]
                if line.question_type == "scale":
                    line.scale_value = value
                elif line.question_type in ("char_box", "text_box"):
                    line.text_value = value
                else:
                    line.answer_id = self._choice(line.question_id, value)

    def test_a_sales_user_enters_a_paper_answer(self):
        campaign = self._campaign(user=self.sales_user)
        campaign.with_user(self.sales_user).action_send()
        form = self._wizard(campaign)
        form.method = "paper"
        nothing = self.env["survey.question.answer"]
        self._fill(
            form,
            {
                (self.q1, nothing): 4,
                (self.q2, nothing): 5,
                (self.q3, self.row_a): 5,
                (self.q5, nothing): "Deliver on Fridays",
            },
        )
        form.save().action_confirm()
        recipient = campaign.recipient_ids
        answer = recipient.user_input_id
        self.assertEqual(recipient.status, "answered")
        self.assertEqual(answer.state, "done")
        self.assertEqual(answer.cq_entry_method, "paper")
        self.assertEqual(answer.cq_entered_by_id, self.sales_user)
        self.assertAlmostEqual(answer.cq_score, (250 / 3 + 100) / 2, places=2)
        self.assertEqual(
            answer.user_input_line_ids.filtered(
                lambda line: line.question_id == self.q5
            ).value_text_box,
            "Deliver on Fridays",
        )
        with self.assertRaisesRegex(UserError, "already answered"):
            self._wizard(campaign).save().action_confirm()

    def test_a_paper_answer_on_a_campaign_of_quality(self):
        campaign = self._campaign()  # organised by the quality officer
        campaign.action_send()
        form = self._wizard(campaign)
        self._fill(form, {(self.q1, self.env["survey.question.answer"]): 5})
        form.save().action_confirm()
        self.assertEqual(campaign.recipient_ids.status, "answered")
        note = campaign.message_ids[0]
        self.assertIn("entered by Sally Sales", note.body)
        self.assertEqual(note.author_id, self.sales_user.partner_id)

    def test_an_interview_answer_without_an_invitation(self):
        campaign = self._campaign()
        campaign.action_prepare()
        form = self._wizard(campaign, user=self.officer)
        form.method = "interview"
        self._fill(form, {(self.q1, self.env["survey.question.answer"]): 2})
        form.save().action_confirm()
        self.assertEqual(
            campaign.recipient_ids.user_input_id.cq_entry_method, "interview"
        )
        self.assertEqual(campaign.recipient_ids.status, "answered")

    def test_bad_input_writes_nothing(self):
        campaign = self._campaign()
        campaign.action_send()
        answer = campaign.recipient_ids.user_input_id
        wizard = self._wizard(campaign).save()
        line = wizard.line_ids.filtered(lambda line: line.question_id == self.q2)
        line.write({"scale_value": 9, "has_scale_value": True})
        with self.assertRaisesRegex(UserError, "from 1 to 5"):
            wizard.action_confirm()
        line.write({"scale_value": 3})
        wizard.line_ids.filtered(
            lambda line: line.question_id == self.q1
        ).answer_id = self._choice(self.q4, 5)
        with self.assertRaisesRegex(UserError, "is not an answer of"):
            wizard.action_confirm()
        self.assertFalse(answer.user_input_line_ids)
        self.assertEqual(answer.state, "new")

    def test_several_answers_where_the_question_takes_them(self):
        several = self.env["survey.question"].create(
            {
                "survey_id": self.survey.id,
                "title": "Q6 what we do well",
                "question_type": "multiple_choice",
                "cq_dimension_id": self.quality.id,
                "sequence": 6,
                "suggested_answer_ids": [
                    Command.create({"value": "Quality", "cq_rating": 5}),
                    Command.create({"value": "Price", "cq_rating": 3}),
                    Command.create({"value": "Nothing", "cq_rating": 1}),
                ],
            }
        )
        campaign = self._campaign()
        campaign.action_send()
        wizard = self._wizard(campaign, user=self.officer).save()
        line = wizard.line_ids.filtered(lambda line: line.question_id == several)
        self.assertTrue(line.takes_several)
        line.answer_ids = several.suggested_answer_ids[:2]
        with self.assertRaisesRegex(UserError, "takes one answer only"):
            q1 = wizard.line_ids.filtered(lambda line: line.question_id == self.q1)
            q1.answer_ids = self.q1.suggested_answer_ids[:2]
            wizard.action_confirm()
        q1.answer_ids = False
        wizard.action_confirm()
        answer = campaign.recipient_ids.sudo().user_input_id
        self.assertEqual(
            answer.user_input_line_ids.filtered(
                lambda line: line.question_id == several
            ).suggested_answer_id,
            several.suggested_answer_ids[:2],
        )
        # the two answers of the item: (100 + 50) / 2
        self.assertEqual(answer.cq_score, 75.0)

    def test_nothing_rated_is_refused(self):
        campaign = self._campaign()
        campaign.action_send()
        with self.assertRaisesRegex(UserError, "at least one rated answer"):
            self._wizard(campaign).save().action_confirm()

    def test_not_for_the_customers_of_others(self):
        self.customer.user_id = self.officer
        campaign = self._campaign()
        campaign.action_send()
        recipient = campaign.recipient_ids
        self.assertFalse(
            self.env["cq.satisfaction.recipient"]
            .with_user(self.sales_user)
            .search([("id", "=", recipient.id)])
        )
        with self.assertRaises(AccessError):
            self._wizard(campaign)

    def test_a_closed_campaign_takes_no_answer(self):
        campaign = self._campaign(self.customer | self.other_customer)
        campaign.action_send()
        wizard = self._wizard(campaign, user=self.officer).save()
        campaign.action_close()
        with self.assertRaisesRegex(UserError, "no more answers"):
            wizard.action_confirm()


@tagged("post_install", "-at_install")
class TestSatisfactionRobustness(CqSatisfactionCommon):
    def test_a_campaign_of_its_own_dates_counts_in_the_schedule_s_period(self):
        campaign = self._campaign(
            date_from=date(2026, 8, 15), date_to=date(2026, 11, 30)
        )
        response = self._respond({self.q1: 4}, campaign=campaign)
        self.assertEqual(
            set(response.cq_score_ids.mapped("period_start")), {date(2026, 7, 1)}
        )

    def test_moving_the_due_date_moves_the_links_deadline(self):
        campaign = self._campaign()
        campaign.action_send()
        answer = campaign.recipient_ids.sudo().user_input_id
        # the end of the due day in Shanghai (the company's calendar's zone)
        self.assertEqual(answer.deadline, campaign._cq_answer_deadline())
        campaign.date_due = campaign.date_due + timedelta(days=10)
        self.assertEqual(answer.deadline, campaign._cq_answer_deadline())

    def test_no_quality_manager_no_lost_answer(self):
        self.company.write(
            {
                "cq_satisfaction_capa_mode": "open",
                "cq_quality_manager_id": False,
                "cq_management_rep_id": False,
                "cq_general_manager_id": False,
            }
        )
        response = self._respond({self.q1: 1})
        self.assertEqual(response.state, "done")
        trigger = self.env["cq.satisfaction.trigger"].search(
            [("reason_ids.response_id", "=", response.id)]
        )
        self.assertEqual(trigger.state, "proposed", "nobody to lead it: proposed")
        self.assertFalse(trigger.capa_id)

    def test_a_campaign_with_invitations_is_not_deleted(self):
        campaign = self._campaign()
        campaign.action_prepare()
        form_entry = (
            self.env["cq.satisfaction.entry.wizard"]
            .with_context(default_recipient_id=campaign.recipient_ids.id)
            .create({"method": "interview"})
        )
        form_entry.line_ids.filtered(
            lambda line: line.question_id == self.q1
        ).answer_id = self._choice(self.q1, 4)
        form_entry.action_confirm()
        with self.assertRaisesRegex(UserError, "cancel it instead"):
            campaign.unlink()
