from odoo import models
from odoo.exceptions import AccessError

# who may change a satisfaction survey's questions, answers, ratings and weights
SURVEY_EDITORS = ("customer_quality.group_cq_manager", "survey.group_survey_manager")


class CqSatisfactionSurveyGuard(models.AbstractModel):
    """A satisfaction survey decides customers' scores: its questions, answers,
    ratings, dimensions and weights are changed by quality managers (and survey
    administrators) only, whatever Odoo's survey officers may do elsewhere."""

    _name = "cq.satisfaction.survey.guard"
    _description = "Satisfaction Survey Guard"

    def _cq_guarded_surveys(self):
        """The satisfaction surveys these records belong to."""
        raise NotImplementedError

    def _cq_check_survey_editor(self, surveys=None):
        surveys = self._cq_guarded_surveys() if surveys is None else surveys
        if self.env.su or not surveys.filtered("cq_is_satisfaction"):
            return
        if any(self.env.user.has_group(group) for group in SURVEY_EDITORS):
            return
        raise AccessError(
            self.env._(
                "Only quality managers change a customer satisfaction survey: its "
                "questions and ratings decide the customers' scores."
            )
        )
