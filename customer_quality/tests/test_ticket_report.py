import io
import shutil
import subprocess

from lxml import html

from odoo.tests import tagged
from odoo.tests.common import HttpCase
from odoo.tools.pdf import PdfFileReader
from odoo.tools.safe_eval import safe_eval, time

from .common import CqCommon

REPORT = "customer_quality.action_report_cq_ticket"
ZH_TITLE = "客户投诉登记反馈表"
EN_TITLE = "Complaint Registration and Feedback Form"
SIGNATURES = [
    "Recorded by",
    "Department manager",
    "Quality department",
    "Approved by",
    "Customer confirmation",
]


class TicketReportMixin:
    def _serious_ticket(self, **values):
        vals = {
            "serious_safety": True,
            "serious_repeated": True,
            "urgent": True,
            "product_id": self.product.id,
            "lot_id": self.lot.id,
            "picking_id": self.delivery.id,
            "defective_qty": 12,
            "demand_exchange": True,
            "demand_compensation": True,
            "temporary_measure_1": "Sort the stock at the customer",
        }
        vals.update(values)
        return self._ticket(**vals)

    def _html(self, ticket, user=None):
        report = self.env["ir.actions.report"]
        if user:
            report = report.with_user(user)
        content, content_type = report._render_qweb_html(REPORT, ticket.ids)
        self.assertEqual(content_type, "html")
        return html.fromstring(content)

    @staticmethod
    def _text(node):
        return " ".join(node.text_content().split())

    def _checks(self, tree):
        """{label: ticked} of the form's checkboxes laid out as ``cq-check``."""
        result = {}
        for span in tree.xpath('//span[contains(@class, "cq-check")]'):
            text = self._text(span)
            if text:
                result[text[1:].strip()] = text[0] == "☒"
        return result


