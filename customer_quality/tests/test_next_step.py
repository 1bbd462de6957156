import re

from lxml import etree

from odoo.tests import tagged

from .common import CqReturnCommon
from .test_ticket_workflow import CqWorkflowCommon


def next_step(record, user):
    return record.with_user(user).next_step


@tagged("post_install", "-at_install")
class TestNextStep(CqWorkflowCommon):
    """The form's one primary button is the next step of the workflow for
    the user looking at it; the steps they may take besides are secondary."""

    def test_the_forms_have_one_primary_button_per_step(self):
        for model in ("cq.ticket", "cq.return", "cq.warranty.claim", "cq.capa"):
            with self.subTest(model=model):
                arch = self.env[model].get_views([(False, "form")])["views"]["form"][
                    "arch"
                ]
                header = etree.fromstring(arch).find(".//header")
                primaries = [
                    button
                    for button in header.iter("button")
                    if "btn-primary" in (button.get("class") or "")
                ]
                steps = [
                    re.fullmatch(r"next_step != '(\w+)'", button.get("invisible"))
                    for button in primaries
                ]
                self.assertTrue(primaries)
                self.assertTrue(all(steps), "each primary shows only as the next step")
                steps = [match.group(1) for match in steps]
                self.assertEqual(len(steps), len(set(steps)))
                self.assertLessEqual(set(steps), set(self.env[model]._cq_next_steps))

    def test_the_delivery_s_customer_return_is_not_odoo_s_return(self):
        arch = self.env["stock.picking"].get_views([(False, "form")])["views"]["form"][
            "arch"
        ]
        buttons = [b for b in etree.fromstring(arch).find(".//header").iter("button")]
        names = [b.get("name") for b in buttons]
        ours = names.index("action_cq_create_return")
        odoo_return = names.index(
            str(self.env.ref("stock.act_stock_return_picking").id)
        )
        self.assertEqual(buttons[ours].get("string"), "Customer return")
        self.assertGreater(odoo_return - ours, 1, "another button between them")

    def test_the_ticket_s_next_step_for_whoever_acts(self):
        phoned = self._ticket(channel="phone", follow_up_required=True)
        self.assertEqual(next_step(phoned, self.sales_user), "confirm_readback")
        phoned.with_user(self.sales_user).action_confirm_readback()
        self.assertEqual(next_step(phoned, self.sales_user), "submit")
        ticket = self._ticket(follow_up_required=True)
        self.assertEqual(next_step(ticket, self.sales_user), "submit")
        ticket.with_user(self.officer).action_submit()
        # the department acknowledges before it investigates: the first
        # reply is due first
        self.assertEqual(next_step(ticket, self.team_manager), "acknowledge")
        ticket.with_user(self.team_manager).action_mark_acknowledged()
        self.assertEqual(next_step(ticket, self.team_manager), "start")
        self.assertFalse(next_step(ticket, self.sales_user), "not theirs to handle")
        ticket.with_user(self.team_manager).action_start_investigation()
        self.assertEqual(next_step(ticket, self.officer), "request_approval")
        ticket.with_user(self.officer).write(
            {
                "cause_category": "our_product",
                "root_cause": "Shim missing at assembly.",
                "proposed_solution": "Replace the 12 calipers free of charge.",
            }
        )
        ticket.with_user(self.officer).action_request_approval()
        self.assertEqual(next_step(ticket, self.team_manager), "approve")
        self.assertFalse(next_step(ticket, self.officer), "waits for the approver")
        ticket.with_user(self.team_manager).action_approve()
        self.assertEqual(next_step(ticket, self.officer), "reply")
        self._send_reply(ticket)
        self.assertEqual(next_step(ticket, self.officer), "record_acceptance")

    def test_the_claim_s_next_step(self):
        claim = self.env["cq.warranty.claim"].create(
            {
                "partner_id": self.customer.id,
                "picking_id": self.delivery.id,
                "product_id": self.product.id,
                "lot_id": self.lot.id,
                "quantity": 1,
                "description": "<p>Seized.</p>",
            }
        )
        self.assertEqual(next_step(claim, self.sales_user), "confirm")
        claim.with_user(self.sales_user).action_confirm()
        self.assertFalse(next_step(claim, self.sales_user), "quality decides")
        self.assertEqual(next_step(claim, self.officer), "decide")


@tagged("post_install", "-at_install")
class TestReturnNextStep(CqReturnCommon):
    def test_the_return_s_next_step_for_whoever_acts(self):
        rma = self._return(2)
        self.assertEqual(next_step(rma, self.sales_user), "authorise")
        rma.with_user(self.sales_user).action_authorise()
        self.assertEqual(next_step(rma, self.warehouse_user), "receive")
        # explaining is possible, not what comes next before a decision
        self.assertTrue(rma.with_user(self.sales_user).can_explain)
        self.assertFalse(next_step(rma, self.sales_user))
