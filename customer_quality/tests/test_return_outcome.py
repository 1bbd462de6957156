from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import CqReturnCommon


class CqOutcomeCommon(CqReturnCommon):
    def _inspected(self, rma, cause="quality"):
        rma.with_user(self.warehouse_user).action_inspect()
        rma.with_user(self.officer).write({"cause": cause})
        self.assertEqual(rma.state, "inspected")
        return rma

    def _photo(self, rma):
        rma.line_ids.evidence_attachment_ids = [
            Command.create(
                {"name": "kept.jpg", "raw": b"\xff\xd8\xff", "mimetype": "image/jpeg"}
            )
        ]


@tagged("post_install", "-at_install")
class TestReturnCreditNote(CqOutcomeCommon):
    """A credit note against the original invoice line, at its price, discount and
    taxes, for what came back."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product.invoice_policy = "delivery"
        cls.tax = cls.env["account.tax"].create(
            {
                "name": "VAT 13%",
                "amount": 13.0,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "company_id": cls.company.id,
            }
        )
        order, picking = cls._deliver_lots(
            cls.customer,
            cls.product,
            [(cls.lot, 20)],
            line_values={
                "price_unit": 75.0,
                "discount": 10.0,
                "tax_id": [Command.set(cls.tax.ids)],
            },
        )
        cls.order, cls.order_delivery = order, picking
        cls.order_line = order.order_line
        cls.invoice = order._create_invoices()
        cls.invoice.action_post()
        cls.invoice_line = cls.invoice.invoice_line_ids.filtered("product_id")

    def test_invoice_fixture(self):
        self.assertEqual(self.invoice.state, "posted")
        self.assertEqual(self.invoice_line.quantity, 20)
        self.assertEqual(self.invoice_line.price_unit, 75.0)
        self.assertNotEqual(self.invoice_line.price_unit, self.product.list_price)
        self.assertEqual(self.invoice_line.discount, 10.0)
        self.assertEqual(self.order_line.qty_invoiced, 20)

    def test_credit_note_at_invoice_price_and_discount(self):
        rma = self._received(6, delivery=self.order_delivery)
        line = rma.line_ids
        self.assertEqual(line.sale_line_id, self.order_line)
        self.assertEqual(line.price_unit, 75.0, "the invoice line's price")
        self.assertEqual(line.discount, 10.0)
        self.assertAlmostEqual(line.amount, 6 * 75.0 * 0.9)
        self.assertEqual(self.order_line.qty_delivered, 14, "the return counts back")
        self._inspected(rma)
        line.write({"disposition": "restock", "outcome": "credit_note"})
        self.assertAlmostEqual(rma.outcome_amount, 405.0)
        rma.with_user(self.officer).action_decide()

        refund = rma.credit_note_ids
        self.assertEqual(len(refund), 1)
        self.assertEqual(refund.move_type, "out_refund")
        self.assertEqual(refund.state, "draft")
        self.assertEqual(refund.reversed_entry_id, self.invoice)
        self.assertEqual(refund.partner_id, self.invoice.partner_id)
        self.assertEqual(refund.currency_id, self.invoice.currency_id)
        refund_line = refund.invoice_line_ids
        self.assertEqual(len(refund_line), 1)
        self.assertEqual(refund_line.product_id, self.product)
        self.assertEqual(refund_line.quantity, 6, "the received quantity")
        self.assertEqual(refund_line.price_unit, self.invoice_line.price_unit)
        self.assertEqual(refund_line.discount, self.invoice_line.discount)
        self.assertEqual(refund_line.tax_ids, self.tax)
        self.assertEqual(refund_line.tax_ids, self.invoice_line.tax_ids)
        self.assertEqual(refund_line.account_id, self.invoice_line.account_id)
        self.assertEqual(refund_line.sale_line_ids, self.order_line)
        self.assertEqual(line.credit_note_line_id, refund_line)
        self.assertAlmostEqual(refund.amount_untaxed, 405.0)  # 6 × 75 × (1 − 10 %)
        self.assertAlmostEqual(refund.amount_tax, 52.65)
        self.assertAlmostEqual(refund.amount_total, 457.65)
        # Odoo counts a credit note linked to the order line against the invoiced
        # quantity as soon as it exists (qty_invoiced), and in the accounts once
        # posted (qty_invoiced_posted)
        self.assertEqual(self.order_line.qty_invoiced, 14)
        self.assertEqual(self.order_line.qty_invoiced_posted, 20)
        self.assertEqual(self.order_line.qty_to_invoice, 0, "nothing re-invoiced")
        refund.action_post()
        self.assertEqual(refund.state, "posted")
        self.assertEqual(self.order_line.qty_invoiced, 14)
        self.assertEqual(self.order_line.qty_invoiced_posted, 14)
        self.assertEqual(self.order_line.qty_to_invoice, 0)
        # the goods went back to stock, the lot kept
        self.assertEqual(self._qty(self.return_location, self.lot), 0)
        self.assertEqual(self._qty(self.stock_location, self.lot), 40 + 6)
        self.assertFalse(rma.replacement_picking_ids, "credited, not replaced")

    def test_credit_note_of_less_than_authorised(self):
        """The warehouse received 4 of 6: only 4 are credited."""
        rma = self._return(6, delivery=self.order_delivery)
        rma.action_authorise()
        receipt = rma.receipt_ids
        receipt.move_ids.move_line_ids.quantity = 4
        receipt.move_ids.picked = True
        receipt.with_user(self.warehouse_user).with_context(
            skip_backorder=True, picking_ids_not_to_backorder=receipt.ids
        ).button_validate()
        rma.with_user(self.warehouse_user).line_ids.inspection_result = "nonconforming"
        self._inspected(rma)
        rma.with_user(self.officer).line_ids.write(
            {"disposition": "scrap", "outcome": "credit_note"}
        )
        rma.with_user(self.officer).action_decide()
        self.assertEqual(rma.credit_note_ids.invoice_line_ids.quantity, 4)
        self.assertAlmostEqual(rma.credit_note_ids.amount_untaxed, 270.0)

    def test_credit_note_refused_when_not_invoiced(self):
        # the fixture order is delivered, not invoiced
        rma = self._inspected(self._received(5))
        rma.with_user(self.officer).line_ids.write(
            {"disposition": "restock", "outcome": "credit_note"}
        )
        with self.assertRaises(UserError):
            rma.with_user(self.officer).action_decide()
        self.assertEqual(rma.state, "inspected")
        self.assertFalse(rma.decided_on)
        self.assertFalse(rma.credit_note_ids)
        self.assertFalse(
            self.env["account.move"].search([("cq_return_id", "=", rma.id)])
        )
        self.assertEqual(
            self._qty(self.return_location, self.lot), 5, "nothing moved either"
        )

    def test_credit_note_without_return(self):
        """The customer scraps 2 on site: credited without coming back."""
        rma = self._return(2, delivery=self.order_delivery, without_return=True)
        rma = rma.with_env(self.env)
        self._photo(rma)
        rma.action_authorise()
        rma.with_user(self.warehouse_user).action_receive()
        self._inspected(rma)
        rma.line_ids.outcome = "credit_note"
        rma.with_user(self.officer).action_decide()
        self.assertEqual(rma.credit_note_ids.invoice_line_ids.quantity, 2)
        self.assertAlmostEqual(rma.credit_note_ids.amount_untaxed, 135.0)
        self.assertEqual(self.order_line.qty_delivered, 20, "nothing came back")
        self.assertEqual(rma.credit_note_ids.reversed_entry_id, self.invoice)
        # the customer keeps the goods: still delivered and invoiced on the order,
        # so that Odoo does not invoice them a second time
        rma.credit_note_ids.action_post()
        self.assertEqual(self.order_line.qty_invoiced, 20)
        self.assertEqual(self.order_line.qty_to_invoice, 0)


@tagged("post_install", "-at_install")
class TestReturnReplacement(CqOutcomeCommon):
    """Replacement deliveries linked to the sale order: its delivered quantity
    goes down with the return and back up with the replacement."""

    def test_replacement_linked_to_order_line(self):
        order_line = self.sale_order.order_line
        self.assertEqual(order_line.qty_delivered, 40)
        rma = self._received(5)
        self.assertEqual(order_line.qty_delivered, 35)
        self._inspected(rma)
        rma.with_user(self.officer).line_ids.write(
            {"disposition": "scrap", "outcome": "replacement"}
        )
        rma.with_user(self.officer).action_decide()
        replacement = rma.replacement_picking_ids
        self.assertEqual(len(replacement), 1)
        self.assertEqual(replacement.picking_type_code, "outgoing")
        self.assertEqual(replacement.sale_id, self.sale_order)
        self.assertIn(replacement, self.sale_order.picking_ids)
        self.assertEqual(replacement.partner_id, self.delivery.partner_id)
        self.assertEqual(replacement.cq_return_role, "replacement")
        move = replacement.move_ids
        self.assertEqual(move.product_id, self.product)
        self.assertEqual(move.product_uom_qty, 5)
        self.assertEqual(move.sale_line_id, order_line)
        self.assertEqual(move.cq_return_line_id, rma.line_ids)
        self.assertEqual(move.location_dest_id.usage, "customer")
        self.assertEqual(order_line.qty_delivered, 35, "not shipped yet")
        self._ship(replacement)
        self.assertEqual(order_line.qty_delivered, 40, "back to the original")
        self.assertEqual(rma.line_ids.replacement_move_ids, move)

    def test_replacement_without_return(self):
        order_line = self.sale_order.order_line
        rma = self._return(2, without_return=True)
        self._photo(rma)
        rma.action_authorise()
        self.assertFalse(rma.receipt_ids)
        rma.with_user(self.warehouse_user).action_receive()
        self.assertEqual(order_line.qty_delivered, 40, "nothing came back")
        self._inspected(rma)
        self.assertEqual(rma.nc_quantity, 2, "the goods kept are nonconforming")
        rma.with_user(self.officer).line_ids.outcome = "replacement"
        rma.with_user(self.officer).action_decide()
        replacement = rma.replacement_picking_ids
        self.assertEqual(replacement.move_ids.product_uom_qty, 2)
        self.assertFalse(replacement.sale_id, "shipped outside the order")
        self.assertEqual(replacement.partner_id, self.delivery.partner_id)
        # the two kept by the customer count against the delivery
        returnable = self._return(38)
        returnable.action_authorise()
        self.assertEqual(returnable.state, "authorised")
        self.assertEqual(self._return(1).line_ids.returnable_qty, 0)
        self._ship(replacement)
        # the customer holds 40 good pieces, as ordered: the free replacement of
        # goods kept on site is not delivered (nor invoiced) a second time
        self.assertEqual(order_line.qty_delivered, 40)
        self.assertEqual(self.sale_order.order_line, order_line, "no line added")

    def test_no_fault_creates_nothing(self):
        rma = self._inspected(self._received(3), cause="no_fault")
        rma.with_user(self.officer).line_ids.write(
            {"disposition": "restock", "outcome": "no_fault"}
        )
        rma.with_user(self.officer).action_decide()
        self.assertFalse(rma.replacement_picking_ids)
        self.assertFalse(rma.credit_note_ids)
        self.assertFalse(rma.repair_ids)
        self.assertFalse(rma.scrap_ids)
        self.assertEqual(rma.outcome_amount, 0)
        self.assertFalse(rma.corrective_action_required)
        self.assertEqual(self.sale_order.order_line.qty_delivered, 37)
        self.assertEqual(self._qty(self.stock_location, self.lot), 60 + 3)


@tagged("post_install", "-at_install")
class TestReturnApproval(CqOutcomeCommon):
    """Replacements and credit notes above the company's amount need a quality
    manager's approval before quality decides."""

    def test_approval_above_amount(self):
        self.company.cq_return_approval_amount = 300.0
        rma = self._inspected(self._received(5))
        rma.with_user(self.officer).line_ids.write(
            {"disposition": "scrap", "outcome": "replacement"}
        )
        self.assertAlmostEqual(rma.outcome_amount, 400.0)  # 5 × 80
        self.assertTrue(rma.needs_approval)
        Return = self.env["cq.return"]
        self.assertIn(rma, Return.search([("needs_approval", "=", True)]))
        self.assertNotIn(rma, Return.search([("needs_approval", "=", False)]))
        with self.assertRaises(UserError):
            rma.with_user(self.officer).action_decide()
        self.assertFalse(rma.decided_on)
        self.assertFalse(rma.scrap_ids)
        self.assertFalse(rma.replacement_picking_ids)
        self.assertFalse(rma.with_user(self.officer).can_approve)
        with self.assertRaises(UserError):
            rma.with_user(self.officer).action_approve()
        self.assertFalse(rma.approved_by_id)
        self.assertTrue(rma.with_user(self.quality_manager).can_approve)
        rma.with_user(self.quality_manager).action_approve()
        self.assertEqual(rma.approved_by_id, self.quality_manager)
        self.assertFalse(rma.needs_approval)
        self.assertNotIn(rma, Return.search([("needs_approval", "=", True)]))
        rma.with_user(self.officer).action_decide()
        self.assertEqual(rma.replacement_picking_ids.move_ids.product_uom_qty, 5)
        self.assertEqual(rma.scrap_ids.scrap_qty, 5)

    def test_no_approval_at_or_below_amount(self):
        self.company.cq_return_approval_amount = 400.0
        rma = self._inspected(self._received(5))
        rma.with_user(self.officer).line_ids.write(
            {"disposition": "scrap", "outcome": "replacement"}
        )
        self.assertFalse(rma.needs_approval)
        with self.assertRaises(UserError):
            rma.with_user(self.quality_manager).action_approve()  # nothing to approve
        rma.with_user(self.officer).action_decide()
        self.assertTrue(rma.replacement_picking_ids)

    def test_no_fault_needs_no_approval(self):
        self.company.cq_return_approval_amount = 10.0
        rma = self._inspected(self._received(5))
        rma.with_user(self.officer).line_ids.write(
            {"disposition": "restock", "outcome": "no_fault"}
        )
        self.assertFalse(rma.needs_approval)
        rma.with_user(self.officer).action_decide()
        self.assertTrue(rma.decided_on)


