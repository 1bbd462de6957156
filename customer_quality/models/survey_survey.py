from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class SurveySurvey(models.Model):
    _name = "survey.survey"
    _inherit = ["survey.survey", "cq.satisfaction.survey.guard"]

    cq_is_satisfaction = fields.Boolean(
        "Customer satisfaction survey",
        help="Its answers are scored per dimension (0-100), open corrective actions "
        "on weak results, and are seen only by quality staff and the customers' "
        "salespeople.",
    )
    cq_form_number = fields.Char(
        "Form number",
        help="The form number printed on this survey's paper form, when it is not "
        "the company's number of the blank survey form (Configuration > Form "
        "numbers).",
    )
    cq_dimension_ids = fields.Many2many(
        "cq.satisfaction.dimension",
        compute="_compute_cq_dimension_ids",
        string="Dimensions measured",
    )

    @api.depends(
        "question_and_page_ids.cq_dimension_id",
        "question_and_page_ids.matrix_row_ids.cq_dimension_id",
    )
    def _compute_cq_dimension_ids(self):
        for survey in self:
            questions = survey.question_and_page_ids
            survey.cq_dimension_ids = (
                questions.cq_dimension_id | questions.matrix_row_ids.cq_dimension_id
            )

    def _cq_guarded_surveys(self):
        return self

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("cq_is_satisfaction") for vals in vals_list):
            self._cq_check_satisfaction_editor()
        return super().create(vals_list)

    def _cq_check_satisfaction_editor(self):
        if not self.env.su and not any(
            self.env.user.has_group(group)
            for group in (
                "customer_quality.group_cq_manager",
                "survey.group_survey_manager",
            )
        ):
            raise AccessError(
                self.env._(
                    "Only quality managers make a survey a customer satisfaction "
                    "survey."
                )
            )

    def write(self, vals):
        self._cq_check_survey_editor()
        if vals.get("cq_is_satisfaction"):
            self._cq_check_satisfaction_editor()
        if "cq_is_satisfaction" in vals and not vals["cq_is_satisfaction"]:
            answered = self.filtered("cq_is_satisfaction").user_input_ids
            if answered:
                raise UserError(
                    self.env._(
                        "%s has customers' answers: it stays a satisfaction survey.",
                        answered.survey_id[:1].title,
                    )
                )
        return super().write(vals)

    def _cq_form_number(self):
        """The number printed on the paper form: the survey's own, else the
        company's number of the blank survey form."""
        self.ensure_one()
        return self.cq_form_number or self.env.company._cq_form_number(
            "customer_quality.action_report_cq_satisfaction_survey"
        )

    def _cq_scored_items(self):
        """(question, matrix row or empty, dimension, weight, competitor) for
        every item of the survey that counts in a dimension."""
        self.ensure_one()
        items = []
        for question in self.question_ids:
            if question.question_type == "matrix":
                for row in question.matrix_row_ids:
                    dimension = row.cq_dimension_id or question.cq_dimension_id
                    if dimension:
                        items.append(
                            (
                                question,
                                row,
                                dimension,
                                row.cq_weight or question.cq_weight,
                                row.cq_competitor_id or question.cq_competitor_id,
                            )
                        )
            elif question.cq_dimension_id:
                items.append(
                    (
                        question,
                        question.matrix_row_ids.browse(),
                        question.cq_dimension_id,
                        question.cq_weight,
                        question.cq_competitor_id,
                    )
                )
        return items

    def _cq_check_satisfaction_ready(self):
        """A satisfaction survey sent to customers must score: at least one item
        in a dimension, each scored item with ratings to rescale."""
        for survey in self:
            items = survey._cq_scored_items()
            if not items:
                raise UserError(
                    self.env._(
                        "%s measures no dimension: give its questions a "
                        "satisfaction dimension first.",
                        survey.title,
                    )
                )
            for question in {item[0] for item in items}:
                question._cq_check_scorable()
