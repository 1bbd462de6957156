from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SurveyQuestionAnswer(models.Model):
    _name = "survey.question.answer"
    _inherit = ["survey.question.answer", "cq.satisfaction.survey.guard"]

    cq_rating = fields.Float(
        "Rating",
        help="The answer's value on the question's own scale (e.g. 5 very satisfied "
        "… 1 very dissatisfied); rescaled to 0-100 between the question's lowest and "
        "highest rating.",
    )
    cq_not_applicable = fields.Boolean(
        "Not applicable",
        help="Choosing it leaves the item out of the score, like a skipped answer.",
    )
    # matrix rows
    cq_dimension_id = fields.Many2one(
        "cq.satisfaction.dimension",
        string="Satisfaction dimension",
        ondelete="restrict",
        help="For a matrix row: the dimension it counts in (empty: the question's).",
    )
    cq_weight = fields.Float(
        "Weight in dimension",
        help="For a matrix row: its weight in its dimension (0: the question's).",
    )
    cq_competitor_id = fields.Many2one(
        "res.partner",
        string="About competitor",
        help="For a matrix row: the competitor it asks about (empty: the question's).",
    )

    def _cq_guarded_surveys(self):
        return self.question_id.survey_id | self.matrix_question_id.survey_id

    @api.constrains("cq_weight")
    def _check_cq_weight(self):
        for answer in self:
            if answer.cq_weight < 0:
                raise ValidationError(
                    self.env._("The weight of %s cannot be negative.", answer.value)
                )

    @api.model_create_multi
    def create(self, vals_list):
        questions = self.env["survey.question"].browse(
            [
                vals.get("question_id") or vals.get("matrix_question_id")
                for vals in vals_list
                if vals.get("question_id") or vals.get("matrix_question_id")
            ]
        )
        self._cq_check_survey_editor(questions.survey_id)
        return super().create(vals_list)

    def write(self, vals):
        self._cq_check_survey_editor()
        return super().write(vals)

    def unlink(self):
        self._cq_check_survey_editor()
        return super().unlink()
