from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .satisfaction_common import CqSatisfactionCommon
from .test_portal_ticket import CqPortalCommon


@tagged("post_install", "-at_install")
class TestPortalDocuments(CqPortalCommon, HttpCase):
    """Returns and warranty claims in the portal: the customer's company reads
    them, nobody else; internal findings stay inside."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rma = cls.env["cq.return"].create(
            {
                "partner_id": cls.customer.id,
                "line_ids": [
                    Command.create(
                        {
                            "picking_id": cls.delivery.id,
                            "product_id": cls.product.id,
                            "quantity": 4,
                            "lot_id": cls.lot.id,
                            "reason": "Squeal after 200 km",
                        }
                    )
                ],
            }
        )
        cls.other_rma = cls.env["cq.return"].create(
            {
                "partner_id": cls.other_customer.id,
                "line_ids": [
                    Command.create(
                        {
                            "picking_id": cls.other_delivery.id,
                            "product_id": cls.product.id,
                            "quantity": 1,
                            "lot_id": cls.other_lot.id,
                            "reason": "Beta's reason",
                        }
                    )
                ],
            }
        )
        cls.claim = cls.env["cq.warranty.claim"].create(
            {
                "partner_id": cls.customer.id,
                "picking_id": cls.delivery.id,
                "product_id": cls.product.id,
                "lot_id": cls.lot.id,
                "quantity": 2,
                "description": "<p>Bleed screw cracked.</p>",
            }
        )

    def setUp(self):
        super().setUp()
        # the findings quality writes inside, as the steps would
        self.env.cr.execute(
            "UPDATE cq_return SET nc_description = 'Shim missing (internal)' "
            "WHERE id = %s",
            [self.rma.id],
        )
        self.env.cr.execute(
            "UPDATE cq_warranty_claim SET decision_note = "
            "'Supplier batch 7 at fault (internal)' WHERE id = %s",
            [self.claim.id],
        )
        self.env.invalidate_all()

    def _get(self, url):
        return self.url_open(url, allow_redirects=False)

    def test_the_customer_reads_its_returns_and_claims(self):
        self.authenticate(self.colleague.login, self.colleague.login)
        for record, url, shown in (
            (self.rma, "/my/returns", "Squeal after 200 km"),
            (self.claim, "/my/warranty-claims", "Bleed screw cracked"),
        ):
            with self.subTest(model=record._name):
                listing = self._get(url)
                self.assertEqual(listing.status_code, 200)
                self.assertIn(record.name, listing.text)
                page = self._get(f"{url}/{record.id}")
                self.assertEqual(page.status_code, 200)
                self.assertIn(shown, page.text)
                self.assertNotIn("(internal)", page.text)
        self.assertNotIn(self.other_rma.name, self._get("/my/returns").text)
        by_lot = self._get("/my/returns?search=LOT-2026-001")
        self.assertIn(self.rma.name, by_lot.text)
        self.assertNotIn(
            self.rma.name, self._get("/my/returns?search=NO-SUCH-LOT").text
        )
        counters = self.make_jsonrpc_request(
            "/my/counters",
            {"counters": ["cq_return_count", "cq_warranty_claim_count"]},
        )
        self.assertEqual(counters, {"cq_return_count": 1, "cq_warranty_claim_count": 1})

    def test_others_are_turned_away(self):
        for record, url in (
            (self.rma, "/my/returns"),
            (self.claim, "/my/warranty-claims"),
        ):
            with self.subTest(model=record._name):
                self.authenticate(self.stranger.login, self.stranger.login)
                response = self._get(f"{url}/{record.id}")
                self.assertTrue(response.headers["Location"].endswith("/my"))
                self.authenticate(None, None)
                response = self._get(f"{url}/{record.id}?access_token=wrong")
                self.assertTrue(response.headers["Location"].endswith("/my"))
                token = record._portal_ensure_token()
                response = self._get(f"{url}/{record.id}?access_token={token}")
                self.assertEqual(response.status_code, 200)
                self.assertIn(record.name, response.text)

    def test_what_a_portal_user_reads_by_rpc(self):
        rma = self.rma.with_user(self.portal_user)
        self.assertEqual(rma.read(["name"])[0]["name"], self.rma.name)
        for internal in ("nc_description", "disposition_summary", "outcome_amount"):
            with self.assertRaises(AccessError, msg=internal):
                rma.read([internal])
        with self.assertRaises(AccessError):
            self.env["cq.return.line"].with_user(self.portal_user).search([])
        claim = self.claim.with_user(self.portal_user)
        self.assertEqual(claim.read(["quantity"])[0]["quantity"], 2)
        for internal in ("decision_note", "cost_total", "recovery_amount_claimed"):
            with self.assertRaises(AccessError, msg=internal):
                claim.read([internal])
        self.assertNotIn("decision_note", claim.read()[0])
        with self.assertRaises(AccessError):
            claim.write({"quantity": 20})
        self.assertFalse(
            self.env["cq.warranty.claim"]
            .with_user(self.stranger)
            .search([("id", "=", self.claim.id)])
        )

    def test_the_customer_prints_the_slip_of_an_authorised_return(self):
        self.authenticate(self.portal_user.login, self.portal_user.login)
        self.assertNotIn("o_cq_portal_slip", self.url_open(self.rma.access_url).text)
        self.rma.action_authorise()
        receipt = self.rma.receipt_ids
        self.assertEqual(len(receipt), 1)
        url = f"{self.rma.access_url}/slip/{receipt.id}"
        self.assertIn(url, self.url_open(self.rma.access_url).text)
        slip = self.url_open(url, allow_redirects=False)
        self.assertEqual(slip.status_code, 200)
        self.assertEqual(slip.headers["Content-Type"], "application/pdf")
        self.assertIn(receipt.name, slip.text)
        # a picking that is not this return's receipt (the customer's delivery)
        foreign = self.url_open(
            f"{self.rma.access_url}/slip/{self.delivery.id}", allow_redirects=False
        )
        self.assertIn(foreign.status_code, (302, 303))
        self.authenticate(self.stranger.login, self.stranger.login)
        refused = self.url_open(url, allow_redirects=False)
        self.assertIn(refused.status_code, (302, 303))
        self.assertNotIn(receipt.name, refused.text)
        # the mailed link, without an account: its token, not another
        self.authenticate(None, None)
        self.rma._portal_ensure_token()
        wrong = self.url_open(f"{url}?access_token=nope", allow_redirects=False)
        self.assertIn(wrong.status_code, (302, 303))
        mailed = self.url_open(
            f"{url}?access_token={self.rma.access_token}", allow_redirects=False
        )
        self.assertEqual(mailed.status_code, 200)
        self.assertIn(receipt.name, mailed.text)


@tagged("post_install", "-at_install")
class TestPortalSurveys(CqSatisfactionCommon, HttpCase):
    """The satisfaction surveys sent to a customer's contact wait for them in
    the portal, until answered."""

    def test_the_survey_sent_waits_until_answered(self):
        portal_user = new_test_user(
            self.env,
            "cq_portal_survey",
            groups="base.group_portal",
            partner_id=self.contact.id,
        )
        other = new_test_user(self.env, "cq_portal_other", groups="base.group_portal")
        campaign = self._campaign()
        campaign.action_prepare()
        campaign.recipient_ids.contact_id = self.contact
        campaign.action_send()
        answer = campaign.recipient_ids.sudo().user_input_id
        self.assertTrue(answer)
        self.authenticate(other.login, other.login)
        self.assertNotIn(answer.access_token, self.url_open("/my/surveys").text)
        self.authenticate(portal_user.login, portal_user.login)
        page = self.url_open("/my/surveys")
        self.assertIn(answer.get_start_url(), page.text.replace("&amp;", "&"))
        self.assertEqual(
            self.make_jsonrpc_request(
                "/my/counters", {"counters": ["cq_survey_count"]}
            ),
            {"cq_survey_count": 1},
        )
        answer.sudo()._mark_done()
        self.assertNotIn(answer.access_token, self.url_open("/my/surveys").text)
