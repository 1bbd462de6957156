"""The screens users open all day cost a number of queries that does not grow
with the number of tickets: the list, the kanban grouped by stage, a ticket's
form with all its tabs, and the overdue filter (issue 11, screens at scale)."""

from odoo.tests import tagged

from .common import CqCommon


@tagged("post_install", "-at_install")
class TestTicketScreens(CqCommon):
    def _spec(self, view_type):
        """What the web client asks for a view: the fields of the view, the
        many2ones with their display name, the x2manys' ids."""
        views = self.env["cq.ticket"].get_views([(False, view_type)])
        fields = views["models"]["cq.ticket"]["fields"]
        spec = {}
        for name, info in fields.items():
            if info["type"] == "many2one":
                spec[name] = {"fields": {"display_name": {}}}
            else:
                spec[name] = {}
        return spec

    def _screens(self):
        """{screen: queries} as the quality officer, caches cold."""
        Ticket = self.env["cq.ticket"].with_user(self.officer)
        specs = {view: self._spec(view) for view in ("list", "kanban", "form")}
        ticket = Ticket.search([], order="id desc", limit=1)
        screens = {
            "list": lambda: Ticket.web_search_read(
                [], specs["list"], limit=80, count_limit=10001
            ),
            "kanban by stage": lambda: Ticket.web_read_group(
                [], ["state"], ["state"], lazy=True
            ),
            "kanban cards": lambda: Ticket.web_search_read(
                [("state", "=", "draft")], specs["kanban"], limit=40
            ),
            "form": lambda: ticket.web_read(specs["form"]),
            "overdue filter": lambda: Ticket.web_search_read(
                [("is_overdue", "=", True)], specs["list"], limit=80
            ),
        }
        counts = {}
        for name, open_screen in screens.items():
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            open_screen()
            counts[name] = self.env.cr.sql_log_count - before
        return counts

    def _tickets(self, count):
        Ticket = self.env["cq.ticket"].with_user(self.sales_user)
        Ticket.create([self._ticket_values(subject=f"S{i}") for i in range(count)])

    def test_queries_do_not_grow_with_the_tickets(self):
        # both sizes fill more than a page of every screen (80 rows, 40 cards)
        self._tickets(100)
        self._screens()  # warm the registry-level caches (views, access rules)
        small = self._screens()
        self._tickets(300)
        large = self._screens()
        self.assertEqual(large, small)
        for name, queries in small.items():
            with self.subTest(screen=name):
                self.assertLess(queries, 60, f"{name}: {queries} queries")

    def test_the_goods_show_where_they_apply(self):
        price = self._ticket(
            classification="price", picking_id=False, sale_order_id=False
        )
        self.assertFalse(price.goods_apply, "a price complaint names no goods")
        arch = self.env["cq.ticket"].get_views([(False, "form")])["views"]["form"]
        self.assertIn('invisible="not goods_apply"', arch["arch"])
        self.assertTrue(self._ticket(classification="product_quality").goods_apply)
        price.product_id = self.product
        self.assertTrue(price.goods_apply, "goods named are shown whatever the class")
