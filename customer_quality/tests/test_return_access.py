from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import CqReturnCommon


@tagged("post_install", "-at_install")
class TestReturnAccess(CqReturnCommon):
    """Sales users create returns of their customers, storekeepers receive and
    inspect those of their warehouse, quality decides, a quality manager
    approves; nobody sees another company's returns; portal users none."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        _order, cls.beta_delivery = cls._deliver(
            cls.other_customer, cls.product, 10, cls.other_lot
        )
        cls.other_warehouse = cls.env["stock.warehouse"].create(
            {"name": "East Plant", "code": "EAST", "company_id": cls.company.id}
        )
        cls.env["stock.quant"]._update_available_quantity(
            cls.product, cls.other_warehouse.lot_stock_id, 20, lot_id=cls.lot
        )
        order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "warehouse_id": cls.other_warehouse.id,
                "order_line": [
                    Command.create({"product_id": cls.product.id, "product_uom_qty": 8})
                ],
            }
        )
        order.action_confirm()
        cls.east_delivery = order.picking_ids
        cls.east_delivery.move_ids.move_line_ids.unlink()
        cls.east_delivery.move_ids.write(
            {
                "move_line_ids": [
                    Command.create(
                        {
                            "product_id": cls.product.id,
                            "lot_id": cls.lot.id,
                            "quantity": 8,
                            "location_id": cls.east_delivery.location_id.id,
                            "location_dest_id": cls.east_delivery.location_dest_id.id,
                            "picking_id": cls.east_delivery.id,
                        }
                    )
                ],
                "picked": True,
            }
        )
        cls.east_delivery.button_validate()

    def _visible(self, user):
        return self.env["cq.return"].with_user(user).search([])

    def test_sales_user_sees_own_customers(self):
        mine = self._return(3, user=self.sales_user)
        by_officer = self._return(2, user=self.officer)
        beta = self._return(
            1, delivery=self.beta_delivery, lot=self.other_lot, user=self.officer
        )
        self.assertEqual(mine.create_uid, self.sales_user)
        visible = self._visible(self.sales_user)
        self.assertIn(mine, visible)
        self.assertIn(by_officer, visible, "a return of their customer")
        self.assertNotIn(beta, visible)
        with self.assertRaises(AccessError):
            beta.with_user(self.sales_user).read(["name"])
        with self.assertRaises(AccessError):
            beta.line_ids.with_user(self.sales_user).read(["quantity"])
        self.assertEqual(mine.with_user(self.sales_user).line_ids.quantity, 3)
        mine.with_user(self.sales_user).action_authorise()
        self.assertEqual(mine.state, "authorised")

    def test_sales_user_cannot_decide_or_approve(self):
        self.company.cq_return_approval_amount = 100.0
        rma = self._received(5)
        rma.with_user(self.warehouse_user).action_inspect()
        rma.write({"cause": "quality"})
        rma.line_ids.write({"disposition": "scrap", "outcome": "replacement"})
        with self.assertRaises(UserError):
            rma.with_user(self.sales_user).action_approve()
        rma.with_user(self.quality_manager).action_approve()
        with self.assertRaises(UserError):
            rma.with_user(self.sales_user).action_decide()
        self.assertFalse(rma.scrap_ids)

    def test_warehouse_user_sees_own_warehouse(self):
        main = self._return(3)
        east = self._return(2, delivery=self.east_delivery)
        self.assertEqual(east.warehouse_id, self.other_warehouse)
        visible = self._visible(self.warehouse_user)
        self.assertIn(main, visible)
        self.assertNotIn(east, visible)
        with self.assertRaises(AccessError):
            east.with_user(self.warehouse_user).read(["name"])
        # made return handler of the east plant, they see it
        self.other_warehouse.cq_return_user_ids = [Command.link(self.warehouse_user.id)]
        self.env["cq.return"].invalidate_model()
        self.assertIn(east, self._visible(self.warehouse_user))

    def test_warehouse_user_receives_and_inspects(self):
        rma = self._return(5, return_scope="whole_batch")
        rma.action_authorise()
        store = rma.with_user(self.warehouse_user)
        self.assertFalse(store.can_confirm_quality)
        with self.assertRaises(UserError):
            store.action_confirm_quality()
        self.assertFalse(rma.quality_confirmed_by_id)
        rma.with_user(self.officer).action_confirm_quality()
        self.assertTrue(store.can_receive)
        store.action_receive()
        self.assertEqual(rma.state, "received")
        self.assertEqual(self._qty(self.return_location, self.lot), 5)
        store.line_ids.write(
            {
                "inspection_result": "nonconforming",
                "sample_qty": 1,
                "inspection_note": "Shim missing.",
            }
        )
        store.action_inspect()
        self.assertEqual(rma.state, "inspected")
        rma.with_user(self.officer).write({"cause": "quality"})
        # what becomes of the goods is quality's, not the warehouse's
        with self.assertRaises(AccessError):
            store.line_ids.write({"disposition": "scrap", "outcome": "replacement"})
        self.assertFalse(rma.line_ids.disposition)
        rma.with_user(self.officer).line_ids.write(
            {"disposition": "scrap", "outcome": "replacement"}
        )
        self.assertFalse(store.can_decide)
        with self.assertRaises(UserError):
            store.action_decide()
        self.assertFalse(rma.decided_on)
        self.assertFalse(rma.scrap_ids)
        self.company.cq_return_approval_amount = 100.0
        self.assertFalse(store.can_approve)
        with self.assertRaises(UserError):
            store.action_approve()
        self.assertFalse(rma.approved_by_id)

    def test_officer_confirms_and_decides_not_approves(self):
        self.company.cq_return_approval_amount = 100.0
        rma = self._return(5, return_scope="whole_batch")
        rma.action_authorise()
        officer = rma.with_user(self.officer)
        self.assertTrue(officer.can_confirm_quality)
        officer.action_confirm_quality()
        self.assertEqual(rma.quality_confirmed_by_id, self.officer)
        rma.with_user(self.warehouse_user).action_receive()
        rma.with_user(self.warehouse_user).line_ids.inspection_result = "nonconforming"
        rma.with_user(self.warehouse_user).action_inspect()
        officer.write({"cause": "quality"})
        officer.line_ids.write({"disposition": "scrap", "outcome": "replacement"})
        self.assertTrue(rma.needs_approval)
        self.assertFalse(officer.can_approve)
        with self.assertRaises(UserError):
            officer.action_approve()
        manager = rma.with_user(self.quality_manager)
        self.assertTrue(manager.can_approve)
        manager.action_approve()
        self.assertEqual(rma.approved_by_id, self.quality_manager)
        self.assertTrue(officer.can_decide)
        officer.action_decide()
        self.assertEqual(rma.decided_by_id, self.officer)
        self.assertEqual(rma.scrap_ids.scrap_qty, 5)

    def test_other_company_sees_nothing(self):
        rma = self._return(3)
        rma.action_authorise()
        company_b = self.env["res.company"].create({"name": "Quality Corp B"})
        officer_b = new_test_user(
            self.env,
            "cq_officer_b",
            groups="base.group_user,stock.group_stock_user,"
            "customer_quality.group_cq_manager",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
            name="Bo Officer B",
        )
        self.assertFalse(self._visible(officer_b))
        with self.assertRaises(AccessError):
            rma.with_user(officer_b).read(["name"])
        with self.assertRaises(AccessError):
            rma.line_ids.with_user(officer_b).read(["quantity"])
        self.assertFalse(
            self.env["cq.return"]
            .with_user(officer_b)
            .search_count([("partner_id", "=", self.customer.id)])
        )

    def test_unlink(self):
        draft = self._return(1)
        authorised = self._return(2)
        authorised.action_authorise()
        other = self._return(1, user=self.officer)
        with self.assertRaises(AccessError):
            other.with_user(self.warehouse_user).unlink()  # not theirs to see
        with self.assertRaises(UserError):
            authorised.with_user(self.officer).unlink()
        self.assertTrue(authorised.exists())
        self.assertEqual(authorised.state, "authorised")
        authorised.with_user(self.officer).action_cancel()
        with self.assertRaises(UserError):
            authorised.with_user(self.officer).unlink()  # cancelled, still a record
        draft.with_user(self.sales_user).unlink()  # a draft of their own
        self.assertFalse(draft.exists())

    def test_portal_user_reads_only_and_little(self):
        portal = new_test_user(
            self.env, "cq_portal", groups="base.group_portal", name="Pat Portal"
        )
        portal.partner_id.parent_id = self.customer
        rma = self._return(1)
        Return = self.env["cq.return"].with_user(portal)
        # the customer's portal user reads its returns (the portal's tests
        # show the pages), never their lines nor the internal fields
        self.assertEqual(Return.search([]), rma)
        with self.assertRaises(AccessError):
            rma.with_user(portal).read(["nc_description"])
        with self.assertRaises(AccessError):
            rma.with_user(portal).line_ids.read(["quantity"])
        with self.assertRaises(AccessError):
            rma.with_user(portal).write({"description": "<p>mine</p>"})
        with self.assertRaises(AccessError):
            Return.create(
                {
                    "partner_id": self.customer.id,
                    "line_ids": [
                        Command.create(
                            {
                                "picking_id": self.delivery.id,
                                "product_id": self.product.id,
                                "lot_id": self.lot.id,
                                "quantity": 1,
                            }
                        )
                    ],
                }
            )
