"""Who sees and changes corrective actions: quality runs them, the team and the
action owners see theirs and record their own lines, the customer's salesperson
reads them, quality managers verify; complaints about staff stay confidential,
the person complained about never sees them, and nothing crosses companies."""

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
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
        # the owner posts in the chatter without editing the record
        capa.with_user(self.outsider).message_post(body="Photos attached.")
        with self.assertRaises(AccessError):
            capa.with_user(self.outsider).write({"title": "Mine now"})

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
