import base64
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CqCommon

ALIAS_DOMAIN = "cq-gateway.example.com"

# A small PNG (1x1 pixel), as a phone would attach a photo.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)

PLAIN = """\
From: {email_from}
To: {to}
Subject: {subject}
Message-Id: {msg_id}
Date: {date}
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit
{extra}
{body}
"""

WITH_ATTACHMENT = """\
From: {email_from}
To: {to}
Subject: {subject}
Message-Id: {msg_id}
Date: {date}
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="==cq-boundary=="

--==cq-boundary==
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

{body}
--==cq-boundary==
Content-Type: image/png; name="caliper.png"
Content-Disposition: attachment; filename="caliper.png"
Content-Transfer-Encoding: base64

{png}
--==cq-boundary==
Content-Type: text/csv; name="measurements.csv"
Content-Disposition: attachment; filename="measurements.csv"
Content-Transfer-Encoding: 8bit

part;noise_db
1;82
2;85
--==cq-boundary==--
"""


@tagged("post_install", "-at_install")
class TestTicketMailGateway(CqCommon):
    """Email to a department's alias opens a ticket; replies thread into it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alias_domain = cls.env["mail.alias.domain"].create(
            {
                "name": ALIAS_DOMAIN,
                "bounce_alias": "bounce",
                "catchall_alias": "catchall",
                "default_from": "notifications",
            }
        )
        cls.company.alias_domain_id = cls.alias_domain
        cls.team.write(
            {"alias_name": "quality-complaints", "alias_domain_id": cls.alias_domain.id}
        )
        cls.alias_email = f"quality-complaints@{ALIAS_DOMAIN}"
        cls.msg_counter = 0

    def _process(self, template=PLAIN, model=None, **values):
        """Feed a raw RFC 822 message to the gateway as the mail fetcher does."""
        type(self).msg_counter += 1
        values.setdefault("email_from", '"Li Wei" <li.wei@acme.example.com>')
        values.setdefault("to", self.alias_email)
        values.setdefault("subject", "Calipers squeal")
        values.setdefault("msg_id", f"<cq-test-{self.msg_counter}@acme.example.com>")
        values.setdefault("date", "Tue, 03 Mar 2026 09:15:00 +0800")
        values.setdefault("extra", "")
        values.setdefault(
            "body", "The calipers of lot LOT-2026-001 squeal after 200 km."
        )
        values.setdefault("png", base64.b64encode(PNG).decode())
        raw = template.format(**values) if template else values["raw"]
        return self.env["mail.thread"].sudo().message_process(model, raw)

    def _new_tickets(self, before):
        return (
            self.env["cq.ticket"]
            .with_context(active_test=False)
            .search([("id", "not in", before.ids)])
        )

    def _all(self):
        return self.env["cq.ticket"].with_context(active_test=False).search([])

    def test_new_ticket_from_known_contact(self):
        before = self._all()
        thread_id = self._process(
            # 顾客投诉: 刹车异响 (customer complaint: brakes
            # squeal), as a Chinese mail client encodes it
            subject="=?utf-8?B?6aG+5a6i5oqV6K+JOiDliLnovablvILlk40=?=",
            msg_id="<complaint-1@acme.example.com>",
        )
        ticket = self._new_tickets(before)
        self.assertEqual(len(ticket), 1, "one email, one ticket")
        self.assertEqual(ticket.id, thread_id)
        self.assertEqual(ticket.subject, "顾客投诉: 刹车异响")
        self.assertTrue(
            ticket.name.startswith("CQ/2026/"),
            f"numbered from the sequence, got {ticket.name}",
        )
        self.assertIn("squeal after 200 km", ticket.description)
        self.assertEqual(ticket.channel, "email")
        self.assertEqual(ticket.feedback_type, "complaint")
        self.assertEqual(ticket.state, "draft")
        self.assertEqual(
            ticket.partner_id, self.customer, "the sender's company is the customer"
        )
        self.assertEqual(ticket.contact_id, self.contact)
        self.assertEqual(ticket.email_from, '"Li Wei" <li.wei@acme.example.com>')
        self.assertEqual(ticket.team_id, self.team, "the alias decides the department")
        self.assertEqual(ticket.company_id, self.company)
        self.assertEqual(
            ticket.received_date, datetime(2026, 3, 3, 1, 15), "the Date header, in UTC"
        )
        self.assertEqual(
            set(ticket.deadline_ids.mapped("kind")),
            {"handoff", "first_reply", "determination", "solution"},
        )
        self.assertTrue(
            all(d.date_deadline > ticket.received_date for d in ticket.deadline_ids)
        )
        # the email itself is on the chatter, from the contact
        message = ticket.message_ids.filtered(
            lambda m: m.message_id == "<complaint-1@acme.example.com>"
        )
        self.assertEqual(len(message), 1)
        self.assertEqual(message.author_id, self.contact)
        self.assertEqual(message.message_type, "email")
        # the same email fetched twice does not open a second ticket
        self._process(msg_id="<complaint-1@acme.example.com>")
        self.assertEqual(self._new_tickets(before), ticket)

    def test_sender_is_the_customer_company(self):
        before = self._all()
        self._process(email_from="Acme Quality <quality@acme.example.com>")
        ticket = self._new_tickets(before)
        self.assertEqual(ticket.partner_id, self.customer)
        self.assertFalse(ticket.contact_id)

    def test_unknown_sender_gets_a_partner(self):
        before = self._all()
        partners = self.env["res.partner"].search_count([])
        self._process(
            email_from='"Wang Fang" <wang.fang@newcustomer.example.org>',
            subject="Wrong colour",
        )
        ticket = self._new_tickets(before)
        self.assertEqual(len(ticket), 1)
        self.assertEqual(self.env["res.partner"].search_count([]), partners + 1)
        self.assertEqual(ticket.partner_id.email, "wang.fang@newcustomer.example.org")
        self.assertEqual(ticket.partner_id.name, "Wang Fang")
        self.assertFalse(ticket.contact_id)
        self.assertEqual(ticket.subject, "Wrong colour")
        self.assertEqual(ticket.team_id, self.team)

    def test_reply_threads_into_the_ticket(self):
        before = self._all()
        self._process(msg_id="<complaint-2@acme.example.com>")
        ticket = self._new_tickets(before)
        # we answer from the chatter; the customer replies to our email
        notification = ticket.with_user(self.officer).message_post(
            body="We received your complaint and will call you today.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=self.contact.ids,
        )
        self.assertTrue(notification.message_id)
        messages = len(ticket.message_ids)
        thread_id = self._process(
            subject="Re: Calipers squeal",
            msg_id="<reply-1@acme.example.com>",
            date="Wed, 04 Mar 2026 10:00:00 +0800",
            extra=f"In-Reply-To: {notification.message_id}\n"
            f"References: <complaint-2@acme.example.com> {notification.message_id}\n",
            body="Thank you, 12 more calipers failed today.",
        )
        self.assertEqual(thread_id, ticket.id)
        self.assertEqual(self._new_tickets(before), ticket, "no second ticket")
        self.assertEqual(len(ticket.message_ids), messages + 1)
        reply = ticket.message_ids.filtered(
            lambda m: m.message_id == "<reply-1@acme.example.com>"
        )
        self.assertIn("12 more calipers failed", reply.body)
        self.assertEqual(reply.author_id, self.contact)
        self.assertEqual(
            ticket.subject, "Calipers squeal", "a reply changes nothing on the ticket"
        )
        self.assertEqual(ticket.received_date, datetime(2026, 3, 3, 1, 15))

    def test_attachments_are_kept(self):
        before = self._all()
        self._process(
            template=WITH_ATTACHMENT, subject="Photos of the squealing calipers"
        )
        ticket = self._new_tickets(before)
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.attachment_count, 2)
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", "cq.ticket"), ("res_id", "=", ticket.id)]
        )
        self.assertEqual(
            set(attachments.mapped("name")), {"caliper.png", "measurements.csv"}
        )
        photo = attachments.filtered(lambda a: a.name == "caliper.png")
        self.assertEqual(photo.raw, PNG)
        self.assertIn("squeal after 200 km", ticket.description)
        action = ticket.action_view_attachments()
        self.assertEqual(
            self.env["ir.attachment"].search(action["domain"]), attachments
        )

    # ------------------------------------------------------------------
    # Malformed mail: never a traceback
    # ------------------------------------------------------------------
    def test_no_sender(self):
        before = self._all()
        raw = (
            f"To: {self.alias_email}\nSubject: Anonymous\n"
            "Message-Id: <anon-1@nowhere>\n"
            "Date: Tue, 03 Mar 2026 09:15:00 +0800\n\nYour parts are bad.\n"
        )
        self._process(template=None, raw=raw)
        ticket = self._new_tickets(before)
        self.assertEqual(len(ticket), 1)
        self.assertFalse(ticket.partner_id, "nobody to guess the customer from")
        self.assertEqual(ticket.subject, "Anonymous")
        self.assertIn("Your parts are bad.", ticket.description)
        self.assertTrue(ticket.name.startswith("CQ/"))

    def test_no_subject_no_body(self):
        before = self._all()
        raw = (
            f"From: li.wei@acme.example.com\nTo: {self.alias_email}\n"
            "Message-Id: <empty-1@acme.example.com>\n"
            "Date: Tue, 03 Mar 2026 09:15:00 +0800\n\n"
        )
        self._process(template=None, raw=raw)
        ticket = self._new_tickets(before)
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.subject, "Email without subject")
        self.assertEqual(ticket.partner_id, self.customer)
        self.assertTrue(ticket.deadline_ids)

    def test_mislabelled_charset_and_bad_date(self):
        """Declared UTF-8, written in GB18030 (a
        common mistake of older Chinese clients)."""
        before = self._all()
        raw = (
            (
                f"From: li.wei@acme.example.com\nTo: {self.alias_email}\n"
                "Subject: =?x-no-such-charset?B?6LSo6YeP?=\n"
                "Message-Id: <broken-1@acme.example.com>\n"
                "Date: the day before yesterday\nMIME-Version: 1.0\n"
                'Content-Type: text/plain; charset="utf-8"\n'
                "Content-Transfer-Encoding: 8bit\n\n"
            ).encode()
            + "Housing cracked 外壳开裂".encode("gb18030")
            + b"\n"
        )
        with mute_logger("odoo.addons.mail.models.mail_thread"):
            self.env["mail.thread"].sudo().message_process(None, raw)
        ticket = self._new_tickets(before)
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.partner_id, self.customer)
        self.assertTrue(ticket.subject, "an undecodable subject is kept as it came")
        self.assertIn("Housing cracked", ticket.description, "what can be read is kept")
        self.assertAlmostEqual(
            ticket.received_date,
            datetime.now(),
            delta=timedelta(minutes=5),
            msg="unreadable date: now",
        )
        self.assertTrue(ticket.deadline_ids)

    def test_date_in_the_future(self):
        """A sender whose clock runs a year ahead does not push the deadlines out."""
        before = self._all()
        self._process(
            date=format_datetime(datetime.now(timezone.utc) + timedelta(days=365)),
            subject="From the future",
        )
        ticket = self._new_tickets(before)
        self.assertAlmostEqual(
            ticket.received_date, datetime.now(), delta=timedelta(minutes=5)
        )
        self.assertTrue(
            all(
                d.date_deadline < datetime.now() + timedelta(days=30)
                for d in ticket.deadline_ids
            )
        )

    def test_chinese_charset(self):
        before = self._all()
        raw = (
            (
                f"From: li.wei@acme.example.com\nTo: {self.alias_email}\n"
                "Subject: =?gb2312?B?1srBv87KzOI=?=\n"
                "Message-Id: <gb-1@acme.example.com>\n"
                "Date: Tue, 03 Mar 2026 09:15:00 +0800\nMIME-Version: 1.0\n"
                'Content-Type: text/plain; charset="gb2312"\n'
                "Content-Transfer-Encoding: 8bit\n\n"
            ).encode()
            + "外壳开裂, 共12件".encode("gb2312")
            + b"\n"
        )
        self.env["mail.thread"].sudo().message_process(None, raw)
        ticket = self._new_tickets(before)
        self.assertEqual(ticket.subject, "质量问题")
        self.assertIn("外壳开裂, 共12件", ticket.description)

    def test_unknown_body_charset(self):
        """A body in a charset Python does not know fails in Odoo's own parser, before
        any ticket code runs: the mail fetcher logs it and leaves the message on the
        server. Nothing half-made is left behind."""
        before = self._all()
        raw = (
            f"From: li.wei@acme.example.com\nTo: {self.alias_email}\nSubject: Cracks\n"
            "Message-Id: <unknown-charset-1@acme.example.com>\n"
            "Date: Tue, 03 Mar 2026 09:15:00 +0800\n"
            'MIME-Version: 1.0\nContent-Type: text/plain; charset="x-no-such-charset"\n'
            "\nHousing cracked\n"
        )
        with self.assertRaises(LookupError):
            self.env["mail.thread"].sudo().message_process(None, raw)
        self.assertFalse(self._new_tickets(before))

    def test_garbage(self):
        before = self._all()
        raw = (
            f"To: {self.alias_email}\n".encode()
            + bytes(range(256))
            + b"\n\x00\x00 >>> not a mail <<<\n"
        )
        self.env["mail.thread"].sudo().message_process(None, raw)
        ticket = self._new_tickets(before)
        self.assertEqual(
            len(ticket),
            1,
            "addressed to the alias, whatever it holds, it is registered",
        )
        self.assertEqual(ticket.team_id, self.team)
        self.assertFalse(ticket.partner_id)
        # without any recipient the fetch server's fallback model takes it
        self.env["mail.thread"].sudo().message_process(
            "cq.ticket", b"\xff\xfe garbage without headers"
        )
        self.assertEqual(len(self._new_tickets(before)), 2)

    # ------------------------------------------------------------------
    # Who sends, which company
    # ------------------------------------------------------------------
    def test_forwarded_by_a_colleague(self):
        """A salesperson forwards the customer's mail:
        she is the recorder, not the customer."""
        self.sales_user.email = "sally.sales@ourcompany.example.com"
        before = self._all()
        self._process(
            email_from='"Sally Sales" <sally.sales@ourcompany.example.com>',
            subject="Fwd: Calipers squeal",
            body="---------- Forwarded message ----------\n"
            "From: li.wei@acme.example.com\nThey squeal.",
        )
        ticket = self._new_tickets(before)
        self.assertEqual(len(ticket), 1)
        self.assertFalse(ticket.partner_id, "the customer is not our own employee")
        self.assertEqual(ticket.received_by_id, self.sales_user)
        self.assertIn(
            ticket,
            self.env["cq.ticket"].with_user(self.sales_user).search([]),
            "she sees what she sent",
        )

    def test_alias_of_another_company(self):
        company_b = self.env["res.company"].create({"name": "CQ Gateway Company B"})
        team_b = self.env["cq.team"].create(
            {
                "name": "Quality B",
                "company_id": company_b.id,
                "alias_name": "quality-b",
                "alias_domain_id": self.alias_domain.id,
            }
        )
        before = self._all()
        self._process(to=f"quality-b@{ALIAS_DOMAIN}", subject="Paint peeling")
        ticket = self._new_tickets(before)
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.team_id, team_b)
        self.assertEqual(ticket.company_id, company_b)
        self.assertEqual(ticket.deadline_ids.company_id, company_b)
        self.assertFalse(
            self.env["cq.ticket"]
            .with_user(self.officer)
            .search([("id", "=", ticket.id)]),
            "company A staff do not see it",
        )
