import io

from lxml import html

from odoo.tests import tagged
from odoo.tests.common import HttpCase
from odoo.tools.pdf import PdfFileReader

from .satisfaction_common import CqSatisfactionCommon

SURVEY = "customer_quality.action_report_cq_satisfaction_survey"
REVIEW = "customer_quality.action_report_cq_satisfaction_review"
VISIT = "customer_quality.action_report_cq_customer_visit"


class SatisfactionReportMixin:
    def _text(self, report, records, lang=None):
        Report = self.env["ir.actions.report"]
        if lang:
            Report = Report.with_context(lang=lang)
        content, _type = Report._render_qweb_html(report, records.ids)
        return content, " ".join(html.fromstring(content).text_content().split())


@tagged("post_install", "-at_install")
class TestSatisfactionReports(SatisfactionReportMixin, CqSatisfactionCommon):
    def test_blank_survey_has_a_box_per_answer(self):
        survey = self.env.ref("customer_quality.survey_cq_satisfaction")
        content, text = self._text(SURVEY, survey)
        for title in (
            "Customer Satisfaction Survey",
            "顾客满意度调查表",
            survey._cq_form_number(),
            "Filled in by",
        ):
            self.assertIn(title, text)
        for row in survey.question_ids.matrix_row_ids:
            self.assertIn(row.value, text)
        # a box per column of each matrix row and per choice of each question
        boxes = sum(
            len(q.matrix_row_ids) * len(q.suggested_answer_ids)
            if q.question_type == "matrix"
            else len(q.suggested_answer_ids)
            for q in survey.question_ids
            if q.question_type in ("matrix", "simple_choice", "multiple_choice")
        )
        self.assertEqual(content.decode().count('class="cq-box"'), boxes)

    def test_the_campaign_prints_its_paper_form(self):
        campaign = self._campaign(user=self.sales_user)
        action = campaign.with_user(self.sales_user).action_print_paper_form()
        self.assertEqual(
            action["report_name"], "customer_quality.report_cq_satisfaction_survey"
        )
        self.assertEqual(action["context"]["active_ids"], self.survey.ids)

    def test_blank_survey_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env.ref("base.module_customer_quality")._update_translations(["zh_CN"])
        survey = self.env.ref("customer_quality.survey_cq_satisfaction")
        _content, text = self._text(SURVEY, survey, lang="zh_CN")
        self.assertIn("顾客满意度调查表", text)
        self.assertIn("交货准时", text)
        self.assertIn("非常满意", text)

    def test_trend_analysis_form(self):
        review = (
            self.env["cq.satisfaction.review"]
            .with_user(self.officer)
            .create({"period_start": self.period[0]})
        )
        self._respond({self.q1: 4})
        review.action_compute()
        _content, text = self._text(REVIEW, review)
        for words in (
            "Customer Satisfaction Trend Analysis",
            "顾客满意度趋势分析表",
            "All customers",
            "Welch",
            "Reviewed (management representative)",
            "Approved (general manager)",
            "Churn rate",
        ):
            self.assertIn(words, text)

    def test_after_sales_service_report(self):
        visit = self.env["cq.customer.visit"].create(
            {
                "kind": "field_service",
                "partner_id": self.customer.id,
                "units_fitted": 12,
                "problems_found": "Two calipers squeal.",
                "customer_signatory": "Li Wei",
            }
        )
        _content, text = self._text(VISIT, visit)
        for words in (
            "After-sales Service Report",
            "售后服务实施报告",
            "Two calipers squeal.",
            "Li Wei",
            "12",
        ):
            self.assertIn(words, text)


@tagged("post_install", "-at_install")
class TestSatisfactionReportPdf(
    SatisfactionReportMixin, CqSatisfactionCommon, HttpCase
):
    def test_real_pdf_of_the_blank_survey(self):
        survey = self.env.ref("customer_quality.survey_cq_satisfaction")
        content, content_type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(SURVEY, survey.ids)
        )
        self.assertEqual(content_type, "pdf")
        reader = PdfFileReader(io.BytesIO(content))
        self.assertGreaterEqual(len(reader.pages), 1)
        text = "".join(page.extract_text() for page in reader.pages)
        self.assertIn("Customer Satisfaction Survey", " ".join(text.split()))
