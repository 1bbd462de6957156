from odoo import SUPERUSER_ID, api

SURVEY_REPORT = "customer_quality.action_report_cq_satisfaction_survey"


def migrate(cr, version):
    """18.0.1.5.0 numbers the printed forms per company (cq.form.number): the
    number the shipped satisfaction survey printed becomes every company's
    number of the blank survey form, so that what is printed stays the same
    and is now set in one place; other surveys keep their own number."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    survey = env.ref(
        "customer_quality.survey_cq_satisfaction", raise_if_not_found=False
    )
    report = env.ref(SURVEY_REPORT, raise_if_not_found=False)
    if not survey or not report or not survey.cq_form_number:
        return
    FormNumber = env["cq.form.number"]
    env["res.company"]._cq_ensure_all_form_numbers()
    FormNumber.search([("report_id", "=", report.id)]).name = survey.cq_form_number
    survey.cq_form_number = False
