import inspect
from datetime import datetime
from unittest.mock import patch

from odoo.tests import tagged

from .test_return_outcome import CqOutcomeCommon


@tagged("post_install", "-at_install")
class TestReturnHooks(CqOutcomeCommon):
    """Each document a return creates takes its values from a ``_prepare_*`` hook:
    a value an extension adds there reaches the record the real flow creates."""

    def _hook(self, model, name, change):
        """Patch hook ``name`` of ``model``: the original values, then ``change``
        (a dict to add, or a function changing the values in place)."""
        cls = type(self.env[model])
        original = getattr(cls, name)

        def extended(record, *args, **kwargs):
            values = original(record, *args, **kwargs)
            if callable(change):
                change(values)
            else:
                values.update(change)
            return values

        return patch.object(cls, name, autospec=True, side_effect=extended)

    def _decided(self, rma, **line_values):
        """Inspect the received ``rma`` and decide its line with ``line_values``."""
        self._inspected(rma)
        rma.line_ids.with_user(self.officer).write(line_values)
        rma.with_user(self.officer).action_decide()
        self.assertTrue(rma.decided_on)
        return rma

    def _activity(self, rma, xmlid):
        activity_type = self.env.ref(f"customer_quality.{xmlid}")
        return rma.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)

    # ------------------------------------------------------------------
    # The hooks themselves
    # ------------------------------------------------------------------
    def test_every_hook_names_its_caller(self):
        """Every hook of the return models has a one-line docstring naming the
        method that calls it, and that method does call it."""
        hooks = 0
        for model in ("cq.return", "cq.return.line"):
            cls = type(self.env[model])
            for name in dir(cls):
                method = getattr(cls, name)
                if not name.startswith("_prepare_") or not callable(method):
                    continue
                if not method.__module__.startswith("odoo.addons.customer_quality"):
                    continue
                hooks += 1
                with self.subTest(model=model, hook=name):
                    doc = method.__doc__ or ""
                    self.assertNotIn("\n", doc.strip(), "a one-line docstring")
                    self.assertIn("; called by ", doc)
                    caller = doc.split("; called by ")[1].rstrip(".").strip()
                    sources = [
                        inspect.getsource(klass.__dict__[caller])
                        for klass in cls.__mro__
                        if caller in klass.__dict__
                    ]
                    self.assertTrue(sources, f"{caller} is a method of {model}")
                    self.assertTrue(
                        any(f".{name}(" in source for source in sources),
                        f"{caller} calls {name}",
                    )
        self.assertGreaterEqual(hooks, 18)

    # ------------------------------------------------------------------
    # Authorisation and receipt
    # ------------------------------------------------------------------
    def test_return_line_vals(self):
        with self._hook(
            "cq.return", "_prepare_return_line_vals", {"reason": "Squeals at 200 km"}
        ):
            action = self.delivery.with_user(self.sales_user).action_cq_create_return()
        rma = (
            self.env["cq.return"]
            .with_user(self.sales_user)
            .with_context(**action["context"])
            .create({})
        )
        self.assertEqual(rma.line_ids.reason, "Squeals at 200 km")
        self.assertEqual(rma.line_ids.quantity, 40)

    def test_quality_confirmation_activity_vals(self):
        rma = self._return(5, return_scope="whole_batch")
        with self._hook(
            "cq.return",
            "_prepare_quality_confirmation_activity_vals",
            {"summary": "Confirm the batch"},
        ) as hook:
            rma.action_authorise()
        hook.assert_called_once_with(rma)
        confirm = self._activity(rma, "mail_activity_type_cq_return_confirm")
        self.assertEqual(confirm.summary, "Confirm the batch")
        self.assertEqual(confirm.user_id, self.quality_manager)
        self.assertFalse(rma.receipt_ids, "no receipt before quality confirms")

    def test_return_picking_line_vals(self):
        """An extension receives the goods without counting them back on the order
        (``to_refund`` of Odoo's return wizard line)."""
        rma = self._return(5)
        with self._hook(
            "cq.return", "_prepare_return_picking_line_vals", {"to_refund": False}
        ) as hook:
            rma.action_authorise()
        hook.assert_called_once_with(rma, rma.line_ids)
        receipt = rma.receipt_ids
        self.assertEqual(len(receipt), 1)
        self.assertFalse(receipt.move_ids.to_refund)
        self.assertEqual(receipt.move_ids.cq_return_line_id, rma.line_ids)
        rma.with_user(self.warehouse_user).action_receive()
        self.assertEqual(rma.line_ids.received_qty, 5)
        self.assertEqual(self.sale_order.order_line.qty_delivered, 40)

    def test_return_picking_vals(self):
        def no_refund(values):
            for _command, _id, line_values in values["product_return_moves"]:
                line_values["to_refund"] = False

        rma = self._return(5)
        with self._hook("cq.return", "_prepare_return_picking_vals", no_refund) as hook:
            rma.action_authorise()
        hook.assert_called_once_with(rma, self.delivery, rma.line_ids)
        self.assertFalse(rma.receipt_ids.move_ids.to_refund)
        self.assertEqual(rma.receipt_ids.move_ids.product_uom_qty, 5)

    def test_receipt_vals(self):
        rma = self._return(5)
        with self._hook(
            "cq.return", "_prepare_receipt_vals", {"note": "<p>Unpack on bench 3</p>"}
        ):
            rma.action_authorise()
        self.assertIn("Unpack on bench 3", rma.receipt_ids.note)
        self.assertEqual(rma.receipt_ids.cq_return_role, "receipt")

    def test_inspection_and_decision_activity_vals(self):
        with self._hook(
            "cq.return",
            "_prepare_inspection_activity_vals",
            {"summary": "Inspect today"},
        ):
            rma = self._received(5)
        inspect_activity = self._activity(rma, "mail_activity_type_cq_return_inspect")
        self.assertEqual(inspect_activity.summary, "Inspect today")
        self.assertEqual(inspect_activity.user_id, self.warehouse_user)
        with self._hook(
            "cq.return", "_prepare_decision_activity_vals", {"summary": "Decide"}
        ):
            rma.with_user(self.warehouse_user).action_inspect()
        decide = self._activity(rma, "mail_activity_type_cq_return_decide")
        self.assertEqual(decide.summary, "Decide")
        self.assertEqual(decide.user_id, self.quality_manager)
        rma.with_user(self.officer).write({"cause": "quality"})
        rma.line_ids.with_user(self.officer).write(
            {"disposition": "restock", "outcome": "no_fault"}
        )
        with self._hook(
            "cq.return",
            "_prepare_corrective_action_activity_vals",
            {"summary": "8D report"},
        ):
            rma.with_user(self.officer).action_decide()
        capa = self._activity(rma, "mail_activity_type_cq_return_capa")
        self.assertEqual(capa.summary, "8D report")
        self.assertEqual(capa.user_id, self.quality_manager)

    # ------------------------------------------------------------------
    # Dispositions
    # ------------------------------------------------------------------
    def test_disposition_picking_move_and_move_line_vals(self):
        package = self.env["stock.quant.package"].create({"name": "RESTOCK-1"})
        rma = self._received(5)
        with (
            self._hook(
                "cq.return.line",
                "_prepare_disposition_picking_vals",
                {"note": "<p>Released by quality</p>"},
            ) as picking_hook,
            self._hook(
                "cq.return.line",
                "_prepare_disposition_move_vals",
                {"description_picking": "Back from quarantine"},
            ),
            self._hook(
                "cq.return.line",
                "_prepare_disposition_move_line_vals",
                {"result_package_id": package.id},
            ),
        ):
            self._decided(rma, disposition="restock", outcome="no_fault")
        self.assertEqual(picking_hook.call_count, 1)
        picking = rma.line_ids.disposition_picking_id
        self.assertEqual(picking.state, "done")
        self.assertIn("Released by quality", picking.note)
        self.assertEqual(picking.move_ids.description_picking, "Back from quarantine")
        self.assertEqual(picking.move_line_ids.result_package_id, package)
        self.assertEqual(picking.move_line_ids.lot_id, self.lot)
        quants = self.env["stock.quant"]._gather(
            self.product, self.stock_location, lot_id=self.lot, package_id=package
        )
        self.assertEqual(sum(quants.mapped("quantity")), 5)

    def test_scrap_vals(self):
        rma = self._received(5)
        with self._hook(
            "cq.return.line", "_prepare_scrap_vals", {"origin": "Bench 3"}
        ) as hook:
            self._decided(rma, disposition="scrap", outcome="no_fault")
        hook.assert_called_once_with(rma.line_ids, self.return_location, 5)
        self.assertEqual(rma.scrap_ids.origin, "Bench 3")
        self.assertEqual(rma.scrap_ids.state, "done")
        self.assertEqual(rma.scrap_ids.scrap_qty, 5)

    def test_repair_vals(self):
        rma = self._received(3)
        with self._hook(
            "cq.return.line",
            "_prepare_repair_vals",
            {"internal_notes": "<p>Replace the shim</p>"},
        ):
            self._decided(rma, disposition="repair", outcome="repair")
        repair = rma.repair_ids
        self.assertIn("Replace the shim", repair.internal_notes)
        self.assertEqual(repair.state, "confirmed")
        self.assertTrue(repair.under_warranty)

    # ------------------------------------------------------------------
    # Outcomes
    # ------------------------------------------------------------------
    def test_replacement_procurement_and_picking_vals(self):
        rma = self._received(5)
        with (
            self._hook(
                "cq.return",
                "_prepare_replacement_procurement_values",
                {"date_deadline": datetime(2026, 8, 3, 9, 0)},
            ) as procurement_hook,
            self._hook(
                "cq.return",
                "_prepare_replacement_picking_vals",
                {"note": "<p>Ship by express</p>"},
            ),
        ):
            self._decided(rma, disposition="scrap", outcome="replacement")
        group = self.delivery.group_id
        procurement_hook.assert_called_once_with(rma, rma.line_ids, group)
        replacement = rma.replacement_picking_ids
        self.assertEqual(len(replacement), 1)
        self.assertEqual(replacement.move_ids.date_deadline, datetime(2026, 8, 3, 9, 0))
        self.assertIn("Ship by express", replacement.note)
        self.assertEqual(replacement.move_ids.sale_line_id, self.sale_order.order_line)

    def test_procurement_group_vals(self):
        """Goods the customer keeps are replaced in a group of their own."""
        rma = self._return(2, without_return=True).with_env(self.env)
        self._photo(rma)
        rma.action_authorise()
        rma.with_user(self.warehouse_user).action_receive()
        with self._hook(
            "cq.return", "_prepare_procurement_group_vals", {"move_type": "one"}
        ) as hook:
            self._decided(rma, outcome="replacement")
        hook.assert_called_once_with(rma, rma.line_ids)
        group = rma.replacement_picking_ids.group_id
        self.assertEqual(group.name, rma.name)
        self.assertEqual(group.move_type, "one")
        self.assertNotEqual(group, self.delivery.group_id)

    def test_credit_note_and_line_vals(self):
        self.product.invoice_policy = "delivery"
        order, delivery = self._deliver(self.customer, self.product, 10, self.lot)
        invoice = order._create_invoices()
        invoice.action_post()
        rma = self._received(4, delivery=delivery)
        with (
            self._hook(
                "cq.return",
                "_prepare_credit_note_vals",
                {"narration": "<p>Goodwill agreed with Li Wei</p>"},
            ) as refund_hook,
            self._hook(
                "cq.return",
                "_prepare_credit_note_line_vals",
                {"name": "Returned calipers"},
            ) as line_hook,
        ):
            self._decided(rma, disposition="restock", outcome="credit_note")
        invoice_line = invoice.invoice_line_ids.filtered("product_id")
        refund_hook.assert_called_once_with(rma, invoice, {rma.line_ids: invoice_line})
        line_hook.assert_called_once_with(rma, rma.line_ids, invoice_line)
        refund = rma.credit_note_ids
        self.assertEqual(len(refund), 1)
        self.assertIn("Goodwill agreed with Li Wei", refund.narration)
        self.assertEqual(refund.reversed_entry_id, invoice)
        refund_line = refund.invoice_line_ids
        self.assertEqual(refund_line.name, "Returned calipers")
        self.assertEqual(refund_line.quantity, 4)
        self.assertEqual(rma.line_ids.credit_note_line_id, refund_line)
