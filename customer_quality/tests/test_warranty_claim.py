from datetime import date, datetime, time

from lxml import html

from odoo import Command
from odoo.exceptions import UserError, ValidationError

from .common import CqCommon

DELIVERED = date(2026, 3, 2)


class WarrantyCommon(CqCommon):
    """The customer got 40 calipers of LOT-2026-001 on 2 March 2026; calipers have
    24 months of warranty; they sit in Brake parts (18 months) / Calipers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.categ_brakes = cls.env["product.category"].create(
            {"name": "Brake parts", "cq_warranty_months": 18}
        )
        cls.categ_calipers = cls.env["product.category"].create(
            {"name": "Calipers", "parent_id": cls.categ_brakes.id}
        )
        cls.product.write({"categ_id": cls.categ_calipers.id, "cq_warranty_months": 24})
        cls._date_delivery(cls.delivery, DELIVERED)
        cls.vendor = cls.env["res.partner"].create(
            {"name": "Jingrui Friction", "is_company": True}
        )

    @classmethod
    def _date_delivery(cls, picking, day, lot_day=None):
        """The delivery left on ``day`` (its lot lines on ``lot_day``)."""
        when = datetime.combine(day, time(4, 0))
        picking.write({"date_done": when})
        picking.move_ids.write({"date": when})
        picking.move_line_ids.write(
            {"date": datetime.combine(lot_day or day, time(4, 0))}
        )

    def _claim(self, user=None, **values):
        return (
            self.env["cq.warranty.claim"]
            .with_user(user or self.officer)
            .create(self._claim_values(**values))
        )

    def _flush_tracking(self):
        """Write the pending tracking messages, as a commit would."""
        self.env.flush_all()
        self.env.cr.precommit.run()

    def _term(self, **values):
        vals = {"partner_id": self.customer.id, "months": 36}
        vals.update(values)
        return self.env["cq.warranty.term"].with_user(self.quality_manager).create(vals)


class TestWarrantyClaim(WarrantyCommon):
    # ------------------------------------------------------------------
    # Warranty period and its boundaries
    # ------------------------------------------------------------------
    def test_last_day_in_first_day_out(self):
        """24 months from 2 March 2026: a failure reported on 2 March 2028 is in,
        one reported on 3 March 2028 is out."""
        last_in = self._claim(claim_date=date(2028, 3, 2))
        self.assertEqual(last_in.delivery_date, DELIVERED)
        self.assertEqual(last_in.warranty_months, 24)
        self.assertEqual(last_in.warranty_source, "product")
        self.assertEqual(last_in.warranty_start, DELIVERED)
        self.assertEqual(last_in.warranty_end, date(2028, 3, 2))
        self.assertEqual(last_in.warranty_state, "in_warranty")
        self.assertEqual(
            last_in.warranty_explanation,
            "Delivered 2026-03-02, 24 months (product) → until 2028-03-02",
        )
        first_out = self._claim(claim_date=date(2028, 3, 3))
        self.assertEqual(first_out.warranty_end, date(2028, 3, 2))
        self.assertEqual(first_out.warranty_state, "out_of_warranty")
        # moving the claim date back brings it into warranty
        first_out.claim_date = date(2028, 3, 2)
        self.assertEqual(first_out.warranty_state, "in_warranty")

    def test_end_of_month(self):
        """31 August + 6 months is 28 February, the last day in; 1 March is out."""
        self.product.cq_warranty_months = 6
        self._date_delivery(self.delivery, date(2025, 8, 31))
        last_in = self._claim(claim_date=date(2026, 2, 28))
        self.assertEqual(last_in.warranty_end, date(2026, 2, 28))
        self.assertEqual(last_in.warranty_state, "in_warranty")
        first_out = self._claim(claim_date=date(2026, 3, 1))
        self.assertEqual(first_out.warranty_state, "out_of_warranty")

    def test_category_months(self):
        """Without months on the product, the nearest category that sets them."""
        self.product.cq_warranty_months = 0
        claim = self._claim(claim_date=date(2027, 9, 2))
        self.assertEqual(claim.warranty_months, 18)
        self.assertEqual(claim.warranty_source, "category")
        self.assertIn("18 months (category", claim.warranty_explanation)
        self.assertIn("Brake parts", claim.warranty_explanation)
        self.assertEqual(claim.warranty_end, date(2027, 9, 2))
        self.assertEqual(claim.warranty_state, "in_warranty")
        # the nearer category wins over its parent
        self.categ_calipers.cq_warranty_months = 12
        self.assertEqual(claim.warranty_months, 12)
        self.assertEqual(claim.warranty_state, "out_of_warranty")

    def test_no_period_is_unknown(self):
        self.product.cq_warranty_months = 0
        self.categ_brakes.cq_warranty_months = 0
        claim = self._claim()
        self.assertEqual(claim.warranty_state, "unknown")
        self.assertEqual(claim.warranty_source, "none")
        self.assertIn("no warranty period is set", claim.warranty_explanation)
        with self.assertRaises(ValidationError):
            claim.write({"outcome": "free_repair", "responsibility": "ours"})

    def test_no_delivery_is_unknown(self):
        claim = self._claim(partner_id=self.other_customer.id, picking_id=False)
        self.assertFalse(claim.delivery_date)
        self.assertEqual(claim.warranty_state, "unknown")
        with self.assertRaises(UserError):
            claim.action_confirm()

    # ------------------------------------------------------------------
    # Customer terms: the most specific wins
    # ------------------------------------------------------------------
    def test_customer_terms_most_specific_wins(self):
        claim = self._claim(claim_date=date(2028, 9, 1))
        self.assertEqual(claim.warranty_state, "out_of_warranty")
        # another customer's terms do not count
        self._term(partner_id=self.other_customer.id, product_id=self.product.id)
        self.assertEqual(claim.warranty_source, "product")
        # customer × parent category: over the product's own months
        parent_term = self._term(categ_id=self.categ_brakes.id, months=30)
        self.assertEqual(claim.warranty_months, 30)
        self.assertEqual(claim.warranty_source, "customer_term")
        self.assertEqual(claim.warranty_term_id, parent_term)
        self.assertEqual(claim.warranty_state, "in_warranty")
        self.assertIn("30 months (customer term)", claim.warranty_explanation)
        # customer × nearest category over customer × parent category
        child_term = self._term(categ_id=self.categ_calipers.id, months=12)
        self.assertEqual(claim.warranty_months, 12)
        # customer × product over customer × category
        product_term = self._term(product_id=self.product.id, months=36)
        self.assertEqual(claim.warranty_months, 36)
        self.assertEqual(claim.warranty_end, date(2029, 3, 2))
        # editing and removing terms follow on the open claim
        product_term.months = 40
        self.assertEqual(claim.warranty_months, 40)
        product_term.unlink()
        self.assertEqual(claim.warranty_months, 12)
        child_term.active = False
        self.assertEqual(claim.warranty_months, 30)
        parent_term.unlink()
        self.assertEqual(claim.warranty_source, "product")
        self.assertEqual(claim.warranty_months, 24)

    def test_term_scope_and_uniqueness(self):
        with self.assertRaises(ValidationError):
            self._term(product_id=self.product.id, categ_id=self.categ_brakes.id)
        with self.assertRaises(ValidationError):
            self._term()
        with self.assertRaises(ValidationError):
            self._term(product_id=self.product.id, months=0)
        self._term(product_id=self.product.id)
        with self.assertRaises(ValidationError):
            self._term(product_id=self.product.id, months=12)
        # a contact's terms are the customer company's
        term = self._term(partner_id=self.contact.id, categ_id=self.categ_brakes.id)
        self.assertEqual(term.partner_id, self.customer)

    def test_closed_claims_keep_their_warranty(self):
        closed = self._claim(claim_date=date(2027, 5, 10))
        closed.action_confirm()
        closed.write({"responsibility": "ours", "outcome": "free_replacement"})
        closed.action_decide()
        closed.action_close()
        cancelled = self._claim()
        cancelled.action_cancel()
        open_claim = self._claim()
        self._term(product_id=self.product.id, months=6)
        self.product.cq_warranty_months = 3
        self.assertEqual(open_claim.warranty_months, 6)
        self.assertEqual(open_claim.warranty_state, "out_of_warranty")
        self.assertEqual(closed.warranty_months, 24)
        self.assertEqual(closed.warranty_state, "in_warranty")
        self.assertEqual(cancelled.warranty_months, 24)
        # reset, the cancelled claim follows today's terms again
        cancelled.action_reset()
        self.assertEqual(cancelled.warranty_months, 6)

    # ------------------------------------------------------------------
    # Start of use
    # ------------------------------------------------------------------
    def test_start_of_use(self):
        self._term(product_id=self.product.id, months=12, start_point="start_of_use")
        claim = self._claim(claim_date=date(2027, 3, 2))
        # not recorded: from the delivery, and said so
        self.assertEqual(claim.warranty_start, DELIVERED)
        self.assertEqual(claim.warranty_end, date(2027, 3, 2))
        self.assertEqual(claim.warranty_state, "in_warranty")
        self.assertIn("start of use not recorded", claim.warranty_explanation)
        # recorded: from the start of use
        claim.start_of_use_date = date(2026, 6, 1)
        self.assertEqual(claim.warranty_start, date(2026, 6, 1))
        self.assertEqual(claim.warranty_end, date(2027, 6, 1))
        self.assertEqual(
            claim.warranty_explanation,
            "In use since 2026-06-01 (delivered 2026-03-02), 12 months (customer "
            "term) → until 2027-06-01",
        )
        claim.claim_date = date(2027, 6, 1)
        self.assertEqual(claim.warranty_state, "in_warranty")
        claim.claim_date = date(2027, 6, 2)
        self.assertEqual(claim.warranty_state, "out_of_warranty")
        with self.assertRaises(ValidationError):
            claim.start_of_use_date = date(2026, 3, 1)

    def test_start_of_use_ignored_by_delivery_terms(self):
        claim = self._claim(start_of_use_date=date(2026, 9, 1))
        self.assertEqual(claim.warranty_start, DELIVERED)
        self.assertEqual(claim.warranty_end, date(2028, 3, 2))

    # ------------------------------------------------------------------
    # The delivered goods
    # ------------------------------------------------------------------
    def test_delivered_line_found(self):
        claim = self._claim()
        self.assertEqual(claim.move_id, self.delivery.move_ids)

    def test_lot_delivered_on_another_date_than_the_move(self):
        """The lot's delivery lines say when the lot left, not the line's date."""
        self._date_delivery(self.delivery, DELIVERED, lot_day=date(2026, 3, 20))
        with_lot = self._claim(claim_date=date(2028, 3, 20))
        self.assertEqual(with_lot.delivery_date, date(2026, 3, 20))
        self.assertEqual(with_lot.warranty_state, "in_warranty")
        without_lot = self._claim(lot_id=False, claim_date=date(2028, 3, 20))
        self.assertEqual(without_lot.delivery_date, DELIVERED)
        self.assertEqual(without_lot.warranty_state, "out_of_warranty")

    def test_without_delivery_the_last_one_of_the_lot(self):
        _order, later = self._deliver(self.customer, self.product, 5, self.lot)
        self._date_delivery(later, date(2026, 7, 15))
        _order, other = self._deliver(self.customer, self.product, 5, self.other_lot)
        self._date_delivery(other, date(2026, 9, 1))
        claim = self._claim(picking_id=False)
        self.assertFalse(claim.move_id)
        self.assertEqual(claim.delivery_date, date(2026, 7, 15))

    def test_lot_not_on_the_move_refused(self):
        with self.assertRaisesRegex(ValidationError, "LOT-2026-002"):
            self._claim(lot_id=self.other_lot.id)
        other_product = self.env["product.product"].create(
            {"name": "Pad set", "is_storable": True, "tracking": "lot"}
        )
        foreign_lot = self.env["stock.lot"].create(
            {"name": "PAD-1", "product_id": other_product.id}
        )
        with self.assertRaises(ValidationError):
            self._claim(lot_id=foreign_lot.id)
        claim = self._claim()
        with self.assertRaises(ValidationError):
            claim.lot_id = self.other_lot

    def test_quantity_within_delivered(self):
        self.assertEqual(self._claim(quantity=40).quantity, 40)
        with self.assertRaisesRegex(ValidationError, "more than was delivered"):
            self._claim(quantity=41)
        with self.assertRaises(ValidationError):
            self._claim(quantity=0)

    def test_delivery_of_another_customer_refused(self):
        _order, other = self._deliver(self.other_customer, self.product, 5, self.lot)
        with self.assertRaisesRegex(ValidationError, "Beta Trading"):
            self._claim(picking_id=other.id)

    # ------------------------------------------------------------------
    # Decision
    # ------------------------------------------------------------------
    def test_free_outcome_only_in_warranty_and_our_responsibility(self):
        out = self._claim(claim_date=date(2028, 3, 3))
        with self.assertRaisesRegex(ValidationError, "only for goods in warranty"):
            out.write({"responsibility": "ours", "outcome": "free_replacement"})
        out.write({"responsibility": "ours", "outcome": "paid_service"})
        # a free outcome decided, then the claim date moved out of warranty
        claim = self._claim(claim_date=date(2028, 3, 2))
        claim.write({"responsibility": "ours", "outcome": "free_repair"})
        with self.assertRaises(ValidationError):
            claim.claim_date = date(2028, 3, 3)
        for responsibility in ("customer", "carrier", "undetermined"):
            with self.assertRaisesRegex(ValidationError, "responsible"):
                claim.responsibility = responsibility
        claim.write({"responsibility": "supplier", "outcome": "free_refund"})
        claim.write({"responsibility": "customer", "outcome": "joint_investigation"})

    def test_workflow_and_state_guard(self):
        claim = self._claim(user=self.sales_user)
        self.assertTrue(claim.name.startswith("WC/2027/"))
        self.assertEqual(claim.state, "draft")
        with self.assertRaises(UserError):
            claim.write({"state": "closed"})
        claim.with_user(self.sales_user).action_confirm()
        self.assertEqual(claim.state, "open")
        claim = claim.with_user(self.officer)
        with self.assertRaisesRegex(UserError, "responsibility and outcome"):
            claim.action_decide()
        with self.assertRaises(UserError):
            claim.action_close()
        claim.write({"responsibility": "ours", "outcome": "free_replacement"})
        claim.action_decide()
        self.assertEqual(claim.state, "decided")
        self.assertEqual(claim.decided_by_id, self.officer)
        claim.action_close()
        self.assertEqual(claim.state, "closed")
        with self.assertRaises(UserError):
            claim.quantity = 1
        with self.assertRaises(UserError):
            claim.action_cancel()
        with self.assertRaises(UserError):
            claim.unlink()
        # the supplier may still pay back after closing
        claim.write({"recovery_vendor_id": self.vendor.id})
        self.assertEqual(claim.recovery_state, "to_claim")
        self._flush_tracking()
        tracked = claim.sudo().message_ids.tracking_value_ids.field_id.mapped("name")
        for fname in ("state", "outcome", "responsibility"):
            self.assertIn(fname, tracked)

    def test_description_needed_to_register(self):
        claim = self._claim(description=False)
        with self.assertRaisesRegex(UserError, "Describe the failure"):
            claim.action_confirm()

    # ------------------------------------------------------------------
    # Costs and recovery
    # ------------------------------------------------------------------
    def test_cost_sums_on_claim_and_ticket(self):
        ticket = self._ticket(
            picking_id=self.delivery.id, product_id=self.product.id, lot_id=self.lot.id
        )
        first = self._claim(ticket_id=ticket.id)
        second = self._claim(ticket_id=ticket.id)
        self._claim()  # not the ticket's
        self._flush_tracking()  # the claims were registered earlier
        Cost = self.env["cq.warranty.claim.cost"].with_user(self.officer)
        Cost.create(
            [
                {"claim_id": first.id, "cost_type": "replacement", "amount": 160.0},
                {"claim_id": first.id, "cost_type": "premium_freight", "amount": 90.5},
                {"claim_id": second.id, "cost_type": "sorting", "amount": 300.0},
            ]
        )
        self.assertEqual(first.cost_total, 250.5)
        self.assertEqual(first.cost_count, 2)
        self.assertEqual(second.cost_total, 300.0)
        self.assertEqual(ticket.claim_count, 2)
        self.assertEqual(ticket.claim_cost_total, 550.5)
        self._flush_tracking()
        self.assertIn(
            "cost_total",
            first.sudo().message_ids.tracking_value_ids.field_id.mapped("name"),
        )
        with self.assertRaises(ValidationError):
            Cost.create({"claim_id": first.id, "cost_type": "freight", "amount": -1})
        costs = first.cost_ids
        self.assertEqual(costs.partner_id, self.customer)
        self.assertEqual(costs.product_id, self.product)
        # a cancelled claim's costs are frozen
        second.action_cancel()
        with self.assertRaises(UserError):
            Cost.create({"claim_id": second.id, "cost_type": "freight", "amount": 5})
        # the ticket's action opens its claims, pre-filled from it
        action = ticket.action_view_claims()
        self.assertEqual(
            self.env["cq.warranty.claim"].search(action["domain"]), first | second
        )
        self.assertEqual(action["context"]["default_lot_id"], self.lot.id)

    def test_recovery(self):
        claim = self._claim()
        self.env["cq.warranty.claim.cost"].create(
            {"claim_id": claim.id, "cost_type": "replacement", "amount": 800.0}
        )
        self.assertEqual(claim.recovery_state, "none")
        claim.write({"recovery_vendor_id": self.vendor.id})
        self.assertEqual(claim.recovery_state, "to_claim")
        claim.recovery_amount_claimed = 600
        self.assertEqual(claim.recovery_state, "claimed")
        with self.assertRaisesRegex(ValidationError, "more"):
            claim.recovery_amount_recovered = 700
        claim.recovery_amount_recovered = 200
        self.assertEqual(claim.recovery_state, "partial")
        self.assertEqual(claim.recovery_rate, 25.0)
        claim.recovery_amount_recovered = 600
        self.assertEqual(claim.recovery_state, "recovered")
        self.assertEqual(claim.recovery_rate, 75.0)
        with self.assertRaises(ValidationError):
            claim.recovery_state = "refused"
        bill = self.env["account.move"].create(
            {
                "move_type": "in_refund",
                "partner_id": self.vendor.id,
                "invoice_date": date(2027, 6, 1),
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Claim WC", "quantity": 1, "price_unit": 600}
                    )
                ],
            }
        )
        claim.recovery_move_id = bill
        invoice = self.env["account.move"].create(
            {"move_type": "out_invoice", "partner_id": self.vendor.id}
        )
        with self.assertRaisesRegex(ValidationError, "not a bill or refund"):
            claim.recovery_move_id = invoice
        with self.assertRaisesRegex(ValidationError, "Name the supplier"):
            self._claim().recovery_amount_claimed = 100

    def test_recovery_rate_per_group(self):
        """A group's rate is its sum recovered over its sum of costs."""
        Cost = self.env["cq.warranty.claim.cost"]
        values = [
            (self.customer, 1000.0, 500.0),
            (self.customer, 100.0, 100.0),
            (self.other_customer, 200.0, 0.0),
        ]
        claims = self.env["cq.warranty.claim"]
        for partner, cost, recovered in values:
            vals = {"partner_id": partner.id}
            if partner != self.customer:
                vals.update(picking_id=False)
            claim = self._claim(**vals)
            Cost.create({"claim_id": claim.id, "cost_type": "sorting", "amount": cost})
            if recovered:
                claim.write(
                    {
                        "recovery_vendor_id": self.vendor.id,
                        "recovery_amount_claimed": recovered,
                        "recovery_amount_recovered": recovered,
                    }
                )
            claims |= claim
        domain = [("id", "in", claims.ids)]
        Claim = self.env["cq.warranty.claim"]
        groups = dict(
            (partner, (count, rate, total))
            for partner, count, rate, total in Claim._read_group(
                domain,
                ["partner_id"],
                ["__count", "recovery_rate:avg", "cost_total:sum"],
            )
        )
        self.assertEqual(groups[self.customer][0], 2)
        self.assertAlmostEqual(groups[self.customer][1], 600 * 100 / 1100, places=4)
        self.assertEqual(groups[self.customer][2], 1100.0)
        self.assertEqual(groups[self.other_customer][1], 0.0)
        # the pivot's path (read_group with the field's aggregator), and the total
        rows = Claim.read_group(domain, ["recovery_rate"], ["partner_id"])
        rates = {row["partner_id"][0]: row["recovery_rate"] for row in rows}
        self.assertAlmostEqual(rates[self.customer.id], 54.5454, places=3)
        [total] = Claim.read_group(domain, ["recovery_rate"], [])
        self.assertAlmostEqual(total["recovery_rate"], 600 * 100 / 1300, places=4)

    def test_cost_statistics_by_type(self):
        claim = self._claim()
        Cost = self.env["cq.warranty.claim.cost"]
        Cost.create(
            [
                {"claim_id": claim.id, "cost_type": "freight", "amount": 10.0},
                {"claim_id": claim.id, "cost_type": "freight", "amount": 15.0},
                {"claim_id": claim.id, "cost_type": "analysis", "amount": 100.0},
            ]
        )
        totals = dict(
            Cost._read_group(
                [("claim_id", "=", claim.id)], ["cost_type"], ["amount:sum"]
            )
        )
        self.assertEqual(totals, {"freight": 25.0, "analysis": 100.0})

    # ------------------------------------------------------------------
    # Numbers, smart buttons, printed form
    # ------------------------------------------------------------------
    def test_numbering_per_company(self):
        first = self._claim(claim_date=date(2026, 11, 2))
        second = self._claim(claim_date=date(2026, 11, 3))
        self.assertTrue(first.name.startswith("WC/2026/"))
        self.assertNotEqual(first.name, second.name)
        other_company = self.env["res.company"].create({"name": "Plant Two"})
        sequence = self.env["ir.sequence"].search(
            [("code", "=", "cq.warranty.claim"), ("company_id", "=", other_company.id)]
        )
        self.assertEqual(sequence.prefix, "WC/%(range_year)s/")

    def test_smart_button_counts(self):
        self._claim()
        self._claim()
        self.assertEqual(self.customer.cq_warranty_claim_count, 2)
        self.assertEqual(self.contact.cq_warranty_claim_count, 2)
        self.assertEqual(self.product.cq_warranty_claim_count, 2)
        self.assertEqual(self.product.product_tmpl_id.cq_warranty_claim_count, 2)
        self.assertEqual(self.lot.cq_warranty_claim_count, 2)
        self.assertEqual(self.other_lot.cq_warranty_claim_count, 0)
        self.assertEqual(self.sale_order.cq_warranty_claim_count, 2)
        self.assertEqual(self.delivery.cq_warranty_claim_count, 2)
        for document in (self.sale_order, self.delivery):
            action = document.action_cq_view_warranty_claims()
            self.assertEqual(
                self.env["cq.warranty.claim"].search_count(action["domain"]), 2
            )
        action = self.lot.action_cq_view_warranty_claims()
        self.assertEqual(
            self.env["cq.warranty.claim"].search_count(action["domain"]), 2
        )

    def test_report_renders(self):
        claim = self._claim(claim_date=date(2028, 3, 2))
        self.env["cq.warranty.claim.cost"].create(
            [
                {"claim_id": claim.id, "cost_type": "replacement", "amount": 160.0},
                {"claim_id": claim.id, "cost_type": "premium_freight", "amount": 90.0},
            ]
        )
        claim.write(
            {
                "recovery_vendor_id": self.vendor.id,
                "recovery_amount_claimed": 100.0,
                "recovery_amount_recovered": 50.0,
            }
        )
        content, content_type = self.env["ir.actions.report"]._render_qweb_html(
            "customer_quality.action_report_cq_warranty_claim", claim.ids
        )
        self.assertEqual(content_type, "html")
        text = " ".join(html.fromstring(content).text_content().split())
        for expected in (
            claim.name,
            "Warranty Claim",
            "保修索赔单",
            "Acme Motors",
            "LOT-2026-001",
            "Delivered 2026-03-02, 24 months (product) → until 2028-03-02",
            "Replacement goods",
            "Premium freight",
            "Jingrui Friction",
            "Customer confirmation",
        ):
            self.assertIn(expected, text)
