"""The ten printed forms of SPEC §6 as real PDFs: each carries the form number
its company configured, fits its pages without an empty last one, and the
customer's feedback form shows the customer nothing internal."""

import importlib.util
import io
import subprocess
from datetime import date
from pathlib import Path

from lxml import html

from odoo.exceptions import AccessError
from odoo.tests import freeze_time, tagged
from odoo.tests.common import HttpCase
from odoo.tools.pdf import PdfFileReader

from .common import CqReturnCommon
from .test_capa_workflow import CqCapaCommon

FEEDBACK = "customer_quality.action_report_cq_ticket_feedback"
TICKET = "customer_quality.action_report_cq_ticket"
RETURN = "customer_quality.action_report_cq_return"
CLAIM = "customer_quality.action_report_cq_warranty_claim"
REPORT_8D = "customer_quality.action_report_cq_capa_8d"
CAPA = "customer_quality.action_report_cq_capa"
VISIT = "customer_quality.action_report_cq_customer_visit"
SURVEY = "customer_quality.action_report_cq_satisfaction_survey"
REVIEW = "customer_quality.action_report_cq_satisfaction_review"
STATISTICS = "customer_quality.action_report_cq_warranty_claim_statistics"
# the words of each form's last block: on the last page, nothing after it
CLOSING = {
    FEEDBACK: "Customer confirmation",
    TICKET: "Customer confirmation",
    RETURN: "Warehouse",
    CLAIM: "Customer confirmation",
    REPORT_8D: "Closed by",
    CAPA: "Closed by",
    VISIT: "Confirmed by the customer",
    SURVEY: "Please return the form to",
    REVIEW: "Approved (general manager)",
    STATISTICS: "Checked by (quality)",
}
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
# the texts of the reply: the customer's once sent (as in the portal)
REPLY_FIELDS = ("reply_action", "reply_outcome", "reply_reasons", "reply_options")
INTERNAL = "Bleeder machined 0.3 mm short on press 7"


