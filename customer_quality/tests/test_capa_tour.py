from lxml import html

from odoo.tests import HttpCase, tagged

from .common import CqTourMixin
from .test_capa_workflow import CqCapaCommon


@tagged("post_install", "-at_install", "is_tour")
class TestCapaTour(CqTourMixin, CqCapaCommon, HttpCase):
    """A quality engineer opens an 8D from a serious complaint and runs it; the
    owner of an action does it; the quality manager verifies and closes it; the
    printed 8D says it all."""

    def test_8d_from_serious_complaint_to_closure(self):
        ticket = self._ticket(
            serious_safety=True,
            product_id=self.product.id,
            lot_id=self.lot.id,
            user_id=self.officer.id,
        )
        self.assertEqual(ticket.severity, "serious")
        self._cq_tour(
            f"/odoo/action-customer_quality.cq_ticket_action/{ticket.id}",
            "cq_capa_engineer_tour",
            login=self.officer.login,
        )
        capa = ticket.capa_ids
        self.assertEqual(len(capa), 1)
        self.assertEqual(capa.form_type, "8d")
        self.assertEqual(capa.state, "implementation")
        self.assertEqual(capa.leader_id, self.officer)
        self.assertEqual(capa.member_ids, self.warehouse_user)
        self.assertEqual(capa.customer_reference, "ACME-8D-77")
        self.assertEqual(capa.containment_qty_nonconforming, 3)
        self.assertEqual(
            set(capa.cause_ids.mapped("kind")), {"occurrence", "detection"}
        )
        first, second = capa.corrective_action_ids.sorted("id")
        self.assertEqual(first.state, "done")
        self.assertEqual(first.done_by_id, self.officer)
        self.assertEqual(second.user_id, self.warehouse_user)
        self.assertEqual(second.cause_id.name, "Torque not monitored")
        self.assertEqual(capa.document_ids.reference, "CP-BC-200")
        activity = second.sudo().activity_id
        self.assertEqual(activity.user_id, self.warehouse_user)

        self._cq_tour("/odoo", "cq_capa_owner_tour", login=self.warehouse_user.login)
        self.assertEqual(second.state, "done")
        self.assertFalse(activity.exists(), "the owner's activity is closed")

        self._cq_tour(
            f"/odoo/action-customer_quality.cq_capa_action/{capa.id}",
            "cq_capa_manager_tour",
            login=self.quality_manager.login,
        )
        self.assertEqual(capa.state, "closed")
        self.assertEqual(capa.verified_by_id, self.quality_manager)
        self.assertEqual(capa.verification_ids.deliveries_checked, 3)
        self.assertEqual(capa.customer_acceptance, "accepted")
        # the serious complaint may close now
        self.assertTrue(ticket._cq_capa_effective())

        content, _type = self.env["ir.actions.report"]._render_qweb_html(
            "customer_quality.action_report_cq_capa_8d", capa.ids
        )
        text = " ".join(html.fromstring(content).text_content().split())
        for expected in (
            capa.name,
            "ACME-8D-77",
            "Quarantine and leak-test the stock",
            "Bleed screw torque too high",
            "Torque monitoring with alarm",
            "Alarm tested on station 4, log TM-0412",
            "CP-BC-200",
            "Lots 42, 47 and 51 leak-tested: no leak",
            "Quinn Quality",
        ):
            with self.subTest(expected=expected):
                self.assertIn(expected, text)
