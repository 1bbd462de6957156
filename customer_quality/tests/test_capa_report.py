import io

from lxml import html

from odoo import Command
from odoo.tests import tagged
from odoo.tests.common import HttpCase
from odoo.tools.pdf import PdfFileReader
from odoo.tools.safe_eval import safe_eval, time

from .test_capa_workflow import CqCapaCommon

REPORT_8D = "customer_quality.action_report_cq_capa_8d"
REPORT_CAPA = "customer_quality.action_report_cq_capa"
STEPS_8D = [
    "D1 Team",
    "D2 Problem description (5W2H)",
    "D3 Containment",
    "D4 Root causes",
    "D5 Permanent corrective actions",
    "D6 Implementation and validation",
    "D7 Prevention",
    "D8 Closure and recognition",
]
SIGNATURES = [
    "Team leader",
    "Effectiveness verified by",
    "Closed by",
    "Customer acceptance",
]


class CapaReportMixin:
    def _closed_8d(self):
        capa = self._8d(customer_reference="ACME-8D-17", problem_where="Line 3")
        capa = self._implemented(capa, owner=self.warehouse_user)
        self.env["cq.capa.document"].with_user(self.officer).create(
            {
                "capa_id": capa.id,
                "document_type": "control_plan",
                "reference": "CP-200",
                "revision": "F",
            }
        )
        manager = capa.with_user(self.quality_manager)
        manager.action_verify(
            True, "deliveries", "Lots 14, 21, 30 without squeal.", deliveries_checked=3
        )
        capa.customer_acceptance = "accepted"
        manager.action_close()
        return capa

    def _html(self, report, capa, user=None):
        Report = self.env["ir.actions.report"]
        if user:
            Report = Report.with_user(user)
        content, _type = Report._render_qweb_html(report, capa.ids)
        return " ".join(html.fromstring(content).text_content().split())


@tagged("post_install", "-at_install")
class TestCapaReport(CapaReportMixin, CqCapaCommon):
    def test_8d_report_has_every_step_and_the_signatures(self):
        capa = self._closed_8d()
        text = self._html(REPORT_8D, capa, user=self.officer)
        for expected in [
            "8D Report",
            "8D报告",
            capa.name,
            "ACME-8D-17",
            "Line 3",
            "occurrence cause",
            "detection cause",
            "CP-200",
            "Lots 14, 21, 30 without squeal.",
            "Quinn Quality",
            *STEPS_8D,
            *SIGNATURES,
        ]:
            with self.subTest(expected=expected):
                self.assertIn(expected, text)
        # the English title comes first outside Chinese
        self.assertLess(text.index("8D Report"), text.index("8D报告"))

    def test_capa_report_is_the_short_form(self):
        capa = self._implemented(self._capa())
        text = self._html(REPORT_CAPA, capa, user=self.officer)
        self.assertIn("Corrective and Preventive Action Report", text)
        self.assertIn("纠正预防措施报告", text)
        self.assertIn("occurrence cause", text)
        self.assertNotIn("D4 Root causes", text)

    def test_printed_in_the_customer_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.customer.lang = "zh_CN"
        capa = self._capa()
        text = self._html(REPORT_8D, capa)
        self.assertLess(text.index("8D报告"), text.index("8D Report"))

    def test_team_member_prints_it(self):
        capa = self._capa(member_ids=[Command.set(self.warehouse_user.ids)])
        text = self._html(REPORT_8D, capa, user=self.warehouse_user)
        self.assertIn(capa.name, text)

    def test_file_names(self):
        capa = self._capa()
        for xmlid, prefix in ((REPORT_8D, "8D"), (REPORT_CAPA, "CAPA")):
            report = self.env.ref(xmlid)
            self.assertEqual(report.binding_model_id.model, "cq.capa")
            name = safe_eval(report.print_report_name, {"object": capa, "time": time})
            self.assertEqual(name, f"{prefix} - {capa.name.replace('/', '-')}")

    def test_sent_from_the_chatter_with_the_report(self):
        capa = self._8d()
        action = capa.action_send_8d()
        composer = (
            self.env["mail.compose.message"]
            .with_user(self.officer)
            .with_context(**action["context"])
            .create({})
        )
        self.assertIn(capa.name, composer.subject)
        self.assertEqual(composer.partner_ids, self.customer)
        self.assertFalse(capa.report_sent_date)
        composer._action_send_mail()
        self.assertTrue(capa.report_sent_date, "the customer has it now")
        message = capa.message_ids[0]
        # outside force_report_rendering, test runs render reports as HTML
        self.assertRegex(
            message.attachment_ids.name,
            rf"^8D - {capa.name.replace('/', '-')}\.(pdf|html)$",
        )

    def test_ticket_form_shows_its_capa(self):
        ticket = self._ticket()
        capa = self._capa(ticket_ids=[Command.set(ticket.ids)])
        content, _type = self.env["ir.actions.report"]._render_qweb_html(
            "customer_quality.action_report_cq_ticket", ticket.ids
        )
        text = " ".join(html.fromstring(content).text_content().split())
        self.assertIn(capa.name, text)
        self.assertIn("Short CAPA", text)


@tagged("post_install", "-at_install")
class TestCapaReportPdf(CapaReportMixin, CqCapaCommon, HttpCase):
    def test_real_8d_pdf(self):
        capa = self._closed_8d()
        content, content_type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(REPORT_8D, capa.ids)
        )
        self.assertEqual(content_type, "pdf")
        reader = PdfFileReader(io.BytesIO(content))
        self.assertLessEqual(len(reader.pages), 3)
        text = " ".join(page.extract_text() for page in reader.pages)
        self.assertIn(capa.name, text)
