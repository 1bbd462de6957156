from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import plaintext2html

from .cq_ticket import SUBJECT_MAX

# what a customer reports from the portal
PORTAL_FEEDBACK_TYPES = (
    "complaint",
    "quality_feedback",
    "return_request",
    "suggestion",
    "expectation_current",
    "expectation_future",
    "praise",
)
PORTAL_DEMANDS = (
    "demand_site_visit",
    "demand_replenishment",
    "demand_exchange",
    "demand_return",
    "demand_compensation",
    "demand_penalty",
    "demand_repair",
)
# the deadlines the customer is promised, in the order of the handling
PORTAL_DEADLINES = ("first_reply", "site_visit", "determination", "solution")


class CqTicket(models.Model):
    """The customer's side of a ticket: what they read of it in the portal,
    what they report there, and their answer to the reply."""

    _inherit = "cq.ticket"  # pylint: disable=consider-merging-classes-inherited

    _cq_portal_route = "/my/complaints"
    _cq_portal_fields = frozenset(
        {
            "subject",
            "feedback_type",
            "partner_id",
            "commercial_partner_id",
            "contact_id",
            "channel",
            "received_date",
            "description",
            "event_date",
            "event_place",
            "sale_order_id",
            "picking_id",
            "product_id",
            "product_spec",
            "delivery_date",
            "lot_id",
            "lot_name",
            "defective_qty",
            "product_uom_id",
            "demand_note",
            "reply_date",
            "customer_acceptance",
            "acceptance_date",
            "closed_date",
            *PORTAL_DEMANDS,
        }
    )

    def _cq_portal_demands(self):
        return PORTAL_DEMANDS

    def _cq_portal_replied(self):
        """The reply is the customer's once sent."""
        self.ensure_one()
        return bool(self.reply_date) and self.state in ("replied", "closed")

    def _cq_portal_8d_reports(self):
        """The 8D reports of this complaint sent to its customer: theirs to
        download again from the portal."""
        self.ensure_one()
        customer = self.commercial_partner_id
        return self.sudo().capa_ids.filtered(
            lambda capa: (
                capa.report_sent_date
                and capa.form_type == "8d"
                and capa.partner_id.commercial_partner_id == customer
            )
        )

    def _cq_portal_deadlines(self):
        """The promised dates of the current round, open ones first: [(label,
        deadline, met on)]."""
        self.ensure_one()
        labels = dict(
            self.env["cq.ticket.deadline"]
            ._fields["kind"]
            ._description_selection(self.env)
        )
        rows = self.sudo().deadline_ids.filtered(
            lambda d: d.kind in PORTAL_DEADLINES and d.round == self.reopen_count
        )
        return [
            (labels[row.kind], row.date_deadline, row.date_met)
            for row in rows.sorted(lambda d: PORTAL_DEADLINES.index(d.kind))
        ]

    # ------------------------------------------------------------------
    # Reported from the portal
    # ------------------------------------------------------------------
    def _cq_portal_report(self, post, files):
        """Create the ticket a portal user reports (``post``: the form's
        fields, ``files``: [(name, content)]), through the rules of the back
        office: the goods are checked against what the customer received, the
        deadlines run from now; nothing is written if anything is refused.

        Called by the portal's route on the user's own environment."""
        user = self.env.user
        customer = user.partner_id.commercial_partner_id
        self._cq_portal_throttle()
        feedback_type = post.get("feedback_type") or "complaint"
        if feedback_type not in PORTAL_FEEDBACK_TYPES:
            raise UserError(self.env._("Choose what kind of feedback this is."))
        subject = " ".join((post.get("subject") or "").split())
        description = (post.get("description") or "").strip()
        if not subject:
            raise UserError(self.env._("Give your report a short title."))
        if len(subject) > SUBJECT_MAX:
            raise UserError(
                self.env._(
                    "The title is %(length)s characters long: keep it to %(max)s.",
                    length=len(subject),
                    max=SUBJECT_MAX,
                )
            )
        if not description:
            raise UserError(self.env._("Tell us what happened."))
        goods = customer._cq_delivered_goods()
        picking = self._cq_portal_pick(post, "picking_id", goods["pickings"])
        product = self._cq_portal_pick(post, "product_id", goods["products"])
        lot = self._cq_portal_pick(post, "lot_id", goods["lots"])
        if lot and not product:
            product = lot.product_id
        quantity = self._cq_portal_quantity(post.get("defective_qty"))
        if quantity and not product:
            raise UserError(self.env._("Say which product the quantity is of."))
        company = picking.company_id or user.company_id
        values = {
            "name": "/",
            "company_id": company.id,
            "channel": "portal",
            "feedback_type": feedback_type,
            "subject": subject,
            "description": plaintext2html(description),
            "partner_id": customer.id,
            "contact_id": user.partner_id.id if user.partner_id != customer else False,
            "received_by_id": False,
            "received_date": fields.Datetime.now(),
            "picking_id": picking.id,
            "sale_order_id": picking.sale_id.id,
            "product_id": product.id,
            "lot_id": lot.id,
            "defective_qty": quantity,
            "demand_note": (post.get("demand_note") or "").strip() or False,
            "team_id": self.env["cq.team"].sudo()._cq_default_team(company).id,
        }
        values.update({name: bool(post.get(name)) for name in PORTAL_DEMANDS})
        return self._cq_portal_create(
            values, files, self.env._("Reported in the portal.")
        )

    def _cq_portal_answer(self, accepted, note, author):
        """The customer's own answer to the sent reply, given in the portal:
        the route checked that the caller is the customer (record rules or
        the access token) and calls this on the checked record."""
        self.ensure_one()
        if self.state != "replied" or self.customer_acceptance == "accepted":
            raise UserError(
                self.env._(
                    "%s is not waiting for your answer: our reply has not been sent, "
                    "or you answered already.",
                    self.name,
                )
            )
        note = (note or "").strip()
        if not accepted and not note:
            raise UserError(self.env._("Tell us what you are not satisfied with."))
        with self.env.cr.savepoint():
            if note:
                self._cq_portal_post(plaintext2html(note), author)
            if accepted and self._cq_waits_for_capa():
                # the customer's word is kept; the ticket closes with its 8D
                self._cq_write_workflow(
                    {
                        "customer_acceptance": "accepted",
                        "acceptance_date": fields.Datetime.now(),
                        "acceptance_note": note or False,
                    }
                )
                self.message_post(
                    body=self.env._(
                        "The customer accepts the reply in the portal: the ticket "
                        "closes once its corrective action is verified effective."
                    ),
                    subtype_xmlid="mail.mt_note",
                    partner_ids=self.user_id.partner_id.ids,
                )
            elif accepted:
                self._cq_record_acceptance(note)
            else:
                self._cq_record_refusal(note)
        return True
