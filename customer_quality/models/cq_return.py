from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare, plaintext2html

from .cq_return_line import AUTHORISED_FIELDS, DECISION_FIELDS, INSPECTION_FIELDS

RETURN_STATES = [
    ("draft", "Draft"),
    ("authorised", "Authorised"),
    ("received", "Received"),
    ("inspected", "Inspected"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]

RETURN_CAUSES = [
    ("quality", "Product quality"),
    ("sales", "Sales or service"),
    ("logistics", "Transport or logistics"),
    ("customer", "Customer's own reasons"),
    ("no_fault", "No fault found"),
]


class CqReturn(models.Model):
    """Return authorisation (退货单): goods of one customer coming back from one or
    more done deliveries, through Odoo's return pickings, inspected, disposed of and
    settled (replacement, credit note, repair or nothing), and explained."""

    _name = "cq.return"
    _description = "Return Authorisation"
    _inherit = [
        "cq.portal.mixin",
        "cq.document.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "cq.composer.mixin",
    ]
    _order = "date desc, id desc"
    _check_company_auto = True
    _cq_sequence_code = "cq.return"
    _cq_sequence_date_field = "date"
    _cq_locked_states = ("done", "cancelled")
    _cq_editable_when_locked = ("capa_id",)
    _cq_officer_fields = ("capa_id",)
    _cq_next_steps = (
        "authorise",
        "confirm_quality",
        "receive",
        "inspect",
        "approve",
        "decide",
        "explain",
        "done",
    )
    # what was authorised: for whom, from where, how much of a batch
    _cq_editable_states = dict.fromkeys(
        (
            "partner_id",
            "sale_order_id",
            "picking_id",
            "date",
            "warehouse_id",
            "return_scope",
        ),
        ("draft",),
    )
    _cq_workflow_fields = (
        "quality_confirmed_by_id",
        "quality_confirmed_on",
        "approved_by_id",
        "approved_on",
        "decided_by_id",
        "decided_on",
        "explanation_sent_on",
    )

    name = fields.Char(
        "Number", required=True, readonly=True, copy=False, default="/", index="trigram"
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner",
        "Customer",
        required=True,
        tracking=True,
        index=True,
        check_company=True,
        domain="[('parent_id', '=', False)]",
    )
    commercial_partner_id = fields.Many2one(
        string="Commercial entity",
        related="partner_id.commercial_partner_id",
        store=True,
        index=True,
    )
    ticket_id = fields.Many2one(
        "cq.ticket",
        tracking=True,
        index="btree_not_null",
        check_company=True,
        domain="[('partner_id', '=', partner_id)]",
        help="The complaint ticket the return comes from, if any; the return "
        "takes its department from it.",
    )
    team_id = fields.Many2one(
        "cq.team",
        compute="_compute_team_id",
        store=True,
        index="btree_not_null",
        string="Department",
        help="The department whose overview counts it: its complaint's, else the "
        "company's first department (the one that receives what customers send, "
        "such as the returns they request in the portal).",
    )
    sale_order_id = fields.Many2one(
        "sale.order",
        "Sale order",
        index="btree_not_null",
        check_company=True,
        domain="[('partner_id', 'child_of', partner_id)]",
    )
    picking_id = fields.Many2one(
        "stock.picking",
        "Raised from delivery",
        index="btree_not_null",
        check_company=True,
        domain="[('picking_type_code', '=', 'outgoing'), ('state', '=', 'done'),"
        " ('partner_id', 'child_of', partner_id)]",
    )
    user_id = fields.Many2one(
        "res.users",
        "Responsible",
        default=lambda self: self.env.user,
        tracking=True,
        index=True,
        domain="[('share', '=', False)]",
        help="Who follows the return up; by default who registered it.",
    )
    date = fields.Date(
        "Requested on", required=True, default=fields.Date.context_today, tracking=True
    )
    state = fields.Selection(
        RETURN_STATES,
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
        copy=False,
        group_expand="_cq_group_expand_states",
    )
    line_ids = fields.One2many("cq.return.line", "return_id", "Lines", copy=True)
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        compute="_compute_warehouse_id",
        store=True,
        readonly=False,
        check_company=True,
        help="Warehouse that receives the goods and ships replacements.",
    )
    return_scope = fields.Selection(
        [("partial", "Partial return"), ("whole_batch", "Whole batch")],
        "Scope",
        required=True,
        default="partial",
        tracking=True,
        help="Partial: a few nonconforming pieces, replaced. Whole batch: the whole"
        " lot comes back; quality confirms before the warehouse receives.",
    )
    cause = fields.Selection(
        RETURN_CAUSES,
        tracking=True,
        help="Product quality causes are investigated by quality and need a"
        " corrective action; sales or service causes by sales.",
    )
    description = fields.Html("Customer's explanation")
    total_qty = fields.Float(
        "Total quantity",
        compute="_compute_totals",
        store=True,
        digits="Product Unit of Measure",
        help="Sum of the quantities of the lines.",
    )
    amount_total = fields.Monetary(
        "Value", compute="_compute_totals", store=True, help="Lines at net price."
    )
    outcome_amount = fields.Monetary(
        "Outcome amount",
        compute="_compute_totals",
        store=True,
        help="Value of the replacements and credit notes.",
    )

    # Quality confirmation before receipt (品管部确认 → 仓务部接收)
    needs_quality_confirmation = fields.Boolean(
        "Needs quality confirmation",
        compute="_compute_needs_quality_confirmation",
        store=True,
        help="Computed: a whole-batch return, or one above the company's "
        "quantity or amount limit, must be confirmed by quality before the "
        "warehouse receives it.",
    )
    quality_confirmed_by_id = fields.Many2one(
        "res.users",
        string="Quality confirmed by",
        readonly=True,
        copy=False,
        tracking=True,
    )
    quality_confirmed_on = fields.Datetime(
        "Quality confirmed on", readonly=True, copy=False
    )

    # Approval of replacements and credit notes above the company's amount
    needs_approval = fields.Boolean(
        "Needs approval",
        compute="_compute_needs_approval",
        search="_search_needs_approval",
    )
    approved_by_id = fields.Many2one(
        "res.users", string="Approved by", readonly=True, copy=False, tracking=True
    )
    approved_on = fields.Datetime("Approved on", readonly=True, copy=False)

    # Nonconformity record (PNPR 产品不合格处理报告)
    nc_description = fields.Text(
        "Nonconformity", help="What is nonconforming, as found at inspection."
    )
    nc_quantity = fields.Float(
        "Nonconforming quantity",
        compute="_compute_nc",
        store=True,
        digits="Product Unit of Measure",
        help="Quantity found nonconforming at inspection, plus what the customer"
        " keeps without sending it back.",
    )
    disposition_summary = fields.Char(
        "Disposition summary",
        compute="_compute_disposition_summary",
        help="The dispositions decided on the lines, e.g. Restock, Scrap.",
    )
    decided_by_id = fields.Many2one(
        "res.users", "Decided by", readonly=True, copy=False, tracking=True
    )
    decided_on = fields.Datetime("Decided on", readonly=True, copy=False)
    corrective_action_required = fields.Boolean(
        "Corrective action required",
        compute="_compute_corrective_action_required",
        store=True,
        help="Quality-caused returns lead to a corrective action.",
    )
    customer_explanation = fields.Text(
        "Customer explanation",
        help="What we tell the customer: what we found and why, in plain words.",
    )
    explanation_sent_on = fields.Datetime(
        "Explained on",
        readonly=True,
        copy=False,
        tracking=True,
        help="When the explanation was sent to the customer.",
    )

    # Documents in Odoo
    picking_ids = fields.One2many("stock.picking", "cq_return_id", "Transfers")
    receipt_ids = fields.One2many(
        "stock.picking",
        compute="_compute_documents",
        compute_sudo=True,
        string="Receipts",
    )
    replacement_picking_ids = fields.One2many(
        "stock.picking",
        compute="_compute_documents",
        compute_sudo=True,
        string="Replacements",
    )
    credit_note_ids = fields.One2many("account.move", "cq_return_id", "Credit notes")
    repair_ids = fields.One2many("repair.order", "cq_return_id", "Repairs")
    scrap_ids = fields.One2many("stock.scrap", "cq_return_id", "Scraps")
    receipt_count = fields.Integer(
        "Number of receipts", compute="_compute_documents", compute_sudo=True
    )
    replacement_count = fields.Integer(
        "Number of replacements", compute="_compute_documents", compute_sudo=True
    )
    transfer_count = fields.Integer(
        "Number of transfers", compute="_compute_documents", compute_sudo=True
    )
    credit_note_count = fields.Integer(
        "Number of credit notes", compute="_compute_documents", compute_sudo=True
    )
    repair_count = fields.Integer(
        "Number of repairs", compute="_compute_documents", compute_sudo=True
    )
    scrap_count = fields.Integer(
        "Number of scraps", compute="_compute_documents", compute_sudo=True
    )

    # Buttons
    can_authorise = fields.Boolean("Can authorise", compute="_compute_can")
    can_confirm_quality = fields.Boolean("Can confirm quality", compute="_compute_can")
    can_receive = fields.Boolean("Can receive", compute="_compute_can")
    can_inspect = fields.Boolean("Can inspect", compute="_compute_can")
    can_approve = fields.Boolean("Can approve", compute="_compute_can")
    can_decide = fields.Boolean("Can decide", compute="_compute_can")
    can_explain = fields.Boolean("Can explain", compute="_compute_can")
    can_done = fields.Boolean("Can be done", compute="_compute_can")
    can_cancel = fields.Boolean("Can cancel", compute="_compute_can")

    # Warranty claims raised on the returned goods
    capa_id = fields.Many2one(
        "cq.capa",
        string="Corrective action",
        index="btree_not_null",
        copy=False,
        check_company=True,
        tracking=True,
        help="Quality-caused returns get a corrective action (纠正预防措施).",
    )
    claim_ids = fields.One2many("cq.warranty.claim", "return_id", "Warranty claims")
    claim_count = fields.Integer(
        "Number of warranty claims", compute="_compute_claim_count"
    )

    _sql_constraints = [
        (
            "name_company_uniq",
            "UNIQUE(name, company_id)",
            "A return number is unique per company.",
        ),
    ]

    @api.depends("ticket_id.team_id", "company_id")
    def _compute_team_id(self):
        defaults = {}
        for rma in self:
            if rma.ticket_id.team_id:
                rma.team_id = rma.ticket_id.team_id
                continue
            if rma.company_id not in defaults:
                defaults[rma.company_id] = (
                    self.env["cq.team"].sudo()._cq_default_team(rma.company_id)
                )
            rma.team_id = defaults[rma.company_id]

    @api.depends("line_ids.picking_id", "company_id")
    def _compute_warehouse_id(self):
        for rma in self:
            if rma.warehouse_id and rma.warehouse_id.company_id == rma.company_id:
                continue
            warehouse = rma.line_ids.picking_id.picking_type_id.warehouse_id[:1]
            rma.warehouse_id = warehouse or self.env["stock.warehouse"].search(
                [("company_id", "=", rma.company_id.id)], limit=1
            )

    @api.depends("line_ids.quantity", "line_ids.amount", "line_ids.outcome_amount")
    def _compute_totals(self):
        for rma in self:
            rma.total_qty = sum(rma.line_ids.mapped("quantity"))
            rma.amount_total = sum(rma.line_ids.mapped("amount"))
            rma.outcome_amount = sum(rma.line_ids.mapped("outcome_amount"))

    @api.depends(
        "return_scope",
        "total_qty",
        "amount_total",
        "company_id.cq_return_confirm_qty",
        "company_id.cq_return_confirm_amount",
    )
    def _compute_needs_quality_confirmation(self):
        for rma in self:
            company = rma.company_id
            rma.needs_quality_confirmation = (
                rma.return_scope == "whole_batch"
                or (
                    company.cq_return_confirm_qty > 0
                    and rma.total_qty > company.cq_return_confirm_qty
                )
                or (
                    company.cq_return_confirm_amount > 0
                    and rma.amount_total > company.cq_return_confirm_amount
                )
            )

    @api.depends("outcome_amount", "approved_by_id", "company_id")
    def _compute_needs_approval(self):
        for rma in self:
            limit = rma.company_id.cq_return_approval_amount
            rma.needs_approval = bool(
                limit > 0 and rma.outcome_amount > limit and not rma.approved_by_id
            )

    def _search_needs_approval(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on “needs approval”."))
        companies = (
            self.env["res.company"]
            .sudo()
            .search([("cq_return_approval_amount", ">", 0)])
        )
        domains = [
            [
                "&",
                "&",
                ("company_id", "=", company.id),
                ("outcome_amount", ">", company.cq_return_approval_amount),
                ("approved_by_id", "=", False),
            ]
            for company in companies
        ]
        domain = ["|"] * (len(domains) - 1) + [leaf for d in domains for leaf in d]
        if not domains:
            domain = [("id", "=", False)]
        if (operator == "=") != value:
            domain = ["!", *domain]
        return domain

    @api.depends(
        "line_ids.received_qty",
        "line_ids.quantity",
        "line_ids.without_return",
        "line_ids.inspection_result",
        "line_ids.disposition",
        "line_ids.outcome",
    )
    def _compute_nc(self):
        for rma in self:
            lines = rma.line_ids.filtered(
                lambda line: (
                    line.inspection_result == "nonconforming" or line.without_return
                )
            )
            rma.nc_quantity = sum(line._cq_settled_qty() for line in lines)

    @api.depends("line_ids.disposition")
    def _compute_disposition_summary(self):
        Line = self.env["cq.return.line"]
        labels = dict(Line._fields["disposition"]._description_selection(self.env))
        for rma in self:
            rma.disposition_summary = ", ".join(
                sorted({labels[d] for d in rma.line_ids.mapped("disposition") if d})
            )

    @api.depends("cause")
    def _compute_corrective_action_required(self):
        for rma in self:
            rma.corrective_action_required = rma.cause == "quality"

    @api.depends("picking_ids.picking_type_code", "credit_note_ids", "repair_ids")
    def _compute_documents(self):
        for rma in self:
            pickings = rma.picking_ids
            rma.receipt_ids = pickings.filtered(lambda p: p.cq_return_role == "receipt")
            rma.replacement_picking_ids = pickings.filtered(
                lambda p: p.cq_return_role == "replacement"
            )
            rma.receipt_count = len(rma.receipt_ids)
            rma.replacement_count = len(rma.replacement_picking_ids)
            rma.transfer_count = len(pickings)
            rma.credit_note_count = len(rma.credit_note_ids)
            rma.repair_count = len(rma.repair_ids)
            rma.scrap_count = len(rma.scrap_ids)

    @api.depends("claim_ids")
    def _compute_claim_count(self):
        for rma in self:
            rma.claim_count = len(rma.claim_ids)

    @api.depends_context("uid")
    @api.depends(
        "state",
        "line_ids",
        "warehouse_id.cq_return_user_ids",
        "needs_quality_confirmation",
        "quality_confirmed_by_id",
        "needs_approval",
        "decided_on",
        "explanation_sent_on",
    )
    def _compute_can(self):
        officer = self.env.user.has_group("customer_quality.group_cq_officer")
        manager = self.env.user.has_group("customer_quality.group_cq_manager")
        for rma in self:
            state = rma.state
            handler = rma._cq_is_handler(self.env.user)
            confirmed = (
                not rma.needs_quality_confirmation or rma.quality_confirmed_by_id
            )
            rma.can_authorise = state == "draft"
            rma.can_confirm_quality = bool(
                officer
                and state == "authorised"
                and rma.needs_quality_confirmation
                and not rma.quality_confirmed_by_id
            )
            rma.can_receive = bool(state == "authorised" and confirmed and handler)
            rma.can_inspect = bool(state == "received" and handler)
            rma.can_approve = bool(
                manager
                and state in ("authorised", "received", "inspected")
                and rma.needs_approval
            )
            rma.can_decide = bool(
                officer and state == "inspected" and not rma.decided_on
            )
            rma.can_explain = state not in ("draft", "done", "cancelled")
            rma.can_done = bool(
                state == "inspected" and rma.decided_on and rma.explanation_sent_on
            )
            rma.can_cancel = state in ("draft", "authorised") and not any(
                p.state == "done" for p in rma.receipt_ids
            )

    def _cq_step_is_next(self, step):
        # the customer hears of the outcome once it is decided, once
        if step == "explain":
            return bool(self.decided_on) and not self.explanation_sent_on
        return super()._cq_step_is_next(step)

    @api.model
    def _cq_step_states(self):
        return {
            "authorise": ("draft",),
            "confirm_quality": ("authorised",),
            "receive": ("authorised",),
            "inspect": ("received",),
            "approve": ("authorised", "received", "inspected"),
            "decide": ("inspected",),
            "explain": ("authorised", "received", "inspected"),
            "done": ("inspected",),
            "cancel": ("draft", "authorised"),
        }

    # ------------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------------
    def _cq_company_links(self):
        return bool(self.line_ids or self.picking_ids or self.claim_ids)

    def _cq_check_lines_editable(self, fnames):
        """Lines say what was authorised (changed in draft only), found at
        inspection and decided (changed once received, until decided)."""
        action = self.env._("change these details of its lines")
        if fnames & AUTHORISED_FIELDS:
            self._cq_check_state(["draft"], action)
        if fnames & (INSPECTION_FIELDS | DECISION_FIELDS):
            self._cq_check_state(["received", "inspected"], action)
            for rma in self.filtered("decided_on"):
                raise UserError(
                    self.env._(
                        "Return %s is decided: its inspection and decision are"
                        " records and can no longer change.",
                        rma.name,
                    )
                )

    def _cq_check_state(self, states, action):
        for rma in self:
            if rma.state not in states:
                labels = dict(self._fields["state"]._description_selection(self.env))
                raise UserError(
                    self.env._(
                        "Return %(name)s is %(state)s: it cannot %(action)s now.",
                        name=rma.name,
                        state=labels[rma.state],
                        action=action,
                    )
                )

    def _cq_is_handler(self, user):
        """Receipt and inspection are the warehouse's: its return handlers (and
        quality staff)."""
        self.ensure_one()
        return (
            user in self.warehouse_id.cq_return_user_ids
            or user.has_group("customer_quality.group_cq_officer")
            or self.env.su
        )

    def _cq_check_handler(self, action):
        for rma in self:
            if not rma._cq_is_handler(self.env.user):
                raise AccessError(
                    self.env._(
                        "Only the return handlers of %(warehouse)s and quality staff "
                        "can %(action)s.",
                        warehouse=rma.warehouse_id.display_name,
                        action=action,
                    )
                )

    # ------------------------------------------------------------------
    # Authorisation
    # ------------------------------------------------------------------
    def action_authorise(self):
        self._cq_check_state(["draft"], self.env._("be authorised"))
        self._cq_ensure_can("authorise")
        for rma in self:
            rma._cq_check_lines()
        self._cq_lock_and_check_quantities()
        for rma in self:
            rma._cq_set_state("authorised")
            if rma.needs_quality_confirmation:
                rma._cq_ask_quality_confirmation()
            else:
                rma.sudo()._cq_create_receipts()
        return True

    def _cq_check_lines(self):
        self.ensure_one()
        if not self.line_ids:
            raise UserError(
                self.env._("Add at least one delivered product to %s.", self.name)
            )
        for line in self.line_ids:
            if line.product_id.tracking != "none" and not line.lot_id:
                raise UserError(
                    self.env._(
                        "%(product)s is tracked: give the lot/serial number that"
                        " comes back.",
                        product=line.product_id.display_name,
                    )
                )
            if line.without_return and not line.evidence_attachment_ids:
                raise UserError(
                    self.env._(
                        "%(product)s is replaced without physical return: attach"
                        " photo evidence of the defect first.",
                        product=line.product_id.display_name,
                    )
                )

    def _cq_lock_and_check_quantities(self):
        """Never authorise more than was delivered minus what is back or authorised
        elsewhere, per delivered move and per lot, also when two users authorise at
        the same time: the delivered moves are updated (locked) first, so that a
        concurrent transaction that read them before fails to serialise and is
        retried, then sees the other authorisation."""
        moves = self.line_ids.move_id
        if not moves:
            return
        self.env.cr.execute(
            "UPDATE stock_move SET write_date = write_date WHERE id IN %s",
            [tuple(moves.ids)],
        )
        Line = self.env["cq.return.line"]
        committed = Line._cq_committed_qty(moves, exclude=self)
        committed_lot = Line._cq_committed_qty(moves, exclude=self, lot=True)
        asked = defaultdict(float)
        asked_lot = defaultdict(float)
        for line in self.line_ids:
            asked[line.move_id] += line.quantity
            if line.lot_id:
                asked_lot[line.move_id, line.lot_id] += line.quantity
        for move, quantity in asked.items():
            delivered = move._cq_delivered_product_qty()
            available = delivered - committed.get(move.id, 0.0)
            if float_compare(quantity, available, precision_digits=6) > 0:
                raise ValidationError(
                    self.env._(
                        "Only %(available)s %(uom)s of %(product)s delivered on"
                        " %(picking)s can still be returned (%(delivered)s delivered,"
                        " %(committed)s already returned or authorised); %(asked)s"
                        " asked.",
                        available=max(available, 0.0),
                        uom=move.product_id.uom_id.name,
                        product=move.product_id.display_name,
                        picking=move.picking_id.name,
                        delivered=delivered,
                        committed=committed.get(move.id, 0.0),
                        asked=quantity,
                    )
                )
        for (move, lot), quantity in asked_lot.items():
            delivered = move._cq_delivered_product_qty(lot)
            available = delivered - committed_lot.get((move.id, lot.id), 0.0)
            if float_compare(quantity, available, precision_digits=6) > 0:
                raise ValidationError(
                    self.env._(
                        "Only %(available)s %(uom)s of lot %(lot)s delivered on"
                        " %(picking)s can still be returned; %(asked)s asked.",
                        available=max(available, 0.0),
                        uom=move.product_id.uom_id.name,
                        lot=lot.name,
                        picking=move.picking_id.name,
                        asked=quantity,
                    )
                )

    def _cq_quality_user(self):
        self.ensure_one()
        return (
            self.company_id.cq_quality_manager_id
            or self.ticket_id.user_id
            or self.user_id
        )

    def _cq_ask_quality_confirmation(self):
        self.ensure_one()
        self.activity_schedule(
            "customer_quality.mail_activity_type_cq_return_confirm",
            **self._prepare_quality_confirmation_activity_vals(),
        )

    def _prepare_quality_confirmation_activity_vals(self):
        """Confirmation activity values; called by _cq_ask_quality_confirmation."""
        self.ensure_one()
        return {
            "user_id": self._cq_quality_user().id,
            "note": self.env._(
                "Confirm the quality problem of this whole-batch return before the"
                " warehouse receives it."
            ),
        }

    def action_confirm_quality(self):
        self._cq_check_group(
            "customer_quality.group_cq_officer", self.env._("confirm a return")
        )
        self._cq_check_state(["authorised"], self.env._("be confirmed"))
        for rma in self:
            if rma.quality_confirmed_by_id or not rma.needs_quality_confirmation:
                raise UserError(
                    self.env._("Return %s needs no quality confirmation.", rma.name)
                )
            rma._cq_ensure_can("confirm_quality")
            rma._cq_write_workflow(
                {
                    "quality_confirmed_by_id": self.env.uid,
                    "quality_confirmed_on": fields.Datetime.now(),
                }
            )
            rma.activity_feedback(
                ["customer_quality.mail_activity_type_cq_return_confirm"]
            )
            rma.sudo()._cq_create_receipts()
        return True

    # ------------------------------------------------------------------
    # Receipt: Odoo's return pickings of the original deliveries
    # ------------------------------------------------------------------
    def _cq_return_location(self):
        self.ensure_one()
        return self.warehouse_id._cq_return_location()

    def _cq_create_receipts(self):
        """One return picking per original delivery (stock.return.picking), one
        return move per line, into the warehouse's customer-returns location."""
        self.ensure_one()
        lines = self.line_ids.filtered(lambda line: not line.without_return)
        Wizard = self.env["stock.return.picking"].with_context(
            cq_return_location_id=self._cq_return_location().id
        )
        for picking, picking_lines in lines.grouped("picking_id").items():
            wizard = Wizard.create(
                self._prepare_return_picking_vals(picking, picking_lines)
            )
            receipt = wizard._create_return()
            receipt.write(self._prepare_receipt_vals())
            receipt.move_ids._cq_set_return_lots()
        return True

    def _prepare_return_picking_vals(self, picking, lines):
        """Return wizard of delivery ``picking``; called by _cq_create_receipts."""
        self.ensure_one()
        return {
            "picking_id": picking.id,
            # the lines given at creation: Odoo's default (every move of the
            # delivery, quantity 0) is not computed for nothing
            "product_return_moves": [
                Command.create(self._prepare_return_picking_line_vals(line))
                for line in lines
            ],
        }

    def _prepare_return_picking_line_vals(self, line):
        """Return wizard line of ``line``; called by _prepare_return_picking_vals."""
        self.ensure_one()
        return {
            "product_id": line.product_id.id,
            "quantity": line.quantity,
            "uom_id": line.product_id.uom_id.id,
            "move_id": line.move_id.id,
            "to_refund": True,
            "cq_return_line_id": line.id,
        }

    def _prepare_receipt_vals(self):
        """Values written on each new receipt; called by _cq_create_receipts."""
        self.ensure_one()
        return {"cq_return_id": self.id, "cq_return_role": "receipt"}

    def action_receive(self):
        """Receive what the customer sent, as authorised: validates the return
        receipts with the lines' lots and quantities. To receive less, the
        warehouse validates the receipt itself in Inventory."""
        self._cq_check_state(["authorised"], self.env._("be received"))
        self._cq_check_handler(self.env._("receive returned goods"))
        for rma in self:
            if rma.needs_quality_confirmation and not rma.quality_confirmed_by_id:
                raise UserError(
                    self.env._(
                        "Return %s is a whole-batch return: quality must confirm it"
                        " before the warehouse receives it.",
                        rma.name,
                    )
                )
            rma._cq_ensure_can("receive")
            receipts = rma.sudo().receipt_ids.filtered(
                lambda p: p.state not in ("done", "cancel")
            )
            for receipt in receipts:
                receipt.move_ids.picked = True
                receipt.with_context(
                    skip_backorder=True, cancel_backorder=True
                )._action_done()
            rma._cq_sync_receipts()
        return True

    def _cq_sync_receipts(self):
        """Authorised returns whose receipts are all finished become received."""
        for rma in self.filtered(lambda r: r.state == "authorised"):
            if rma.needs_quality_confirmation and not rma.quality_confirmed_by_id:
                continue
            receipts = rma.receipt_ids
            if all(p.state in ("done", "cancel") for p in receipts) and (
                any(p.state == "done" for p in receipts)
                or all(line.without_return for line in rma.line_ids)
            ):
                rma._cq_set_state("received")
                rma.activity_schedule(
                    "customer_quality.mail_activity_type_cq_return_inspect",
                    **rma._prepare_inspection_activity_vals(),
                )

    def _prepare_inspection_activity_vals(self):
        """Inspection activity values; called by _cq_sync_receipts."""
        self.ensure_one()
        handler = self.warehouse_id.cq_return_user_ids[:1]
        return {"user_id": (handler or self.env.user).id}

    # ------------------------------------------------------------------
    # Inspection and decision
    # ------------------------------------------------------------------
    def action_inspect(self):
        self._cq_check_state(["received"], self.env._("be inspected"))
        self._cq_check_handler(self.env._("inspect returned goods"))
        self._cq_ensure_can("inspect")
        for rma in self:
            for line in rma.line_ids.filtered(
                lambda line: (
                    not line.without_return and not line._cq_is_zero(line.received_qty)
                )
            ):
                if not line.inspection_result:
                    raise UserError(
                        self.env._(
                            "Record the inspection result of %(product)s first.",
                            product=line.product_id.display_name,
                        )
                    )
            rma._cq_set_state("inspected")
            rma.activity_feedback(
                ["customer_quality.mail_activity_type_cq_return_inspect"]
            )
            rma.activity_schedule(
                "customer_quality.mail_activity_type_cq_return_decide",
                **rma._prepare_decision_activity_vals(),
            )
        return True

    def _prepare_decision_activity_vals(self):
        """Decision activity values; called by action_inspect."""
        self.ensure_one()
        return {"user_id": self._cq_quality_user().id}

    def action_approve(self):
        self._cq_check_group(
            "customer_quality.group_cq_manager",
            self.env._("approve replacements and credit notes"),
        )
        self._cq_check_state(
            ["authorised", "received", "inspected"], self.env._("be approved")
        )
        for rma in self:
            if not rma.needs_approval:
                raise UserError(self.env._("Return %s needs no approval.", rma.name))
            rma._cq_ensure_can("approve")
            rma._cq_write_workflow(
                {"approved_by_id": self.env.uid, "approved_on": fields.Datetime.now()}
            )
            rma.message_post(
                body=self.env._(
                    "Replacements and credit notes of %(amount)s approved.",
                    amount=rma.outcome_amount,
                )
            )
        return True

    def action_decide(self):
        """Quality's decision, carried out in Odoo: each line's goods are moved
        (restock, rework, repair, scrap, back to the supplier, use as is) and the
        customer settled (replacement delivery, credit note, repair)."""
        self._cq_check_group(
            "customer_quality.group_cq_officer", self.env._("decide dispositions")
        )
        self._cq_check_state(["inspected"], self.env._("be decided"))
        for rma in self:
            if rma.decided_on:
                raise UserError(self.env._("Return %s is already decided.", rma.name))
            rma._cq_ensure_can("decide")
            rma._cq_check_decision()
            if rma.needs_approval:
                raise UserError(
                    self.env._(
                        "Replacements and credit notes of %(amount)s exceed"
                        " %(limit)s: a quality manager approves them first.",
                        amount=rma.outcome_amount,
                        limit=rma.company_id.cq_return_approval_amount,
                    )
                )
            # quality decides; the goods and the accounting follow, whatever the
            # decider's rights in Inventory and Invoicing
            executor = rma.sudo()
            for line in executor.line_ids:
                line._cq_apply_disposition()
            executor._cq_create_replacements()
            executor._cq_create_credit_notes()
            rma._cq_write_workflow(
                {"decided_by_id": self.env.uid, "decided_on": fields.Datetime.now()}
            )
            rma.activity_feedback(
                ["customer_quality.mail_activity_type_cq_return_decide"]
            )
            if rma.corrective_action_required:
                rma.activity_schedule(
                    "customer_quality.mail_activity_type_cq_return_capa",
                    **rma._prepare_corrective_action_activity_vals(),
                )
        return True

    def _prepare_corrective_action_activity_vals(self):
        """Corrective action activity values; called by action_decide."""
        self.ensure_one()
        return {"user_id": self._cq_quality_user().id}

    def _cq_check_decision(self):
        self.ensure_one()
        if not self.cause:
            raise UserError(
                self.env._("Give the cause of return %s before deciding.", self.name)
            )
        for line in self.line_ids:
            product = line.product_id.display_name
            if not line.outcome:
                raise UserError(
                    self.env._("Choose the outcome for %(product)s.", product=product)
                )
            received = not line._cq_is_zero(line.received_qty)
            if line.without_return and line.disposition:
                raise UserError(
                    self.env._(
                        "%(product)s did not come back: it has no disposition.",
                        product=product,
                    )
                )
            if received and not line.disposition:
                raise UserError(
                    self.env._(
                        "Choose the disposition of the returned %(product)s.",
                        product=product,
                    )
                )
            if line.disposition == "use_as_is" and not line.concession_ref:
                raise UserError(
                    self.env._(
                        "%(product)s is used as is: give the customer's concession"
                        " reference.",
                        product=product,
                    )
                )
            if line.disposition == "supplier" and not line.vendor_id:
                raise UserError(
                    self.env._(
                        "%(product)s goes back to the supplier: choose the supplier.",
                        product=product,
                    )
                )
            if line.outcome == "repair" and line.disposition != "repair":
                raise UserError(
                    self.env._(
                        "%(product)s: a repair for the customer needs the"
                        " disposition Repair.",
                        product=product,
                    )
                )
            if line.outcome in ("replacement", "credit_note") and line._cq_is_zero(
                line._cq_settled_qty()
            ):
                raise UserError(
                    self.env._(
                        "%(product)s: nothing was received, nothing to replace or"
                        " credit.",
                        product=product,
                    )
                )
            if line.outcome == "credit_note" and not line._cq_invoice_line():
                raise UserError(
                    self.env._(
                        "%(product)s is not invoiced yet: a credit note needs the"
                        " posted invoice of its order line; choose another outcome.",
                        product=product,
                    )
                )

    def _cq_create_replacements(self):
        """Replacement deliveries through the warehouse's delivery route, linked
        to the original order lines (their delivered quantity counts them)."""
        self.ensure_one()
        lines = self.line_ids.filtered(lambda line: line.outcome == "replacement")
        if not lines:
            return
        Procurement = self.env["procurement.group"]
        procurements = []
        known_moves = lines.sale_line_id.move_ids
        free_group = self.env["procurement.group"]
        for line in lines:
            picking = line.picking_id
            group = picking.group_id or line.sale_line_id.order_id.procurement_group_id
            if line.without_return:
                # goods kept by the customer stay delivered: their replacement
                # ships outside the order, or Odoo would add it to the order
                free_group = free_group or Procurement.create(
                    self._prepare_procurement_group_vals(line)
                )
                group = free_group
            procurements.append(
                Procurement.Procurement(
                    line.product_id,
                    line._cq_settled_qty(),
                    line.product_id.uom_id,
                    line.move_id.location_dest_id,
                    line.product_id.display_name,
                    self.name,
                    self.company_id,
                    self._prepare_replacement_procurement_values(line, group),
                )
            )
        Procurement.run(procurements)
        new_moves = lines.return_move_ids.filtered(
            lambda m: m.location_dest_id.usage == "customer"
        ) | (lines.sale_line_id.move_ids - known_moves)
        new_moves.picking_id.filtered(lambda p: not p.cq_return_id).write(
            self._prepare_replacement_picking_vals()
        )

    def _prepare_procurement_group_vals(self, line):
        """Group of replacements off the order; called by _cq_create_replacements."""
        self.ensure_one()
        return {"name": self.name, "partner_id": line.picking_id.partner_id.id}

    def _prepare_replacement_procurement_values(self, line, group):
        """Replacement procurement of ``line``; called by _cq_create_replacements."""
        self.ensure_one()
        return {
            "group_id": group,
            "sale_line_id": False if line.without_return else line.sale_line_id.id,
            "warehouse_id": self.warehouse_id,
            "partner_id": line.picking_id.partner_id.id,
            "date_planned": fields.Datetime.now(),
            "cq_return_line_id": line.id,
        }

    def _prepare_replacement_picking_vals(self):
        """Values written on new replacements; called by _cq_create_replacements."""
        self.ensure_one()
        return {"cq_return_id": self.id, "cq_return_role": "replacement"}

    def _cq_create_credit_notes(self):
        """One draft credit note per original invoice, each line at the invoice
        line's price, discount and taxes, linked to the order line."""
        self.ensure_one()
        lines = self.line_ids.filtered(lambda line: line.outcome == "credit_note")
        # the invoice line each returned line was billed on, looked up once
        originals = {line: line._cq_invoice_line() for line in lines}
        by_invoice = defaultdict(lambda: self.env["cq.return.line"])
        for line, original in originals.items():
            by_invoice[original.move_id] |= line
        for invoice, invoice_lines in by_invoice.items():
            refund = (
                self.env["account.move"]
                .with_context(default_move_type="out_refund")
                .create(
                    self._prepare_credit_note_vals(
                        invoice, {line: originals[line] for line in invoice_lines}
                    )
                )
            )
            for move_line in refund.invoice_line_ids:
                move_line.cq_return_line_id.credit_note_line_id = move_line

    def _prepare_credit_note_vals(self, invoice, originals):
        """Draft credit note of ``invoice``; called by _cq_create_credit_notes."""
        # ``originals``: each return line credited, with the invoice line it was
        # billed on (looked up once by the caller)
        self.ensure_one()
        return {
            "move_type": "out_refund",
            "partner_id": invoice.partner_id.id,
            "company_id": invoice.company_id.id,
            "journal_id": invoice.journal_id.id,
            "currency_id": invoice.currency_id.id,
            "reversed_entry_id": invoice.id,
            "invoice_origin": invoice.invoice_origin,
            "ref": self.env._(
                "Return %(name)s of %(invoice)s", name=self.name, invoice=invoice.name
            ),
            "invoice_line_ids": [
                Command.create(self._prepare_credit_note_line_vals(line, original))
                for line, original in originals.items()
            ],
            "cq_return_id": self.id,
        }

    def _prepare_credit_note_line_vals(self, line, original):
        """Credit note line of ``line``; called by _prepare_credit_note_vals."""
        self.ensure_one()
        return {
            "product_id": original.product_id.id,
            "name": original.name,
            "quantity": line.product_id.uom_id._compute_quantity(
                line._cq_settled_qty(), original.product_uom_id
            ),
            "product_uom_id": original.product_uom_id.id,
            "price_unit": original.price_unit,
            "discount": original.discount,
            "tax_ids": [Command.set(original.tax_ids.ids)],
            "account_id": original.account_id.id,
            # credited goods the customer keeps stay invoiced on the order, or
            # Odoo would invoice them again
            "sale_line_ids": [
                Command.set([] if line.without_return else original.sale_line_ids.ids)
            ],
            "cq_return_line_id": line.id,
        }

    # ------------------------------------------------------------------
    # Explanation and closure
    # ------------------------------------------------------------------
    def action_explain(self):
        """Explain the return to the customer (whatever its cause) by email."""
        self.ensure_one()
        self._cq_check_state(
            ["authorised", "received", "inspected"], self.env._("be explained")
        )
        return self._cq_composer(
            "customer_quality.mail_template_cq_return_explanation",
            "cq_return_explained",
        )

    def message_post(self, **kwargs):
        if not self.env.context.get("cq_return_explained"):
            return super().message_post(**kwargs)
        self._cq_ensure_can("explain")
        returns = self.with_context(cq_return_explained=False)
        message = super(CqReturn, returns).message_post(**kwargs)
        self._cq_check_step_message(message)
        returns._cq_write_workflow({"explanation_sent_on": fields.Datetime.now()})
        return message

    def action_done(self):
        self._cq_check_state(["inspected"], self.env._("be closed"))
        for rma in self:
            if not rma.decided_on:
                raise UserError(
                    self.env._("Decide the dispositions of %s first.", rma.name)
                )
            if not rma.explanation_sent_on:
                raise UserError(
                    self.env._(
                        "Explain return %s to the customer before closing it.",
                        rma.name,
                    )
                )
            rma._cq_ensure_can("done")
            rma._cq_set_state("done")
        return True

    def action_cancel(self):
        for rma in self:
            if not rma.can_cancel:
                raise UserError(
                    self.env._(
                        "Return %s has been received: it cannot be cancelled.",
                        rma.name,
                    )
                )
            rma.receipt_ids.filtered(lambda p: p.state != "done").action_cancel()
            rma._cq_set_state("cancelled")
            rma.activity_unlink(
                ["customer_quality.mail_activity_type_cq_return_confirm"]
            )
        return True

    def action_reset(self):
        self._cq_check_state(["cancelled"], self.env._("be reset to draft"))
        self._cq_check_group(
            "customer_quality.group_cq_user", self.env._("reset a return to draft")
        )
        self._cq_set_state(
            "draft",
            quality_confirmed_by_id=False,
            quality_confirmed_on=False,
            approved_by_id=False,
            approved_on=False,
        )
        return True

    # ------------------------------------------------------------------
    # Smart buttons
    # ------------------------------------------------------------------
    def action_view_transfers(self):
        self.ensure_one()
        return self._cq_open("stock.picking", self.picking_ids, self.env._("Transfers"))

    def action_view_credit_notes(self):
        self.ensure_one()
        return self._cq_open(
            "account.move", self.credit_note_ids, self.env._("Credit notes")
        )

    def action_view_repairs(self):
        self.ensure_one()
        return self._cq_open("repair.order", self.repair_ids, self.env._("Repairs"))

    def action_view_scraps(self):
        self.ensure_one()
        return self._cq_open("stock.scrap", self.scrap_ids, self.env._("Scraps"))

    def action_view_ticket(self):
        self.ensure_one()
        return self._cq_open("cq.ticket", self.ticket_id, self.env._("Ticket"))

    def action_open_capa(self):
        """Open the return's corrective action, or a new one from the return."""
        self.ensure_one()
        return self.env["cq.capa"]._cq_open_for(self, self._prepare_capa_vals())

    def _cq_link_capa(self, capa):
        self.write({"capa_id": capa.id})
        self.activity_feedback(
            ["customer_quality.mail_activity_type_cq_return_capa"],
            feedback=capa.name,
        )

    def _prepare_capa_vals(self):
        """New corrective action values; called by action_open_capa."""
        self.ensure_one()
        lines = self.line_ids
        return {
            "title": self.env._("Return %(name)s", name=self.name),
            "company_id": self.company_id.id,
            "partner_id": self.commercial_partner_id.id,
            "product_id": lines.product_id[:1].id,
            "lot_ids": [Command.set(lines.lot_id.ids)],
            "ticket_ids": [Command.set(self.ticket_id.ids)],
            "cause_category": self.ticket_id.cause_category or "our_product",
            "description": plaintext2html(self.nc_description)
            if self.nc_description
            else self.description,
            "problem_how_many": self.nc_quantity or self.total_qty,
        }

    def action_view_claims(self):
        self.ensure_one()
        return self._cq_open(
            "cq.warranty.claim", self.claim_ids, self.env._("Warranty claims")
        )

    # ------------------------------------------------------------------
    # Pre-filled lines
    # ------------------------------------------------------------------
    @api.model
    def _cq_line_commands(self, moves, lot=None, quantity=None):
        """Create commands for return lines of done deliveries ``moves``: each with
        what is still returnable (or ``quantity``), per delivered lot."""
        Line = self.env["cq.return.line"]
        committed = Line._cq_committed_qty(moves, lot=True)
        commands = []
        for move in moves.filtered(
            lambda m: m.state == "done" and m.location_dest_id.usage == "customer"
        ):
            lots = lot or move.move_line_ids.lot_id or [self.env["stock.lot"]]
            for move_lot in lots:
                left = move._cq_delivered_product_qty(move_lot or None) - committed.get(
                    (move.id, move_lot.id or None), 0.0
                )
                qty = min(quantity, left) if quantity else left
                if qty <= 0:
                    continue
                commands.append(
                    Command.create(self._prepare_return_line_vals(move, move_lot, qty))
                )
        return commands

    @api.model
    def _prepare_return_line_vals(self, move, lot, quantity):
        """Return line of ``lot`` of ``move``; called by _cq_line_commands."""
        return {
            "picking_id": move.picking_id.id,
            "product_id": move.product_id.id,
            "move_id": move.id,
            "lot_id": lot.id,
            "quantity": quantity,
        }
