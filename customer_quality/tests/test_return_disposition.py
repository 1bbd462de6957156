from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CqReturnCommon


@tagged("post_install", "-at_install")
class TestReturnDisposition(CqReturnCommon):
    """Each disposition moves the returned goods in Odoo: into stock, to rework, to
    the scrap location, back to the supplier or into a repair order."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vendor = cls.env["res.partner"].create(
            {"name": "Shenzhen Castings Ltd", "is_company": True}
        )
        cls.env["product.supplierinfo"].create(
            {
                "partner_id": cls.vendor.id,
                "product_tmpl_id": cls.product.product_tmpl_id.id,
                "price": 40.0,
            }
        )
        cls.supplier_location = cls.vendor.property_stock_supplier

    def _inspected(self, quantity, cause="quality", **values):
        """A return of ``quantity`` of the fixture lot, received in quarantine and
        inspected as nonconforming by the warehouse user."""
        rma = self._received(quantity, **values)
        rma.with_user(self.warehouse_user).action_inspect()
        rma.with_user(self.officer).write({"cause": cause})
        self.assertEqual(rma.state, "inspected")
        self.assertEqual(self._qty(self.return_location, self.lot), quantity)
        return rma

    def _decide(self, rma, **line_values):
        rma.line_ids.with_user(self.officer).write(line_values)
        rma.with_user(self.officer).action_decide()
        self.assertTrue(rma.decided_on)

    # ------------------------------------------------------------------
    # Dispositions
    # ------------------------------------------------------------------
    def test_restock(self):
        rma = self._inspected(5)
        self._decide(rma, disposition="restock", outcome="no_fault")
        self.assertEqual(self._qty(self.return_location, self.lot), 0)
        self.assertEqual(self._qty(self.stock_location, self.lot), 60 + 5)
        picking = rma.line_ids.disposition_picking_id
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.picking_type_id, self.warehouse.int_type_id)
        self.assertEqual(picking.location_id, self.return_location)
        self.assertEqual(picking.location_dest_id, self.warehouse.lot_stock_id)
        self.assertEqual(picking.move_line_ids.lot_id, self.lot, "the lot is kept")
        self.assertEqual(picking.move_line_ids.quantity, 5)
        self.assertEqual(picking.cq_return_id, rma)
        self.assertIn(picking, rma.picking_ids)

    def test_use_as_is_needs_concession(self):
        rma = self._inspected(3)
        rma.line_ids.write({"disposition": "use_as_is", "outcome": "no_fault"})
        with self.assertRaises(UserError):
            rma.with_user(self.officer).action_decide()
        self.assertFalse(rma.decided_on)
        self.assertEqual(self._qty(self.return_location, self.lot), 3)
        self.assertFalse(rma.line_ids.disposition_picking_id)
        self._decide(rma, concession_ref="ACME-DEV-2026-07")
        self.assertEqual(self._qty(self.return_location, self.lot), 0)
        self.assertEqual(self._qty(self.stock_location, self.lot), 60 + 3)
        self.assertEqual(rma.line_ids.disposition_picking_id.state, "done")

    def test_rework(self):
        rma = self._inspected(4)
        self._decide(rma, disposition="rework", outcome="no_fault")
        rework = self.warehouse.cq_rework_location_id
        self.assertTrue(rework, "the rework location is created on the first rework")
        self.assertEqual(rework.usage, "internal")
        self.assertEqual(rework.warehouse_id, self.warehouse)
        self.assertNotEqual(rework, self.warehouse.lot_stock_id)
        self.assertEqual(self._qty(rework, self.lot), 4)
        self.assertEqual(self._qty(self.return_location, self.lot), 0)
        self.assertEqual(self._qty(self.stock_location, self.lot), 60, "not restocked")
        self.assertEqual(rma.line_ids.disposition_picking_id.location_dest_id, rework)

    def test_scrap(self):
        rma = self._inspected(5)
        self._decide(rma, disposition="scrap", outcome="replacement")
        scrap = rma.scrap_ids
        self.assertEqual(len(scrap), 1)
        self.assertEqual(rma.line_ids.scrap_id, scrap)
        self.assertEqual(scrap.state, "done")
        self.assertEqual(scrap.product_id, self.product)
        self.assertEqual(scrap.lot_id, self.lot)
        self.assertEqual(scrap.scrap_qty, 5)
        self.assertEqual(scrap.location_id, self.return_location)
        self.assertEqual(self._qty(self.return_location, self.lot), 0)
        self.assertEqual(self._qty(scrap.scrap_location_id, self.lot), 5)
        self.assertEqual(self._qty(self.stock_location, self.lot), 60)
        self.assertEqual(rma.scrap_count, 1)

    def test_return_to_supplier(self):
        rma = self._inspected(5)
        line = rma.line_ids
        self.assertEqual(line.vendor_id, self.vendor, "from the product's supplier")
        self._decide(rma, disposition="supplier", outcome="replacement")
        picking = line.disposition_picking_id
        self.assertEqual(picking.cq_return_role, "supplier")
        self.assertEqual(picking.picking_type_code, "outgoing")
        self.assertEqual(picking.partner_id, self.vendor)
        self.assertEqual(picking.location_id, self.return_location)
        self.assertEqual(picking.location_dest_id, self.supplier_location)
        self.assertEqual(picking.state, "assigned", "ready for the warehouse to ship")
        self.assertEqual(picking.move_line_ids.lot_id, self.lot)
        self.assertEqual(picking.move_line_ids.quantity, 5)
        self.assertNotIn(picking, rma.replacement_picking_ids)
        # still in quarantine until the warehouse ships it
        self.assertEqual(self._qty(self.return_location, self.lot), 5)
        picking.with_user(self.warehouse_user).button_validate()
        self.assertEqual(picking.state, "done")
        self.assertEqual(self._qty(self.return_location, self.lot), 0)
        self.assertEqual(self._qty(self.supplier_location, self.lot), 5)
        self.assertEqual(self._qty(self.stock_location, self.lot), 60)

    def test_return_to_supplier_needs_vendor(self):
        rma = self._inspected(2)
        rma.line_ids.write(
            {"disposition": "supplier", "outcome": "no_fault", "vendor_id": False}
        )
        with self.assertRaises(UserError):
            rma.with_user(self.officer).action_decide()
        self.assertFalse(rma.line_ids.disposition_picking_id)
        self.assertEqual(self._qty(self.return_location, self.lot), 2)

    def test_repair_for_the_customer(self):
        rma = self._inspected(3)
        self._decide(rma, disposition="repair", outcome="repair")
        repair = rma.repair_ids
        self.assertEqual(len(repair), 1)
        self.assertEqual(rma.line_ids.repair_id, repair)
        self.assertEqual(repair.state, "confirmed")
        self.assertEqual(repair.product_id, self.product)
        self.assertEqual(repair.lot_id, self.lot)
        self.assertEqual(repair.product_qty, 3)
        self.assertEqual(repair.partner_id, self.customer)
        self.assertEqual(repair.product_location_src_id, self.return_location)
        self.assertEqual(repair.cq_return_id, rma)
        self.assertTrue(repair.under_warranty, "repaired free for the customer")
        self.assertFalse(rma.replacement_picking_ids, "repaired, not replaced")
        self.assertFalse(rma.credit_note_ids)
        # the goods wait in quarantine for the repair
        self.assertEqual(self._qty(self.return_location, self.lot), 3)

    def test_repair_for_us(self):
        """Repaired for our own stock while the customer gets a replacement."""
        rma = self._inspected(3)
        self._decide(rma, disposition="repair", outcome="replacement")
        repair = rma.repair_ids
        self.assertEqual(repair.state, "confirmed")
        self.assertFalse(repair.under_warranty)
        self.assertEqual(repair.product_location_dest_id, self.warehouse.lot_stock_id)
        self.assertEqual(rma.replacement_picking_ids.move_ids.product_uom_qty, 3)

    def test_two_lines_two_dispositions(self):
        _order, delivery = self._deliver(
            self.customer, self.product, 10, self.other_lot
        )
        rma = self._return(5)
        rma.write(
            {
                "line_ids": [
                    Command.create(
                        {
                            "picking_id": delivery.id,
                            "product_id": self.product.id,
                            "lot_id": self.other_lot.id,
                            "quantity": 4,
                        }
                    )
                ]
            }
        )
        rma.action_authorise()
        rma.with_user(self.warehouse_user).action_receive()
        first, second = rma.line_ids.sorted("id")
        first.with_user(self.warehouse_user).inspection_result = "nonconforming"
        second.with_user(self.warehouse_user).inspection_result = "conforming"
        rma.with_user(self.warehouse_user).action_inspect()
        rma.with_user(self.officer).write({"cause": "quality"})
        first.with_user(self.officer).write(
            {"disposition": "scrap", "outcome": "replacement"}
        )
        second.with_user(self.officer).write(
            {"disposition": "restock", "outcome": "no_fault"}
        )
        rma.with_user(self.officer).action_decide()
        self.assertEqual(rma.scrap_ids.lot_id, self.lot)
        self.assertEqual(rma.scrap_ids.scrap_qty, 5)
        self.assertEqual(self._qty(self.stock_location, self.other_lot), 90 + 4)
        self.assertEqual(self._qty(self.return_location, self.other_lot), 0)
        self.assertEqual(self._qty(self.return_location, self.lot), 0)
        self.assertEqual(rma.nc_quantity, 5, "only the nonconforming line counts")
        self.assertEqual(rma.replacement_picking_ids.move_ids.product_uom_qty, 5)

    # ------------------------------------------------------------------
    # Samples
    # ------------------------------------------------------------------
    def test_samples_above_received_refused(self):
        rma = self._received(5)
        line = rma.line_ids.with_user(self.warehouse_user)
        with self.assertRaises(ValidationError):
            line.write({"sample_qty": 6})
        line.write({"sample_qty": 5, "inspection_note": "Shim missing on all five"})
        self.assertEqual(line.sample_qty, 5)

    def test_samples_before_receipt_refused(self):
        rma = self._return(5)
        rma.action_authorise()
        with self.assertRaises(UserError):  # nothing to inspect before receipt
            rma.line_ids.write({"sample_qty": 1})
        self.assertEqual(rma.line_ids.sample_qty, 0)

    def test_negative_samples_refused(self):
        rma = self._received(5)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            rma.line_ids.write({"sample_qty": -1})
            rma.env.flush_all()

    # ------------------------------------------------------------------
    # Nonconformity record (PNPR)
    # ------------------------------------------------------------------
    def test_nonconformity_record_quality_cause(self):
        rma = self._inspected(5)
        rma.with_user(self.officer).write(
            {"nc_description": "Anti-squeal shim missing on 5 calipers."}
        )
        self.assertEqual(rma.nc_quantity, 5)
        self.assertTrue(rma.corrective_action_required)
        self.assertFalse(rma.decided_by_id)
        self._decide(rma, disposition="scrap", outcome="replacement")
        self.assertEqual(rma.decided_by_id, self.officer)
        self.assertEqual(rma.disposition_summary, "Scrap")
        self.assertEqual(rma.nc_description, "Anti-squeal shim missing on 5 calipers.")
        capa = rma.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("customer_quality.mail_activity_type_cq_return_capa")
            )
        )
        self.assertEqual(len(capa), 1, "a quality-caused return asks for a CAPA")
        self.assertEqual(capa.user_id, self.quality_manager)
        decide = self.env.ref("customer_quality.mail_activity_type_cq_return_decide")
        self.assertFalse(
            rma.activity_ids.filtered(lambda a: a.activity_type_id == decide),
            "the decision activity is done",
        )

    def test_nonconformity_record_customer_cause(self):
        rma = self._inspected(2, cause="customer")
        self.assertFalse(rma.corrective_action_required)
        self._decide(rma, disposition="restock", outcome="no_fault")
        self.assertEqual(rma.disposition_summary, "Restock")
        capa = self.env.ref("customer_quality.mail_activity_type_cq_return_capa")
        self.assertFalse(
            rma.activity_ids.filtered(lambda a: a.activity_type_id == capa)
        )

    def test_conforming_goods_are_not_nonconforming(self):
        rma = self._received(4)
        rma.line_ids.inspection_result = "conforming"
        self.assertEqual(rma.nc_quantity, 0)
        rma.line_ids.inspection_result = "nonconforming"
        self.assertEqual(rma.nc_quantity, 4)

    def test_cannot_decide_twice(self):
        rma = self._inspected(2)
        self._decide(rma, disposition="scrap", outcome="no_fault")
        with self.assertRaises(UserError):
            rma.with_user(self.officer).action_decide()
        self.assertEqual(len(rma.scrap_ids), 1)
