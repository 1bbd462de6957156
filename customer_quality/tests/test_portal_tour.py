from odoo.tests import HttpCase, tagged

from .common import CqTourMixin
from .test_portal_ticket import CqPortalCommon


@tagged("post_install", "-at_install", "is_tour")
class TestPortalTour(CqTourMixin, CqPortalCommon, HttpCase):
    """A customer's contact, in the portal, in real Chromium: reports a
    problem with a photo, follows it, reads our reply and accepts it."""

    def test_report_follow_and_accept(self):
        Ticket = self.env["cq.ticket"]
        self._cq_tour("/my", "cq_portal_report_tour", login=self.portal_user.login)
        ticket = Ticket.search(
            [("channel", "=", "portal"), ("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.subject, "Cracked housings in the last delivery")
        self.assertEqual(ticket.contact_id, self.contact)
        self.assertEqual(ticket.picking_id, self.delivery)
        self.assertEqual(ticket.defective_qty, 3.0)
        self.assertTrue(ticket.demand_exchange)
        photo = ticket.message_ids.attachment_ids
        self.assertEqual(photo.mapped("name"), ["cracked-housing.png"])
        self.assertEqual(photo.mimetype, "image/png")

        # quality handles it and replies
        ticket.team_id = self.team
        self._replied(ticket, reply_action="Replaced the three calipers.")
        self.assertEqual(ticket.state, "replied")

        self._cq_tour("/my", "cq_portal_accept_tour", login=self.portal_user.login)
        ticket.invalidate_recordset()
        self.assertEqual(ticket.state, "closed")
        self.assertEqual(ticket.customer_acceptance, "accepted")
        self.assertEqual(
            ticket.acceptance_note, "Received the replacements, thank you."
        )
