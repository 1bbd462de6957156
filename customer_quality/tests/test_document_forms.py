"""The main forms, created and edited through Form as the web client would, by
the roles who do it: their required and readonly modifiers mirror the rules the
server enforces (the workflow's fields are never editable, finished records are
read-only)."""

from odoo.tests import Form, tagged

from .common import CqReturnCommon


@tagged("post_install", "-at_install")
class TestDocumentForms(CqReturnCommon):
    def test_ticket_form(self):
        form = Form(self.env["cq.ticket"].with_user(self.sales_user))
        form.partner_id = self.customer
        form.subject = "Calipers squeal"
        form.description = "<p>Calipers of lot LOT-2026-001 squeal.</p>"
        form.channel = "email"
        form.team_id = self.team
        form.picking_id = self.delivery
        form.product_id = self.product
        form.lot_id = self.lot
        form.defective_qty = 3
        self.assertEqual(form.sale_order_id, self.sale_order, "from the delivery")
        self.assertEqual(form.email_from, self.customer.email)
        for name in ("approved_by_id", "approved_date", "readback_user_id", "state"):
            with self.subTest(field=name), self.assertRaises(AssertionError):
                setattr(form, name, False)
        ticket = form.save()
        self.assertRegex(ticket.name, r"^CQ/\d{4}/\d{5}$")
        self.assertEqual(ticket.state, "draft")
        self.assertTrue(ticket.deadline_ids)
        with Form(ticket.with_user(self.sales_user)) as edit:
            edit.demand_exchange = True
        self.assertTrue(ticket.demand_exchange)
        # the investigation is the handler's, and freezes once put to approval
        ticket = self._investigated(ticket)
        with Form(ticket.with_user(self.sales_user)) as seller:
            with self.assertRaises(AssertionError):
                seller.decision_amount = 10.0
        with Form(ticket.with_user(self.officer)) as handler:
            handler.decision_amount = 900.0
        ticket.action_request_approval()
        with Form(ticket.with_user(self.officer)) as frozen:
            with self.assertRaises(AssertionError):
                frozen.root_cause = "Another cause"
        self.assertEqual(ticket.decision_amount, 900.0)
        ticket.with_user(self.officer).action_cancel()
        with Form(ticket.with_user(self.officer)) as locked:
            self.assertTrue(locked.is_locked)
            with self.assertRaises(AssertionError):
                locked.subject = "Rewritten"

    def test_return_form(self):
        form = Form(self.env["cq.return"].with_user(self.sales_user))
        form.partner_id = self.customer
        with form.line_ids.new() as line:
            line.picking_id = self.delivery
            line.product_id = self.product
            line.lot_id = self.lot
            line.quantity = 4
            line.reason = "Squeal"
        with self.assertRaises(AssertionError):
            form.decided_by_id = self.officer
        rma = form.save()
        self.assertRegex(rma.name, r"^RMA/\d{4}/\d{5}$")
        self.assertEqual(rma.line_ids.move_id, self.delivery.move_ids)
        rma.with_user(self.sales_user).action_authorise()
        with Form(rma.with_user(self.sales_user)) as edit:
            with self.assertRaises(AssertionError):
                edit.partner_id = self.other_customer
            edit.description = "<p>Three calipers come back.</p>"
        self.assertIn("Three calipers", rma.description)

    def test_claim_form(self):
        form = Form(self.env["cq.warranty.claim"].with_user(self.officer))
        form.partner_id = self.customer
        form.picking_id = self.delivery
        form.product_id = self.product
        form.lot_id = self.lot
        form.quantity = 2
        form.description = "<p>Bleed screw cracked.</p>"
        with self.assertRaises(AssertionError):
            form.decided_by_id = self.officer
        claim = form.save()
        self.assertRegex(claim.name, r"^WC/\d{4}/\d{5}$")
        self.assertTrue(claim.warranty_state)
        claim.with_user(self.officer).action_cancel()
        with Form(claim.with_user(self.officer)) as locked:
            with self.assertRaises(AssertionError):
                locked.quantity = 1
