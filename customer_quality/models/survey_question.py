from odoo import api, fields, models
from odoo.exceptions import ValidationError

SCORED_TYPES = ("simple_choice", "multiple_choice", "matrix", "scale")


class SurveyQuestion(models.Model):
    _name = "survey.question"
    _inherit = ["survey.question", "cq.satisfaction.survey.guard"]

    cq_is_satisfaction = fields.Boolean(related="survey_id.cq_is_satisfaction")
    cq_dimension_id = fields.Many2one(
        "cq.satisfaction.dimension",
        string="Satisfaction dimension",
        ondelete="restrict",
        help="The dimension this question's answers count in (for a matrix: the "
        "rows that have no dimension of their own).",
    )
    cq_weight = fields.Float(
        "Weight in dimension",
        default=1.0,
        help="The item's weight among the items of its dimension.",
    )
    cq_competitor_id = fields.Many2one(
        "res.partner",
        string="About competitor",
        help="The question asks the same item about this competitor: its answers "
        "score the competitor, not us, and are compared with ours.",
    )

    @api.constrains("cq_weight", "cq_dimension_id", "question_type")
    def _check_cq_dimension(self):
        for question in self.filtered("cq_dimension_id"):
            if question.question_type not in SCORED_TYPES:
                raise ValidationError(
                    self.env._(
                        "%(question)s cannot count in a satisfaction dimension: only "
                        "choice, matrix and scale questions are scored.",
                        question=question.title,
                    )
                )
            if question.cq_weight <= 0:
                raise ValidationError(
                    self.env._("The weight of %s must be above zero.", question.title)
                )

    def _cq_guarded_surveys(self):
        return self.survey_id

    @api.model_create_multi
    def create(self, vals_list):
        surveys = self.env["survey.survey"].browse(
            [vals.get("survey_id") for vals in vals_list if vals.get("survey_id")]
        )
        self._cq_check_survey_editor(surveys)
        return super().create(vals_list)

    def write(self, vals):
        self._cq_check_survey_editor()
        if vals.get("survey_id"):
            self._cq_check_survey_editor(self.survey_id.browse(vals["survey_id"]))
        return super().write(vals)

    def unlink(self):
        self._cq_check_survey_editor()
        return super().unlink()

    def _cq_check_scorable(self):
        """Choice and matrix questions need at least two different ratings among
        their answers (other than 'not applicable') to rescale them to 0-100."""
        for question in self:
            if question.question_type == "scale":
                continue
            ratings = {
                answer.cq_rating
                for answer in question.suggested_answer_ids
                if not answer.cq_not_applicable
            }
            if len(ratings) < 2:
                raise ValidationError(
                    self.env._(
                        "%s needs at least two answers with different ratings to be "
                        "scored.",
                        question.title,
                    )
                )

    def _cq_rating_range(self):
        """(lowest, highest) rating of the question's answers, N/A left out."""
        self.ensure_one()
        if self.question_type == "scale":
            return self.scale_min, self.scale_max
        ratings = [
            answer.cq_rating
            for answer in self.suggested_answer_ids
            if not answer.cq_not_applicable
        ]
        return (min(ratings), max(ratings)) if ratings else (0.0, 0.0)
