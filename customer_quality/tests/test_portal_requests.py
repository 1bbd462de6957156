import json
import re

from odoo import Command
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.mail.tools.discuss import Store

from .test_portal_ticket import PNG, SVG, CqPortalCommon


class CqPortalRequestCommon(CqPortalCommon):
    """Li Wei, portal user of Acme, asks for a return and claims under
    warranty from the portal."""

    def setUp(self):
        super().setUp()
        self.authenticate(self.portal_user.login, self.portal_user.login)

    def _csrf(self, url):
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200, page.text[:300])
        return re.search(r'csrf_token(?:" value=|: )"([^"]+)"', page.text).group(1)

    def _post(self, url, data, files=None, csrf=True):
        data = dict(data)
        if csrf:
            data["csrf_token"] = self._csrf(url)
        return self.url_open(
            url,
            data=data,
            files=[("attachments", f) for f in files or []],
            allow_redirects=False,
        )

    def _mine(self, model):
        return self.env[model].search([("create_uid", "=", self.portal_user.id)])

    def assertRefusedWhole(self, response, message, model):
        self.assertEqual(response.status_code, 400, response.text[:300])
        self.assertIn(message, response.text)
        self.assertFalse(self._mine(model), "nothing is written")
        self.assertFalse(
            self.env["ir.attachment"].search([("create_uid", "=", self.portal_user.id)])
        )


