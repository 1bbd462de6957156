from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from .test_warranty_claim import WarrantyCommon


class TestWarrantyAccess(WarrantyCommon):
    """Who sees and changes which claims, costs and terms."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Claim = cls.env["cq.warranty.claim"]
        # the customer's claim, registered by quality (Sally is its salesperson)
        cls.customer_claim = Claim.with_user(cls.officer).create(
            {
                "partner_id": cls.customer.id,
                "picking_id": cls.delivery.id,
                "product_id": cls.product.id,
                "lot_id": cls.lot.id,
                "quantity": 2,
                "claim_date": date(2027, 5, 10),
                "user_id": cls.officer.id,
            }
        )
        # another customer's claim nobody of sales handles
        cls.other_claim = Claim.with_user(cls.officer).create(
            {
                "partner_id": cls.other_customer.id,
                "product_id": cls.product.id,
                "quantity": 1,
                "claim_date": date(2027, 5, 10),
                "user_id": cls.officer.id,
            }
        )
        cls.cost = cls.env["cq.warranty.claim.cost"].create(
            {
                "claim_id": cls.customer_claim.id,
                "cost_type": "freight",
                "amount": 120.0,
            }
        )
        cls.other_cost = cls.env["cq.warranty.claim.cost"].create(
            {"claim_id": cls.other_claim.id, "cost_type": "analysis", "amount": 80.0}
        )

    def _visible(self, user, model="cq.warranty.claim"):
        return self.env[model].with_user(user).search([])

    def test_sales_user_sees_own_customers_claims_only(self):
        claims = self._visible(self.sales_user)
        self.assertIn(self.customer_claim, claims)
        self.assertNotIn(self.other_claim, claims)
        with self.assertRaises(AccessError):
            self.other_claim.with_user(self.sales_user).read(["name"])
        # costs: those of the claims they see, read only
        costs = self._visible(self.sales_user, "cq.warranty.claim.cost")
        self.assertEqual(costs, self.cost)
        with self.assertRaises(AccessError):
            self.cost.with_user(self.sales_user).amount = 1.0
        with self.assertRaises(AccessError):
            self.env["cq.warranty.claim.cost"].with_user(self.sales_user).create(
                {
                    "claim_id": self.customer_claim.id,
                    "cost_type": "freight",
                    "amount": 5.0,
                }
            )
        # and the pivot groups only what they see
        [(count,)] = (
            self.env["cq.warranty.claim"]
            .with_user(self.sales_user)
            ._read_group([], [], ["__count"])
        )
        self.assertEqual(count, 1)

    def test_user_creates_and_handles_claims(self):
        Claim = self.env["cq.warranty.claim"].with_user(self.warehouse_user)
        self.assertNotIn(self.customer_claim, self._visible(self.warehouse_user))
        _order, picking = self._deliver(self.other_customer, self.product, 5, self.lot)
        own = Claim.create(
            self._claim_values(partner_id=self.other_customer.id, picking_id=picking.id)
        )
        own.write({"quantity": 3, "cause": "carrier"})
        own.action_confirm()
        self.assertIn(own, self._visible(self.warehouse_user))
        # made responsible, they see a claim they did not create
        self.other_claim.user_id = self.warehouse_user
        self.assertIn(self.other_claim, self._visible(self.warehouse_user))
        # but deciding, recovering and reopening are quality's
        own.write({"responsibility": "carrier", "outcome": "paid_service"})
        with self.assertRaises(AccessError):
            own.action_decide()
        with self.assertRaises(AccessError):
            own.write({"recovery_vendor_id": self.vendor.id})
        self.assertFalse(own.can_decide)
        self.assertFalse(own.can_cancel)

    def test_officer_sees_all_and_recovers(self):
        self.assertIn(self.other_claim, self._visible(self.officer))
        self.assertIn(self.customer_claim, self._visible(self.officer))
        claim = self.customer_claim.with_user(self.officer)
        self.assertTrue(claim.can_edit_recovery)
        claim.write(
            {
                "recovery_vendor_id": self.vendor.id,
                "recovery_amount_claimed": 120.0,
                "recovery_amount_recovered": 60.0,
            }
        )
        self.assertEqual(claim.recovery_rate, 50.0)
        self.cost.with_user(self.officer).amount = 150.0
        self.assertEqual(claim.cost_total, 150.0)
        self.assertEqual(claim.recovery_rate, 40.0)

    def test_terms_managed_by_quality_managers(self):
        Term = self.env["cq.warranty.term"]
        term = Term.with_user(self.quality_manager).create(
            {
                "partner_id": self.customer.id,
                "product_id": self.product.id,
                "months": 30,
            }
        )
        for user in (self.sales_user, self.officer):
            self.assertEqual(
                Term.with_user(user).search([("partner_id", "=", self.customer.id)]),
                term,
            )
            with self.assertRaises(AccessError):
                term.with_user(user).months = 60
            with self.assertRaises(AccessError):
                Term.with_user(user).create(
                    {
                        "partner_id": self.customer.id,
                        "categ_id": self.categ_brakes.id,
                        "months": 60,
                    }
                )
        # a manager's term change reaches claims they did not write
        term.with_user(self.quality_manager).months = 60
        self.assertEqual(self.customer_claim.warranty_months, 60)

    def test_other_company_sees_nothing(self):
        other_company = self.env["res.company"].create({"name": "Plant Two"})
        stranger = new_test_user(
            self.env,
            "cq_wc_stranger",
            groups="base.group_user,customer_quality.group_cq_manager",
            company_id=other_company.id,
            company_ids=[other_company.id],
        )
        self.assertFalse(self._visible(stranger))
        self.assertFalse(self._visible(stranger, "cq.warranty.claim.cost"))
        with self.assertRaises(AccessError):
            self.customer_claim.with_user(stranger).read(["name"])
        Term = self.env["cq.warranty.term"]
        term = Term.with_user(self.quality_manager).create(
            {"partner_id": self.customer.id, "product_id": self.product.id}
        )
        self.assertNotIn(term, Term.with_user(stranger).search([]))
        # their own claims are numbered in their own series
        claim = (
            self.env["cq.warranty.claim"]
            .with_user(stranger)
            .with_company(other_company)
            .create(
                {
                    "partner_id": self.other_customer.id,
                    "product_id": self.product.id,
                    "claim_date": date(2027, 1, 5),
                }
            )
        )
        self.assertEqual(claim.company_id, other_company)
        self.assertTrue(claim.name.startswith("WC/2027/"))
        self.assertNotIn(claim, self._visible(self.officer))
