"""The ticket screens read a number of rows that does not depend on the size of
the table: the list, the kanban grouped by stage, the form with its tabs and
the overdue filter cost the same queries with few tickets and with many more
(a page of 80 rows with 90 tickets and with 240)."""

from lxml import etree

from odoo.tests import tagged

from .common import CqCommon

# a page of the list and of a kanban column, as the web client reads them
PAGE = 80


@tagged("post_install", "-at_install", "is_query_count")
class TestTicketScreensAtScale(CqCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Ticket = cls.env["cq.ticket"]

    def _tickets(self, count):
        """``count`` tickets of the customer, each with a missed deadline."""
        tickets = self.Ticket.create(
            [
                self._ticket_values(
                    subject=f"Squeal {i}",
                    picking_id=self.delivery.id,
                    product_id=self.product.id,
                    lot_id=self.lot.id,
                    defective_qty=1.0,
                    team_id=self.team.id,
                )
                for i in range(count)
            ]
        )
        tickets.sudo().deadline_ids.filtered(lambda d: d.kind == "handoff").write(
            {"status": "overdue"}
        )
        return tickets

    def _spec(self, view_type):
        """What the web client asks of each record for the view: its fields,
        with the display name of relations (the list's and kanban's own; the
        form's with the lines of its one2many lists)."""
        Ticket = self.Ticket.with_user(self.officer)
        views = Ticket.get_views([(False, view_type)])
        arch = etree.fromstring(views["views"][view_type]["arch"])
        fields = views["models"]["cq.ticket"]["fields"]
        spec = {}
        for node in arch.iter("field"):
            if (
                any(
                    p.tag in ("list", "kanban", "form") and p is not arch
                    for p in node.iterancestors()
                )
                and node.getparent() is not None
            ):
                # a field of a sub-view: read with its parent one2many below
                continue
            name = node.get("name")
            field = fields.get(name)
            if not field:
                continue
            if field["type"] in ("many2one", "many2many", "one2many"):
                spec[name] = {"fields": {"display_name": {}}}
            else:
                spec[name] = {}
        return spec

    def _queries(self, func):
        self.env.invalidate_all()
        func()  # warm: the registry's and the ORM's own caches
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        func()
        return self.env.cr.sql_log_count - before

    def _screens(self, ticket):
        Ticket = self.Ticket.with_user(self.officer)
        list_spec = self._spec("list")
        kanban_spec = self._spec("kanban")
        form_spec = self._spec("form")
        # the customer's tickets: the rows look alike whatever their number
        # (the demo's, of other customers, would make the first page differ)
        mine = [("partner_id", "=", self.customer.id)]
        overdue = [*mine, ("is_overdue", "=", True)]

        def kanban():
            groups = Ticket.web_read_group(mine, ["state"], ["state"], lazy=True)
            for group in groups["groups"]:
                Ticket.web_search_read(group["__domain"], kanban_spec, limit=PAGE)

        return {
            "list": lambda: Ticket.web_search_read(mine, list_spec, limit=PAGE),
            "kanban": kanban,
            "form": lambda: Ticket.browse(ticket.id).web_read(form_spec),
            "overdue": lambda: Ticket.web_search_read(overdue, list_spec, limit=PAGE),
        }

    def test_screens_cost_the_same_with_more_tickets(self):
        # more than a page already: the pages read are full in both sizes
        ticket = self._tickets(PAGE + 10)[0]
        for screen in self._screens(ticket).values():
            screen()  # the first read of each model warms what they share
        small = {
            name: self._queries(screen)
            for name, screen in self._screens(ticket).items()
        }
        self._tickets(150)
        large = {
            name: self._queries(screen)
            for name, screen in self._screens(ticket).items()
        }
        self.assertEqual(small, large)
        for name, count in large.items():
            with self.subTest(screen=name):
                self.assertLessEqual(count, SCREEN_QUERIES[name], large)


# Measured on Odoo 18.0 with the add-on and its demo data, as a quality officer,
# full pages of 80 rows: list 15, kanban 19 (one column), form 27, overdue 15;
# pinned with a small margin.
SCREEN_QUERIES = {"list": 18, "kanban": 23, "form": 31, "overdue": 18}
