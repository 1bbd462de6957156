import pytz
from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, float_compare, is_html_empty

from .cq_ticket import CAUSE_CATEGORIES

CLAIM_STATES = [
    ("draft", "New"),
    ("open", "Open"),
    ("decided", "Decided"),
    ("closed", "Closed"),
    ("cancelled", "Cancelled"),
]
# Claims whose decision is final: the warranty is never computed again for them.
FROZEN_STATES = ("closed", "cancelled")

RESPONSIBILITIES = [
    ("ours", "Ours"),
    ("supplier", "Supplier"),
    ("customer", "Customer"),
    ("carrier", "Carrier"),
    ("undetermined", "Undetermined"),
]
# Who may get the goods repaired, replaced or refunded free of charge.
FREE_RESPONSIBILITIES = ("ours", "supplier")

OUTCOMES = [
    ("free_repair", "Free repair"),
    ("free_replacement", "Free replacement"),
    ("free_refund", "Free refund"),
    ("paid_service", "Paid service"),
    ("joint_investigation", "Joint investigation"),
]
FREE_OUTCOMES = ("free_repair", "free_replacement", "free_refund")

WARRANTY_STATES = [
    ("in_warranty", "In warranty"),
    ("out_of_warranty", "Out of warranty"),
    ("unknown", "Unknown"),
]
WARRANTY_SOURCES = [
    ("customer_term", "Customer term"),
    ("product", "Product"),
    ("category", "Product category"),
    ("none", "None"),
]
WARRANTY_FIELDS = [
    "delivery_date",
    "warranty_months",
    "warranty_source",
    "warranty_start",
    "warranty_end",
    "warranty_state",
]

RECOVERY_STATES = [
    ("none", "Nothing to recover"),
    ("to_claim", "To claim"),
    ("claimed", "Claimed"),
    ("partial", "Partly recovered"),
    ("recovered", "Recovered"),
    ("refused", "Refused by the supplier"),
]
RECOVERY_FIELDS = {
    "recovery_vendor_id",
    "recovery_amount_claimed",
    "recovery_amount_recovered",
    "recovery_state",
    "recovery_move_id",
}
# What may still change once the decision is final: the supplier often pays later.
CHANGEABLE_WHEN_FROZEN = RECOVERY_FIELDS | {
    "capa_id",
    "active",
    "user_id",
    "color",
    "decision_note",
    "message_main_attachment_id",
}


