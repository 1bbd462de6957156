import unittest
from datetime import date

from odoo import Command
from odoo.tests import new_test_user
from odoo.tests.common import TransactionCase

from ..models.cq_deadline_rule import DEFAULT_RULES


class CqCommon(TransactionCase):
    """Users of every role, a team, a customer with a delivered, lot-tracked sale."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(
            context=dict(cls.env.context, tracking_disable=False, tz="Asia/Shanghai")
        )
        cls.company = cls.env.company
        cls.company.write(
            {
                "cq_serious_loss_amount": 10000.0,
                "cq_qm_approval_amount": 5000.0,
                "cq_gm_approval_amount": 50000.0,
            }
        )
        # the tests are about the procedures' defaults, whatever the demo tuned
        for rule in cls.env["cq.deadline.rule"].search(
            [("company_id", "=", cls.company.id)]
        ):
            default = DEFAULT_RULES.get(rule.kind)
            if default and (rule.duration, rule.unit) != default:
                rule.write({"duration": default[0], "unit": default[1]})
        groups = "base.group_user,sales_team.group_sale_salesman,stock.group_stock_user"
        cls.sales_user = new_test_user(
            cls.env,
            "cq_sales",
            groups=groups + ",customer_quality.group_cq_user",
            name="Sally Sales",
        )
        cls.warehouse_user = new_test_user(
            cls.env,
            "cq_wh",
            groups=groups + ",customer_quality.group_cq_user",
            name="Walter Warehouse",
        )
        cls.officer = new_test_user(
            cls.env,
            "cq_officer",
            groups=groups + ",customer_quality.group_cq_officer",
            name="Olga Officer",
        )
        cls.team_manager = new_test_user(
            cls.env,
            "cq_team_mgr",
            groups=groups + ",customer_quality.group_cq_officer",
            name="Tom Teamlead",
        )
        cls.quality_manager = new_test_user(
            cls.env,
            "cq_qm",
            groups=groups + ",customer_quality.group_cq_manager",
            name="Quinn Quality",
        )
        cls.general_manager = new_test_user(
            cls.env,
            "cq_gm",
            groups=groups + ",customer_quality.group_cq_user",
            name="Grace General",
        )
        cls.management_rep = new_test_user(
            cls.env,
            "cq_mr",
            groups=groups + ",customer_quality.group_cq_user",
            name="Rita Representative",
        )
        cls.company.write(
            {
                "cq_quality_manager_id": cls.quality_manager.id,
                "cq_general_manager_id": cls.general_manager.id,
                "cq_management_rep_id": cls.management_rep.id,
            }
        )
        cls.team = cls.env["cq.team"].create(
            {
                "name": "Quality Department",
                "manager_id": cls.team_manager.id,
                "member_ids": [Command.set([cls.officer.id, cls.team_manager.id])],
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Acme Motors",
                "is_company": True,
                "email": "quality@acme.example.com",
                "phone": "+86 21 5555 0001",
                "user_id": cls.sales_user.id,
            }
        )
        cls.contact = cls.env["res.partner"].create(
            {
                "name": "Li Wei",
                "parent_id": cls.customer.id,
                "email": "li.wei@acme.example.com",
            }
        )
        cls.other_customer = cls.env["res.partner"].create(
            {
                "name": "Beta Trading",
                "is_company": True,
                "email": "info@beta.example.com",
            }
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Brake Caliper BC-200",
                "default_code": "BC-200",
                "is_storable": True,
                "tracking": "lot",
                "list_price": 80.0,
            }
        )
        cls.stock_location = cls.env.ref("stock.stock_location_stock")
        cls.lot = cls.env["stock.lot"].create(
            {"name": "LOT-2026-001", "product_id": cls.product.id}
        )
        cls.other_lot = cls.env["stock.lot"].create(
            {"name": "LOT-2026-002", "product_id": cls.product.id}
        )
        cls.env["stock.quant"]._update_available_quantity(
            cls.product, cls.stock_location, 100, lot_id=cls.lot
        )
        cls.env["stock.quant"]._update_available_quantity(
            cls.product, cls.stock_location, 100, lot_id=cls.other_lot
        )
        cls.sale_order, cls.delivery = cls._deliver(
            cls.customer, cls.product, 40, cls.lot
        )

    @classmethod
    def _deliver(cls, partner, product, qty, lot):
        """Confirm a sale order and validate its delivery of ``qty`` from ``lot``."""
        return cls._deliver_lots(partner, product, [(lot, qty)])

    @classmethod
    def _deliver_lots(cls, partner, product, lot_qtys, line_values=None, **values):
        """Confirm a sale order of ``product`` (order ``values``, order line
        ``line_values``) and validate its delivery with one move line per (lot,
        quantity) of ``lot_qtys``."""
        line = {
            "product_id": product.id,
            "product_uom_qty": sum(qty for _lot, qty in lot_qtys),
            **(line_values or {}),
        }
        order = cls.env["sale.order"].create(
            {"partner_id": partner.id, "order_line": [Command.create(line)], **values}
        )
        order.action_confirm()
        picking = order.picking_ids
        picking.move_ids.move_line_ids.unlink()
        picking.move_ids.write(
            {
                "move_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "lot_id": lot.id,
                            "quantity": qty,
                            "location_id": picking.location_id.id,
                            "location_dest_id": picking.location_dest_id.id,
                            "picking_id": picking.id,
                        }
                    )
                    for lot, qty in lot_qtys
                ],
                "picked": True,
            }
        )
        picking.button_validate()
        assert picking.state == "done", picking.state
        return order, picking

    def _ticket_values(self, **values):
        vals = {
            "partner_id": self.customer.id,
            "contact_id": self.contact.id,
            "subject": "Calipers squeal",
            "description": "<p>Calipers of lot LOT-2026-001 squeal after 200 km.</p>",
            "channel": "email",
            "team_id": self.team.id,
        }
        vals.update(values)
        return vals

    def _claim_values(self, **values):
        """A warranty claim on two calipers of the delivered lot."""
        vals = {
            "partner_id": self.customer.id,
            "picking_id": self.delivery.id,
            "product_id": self.product.id,
            "lot_id": self.lot.id,
            "quantity": 2,
            "claim_date": date(2027, 5, 10),
            "description": "<p>Bleed screw cracked, brake fluid leaks.</p>",
        }
        vals.update(values)
        return vals

    def _ticket(self, user=None, **values):
        vals = self._ticket_values(**values)
        return self.env["cq.ticket"].with_user(user or self.sales_user).create(vals)

    def _investigated(self, ticket, **values):
        """Take a ticket to investigation with a complete proposal."""
        ticket = ticket.with_user(self.officer)
        ticket.action_submit()
        ticket.action_start_investigation()
        vals = {
            "cause_category": "our_product",
            "root_cause": "Shim missing at assembly.",
            "proposed_solution": "Replace the 12 calipers free of charge.",
            "decision_amount": 960.0,
        }
        vals.update(values)
        ticket.write(vals)
        return ticket

    @classmethod
    def _cq_shanghai_calendar(cls, company=None):
        """Mon–Fri 08:00–12:00 and 13:00–17:00 in Asia/Shanghai (lunch break, free
        weekend), set as the company's quality calendar."""
        attendances = [
            Command.create(
                {
                    "name": f"{day} {period}",
                    "dayofweek": day,
                    "hour_from": start,
                    "hour_to": stop,
                    "day_period": period,
                }
            )
            for day in "01234"
            for period, start, stop in (
                ("morning", 8.0, 12.0),
                ("afternoon", 13.0, 17.0),
            )
        ]
        calendar = cls.env["resource.calendar"].create(
            {
                "name": "Shanghai office hours",
                "tz": "Asia/Shanghai",
                "hours_per_day": 8.0,
                "company_id": (company or cls.company).id,
                "attendance_ids": [Command.clear(), *attendances],
                "global_leave_ids": [Command.clear()],
            }
        )
        (company or cls.company).cq_calendar_id = calendar
        return calendar