@tagged("post_install", "-at_install")
class TestPortalReturnRequest(CqPortalRequestCommon, HttpCase):
    """Request a return from a delivery: its lines, at most what is still
    returnable, a draft return waiting for our authorisation."""

    @property
    def key(self):
        return f"{self.product.id}_{self.lot.id}"

    def _values(self, **values):
        data = {
            "picking_id": str(self.delivery.id),
            "description": "The housings crack when fitted.",
            f"qty_{self.key}": "3",
            f"reason_{self.key}": "Cracked housing",
        }
        data.update(values)
        return data

    def _request(self, files=None, csrf=True, **values):
        return self._post("/my/returns/new", self._values(**values), files, csrf)

    def test_the_form_offers_the_customer_s_deliveries_and_what_is_left(self):
        page = self.url_open("/my/returns/new")
        self.assertIn(self.delivery.name, page.text)
        self.assertNotIn(self.other_delivery.name, page.text)
        self.assertNotIn("o_cq_portal_return_form", page.text, "a delivery first")
        page = self.url_open(f"/my/returns/new?picking_id={self.delivery.id}")
        self.assertIn(f'name="qty_{self.key}"', page.text)
        self.assertIn(self.lot.name, page.text)
        self.assertIn("40.00", page.text)
        # another customer's delivery shows none of its goods
        page = self.url_open(f"/my/returns/new?picking_id={self.other_delivery.id}")
        self.assertIn("among what you received", page.text)
        self.assertNotIn("o_cq_portal_return_form", page.text)
        self.assertNotIn(self.other_lot.name, page.text)

    def test_what_came_back_or_is_authorised_is_no_longer_offered(self):
        authorised = self.env["cq.return"].create(
            {
                "partner_id": self.customer.id,
                "line_ids": self.env["cq.return"]._cq_line_commands(
                    self.delivery.move_ids, quantity=38
                ),
            }
        )
        authorised.action_authorise()
        page = self.url_open(f"/my/returns/new?picking_id={self.delivery.id}")
        self.assertIn("2.00", page.text)
        self.assertNotIn("40.00", page.text)
        with mute_logger("odoo.http"):
            response = self._request(**{f"qty_{self.key}": "3"})
        self.assertRefusedWhole(response, "At most 2", "cq.return")
        response = self._request(**{f"qty_{self.key}": "2"})
        self.assertIn(response.status_code, (302, 303), response.text[:300])
        self.assertEqual(self._mine("cq.return").total_qty, 2)

    def test_a_request_is_a_draft_return_for_our_salesperson(self):
        response = self._request(files=[("crack.png", PNG, "image/png")])
        self.assertIn(response.status_code, (302, 303), response.text[:500])
        rma = self._mine("cq.return")
        self.assertEqual(len(rma), 1)
        self.assertIn(f"/my/returns/{rma.id}", response.headers["Location"])
        self.assertRegex(rma.name, r"^RMA/")
        self.assertEqual(
            (rma.state, rma.partner_id, rma.picking_id, rma.sale_order_id),
            ("draft", self.customer, self.delivery, self.sale_order),
        )
        self.assertEqual(rma.user_id, self.sales_user, "the customer's salesperson")
        self.assertEqual(
            [
                (line.product_id, line.lot_id, line.quantity, line.reason)
                for line in rma.line_ids
            ],
            [(self.product, self.lot, 3.0, "Cracked housing")],
        )
        self.assertIn("crack when fitted", rma.description)
        activity = rma.activity_ids
        self.assertEqual(activity.user_id, self.sales_user)
        self.assertIn("Authorise", activity.summary)
        files = self.env["ir.attachment"].search(
            [("res_model", "=", "cq.return"), ("res_id", "=", rma.id)]
        )
        self.assertEqual(files.mapped("mimetype"), ["image/png"])
        self.assertEqual(files.create_uid, self.portal_user)
        self.assertIn(self.contact, rma.message_partner_ids)
        # the customer reads it at once; our salesperson authorises it as usual
        page = self.url_open(response.headers["Location"])
        self.assertIn("Please send the goods only once we have authorised", page.text)
        self.assertIn("Cracked housing", page.text)
        rma.with_user(self.sales_user).action_authorise()
        self.assertEqual(rma.state, "authorised")

    def test_one_row_per_product_and_lot_spread_over_its_lines(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.product.id, "product_uom_qty": 9}
                    ),
                    Command.create(
                        {"product_id": self.product.id, "product_uom_qty": 3}
                    ),
                ],
            }
        )
        order.action_confirm()
        picking = order.picking_ids
        for move in picking.move_ids:
            move.move_line_ids.unlink()
            move.write(
                {
                    "move_line_ids": [
                        Command.create(
                            {
                                "product_id": self.product.id,
                                "lot_id": self.lot.id,
                                "quantity": move.product_uom_qty,
                                "location_id": picking.location_id.id,
                                "location_dest_id": picking.location_dest_id.id,
                                "picking_id": picking.id,
                            }
                        )
                    ],
                    "picked": True,
                }
            )
        picking.button_validate()
        self.assertEqual(len(picking.move_ids), 2)
        page = self.url_open(f"/my/returns/new?picking_id={picking.id}")
        self.assertEqual(page.text.count(f'name="qty_{self.key}"'), 1)
        self.assertIn("12.00", page.text)
        response = self._request(
            picking_id=str(picking.id), **{f"qty_{self.key}": "11"}
        )
        self.assertIn(response.status_code, (302, 303), response.text[:300])
        lines = self._mine("cq.return").line_ids
        self.assertEqual(sorted(lines.mapped("quantity")), [2.0, 9.0])
        self.assertEqual(lines.move_id, picking.move_ids)

    def test_what_a_draft_request_asks_for_is_not_asked_again(self):
        first = self._request(**{f"qty_{self.key}": "30"})
        self.assertIn(first.status_code, (302, 303), first.text[:300])
        page = self.url_open(f"/my/returns/new?picking_id={self.delivery.id}")
        self.assertIn("10.00", page.text)
        with mute_logger("odoo.http"):
            again = self._request(**{f"qty_{self.key}": "20"})
        self.assertEqual(again.status_code, 400)
        self.assertIn("At most 10", again.text)
        self.assertEqual(len(self._mine("cq.return")), 1)
        # once refused (cancelled), the goods are offered again
        self._mine("cq.return").action_cancel()
        page = self.url_open(f"/my/returns/new?picking_id={self.delivery.id}")
        self.assertIn("40.00", page.text)

    def test_the_salesperson_s_activity_is_in_their_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["customer_quality"], ["zh_CN"], overwrite=True
        )
        self.sales_user.lang = "zh_CN"
        self.assertEqual(self.portal_user.lang, "en_US")
        response = self._request()
        self.assertIn(response.status_code, (302, 303), response.text[:300])
        summary = self._mine("cq.return").activity_ids.summary
        self.assertNotIn("Authorise", summary)
        self.assertIn("退货", summary)

    @mute_logger("odoo.http")
    def test_bad_requests_are_refused_whole(self):
        other_key = f"{self.product.id}_{self.other_lot.id}"
        cases = [
            ({"picking_id": ""}, "Choose the delivery"),
            ({"picking_id": str(self.other_delivery.id)}, "among what you received"),
            ({"picking_id": "1 OR 1=1"}, "among what you received"),
            ({f"qty_{self.key}": "41"}, "At most 40"),
            ({f"qty_{self.key}": "-1"}, "cannot be negative"),
            ({f"qty_{self.key}": "a few"}, "is a number"),
            ({f"qty_{self.key}": "0"}, "Say how many"),
            # a line of another customer's delivery is no line of this one
            ({f"qty_{self.key}": "", f"qty_{other_key}": "1"}, "Say how many"),
            ({"description": "  "}, "why you send the goods back"),
        ]
        for values, message in cases:
            with self.subTest(values=values):
                self.assertRefusedWhole(
                    self._request(files=[("crack.png", PNG, "image/png")], **values),
                    message,
                    "cq.return",
                )
        self.assertRefusedWhole(
            self._request(files=[("x.svg", SVG, "image/svg+xml")]),
            "not a photo or a PDF",
            "cq.return",
        )

    @mute_logger("odoo.http")
    def test_no_csrf_and_no_visitor_no_return(self):
        response = self._request(csrf=False)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._mine("cq.return"))
        self.authenticate(None, None)
        response = self.url_open("/my/returns/new", allow_redirects=False)
        self.assertIn("/web/login", response.headers.get("Location", ""))

    @mute_logger("odoo.http")
    def test_the_burst_limit_counts_every_kind_of_request(self):
        for i in range(5):
            response = self._request(**{f"reason_{self.key}": f"Request {i}"})
            self.assertIn(response.status_code, (302, 303))
        response = self._post(
            "/my/warranty-claims/new",
            {"lot_id": str(self.lot.id), "quantity": "1", "description": "Failed"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("please wait a little", response.text)
        self.assertFalse(self._mine("cq.warranty.claim"))


@tagged("post_install", "-at_install")
class TestPortalClaimRequest(CqPortalRequestCommon, HttpCase):
    """Claim under warranty on a lot we delivered: the back office's checks,
    a new claim waiting to be registered."""

    def _values(self, **values):
        data = {
            "lot_id": str(self.lot.id),
            "quantity": "2",
            "description": "The pistons seized after 3 months.",
        }
        data.update(values)
        return data

    def _claim(self, files=None, csrf=True, **values):
        return self._post(
            "/my/warranty-claims/new", self._values(**values), files, csrf
        )

    def _delivered_on(self):
        # the day of the delivery where the company works (Shanghai), which is
        # the next day in UTC in the evening
        return self.env["cq.warranty.claim"]._cq_local_date(self.delivery.date_done)

    def test_the_form_offers_the_customer_s_lots(self):
        page = self.url_open("/my/warranty-claims/new")
        self.assertIn(self.lot.name, page.text)
        self.assertNotIn(self.other_lot.name, page.text)
        self.assertNotIn(self.other_delivery.name, page.text)

    def test_a_claim_on_a_lot_finds_its_delivery(self):
        response = self._claim(
            files=[("seized.png", PNG, "image/png")],
            start_of_use_date=str(self._delivered_on()),
        )
        self.assertIn(
            response.status_code,
            (302, 303),
            re.findall(r"o_cq_portal_error[^>]*>([^<]*)", response.text),
        )
        claim = self._mine("cq.warranty.claim")
        self.assertEqual(len(claim), 1)
        self.assertIn(f"/my/warranty-claims/{claim.id}", response.headers["Location"])
        self.assertEqual(
            (claim.state, claim.partner_id, claim.picking_id, claim.product_id),
            ("draft", self.customer, self.delivery, self.product),
        )
        self.assertEqual((claim.lot_id, claim.quantity), (self.lot, 2.0))
        self.assertEqual(claim.start_of_use_date, self._delivered_on())
        self.assertTrue(claim.delivery_date, "the warranty is judged on the delivery")
        self.assertEqual(claim.user_id, self.sales_user)
        self.assertEqual(claim.activity_ids.user_id, self.sales_user)
        self.assertEqual(
            self.env["ir.attachment"]
            .search(
                [("res_model", "=", "cq.warranty.claim"), ("res_id", "=", claim.id)]
            )
            .create_uid,
            self.portal_user,
        )
        page = self.url_open(response.headers["Location"])
        self.assertIn("we received your claim", page.text)
        self.assertIn("pistons seized", page.text)
        # registered in the back office as any claim
        claim.with_user(self.officer).action_confirm()
        self.assertEqual(claim.state, "open")

    @mute_logger("odoo.http")
    def test_bad_claims_are_refused_whole(self):
        other_product = self.env["product.product"].create({"name": "Brake pad"})
        cases = [
            ({"lot_id": str(self.other_lot.id)}, "among what you received"),
            ({"lot_id": "", "product_id": ""}, "the lot or the product"),
            ({"product_id": str(other_product.id)}, "among what you received"),
            ({"picking_id": str(self.other_delivery.id)}, "among what you received"),
            ({"quantity": "41"}, "more than was delivered"),
            ({"quantity": "0"}, "how many failed"),
            ({"quantity": "two"}, "is a number"),
            ({"start_of_use_date": "2999-01-01"}, "cannot be in the future"),
            ({"start_of_use_date": "2000-01-01"}, "before they were"),
            ({"start_of_use_date": "15/01/2026"}, "is a date"),
            ({"description": ""}, "Describe the failure"),
        ]
        for values, message in cases:
            with self.subTest(values=values):
                self.assertRefusedWhole(
                    self._claim(files=[("seized.png", PNG, "image/png")], **values),
                    message,
                    "cq.warranty.claim",
                )

    @mute_logger("odoo.http")
    def test_no_csrf_no_claim(self):
        response = self._claim(csrf=False)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._mine("cq.warranty.claim"))

    def test_a_colleague_reads_the_claim_another_customer_does_not(self):
        self._claim()
        claim = self._mine("cq.warranty.claim")
        self.authenticate(self.colleague.login, self.colleague.login)
        self.assertIn(claim.name, self.url_open(claim.access_url).text)
        self.authenticate(self.stranger.login, self.stranger.login)
        response = self.url_open(claim.access_url, allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertTrue(response.headers["Location"].endswith("/my"))


@tagged("post_install", "-at_install")
class TestPortalChatterFiles(CqPortalRequestCommon, HttpCase):
    """The chatter's own upload takes from a customer what the forms take,
    and what the customer sent stays as evidence."""

    def _upload(self, name, content, mimetype):
        return self.url_open(
            "/mail/attachment/upload",
            data={
                "thread_id": str(self.ticket.id),
                "thread_model": "cq.ticket",
                "is_pending": "true",
                "csrf_token": self._csrf(self.ticket.access_url),
            },
            files=[("ufile", (name, content, mimetype))],
        ).json()

    def _jsonrpc(self, route, params):
        return self.url_open(
            route,
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}),
            headers={"Content-Type": "application/json"},
        ).json()

    def _uploaded(self):
        return self.env["ir.attachment"].search(
            [("create_uid", "=", self.portal_user.id)]
        )

    def test_the_chatter_upload_takes_photos_and_pdf_only(self):
        refused = self._upload("x.svg", SVG, "image/svg+xml")
        self.assertIn("not a photo or a PDF", refused["error"])
        self.assertFalse(self._uploaded())
        taken = self._upload("crack.png", PNG, "image/png")
        self.assertNotIn("error", taken)
        self.assertEqual(self._uploaded().mimetype, "image/png")

    def test_the_chatter_upload_is_limited_in_a_while(self):
        for i in range(20):
            self.assertNotIn("error", self._upload(f"p{i}.png", PNG, "image/png"))
        refused = self._upload("one-more.png", PNG, "image/png")
        self.assertIn("please wait a little", refused["error"])
        self.assertEqual(len(self._uploaded()), 20)

    def test_a_file_uploaded_elsewhere_is_checked_when_posted_here(self):
        # a pending file the customer uploaded on another document of theirs
        svg = (
            self.env["ir.attachment"]
            .with_user(self.portal_user)
            .sudo()
            .create(
                {
                    "name": "x.svg",
                    "raw": SVG,
                    "res_model": "mail.compose.message",
                    "res_id": 0,
                    "access_token": "tok",
                }
            )
        )
        before = self.ticket.message_ids
        with mute_logger("odoo.http"):
            posted = self._jsonrpc(
                "/mail/message/post",
                {
                    "thread_model": "cq.ticket",
                    "thread_id": self.ticket.id,
                    "post_data": {"body": "See file", "attachment_ids": svg.ids},
                    "attachment_tokens": ["tok"],
                },
            )
        self.assertIn("not a photo or a PDF", posted["error"]["data"]["message"])
        self.assertEqual(self.ticket.message_ids, before, "nothing posted")

    def test_what_the_customer_sent_is_kept_as_sent(self):
        message = self.ticket.sudo()._cq_portal_post(
            "<p>Photo of the crack</p>", self.contact, [("crack.png", PNG)]
        )
        photo = message.attachment_ids
        self.assertTrue(photo)
        with mute_logger("odoo.http"):
            deleted = self._jsonrpc(
                "/mail/attachment/delete", {"attachment_id": photo.id}
            )
            emptied = self._jsonrpc(
                "/mail/message/update_content",
                {"message_id": message.id, "body": "", "attachment_ids": []},
            )
        self.assertEqual(
            deleted["error"]["data"]["name"], "werkzeug.exceptions.NotFound"
        )
        self.assertIn("kept as you sent it", emptied["error"]["data"]["message"])
        self.assertTrue(photo.exists())
        self.assertIn("Photo of the crack", message.body)
        self.assertEqual(message.attachment_ids, photo)


