from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from ..models.cq_satisfaction_score import satisfaction_level
from .satisfaction_common import CqSatisfactionCommon


@tagged("post_install", "-at_install")
class TestSatisfactionScoring(CqSatisfactionCommon):
    def test_weights_within_a_dimension(self):
        # Q1 "Good" = 4 on 1..5 = 75 (weight 2), Q2 scale 5 = 100 (weight 1)
        response = self._respond({self.q1: 4, self.q2: 5})
        self.assertAlmostEqual(
            self._scores(response)[(self.quality, self.competitor.browse())],
            83.33,
            places=2,
        )
        self.assertAlmostEqual(response.cq_score, 83.33, places=2)
        self.assertEqual(response.cq_level, "fairly")

    def test_matrix_rows_count_in_their_own_dimension_and_weight(self):
        response = self._respond(
            {self.q3: {self.row_a: 5, self.row_b: 1, self.row_c: 3}}
        )
        scores = self._scores(response)
        nobody = self.competitor.browse()
        # delivery: (1 x 100 + 3 x 0) / 4; price: 50
        self.assertAlmostEqual(scores[(self.delivery_dim, nobody)], 25.0)
        self.assertAlmostEqual(scores[(self.price, nobody)], 50.0)
        self.assertAlmostEqual(response.cq_score, 37.5)

    def test_overall_weighted_over_the_dimensions(self):
        self.price.weight = 2.0
        response = self._respond(
            {
                self.q1: 4,
                self.q2: 5,
                self.q3: {self.row_a: 5, self.row_b: 1, self.row_c: 3},
            }
        )
        # (83.33 x 1 + 25 x 1 + 50 x 2) / 4
        self.assertAlmostEqual(response.cq_score, (250 / 3 + 25 + 100) / 4, places=2)
        overall = response.cq_score_ids.filtered("is_overall")
        self.assertAlmostEqual(overall.score, response.cq_score, places=2)
        self.assertEqual(overall.item_count, 5)

    def test_skipped_and_not_applicable_leave_the_denominator(self):
        response = self._respond(
            {self.q1: "na", self.q2: 5, self.q3: {self.row_a: "na", self.row_b: 2}}
        )
        scores = self._scores(response)
        nobody = self.competitor.browse()
        self.assertEqual(
            scores[(self.quality, nobody)], 100.0, "Q1 not applicable: Q2 alone"
        )
        self.assertEqual(
            scores[(self.delivery_dim, nobody)],
            25.0,
            "row A not applicable: row B alone",
        )
        self.assertNotIn(
            (self.price, nobody), scores, "row C not answered: no price score"
        )
        self.assertAlmostEqual(response.cq_score, 62.5)

    def test_nothing_rated_gives_no_score(self):
        response = self._respond({self.q1: None, self.q5: "All fine"})
        self.assertFalse(response.cq_score_ids)
        self.assertFalse(response.cq_level)

    def test_competitor_items_score_the_competitor_not_us(self):
        response = self._respond({self.q3: {self.row_a: 2, self.row_b: 2}, self.q4: 5})
        scores = self._scores(response)
        self.assertEqual(scores[(self.delivery_dim, self.competitor)], 100.0)
        self.assertEqual(scores[(self.delivery_dim, self.competitor.browse())], 25.0)
        self.assertEqual(
            response.cq_score, 25.0, "the competitor is not in our overall"
        )

    def test_levels_at_the_boundaries(self):
        for score, level in [
            (100, "very"),
            (95, "very"),
            (94.99, "fairly"),
            (80, "fairly"),
            (79.99, "generally"),
            (60, "generally"),
            (59.99, "dissatisfied"),
            (0, "dissatisfied"),
        ]:
            self.assertEqual(satisfaction_level(score), level, score)
        # stored with the response: exactly 95, 80 and 60 belong to the level above
        self.q1.cq_weight = 1.0
        self.q2.write({"scale_min": 0, "scale_max": 10})
        for answers, score, level in [
            ({self.q1: 5, self.q2: 9}, 95.0, "very"),
            ({self.q2: 8}, 80.0, "fairly"),
            ({self.q2: 6}, 60.0, "generally"),
            ({self.q2: 5}, 50.0, "dissatisfied"),
        ]:
            response = self._respond(answers)
            self.assertEqual((response.cq_score, response.cq_level), (score, level))

    def test_rescoring_replaces_the_scores(self):
        response = self._respond({self.q1: 4, self.q2: 5})
        count = len(response.cq_score_ids)
        response._cq_score()
        self.assertEqual(len(response.cq_score_ids), count)

    def test_scores_are_written_by_the_scoring_only(self):
        response = self._respond({self.q1: 4})
        with self.assertRaises(UserError):
            response.with_user(self.officer).write({"cq_score": 100.0})
        with self.assertRaises(UserError):
            response.with_user(self.officer).write(
                {"cq_entered_by_id": self.officer.id}
            )
        with self.assertRaises(UserError):
            self.env["survey.user_input"].with_user(self.officer).create(
                {
                    "survey_id": self.survey.id,
                    "cq_campaign_id": response.cq_campaign_id.id,
                }
            )
        self.assertEqual(response.cq_score, 75.0)

    def test_a_campaign_answer_keeps_its_customer(self):
        response = self._respond({self.q1: 4})
        with self.assertRaises(UserError):
            response.with_user(self.officer).write(
                {"partner_id": self.other_customer.id}
            )

    def test_a_question_outside_the_scored_types_has_no_dimension(self):
        with self.assertRaisesRegex(ValidationError, "only choice, matrix and scale"):
            self.q5.cq_dimension_id = self.quality

    def test_scoring_queries_do_not_grow_with_history(self):
        """Scoring a response costs the same queries with 2 or 12 answers of
        the customer on record."""
        counts = []
        for _round in range(2):
            for _i in range(5):
                self._respond({self.q1: 3, self.q2: 2})
            campaign = self._campaign()
            campaign.action_prepare()
            campaign.action_send()
            response = campaign.recipient_ids.sudo()._cq_answer()
            response._save_lines(self.q1, self._choice(self.q1, 4).id)
            response._save_lines(self.q2, "4")
            response._save_lines(
                self.q3, {self.row_a.id: [self._choice(self.q3, 5).id]}
            )
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            response._mark_done()
            self.env.flush_all()
            counts.append(self.cr.sql_log_count - before)
        self.assertGreater(counts[0], 5)
        self.assertEqual(counts[0], counts[1], counts)