class CqReturnCommon(CqCommon):
    """The fixtures of CqCommon, with the warehouse user handling the returns."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse = cls.delivery.picking_type_id.warehouse_id
        cls.warehouse.cq_return_user_ids = [Command.link(cls.warehouse_user.id)]
        cls.return_location = cls.warehouse._cq_return_location()
        cls.company.cq_return_approval_amount = 5000.0

    def _return(self, quantity, lot=None, delivery=None, user=None, **values):
        delivery = delivery or self.delivery
        move = delivery.move_ids[:1]
        line = {
            "picking_id": delivery.id,
            "product_id": move.product_id.id,
            "quantity": quantity,
            "lot_id": (self.lot if lot is None else lot).id,
            "reason": "Squeal",
            "without_return": values.pop("without_return", False),
        }
        vals = {
            "partner_id": delivery.partner_id.commercial_partner_id.id,
            "line_ids": [Command.create(line)],
        }
        vals.update(values)
        return self.env["cq.return"].with_user(user or self.sales_user).create(vals)

    def _received(self, quantity, **values):
        rma = self._return(quantity, **values)
        rma.action_authorise()
        if rma.needs_quality_confirmation:
            rma.with_user(self.officer).action_confirm_quality()
        store = rma.with_user(self.warehouse_user)
        store.action_receive()
        store.line_ids.filtered(lambda line: not line.without_return).write(
            {"inspection_result": "nonconforming"}
        )
        return rma.with_user(self.env.user)

    def _qty(self, location, lot, product=None):
        """Quantity on hand (reserved or not) of ``lot`` right in ``location``."""
        quants = self.env["stock.quant"]._gather(
            product or self.product, location, lot_id=lot, strict=True
        )
        return sum(quants.mapped("quantity"))

    def _explain(self, rma, user=None):
        """Send the explanation email through the composer, as a user would."""
        action = rma.with_user(user or self.officer).action_explain()
        composer = (
            self.env["mail.compose.message"]
            .with_user(user or self.officer)
            .with_context(**action["context"])
            .create({})
        )
        composer._action_send_mail()

    def _ship(self, picking):
        """Validate an outgoing picking with what Odoo reserved."""
        picking.action_assign()
        picking.move_ids.picked = True
        picking._action_done()
        self.assertEqual(picking.state, "done")


class CqTourMixin:
    """For HttpCase: run a browser tour, a tour that cannot run (no Chrome, no
    websocket-client) being a failure, not a skipped test: the tours are the proof
    of the workflows."""

    def _cq_tour(self, url, tour, login):
        for attempt in range(3):
            try:
                self.start_tour(url, tour, login=login)
                break
            except unittest.SkipTest as skipped:
                # on a busy machine Chromium may take longer than Odoo's 10 s to
                # open its devtools port: start it again, twice at most
                if attempt < 2 and "chrome devtools port" in str(skipped):
                    continue
                self.fail(f"The browser tour {tour} could not run: {skipped}")
        self.env.invalidate_all()
