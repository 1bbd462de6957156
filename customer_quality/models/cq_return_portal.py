from odoo import models


class CqReturn(models.Model):
    """What the customer reads of a return authorisation in the portal."""

    _inherit = "cq.return"  # pylint: disable=consider-merging-classes-inherited

    _cq_portal_route = "/my/returns"
    _cq_portal_fields = frozenset(
        {
            "partner_id",
            "commercial_partner_id",
            "date",
            "sale_order_id",
            "picking_id",
            "description",
            "total_qty",
            "explanation_sent_on",
        }
    )

    def _cq_portal_lines(self):
        """The lines as the customer sees them: what, which lot, how many,
        why, and how many we received."""
        self.ensure_one()
        return self.sudo().line_ids