class PrintedFormsCommon(CqCapaCommon, CqReturnCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.FormNumber = cls.env["cq.form.number"]
        cls.other_company = cls.env["res.company"].create({"name": "Other Brakes"})

    def _set_number(self, report_ref, number, company=None):
        row = self.FormNumber.search(
            [
                ("company_id", "=", (company or self.company).id),
                ("report_id", "=", self.env.ref(report_ref).id),
            ]
        )
        self.assertEqual(len(row), 1, "each company has a row per form")
        if not company:
            row = row.with_user(self.quality_manager)
        row.name = number

    def _replied(self, ticket, **reply):
        ticket = self._investigated(ticket, root_cause=INTERNAL, decision_amount=960)
        ticket.action_request_approval()
        ticket.with_user(self.team_manager).action_approve()
        ticket.sudo().write(reply)
        ticket._cq_after_reply()
        return ticket

    def _claims(self):
        Claim = self.env["cq.warranty.claim"].with_user(self.officer)
        first = Claim.create(self._claim_values(claim_date=date(2027, 5, 12)))
        second = Claim.create(
            self._claim_values(quantity=3, claim_date=date(2027, 5, 3))
        )
        for claim, amount in ((first, 240.0), (second, 410.0)):
            self.env["cq.warranty.claim.cost"].with_user(self.officer).create(
                {"claim_id": claim.id, "cost_type": "replacement", "amount": amount}
            )
        return first | second

    def _records(self, report_ref):
        """A document of each form, far enough in its workflow to be signed."""
        if report_ref in (FEEDBACK, TICKET):
            return self._replied(
                self._ticket(product_id=self.product.id, lot_id=self.lot.id),
                reply_action="Twelve new calipers sent.",
            )
        if report_ref == RETURN:
            return self._received(2)
        if report_ref == CLAIM:
            claim = self._claims()[:1]
            claim.action_confirm()
            claim.write({"responsibility": "ours", "outcome": "joint_investigation"})
            claim.action_decide()
            return claim
        if report_ref == STATISTICS:
            return self._claims()
        if report_ref in (REPORT_8D, CAPA):
            capa = self._8d() if report_ref == REPORT_8D else self._capa()
            return self._implemented(capa, owner=self.warehouse_user)
        if report_ref == VISIT:
            return self.env["cq.customer.visit"].create(
                {
                    "kind": "field_service",
                    "partner_id": self.customer.id,
                    "problems_found": "Two calipers squeal.",
                    "customer_signatory": "Li Wei",
                }
            )
        if report_ref == SURVEY:
            survey = self.env.ref("customer_quality.survey_cq_satisfaction")
            survey.cq_form_number = False
            return survey
        review = (
            self.env["cq.satisfaction.review"]
            .with_user(self.officer)
            .create({"period_start": date(2019, 1, 1)})  # before any answer
        )
        review.action_compute()
        return review

    def _html_text(self, report_ref, records):
        content, _type = self.env["ir.actions.report"]._render_qweb_html(
            report_ref, records.ids
        )
        return " ".join(html.fromstring(content).text_content().split())


@tagged("post_install", "-at_install")
class TestFormNumbers(PrintedFormsCommon):
    def test_every_company_numbers_every_form(self):
        rows = self.FormNumber.search([("company_id", "=", self.other_company.id)])
        self.assertEqual(
            set(rows.report_id.ids),
            {self.env.ref(ref).id for ref in CLOSING},
            "a new company gets a number for each of the ten forms",
        )
        self.assertEqual(
            self.other_company._cq_form_number(FEEDBACK),
            "QR-8.2-01",
            "by default the numbers of the procedure",
        )

    def test_install_and_update_number_every_company(self):
        companies = self.env["res.company"].search([])
        self.FormNumber.search([("name", "=", "QR-8.2-03")]).name = "RA-01"
        self.FormNumber.search([("name", "=", "QR-8.2-04")]).unlink()
        self.env["res.company"]._cq_ensure_all_form_numbers()
        for company in companies:
            self.assertEqual(company._cq_form_number(CLAIM), "QR-8.2-04")
            self.assertEqual(company._cq_form_number(RETURN), "RA-01", "kept")
            rows = self.FormNumber.search([("company_id", "=", company.id)])
            self.assertEqual(len(rows), len(CLOSING), company.name)

    def test_opened_from_the_settings(self):
        action = (
            self.env["res.config.settings"].create({}).action_cq_open_form_numbers()
        )
        rows = self.FormNumber.with_user(self.quality_manager).search(action["domain"])
        self.assertEqual(rows.company_id, self.company)
        self.assertEqual(len(rows), len(CLOSING))
        Form = self.FormNumber.with_user(self.quality_manager)
        arch = Form.get_views([(False, "list")])["views"]["list"]["arch"]
        self.assertIn('name="report_id"', arch)
        self.assertEqual(
            set(rows.mapped("printed_from")),
            {
                "Customer Quality Ticket",
                "Return Authorisation",
                "Warranty Claim",
                "Corrective Action",
                "Customer Visit",
                "Survey",
                "Satisfaction Trend Analysis",
            },
        )

    def test_only_quality_managers_change_them(self):
        row = self.FormNumber.search(
            [("company_id", "=", self.company.id)], limit=1
        ).with_user(self.officer)
        self.assertTrue(row.name, "staff read the numbers")
        with self.assertRaises(AccessError):
            row.name = "QR-X"

    def test_changed_number_shows_in_the_next_print(self):
        ticket = self._ticket()
        self._set_number(TICKET, "QR-7.2.3-03")
        self._set_number(TICKET, "OTHER-CO-77", company=self.other_company)
        text = self._html_text(TICKET, ticket)
        self.assertIn("Form No.: QR-7.2.3-03", text)
        self.assertNotIn("OTHER-CO-77", text, "never another company's number")
        self._set_number(TICKET, "QR-7.2.3-04")
        self.assertIn("Form No.: QR-7.2.3-04", self._html_text(TICKET, ticket))

    def test_a_survey_may_keep_its_own_number(self):
        survey = self.env.ref("customer_quality.survey_cq_satisfaction")
        survey.cq_form_number = False
        self._set_number(SURVEY, "FM070100-11")
        self.assertIn("Form No.: FM070100-11", self._html_text(SURVEY, survey))
        survey.cq_form_number = "QR-CS-01"
        text = self._html_text(SURVEY, survey)
        self.assertIn("Form No.: QR-CS-01", text)
        self.assertNotIn("FM070100-11", text)

    def test_upgrade_keeps_the_number_the_survey_printed(self):
        script = MIGRATIONS / "18.0.1.5.0" / "post-migrate.py"
        spec = importlib.util.spec_from_file_location("cq_migrate_18_0_1_5_0", script)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        shipped = self.env.ref("customer_quality.survey_cq_satisfaction")
        shipped.cq_form_number = "QR-CS-01"  # as 18.0.1.4.0 shipped it
        own = shipped.copy({"title": "Dealer survey", "cq_form_number": "QR-CS-02"})
        self.env.flush_all()
        module.migrate(self.env.cr, "18.0.1.4.0")
        self.env.invalidate_all()
        self.assertFalse(shipped.cq_form_number, "the number moved to the companies")
        for company in self.company | self.other_company:
            self.assertEqual(company._cq_form_number(SURVEY), "QR-CS-01")
        self.assertIn("Form No.: QR-CS-01", self._html_text(SURVEY, shipped))
        self.assertEqual(own.cq_form_number, "QR-CS-02", "a survey's own number stays")

    def test_sales_user_prints_the_number(self):
        ticket = self._ticket()
        self._set_number(TICKET, "QR-7.2.3-03")
        content, _type = (
            self.env["ir.actions.report"]
            .with_user(self.sales_user)
            ._render_qweb_html(TICKET, ticket.ids)
        )
        self.assertIn(b"QR-7.2.3-03", content)


@tagged("post_install", "-at_install")
class TestFeedbackForm(PrintedFormsCommon):
    def _sensitive_ticket(self, **values):
        ticket = self._ticket(
            product_id=self.product.id,
            lot_id=self.lot.id,
            defective_qty=12,
            demand_exchange=True,
            loss_amount=4321.0,
            user_id=self.officer.id,
            **values,
        )
        ticket.sudo().complained_user_ids = self.general_manager
        return ticket

    def _replied_sensitive(self, **reply):
        ticket = self._sensitive_ticket()
        ticket.sudo().complained_user_ids = False  # so that Tom may approve it
        ticket = self._replied(ticket, **reply)
        ticket.sudo().complained_user_ids = self.general_manager
        return ticket

    def test_prints_what_was_reported_and_the_reply(self):
        ticket = self._replied_sensitive(reply_action="Twelve new calipers sent.")
        text = self._html_text(FEEDBACK, ticket)
        for expected in (
            "Customer Quality Feedback Form",
            "顾客质量反馈单",
            ticket.name,
            "Acme Motors",
            "Calipers squeal",
            "squeal after 200 km",
            "LOT-2026-001",
            "12.00",
            "Twelve new calipers sent.",
        ):
            self.assertIn(expected, text)

    def test_nothing_internal(self):
        ticket = self._replied_sensitive(reply_action="Sent.")
        text = self._html_text(FEEDBACK, ticket)
        internal_form = self._html_text(TICKET, ticket)
        for internal in (
            INTERNAL,  # the root cause
            "Grace General",  # the staff complained about
            "4,321",  # the loss claimed
            "960",  # the amount of the decision
            "Quality Department",  # where it was routed
            "Tom Teamlead",  # who approved it
            "General",  # the severity
        ):
            self.assertIn(internal, internal_form, "the company's own form has it")
            self.assertNotIn(internal, text)

    def test_no_text_the_customer_may_not_read(self):
        """Every text of the ticket outside the customer's fields (the
        portal's) stays off the customer's form; the reply shows once sent."""
        ticket = self._replied_sensitive(reply_action="Sent.")
        readable = ticket._cq_portal_readable() | set(REPLY_FIELDS)
        hidden = [
            name
            for name, field in ticket._fields.items()
            if field.type in ("char", "text", "html")
            and field.store
            and not field.compute
            and not field.related
            and name not in readable
        ]
        self.assertIn("root_cause", hidden)
        self.env.flush_all()
        for name in hidden:
            self.env.cr.execute(
                f"UPDATE cq_ticket SET {name} = %s WHERE id = %s",  # noqa: S608
                [f"SECRET-{name}", ticket.id],
            )
        self.env.invalidate_all()
        self.assertIn("SECRET-root_cause", self._html_text(TICKET, ticket))
        text = self._html_text(FEEDBACK, ticket)
        self.assertNotIn("SECRET-", text)
        self.assertIn("Sent.", text)

    def test_reply_only_once_sent(self):
        ticket = self._investigated(self._sensitive_ticket())
        ticket.sudo().reply_action = "Draft: maybe a credit note."
        self.assertNotIn("credit note", self._html_text(FEEDBACK, ticket))

    def test_in_the_customer_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env.ref("base.module_customer_quality")._update_translations(["zh_CN"])
        self.customer.lang = "zh_CN"
        ticket = self._sensitive_ticket(received_date="2027-05-10 02:00:00")
        text = self._html_text(FEEDBACK, ticket)
        self.assertLess(
            text.index("顾客质量反馈单"),
            text.index("Customer Quality Feedback Form"),
            "the Chinese title first",
        )
        self.assertIn("电子邮件", text, "the channel in Chinese")
        self.assertIn("2027年05月10日", text, "the Chinese date format")
        self.customer.lang = "en_US"
        text = self._html_text(FEEDBACK, ticket)
        self.assertIn("Email", text)
        self.assertNotIn("2027年05月10日", text)


@tagged("post_install", "-at_install")
class TestClaimStatistics(PrintedFormsCommon):
    def test_one_table_sorted_with_totals(self):
        claims = self._claims()
        text = self._html_text(STATISTICS, claims)
        self.assertEqual(text.count("Warranty Replacement and Claim Statistics"), 1)
        later, earlier = claims
        self.assertLess(text.index(earlier.name), text.index(later.name))
        self.assertIn("Claims: 2", text)
        self.assertIn("650.00", text, "the costs add up")
        self.assertIn("Total 5.00", text, "the quantities of one unit add up")

    def test_one_table_per_company(self):
        claims = self._claims()
        self._set_number(STATISTICS, "STAT-A")
        other = (
            self.env["cq.warranty.claim"]
            .with_company(self.other_company)
            .create(
                {
                    "company_id": self.other_company.id,
                    "partner_id": self.customer.id,
                    "product_id": self.product.id,
                    "quantity": 1,
                    "claim_date": date(2027, 5, 1),
                }
            )
        )
        self._set_number(STATISTICS, "STAT-B", company=self.other_company)
        text = self._html_text(STATISTICS, claims | other)
        self.assertEqual(text.count("Warranty Replacement and Claim Statistics"), 2)
        self.assertLess(text.index("STAT-A"), text.index(claims[1].name))
        self.assertIn("STAT-B", text)


@tagged("post_install", "-at_install")
class TestPrintedFormsPdf(PrintedFormsCommon, HttpCase):
    """Real PDFs: wkhtmltopdf loads the report assets from the running server."""

    def _pdf_pages(self, report_ref, records):
        content, content_type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report_ref, records.ids)
        )
        self.assertEqual(content_type, "pdf")
        text = subprocess.run(
            ["pdftotext", "-layout", "-", "-"],
            input=content,
            capture_output=True,
            check=True,
        ).stdout.decode()
        pages = text.split("\f")
        if pages and not pages[-1].strip():
            pages.pop()  # pdftotext ends the last page with a form feed
        return [" ".join(page.split()) for page in pages], content

    def _check_form(self, report_ref, records, pages_expected):
        number = f"TEST-{report_ref.rsplit('_', 1)[-1].upper()}-42"
        self._set_number(report_ref, number)
        self._set_number(report_ref, "NOT-OURS-99", company=self.other_company)
        pages, content = self._pdf_pages(report_ref, records)
        self.assertEqual(
            len(PdfFileReader(io.BytesIO(content)).pages),
            len(pages),
            "pdftotext sees every page",
        )
        self.assertEqual(len(pages), pages_expected, f"{report_ref}: {pages}")
        self.assertIn(number, pages[0], "the form number in the header")
        self.assertNotIn("NOT-OURS-99", " ".join(pages))
        self.assertIn(
            CLOSING[report_ref],
            pages[-1],
            "the form ends on the last page: no empty page after it",
        )

    def test_customer_feedback_form(self):
        self._check_form(FEEDBACK, self._records(FEEDBACK), 1)

    def test_complaint_registration_form(self):
        self._check_form(TICKET, self._records(TICKET), 1)

    def test_return_authorisation(self):
        self._check_form(RETURN, self._records(RETURN), 1)

    def test_warranty_claim(self):
        self._check_form(CLAIM, self._records(CLAIM), 1)

    def test_8d_report(self):
        self._check_form(REPORT_8D, self._records(REPORT_8D), 1)

    def test_capa_report(self):
        self._check_form(CAPA, self._records(CAPA), 1)

    def test_after_sales_service_report(self):
        self._check_form(VISIT, self._records(VISIT), 1)

    def test_blank_survey(self):
        self._check_form(SURVEY, self._records(SURVEY), 2)

    def test_trend_analysis(self):
        self._check_form(REVIEW, self._records(REVIEW), 1)

    def test_claim_statistics(self):
        self._check_form(STATISTICS, self._records(STATISTICS), 1)

    def test_long_claim_statistics_repeat_their_header(self):
        Claim = self.env["cq.warranty.claim"].with_user(self.officer)
        claims = Claim.create(
            [
                self._claim_values(quantity=1, claim_date=date(2027, 5, day % 28 + 1))
                for day in range(45)
            ]
        )
        pages, _content = self._pdf_pages(STATISTICS, claims)
        self.assertEqual(len(pages), 2, pages)
        for page in pages:
            self.assertIn("Lot / serial", page, "the column titles on every page")
        self.assertIn("Total 45.00", pages[-1])
        self.assertIn(CLOSING[STATISTICS], pages[-1])

    def test_two_tickets_two_forms(self):
        tickets = self._records(FEEDBACK) | self._ticket(subject="Pads worn")
        pages, _content = self._pdf_pages(FEEDBACK, tickets)
        self.assertEqual(len(pages), 2, "one page per ticket, none empty")
        self.assertIn("Pads worn", pages[1])
        self.assertIn(CLOSING[FEEDBACK], pages[1])


