from odoo import Command, fields

from .common import CqCommon


class CqSatisfactionCommon(CqCommon):
    """A small satisfaction survey whose scores are easy to work out by hand:

    - Q1 choice (quality, weight 2), ratings 5..1 and "not applicable";
    - Q2 scale 1..5 (quality, weight 1);
    - Q3 matrix, columns rated 5..1 and N/A, rows A (delivery, 1), B (delivery,
      3) and C (price, 1);
    - Q4 choice about a competitor (delivery), same answers as Q1;
    - Q5 free text.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.quality = cls.env.ref("customer_quality.cq_satisfaction_dimension_quality")
        cls.delivery_dim = cls.env.ref(
            "customer_quality.cq_satisfaction_dimension_delivery"
        )
        cls.price = cls.env.ref("customer_quality.cq_satisfaction_dimension_price")
        (cls.quality | cls.delivery_dim | cls.price).weight = 1.0
        cls.competitor = cls.env["res.partner"].create(
            {"name": "Rival Brakes Ltd", "is_company": True}
        )
        choices = [
            Command.create({"value": label, "cq_rating": rating, "sequence": i})
            for i, (label, rating) in enumerate(
                [("Very good", 5), ("Good", 4), ("Fair", 3), ("Poor", 2), ("Bad", 1)]
            )
        ] + [Command.create({"value": "N/A", "cq_not_applicable": True, "sequence": 9})]
        cls.survey = cls.env["survey.survey"].create(
            {
                "title": "Test satisfaction",
                "cq_is_satisfaction": True,
                "access_mode": "token",
                "survey_type": "survey",
                "question_and_page_ids": [
                    Command.create(
                        {
                            "title": "Q1 quality",
                            "question_type": "simple_choice",
                            "cq_dimension_id": cls.quality.id,
                            "cq_weight": 2.0,
                            "sequence": 1,
                            "suggested_answer_ids": choices,
                        }
                    ),
                    Command.create(
                        {
                            "title": "Q2 quality scale",
                            "question_type": "scale",
                            "scale_min": 1,
                            "scale_max": 5,
                            "cq_dimension_id": cls.quality.id,
                            "sequence": 2,
                        }
                    ),
                    Command.create(
                        {
                            "title": "Q3 matrix",
                            "question_type": "matrix",
                            "matrix_subtype": "simple",
                            "sequence": 3,
                            "cq_dimension_id": cls.delivery_dim.id,
                            "suggested_answer_ids": choices,
                            "matrix_row_ids": [
                                Command.create({"value": "Row A", "sequence": 1}),
                                Command.create(
                                    {"value": "Row B", "sequence": 2, "cq_weight": 3.0}
                                ),
                                Command.create(
                                    {
                                        "value": "Row C",
                                        "sequence": 3,
                                        "cq_dimension_id": cls.price.id,
                                    }
                                ),
                            ],
                        }
                    ),
                    Command.create(
                        {
                            "title": "Q4 competitor delivery",
                            "question_type": "simple_choice",
                            "cq_dimension_id": cls.delivery_dim.id,
                            "cq_competitor_id": cls.competitor.id,
                            "sequence": 4,
                            "suggested_answer_ids": choices,
                        }
                    ),
                    Command.create(
                        {
                            "title": "Q5 comments",
                            "question_type": "text_box",
                            "sequence": 5,
                        }
                    ),
                ],
            }
        )
        cls.q1, cls.q2, cls.q3, cls.q4, cls.q5 = cls.survey.question_ids.sorted(
            "sequence"
        )
        cls.row_a, cls.row_b, cls.row_c = cls.q3.matrix_row_ids.sorted("sequence")
        cls.company.cq_satisfaction_survey_id = cls.survey
        # the demo's own results of the company (its 2026 story) would be counted
        # in the all-customers cells and the tested family: the tests start from
        # none (rolled back with the test)
        cls.env.flush_all()
        cls.env.cr.execute(
            "DELETE FROM cq_satisfaction_score WHERE company_id = %s", [cls.company.id]
        )
        cls.env.cr.execute(
            "DELETE FROM cq_satisfaction_trigger WHERE company_id = %s",
            [cls.company.id],
        )
        cls.env.invalidate_all()
        cls.period = cls.company._cq_satisfaction_period(fields.Date.today())

    @classmethod
    def _choice(cls, question, rating=None, na=False):
        for answer in question.suggested_answer_ids:
            if na and answer.cq_not_applicable:
                return answer
            if not na and not answer.cq_not_applicable and answer.cq_rating == rating:
                return answer
        raise AssertionError(f"no answer rated {rating} on {question.title}")

    def _campaign(self, partners=None, user=None, **values):
        vals = {
            "title": "Test campaign",
            "survey_id": self.survey.id,
            "audience": "list",
            "partner_ids": [Command.set((partners or self.customer).ids)],
        }
        vals.update(values)
        return (
            self.env["cq.satisfaction.campaign"]
            .with_user(user or self.officer)
            .create(vals)
        )

    def _respond(self, answers, partner=None, campaign=None, contact=None):
        """Finish an answer of ``partner`` (by ``contact``, listed on the
        campaign if needed) with ``answers``: {question: rating, 'na', None
        (skipped), or {row: rating}} (scale questions: the value)."""
        partner = (
            partner or (contact and contact.commercial_partner_id) or self.customer
        )
        campaign = campaign or self._campaign(partner)
        if campaign.state == "draft":
            campaign.action_prepare()
            campaign.action_send()
        recipient = campaign.recipient_ids.filtered(
            lambda r: (
                r.partner_id == partner and (not contact or r.contact_id == contact)
            )
        )[:1]
        if not recipient:
            recipient = (
                self.env["cq.satisfaction.recipient"]
                .with_user(self.officer)
                .create(
                    {
                        "campaign_id": campaign.id,
                        "partner_id": partner.id,
                        "contact_id": contact.id,
                    }
                )
            )
        response = recipient.sudo()._cq_answer()
        for question, value in answers.items():
            if question.question_type == "matrix":
                value = {
                    row.id: [
                        (
                            self._choice(question, na=True)
                            if rating == "na"
                            else self._choice(question, rating)
                        ).id
                    ]
                    for row, rating in value.items()
                }
            elif question.question_type == "scale":
                value = value and str(value)
            elif question.question_type in ("simple_choice", "multiple_choice"):
                if value == "na":
                    value = self._choice(question, na=True).id
                elif value is not None:
                    value = self._choice(question, value).id
            response._save_lines(question, value or False)
        response._mark_done()
        return response

    def _scores(self, response):
        return {
            (s.dimension_id, s.competitor_id): s.score
            for s in response.cq_score_ids
            if not s.is_overall
        }
