from datetime import date, datetime

from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tools.safe_eval import safe_eval

from .common import CqReturnCommon

JAN = date(2026, 1, 1)
FEB = date(2026, 2, 1)


class TestKpi(CqReturnCommon):
    """Every KPI on a data set worked out by hand, read as the pivot reads it
    (read_group by customer, by month, by step), where a sum or an average of
    the rows' values would be wrong.

    Deliveries of the brake discs: Acme 1000 in January and 3000 in February,
    Beta 500 in January. Complaints: Acme two in January (5 and 3 defective),
    Beta one (10 defective); a suggestion counts nowhere."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._cq_shanghai_calendar()
        cls.disc = cls.env["product.product"].create(
            {
                "name": "Brake Disc BD-300",
                "is_storable": True,
                "tracking": "lot",
                "standard_price": 25.0,
            }
        )
        cls.disc_lot = cls.env["stock.lot"].create(
            {"name": "LOT-BD-001", "product_id": cls.disc.id}
        )
        cls.env["stock.quant"]._update_available_quantity(
            cls.disc, cls.stock_location, 10000, lot_id=cls.disc_lot
        )
        deliveries = {}
        for partner, day, qty in (
            (cls.customer, datetime(2026, 1, 15, 6), 1000),
            (cls.customer, datetime(2026, 2, 16, 6), 3000),
            (cls.other_customer, datetime(2026, 1, 20, 6), 500),
        ):
            with freeze_time(day):
                deliveries[partner, day.month] = cls._deliver(
                    partner, cls.disc, qty, cls.disc_lot
                )[1]
        cls.acme_january = deliveries[cls.customer, 1]
        cls.beta_january = deliveries[cls.other_customer, 1]
        Ticket = cls.env["cq.ticket"].with_user(cls.sales_user)

        def complaint(partner, received, defective, **values):
            return Ticket.create(
                {
                    "partner_id": partner.id,
                    "subject": "Disc cracked",
                    "channel": "email",
                    "team_id": cls.team.id,
                    "product_id": cls.disc.id,
                    "received_date": received,
                    "defective_qty": defective,
                    **values,
                }
            )

        # Shanghai is UTC+8: Fri 16 Jan 16:00, Tue 13 Jan 09:00, Wed 21 Jan 10:00
        cls.t1 = complaint(cls.customer, datetime(2026, 1, 16, 8), 5)
        cls.t2 = complaint(cls.customer, datetime(2026, 1, 13, 1), 3)
        cls.t3 = complaint(cls.other_customer, datetime(2026, 1, 21, 2), 10)
        cls.suggestion = complaint(
            cls.customer, datetime(2026, 1, 22, 2), 0, feedback_type="suggestion"
        )
        # a complaint about a quality officer: never seen by them
        cls.staff = complaint(
            cls.customer,
            datetime(2026, 2, 17, 2),
            7,
            complained_user_ids=[Command.set(cls.team_manager.ids)],
        )
        cls.tickets = cls.t1 | cls.t2 | cls.t3 | cls.suggestion | cls.staff

    def _groups(self, model, groupby, aggregates, domain=(), user=None):
        Report = self.env[model].with_user(user or self.officer)
        rows = Report._read_group(list(domain), groupby, aggregates)
        return {
            row[0] if len(groupby) == 1 else row[: len(groupby)]: row[len(groupby) :]
            for row in rows
        }

    # ------------------------------------------------------------------
    # Deadline compliance
    # ------------------------------------------------------------------
    def _deadlines(self):
        self.tickets.sudo().deadline_ids.unlink()
        Deadline = self.env["cq.ticket.deadline"].sudo()
        for ticket, kind, due, met in (
            (
                self.t1,
                "first_reply",
                datetime(2026, 1, 16, 12),
                datetime(2026, 1, 16, 10),
            ),
            (self.t1, "handoff", datetime(2026, 1, 16, 9), datetime(2026, 1, 16, 10)),
            (
                self.t2,
                "first_reply",
                datetime(2026, 1, 13, 10),
                datetime(2026, 1, 13, 11),
            ),
            (
                self.t3,
                "first_reply",
                datetime(2026, 1, 21, 10),
                datetime(2026, 1, 21, 9),
            ),
            # missed: past due, never met (whether the cron saw it or not)
            (self.t3, "handoff", datetime(2026, 1, 21, 9), False),
            # still running: in no rate
            (self.t3, "solution", datetime(2099, 1, 1), False),
        ):
            Deadline.create(
                {
                    "ticket_id": ticket.id,
                    "kind": kind,
                    "date_deadline": due,
                    "date_met": met,
                }
            )

    def test_deadline_compliance_per_customer_and_step(self):
        self._deadlines()
        domain = [("ticket_id", "in", self.tickets.ids)]
        aggregates = [
            "on_time_rate:avg",
            "met_count:sum",
            "late_count:sum",
            "overdue_count:sum",
        ]
        by_customer = self._groups(
            "cq.kpi.deadline", ["partner_id"], aggregates, domain
        )
        # Acme: 1 on time of 3 decided; Beta: 1 of 2 (the running one counts nowhere)
        self.assertAlmostEqual(by_customer[self.customer][0], 100 / 3)
        self.assertEqual(by_customer[self.customer][1:], (1, 2, 0))
        self.assertAlmostEqual(by_customer[self.other_customer][0], 50.0)
        self.assertEqual(by_customer[self.other_customer][1:], (1, 0, 1))
        # all: 2 of 5 = 40 %, not the average of the customers' rates (41.7 %)
        (total,) = self._groups("cq.kpi.deadline", [], aggregates, domain).values()
        self.assertAlmostEqual(total[0], 40.0)
        by_step = self._groups("cq.kpi.deadline", ["kind"], aggregates, domain)
        self.assertAlmostEqual(by_step["first_reply"][0], 200 / 3)
        self.assertEqual(by_step["handoff"][0], 0.0)
        self.assertIs(by_step["solution"][0], False, "nothing decided, no rate")
        # the pivot's own call, through read_group
        (cell,) = (
            self.env["cq.kpi.deadline"]
            .with_user(self.officer)
            .read_group(
                domain + [("kind", "=", "first_reply")], ["on_time_rate"], ["kind"]
            )
        )
        self.assertAlmostEqual(cell["on_time_rate"], 200 / 3)

    # ------------------------------------------------------------------
    # First-reply time
    # ------------------------------------------------------------------
    def test_first_reply_time_over_replied_tickets(self):
        # Fri 16:00 to Mon 09:00 Shanghai: 65 hours, 2 working hours
        self.t1.sudo()._cq_write_workflow(
            {"first_reply_date": datetime(2026, 1, 19, 1)}
        )
        # Tue 09:00 to 11:00: 2 hours, 2 working hours
        self.t2.sudo()._cq_write_workflow(
            {"first_reply_date": datetime(2026, 1, 13, 3)}
        )
        # t3, not replied yet, must not pull the average of Beta nor of all to 0
        self.assertEqual(self.t1.first_reply_working_hours, 2.0)
        domain = [("ticket_id", "in", self.tickets.ids)]
        aggregates = ["__count", "reply_hours:avg", "reply_working_hours:avg"]
        by_customer = self._groups(
            "cq.kpi.first.reply", ["partner_id"], aggregates, domain
        )
        self.assertEqual(list(by_customer), [self.customer])
        count, hours, working = by_customer[self.customer]
        self.assertEqual(count, 2)
        self.assertAlmostEqual(hours, 33.5)
        self.assertAlmostEqual(working, 2.0)
        by_month = self._groups(
            "cq.kpi.first.reply", ["received_date:month"], aggregates, domain
        )
        self.assertAlmostEqual(by_month[datetime(2026, 1, 1)][2], 2.0)

    def test_working_hours_of_a_batch_are_each_ticket_s_own(self):
        # computed for many tickets at once (an upgrade), each counts only
        # its own span: over a weekend, within a morning, across days
        spans = [
            (datetime(2026, 1, 16, 8), datetime(2026, 1, 19, 1)),
            (datetime(2026, 1, 13, 1), datetime(2026, 1, 13, 3)),
            (datetime(2026, 1, 21, 2), datetime(2026, 1, 28, 9)),
            (datetime(2026, 1, 22, 2), datetime(2026, 1, 22, 2, 30)),
        ]
        tickets = self.t1 | self.t2 | self.t3 | self.suggestion
        for ticket, (start, stop) in zip(tickets, spans, strict=True):
            ticket.sudo()._cq_write_workflow(
                {"received_date": start, "first_reply_date": stop}
            )
        tickets.invalidate_recordset(["first_reply_working_hours"])
        tickets._compute_first_reply_working_hours()
        calendar = self.company._cq_calendar()
        for ticket, (start, stop) in zip(tickets, spans, strict=True):
            self.assertAlmostEqual(
                ticket.first_reply_working_hours,
                calendar.get_work_hours_count(start, stop),
                places=6,
            )
        self.assertAlmostEqual(self.t1.first_reply_working_hours, 2.0)

    def test_a_complaint_about_staff_stays_out_of_their_reports(self):
        self.staff.sudo().deadline_ids.filtered(
            lambda d: d.kind == "first_reply"
        ).write({"date_deadline": datetime(2026, 2, 17, 10)})
        self.staff.sudo()._cq_write_workflow(
            {"first_reply_date": datetime(2026, 2, 17, 4)}
        )
        domain = [("ticket_id", "=", self.staff.id)]
        for model in ("cq.kpi.deadline", "cq.kpi.first.reply"):
            with self.subTest(model=model):
                seen = self.env[model].with_user(self.quality_manager)
                self.assertTrue(seen.search_count(domain), "the manager sees it")
                hidden = self.env[model].with_user(self.team_manager)
                self.assertFalse(hidden.search_count(domain))
                self.assertFalse(
                    hidden._read_group(domain, ["partner_id"], ["__count"]),
                    "nor counts it in a group",
                )

    # ------------------------------------------------------------------
    # Complaints per million delivered units, return rate
    # ------------------------------------------------------------------
    def test_ppm_per_customer_and_month(self):
        domain = [("product_id", "=", self.disc.id)]
        aggregates = [
            "complaint_count:sum",
            "delivered_qty:sum",
            "complaint_ppm:sum",
            "defect_ppm:sum",
        ]
        by_customer = self._groups(
            "cq.kpi.delivery", ["partner_id"], aggregates, domain
        )
        # Acme: 2 complaints, 8 defective of 4000 delivered (the staff complaint is
        # not the officer's to see); Beta: 1, 10 of 500
        self.assertEqual(by_customer[self.customer][:2], (2, 4000.0))
        self.assertAlmostEqual(by_customer[self.customer][2], 500.0)
        self.assertAlmostEqual(by_customer[self.customer][3], 2000.0)
        self.assertAlmostEqual(by_customer[self.other_customer][2], 2000.0)
        self.assertAlmostEqual(by_customer[self.other_customer][3], 20000.0)
        # all: 3 per 4500, not the customers' sum (2500) nor their average (1250)
        (total,) = self._groups("cq.kpi.delivery", [], aggregates, domain).values()
        self.assertAlmostEqual(total[2], 3 / 4500 * 1e6)
        by_month = self._groups("cq.kpi.delivery", ["date:month"], aggregates, domain)
        self.assertAlmostEqual(by_month[JAN][2], 2000.0)
        self.assertEqual(by_month[FEB][2], 0.0)
        # the quality manager sees the complaint about the officer too
        manager = self._groups(
            "cq.kpi.delivery", ["partner_id"], aggregates, domain, self.quality_manager
        )
        self.assertEqual(manager[self.customer][0], 3)
        self.assertAlmostEqual(manager[self.customer][2], 750.0)
        hidden = self._groups(
            "cq.kpi.delivery", ["partner_id"], aggregates, domain, self.team_manager
        )
        self.assertEqual(hidden[self.customer][0], 2)

    def test_ppm_as_the_pivot_reads_it(self):
        Report = self.env["cq.kpi.delivery"].with_user(self.officer)
        domain = [("product_id", "=", self.disc.id)]
        self.env.flush_all()
        # warm the caches (rules, groups) as any earlier screen does
        Report.read_group(domain, ["complaint_ppm"], ["partner_id"])
        with self.assertQueryCount(3):
            cells = Report.read_group(
                domain,
                ["complaint_count", "delivered_qty", "complaint_ppm"],
                ["partner_id", "date:month"],
                lazy=False,
            )
        cells = {(c["partner_id"][0], c["date:month"]): c for c in cells}
        january = cells[self.customer.id, "January 2026"]
        self.assertEqual(january["complaint_count"], 2)
        self.assertAlmostEqual(january["complaint_ppm"], 2000.0)
        self.assertEqual(cells[self.customer.id, "February 2026"]["complaint_ppm"], 0.0)
        # sorted by the ratio, as a click on the measure's header does
        ranked = Report.read_group(
            domain, ["complaint_ppm"], ["partner_id"], orderby="complaint_ppm desc"
        )
        self.assertEqual(ranked[0]["partner_id"][0], self.other_customer.id)

    def test_months_are_the_companys(self):
        # 31 March 20:00 UTC is 1 April 04:00 in Shanghai, where the company works
        with freeze_time(datetime(2026, 3, 31, 20)):
            self._deliver(self.other_customer, self.disc, 100, self.disc_lot)
        by_month = self._groups(
            "cq.kpi.delivery",
            ["date:month"],
            ["delivered_qty:sum"],
            [("product_id", "=", self.disc.id)],
        )
        self.assertEqual(by_month[date(2026, 4, 1)], (100.0,))
        self.assertNotIn(date(2026, 3, 1), by_month)

    def test_return_rate_per_customer_and_month(self):
        acme = self._return(
            20, lot=self.disc_lot, delivery=self.acme_january, date=date(2026, 1, 25)
        )
        beta = self._return(
            10, lot=self.disc_lot, delivery=self.beta_january, date=date(2026, 1, 26)
        )
        (acme | beta).action_authorise()
        # a draft return is no return yet
        self._return(
            7, lot=self.disc_lot, delivery=self.acme_january, date=date(2026, 1, 27)
        )
        domain = [("product_id", "=", self.disc.id)]
        aggregates = [
            "returned_qty:sum",
            "delivered_qty:sum",
            "return_rate:sum",
            "return_line_count:sum",
        ]
        by_customer = self._groups(
            "cq.kpi.delivery", ["partner_id"], aggregates, domain
        )
        self.assertEqual(by_customer[self.customer][:2], (20.0, 4000.0))
        self.assertAlmostEqual(by_customer[self.customer][2], 0.5)
        self.assertAlmostEqual(by_customer[self.other_customer][2], 2.0)
        (total,) = self._groups("cq.kpi.delivery", [], aggregates, domain).values()
        self.assertAlmostEqual(total[2], 30 / 4500 * 100)
        self.assertEqual(total[3], 2)
        by_month = self._groups("cq.kpi.delivery", ["date:month"], aggregates, domain)
        self.assertAlmostEqual(by_month[JAN][2], 2.0)
        self.assertEqual(by_month[FEB][2], 0.0)

    def test_replacements_are_no_new_deliveries(self):
        self.acme_january.cq_return_id = self._return(
            1, lot=self.disc_lot, delivery=self.beta_january
        )
        (row,) = self._groups(
            "cq.kpi.delivery",
            [],
            ["delivered_qty:sum"],
            [("product_id", "=", self.disc.id)],
        ).values()
        self.assertEqual(row[0], 3500.0)

    # ------------------------------------------------------------------
    # Cost of poor quality
    # ------------------------------------------------------------------
    def test_copq_per_customer(self):
        vendor = self.env["res.partner"].create({"name": "Disc Foundry"})
        Cost = self.env["cq.warranty.claim.cost"]
        claims = self.env["cq.warranty.claim"]
        for partner, delivery, costs, recovered in (
            (
                self.customer,
                self.acme_january,
                [("sorting", 300.0), ("replacement", 200.0)],
                100.0,
            ),
            (self.other_customer, self.beta_january, [("freight", 50.0)], 0.0),
        ):
            claim = (
                self.env["cq.warranty.claim"]
                .with_user(self.officer)
                .create(
                    self._claim_values(
                        partner_id=partner.id,
                        picking_id=delivery.id,
                        product_id=self.disc.id,
                        lot_id=self.disc_lot.id,
                        claim_date=date(2026, 1, 30),
                    )
                )
            )
            for cost_type, amount in costs:
                Cost.create(
                    {
                        "claim_id": claim.id,
                        "cost_type": cost_type,
                        "amount": amount,
                        "date": date(2026, 1, 30),
                    }
                )
            if recovered:
                claim.write(
                    {
                        "recovery_vendor_id": vendor.id,
                        "recovery_amount_claimed": recovered,
                        "recovery_amount_recovered": recovered,
                    }
                )
            claims |= claim
        domain = [("claim_id", "in", claims.ids)]
        aggregates = [
            "claim_cost:sum",
            "replacement_cost:sum",
            "recovered_amount:sum",
            "net_cost:sum",
        ]
        by_customer = self._groups("cq.kpi.copq", ["partner_id"], aggregates, domain)
        self.assertEqual(by_customer[self.customer], (300.0, 200.0, 100.0, 400.0))
        self.assertEqual(by_customer[self.other_customer], (50.0, 0.0, 0.0, 50.0))
        by_month = self._groups("cq.kpi.copq", ["date:month"], aggregates, domain)
        self.assertEqual(by_month[JAN][3], 450.0)
        # a cancelled claim costs nothing any more
        claims[1].with_user(self.officer).action_cancel()
        by_customer = self._groups("cq.kpi.copq", ["partner_id"], aggregates, domain)
        self.assertNotIn(self.other_customer, by_customer)

    def test_copq_of_returns(self):
        """Scrapped and credited: 4 discs at cost 25 and price 40; scrapped and
        replaced: 3 more discs at cost 25, the replacement shipped."""
        self.disc.invoice_policy = "delivery"
        order, delivery = self._deliver_lots(
            self.customer,
            self.disc,
            [(self.disc_lot, 20)],
            line_values={"price_unit": 40.0},
        )
        invoice = order._create_invoices()
        invoice.action_post()
        returns = self.env["cq.return"]
        for quantity, outcome in ((4, "credit_note"), (3, "replacement")):
            rma = self._received(quantity, lot=self.disc_lot, delivery=delivery)
            rma.with_user(self.warehouse_user).action_inspect()
            rma.with_user(self.officer).write({"cause": "quality"})
            rma.line_ids.with_user(self.officer).write(
                {"disposition": "scrap", "outcome": outcome}
            )
            rma.with_user(self.officer).action_decide()
            returns |= rma
        returns.credit_note_ids.action_post()
        self._ship(returns.replacement_picking_ids)
        domain = [("return_id", "in", returns.ids)]
        aggregates = [
            "credit_note_amount:sum",
            "scrap_cost:sum",
            "replacement_cost:sum",
            "net_cost:sum",
        ]
        by_source = self._groups("cq.kpi.copq", ["source"], aggregates, domain)
        self.assertEqual(by_source["credit_note"][0], 160.0)
        self.assertEqual(by_source["scrap"][1], 7 * 25.0)
        self.assertEqual(by_source["replacement"][2], 3 * 25.0)
        by_customer = self._groups("cq.kpi.copq", ["partner_id"], aggregates, domain)
        self.assertEqual(by_customer[self.customer][3], 160.0 + 175.0 + 75.0)
        # the replacement is a cost, not a new delivery
        (row,) = self._groups(
            "cq.kpi.delivery",
            [],
            ["delivered_qty:sum"],
            [("product_id", "=", self.disc.id)],
        ).values()
        self.assertEqual(row[0], 4500.0 + 20.0)

    # ------------------------------------------------------------------
    # Satisfaction index
    # ------------------------------------------------------------------
    def test_satisfaction_index_counts_each_response_once(self):
        survey = self.env["survey.survey"].create({"title": "Disc satisfaction"})
        dimension = self.env["cq.satisfaction.dimension"].search([], limit=1)
        Score = self.env["cq.satisfaction.score"].sudo()
        for partner, overall in (
            (self.customer, 90.0),
            (self.customer, 70.0),
            (self.other_customer, 60.0),
        ):
            response = self.env["survey.user_input"].create(
                {"survey_id": survey.id, "partner_id": partner.id}
            )
            common = {
                "response_id": response.id,
                "survey_id": survey.id,
                "company_id": self.company.id,
                "partner_id": partner.id,
                "date": date(2026, 1, 10),
                "period_start": JAN,
            }
            Score.create({**common, "is_overall": True, "score": overall})
            # a dimension's score and a competitor's are no part of the index
            Score.create({**common, "dimension_id": dimension.id, "score": 10.0})
            Score.create(
                {
                    **common,
                    "is_overall": True,
                    "competitor_id": self.other_customer.id,
                    "score": 5.0,
                }
            )
        action = self.env.ref("customer_quality.cq_satisfaction_score_action_index")
        domain = safe_eval(action.domain) + [("survey_id", "=", survey.id)]
        by_customer = self._groups(
            "cq.satisfaction.score", ["partner_id"], ["score:avg", "__count"], domain
        )
        self.assertEqual(by_customer[self.customer], (80.0, 2))
        self.assertEqual(by_customer[self.other_customer], (60.0, 1))

    # ------------------------------------------------------------------
    # Screens and access
    # ------------------------------------------------------------------
    def test_reporting_pivots_show_a_count(self):
        reporting = self.env.ref("customer_quality.cq_menu_reporting")
        actions = (
            self.env["ir.ui.menu"]
            .search([("id", "child_of", reporting.id)])
            .filtered("action")
            .mapped("action")
        )
        self.assertGreaterEqual(len(actions), 11)
        for action in actions:
            views = self.env[action.res_model].get_views(
                [(view.view_id.id, view.view_mode) for view in action.view_ids]
                or [(False, "pivot")]
            )["views"]
            if "pivot" not in views:
                continue
            arch = etree.fromstring(views["pivot"]["arch"])
            # the count of rows, or a count of its own where rows are of
            # several kinds (deliveries, complaints and returns)
            fields = self.env[action.res_model]._fields
            measures = [
                fields[node.get("name")]
                for node in arch.xpath("//field[@type='measure']")
            ]
            self.assertTrue(
                not measures
                or arch.get("display_quantity") in ("1", "true", "True")
                or any(field.type == "integer" for field in measures),
                f"{action.name}: the pivot shows no count",
            )

    def test_claim_statistics_open_on_the_last_twelve_months(self):
        action = self.env.ref("customer_quality.cq_warranty_claim_action_statistics")
        option = safe_eval(action.context)["search_default_filter_claim_date"]
        arch = etree.fromstring(
            self.env["cq.warranty.claim"].get_views(
                [(action.search_view_id.id, "search")]
            )["views"]["search"]["arch"]
        )
        (date_filter,) = arch.xpath("//filter[@name='filter_claim_date']")
        options = [f"custom_{child.get('name')}" for child in date_filter]
        self.assertEqual(option, "custom_claim_date_last_12_months")
        self.assertIn(option, options)

    def test_reports_stay_in_their_company(self):
        other = self.env["res.company"].create({"name": "Disc Works Ltd"})
        self.quality_manager.company_ids = [Command.link(other.id)]
        self.env["cq.ticket"].with_company(other).create(
            {
                "company_id": other.id,
                "partner_id": self.other_customer.id,
                "subject": "Disc warped",
                "channel": "email",
                "product_id": self.disc.id,
                "received_date": datetime(2026, 1, 22, 2),
            }
        )
        domain = [("product_id", "=", self.disc.id)]
        for user, companies, complaints in (
            (self.officer, self.company, 1),
            (self.quality_manager, self.company, 1),
            (self.quality_manager, self.company | other, 2),
        ):
            Report = self.env["cq.kpi.delivery"].with_user(user)
            Report = Report.with_context(allowed_company_ids=companies.ids)
            groups = dict(
                Report._read_group(domain, ["partner_id"], ["complaint_count:sum"])
            )
            self.assertEqual(groups[self.other_customer], complaints)

    def test_reports_are_for_quality_only_and_read_only(self):
        for model in (
            "cq.kpi.deadline",
            "cq.kpi.first.reply",
            "cq.kpi.delivery",
            "cq.kpi.copq",
        ):
            with self.assertRaises(AccessError):
                self.env[model].with_user(self.sales_user)._read_group(
                    [], [], ["__count"]
                )
            for operation in ("write", "create", "unlink"):
                with self.assertRaises(AccessError):
                    self.env[model].with_user(self.quality_manager).check_access(
                        operation
                    )