@tagged("post_install", "-at_install")
class TestSignatures(PrintedFormsCommon):
    """Each role's column names who signed it in the workflow, and when."""

    def _signatures(self, report_ref, record, name):
        content, _type = self.env["ir.actions.report"]._render_qweb_html(
            report_ref, record.ids
        )
        rows = html.fromstring(content).xpath(f'//table[@name="{name}"]//tr')
        cells = [
            [" ".join(td.text_content().split()) for td in row.xpath("./td")]
            for row in rows
        ]
        return {label: (who, when) for label, who, when in zip(*cells[:3], strict=True)}

    def test_complaint_approved_by_its_approver_on_the_day(self):
        with freeze_time("2027-03-01 02:00:00"):
            ticket = self._ticket()
        with freeze_time("2027-03-03 02:00:00"):
            ticket = self._replied(ticket)
        signed = self._signatures(TICKET, ticket, "cq_signatures")
        self.assertEqual(signed["Recorded by"], ("Sally Sales", "Date: 03/01/2027"))
        self.assertEqual(signed["Approved by"], ("Tom Teamlead", "Date: 03/03/2027"))
        ticket.action_customer_accepts()
        signed = self._signatures(TICKET, ticket, "cq_signatures")
        self.assertNotEqual(signed["Customer confirmation"][1], "Date:")

    def test_claim_decided_by_quality_never_approved_by_default(self):
        claim = (
            self.env["cq.warranty.claim"]
            .with_user(self.sales_user)
            .create(self._claim_values())
        )
        signed = self._signatures(CLAIM, claim, "cq_signatures")
        self.assertEqual(signed["Quality department"], ("", "Date:"))
        claim.with_user(self.officer).action_confirm()
        claim.write({"responsibility": "ours", "outcome": "joint_investigation"})
        with freeze_time("2027-05-12 02:00:00"):
            claim.with_user(self.officer).action_decide()
        signed = self._signatures(CLAIM, claim, "cq_signatures")
        self.assertEqual(signed["Registered by"], ("Sally Sales", "Date: 05/10/2027"))
        self.assertEqual(
            signed["Quality department"], ("Olga Officer", "Date: 05/12/2027")
        )
        self.assertEqual(
            signed["Approved by"],
            ("", "Date:"),
            "a claim has no approval: not the quality manager's name by default",
        )

    def test_return_signed_by_who_decided(self):
        rma = self._received(2)
        signed = self._signatures(RETURN, rma, "cq_return_signatures")
        self.assertEqual(
            signed["Quality department"], ("", "Date:"), "nobody signed it yet"
        )
        rma.with_user(self.warehouse_user).action_inspect()
        rma.with_user(self.officer).write({"cause": "quality"})
        rma.line_ids.with_user(self.officer).write(
            {"disposition": "restock", "outcome": "no_fault"}
        )
        with freeze_time("2027-06-01 02:00:00"):
            rma.with_user(self.officer).action_decide()
        signed = self._signatures(RETURN, rma, "cq_return_signatures")
        self.assertEqual(signed["Sales"][0], "Sally Sales")
        self.assertEqual(
            signed["Quality department"], ("Olga Officer", "Date: 06/01/2027")
        )
        self.assertEqual(signed["Approved by"], ("", "Date:"))