@tagged("post_install", "-at_install")
class TestPortalTracking(CqPortalCommon, HttpCase):
    """A message the customer receives tells the changes of what they may
    read, never those of our side (who handles it, how serious it is)."""

    def _public_message_with_tracking(self):
        Tracking = self.env["mail.tracking.value"]
        Ticket = self.env["cq.ticket"]
        fields = Ticket.fields_get(["state", "severity", "user_id"])
        values = [
            Tracking._create_tracking_values(
                "replied", "closed", "state", fields["state"], self.ticket
            ),
            Tracking._create_tracking_values(
                "minor", "serious", "severity", fields["severity"], self.ticket
            ),
            Tracking._create_tracking_values(
                self.env["res.users"],
                self.officer,
                "user_id",
                fields["user_id"],
                self.ticket,
            ),
        ]
        return self.ticket.message_post(
            body="Closed",
            subtype_xmlid="customer_quality.mt_cq_ticket_closed",
            tracking_value_ids=[Command.create(vals) for vals in values],
        )

    def _shown(self, message, user):
        data = Store(message.with_user(user), for_current_user=True).get_result()
        (shown,) = data["mail.message"]
        return sorted(value["fieldName"] for value in shown["trackingValues"])

    def test_the_customer_reads_only_the_changes_of_what_they_may_read(self):
        message = self._public_message_with_tracking()
        self.assertEqual(
            self._shown(message, self.officer), ["severity", "state", "user_id"]
        )
        self.assertEqual(self._shown(message, self.portal_user), ["state"])

    def test_the_notification_mail_tells_only_those_changes(self):
        message = self._public_message_with_tracking()
        context = self.ticket.with_user(
            self.officer
        )._notify_by_email_prepare_rendering_context(message)
        labels = [label for label, _old, _new in context["tracking_values"]]
        self.assertEqual(
            labels,
            [
                self.env["cq.ticket"]
                ._fields["state"]
                .get_description(self.env)["string"]
            ],
        )