@tagged("post_install", "-at_install")
class TestReturnExplanation(CqOutcomeCommon):
    """Every return is explained to the customer before it is closed."""

    def test_explained_only_by_a_message_to_the_customer(self):
        """The context key the composer sends marks nothing on a draft return,
        nor with an internal note."""
        draft = self._return(2)
        with self.assertRaises(UserError):
            draft.with_context(cq_return_explained=True).message_post(
                body="Explained.", message_type="comment"
            )
        rma = self._received(2)
        with self.assertRaises(UserError):
            rma.with_user(self.officer).with_context(
                cq_return_explained=True
            ).message_post(body="Explained.", subtype_xmlid="mail.mt_note")
        self.assertFalse(draft.explanation_sent_on)
        self.assertFalse(rma.explanation_sent_on)

    def test_explanation_mail(self):
        rma = self._inspected(self._received(5))
        rma.customer_explanation = "The anti-squeal shim was missing on these five."
        rma.with_user(self.officer).line_ids.write(
            {"disposition": "scrap", "outcome": "replacement"}
        )
        self.assertFalse(rma.explanation_sent_on)
        before = rma.message_ids
        self._explain(rma)
        self.assertTrue(rma.explanation_sent_on)
        message = (rma.message_ids - before).filtered(
            lambda m: m.message_type == "comment"
        )
        self.assertEqual(len(message), 1)
        self.assertEqual(message.partner_ids, self.customer)
        self.assertIn(rma.name, message.subject)
        body = str(message.body)
        self.assertIn("Brake Caliper BC-200", body)
        self.assertIn("LOT-2026-001", body)
        self.assertIn("Replacement", body)
        self.assertIn("The anti-squeal shim was missing on these five.", body)
        self.assertEqual(message.author_id, self.officer.partner_id)
        notified = message.notification_ids.filtered(
            lambda n: n.res_partner_id == self.customer
        )
        self.assertEqual(notified.notification_type, "email")

    def test_done_needs_decision_and_explanation(self):
        rma = self._inspected(self._received(2))
        rma.with_user(self.officer).line_ids.write(
            {"disposition": "restock", "outcome": "no_fault"}
        )
        # explained first, not decided
        self._explain(rma)
        with self.assertRaises(UserError):
            rma.with_user(self.officer).action_done()
        self.assertEqual(rma.state, "inspected")
        rma.with_user(self.officer).action_decide()
        rma.with_user(self.officer).action_done()
        self.assertEqual(rma.state, "done")

    def test_done_refused_before_explanation(self):
        rma = self._inspected(self._received(2), cause="customer")
        rma.with_user(self.officer).line_ids.write(
            {"disposition": "restock", "outcome": "no_fault"}
        )
        rma.with_user(self.officer).action_decide()
        self.assertFalse(rma.can_done)
        with self.assertRaises(UserError):
            rma.with_user(self.officer).action_done()
        self.assertEqual(rma.state, "inspected")
        self._explain(rma)
        self.assertTrue(rma.can_done)
        rma.with_user(self.officer).action_done()
        self.assertEqual(rma.state, "done")

    def test_no_explanation_of_a_draft(self):
        rma = self._return(2)
        with self.assertRaises(UserError):
            rma.with_user(self.officer).action_explain()