class CqWarrantyClaim(models.Model):
    """保修索赔单: a claim on delivered goods, decided against the warranty terms."""

    _name = "cq.warranty.claim"
    _description = "Warranty Claim"
    _inherit = [
        "cq.portal.mixin",
        "cq.document.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _order = "claim_date desc, id desc"
    _check_company_auto = True
    _cq_sequence_code = "cq.warranty.claim"
    _cq_sequence_date_field = "claim_date"
    _cq_locked_states = FROZEN_STATES
    # the goods and the dates the decision is taken on
    _cq_editable_states = dict.fromkeys(
        (
            "partner_id",
            "claim_date",
            "picking_id",
            "product_id",
            "move_id",
            "lot_id",
            "quantity",
            "start_of_use_date",
        ),
        ("draft", "open"),
    )
    _cq_workflow_fields = ("decided_by_id", "decided_date")
    _cq_editable_when_locked = tuple(CHANGEABLE_WHEN_FROZEN)
    _cq_officer_fields = ("capa_id",)
    _cq_next_steps = ("confirm", "decide", "close")

    name = fields.Char(
        "Number", readonly=True, copy=False, default="/", index="trigram"
    )
    active = fields.Boolean(default=True)
    color = fields.Integer()
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
        tracking=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        CLAIM_STATES,
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
        index=True,
        group_expand="_cq_group_expand_states",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        help="The customer (company) the goods were delivered to.",
    )
    ticket_id = fields.Many2one(
        "cq.ticket",
        index="btree_not_null",
        tracking=True,
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id)]",
    )
    return_id = fields.Many2one(
        "cq.return",
        index="btree_not_null",
        tracking=True,
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id)]",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('share', '=', False)]",
    )
    claim_date = fields.Date(
        "Failure reported on",
        required=True,
        default=fields.Date.context_today,
        index=True,
        tracking=True,
        help="The day the customer reported the failure: the warranty is judged on "
        "this day.",
    )
    description = fields.Html("Failure", sanitize_style=True)

    # Goods
    picking_id = fields.Many2one(
        "stock.picking",
        string="Delivery",
        index="btree_not_null",
        tracking=True,
        check_company=True,
        domain="[('picking_type_code', '=', 'outgoing'), ('state', '=', 'done'),"
        " ('partner_id', 'child_of', partner_id)]",
    )
    product_id = fields.Many2one(
        "product.product",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
    )
    product_tmpl_id = fields.Many2one(
        string="Product template",
        related="product_id.product_tmpl_id",
        store=True,
        index=True,
    )
    sale_order_id = fields.Many2one(
        "sale.order",
        "Sale order",
        related="picking_id.sale_id",
        store=True,
        index="btree_not_null",
    )
    move_id = fields.Many2one(
        "stock.move",
        string="Delivered line",
        compute="_compute_move_id",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        check_company=True,
        domain="[('picking_id', '=', picking_id), ('product_id', '=', product_id),"
        " ('state', '=', 'done')]",
        help="The line of the delivery the goods left on; found from the delivery "
        "and the product when there is only one.",
    )
    lot_id = fields.Many2one(
        "stock.lot",
        string="Lot / serial",
        index="btree_not_null",
        tracking=True,
        check_company=True,
        domain="[('product_id', '=', product_id)]",
    )
    quantity = fields.Float(
        "Defective quantity",
        digits="Product Unit of Measure",
        default=1.0,
        tracking=True,
    )
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    start_of_use_date = fields.Date(
        "Start of use",
        tracking=True,
        help="When the customer started using the goods (fitted, commissioned). "
        "Customer terms may start the warranty on this day.",
    )
    cause = fields.Selection(
        CAUSE_CATEGORIES,
        tracking=True,
        index=True,
        help="Where the cause lies; taken from the ticket's cause category when "
        "the claim is raised from a ticket.",
    )
    responsibility = fields.Selection(
        RESPONSIBILITIES,
        tracking=True,
        index=True,
        help="Who is responsible for the failure. Required to decide; free "
        "outcomes only when we or our supplier are responsible.",
    )

    # Warranty, computed from the delivery and the terms
    delivery_date = fields.Date(
        "Delivery date",
        compute="_compute_warranty",
        precompute=True,
        store=True,
        help="The day the goods left: the done delivery lines of that lot on the "
        "delivered line, else the line itself.",
    )
    warranty_months = fields.Integer(
        "Warranty months",
        compute="_compute_warranty",
        precompute=True,
        store=True,
        help="Length of the warranty that applies: from the customer's term, "
        "else the product, else its product category.",
    )
    warranty_source = fields.Selection(
        WARRANTY_SOURCES,
        string="Period from",
        compute="_compute_warranty",
        precompute=True,
        store=True,
        help="Where the warranty period comes from: the customer's term, the "
        "product or its product category; none when no period is set.",
    )
    warranty_term_id = fields.Many2one(
        "cq.warranty.term",
        string="Customer term",
        compute="_compute_warranty",
        precompute=True,
        store=True,
        help="The customer's warranty term that applies to this product, if any.",
    )
    warranty_start = fields.Date(
        "Warranty start",
        compute="_compute_warranty",
        precompute=True,
        store=True,
        help="When the warranty started: the delivery date, or the start of use "
        "when the customer's term counts from it.",
    )
    warranty_end = fields.Date(
        "Warranty until",
        compute="_compute_warranty",
        precompute=True,
        store=True,
        help="The last day of the warranty, included: the same calendar day "
        "'months' after the start (the month's last day when that day does not "
        "exist). A failure reported on this day is in warranty, one reported the "
        "next day is not.",
    )
    warranty_state = fields.Selection(
        WARRANTY_STATES,
        string="Warranty",
        compute="_compute_warranty",
        precompute=True,
        store=True,
        index=True,
        tracking=True,
        help="Computed from the warranty period and the claim date; unknown "
        "without a delivery date or a warranty period.",
    )
    warranty_explanation = fields.Char(
        "Why",
        compute="_compute_warranty_explanation",
        help="Why the claim is in or out of warranty, in the reader's language.",
    )

    # Decision
    outcome = fields.Selection(
        OUTCOMES,
        tracking=True,
        index=True,
        help="What the customer gets, decided by quality. Free repair, "
        "replacement or refund only for goods in warranty when we or our "
        "supplier are responsible.",
    )
    decision_note = fields.Text(
        "Decision note",
        help="Why quality decided so; can still be completed after closure.",
    )
    decided_by_id = fields.Many2one(
        "res.users", "Decided by", copy=False, readonly=True
    )
    decided_date = fields.Date("Decided on", copy=False, readonly=True)

    # Costs
    cost_ids = fields.One2many("cq.warranty.claim.cost", "claim_id", string="Costs")
    cost_count = fields.Integer("Number of costs", compute="_compute_cost_count")
    cost_total = fields.Monetary(
        "Total cost",
        compute="_compute_cost_total",
        store=True,
        tracking=True,
        currency_field="currency_id",
    )

    # Recovery from the supplier
    capa_id = fields.Many2one(
        "cq.capa",
        string="Corrective action",
        index="btree_not_null",
        copy=False,
        check_company=True,
        tracking=True,
    )
    recovery_vendor_id = fields.Many2one(
        "res.partner",
        string="Supplier at fault",
        tracking=True,
        check_company=True,
        help="The supplier the costs are claimed back from.",
    )
    recovery_amount_claimed = fields.Monetary(
        "Claimed from the supplier",
        currency_field="currency_id",
        tracking=True,
        help="Amount claimed back from the supplier at fault.",
    )
    recovery_amount_recovered = fields.Monetary(
        "Recovered",
        currency_field="currency_id",
        tracking=True,
        help="Amount the supplier paid back; at most the amount claimed.",
    )
    recovery_state = fields.Selection(
        RECOVERY_STATES,
        string="Recovery",
        compute="_compute_recovery_state",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        index=True,
        help="Where the recovery from the supplier stands; follows the amounts "
        "claimed and recovered, except Refused, which is set by hand.",
    )
    recovery_move_id = fields.Many2one(
        "account.move",
        string="Vendor bill / refund",
        check_company=True,
        domain="[('move_type', 'in', ('in_invoice', 'in_refund')),"
        " ('commercial_partner_id', '=', recovery_vendor_id)]",
        help="The supplier's bill or refund that settles the recovery.",
    )
    recovery_rate = fields.Float(
        "Recovery rate (%)",
        compute="_compute_recovery_rate",
        store=True,
        aggregator="avg",
        digits=(16, 1),
        help="Recovered from the supplier over the total cost. In the statistics, "
        "the sum recovered over the sum of the costs of each group.",
    )

    # Buttons
    can_confirm = fields.Boolean("Can confirm", compute="_compute_can")
    can_decide = fields.Boolean("Can decide", compute="_compute_can")
    can_close = fields.Boolean("Can close", compute="_compute_can")
    can_cancel = fields.Boolean("Can cancel", compute="_compute_can")
    can_reset = fields.Boolean("Can reset", compute="_compute_can")
    can_edit_recovery = fields.Boolean("Can edit recovery", compute="_compute_can")

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "Warranty claim numbers are unique per company.",
        ),
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("picking_id", "product_id", "lot_id")
    def _compute_move_id(self):
        for claim in self:
            moves = claim.picking_id.move_ids.filtered(
                lambda m, claim=claim: (
                    m.state == "done" and m.product_id == claim.product_id
                )
            )
            if len(moves) > 1 and claim.lot_id:
                moves = moves.filtered(
                    lambda m, claim=claim: claim.lot_id in m.move_line_ids.lot_id
                )
            if len(moves) == 1:
                claim.move_id = moves
            elif claim.move_id not in moves:
                claim.move_id = False

    @api.depends(
        "company_id",
        "partner_id",
        "picking_id",
        "move_id",
        "product_id",
        "lot_id",
        "claim_date",
        "start_of_use_date",
    )
    def _compute_warranty(self):
        Term = self.env["cq.warranty.term"]
        terms = Term._cq_terms_of(self)
        for claim in self:
            delivery_date = claim._cq_delivery_date()
            customer = claim.partner_id.commercial_partner_id
            term = Term._cq_pick(
                terms[claim.company_id.id, customer.id], claim.product_id
            )
            if term:
                months, source = term.months, "customer_term"
            elif claim.product_id:
                months, source = claim.product_id._cq_warranty_months()
            else:
                months, source = 0, "none"
            start = end = False
            state = "unknown"
            if delivery_date and months:
                start = delivery_date
                if term.start_point == "start_of_use" and claim.start_of_use_date:
                    start = claim.start_of_use_date
                end = start + relativedelta(months=months)
                if claim.claim_date:
                    state = (
                        "in_warranty" if claim.claim_date <= end else "out_of_warranty"
                    )
            claim.delivery_date = delivery_date
            claim.warranty_months = months
            claim.warranty_source = source
            claim.warranty_term_id = term.id
            claim.warranty_start = start
            claim.warranty_end = end
            claim.warranty_state = state

    @api.depends(
        "delivery_date",
        "warranty_months",
        "warranty_source",
        "warranty_term_id",
        "warranty_start",
        "warranty_end",
    )
    def _compute_warranty_explanation(self):
        for claim in self:
            delivered = claim.delivery_date
            term = claim.warranty_term_id
            if not delivered:
                explanation = self.env._(
                    "No done delivery of these goods to this customer is known: choose "
                    "the delivery they left on."
                )
            elif not claim.warranty_months:
                explanation = self.env._(
                    "Delivered %(date)s; no warranty period is set for this product, "
                    "its category or this customer.",
                    date=delivered,
                )
            else:
                period = self.env._(
                    "%(months)s months (%(origin)s)",
                    months=claim.warranty_months,
                    origin=claim._cq_source_label(claim.warranty_source, term),
                )
                if claim.warranty_start != delivered:
                    basis = self.env._(
                        "In use since %(start)s (delivered %(date)s)",
                        start=claim.warranty_start,
                        date=delivered,
                    )
                elif term.start_point == "start_of_use":
                    basis = self.env._(
                        "Delivered %(date)s (start of use not recorded: counted from "
                        "the delivery)",
                        date=delivered,
                    )
                else:
                    basis = self.env._("Delivered %(date)s", date=delivered)
                explanation = self.env._(
                    "%(basis)s, %(period)s → until %(end)s",
                    basis=basis,
                    period=period,
                    end=claim.warranty_end,
                )
            claim.warranty_explanation = explanation

    def _cq_source_label(self, source, term):
        if source == "customer_term":
            return self.env._("customer term")
        if source == "product":
            return self.env._("product")
        _months, category = self.product_id.categ_id._cq_warranty_months()
        return self.env._("category %s", category.name)

    @api.depends("cost_ids")
    def _compute_cost_count(self):
        counts = dict(
            self.env["cq.warranty.claim.cost"]._read_group(
                [("claim_id", "in", self.ids)], ["claim_id"], ["__count"]
            )
        )
        for claim in self:
            claim.cost_count = counts.get(claim, 0) if claim.id else len(claim.cost_ids)

    @api.depends("cost_ids.amount")
    def _compute_cost_total(self):
        for claim in self:
            claim.cost_total = sum(claim.cost_ids.mapped("amount"))

    @api.depends(
        "recovery_vendor_id", "recovery_amount_claimed", "recovery_amount_recovered"
    )
    def _compute_recovery_state(self):
        for claim in self:
            rounding = claim.currency_id.rounding or 0.01
            claimed = claim.recovery_amount_claimed
            recovered = claim.recovery_amount_recovered
            if not claim.recovery_vendor_id:
                claim.recovery_state = "none"
            elif float_compare(recovered, 0.0, precision_rounding=rounding) > 0:
                claim.recovery_state = (
                    "recovered"
                    if float_compare(recovered, claimed, precision_rounding=rounding)
                    >= 0
                    else "partial"
                )
            elif claim.recovery_state == "refused":
                continue
            elif float_compare(claimed, 0.0, precision_rounding=rounding) > 0:
                claim.recovery_state = "claimed"
            else:
                claim.recovery_state = "to_claim"

    @api.depends("recovery_amount_recovered", "cost_total")
    def _compute_recovery_rate(self):
        for claim in self:
            claim.recovery_rate = (
                claim.recovery_amount_recovered * 100.0 / claim.cost_total
                if claim.cost_total
                else 0.0
            )

    @api.depends_context("uid")
    @api.depends("state", "user_id")
    def _compute_can(self):
        is_officer = self.env.user.has_group("customer_quality.group_cq_officer")
        for claim in self:
            state = claim.state
            claim.can_confirm = state == "draft"
            claim.can_decide = state == "open" and is_officer
            claim.can_close = state == "decided" and is_officer
            claim.can_cancel = state not in FROZEN_STATES and (
                is_officer or state == "draft"
            )
            claim.can_reset = state == "cancelled" and is_officer
            claim.can_edit_recovery = is_officer and state != "cancelled"

    @api.model
    def _cq_step_states(self):
        return {
            "confirm": ("draft",),
            "decide": ("open",),
            "close": ("decided",),
            "cancel": ("draft", "open", "decided"),
            "reset": ("cancelled",),
        }

    # ------------------------------------------------------------------
    # Statistics: the recovery rate of a group is its sum recovered over its
    # sum of costs, never an average of the claims' rates.
    # ------------------------------------------------------------------
    def _read_group_select(self, aggregate_spec, query):
        if aggregate_spec.split(":")[0] == "recovery_rate":
            return SQL(
                "COALESCE(SUM(%s) * 100.0 / NULLIF(SUM(%s), 0), 0)",
                self._field_to_sql(self._table, "recovery_amount_recovered", query),
                self._field_to_sql(self._table, "cost_total", query),
            )
        return super()._read_group_select(aggregate_spec, query)

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("partner_id", "ticket_id", "return_id")
    def _check_customer_documents(self):
        # the documents are checked whatever the user may read of them
        for claim in self.sudo():
            customer = claim.partner_id.commercial_partner_id
            if claim.return_id and claim.return_id.commercial_partner_id != customer:
                raise ValidationError(
                    self.env._(
                        "Return %(rma)s is of %(other)s, not %(customer)s.",
                        rma=claim.return_id.name,
                        other=claim.return_id.commercial_partner_id.display_name,
                        customer=customer.display_name,
                    )
                )
            if claim.ticket_id and claim.ticket_id.commercial_partner_id != customer:
                raise ValidationError(
                    self.env._(
                        "Ticket %(ticket)s is about %(other)s, not %(customer)s.",
                        ticket=claim.ticket_id.name,
                        other=claim.ticket_id.commercial_partner_id.display_name,
                        customer=customer.display_name,
                    )
                )

    @api.constrains(
        "partner_id", "picking_id", "move_id", "product_id", "lot_id", "quantity"
    )
    def _check_delivered_goods(self):
        # the documents are checked whatever the user may read of them
        for claim in self.sudo():
            product, lot = claim.product_id, claim.lot_id
            if lot and lot.product_id != product:
                raise ValidationError(
                    self.env._(
                        "Lot %(lot)s is not a lot of %(product)s.",
                        lot=lot.name,
                        product=product.display_name,
                    )
                )
            picking = claim.picking_id or claim.move_id.picking_id
            if picking:
                picking._cq_check_delivered_goods(
                    claim.partner_id,
                    product,
                    lot=lot,
                    quantity=claim.quantity,
                    move=claim.move_id,
                )
            elif (
                float_compare(
                    claim.quantity, 0.0, precision_rounding=product.uom_id.rounding
                )
                <= 0
            ):
                raise ValidationError(
                    self.env._("The defective quantity must be more than zero.")
                )

    @api.constrains("start_of_use_date", "picking_id", "move_id", "lot_id")
    def _check_start_of_use(self):
        for claim in self:
            if (
                claim.start_of_use_date
                and claim.delivery_date
                and claim.start_of_use_date < claim.delivery_date
            ):
                raise ValidationError(
                    self.env._(
                        "The goods cannot have been used (%(start)s) before they were "
                        "delivered (%(delivered)s).",
                        start=claim.start_of_use_date,
                        delivered=claim.delivery_date,
                    )
                )

    @api.constrains(
        "outcome",
        "responsibility",
        "claim_date",
        "start_of_use_date",
        "picking_id",
        "move_id",
        "lot_id",
        "product_id",
        "partner_id",
    )
    def _check_outcome(self):
        labels = dict(self._fields["outcome"]._description_selection(self.env))
        for claim in self:
            if claim.outcome not in FREE_OUTCOMES:
                continue
            if claim.warranty_state != "in_warranty":
                raise ValidationError(
                    self.env._(
                        "%(outcome)s is only for goods in warranty; %(claim)s is "
                        "not (%(why)s). Choose paid service or a joint investigation.",
                        outcome=labels[claim.outcome],
                        claim=claim.name,
                        why=claim.warranty_explanation,
                    )
                )
            if claim.responsibility not in FREE_RESPONSIBILITIES:
                raise ValidationError(
                    self.env._(
                        "%(outcome)s is only when we or our supplier are responsible.",
                        outcome=labels[claim.outcome],
                    )
                )

    @api.constrains(
        "recovery_vendor_id",
        "recovery_amount_claimed",
        "recovery_amount_recovered",
        "recovery_state",
        "recovery_move_id",
    )
    def _check_recovery(self):
        for claim in self.sudo():
            rounding = claim.currency_id.rounding or 0.01
            claimed = claim.recovery_amount_claimed
            recovered = claim.recovery_amount_recovered
            if (
                float_compare(claimed, 0.0, precision_rounding=rounding) < 0
                or float_compare(recovered, 0.0, precision_rounding=rounding) < 0
            ):
                raise ValidationError(
                    self.env._("Amounts claimed and recovered cannot be negative.")
                )
            if float_compare(recovered, claimed, precision_rounding=rounding) > 0:
                raise ValidationError(
                    self.env._(
                        "The supplier cannot pay back more (%(recovered)s) than was "
                        "claimed from them (%(claimed)s).",
                        recovered=recovered,
                        claimed=claimed,
                    )
                )
            if not claim.recovery_vendor_id and (
                claimed or recovered or claim.recovery_state not in (False, "none")
            ):
                raise ValidationError(
                    self.env._("Name the supplier the costs are recovered from.")
                )
            if claim.recovery_state == "refused" and recovered:
                raise ValidationError(
                    self.env._(
                        "A supplier who paid something back has not refused the claim."
                    )
                )
            move = claim.recovery_move_id
            if move and (
                move.move_type not in ("in_invoice", "in_refund")
                or move.commercial_partner_id
                != claim.recovery_vendor_id.commercial_partner_id
            ):
                raise ValidationError(
                    self.env._(
                        "%(move)s is not a bill or refund of %(vendor)s.",
                        move=move.display_name,
                        vendor=claim.recovery_vendor_id.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [self._cq_commercial(dict(vals)) for vals in vals_list]
        if any(
            value
            for vals in vals_list
            for name, value in vals.items()
            if name in RECOVERY_FIELDS
        ):
            self._cq_check_officer()
        return super().create(vals_list)

    def write(self, vals):
        vals = self._cq_commercial(dict(vals))
        if RECOVERY_FIELDS & set(vals):
            self._cq_check_officer()
        return super().write(vals)

    def _cq_company_links(self):
        return bool(self.cost_ids)

    def _cq_commercial(self, vals):
        """Claims are the customer company's, whichever contact reported them."""
        if vals.get("partner_id"):
            partner = self.env["res.partner"].browse(vals["partner_id"])
            vals["partner_id"] = partner.commercial_partner_id.id
        return vals

    # ------------------------------------------------------------------
    # Actions: the workflow
    # ------------------------------------------------------------------
    def action_confirm(self):
        """Register the claim: the goods and the failure are known."""
        for claim in self:
            if claim.state != "draft":
                raise UserError(self.env._("%s is already registered.", claim.name))
            claim._cq_ensure_can("confirm")
            if is_html_empty(claim.description):
                raise UserError(
                    self.env._(
                        "Describe the failure of %s before registering it.", claim.name
                    )
                )
            if not (claim.picking_id or claim.move_id or claim.delivery_date):
                raise UserError(
                    self.env._("Name the delivery the goods of %s left on.", claim.name)
                )
            claim._cq_set_state("open")
        return True

    def action_decide(self):
        """Quality decides what the customer gets."""
        labels = dict(self._fields["outcome"]._description_selection(self.env))
        for claim in self:
            if claim.state != "open":
                raise UserError(
                    self.env._("Only open claims can be decided (%s).", claim.name)
                )
            claim._cq_check_officer()
            claim._cq_ensure_can("decide")
            missing = []
            if not claim.responsibility:
                missing.append(self.env._("responsibility"))
            if not claim.outcome:
                missing.append(self.env._("outcome"))
            if missing:
                raise UserError(
                    self.env._(
                        "Give the %(missing)s of %(claim)s before deciding it.",
                        missing=self.env._(" and ").join(missing),
                        claim=claim.name,
                    )
                )
            if claim.outcome in FREE_OUTCOMES and (
                claim.warranty_state != "in_warranty"
                or claim.responsibility not in FREE_RESPONSIBILITIES
            ):
                raise UserError(
                    self.env._(
                        "%(outcome)s is only for goods in warranty when we or our "
                        "supplier are responsible.",
                        outcome=labels[claim.outcome],
                    )
                )
            claim._cq_set_state(
                "decided",
                decided_by_id=self.env.uid,
                decided_date=fields.Date.context_today(claim),
            )
        return True

    def action_close(self):
        for claim in self:
            if claim.state != "decided":
                raise UserError(
                    self.env._("Only decided claims can be closed (%s).", claim.name)
                )
            claim._cq_check_officer()
            claim._cq_ensure_can("close")
            claim._cq_set_state("closed")
            claim.activity_ids.action_feedback()
        return True

    def action_cancel(self):
        for claim in self:
            claim._cq_ensure_can("cancel")
            claim._cq_set_state("cancelled")
            claim.activity_ids.unlink()
        return True

    def action_reset(self):
        for claim in self:
            if claim.state != "cancelled":
                raise UserError(
                    self.env._("Only cancelled claims can be reset (%s).", claim.name)
                )
            claim._cq_check_officer()
            claim._cq_ensure_can("reset")
            claim._cq_set_state("draft", decided_by_id=False, decided_date=False)
        # back in play: follow today's terms
        self._cq_recompute_warranty([("id", "in", self.ids)])
        return True

    # ------------------------------------------------------------------
    # Smart buttons
    # ------------------------------------------------------------------
    def action_view_ticket(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "cq.ticket",
            "view_mode": "form",
            "res_id": self.ticket_id.id,
        }

    def action_view_return(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "cq.return",
            "view_mode": "form",
            "res_id": self.return_id.id,
        }

    def action_view_delivery(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "stock.picking",
            "view_mode": "form",
            "res_id": self.picking_id.id or self.move_id.picking_id.id,
        }

    def action_view_costs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_quality.cq_warranty_claim_cost_action"
        )
        action["domain"] = [("claim_id", "=", self.id)]
        action["context"] = {"default_claim_id": self.id}
        return action

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    def action_open_capa(self):
        """Open the claim's corrective action, or a new one: a supplier
        corrective action request when the supplier is at fault."""
        self.ensure_one()
        return self.env["cq.capa"]._cq_open_for(self, self._prepare_capa_vals())

    def _cq_link_capa(self, capa):
        self.capa_id = capa

    def _prepare_capa_vals(self):
        """New corrective action values; called by action_open_capa."""
        self.ensure_one()
        supplier = self.responsibility == "supplier" and self.recovery_vendor_id
        return {
            "title": self.env._("Warranty claim %(name)s", name=self.name),
            "company_id": self.company_id.id,
            "partner_id": self.partner_id.commercial_partner_id.id,
            "product_id": self.product_id.id,
            "lot_ids": [Command.set(self.lot_id.ids)],
            "ticket_ids": [Command.set(self.ticket_id.ids)],
            "capa_type": "supplier" if supplier else "internal",
            "vendor_id": supplier.id if supplier else False,
            "cause_category": "supplier" if supplier else "our_product",
            "description": self.description,
            "problem_how_many": self.quantity,
        }

    def _cq_check_officer(self):
        if not self.env.su and not self.env.user.has_group(
            "customer_quality.group_cq_officer"
        ):
            raise AccessError(
                self.env._(
                    "Only quality staff can decide warranty claims and recover their "
                    "costs."
                )
            )

    def _cq_costs_by_type(self):
        """[(type label, amount, number of lines)] of the claim's costs, in the
        order of the cost types, for the printed form."""
        self.ensure_one()
        labels = self.env["cq.warranty.claim.cost"]._fields["cost_type"]
        result = []
        for key, label in labels._description_selection(self.env):
            costs = self.cost_ids.filtered(lambda c, key=key: c.cost_type == key)
            if costs:
                result.append((label, sum(costs.mapped("amount")), len(costs)))
        return result

    def _cq_check_costs_editable(self):
        for claim in self:
            if claim.state == "cancelled":
                raise UserError(
                    self.env._(
                        "%s is cancelled: its costs can no longer change.", claim.name
                    )
                )

    def _cq_local_date(self, moment):
        """The calendar day of a UTC moment where the company works (its quality
        calendar's time zone), so that everyone sees the same delivery date."""
        if not moment:
            return False
        company = self.company_id or self.env.company
        calendar = company._cq_calendar()
        tz_name = (
            (calendar and calendar.tz)
            or company.partner_id.tz
            or self.env.context.get("tz")
            or "UTC"
        )
        return (
            pytz.utc.localize(fields.Datetime.to_datetime(moment))
            .astimezone(pytz.timezone(tz_name))
            .date()
        )

    def _cq_delivery_date(self):
        """The day the claimed goods left: the done lines of the claimed lot on the
        delivered line; the delivered line itself without a lot; without a
        delivered line, the last done delivery of the product (and lot) to the
        customer (on the delivery when one is named)."""
        self.ensure_one()
        claim = self.sudo()
        move = claim.move_id
        if move:
            lines = move.move_line_ids.filtered(
                lambda ml: ml.lot_id == claim.lot_id and ml.date
            )
            if claim.lot_id and lines:
                return self._cq_local_date(max(lines.mapped("date")))
            return self._cq_local_date(move.date)
        if not (claim.product_id and claim.partner_id):
            return False
        domain = [
            ("state", "=", "done"),
            ("product_id", "=", claim.product_id.id),
            ("location_dest_id.usage", "=", "customer"),
            (
                "picking_id.partner_id",
                "child_of",
                claim.partner_id.commercial_partner_id.id,
            ),
        ]
        if claim.lot_id:
            domain.append(("lot_id", "=", claim.lot_id.id))
        if claim.picking_id:
            domain.append(("picking_id", "=", claim.picking_id.id))
        line = (
            self.env["stock.move.line"]
            .sudo()
            .search(domain, order="date desc, id desc", limit=1)
        )
        return self._cq_local_date(line.date)

    @api.model
    def _cq_recompute_warranty(self, domain):
        """Compute the warranty again after the terms changed, for the claims of
        ``domain`` still open: closed and cancelled claims keep the warranty their
        decision was made on."""
        claims = self.sudo().search([*domain, ("state", "not in", FROZEN_STATES)])
        if not claims:
            return claims
        for fname in WARRANTY_FIELDS + ["warranty_term_id"]:
            self.env.add_to_compute(self._fields[fname], claims)
        claims._recompute_recordset(WARRANTY_FIELDS + ["warranty_term_id"])
        return claims
