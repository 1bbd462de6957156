from odoo import Command, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, plaintext2html

from .cq_portal_mixin import PORTAL_SUBMIT_LOCK

# what the customer writes of one line of a return they request
PORTAL_REASON_MAX = 200


class CqReturn(models.Model):
    """What the customer reads of a return authorisation in the portal, and
    the return they request there from one of their deliveries."""

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

    def _cq_portal_slips(self):
        """The return receipts of this return, whose slip the customer prints
        to send the goods with: theirs once we authorised the return."""
        self.ensure_one()
        return self.sudo().receipt_ids.filtered(lambda p: p.state != "cancel")

    def _cq_portal_lines(self):
        """The lines as the customer sees them: what, which lot, how many,
        why, and how many we received."""
        self.ensure_one()
        return self.sudo().line_ids

    # ------------------------------------------------------------------
    # Requested from the portal
    # ------------------------------------------------------------------
    def _cq_portal_returnable(self, picking):
        """What of ``picking`` (one of the customer's deliveries, already
        chosen among theirs) may still come back: one row per product and lot,
        with what is left of it after what came back already, what other
        returns authorised and what requests still in draft ask for, and the
        delivered lines it is left on. The form offers these rows, and the
        request takes nothing else."""
        moves = picking.sudo().move_ids
        requested = self._cq_portal_requested(moves)
        rows = {}
        for _command, _id, values in self.sudo()._cq_line_commands(moves):
            move = moves.browse(values["move_id"])
            lot = self.env["stock.lot"].sudo().browse(values["lot_id"])
            left = values["quantity"] - requested.get((move.id, lot.id or None), 0.0)
            rounding = move.product_id.uom_id.rounding
            if float_compare(left, 0.0, precision_rounding=rounding) <= 0:
                continue
            values["quantity"] = left
            key = f"{move.product_id.id}_{lot.id or 0}"
            row = rows.setdefault(
                key,
                {
                    "key": key,
                    "product": move.product_id,
                    "lot": lot,
                    "left": 0.0,
                    "moves": [],
                },
            )
            row["left"] += values["quantity"]
            row["moves"].append((move, values["quantity"]))
        return list(rows.values())

    def _cq_portal_requested(self, moves):
        """{(move id, lot id): quantity} that returns still in draft (not
        authorised yet, so not committed) ask for of ``moves``: a request
        waiting for us is not asked again."""
        if not moves:
            return {}
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT l.move_id, l.lot_id, SUM(l.quantity)
              FROM cq_return_line l
              JOIN cq_return r ON r.id = l.return_id
             WHERE r.state = 'draft' AND r.active AND l.move_id IN %s
          GROUP BY l.move_id, l.lot_id
            """,
            [tuple(moves.ids)],
        )
        return {
            (move_id, lot_id): quantity
            for move_id, lot_id, quantity in self.env.cr.fetchall()
        }

    def _cq_portal_line_commands(self, picking, row, quantity, reason):
        """Return lines of ``quantity`` of ``row``: spread over its delivered
        lines, each at most what is left on it."""
        commands = []
        rounding = row["product"].uom_id.rounding
        for move, left in row["moves"]:
            taken = min(quantity, left)
            if float_compare(taken, 0.0, precision_rounding=rounding) <= 0:
                break
            commands.append(
                Command.create(
                    {
                        "picking_id": picking.id,
                        "product_id": row["product"].id,
                        "move_id": move.id,
                        "lot_id": row["lot"].id,
                        "quantity": taken,
                        "reason": reason,
                    }
                )
            )
            quantity -= taken
        return commands

    def _cq_portal_request(self, post, files):
        """Create the return a portal user requests (``post``: the form's
        fields, ``files``: [(name, content)]) from one of their deliveries,
        with the quantities of its lines limited to what is still returnable;
        nothing is written if anything is refused. The return waits in draft
        for our authorisation, which checks the quantities again.

        Called by the portal's route on the user's own environment."""
        user = self.env.user
        customer = user.partner_id.commercial_partner_id
        self._cq_portal_throttle()
        goods = customer._cq_delivered_goods()
        picking = self._cq_portal_pick(
            post, "picking_id", goods["pickings"], self.env._("delivery")
        )
        if not picking:
            raise UserError(self.env._("Choose the delivery the goods came with."))
        # two requests of the same delivery at once (colleagues) wait for each
        # other: the second sees what the first asked for
        self.env.cr.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)",
            [PORTAL_SUBMIT_LOCK + 1, picking.id],
        )
        description = (post.get("description") or "").strip()
        if not description:
            raise UserError(self.env._("Tell us why you send the goods back."))
        lines = []
        for row in self._cq_portal_returnable(picking):
            quantity = self._cq_portal_quantity(
                post.get(f"qty_{row['key']}"),
                self.env._(
                    "The quantity of %(product)s", product=row["product"].display_name
                ),
            )
            if not quantity:
                continue
            self._cq_portal_check_quantity(
                quantity, row["left"], row["product"], row["lot"]
            )
            reason = " ".join((post.get(f"reason_{row['key']}") or "").split())
            lines += self._cq_portal_line_commands(
                picking, row, quantity, reason[:PORTAL_REASON_MAX] or False
            )
        if not lines:
            raise UserError(
                self.env._("Say how many of the delivered goods you send back.")
            )
        company = picking.company_id
        responsible = self._cq_portal_responsible(customer, company)
        values = {
            "name": "/",
            "company_id": company.id,
            "partner_id": customer.id,
            "picking_id": picking.id,
            "sale_order_id": picking.sale_id.id,
            "date": fields.Date.context_today(self),
            "return_scope": "partial",
            "description": plaintext2html(description),
            "user_id": responsible.id,
            "line_ids": lines,
        }
        return self._cq_portal_create(
            values,
            files,
            self.env._("Requested in the portal."),
            responsible,
        )

    def _cq_portal_activity_summary(self):
        return self.env._("Authorise or refuse the return requested in the portal")
