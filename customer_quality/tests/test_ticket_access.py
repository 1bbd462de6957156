from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import CqCommon


@tagged("post_install", "-at_install")
class TestTicketAccess(CqCommon):
    """Who sees, changes and deletes which ticket (§7 Roles)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        base = {
            "partner_id": cls.other_customer.id,
            "subject": "Access test",
            "description": "<p>Boxes arrived wet.</p>",
            "channel": "email",
            "team_id": cls.team.id,
        }
        Ticket = cls.env["cq.ticket"]
        # recorded by the sales user herself, for a customer that is not hers
        cls.t_created = Ticket.with_user(cls.sales_user).create(
            dict(base, subject="Created by Sally")
        )
        # typed in by an officer on the sales user's behalf (she took the call)
        cls.t_recorded = Ticket.with_user(cls.officer).create(
            dict(base, subject="Recorded by Sally", received_by_id=cls.sales_user.id)
        )
        # the sales user is responsible for it
        cls.t_responsible = Ticket.with_user(cls.officer).create(
            dict(base, subject="Sally responsible", user_id=cls.sales_user.id)
        )
        # of a customer whose salesperson she is
        cls.t_her_customer = Ticket.with_user(cls.officer).create(
            dict(
                base,
                subject="Her customer",
                partner_id=cls.customer.id,
                contact_id=cls.contact.id,
            )
        )
        # nothing to do with her
        cls.t_foreign = Ticket.with_user(cls.officer).create(
            dict(base, subject="Not Sally's")
        )
        # recorded by the warehouse user
        cls.t_warehouse = Ticket.with_user(cls.warehouse_user).create(
            dict(base, subject="Walter's")
        )
        # a complaint about the sales user herself, on
        # her own customer, handled by the team manager
        cls.t_staff = Ticket.with_user(cls.quality_manager).create(
            dict(
                base,
                subject="Sally was rude",
                partner_id=cls.customer.id,
                contact_id=cls.contact.id,
                complained_user_ids=[Command.set(cls.sales_user.ids)],
                user_id=cls.team_manager.id,
            )
        )
        cls.all_tickets = (
            cls.t_created
            | cls.t_recorded
            | cls.t_responsible
            | cls.t_her_customer
            | cls.t_foreign
            | cls.t_warehouse
            | cls.t_staff
        )

    def _visible(self, user):
        return (
            self.env["cq.ticket"]
            .with_user(user)
            .search([("id", "in", self.all_tickets.ids)])
        )

    def _sees(self, user, ticket):
        return bool(
            self.env["cq.ticket"].with_user(user).search([("id", "=", ticket.id)])
        )

    def assertCannotRead(self, user, ticket):
        with self.assertRaises(AccessError):
            ticket.with_user(user).read(["subject"])

    # ------------------------------------------------------------------
    # Sales and warehouse users
    # ------------------------------------------------------------------
    def test_sales_user_sees_own_handled_and_her_customers(self):
        visible = self._visible(self.sales_user)
        self.assertEqual(
            visible,
            self.t_created | self.t_recorded | self.t_responsible | self.t_her_customer,
            "a sales user sees what she created, recorded or handles and her "
            "customers' tickets",
        )
        self.assertEqual(
            self.t_her_customer.with_user(self.sales_user).read(["subject"])[0][
                "subject"
            ],
            "Her customer",
        )

    def test_sales_user_does_not_see_others_tickets(self):
        self.assertNotIn(self.t_foreign, self._visible(self.sales_user))
        self.assertNotIn(self.t_warehouse, self._visible(self.sales_user))
        self.assertCannotRead(self.sales_user, self.t_foreign)
        self.assertCannotRead(self.sales_user, self.t_warehouse)
        with self.assertRaises(AccessError):
            self.t_foreign.with_user(self.sales_user).write({"subject": "Hijacked"})
        self.assertEqual(self.t_foreign.subject, "Not Sally's")
        # neither the deadlines of a ticket she does not see
        deadlines = (
            self.env["cq.ticket.deadline"]
            .with_user(self.sales_user)
            .search([("ticket_id", "=", self.t_foreign.id)])
        )
        self.assertFalse(deadlines)
        self.assertTrue(
            self.t_foreign.deadline_ids,
            "the ticket has deadlines, they are only hidden",
        )

    def test_chatter_and_files_of_hidden_tickets(self):
        """What hangs on a ticket (messages, photos) is as hidden as the ticket."""
        self.t_foreign.message_post(
            body="Lab result: porosity in the casting.", message_type="comment"
        )
        photo = self.env["ir.attachment"].create(
            {
                "name": "casting.jpg",
                "raw": b"jpeg",
                "res_model": "cq.ticket",
                "res_id": self.t_foreign.id,
            }
        )
        Message = self.env["mail.message"].with_user(self.sales_user)
        domain = [("model", "=", "cq.ticket"), ("res_id", "=", self.t_foreign.id)]
        self.assertFalse(Message.search(domain))
        self.assertTrue(
            Message.with_user(self.officer).search(domain), "the officer does read them"
        )
        self.assertFalse(
            self.env["ir.attachment"]
            .with_user(self.sales_user)
            .search(
                [("res_model", "=", "cq.ticket"), ("res_id", "=", self.t_foreign.id)]
            )
        )
        with self.assertRaises(AccessError):
            photo.with_user(self.sales_user).read(["raw"])

    def test_sales_user_sees_a_customer_once_made_her_customer(self):
        self.assertNotIn(self.t_foreign, self._visible(self.sales_user))
        self.other_customer.user_id = self.sales_user
        self.assertIn(self.t_foreign, self._visible(self.sales_user))

    def test_sales_user_registers_and_edits_her_ticket(self):
        ticket = self._ticket()
        self.assertEqual(ticket.received_by_id, self.sales_user)
        ticket.with_user(self.sales_user).write({"subject": "Calipers squeal loudly"})
        self.assertEqual(ticket.subject, "Calipers squeal loudly")
        self.assertTrue(
            ticket.with_user(self.sales_user).deadline_ids,
            "she sees the deadlines of her ticket",
        )

    def test_sales_user_cannot_delete(self):
        ticket = self._ticket()
        with self.assertRaises(AccessError):
            ticket.with_user(self.sales_user).unlink()
        self.assertTrue(ticket.exists())
        with self.assertRaises(AccessError):
            self.t_created.with_user(self.sales_user).unlink()
        # an officer may delete a draft (control: the refusal above is about the role)
        self.t_created.with_user(self.officer).unlink()
        self.assertFalse(self.t_created.exists())

    def test_sales_user_cannot_change_deadline_rules(self):
        rule = self.env["cq.deadline.rule"].search(
            [
                ("company_id", "=", self.company.id),
                ("severity", "=", "general"),
                ("kind", "=", "first_reply"),
            ]
        )
        self.assertEqual(len(rule), 1)
        # free the slot the users will try to fill
        self.env["cq.deadline.rule"].search(
            [
                ("company_id", "=", self.company.id),
                ("severity", "=", "serious"),
                ("kind", "=", "urgent"),
            ]
        ).unlink()
        for user in (self.sales_user, self.warehouse_user, self.officer):
            with self.assertRaises(AccessError):
                rule.with_user(user).write({"duration": 800.0})
            with self.assertRaises(AccessError):
                rule.with_user(user).unlink()
            with self.assertRaises(AccessError):
                self.env["cq.deadline.rule"].with_user(user).create(
                    {
                        "company_id": self.company.id,
                        "severity": "serious",
                        "kind": "urgent",
                        "duration": 1.0,
                    }
                )
        self.assertEqual(rule.duration, 8.0)
        # the quality manager configures them
        rule.with_user(self.quality_manager).write({"duration": 16.0})
        self.assertEqual(rule.duration, 16.0)

    def test_warehouse_user_same_rights(self):
        visible = self._visible(self.warehouse_user)
        self.assertEqual(
            visible,
            self.t_warehouse,
            "Walter is nobody's salesperson and recorded only one",
        )
        self.assertCannotRead(self.warehouse_user, self.t_her_customer)
        self.assertCannotRead(self.warehouse_user, self.t_created)
        ticket = self._ticket(user=self.warehouse_user)
        self.assertIn(
            ticket, self.env["cq.ticket"].with_user(self.warehouse_user).search([])
        )
        with self.assertRaises(AccessError):
            ticket.with_user(self.warehouse_user).unlink()
        self.t_foreign.with_user(self.officer).write(
            {"user_id": self.warehouse_user.id}
        )
        self.assertIn(
            self.t_foreign,
            self._visible(self.warehouse_user),
            "responsible: he sees it",
        )

    # ------------------------------------------------------------------
    # Quality staff
    # ------------------------------------------------------------------
    def test_officer_sees_all_but_staff_complaints(self):
        self.assertEqual(self._visible(self.officer), self.all_tickets - self.t_staff)
        self.assertCannotRead(self.officer, self.t_staff)

    def test_quality_manager_sees_staff_complaints(self):
        self.assertEqual(self._visible(self.quality_manager), self.all_tickets)
        self.assertEqual(
            self.t_staff.with_user(self.quality_manager).read(["subject"])[0][
                "subject"
            ],
            "Sally was rude",
        )

    def test_staff_complaint_hidden_from_the_person_complained_about(self):
        self.assertTrue(self.t_staff.is_staff_complaint)
        # her own customer, and she is the customer's salesperson: still hidden
        self.assertEqual(self.t_staff.commercial_partner_id.user_id, self.sales_user)
        self.assertNotIn(self.t_staff, self._visible(self.sales_user))
        self.assertCannotRead(self.sales_user, self.t_staff)
        self.assertFalse(
            self.env["cq.ticket.deadline"]
            .with_user(self.sales_user)
            .search([("ticket_id", "=", self.t_staff.id)])
        )
        # she cannot be made responsible to get at it (recusal)
        with self.assertRaises(ValidationError):
            self.t_staff.with_user(self.quality_manager).write(
                {"user_id": self.sales_user.id}
            )

    def test_staff_complaint_visible_to_its_assignee(self):
        self.assertIn(self.t_staff, self._visible(self.team_manager))
        self.assertTrue(self.t_staff.with_user(self.team_manager).deadline_ids)
        # reassigned to the officer: now she sees it and the team manager no more
        self.t_staff.with_user(self.quality_manager).write({"user_id": self.officer.id})
        self.assertIn(self.t_staff, self._visible(self.officer))
        self.assertNotIn(self.t_staff, self._visible(self.team_manager))

    def test_staff_complaint_registration(self):
        """Anyone may register a complaint about a colleague: the recorder keeps seeing
        what they wrote, the colleagues (and the person complained about) do not."""
        recorded = self._ticket(
            user=self.warehouse_user,
            complained_user_ids=[Command.set(self.sales_user.ids)],
        )
        self.assertTrue(recorded.is_staff_complaint)
        self.assertTrue(self._sees(self.warehouse_user, recorded))
        self.assertFalse(self._sees(self.sales_user, recorded))
        self.assertFalse(self._sees(self.officer, recorded))
        self.assertTrue(self._sees(self.quality_manager, recorded))
        taken = self._ticket(
            user=self.officer,
            complained_user_ids=[Command.set(self.sales_user.ids)],
            user_id=self.officer.id,
        )
        self.assertTrue(self._sees(self.officer, taken))
        self.assertFalse(self._sees(self.sales_user, taken))
        registered = self._ticket(
            user=self.quality_manager,
            complained_user_ids=[Command.set(self.warehouse_user.ids)],
        )
        self.assertFalse(self._sees(self.warehouse_user, registered))
        self.assertFalse(self._sees(self.officer, registered))
        # flagging an existing ticket as a staff complaint hides it from the salesperson
        self.assertIn(self.t_her_customer, self._visible(self.sales_user))
        self.t_her_customer.with_user(
            self.quality_manager
        ).complained_user_ids = self.sales_user
        self.assertNotIn(self.t_her_customer, self._visible(self.sales_user))
        # other officers lose it; the officer who typed it in keeps what she recorded
        self.assertNotIn(self.t_her_customer, self._visible(self.team_manager))
        self.assertIn(self.t_her_customer, self._visible(self.officer))

    def test_warehouse_user_sees_tickets_of_their_deliveries(self):
        """Warehouse staff see the tickets raised on
        the deliveries they are responsible for."""
        ticket = self._ticket(user=self.quality_manager, picking_id=self.delivery.id)
        self.assertFalse(self._sees(self.warehouse_user, ticket))
        self.delivery.user_id = self.warehouse_user
        self.assertTrue(self._sees(self.warehouse_user, ticket))

    def test_staff_complaint_not_notified_to_the_person_complained_about(self):
        """Followers get the chatter by email and in their inbox, whatever the record
        rules: the person complained about must not stay a follower."""
        ticket = self._ticket().with_env(self.env)  # Sally recorded it: she follows it
        self.assertIn(self.sales_user.partner_id, ticket.message_partner_ids)
        ticket.with_user(self.quality_manager).write(
            {"complained_user_ids": [Command.set(self.sales_user.ids)]}
        )
        self.assertNotIn(self.sales_user.partner_id, ticket.message_partner_ids)
        message = ticket.with_user(self.quality_manager).message_post(
            body="Interview the salesperson's colleagues.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertNotIn(
            self.sales_user.partner_id, message.notification_ids.res_partner_id
        )
        # registered as a staff complaint from the start: the same
        registered = self._ticket(
            user=self.quality_manager,
            complained_user_ids=[Command.set(self.warehouse_user.ids)],
            user_id=self.team_manager.id,
        )
        registered.message_subscribe(partner_ids=self.warehouse_user.partner_id.ids)
        registered.with_user(self.quality_manager).write(
            {"complained_user_ids": [Command.link(self.sales_user.id)]}
        )
        self.assertFalse(
            (self.warehouse_user | self.sales_user).partner_id
            & registered.message_partner_ids,
            "nobody complained about follows the complaint",
        )

    def test_serious_complaint_about_the_general_manager(self):
        """The serious-case alert goes to the management representative, not to the
        general manager the complaint is about."""
        ticket = self._ticket(
            user=self.quality_manager,
            serious_safety=True,
            complained_user_ids=[Command.set(self.general_manager.ids)],
            user_id=self.team_manager.id,
        )
        self.assertEqual(ticket.severity, "serious")
        alert = ticket.message_ids.filtered(
            lambda m: "Serious complaint" in (m.body or "")
        )
        self.assertEqual(len(alert), 1)
        self.assertIn(self.management_rep.partner_id, alert.partner_ids)
        self.assertNotIn(self.general_manager.partner_id, alert.partner_ids)
        self.assertNotIn(self.general_manager.partner_id, ticket.message_partner_ids)
        self.assertIn(self.management_rep.partner_id, ticket.message_partner_ids)

    # ------------------------------------------------------------------
    # Multi-company
    # ------------------------------------------------------------------
    def _company_b(self):
        company_b = self.env["res.company"].create({"name": "CQ Test Company B"})
        team_b = self.env["cq.team"].create(
            {"name": "Quality B", "company_id": company_b.id}
        )
        partner_b = self.env["res.partner"].create(
            {"name": "Gamma Works", "is_company": True, "company_id": company_b.id}
        )
        ticket_b = (
            self.env["cq.ticket"]
            .with_company(company_b)
            .create(
                {
                    "company_id": company_b.id,
                    "partner_id": partner_b.id,
                    "subject": "Company B complaint",
                    "description": "<p>Wrong colour.</p>",
                    "channel": "email",
                    "team_id": team_b.id,
                }
            )
        )
        return company_b, team_b, partner_b, ticket_b

    def test_multi_company_isolation(self):
        company_b, _team_b, _partner_b, ticket_b = self._company_b()
        self.assertEqual(ticket_b.company_id, company_b)
        self.assertTrue(ticket_b.deadline_ids)
        # users of company A only, even the quality manager, see nothing of B
        for user in (self.sales_user, self.officer, self.quality_manager):
            self.assertNotIn(company_b, user.company_ids)
            self.assertFalse(
                self.env["cq.ticket"]
                .with_user(user)
                .search([("id", "=", ticket_b.id)]),
                f"{user.name} must not find the ticket of company B",
            )
            self.assertCannotRead(user, ticket_b)
            self.assertFalse(
                self.env["cq.ticket.deadline"]
                .with_user(user)
                .search([("ticket_id", "=", ticket_b.id)])
            )
        # a manager of both companies sees it only with company B enabled
        self.quality_manager.write({"company_ids": [Command.link(company_b.id)]})
        Ticket = self.env["cq.ticket"].with_user(self.quality_manager)
        self.assertFalse(
            Ticket.with_context(allowed_company_ids=[self.company.id]).search(
                [("id", "=", ticket_b.id)]
            )
        )
        self.assertEqual(
            Ticket.with_context(
                allowed_company_ids=[self.company.id, company_b.id]
            ).search([("id", "=", ticket_b.id)]),
            ticket_b,
        )

    def test_multi_company_links_refused(self):
        company_b, team_b, partner_b, _ticket_b = self._company_b()
        Ticket = self.env["cq.ticket"]
        count = Ticket.search_count([])
        with self.assertRaises(
            UserError
        ):  # check_company: UserError (ValidationError is one too)
            Ticket.create(
                {
                    "partner_id": self.customer.id,
                    "subject": "Cross-company",
                    "channel": "email",
                    "team_id": team_b.id,
                    "company_id": self.company.id,
                }
            )
        self.assertEqual(Ticket.search_count([]), count, "nothing is created")
        ticket = self._ticket()
        with self.assertRaises(
            UserError
        ):  # check_company: UserError (ValidationError is one too)
            ticket.write({"team_id": team_b.id})
        with self.assertRaises(
            UserError
        ):  # check_company: UserError (ValidationError is one too)
            ticket.write({"partner_id": partner_b.id, "contact_id": False})
        self.assertEqual(ticket.team_id, self.team)
        self.assertEqual(ticket.partner_id, self.customer)
        self.assertNotEqual(team_b.company_id, ticket.company_id)
        self.assertEqual(company_b, team_b.company_id)

    # ------------------------------------------------------------------
    # Portal and public
    # ------------------------------------------------------------------
    def test_portal_and_public_have_no_access(self):
        # a portal user of no customer of ours: the portal's tests show what
        # a customer's own portal users read
        portal = new_test_user(
            self.env, "cq_portal", groups="base.group_portal", name="Pat Portal"
        )
        public = self.env.ref("base.public_user")
        self.assertFalse(self.env["cq.ticket"].with_user(portal).search([]))
        with self.assertRaises(AccessError):
            self.env["cq.ticket"].with_user(public).search([])
        for user in (portal, public):
            Ticket = self.env["cq.ticket"].with_user(user)
            with self.assertRaises(AccessError):
                Ticket.create(
                    {
                        "partner_id": user.partner_id.id,
                        "subject": "Let me in",
                        "channel": "portal",
                    }
                )
            self.assertCannotRead(user, self.t_her_customer)
            with self.assertRaises(AccessError):
                self.env["cq.ticket.deadline"].with_user(user).search([])
            with self.assertRaises(AccessError):
                self.env["cq.deadline.rule"].with_user(user).search([])
