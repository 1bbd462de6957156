"""Who sees and changes corrective actions: quality runs them, the team and the
action owners see theirs and record their own lines, the customer's salesperson
reads them, quality managers verify; complaints about staff stay confidential,
the person complained about never sees them, and nothing crosses companies."""

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import CqReturnCommon
from .test_capa_workflow import CqCapaCommon


@tagged("post_install", "-at_install")
class TestCapaAccess(CqCapaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.outsider = new_test_user(
            cls.env,
            "cq_outsider",
            groups="base.group_user,customer_quality.group_cq_user",
            name="Otto Outsider",
        )

    def _sees(self, user, capa):
        return bool(
            self.env["cq.capa"].with_user(user).search_count([("id", "=", capa.id)])
        )

    def test_salesperson_of_the_customer_reads_only(self):
        capa = self._capa()
        self.assertTrue(self._sees(self.sales_user, capa))
        self.assertFalse(self._sees(self.outsider, capa))
        with self.assertRaises(AccessError):
            capa.with_user(self.sales_user).write({"title": "Changed"})
        with self.assertRaises(AccessError):
            self.Capa.with_user(self.sales_user).create(
                {"title": "Mine", "leader_id": self.sales_user.id}
            )
        with self.assertRaises(AccessError):
            self._cause(capa).with_user(self.sales_user).write({"name": "x"})

    def test_team_members_and_action_owners_see_theirs(self):
        capa = self._capa(partner_id=self.other_customer.id)
        self.assertFalse(self._sees(self.outsider, capa))
        capa.member_ids = self.outsider
        self.assertTrue(self._sees(self.outsider, capa))
        capa.member_ids = False
        self.assertFalse(self._sees(self.outsider, capa))
        line = self._line(capa, "corrective", user=self.outsider)
        self.assertTrue(self._sees(self.outsider, capa))
        line.with_user(self.outsider).action_done("Done: report R-9")
        self.assertEqual(capa.message_ids[0].author_id, self.outsider.partner_id)
        with self.assertRaises(AccessError):
            capa.with_user(self.outsider).write({"title": "Mine now"})
        # nor the activities of others on it, nor the report sent to the customer
        verify = capa.activity_schedule(
            "customer_quality.mail_activity_type_cq_capa_verify",
            user_id=self.quality_manager.id,
        )
        with self.assertRaises(AccessError):
            verify.with_user(self.outsider).unlink()
        with self.assertRaises(AccessError):
            capa.with_user(self.outsider).action_send_8d()

    def test_staff_complaint_capa_is_confidential(self):
        ticket = self._ticket(
            complained_user_ids=[Command.set(self.warehouse_user.ids)],
            user_id=self.officer.id,
        )
        self.assertTrue(ticket.is_staff_complaint)
        capa = self._capa(ticket_ids=[Command.set(ticket.ids)])
        self.assertTrue(capa.is_confidential)
        self.assertFalse(self._sees(self.sales_user, capa), "not to the salesperson")
        self.assertFalse(self._sees(self.team_manager, capa), "not to other officers")
        self.assertTrue(self._sees(self.officer, capa), "the handler and leader")
        self.assertTrue(self._sees(self.quality_manager, capa))

    def test_the_person_complained_about_never_sees_it(self):
        ticket = self._ticket(
            complained_user_ids=[Command.set(self.quality_manager.ids)],
            user_id=self.officer.id,
        )
        capa = self._capa(ticket_ids=[Command.set(ticket.ids)])
        self.assertFalse(self._sees(self.quality_manager, capa))
        self.assertFalse(
            self.env["cq.capa.deadline"]
            .with_user(self.quality_manager)
            .search_count([("capa_id", "=", capa.id)])
        )
        with self.assertRaisesRegex(ValidationError, "cannot be on its"):
            capa.member_ids = self.quality_manager
        with self.assertRaisesRegex(ValidationError, "cannot own"):
            self._line(capa, "corrective", user=self.quality_manager)

    def test_nothing_crosses_companies(self):
        company_b = self.env["res.company"].create({"name": "Quality Corp B"})
        manager_b = new_test_user(
            self.env,
            "cq_qm_b",
            groups="base.group_user,customer_quality.group_cq_manager",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        capa = self._capa()
        self.assertFalse(self._sees(manager_b, capa))
        with self.assertRaises(AccessError):
            capa.with_user(manager_b).write({"title": "x"})
        other = self.Capa.with_user(manager_b).create(
            {"title": "B's own", "leader_id": manager_b.id}
        )
        self.assertEqual(other.company_id, company_b)
        self.assertTrue(other.name.startswith("CAPA/"))
        self.assertFalse(self._sees(self.quality_manager, other))

    def test_returns_and_claims_open_their_capa(self):
        ticket = self._ticket()
        claim = (
            self.env["cq.warranty.claim"]
            .with_user(self.officer)
            .create(self._claim_values(ticket_id=ticket.id))
        )
        vendor = self.env["res.partner"].create({"name": "Resin Supplier Co."})
        claim.action_confirm()
        claim.write({"responsibility": "supplier", "recovery_vendor_id": vendor.id})
        with self.assertRaises(AccessError):
            claim.with_user(self.sales_user).action_open_capa()
        action = claim.action_open_capa()
        capa = self.Capa.browse(action["res_id"])
        self.assertEqual(claim.capa_id, capa)
        self.assertEqual(capa.capa_type, "supplier")
        self.assertEqual(capa.vendor_id, vendor)
        self.assertEqual(capa.ticket_ids, ticket)
        self.assertEqual(vendor.with_user(self.officer).cq_capa_count, 1)
        with self.assertRaises(AccessError):
            claim.with_user(self.sales_user).write({"capa_id": False})


@tagged("post_install", "-at_install")
class TestCapaFromReturn(CqReturnCommon):
    def test_quality_return_opens_its_capa(self):
        rma = self._return(2, cause="quality")
        self.assertTrue(rma.corrective_action_required)
        with self.assertRaises(AccessError):
            rma.with_user(self.sales_user).action_open_capa()
        action = rma.with_user(self.officer).action_open_capa()
        capa = self.env["cq.capa"].browse(action["res_id"])
        self.assertEqual(rma.capa_id, capa)
        self.assertEqual(capa.return_ids, rma)
        self.assertEqual(capa.partner_id, self.customer)
        self.assertEqual(capa.form_type, "short")
        self.assertEqual(capa.lot_ids, rma.line_ids.lot_id)
        again = rma.with_user(self.officer).action_open_capa()
        self.assertEqual(again["res_id"], capa.id)


@tagged("post_install", "-at_install")
class TestCapaLinks(CqCapaCommon):
    def test_only_quality_links_even_at_creation(self):
        capa = self._capa()
        with self.assertRaises(AccessError):
            self._ticket(capa_ids=[Command.link(capa.id)])
        self.assertFalse(capa.ticket_ids)

    def test_a_verified_capa_takes_no_new_complaint(self):
        capa = self._implemented(self._capa())
        ticket = self._ticket()
        # Odoo's assertRaises rolls the refused write back, as a request would be
        with self.assertRaises(UserError) as caught:
            ticket.with_user(self.officer).write({"capa_ids": [Command.link(capa.id)]})
        self.assertIn("cannot join it", str(caught.exception))
        with self.assertRaises(UserError) as caught:
            capa.write({"ticket_ids": [Command.link(ticket.id)]})
        self.assertIn("cannot join it", str(caught.exception))
        self.assertFalse(ticket.capa_ids)

    def test_recusal_after_the_fact(self):
        ticket = self._ticket(user_id=self.officer.id)
        capa = self._capa(
            ticket_ids=[Command.set(ticket.ids)],
            member_ids=[Command.set(self.warehouse_user.ids)],
        )
        line = self._line(capa, "corrective", user=self.warehouse_user)
        self.assertIn(self.warehouse_user.partner_id, capa.message_partner_ids)
        ticket.with_user(self.officer).complained_user_ids = self.warehouse_user
        self.assertFalse(capa.member_ids)
        self.assertEqual(line.user_id, self.officer, "handed to the leader")
        self.assertNotIn(self.warehouse_user.partner_id, capa.message_partner_ids)
        self.assertFalse(self._sees(self.warehouse_user, capa))

    def _sees(self, user, capa):
        return bool(
            self.env["cq.capa"].with_user(user).search_count([("id", "=", capa.id)])
        )

    def test_done_lines_and_their_capa_stay(self):
        capa, other = self._capa(), self._capa()
        line = self._line(capa, "containment", qty_checked=3)
        with self.assertRaisesRegex(UserError, "stays on"):
            line.capa_id = other
        line.action_done("ok")
        with self.assertRaisesRegex(UserError, "part of the record"):
            line.evidence = "rewritten"

    def test_customer_requirements_by_quality_managers(self):
        contacts = self.env.ref("base.group_partner_manager")
        for user in (self.sales_user, self.officer, self.quality_manager):
            user.groups_id = [Command.link(contacts.id)]
        with self.assertRaises(AccessError):
            self.customer.with_user(self.sales_user).cq_requires_8d = True
        with self.assertRaises(AccessError):
            self.customer.with_user(self.officer).cq_requires_8d = True
        self.customer.with_user(self.quality_manager).cq_requires_8d = True
        self.assertTrue(self.customer.cq_requires_8d)

    def test_a_finished_capa_keeps_its_form(self):
        capa = self._capa()
        capa.action_cancel("Opened twice")
        self.customer.cq_requires_8d = True
        self.assertEqual(capa.form_type, "short")
