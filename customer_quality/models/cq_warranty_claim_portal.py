from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import plaintext2html


class CqWarrantyClaim(models.Model):
    """What the customer reads of a warranty claim in the portal, and the
    claim they make there on a lot (or a product) we delivered."""

    _inherit = "cq.warranty.claim"  # pylint: disable=consider-merging-classes-inherited

    _cq_portal_route = "/my/warranty-claims"
    _cq_portal_fields = frozenset(
        {
            "partner_id",
            "claim_date",
            "description",
            "sale_order_id",
            "picking_id",
            "product_id",
            "lot_id",
            "quantity",
            "product_uom_id",
            "start_of_use_date",
            "delivery_date",
        }
    )

    def _cq_portal_decided(self):
        """The decision is the customer's once taken."""
        self.ensure_one()
        return self.state in ("decided", "closed") and bool(self.outcome)

    # ------------------------------------------------------------------
    # Claimed from the portal
    # ------------------------------------------------------------------
    def _cq_portal_claim(self, post, files):
        """Create the warranty claim a portal user makes (``post``: the
        form's fields, ``files``: [(name, content)]) on goods we delivered to
        them: a lot, or a product of a delivery. The claim is checked as in
        the back office (the lot went out on that delivery to this customer,
        not more than was delivered, used after delivery); nothing is written
        if anything is refused. It waits as new for us to register it.

        Called by the portal's route on the user's own environment."""
        user = self.env.user
        customer = user.partner_id.commercial_partner_id
        self._cq_portal_throttle()
        goods = customer._cq_delivered_goods()
        picking = self._cq_portal_pick(post, "picking_id", goods["pickings"])
        product = self._cq_portal_pick(post, "product_id", goods["products"])
        lot = self._cq_portal_pick(post, "lot_id", goods["lots"])
        if lot and product and lot.product_id != product:
            raise UserError(
                self.env._(
                    "Lot %(lot)s is of %(product)s: choose that product or no product.",
                    lot=lot.name,
                    product=lot.product_id.display_name,
                )
            )
        product = product or lot.product_id
        if not product:
            raise UserError(self.env._("Choose the lot or the product that failed."))
        if not picking:
            picking = customer._cq_delivery_of(product, lot)
        if not picking:
            raise UserError(self.env._("Choose the delivery the goods came with."))
        quantity = self._cq_portal_quantity(post.get("quantity"))
        if not quantity:
            raise UserError(self.env._("Say how many failed."))
        start_of_use = self._cq_portal_date(post.get("start_of_use_date"))
        description = (post.get("description") or "").strip()
        if not description:
            raise UserError(self.env._("Describe the failure."))
        company = picking.company_id
        responsible = self._cq_portal_responsible(customer, company)
        values = {
            "name": "/",
            "company_id": company.id,
            "partner_id": customer.id,
            # days where the company works: its delivery dates are counted so
            "claim_date": self.sudo()._cq_local_date(fields.Datetime.now()),
            "picking_id": picking.id,
            "product_id": product.id,
            "lot_id": lot.id,
            "quantity": quantity,
            "start_of_use_date": start_of_use,
            "description": plaintext2html(description),
            "user_id": responsible.id,
        }
        return self._cq_portal_create(
            values,
            files,
            self.env._("Claimed in the portal."),
            responsible,
        )

    def _cq_portal_date(self, raw):
        """The start of use typed in the form: a past day, or none."""
        raw = (raw or "").strip()
        if not raw:
            return False
        try:
            day = fields.Date.to_date(raw)
        except ValueError:
            raise UserError(
                self.env._("The start of use is a date, such as 2026-03-31.")
            ) from None
        if day > self.sudo()._cq_local_date(fields.Datetime.now()):
            raise UserError(self.env._("The start of use cannot be in the future."))
        return day

    def _cq_portal_activity_summary(self):
        return self.env._("Register the warranty claim made in the portal")
