import base64
import os
import re
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .test_ticket_workflow import CqWorkflowCommon

# the smallest real files of each kind
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


class CqPortalCommon(CqWorkflowCommon):
    """Two portal users of the customer (Li Wei, who reports, and a colleague)
    and one of another customer, which received goods of its own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team.company_id = cls.company
        cls.portal_user = new_test_user(
            cls.env,
            "cq_portal_li",
            groups="base.group_portal",
            name="Li Wei (portal)",
            partner_id=cls.contact.id,
        )
        cls.colleague_contact = cls.env["res.partner"].create(
            {
                "name": "Zhang Min",
                "parent_id": cls.customer.id,
                "email": "zhang.min@acme.example.com",
            }
        )
        cls.colleague = new_test_user(
            cls.env,
            "cq_portal_zhang",
            groups="base.group_portal",
            partner_id=cls.colleague_contact.id,
        )
        cls.other_contact = cls.env["res.partner"].create(
            {"name": "Bob Beta", "parent_id": cls.other_customer.id}
        )
        cls.stranger = new_test_user(
            cls.env,
            "cq_portal_bob",
            groups="base.group_portal",
            partner_id=cls.other_contact.id,
        )
        cls.other_order, cls.other_delivery = cls._deliver(
            cls.other_customer, cls.product, 10, cls.other_lot
        )
        Ticket = cls.env["cq.ticket"]
        cls.ticket = Ticket.create(
            {
                "partner_id": cls.customer.id,
                "contact_id": cls.contact.id,
                "subject": "Calipers squeal",
                "description": "<p>Squeal after 200 km.</p>",
                "channel": "email",
                "team_id": cls.team.id,
                "picking_id": cls.delivery.id,
                "product_id": cls.product.id,
                "lot_id": cls.lot.id,
                "root_cause": "Shim missing at assembly (internal).",
            }
        )
        cls.colleague_ticket = Ticket.create(
            {
                "partner_id": cls.customer.id,
                "contact_id": cls.colleague_contact.id,
                "subject": "Late delivery",
                "description": "<p>Two days late.</p>",
                "channel": "email",
                "team_id": cls.team.id,
            }
        )
        cls.other_ticket = Ticket.create(
            {
                "partner_id": cls.other_customer.id,
                "subject": "Beta's own problem",
                "description": "<p>Not Acme's business.</p>",
                "channel": "email",
                "team_id": cls.team.id,
            }
        )


@tagged("post_install", "-at_install")
class TestPortalTicketAccess(CqPortalCommon, HttpCase):
    """Every portal page of a complaint, for every kind of visitor."""

    def _get(self, url):
        return self.url_open(url, allow_redirects=False)

    def _page(self, ticket, token=None):
        url = f"/my/complaints/{ticket.id}"
        if token:
            url += f"?access_token={token}"
        return self._get(url)

    def assertShown(self, response, ticket):
        self.assertEqual(response.status_code, 200, response.text[:300])
        self.assertIn(ticket.name, response.text)
        self.assertIn(ticket.subject, response.text)

    def assertTurnedAway(self, response, ticket):
        self.assertIn(response.status_code, (302, 303))
        self.assertTrue(response.headers["Location"].endswith("/my"))
        self.assertNotIn(ticket.subject, response.text)

    def test_the_owner_and_a_colleague_see_it(self):
        self.authenticate(self.portal_user.login, self.portal_user.login)
        response = self._page(self.ticket)
        self.assertShown(response, self.ticket)
        self.assertNotIn(
            "Shim missing", response.text, "the investigation stays inside"
        )
        self.authenticate(self.colleague.login, self.colleague.login)
        self.assertShown(self._page(self.ticket), self.ticket)

    def test_a_customer_wanting_it_keeps_colleagues_out(self):
        self.customer.cq_portal_scope = "own"
        self.authenticate(self.colleague.login, self.colleague.login)
        self.assertTurnedAway(self._page(self.ticket), self.ticket)
        self.assertShown(self._page(self.colleague_ticket), self.colleague_ticket)
        listing = self._get("/my/complaints")
        self.assertIn(self.colleague_ticket.name, listing.text)
        self.assertNotIn(self.ticket.name, listing.text)
        # a contact manager who is not quality staff may edit the customer,
        # not what its portal shows
        partner_manager = new_test_user(
            self.env,
            "cq_partner_manager",
            groups="base.group_user,base.group_partner_manager,"
            "customer_quality.group_cq_user",
        )
        partner_manager.partner_id.with_user(partner_manager).phone = "+86 1"
        with self.assertRaises(AccessError) as refused:
            self.customer.with_user(partner_manager).cq_portal_scope = "company"
        self.assertIn("Only quality staff", str(refused.exception))
        self.assertEqual(self.customer.cq_portal_scope, "own")
        # nor when they create a customer; the default is theirs to take
        Partner = self.env["res.partner"].with_user(partner_manager)
        with self.assertRaises(AccessError):
            Partner.create({"name": "Gamma", "cq_portal_scope": "own"})
        with self.assertRaises(AccessError):
            Partner.create({"name": "Gamma", "cq_requires_8d": True})
        gamma = Partner.create({"name": "Gamma", "cq_portal_scope": "company"})
        self.assertEqual(gamma.cq_portal_scope, "company")

    def test_another_customer_and_the_public_are_turned_away(self):
        self.authenticate(self.stranger.login, self.stranger.login)
        self.assertTurnedAway(self._page(self.ticket), self.ticket)
        listing = self._get("/my/complaints")
        self.assertNotIn(self.ticket.name, listing.text)
        self.assertIn(self.other_ticket.name, listing.text)
        self.authenticate(None, None)
        self.assertTurnedAway(self._page(self.ticket), self.ticket)
        self.assertTurnedAway(
            self._page(self.ticket, token="not-the-token"), self.ticket
        )
        token = self.ticket._portal_ensure_token()
        self.other_ticket._portal_ensure_token()
        # another ticket's token opens only that ticket, not one with a token
        # of its own
        self.assertTurnedAway(
            self._page(self.other_ticket, token=token), self.other_ticket
        )
        self.assertShown(self._page(self.ticket, token=token), self.ticket)

    def test_an_id_that_is_no_ticket(self):
        self.authenticate(self.portal_user.login, self.portal_user.login)
        missing = self.env["cq.ticket"].search([], order="id desc", limit=1).id + 1000
        response = self._get(f"/my/complaints/{missing}")
        self.assertIn(response.status_code, (302, 303))
        # the id of a record of another model (the customer's delivery), which
        # is no ticket of theirs
        self.assertNotIn(self.delivery.id, self.env["cq.ticket"].search([]).ids)
        response = self._get(f"/my/complaints/{self.delivery.id}")
        self.assertIn(response.status_code, (302, 303))

    def test_the_list_counts_searches_and_filters(self):
        self.authenticate(self.portal_user.login, self.portal_user.login)
        listing = self._get("/my/complaints")
        self.assertEqual(listing.status_code, 200)
        for ticket in (self.ticket, self.colleague_ticket):
            self.assertIn(ticket.name, listing.text)
        self.assertNotIn(self.other_ticket.name, listing.text)
        by_lot = self._get("/my/complaints?search_in=lot&search=LOT-2026-001")
        self.assertIn(self.ticket.name, by_lot.text)
        self.assertNotIn(self.colleague_ticket.name, by_lot.text)
        waiting = self._get("/my/complaints?filterby=answer")
        self.assertNotIn(self.ticket.name, waiting.text)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["cq_ticket_count", "cq_ticket_answer_count"]}
        )
        self.assertEqual(counters, {"cq_ticket_count": 2, "cq_ticket_answer_count": 0})
        # a sort or filter that does not exist is the default one
        self.assertEqual(
            self._get("/my/complaints?sortby=x&filterby=y").status_code, 200
        )

    def test_what_a_portal_user_reads_by_rpc(self):
        ticket = self.ticket.with_user(self.portal_user)
        self.assertEqual(
            ticket.read(["name", "subject"])[0]["subject"], "Calipers squeal"
        )
        for internal in ("root_cause", "user_id", "severity", "complained_user_ids"):
            with self.assertRaises(AccessError, msg=internal):
                ticket.read([internal])
        everything = ticket.read()[0]
        self.assertIn("subject", everything)
        self.assertNotIn("root_cause", everything)
        self.assertNotIn("decision_amount", everything)
        found = (
            self.env["cq.ticket"].with_user(self.portal_user).search_read([], ["name"])
        )
        self.assertEqual(
            {row["name"] for row in found},
            {self.ticket.name, self.colleague_ticket.name},
        )
        with self.assertRaises(AccessError):
            ticket.write({"subject": "Changed by the customer"})
        with self.assertRaises(AccessError):
            self.env["cq.ticket"].with_user(self.portal_user).create(
                {"subject": "Direct", "partner_id": self.customer.id}
            )

    def test_no_search_group_or_sort_tells_a_hidden_field(self):
        self.ticket.complained_user_ids = self.sales_user
        Ticket = self.env["cq.ticket"].with_user(self.portal_user)
        probes = [
            lambda: Ticket.search_count(
                [("complained_user_ids.name", "ilike", "Sally")]
            ),
            lambda: Ticket.search([("capa_ids", "!=", False)]),
            lambda: Ticket.search([("activity_state", "=", "overdue")]),
            lambda: Ticket.search([("root_cause", "ilike", "Shim")]),
            lambda: Ticket.search([], order="severity desc"),
            lambda: Ticket.read_group([], ["__count"], ["complained_user_ids"]),
            lambda: Ticket._read_group([], ["user_id"], ["__count"]),
            lambda: Ticket._read_group([], [], ["decision_amount:sum"]),
        ]
        for index, probe in enumerate(probes):
            with self.subTest(probe=index), self.assertRaises(AccessError):
                probe()
        # what the customer may read they may search on
        self.assertEqual(
            Ticket.search([("lot_id", "=", self.lot.id), ("state", "=", "draft")]),
            self.ticket,
        )

    def test_the_chatter_data_keeps_our_side_inside(self):
        self.ticket.activity_schedule(
            "mail.mail_activity_data_todo",
            note="Ask the supplier about the shim batch",
            user_id=self.officer.id,
        )
        self.env["ir.attachment"].create(
            {
                "name": "internal-8d-draft.pdf",
                "raw": PDF,
                "res_model": "cq.ticket",
                "res_id": self.ticket.id,
            }
        )
        request = ["activities", "attachments", "followers", "scheduledMessages"]
        for user in (self.portal_user, None):
            with self.subTest(user=user and user.login):
                self.authenticate(user and user.login, user and user.login)
                data = self.make_jsonrpc_request(
                    "/mail/thread/data",
                    {
                        "thread_model": "cq.ticket",
                        "thread_id": self.ticket.id,
                        "request_list": request,
                        "token": self.ticket._portal_ensure_token(),
                    },
                )
                self.assertNotIn("shim batch", str(data))
                self.assertNotIn("internal-8d-draft", str(data))
                self.assertNotIn(self.officer.email or "@officer", str(data))

    def test_a_customer_writes_no_internal_note(self):
        self.authenticate(self.portal_user.login, self.portal_user.login)
        self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "cq.ticket",
                "thread_id": self.ticket.id,
                "post_data": {
                    "body": "Looks like a note of yours",
                    "message_type": "comment",
                    "subtype_xmlid": "mail.mt_note",
                },
            },
        )
        message = self.ticket.message_ids.filtered(
            lambda m: "Looks like a note" in (m.body or "")
        )
        self.assertEqual(message.author_id, self.contact)
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_comment"))

    def test_a_closed_ticket_opens_and_mails_without_a_token_yet(self):
        self.env.cr.execute(
            "UPDATE cq_ticket SET state = 'cancelled', access_token = NULL "
            "WHERE id = %s",
            [self.ticket.id],
        )
        self.ticket.invalidate_recordset()
        self.authenticate(self.portal_user.login, self.portal_user.login)
        response = self._page(self.ticket)
        self.assertShown(response, self.ticket)
        # a message emailed to the customer makes its token
        self.ticket.message_subscribe(partner_ids=self.contact.ids)
        self.ticket.message_post(
            body="We keep this on file.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertTrue(self.ticket.access_token)

    def test_the_chatter_shows_no_internal_note(self):
        draft = self.env["ir.attachment"].create(
            {
                "name": "internal-8d-draft.pdf",
                "raw": PDF,
                "res_model": "cq.ticket",
                "res_id": self.ticket.id,
            }
        )
        self.ticket.message_post(
            body="Internal: the supplier's shim batch is suspect",
            subtype_xmlid="mail.mt_note",
            attachment_ids=draft.ids,
        )
        self.ticket.message_post(
            body="We are looking into it.",
            subtype_xmlid="mail.mt_comment",
            message_type="comment",
        )
        self.authenticate(self.portal_user.login, self.portal_user.login)
        fetched = self.make_jsonrpc_request(
            "/mail/chatter_fetch",
            {
                "thread_model": "cq.ticket",
                "thread_id": self.ticket.id,
                "token": self.ticket._portal_ensure_token(),
            },
        )
        bodies = " ".join(str(m.get("body")) for m in fetched["data"]["mail.message"])
        self.assertIn("We are looking into it.", bodies)
        self.assertNotIn("shim batch", bodies)
        self.assertNotIn("internal-8d-draft", str(fetched))


@tagged("post_install", "-at_install")
class TestPortalTicketReport(CqPortalCommon, HttpCase):
    """Report a problem: a ticket through the back office's rules, or a clear
    message and nothing written."""

    def setUp(self):
        super().setUp()
        self.authenticate(self.portal_user.login, self.portal_user.login)

    def _csrf(self):
        form = self.url_open("/my/complaints/new")
        self.assertEqual(form.status_code, 200)
        return re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)

    def _values(self, **values):
        data = {
            "feedback_type": "complaint",
            "subject": "Cracked housings",
            "description": "Three calipers of the last delivery arrived cracked.",
            "picking_id": str(self.delivery.id),
            "product_id": str(self.product.id),
            "lot_id": str(self.lot.id),
            "defective_qty": "3",
            "demand_exchange": "1",
        }
        data.update(values)
        return data

    def _submit(self, files=None, csrf=True, **values):
        data = self._values(**values)
        if csrf:
            data["csrf_token"] = self._csrf()
        return self.url_open(
            "/my/complaints/new",
            data=data,
            files=[("attachments", f) for f in files or []],
            allow_redirects=False,
        )

    def _mine(self):
        return self.env["cq.ticket"].search(
            [("channel", "=", "portal"), ("partner_id", "=", self.customer.id)]
        )

    def test_the_form_offers_only_what_the_customer_received(self):
        form = self.url_open("/my/complaints/new")
        self.assertIn('id="cq_description"', form.text)
        self.assertIn(self.delivery.name, form.text)
        self.assertIn(self.lot.name, form.text)
        self.assertNotIn(self.other_delivery.name, form.text)
        self.assertNotIn(self.other_lot.name, form.text)

    def test_a_report_with_photos_is_a_ticket(self):
        response = self._submit(
            files=[
                ("crack.png", PNG, "image/png"),
                ("note.pdf", PDF, "application/pdf"),
            ]
        )
        self.assertIn(response.status_code, (302, 303), response.text[:500])
        ticket = self._mine()
        self.assertEqual(len(ticket), 1)
        self.assertIn(f"/my/complaints/{ticket.id}", response.headers["Location"])
        self.assertRegex(ticket.name, r"^CQ/\d{4}/\d{5}$")
        self.assertEqual(
            (ticket.state, ticket.channel, ticket.feedback_type),
            ("draft", "portal", "complaint"),
        )
        self.assertEqual(ticket.contact_id, self.contact)
        self.assertEqual(ticket.sale_order_id, self.sale_order)
        self.assertEqual((ticket.product_id, ticket.lot_id), (self.product, self.lot))
        self.assertEqual(ticket.defective_qty, 3.0)
        self.assertTrue(ticket.demand_exchange)
        self.assertFalse(ticket.demand_return)
        self.assertFalse(ticket.received_by_id, "nobody of ours received it")
        self.assertEqual(
            ticket.team_id, self.env["cq.team"]._cq_default_team(self.company)
        )
        self.assertIn("first_reply", ticket.deadline_ids.mapped("kind"))
        files = self.env["ir.attachment"].search(
            [("res_model", "=", "cq.ticket"), ("res_id", "=", ticket.id)]
        )
        self.assertEqual(
            sorted(files.mapped("mimetype")), ["application/pdf", "image/png"]
        )
        self.assertEqual(files.create_uid, self.portal_user, "not the superuser's")
        message = ticket.message_ids.filtered(lambda m: m.attachment_ids)
        self.assertEqual(message.author_id, self.contact)
        self.assertIn(self.contact, ticket.message_partner_ids)
        # the customer follows it in the portal at once
        page = self.url_open(response.headers["Location"])
        self.assertIn("we received your report", page.text)
        self.assertIn("First reply to the customer", page.text)

    def _assertRefused(self, response, message):
        self.assertEqual(response.status_code, 400, response.text[:300])
        self.assertIn(message, response.text)
        self.assertFalse(self._mine(), "nothing is written")
        self.assertFalse(
            self.env["ir.attachment"].search([("create_uid", "=", self.portal_user.id)])
        )

    @mute_logger("odoo.http")
    def test_bad_reports_are_refused_whole(self):
        cases = [
            ({"lot_id": str(self.other_lot.id)}, "among what you received"),
            ({"picking_id": str(self.other_delivery.id)}, "among what you received"),
            ({"picking_id": "x1"}, "among what you received"),
            ({"defective_qty": "41"}, "more than"),
            ({"defective_qty": "-2"}, "cannot be negative"),
            ({"defective_qty": "lots"}, "is a number"),
            ({"subject": "  "}, "short title"),
            ({"subject": "x" * 201}, "keep it to 200"),
            ({"description": ""}, "what happened"),
            ({"feedback_type": "staff_bonus"}, "what kind of feedback"),
        ]
        for values, message in cases:
            with self.subTest(values=values):
                self._assertRefused(
                    self._submit(files=[("crack.png", PNG, "image/png")], **values),
                    message,
                )

    @mute_logger("odoo.http")
    def test_files_are_checked(self):
        big = PNG + os.urandom(10 * 1024 * 1024)
        cases = [
            ([("big.png", big, "image/png")], "10 MB at most"),
            ([("x.svg", SVG, "image/svg+xml")], "not a photo or a PDF"),
            ([("photo.png", HTML, "image/png")], "not a photo or a PDF"),
            ([(f"p{i}.png", PNG, "image/png") for i in range(6)], "at most 5 files"),
        ]
        for files, message in cases:
            with self.subTest(message=message):
                self._assertRefused(self._submit(files=files), message)

    @mute_logger("odoo.http")
    def test_no_csrf_no_ticket(self):
        response = self._submit(csrf=False)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._mine())

    @mute_logger("odoo.http")
    def test_the_public_cannot_report(self):
        self.authenticate(None, None)
        response = self.url_open("/my/complaints/new", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])
        login = self.url_open("/web/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', login.text).group(1)
        response = self.url_open(
            "/my/complaints/new",
            data=dict(self._values(), csrf_token=csrf),
            allow_redirects=False,
        )
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])
        self.assertFalse(self._mine())

    @mute_logger("odoo.http")
    def test_a_burst_of_reports_is_slowed_down(self):
        for i in range(5):
            response = self._submit(subject=f"Report {i}")
            self.assertIn(response.status_code, (302, 303))
        response = self._submit(subject="One too many")
        self.assertEqual(response.status_code, 400)
        self.assertIn("please wait a little", response.text)
        self.assertEqual(len(self._mine()), 5)


@tagged("post_install", "-at_install")
class TestPortalTicketAnswer(CqPortalCommon, HttpCase):
    """The customer accepts the reply or says they are not satisfied, as in
    the back office; nobody else answers for them."""

    def setUp(self):
        super().setUp()
        self.ticket.root_cause = False
        self._replied(self.ticket)
        self.assertEqual(self.ticket.state, "replied")

    def _answer(self, user, answer, note="", token=None):
        if user:
            self.authenticate(user.login, user.login)
        else:
            self.authenticate(None, None)
        page = self.url_open(
            f"/my/complaints/{self.ticket.id}"
            + (f"?access_token={token}" if token else "")
        )
        if page.url.endswith("/my") or "/web/login" in page.url:
            # turned away from the page: a valid form token of the session still
            page = self.url_open("/web/login" if not user else "/my")
        csrf = re.search(r'csrf_token(?:" value=|: )"([^"]+)"', page.text)
        data = {"answer": answer, "note": note, "csrf_token": csrf.group(1)}
        if token:
            data["access_token"] = token
        return self.url_open(
            f"/my/complaints/{self.ticket.id}/answer", data=data, allow_redirects=False
        )

    def test_the_customer_accepts_and_it_closes(self):
        response = self._answer(self.portal_user, "accepted", "Fine, thank you.")
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("message=accepted", response.headers["Location"])
        self.ticket.invalidate_recordset()
        self.assertEqual(self.ticket.state, "closed")
        self.assertEqual(self.ticket.customer_acceptance, "accepted")
        self.assertEqual(self.ticket.acceptance_note, "Fine, thank you.")
        said = self.ticket.message_ids.filtered(lambda m: m.author_id == self.contact)
        self.assertIn("Fine, thank you.", said.body)

    def test_a_serious_complaint_keeps_the_acceptance_until_its_8d(self):
        Ticket = type(self.env["cq.ticket"])
        with patch.object(Ticket, "_cq_waits_for_capa", lambda self: True):
            response = self._answer(self.portal_user, "accepted", "OK for us.")
            self.assertIn("message=accepted", response.headers["Location"])
            self.ticket.invalidate_recordset()
            self.assertEqual(self.ticket.state, "replied", "closes with its 8D")
            self.assertEqual(self.ticket.customer_acceptance, "accepted")
            self.assertEqual(self.ticket.acceptance_note, "OK for us.")
            page = self.url_open(f"/my/complaints/{self.ticket.id}")
            self.assertIn("once our corrective action is verified", page.text)
            self.assertNotIn("o_cq_portal_answer", page.text, "answered once")
            self._answer(self.portal_user, "refused", "Changed my mind")
            self.ticket.invalidate_recordset()
            self.assertEqual(self.ticket.customer_acceptance, "accepted")

    def test_not_satisfied_reopens_and_needs_a_reason(self):
        self._answer(self.portal_user, "refused", "")
        self.ticket.invalidate_recordset()
        self.assertEqual(self.ticket.state, "replied", "no reason, no change")
        page = self.url_open(f"/my/complaints/{self.ticket.id}")
        self.assertIn("what you are not satisfied with", page.text)
        self._answer(self.colleague, "refused", "Still squealing.")
        self.ticket.invalidate_recordset()
        self.assertEqual(self.ticket.state, "investigating")
        self.assertEqual(self.ticket.customer_acceptance, "refused")
        self.assertEqual(self.ticket.reopen_count, 1)

    @mute_logger("odoo.http")
    def test_nobody_else_answers(self):
        response = self._answer(self.stranger, "accepted")
        self.assertTrue(response.headers["Location"].endswith("/my"))
        response = self._answer(None, "accepted", token="wrong")
        self.assertTrue(response.headers["Location"].endswith("/my"))
        self.ticket.invalidate_recordset()
        self.assertEqual(self.ticket.state, "replied")
        # a GET changes nothing
        self.authenticate(self.portal_user.login, self.portal_user.login)
        response = self.url_open(
            f"/my/complaints/{self.ticket.id}/answer?answer=accepted",
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 405)
        self.ticket.invalidate_recordset()
        self.assertEqual(self.ticket.state, "replied")
        with self.assertRaises(AccessError):
            self.ticket.with_user(self.portal_user).action_customer_accepts()
        # our own staff answer for the customer in the back office only
        response = self._answer(self.sales_user, "accepted")
        self.ticket.invalidate_recordset()
        self.assertEqual(self.ticket.state, "replied")

    def test_a_customer_message_marks_no_step(self):
        # as the chatter's route posts: the customer's thread, as sudo, with
        # the context the client sent
        ticket = self.colleague_ticket.with_user(self.colleague).sudo()
        with self.assertRaises(AccessError):
            ticket.with_context(cq_mark_acknowledged=True).message_post(
                body="Any news?", message_type="comment"
            )
        self.assertFalse(self.colleague_ticket.first_reply_date)
        self.assertFalse(
            self.colleague_ticket.deadline_ids.filtered(
                lambda d: d.kind == "first_reply"
            ).date_met
        )


@tagged("post_install", "-at_install")
class TestPortalTicketForm(CqPortalCommon, HttpCase):
    """The customer prints their quality feedback form from the complaint's
    page: only what they may read of it, and only theirs."""

    def _form(self, ticket, token=None):
        url = f"/my/complaints/{ticket.id}?report_type=pdf&download=true"
        if token:
            url += f"&access_token={token}"
        return self.url_open(url, allow_redirects=False)

    def test_the_customer_downloads_their_form(self):
        self.ticket._portal_ensure_token()
        self.authenticate(self.portal_user.login, self.portal_user.login)
        page = self.url_open(f"/my/complaints/{self.ticket.id}")
        self.assertIn("o_cq_portal_download", page.text)
        self.assertNotIn(self.ticket.access_token, page.text, "no token handed out")
        response = self._form(self.ticket)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertIn("attachment", response.headers["Content-Disposition"])
        # (tests render the report's HTML: its text is the PDF's)
        self.assertIn(self.ticket.name, response.text)
        self.assertIn("Calipers squeal", response.text)
        self.assertNotIn(
            "Shim missing", response.text, "the investigation stays inside"
        )

    def test_nobody_else_prints_it(self):
        self.authenticate(self.stranger.login, self.stranger.login)
        refused = self._form(self.ticket)
        self.assertIn(refused.status_code, (302, 303))
        self.assertNotIn(self.ticket.name, refused.text)
        self.authenticate(None, None)
        self.assertIn(self._form(self.ticket, "not-the-token").status_code, (302, 303))
        self.ticket._portal_ensure_token()
        mailed = self._form(self.ticket, self.ticket.access_token)
        self.assertEqual(mailed.status_code, 200)
        self.assertIn(self.ticket.name, mailed.text)

    def test_the_customer_downloads_the_8d_report_once_sent(self):
        capa = self.env["cq.capa"].create(
            {
                "title": "Calipers squeal",
                "partner_id": self.customer.id,
                "ticket_ids": [Command.set(self.ticket.ids)],
                "form_type": "8d",
                "leader_id": self.officer.id,
                "description": "<p>Squeal.</p>",
            }
        )
        other = self.env["cq.capa"].create(
            {
                "title": "Beta's own 8D",
                "partner_id": self.other_customer.id,
                "form_type": "8d",
                "leader_id": self.officer.id,
                "description": "<p>Beta.</p>",
            }
        )
        other._cq_write_workflow({"report_sent_date": "2026-12-01 10:00:00"})
        url = f"/my/complaints/{self.ticket.id}/8d/{capa.id}"
        self.authenticate(self.portal_user.login, self.portal_user.login)
        page = self.url_open(f"/my/complaints/{self.ticket.id}")
        self.assertNotIn("o_cq_portal_8d", page.text, "not sent yet")
        self.assertIn(self.url_open(url, allow_redirects=False).status_code, (302, 303))
        capa._cq_write_workflow({"report_sent_date": "2026-12-01 10:00:00"})
        page = self.url_open(f"/my/complaints/{self.ticket.id}")
        self.assertIn(url, page.text)
        report = self.url_open(url, allow_redirects=False)
        self.assertEqual(report.status_code, 200)
        self.assertIn(capa.name, report.text)
        # another customer's 8D is no report of this complaint
        foreign = self.url_open(
            f"/my/complaints/{self.ticket.id}/8d/{other.id}", allow_redirects=False
        )
        self.assertIn(foreign.status_code, (302, 303))
        self.assertNotIn("Beta's own 8D", foreign.text)
        self.authenticate(self.stranger.login, self.stranger.login)
        refused = self.url_open(url, allow_redirects=False)
        self.assertIn(refused.status_code, (302, 303))
        self.assertNotIn(capa.name, refused.text)
        self.authenticate(None, None)
        self.ticket._portal_ensure_token()
        wrong = self.url_open(f"{url}?access_token=nope", allow_redirects=False)
        self.assertIn(wrong.status_code, (302, 303))
        mailed = self.url_open(
            f"{url}?access_token={self.ticket.access_token}", allow_redirects=False
        )
        self.assertEqual(mailed.status_code, 200)
        self.assertIn(capa.name, mailed.text)
