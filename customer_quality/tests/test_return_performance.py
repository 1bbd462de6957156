from odoo import Command
from odoo.tests import tagged

from .common import CqReturnCommon


@tagged("post_install", "-at_install")
class TestReturnPerformance(CqReturnCommon):
    """Query counts of the hot paths: authorising and receiving a return grows with
    its lines like Odoo's own return does, never with the history of the delivery;
    the claim statistics are one GROUP BY."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.products = cls.env["product.product"].create(
            [{"name": f"Pad set BP-{n}", "is_storable": True} for n in range(6)]
        )
        for product in cls.products:
            cls.env["stock.quant"]._update_available_quantity(
                product, cls.stock_location, 50
            )
        order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": 10})
                    for product in cls.products
                ],
            }
        )
        order.action_confirm()
        cls.six_lines = order.picking_ids
        cls.six_lines.action_assign()
        cls.six_lines.move_ids.picked = True
        cls.six_lines._action_done()

    def _multi_return(self, count):
        moves = self.six_lines.move_ids[:count]
        return (
            self.env["cq.return"]
            .with_user(self.sales_user)
            .create(
                {
                    "partner_id": self.customer.id,
                    "line_ids": [
                        Command.create(
                            {
                                "picking_id": self.six_lines.id,
                                "product_id": move.product_id.id,
                                "quantity": 2,
                            }
                        )
                        for move in moves
                    ],
                }
            )
        )

    def test_authorise_and_receive(self):
        three, six = self._multi_return(3), self._multi_return(6)
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=245):
            three.action_authorise()
            three.with_user(self.warehouse_user).action_receive()
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=254):  # 3 more lines: a few queries
            six.action_authorise()
            six.with_user(self.warehouse_user).action_receive()
        self.assertEqual(six.state, "received")
        self.assertEqual(six.line_ids.mapped("received_qty"), [2.0] * 6)

    def _check_queries(self, rma):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        rma._cq_lock_and_check_quantities()
        return self.env.cr.sql_log_count - before

    def test_earlier_returns_do_not_slow_the_check(self):
        """The quantity check reads the committed quantities in a fixed number of
        queries, whatever the number of earlier returns of the same delivery."""
        self._check_queries(self._multi_return(6))  # warm the registry caches
        first = self._check_queries(self._multi_return(6))
        for _n in range(3):
            self._multi_return(1).action_authorise()
        self.assertEqual(self._check_queries(self._multi_return(6)), first)
        self.assertLessEqual(first, 20)

    def test_claim_statistics_one_query(self):
        Claim = self.env["cq.warranty.claim"]
        self.env.flush_all()
        with self.assertQueryCount(__system__=1):
            Claim._read_group(
                [],
                ["partner_id", "claim_date:month"],
                ["__count", "quantity:sum", "cost_total:sum", "recovery_rate:sum"],
            )
