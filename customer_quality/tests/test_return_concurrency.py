import functools

from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import ValidationError
from odoo.service.model import retrying
from odoo.sql_db import db_connect
from odoo.tests import tagged
from odoo.tests.common import TransactionCase
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestReturnConcurrency(TransactionCase):
    """Two users authorising returns of the same delivered goods at once, each in
    a real transaction of its own (committed data, independent connections): the
    second one can never take the total above what was delivered."""

    def setUp(self):
        super().setUp()
        self.connection = db_connect(self.env.cr.dbname)
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.partner_id, self.move_id, self.picking_id = self._delivered(env)
            # this year's number range exists before two users number at once
            env["ir.sequence"].next_by_code("cq.return")
            cr.commit()  # pylint: disable=invalid-commit  # real, concurrent transactions
        self.addCleanup(self._cleanup)

    def _cursor(self):
        return self.connection.cursor()

    @staticmethod
    def _delivered(env):
        """40 units of a fresh product delivered to a fresh customer."""
        partner = env["res.partner"].create({"name": "Concurrent Motors"})
        product = env["product.product"].create(
            {"name": "Concurrency Disc", "is_storable": True}
        )
        warehouse = env["stock.warehouse"].search(
            [("company_id", "=", env.company.id)], limit=1
        )
        env["stock.quant"]._update_available_quantity(
            product, warehouse.lot_stock_id, 40
        )
        order = env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": 40})
                ],
            }
        )
        order.action_confirm()
        picking = order.picking_ids
        picking.action_assign()
        picking.move_ids.picked = True
        picking._action_done()
        return partner.id, picking.move_ids.id, picking.id

    def _new_return(self, env, quantity):
        return env["cq.return"].create(
            {
                "partner_id": self.partner_id,
                "line_ids": [
                    Command.create(
                        {
                            "picking_id": self.picking_id,
                            "product_id": env["stock.move"]
                            .browse(self.move_id)
                            .product_id.id,
                            "move_id": self.move_id,
                            "quantity": quantity,
                        }
                    )
                ],
            }
        )

    def _authorise(self, env, quantity):
        rma = self._new_return(env, quantity)
        rma.action_authorise()
        return rma

    def _authorised_qty(self):
        with self._cursor() as cr:
            cr.execute(
                """SELECT COALESCE(SUM(l.quantity), 0) FROM cq_return_line l
                   JOIN cq_return r ON r.id = l.return_id
                   WHERE l.move_id = %s AND r.state = 'authorised'""",
                [self.move_id],
            )
            return cr.fetchone()[0]

    def _cleanup(self):
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            returns = env["cq.return"].search([("partner_id", "=", self.partner_id)])
            returns.filtered(lambda r: r.state == "authorised").action_cancel()
            # test data, not records of the quality system: gone for good
            cr.execute(
                "DELETE FROM cq_return WHERE id IN %s", [tuple(returns.ids) or (0,)]
            )
            cr.commit()  # pylint: disable=invalid-commit  # real, concurrent transactions

    def test_second_of_two_simultaneous_authorisations_fails_cleanly(self):
        with self._cursor() as cr1, self._cursor() as cr2:
            env1 = api.Environment(cr1, SUPERUSER_ID, {})
            env2 = api.Environment(cr2, SUPERUSER_ID, {})
            # both users have their return on screen: their transactions started
            # before either authorised
            first = self._new_return(env1, 30)
            second = self._new_return(env2, 30)
            self.assertEqual(second.line_ids.returnable_qty, 40)

            first.action_authorise()
            cr1.commit()

            # the second transaction cannot see the first authorisation in its
            # snapshot: it must not pass, it fails to serialise...
            with self.assertRaises(SerializationFailure), mute_logger("odoo.sql_db"):
                second.action_authorise()
            cr2.rollback()
            env2.reset()
            # ... and the request is retried as Odoo does, now seeing the first
            # one: the user gets a clear error, nothing is written
            with (
                self.assertRaises(ValidationError) as caught,
                mute_logger("odoo.sql_db", "odoo.service.model"),
            ):
                retrying(functools.partial(self._authorise, env2, 30), env2)
            self.assertIn("Only 10", str(caught.exception))
            cr2.rollback()
        self.assertEqual(self._authorised_qty(), 30)

    def test_within_the_delivered_quantity_both_pass(self):
        with self._cursor() as cr1, self._cursor() as cr2:
            env1 = api.Environment(cr1, SUPERUSER_ID, {})
            env2 = api.Environment(cr2, SUPERUSER_ID, {})
            self._new_return(env2, 1)  # second transaction started
            self._authorise(env1, 20)
            cr1.commit()
            cr2.rollback()
            env2.reset()
            with mute_logger("odoo.sql_db", "odoo.service.model"):
                retrying(functools.partial(self._authorise, env2, 20), env2)
            cr2.commit()
        self.assertEqual(self._authorised_qty(), 40)