class TestTicketReport(TicketReportMixin, CqCommon):
    def test_form_contents(self):
        ticket = self._serious_ticket()
        tree = self._html(ticket, user=self.sales_user)
        text = self._text(tree)
        for expected in (
            ticket.name,
            "Acme Motors",
            "Li Wei",
            "Calipers squeal",
            "LOT-2026-001",
        ):
            self.assertIn(expected, text)
        self.assertIn("squeal after 200 km", text, "the description is printed")
        self.assertIn("Sort the stock at the customer", text)
        # the fixed bilingual title, English first outside Chinese
        titles = tree.xpath('//div[hasclass("cq-title")]/*')
        self.assertEqual([self._text(t) for t in titles], [EN_TITLE, ZH_TITLE])
        # serious criteria and demands: exactly the ticked ones are ticked
        checks = self._checks(tree)
        self.assertTrue(checks["Safety risk"])
        self.assertTrue(checks["Repeated failure in a short period"])
        self.assertFalse(checks["Whole-batch return"])
        self.assertFalse(checks["Referred by an authority"])
        self.assertTrue(checks["Exchange"])
        self.assertTrue(checks["Claim / compensation"])
        self.assertFalse(checks["Return"])
        self.assertIn("☒ Urgent: handle within 2 working days", text)
        self.assertIn("Serious", text)
        # the deadlines and the signature lines
        self.assertIn("Urgent handling", text)
        signatures = tree.xpath('//table[@name="cq_signatures"]')
        self.assertEqual(len(signatures), 1)
        sign_text = self._text(signatures[0])
        for label in SIGNATURES:
            self.assertIn(label, sign_text)
        self.assertIn(
            "Sally Sales", sign_text, "the recorder is named under 'Recorded by'"
        )
        self.assertIn("Tom Teamlead", sign_text, "the department manager is named")
        self.assertIn("Customer feedback → receipt → inquiry → record", text)

    def test_general_ticket_unticked(self):
        ticket = self._ticket()
        text = self._text(self._html(ticket))
        self.assertIn("☐ Urgent", text)
        checks = self._checks(self._html(ticket))
        criteria = [
            "Safety risk",
            "Compensation demanded",
            "Repeated failure in a short period",
            "Referred by an authority",
            "Whole-batch return",
        ]
        self.assertEqual(
            {label: checks[label] for label in criteria}, dict.fromkeys(criteria, False)
        )
        loss = [label for label in checks if label.startswith("Loss claimed")]
        self.assertEqual(len(loss), 1)
        self.assertFalse(checks[loss[0]])

    def test_loss_above_threshold_is_ticked(self):
        ticket = self._ticket(loss_amount=25000.0)
        self.assertEqual(ticket.severity, "serious")
        checks = self._checks(self._html(ticket))
        loss = [label for label in checks if label.startswith("Loss claimed")]
        self.assertTrue(checks[loss[0]])

    def test_handling_record(self):
        ticket = self._investigated(self._serious_ticket(), fault_team_id=self.team.id)
        text = self._text(self._html(ticket))
        self.assertIn("Shim missing at assembly.", text)
        self.assertIn("Replace the 12 calipers free of charge.", text)
        self.assertIn("Our product", text)
        self.assertIn(
            "General manager", text, "serious tickets go to the general manager"
        )
        self.assertNotIn("pending ledger", text)
        self.assertNotIn("Photos and files", text)

        ticket.action_put_pending("Waiting for the carrier's survey report")
        self.env["ir.attachment"].create(
            {
                "name": "squeal.jpg",
                "raw": b"jpeg",
                "res_model": "cq.ticket",
                "res_id": ticket.id,
            }
        )
        ticket._cq_write_workflow(
            {
                "customer_acceptance": "refused",
                "acceptance_note": "Wants a refund instead",
            }
        )
        ticket.invalidate_recordset(["attachment_count"])
        tree = self._html(ticket)
        checks = self._checks(tree)
        self.assertTrue(checks["Not satisfied"])
        self.assertFalse(checks["Accepted"])
        text = self._text(tree)
        self.assertIn("Wants a refund instead", text)
        self.assertIn("In the pending ledger", text)
        self.assertIn("Waiting for the carrier's survey report", text)
        self.assertIn("Photos and files 1 attached to the ticket", text)

    def test_a_chinese_company_gets_the_chinese_title_first(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.company.partner_id.lang = "zh_CN"
        ticket = self._ticket()
        tree = self._html(ticket)
        titles = tree.xpath('//div[hasclass("cq-title")]/*')
        self.assertEqual([self._text(t) for t in titles], [ZH_TITLE, EN_TITLE])

    def test_one_document_per_ticket(self):
        """Printing several tickets gives one form each, marked so that Odoo can split
        the PDF per ticket."""
        tickets = self._ticket() | self._ticket(subject="Wrong label")
        tree = self._html(tickets)
        articles = tree.xpath('//div[contains(concat(" ", @class, " "), " article ")]')
        self.assertEqual(
            [(a.get("data-oe-model"), int(a.get("data-oe-id"))) for a in articles],
            [("cq.ticket", ticket.id) for ticket in tickets],
        )
        self.assertIn(tickets[0].name, self._text(articles[0]))
        self.assertNotIn(tickets[1].name, self._text(articles[0]))
        self.assertIn(tickets[1].name, self._text(articles[1]))

    def test_printed_in_the_company_language_with_the_customer_s_words(self):
        # an internal form: in the language the company works in, whatever
        # the customer's or the printing user's; what the customer said is
        # kept as recorded
        self.env["res.lang"]._activate_lang("zh_CN")
        view = self.env.ref("customer_quality.report_cq_ticket_document")
        view.update_field_translations(
            "arch_db", {"zh_CN": {"Customer's demands": "客户诉求"}}
        )
        self.customer.lang = "zh_CN"
        ticket = self._ticket(description="<p>The calipers squeal at 30 km/h.</p>")
        self.assertEqual(self.env.user.lang, "en_US")
        text = self._text(self._html(ticket))
        self.assertIn("Customer's demands", text, "the company works in English")
        self.assertNotIn("客户诉求", text)
        self.company.partner_id.lang = "zh_CN"
        self.customer.lang = "en_US"
        text = self._text(self._html(ticket))
        self.assertIn("客户诉求", text)
        self.assertNotIn("Customer's demands", text)
        self.assertIn("The calipers squeal at 30 km/h.", text)

    def test_file_name(self):
        ticket = self._ticket()
        report = self.env.ref(REPORT)
        self.assertEqual(
            report.binding_model_id.model, "cq.ticket", "offered in the Print menu"
        )
        name = safe_eval(report.print_report_name, {"object": ticket, "time": time})
        self.assertEqual(name, f"Complaint - {ticket.name.replace('/', '-')}")
        self.assertNotIn("/", name)


@tagged("post_install", "-at_install")
class TestTicketReportPdf(TicketReportMixin, CqCommon, HttpCase):
    """Real PDFs: wkhtmltopdf loads the report assets from the running server."""

    def _pdf(self, tickets):
        content, content_type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(REPORT, tickets.ids)
        )
        self.assertEqual(content_type, "pdf")
        self.assertTrue(content.startswith(b"%PDF"))
        return PdfFileReader(io.BytesIO(content))

    def test_pdf_one_page(self):
        ticket = self._investigated(self._serious_ticket(), fault_team_id=self.team.id)
        self.assertEqual(len(self._pdf(ticket).pages), 1, "the form fits on one page")

    def test_pdf_chinese_customer(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        customer = self.env["res.partner"].create(
            {"name": "上海汽车配件有限公司", "is_company": True, "lang": "zh_CN"}
        )
        ticket = self._ticket(
            partner_id=customer.id, contact_id=False, subject="制动钳异响"
        )
        reader = self._pdf(ticket)
        fonts = {
            str(font.get_object()["/BaseFont"])
            for page in reader.pages
            for font in page["/Resources"]["/Font"].values()
        }
        if not self._cjk_font_installed():
            self.skipTest("no CJK font installed on this machine")
        self.assertTrue(
            any(
                "CJK" in font or "Han" in font or "WenQuanYi" in font for font in fonts
            ),
            f"a CJK font is embedded for the Chinese texts: {fonts}",
        )

    @staticmethod
    def _cjk_font_installed():
        if not shutil.which("fc-list"):
            return False
        output = subprocess.run(
            ["fc-list", ":lang=zh"], capture_output=True, text=True, check=False
        )
        return bool(output.stdout.strip())
