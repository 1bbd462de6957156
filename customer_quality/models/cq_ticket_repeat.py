from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.sql import create_index

from .cq_capa import WORKING_STATES
from .cq_ticket import OPEN_STATES

# feedback that reports a problem: praise and suggestions never repeat a failure
PROBLEM_TYPES = ("complaint", "quality_feedback", "return_request")
# how many earlier tickets are linked at most (the most recent ones)
REPEAT_LINKS = 20


class CqTicket(models.Model):
    """Repeat detection: a problem ticket on the same product (or product
    family) and problem class as an earlier one, within the company's window,
    and once investigated with the same cause, is a repeat; it proposes the
    "repeated failure in a short period" serious criterion to quality."""

    _inherit = "cq.ticket"  # pylint: disable=consider-merging-classes-inherited

    product_categ_id = fields.Many2one(
        related="product_id.categ_id", string="Product family", store=True
    )
    repeat_of_ids = fields.Many2many(
        "cq.ticket",
        "cq_ticket_repeat_rel",
        "ticket_id",
        "earlier_id",
        string="Repeat of",
        compute="_compute_repeat_of_ids",
        store=True,
        help="Earlier tickets on the same product (or family) and problem class "
        "within the repeat window, with the same cause once it is known.",
    )
    # the other side of the same table: a new ticket is repeated by nothing, and
    # with this inverse the ORM knows it without searching the table (bench/)
    repeated_by_ids = fields.Many2many(
        "cq.ticket",
        "cq_ticket_repeat_rel",
        "earlier_id",
        "ticket_id",
        string="Repeated by",
        readonly=True,
        copy=False,
        help="Later tickets that repeat this one.",
    )
    is_repeat = fields.Boolean(
        "Repeat", compute="_compute_is_repeat", store=True, index=True
    )
    repeat_capa_ids = fields.Many2many(
        "cq.capa",
        string="Corrective actions of the earlier tickets",
        compute="_compute_repeat_capa_ids",
        help="Corrective actions linked to the earlier tickets this one repeats:"
        " see whether they worked before opening a new one.",
    )
    can_confirm_repeat = fields.Boolean(
        "Can confirm repeat", compute="_compute_can_confirm_repeat"
    )

    def init(self):
        res = super().init()
        # Performance (bench/): detection looks for the earlier tickets of one
        # product, or one family, in one company, in a window of time
        for column in ("product_id", "product_categ_id"):
            create_index(
                self.env.cr,
                f"cq_ticket_repeat_{column}_index",
                self._table,
                ["company_id", column, "received_date"],
                where=f"{column} IS NOT NULL AND state != 'cancelled'",
            )
        return res

    # as detected when the ticket was registered or investigated: a later change
    # of the company's window does not rewrite the history
    @api.depends(
        "product_id",
        "category_id",
        "classification",
        "cause_category",
        "received_date",
        "feedback_type",
    )
    def _compute_repeat_of_ids(self):
        for ticket in self:
            ticket.repeat_of_ids = [Command.set(ticket._cq_find_repeats().ids)]

    def _cq_repeat_domain(self):
        """Domain of the earlier tickets this one repeats, or None."""
        self.ensure_one()
        company = self.company_id
        months = company.cq_repeat_window_months
        if (
            not months
            or not self.product_id
            or not self.received_date
            or self.feedback_type not in PROBLEM_TYPES
        ):
            return None
        if company.cq_repeat_scope == "family" and self.product_categ_id:
            product = [("product_categ_id", "=", self.product_categ_id.id)]
        else:
            product = [("product_id", "=", self.product_id.id)]
        problem = (
            [("category_id", "=", self.category_id.id)]
            if self.category_id
            else [("classification", "=", self.classification)]
        )
        domain = [
            ("company_id", "=", company.id),
            *product,
            *problem,
            ("feedback_type", "in", PROBLEM_TYPES),
            ("state", "!=", "cancelled"),
            ("received_date", "<", self.received_date),
            ("received_date", ">=", self.received_date - relativedelta(months=months)),
        ]
        if self.cause_category:
            domain += [
                "|",
                ("cause_category", "=", False),
                ("cause_category", "=", self.cause_category),
            ]
        if self._origin.id:
            domain.append(("id", "!=", self._origin.id))
        return domain

    def _cq_find_repeats(self):
        """The earlier tickets this one repeats (the most recent first): one
        indexed query, whatever the size of the history."""
        domain = self._cq_repeat_domain()
        if domain is None:
            return self.browse()
        # found whatever the user may see: detection is the quality system's
        return (
            self.sudo()
            .with_context(active_test=False)
            .search(domain, order="received_date desc, id desc", limit=REPEAT_LINKS)
            .sudo(False)
        )

    @api.depends("repeat_of_ids")
    def _compute_is_repeat(self):
        for ticket in self:
            ticket.is_repeat = bool(ticket.repeat_of_ids)

    @api.depends_context("uid")
    @api.depends("repeat_of_ids.capa_ids")
    def _compute_repeat_capa_ids(self):
        for ticket in self:
            ticket.repeat_capa_ids = (
                ticket.sudo()
                .repeat_of_ids.capa_ids.with_env(self.env)
                ._filtered_access("read")
            )

    @api.depends_context("uid")
    @api.depends("is_repeat", "serious_repeated", "state")
    def _compute_can_confirm_repeat(self):
        officer = self.env.user.has_group("customer_quality.group_cq_officer")
        for ticket in self:
            ticket.can_confirm_repeat = bool(
                officer
                and ticket.is_repeat
                and not ticket.serious_repeated
                and ticket.state in OPEN_STATES
            )

    def action_confirm_repeat(self):
        """A quality officer confirms the proposal: a repeated failure in a
        short period makes the complaint serious."""
        for ticket in self:
            if not ticket.can_confirm_repeat:
                ticket._cq_check_group(
                    "customer_quality.group_cq_officer",
                    self.env._("confirm a repeated failure"),
                )
                raise UserError(
                    self.env._(
                        "%s is not an open repeat complaint waiting for confirmation.",
                        ticket.name,
                    )
                )
            ticket.serious_repeated = True
        return True

    def action_join_repeat_capa(self):
        """Put the ticket on the corrective action of the tickets it repeats."""
        self.ensure_one()
        self._cq_ensure_can("open_capa")
        # only one its team still works on: a verified one did not prevent this
        capas = self.repeat_capa_ids.filtered(lambda c: c.state in WORKING_STATES)
        if capas:
            self.capa_ids = [Command.link(capa.id) for capa in capas[:1]]
        return self.action_view_capas()
