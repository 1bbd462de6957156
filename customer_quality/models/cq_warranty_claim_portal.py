from odoo import models


class CqWarrantyClaim(models.Model):
    """What the customer reads of a warranty claim in the portal."""

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
