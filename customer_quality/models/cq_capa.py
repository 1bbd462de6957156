import re

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import is_html_empty

from .cq_capa_verification import VERIFICATION_METHODS
from .cq_recipient_lang import env_for
from .cq_ticket import CAUSE_CATEGORIES

CAPA_STATES = [
    ("draft", "New"),
    ("containment", "Containment"),
    ("analysis", "Root cause analysis"),
    ("implementation", "Actions"),
    ("verification", "Effectiveness check"),
    ("verified", "Effective"),
    ("closed", "Closed"),
    ("cancelled", "Cancelled"),
]
# still running: deadlines count, the management review lists them
OPEN_CAPA_STATES = (
    "draft",
    "containment",
    "analysis",
    "implementation",
    "verification",
    "verified",
)
# the team works on its causes and actions until it asks for verification
WORKING_STATES = ("draft", "containment", "analysis", "implementation")

FORM_TYPES = [("8d", "8D report"), ("short", "Short CAPA")]
CAPA_TYPES = [
    ("internal", "Our corrective action"),
    ("supplier", "Supplier corrective action request (SCAR)"),
]
CUSTOMER_ACCEPTANCE = [
    ("pending", "Not yet"),
    ("accepted", "Accepted"),
    ("not_required", "Not required"),
]
EFFECTIVENESS = [
    ("effective", "Effective"),
    ("ineffective", "Not effective"),
]

STEP_STATES = {
    "start_containment": ("draft",),
    "start_analysis": ("containment",),
    "start_implementation": ("analysis",),
    "request_verification": ("implementation",),
    "verify": ("verification",),
    "close": ("verified",),
    "cancel": ("draft", "containment", "analysis", "implementation", "verification"),
    "reset": ("cancelled",),
    "reopen": ("closed",),
}
# the D-step deadline each step meets
MET_BY = {
    "start_analysis": "d3",
    "start_implementation": "d4",
    "request_verification": "d6",
    "close": "d8",
}


class CqCapa(models.Model):
    """纠正预防措施: a corrective and preventive action, as a full 8D report or
    the company's short CAPA form, that closes only once its effectiveness is
    verified by someone who did not do the actions."""

    _name = "cq.capa"
    _description = "Corrective Action"
    _inherit = [
        "cq.document.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "cq.composer.mixin",
        "cq.deadline.replan.mixin",
    ]
    _order = "open_date desc, id desc"
    _check_company_auto = True
    _cq_sequence_code = "cq.capa"
    _cq_sequence_date_field = "open_date"
    _cq_escalation_subtype = "customer_quality.mt_cq_capa_escalated"
    _cq_replan_states = OPEN_CAPA_STATES
    # the links to complaints decide who sees it and which form it follows
    _cq_officer_fields = ("ticket_ids", "return_ids", "claim_ids")
    _cq_next_steps = (
        "start_containment",
        "start_analysis",
        "start_implementation",
        "request_verification",
        "verify",
        "close",
    )
    _cq_workflow_fields = (
        # set and cleared by the re-planning of deadlines
        "deadlines_replanning",
        "effectiveness",
        "verified_by_id",
        "verified_date",
        "ineffective_count",
        "closed_by_id",
        "closed_date",
        "reopen_count",
        "reopened_date",
        "cancel_reason",
        "report_sent_date",
    )
    # the clock and the customer the deadlines were planned on
    _cq_editable_states = {
        "open_date": ("draft",),
        "partner_id": ("draft", "containment", "analysis"),
    }

    name = fields.Char(
        "Number", readonly=True, copy=False, default="/", index="trigram"
    )
    title = fields.Char("Subject", required=True, tracking=True)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
        tracking=True,
    )
    state = fields.Selection(
        CAPA_STATES,
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
        index=True,
        group_expand="_cq_group_expand_states",
    )
    form_type = fields.Selection(
        FORM_TYPES,
        string="Form",
        compute="_compute_form_type",
        store=True,
        readonly=False,
        tracking=True,
        help="8D when the customer requires it (customer profile) or a linked "
        "complaint is serious; otherwise the company's short CAPA form. Switching "
        "keeps everything entered.",
    )
    capa_type = fields.Selection(
        CAPA_TYPES,
        string="Type",
        required=True,
        default="internal",
        tracking=True,
        help="A supplier corrective action request is sent to the vendor whose "
        "part caused the problem; it answers it in the same structure.",
    )
    open_date = fields.Datetime(
        "Opened on",
        required=True,
        default=fields.Datetime.now,
        tracking=True,
        help="The step deadlines run from this moment.",
    )
    cause_category = fields.Selection(
        CAUSE_CATEGORIES,
        string="Cause category",
        tracking=True,
        help="Grouping for the management review.",
    )
    # customer and goods
    partner_id = fields.Many2one(
        "res.partner", string="Customer", index=True, tracking=True
    )
    commercial_partner_id = fields.Many2one(
        string="Commercial entity",
        related="partner_id.commercial_partner_id",
        store=True,
        index=True,
    )
    product_id = fields.Many2one("product.product", index=True, tracking=True)
    product_tmpl_id = fields.Many2one(
        related="product_id.product_tmpl_id", string="Product template", store=True
    )
    product_categ_id = fields.Many2one(
        related="product_id.categ_id", string="Product category", store=True
    )
    lot_ids = fields.Many2many(
        "stock.lot",
        "cq_capa_lot_rel",
        string="Lots concerned",
        check_company=True,
        domain="[('product_id', '=?', product_id)]",
        help="Lots or serial numbers affected by the problem.",
    )
    # sources
    ticket_ids = fields.Many2many(
        "cq.ticket",
        "cq_capa_ticket_rel",
        "capa_id",
        "ticket_id",
        string="Complaints",
        check_company=True,
        help="The same problem reported by several customers shares one corrective "
        "action.",
    )
    ticket_count = fields.Integer("Tickets", compute="_compute_counts")
    team_ids = fields.Many2many(
        "cq.team",
        "cq_capa_team_rel",
        "capa_id",
        "team_id",
        string="Departments",
        compute="_compute_team_ids",
        store=True,
        compute_sudo=True,
        help="The departments of its complaints: it counts in each of their overviews.",
    )
    return_ids = fields.One2many("cq.return", "capa_id", string="Returns")
    return_count = fields.Integer("Number of returns", compute="_compute_counts")
    claim_ids = fields.One2many("cq.warranty.claim", "capa_id", string="Claims")
    claim_count = fields.Integer("Number of claims", compute="_compute_counts")
    satisfaction_trigger_ids = fields.One2many(
        "cq.satisfaction.trigger", "capa_id", string="Satisfaction results"
    )
    satisfaction_trigger_count = fields.Integer(
        "Satisfaction triggers", compute="_compute_counts"
    )

    # D1 team -------------------------------------------------------------
    leader_id = fields.Many2one(
        "res.users",
        string="Team leader",
        required=True,
        default=lambda self: self.env.user,
        index=True,
        tracking=True,
        domain="[('share', '=', False)]",
        check_company=True,
        help="Leads the 8D team and is responsible for the corrective action; by"
        " default who created it.",
    )
    member_ids = fields.Many2many(
        "res.users",
        "cq_capa_member_rel",
        "capa_id",
        "user_id",
        string="Team members",
        domain="[('share', '=', False)]",
        help="The people working on the corrective action with the leader; "
        "required on an 8D form.",
    )
    customer_contact_id = fields.Many2one(
        "res.partner",
        string="Customer's contact",
        domain="[('commercial_partner_id', '=', commercial_partner_id)]",
        help="The person at the customer the corrective action is followed up with.",
    )
    vendor_id = fields.Many2one(
        "res.partner",
        string="Supplier",
        index=True,
        tracking=True,
        help="The supplier asked for corrective action; required for a supplier "
        "corrective action request (SCAR).",
    )
    supplier_contact_id = fields.Many2one(
        "res.partner",
        string="Supplier's contact",
        domain="[('commercial_partner_id', '=', vendor_id)]",
        help="The person at the supplier the request is followed up with.",
    )

    # D2 problem (5W2H) ---------------------------------------------------
    description = fields.Html(
        "What is the problem",
        help="D2: what is wrong, in the customer's words and in ours.",
    )
    problem_where = fields.Char(
        "Where", help="Where it was found: at the customer, on which line, station."
    )
    problem_when = fields.Char("When", help="When it was found, since when it occurs.")
    problem_who = fields.Char("Who", help="Who found it, who is affected.")
    problem_why = fields.Text(
        "Why it is a problem", help="Which requirement it breaks; its effect."
    )
    problem_how = fields.Char(
        "How detected",
        help="How the problem was found, e.g. incoming inspection, customer "
        "complaint, audit.",
    )
    problem_how_many = fields.Float(
        "How many", digits="Product Unit of Measure", help="Quantity concerned."
    )
    customer_reference = fields.Char(
        "Customer's reference",
        tracking=True,
        help="The customer's own 8D or complaint number.",
    )

    # D3 containment, D5-D7 actions ------------------------------------------
    action_ids = fields.One2many("cq.capa.action", "capa_id", string="Actions")
    containment_action_ids = fields.One2many(
        "cq.capa.action",
        "capa_id",
        string="Containment",
        domain=[("kind", "=", "containment")],
        context={"default_kind": "containment"},
    )
    corrective_action_ids = fields.One2many(
        "cq.capa.action",
        "capa_id",
        string="Permanent corrective actions",
        domain=[("kind", "=", "corrective")],
        context={"default_kind": "corrective"},
    )
    preventive_action_ids = fields.One2many(
        "cq.capa.action",
        "capa_id",
        string="Preventive actions",
        domain=[("kind", "=", "preventive")],
        context={"default_kind": "preventive"},
    )
    containment_qty_checked = fields.Float(
        "Checked",
        compute="_compute_containment_totals",
        store=True,
        help="Total quantity checked by the containment actions.",
    )
    containment_qty_nonconforming = fields.Float(
        "Found nonconforming",
        compute="_compute_containment_totals",
        store=True,
        help="Total quantity found nonconforming by the containment actions.",
    )
    action_open_count = fields.Integer(
        "Actions to do", compute="_compute_action_progress"
    )
    action_overdue_count = fields.Integer(
        "Overdue actions", compute="_compute_action_progress"
    )
    has_overdue_action = fields.Boolean(
        "Overdue action",
        compute="_compute_action_progress",
        search="_search_has_overdue_action",
    )

    # D4 root causes ------------------------------------------------------
    cause_ids = fields.One2many("cq.capa.cause", "capa_id", string="Root causes")

    # D7 prevention ---------------------------------------------------------
    rollout_product_ids = fields.Many2many(
        "product.product",
        "cq_capa_rollout_product_rel",
        string="Similar products",
        help="D7: products the fix is rolled out to.",
    )
    rollout_category_ids = fields.Many2many(
        "product.category",
        "cq_capa_rollout_category_rel",
        string="Similar product families",
        help="Other product families where the same fix must be applied to "
        "prevent the problem.",
    )
    rollout_processes = fields.Text(
        "Similar processes", help="D7: lines and processes the fix is rolled out to."
    )
    document_ids = fields.One2many(
        "cq.capa.document",
        "capa_id",
        string="Documents updated",
        help="Documents changed by the actions (drawings, instructions, control "
        "plans...), with their new revision.",
    )
    lessons_learned = fields.Html(
        "Lessons learned",
        help="What the team learned, to share with other teams and future projects.",
    )

    # effectiveness ---------------------------------------------------------
    effectiveness_method = fields.Selection(
        VERIFICATION_METHODS,
        string="Verification plan",
        tracking=True,
        help="How effectiveness will be shown: e.g. the next deliveries without "
        "the defect, or a period without recurrence.",
    )
    effectiveness_deliveries = fields.Integer(
        "Deliveries to watch", help="For a check on the next deliveries."
    )
    effectiveness_days = fields.Integer(
        "Days to watch", help="For a period without recurrence."
    )
    effectiveness_criteria = fields.Text(
        "Acceptance criteria",
        help="What must be true for the actions to count as effective, e.g. no "
        "recurrence on the next deliveries.",
    )
    effectiveness = fields.Selection(
        EFFECTIVENESS,
        readonly=True,
        help="Empty until a quality manager verified the effectiveness of the actions.",
        tracking=True,
        copy=False,
    )
    verified_by_id = fields.Many2one(
        "res.users", "Verified by", readonly=True, copy=False, tracking=True
    )
    verified_date = fields.Datetime("Verified on", readonly=True, copy=False)
    ineffective_count = fields.Integer(
        "Times found not effective",
        readonly=True,
        copy=False,
        help="How many times the verification found the actions not effective "
        "and sent the corrective action back to root cause analysis.",
    )
    verification_ids = fields.One2many(
        "cq.capa.verification", "capa_id", string="Verifications"
    )

    # D8 closure ------------------------------------------------------------
    customer_acceptance = fields.Selection(
        CUSTOMER_ACCEPTANCE,
        string="Customer's acceptance of the closure",
        default="pending",
        required=True,
        tracking=True,
        help="An 8D for a customer closes once the customer accepted it, or its "
        "acceptance is not required.",
    )
    customer_acceptance_note = fields.Text("What the customer said")
    recognition = fields.Text(
        "Team recognition", help="D8: how the team's work was recognised."
    )
    closed_by_id = fields.Many2one("res.users", "Closed by", readonly=True, copy=False)
    closed_date = fields.Datetime("Closed on", readonly=True, copy=False)
    reopen_count = fields.Integer(
        "Reopened",
        readonly=True,
        copy=False,
        help="How many times the corrective action was reopened after closure "
        "because the problem came back.",
    )
    reopened_date = fields.Datetime("Reopened on", readonly=True, copy=False)
    cancel_reason = fields.Text("Cancel reason", readonly=True, copy=False)
    report_sent_date = fields.Datetime(
        "8D report sent on",
        readonly=True,
        copy=False,
        help="When the 8D report was last sent to the customer from the chatter; "
        "from then on the customer downloads it from their complaint in the portal.",
    )

    # deadlines -------------------------------------------------------------
    deadline_ids = fields.One2many(
        "cq.capa.deadline", "capa_id", string="Step deadlines"
    )
    date_deadline = fields.Datetime(
        "Next deadline",
        compute="_compute_deadline_summary",
        store=True,
        help="The earliest step deadline still to be met in the current round.",
    )
    deadline_status = fields.Selection(
        [
            ("on_time", "On time"),
            ("due_soon", "Due soon"),
            ("overdue", "Overdue"),
            ("met", "All met"),
        ],
        string="Deadline status",
        compute="_compute_deadline_summary",
        store=True,
        index=True,
    )

    # who may see it --------------------------------------------------------
    is_confidential = fields.Boolean(
        "Confidential",
        compute="_compute_is_confidential",
        store=True,
        help="Opened from a complaint about staff: only its team, the action owners, "
        "the complaint's handler and quality managers see it.",
    )
    recused_user_ids = fields.Many2many(
        "res.users",
        "cq_capa_recused_user_rel",
        "capa_id",
        "user_id",
        compute="_compute_recused_user_ids",
        store=True,
        string="Recused",
        help="The staff a linked complaint is about: they never see it.",
    )
    access_user_ids = fields.Many2many(
        "res.users",
        "cq_capa_access_user_rel",
        "capa_id",
        "user_id",
        compute="_compute_access_user_ids",
        store=True,
        string="Involved users",
        help="The team, the action owners, the handlers of its complaints and the "
        "customer's salesperson: the users outside quality who see it.",
    )
    has_waived_ticket = fields.Boolean(
        "Complaint closed first",
        compute="_compute_has_waived_ticket",
        store=True,
        help="A serious complaint was closed before this corrective action was "
        "verified effective: it stays on the management review list.",
    )

    # steps -------------------------------------------------------------------
    can_start_containment = fields.Boolean(
        "Can start containment", compute="_compute_can"
    )
    can_start_analysis = fields.Boolean("Can start analysis", compute="_compute_can")
    can_start_implementation = fields.Boolean(
        "Can start implementation", compute="_compute_can"
    )
    can_request_verification = fields.Boolean(
        "Can request verification", compute="_compute_can"
    )
    can_verify = fields.Boolean("Can verify", compute="_compute_can")
    can_close = fields.Boolean("Can close", compute="_compute_can")
    can_cancel = fields.Boolean("Can cancel", compute="_compute_can")
    can_reset = fields.Boolean("Can reset", compute="_compute_can")
    can_reopen = fields.Boolean("Can reopen", compute="_compute_can")

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "A corrective action number is unique in its company.",
        ),
        (
            "watch_positive",
            "CHECK(effectiveness_deliveries >= 0 AND effectiveness_days >= 0)",
            "What is watched cannot be negative.",
        ),
        (
            "how_many_positive",
            "CHECK(problem_how_many >= 0)",
            "The quantity concerned cannot be negative.",
        ),
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends(
        "partner_id.commercial_partner_id.cq_requires_8d", "ticket_ids.severity"
    )
    def _compute_form_type(self):
        for capa in self:
            if capa.is_locked and capa.form_type:
                continue  # a finished record keeps the form it was handled in
            if capa._cq_requires_8d():
                capa.form_type = "8d"
            elif not capa.form_type:
                capa.form_type = "short"

    def _cq_requires_8d(self):
        """Why this corrective action must follow 8D, or False."""
        self.ensure_one()
        if self.commercial_partner_id.cq_requires_8d:
            return self.env._(
                "%(customer)s requires 8D reports",
                customer=self.commercial_partner_id.name,
            )
        serious = self.ticket_ids.filtered(lambda t: t.severity == "serious")
        if serious:
            return self.env._(
                "%(ticket)s is a serious complaint", ticket=serious[0].name
            )
        return False

    def _compute_counts(self):
        for capa in self:
            capa.ticket_count = len(capa.ticket_ids)
            capa.return_count = len(capa.return_ids)
            capa.claim_count = len(capa.claim_ids)
            capa.satisfaction_trigger_count = len(capa.satisfaction_trigger_ids)

    @api.depends(
        "action_ids.kind", "action_ids.qty_checked", "action_ids.qty_nonconforming"
    )
    def _compute_containment_totals(self):
        for capa in self:
            lines = capa.action_ids.filtered(lambda a: a.kind == "containment")
            capa.containment_qty_checked = sum(lines.mapped("qty_checked"))
            capa.containment_qty_nonconforming = sum(lines.mapped("qty_nonconforming"))

    @api.depends("action_ids.state", "action_ids.date_deadline")
    def _compute_action_progress(self):
        for capa in self:
            open_lines = capa.action_ids.filtered(lambda a: a.state == "open")
            capa.action_open_count = len(open_lines)
            capa.action_overdue_count = len(open_lines.filtered("is_overdue"))
            capa.has_overdue_action = bool(capa.action_overdue_count)

    def _search_has_overdue_action(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on overdue actions."))
        positive = (operator == "=") == value
        return [
            (
                "action_ids",
                "any" if positive else "not any",
                [("is_overdue", "=", True)],
            )
        ]

    @api.depends("ticket_ids.team_id")
    def _compute_team_ids(self):
        for capa in self:
            capa.team_ids = capa.ticket_ids.team_id

    @api.depends("ticket_ids.is_staff_complaint")
    def _compute_is_confidential(self):
        for capa in self:
            capa.is_confidential = any(capa.ticket_ids.mapped("is_staff_complaint"))

    @api.depends("ticket_ids.complained_user_ids")
    def _compute_recused_user_ids(self):
        for capa in self:
            capa.recused_user_ids = capa.ticket_ids.complained_user_ids

    @api.depends(
        "leader_id",
        "member_ids",
        "recused_user_ids",
        "action_ids.user_id",
        "ticket_ids.user_id",
        "is_confidential",
        "commercial_partner_id.user_id",
        "ticket_ids.commercial_partner_id.user_id",
    )
    def _compute_access_user_ids(self):
        for capa in self:
            users = (
                capa.leader_id
                | capa.member_ids
                | capa.action_ids.user_id
                | capa.ticket_ids.user_id
            )
            if not capa.is_confidential:
                users |= (
                    capa.commercial_partner_id.user_id
                    | capa.ticket_ids.commercial_partner_id.user_id
                )
            capa.access_user_ids = users - capa.recused_user_ids

    @api.depends("ticket_ids.capa_waived_date")
    def _compute_has_waived_ticket(self):
        for capa in self:
            capa.has_waived_ticket = any(capa.ticket_ids.mapped("capa_waived_date"))

    @api.depends(
        "state",
        "reopen_count",
        "ineffective_count",
        "deadline_ids.date_deadline",
        "deadline_ids.status",
    )
    def _compute_deadline_summary(self):
        for capa in self:
            round_ = capa.reopen_count + capa.ineffective_count
            current = capa.deadline_ids.filtered(
                lambda d, r=round_: d.round == r and not d.superseded
            )
            pending = current.filtered(lambda d: not d.date_met)
            capa.date_deadline = min(pending.mapped("date_deadline"), default=False)
            statuses = set(current.mapped("status"))
            if not current or capa.state == "cancelled":
                capa.deadline_status = False
            elif "overdue" in statuses:
                capa.deadline_status = "overdue"
            elif "due_soon" in statuses:
                capa.deadline_status = "due_soon"
            elif pending:
                capa.deadline_status = "on_time"
            else:
                capa.deadline_status = "met"

    @api.depends_context("uid")
    @api.depends("state", "ticket_ids")
    def _compute_can(self):
        user = self.env.user
        officer = user.has_group("customer_quality.group_cq_officer")
        manager = user.has_group("customer_quality.group_cq_manager")
        for capa in self:
            state = capa.state
            capa.can_start_containment = officer and state == "draft"
            capa.can_start_analysis = officer and state == "containment"
            capa.can_start_implementation = officer and state == "analysis"
            capa.can_request_verification = officer and state == "implementation"
            capa.can_verify = manager and state == "verification"
            capa.can_close = manager and state == "verified"
            capa.can_cancel = officer and state in STEP_STATES["cancel"]
            capa.can_reset = manager and state == "cancelled"
            capa.can_reopen = manager and state == "closed"

    @api.model
    def _cq_step_states(self):
        return STEP_STATES

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("form_type", "partner_id", "ticket_ids")
    def _check_form_type(self):
        for capa in self.filtered(lambda c: not c.is_locked):
            reason = capa.form_type != "8d" and capa._cq_requires_8d()
            if reason:
                raise ValidationError(
                    self.env._(
                        "%(capa)s follows 8D: %(reason)s.",
                        capa=capa.display_name,
                        reason=reason,
                    )
                )

    @api.constrains("leader_id", "member_ids", "ticket_ids")
    def _check_team_recusal(self):
        for capa in self:
            recused = (capa.leader_id | capa.member_ids) & capa.recused_user_ids
            if recused:
                raise ValidationError(
                    self.env._(
                        "%(users)s: a linked complaint is about them, they cannot be "
                        "on its corrective action team.",
                        users=", ".join(recused.mapped("name")),
                    )
                )

    @api.constrains("capa_type", "vendor_id")
    def _check_supplier(self):
        for capa in self:
            if capa.capa_type == "supplier" and not capa.vendor_id:
                raise ValidationError(
                    self.env._(
                        "A supplier corrective action request names the supplier."
                    )
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        capas = super().create(vals_list)
        capas._cq_subscribe_team()
        capas._cq_sync_deadlines()
        return capas

    def write(self, vals):
        linked = (
            {capa: capa.ticket_ids for capa in self} if "ticket_ids" in vals else {}
        )
        result = super().write(vals)
        for capa, before in linked.items():
            if capa.ticket_ids - before:
                self._cq_check_new_links({capa.ticket_ids - before: capa})
        if "ticket_ids" in vals:
            self._cq_apply_recusal()
        if {"leader_id", "member_ids"} & set(vals):
            self._cq_subscribe_team()
        if {"open_date", "partner_id", "company_id"} & set(vals):
            self._cq_sync_deadlines()
        return result

    def _cq_company_links(self):
        return bool(self.ticket_ids or self.return_ids or self.claim_ids)

    @api.model
    def _cq_check_new_links(self, links):
        """``links``: {tickets: corrective actions} just linked together. A
        corrective action takes new complaints only while its team works on it:
        once its effectiveness is checked, a new complaint is not covered by
        that check (reopen it, or open another one)."""
        for tickets, capas in links.items():
            for capa in capas:
                if capa.state not in WORKING_STATES:
                    raise UserError(
                        self.env._(
                            "%(capa)s is %(state)s: %(tickets)s cannot join it; "
                            "reopen it or open a new corrective action.",
                            capa=capa.display_name,
                            state=capa._cq_state_label(),
                            tickets=", ".join(tickets.mapped("display_name")),
                        )
                    )
            capas._check_form_type()
            capas._check_team_recusal()
            capas.action_ids._check_owner_recusal()

    def _cq_apply_recusal(self):
        """The person a linked complaint is about leaves the corrective action:
        off the team and the followers, their open actions handed to the
        leader (or, if the leader is recused, to the quality manager)."""
        for capa in self.sudo():
            recused = capa.recused_user_ids
            if not recused:
                continue
            capa.message_unsubscribe(partner_ids=recused.partner_id.ids)
            values = {}
            if capa.member_ids & recused:
                values["member_ids"] = [
                    Command.unlink(user.id) for user in capa.member_ids & recused
                ]
            leader = capa.leader_id
            if leader in recused:
                leader = (
                    capa.company_id.cq_quality_manager_id
                    | capa.company_id.cq_general_manager_id
                ) - recused
                leader = leader[:1]
                if leader:
                    values["leader_id"] = leader.id
            if values:
                with capa._cq_in_transition():
                    capa.write(values)
            lines = capa.action_ids.filtered(
                lambda a, r=recused: a.state == "open" and a.user_id in r
            )
            if lines and leader and leader not in recused:
                lines.write({"user_id": leader.id})
            capa.activity_ids.filtered(
                lambda a, r=recused: a.user_id in r
            ).sudo().unlink()

    def _cq_subscribe_team(self):
        for capa in self:
            users = (capa.leader_id | capa.member_ids) - capa.recused_user_ids
            if users:
                capa.message_subscribe(partner_ids=users.partner_id.ids)

    def _cq_check_lines_editable(self):
        """Actions change while the team works; once verification is asked, they
        are what is verified."""
        for capa in self:
            if capa.state not in WORKING_STATES:
                raise UserError(
                    self.env._(
                        "%(capa)s is %(state)s: its actions no longer change.",
                        capa=capa.display_name,
                        state=capa._cq_state_label(),
                    )
                )

    def _cq_check_causes_editable(self):
        for capa in self:
            capa._cq_check_lines_editable()
            if not self.env.su:
                capa._cq_check_group(
                    "customer_quality.group_cq_officer",
                    self.env._("record root causes"),
                )

    def _cq_check_prevention_editable(self):
        for capa in self:
            if capa.is_locked:
                raise UserError(
                    self.env._(
                        "%(capa)s is %(state)s: its records no longer change.",
                        capa=capa.display_name,
                        state=capa._cq_state_label(),
                    )
                )
            if not self.env.su:
                capa._cq_check_group(
                    "customer_quality.group_cq_officer",
                    self.env._("record the documents updated"),
                )

    # ------------------------------------------------------------------
    # Steps
    # ------------------------------------------------------------------
    def action_start_containment(self):
        """D1-D2 done: the team and the problem are known, containment starts."""
        for capa in self:
            capa._cq_ensure_can("start_containment")
            missing = []
            if is_html_empty(capa.description):
                missing.append(self.env._("what the problem is (D2)"))
            if capa.form_type == "8d" and not capa.member_ids:
                missing.append(self.env._("the team members (D1)"))
            capa._cq_refuse_missing(missing)
            capa._cq_set_state("containment")
        return True

    def action_start_analysis(self):
        """D3 done: the suspect goods are contained, the root cause is sought."""
        for capa in self:
            capa._cq_ensure_can("start_analysis")
            if not capa.containment_action_ids.filtered(
                lambda a: a.state != "cancelled"
            ):
                capa._cq_refuse_missing(
                    [self.env._("a containment action: where, what was checked (D3)")]
                )
            capa._cq_set_state("analysis")
            capa._cq_mark_met("start_analysis")
        return True

    def action_start_implementation(self):
        """D4-D5 done: the root causes are found and the permanent actions chosen."""
        for capa in self:
            capa._cq_ensure_can("start_implementation")
            causes = capa.cause_ids
            missing = []
            if capa.form_type == "8d":
                if not causes.filtered(lambda c: c.kind == "occurrence"):
                    missing.append(self.env._("why it occurred (D4)"))
                if not causes.filtered(lambda c: c.kind == "detection"):
                    missing.append(self.env._("why it was not detected (D4)"))
            elif not causes:
                missing.append(self.env._("the root cause"))
            corrective = capa.corrective_action_ids.filtered(
                lambda a: a.state != "cancelled"
            )
            if not corrective:
                missing.append(self.env._("a permanent corrective action (D5)"))
            untied = corrective.filtered(lambda a: not a.cause_id)
            if untied:
                missing.append(
                    self.env._(
                        "the root cause each action removes (%(actions)s)",
                        actions=", ".join(untied.mapped("name")),
                    )
                )
            uncovered = causes.filtered(
                lambda c: (
                    c.kind in ("occurrence", "detection")
                    and not c.action_ids.filtered(lambda a: a.state != "cancelled")
                )
            )
            if corrective and uncovered:
                missing.append(
                    self.env._(
                        "an action removing each root cause (%(causes)s)",
                        causes=", ".join(uncovered.mapped("name")),
                    )
                )
            capa._cq_refuse_missing(missing)
            capa._cq_set_state("implementation")
            capa._cq_mark_met("start_implementation")
        return True

    def action_request_verification(self):
        """D6 done: every action is done; effectiveness is to be verified."""
        for capa in self:
            capa._cq_ensure_can("request_verification")
            missing = []
            open_lines = capa.action_ids.filtered(lambda a: a.state == "open")
            if open_lines:
                missing.append(
                    self.env._(
                        "the actions still to do: %(actions)s",
                        actions=", ".join(open_lines.mapped("name")),
                    )
                )
            if not capa.corrective_action_ids.filtered(lambda a: a.state == "done"):
                missing.append(self.env._("a permanent corrective action done (D6)"))
            if not capa.effectiveness_method:
                missing.append(self.env._("how effectiveness will be verified"))
            capa._cq_refuse_missing(missing)
            capa._cq_set_state("verification")
            capa._cq_mark_met("request_verification")
            verifier = capa.company_id.cq_quality_manager_id
            if verifier and verifier not in capa._cq_action_owners():
                capa.activity_schedule(
                    "customer_quality.mail_activity_type_cq_capa_verify",
                    user_id=verifier.id,
                )
        return True

    def action_open_verify(self):
        """The verification of effectiveness, in a dialog."""
        self.ensure_one()
        self._cq_ensure_can("verify")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Verify effectiveness"),
            "res_model": "cq.capa.verify.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_capa_id": self.id,
                "default_method": self.effectiveness_method,
            },
        }

    def action_verify(
        self,
        effective,
        method,
        note,
        deliveries_checked=0,
        days_observed=0,
        attachment_ids=None,
    ):
        """A quality manager who did none of the actions verifies their
        effectiveness: effective, the corrective action may close; not
        effective, the analysis starts again (and it is recorded)."""
        note = (note or "").strip()
        for capa in self:
            capa._cq_ensure_can("verify")
            owners = capa._cq_action_owners()
            if self.env.user in owners:
                raise UserError(
                    self.env._(
                        "You own actions of %(capa)s: their effectiveness is verified "
                        "by someone else.",
                        capa=capa.display_name,
                    )
                )
            if method not in dict(VERIFICATION_METHODS):
                raise UserError(self.env._("Say how effectiveness was verified."))
            if not note:
                raise UserError(self.env._("Record the evidence of the verification."))
            if deliveries_checked < 0 or days_observed < 0:
                raise UserError(self.env._("What was watched cannot be negative."))
            now = fields.Datetime.now()
            # the files uploaded in the wizard become the corrective action's
            uploaded = (
                self.env["ir.attachment"]
                .sudo()
                .browse(attachment_ids or [])
                .filtered(
                    lambda a: (
                        a.create_uid == self.env.user
                        and a.res_model in (False, "cq.capa.verify.wizard")
                    )
                )
            )
            uploaded.write({"res_model": "cq.capa", "res_id": capa.id})
            self.env["cq.capa.verification"].sudo().create(
                {
                    "capa_id": capa.id,
                    "user_id": self.env.user.id,
                    "date": now,
                    "method": method,
                    "deliveries_checked": deliveries_checked,
                    "days_observed": days_observed,
                    "result": "effective" if effective else "ineffective",
                    "note": note,
                    "attachment_ids": [Command.set(uploaded.ids)],
                }
            )
            capa.activity_ids.filtered(
                lambda a: (
                    a.activity_type_id
                    == self.env.ref(
                        "customer_quality.mail_activity_type_cq_capa_verify"
                    )
                )
            ).action_feedback(feedback=note)
            if effective:
                capa._cq_set_state(
                    "verified",
                    effectiveness="effective",
                    verified_by_id=self.env.user.id,
                    verified_date=now,
                )
                capa.message_post(
                    body=Markup("<p>%s</p><p>%s</p>")
                    % (self.env._("Effectiveness verified: effective."), note),
                    subtype_xmlid="mail.mt_note",
                )
            else:
                capa._cq_set_state(
                    "analysis",
                    effectiveness="ineffective",
                    verified_by_id=False,
                    verified_date=False,
                    ineffective_count=capa.ineffective_count + 1,
                )
                capa.message_post(
                    body=Markup("<p>%s</p><p>%s</p>")
                    % (
                        self.env._(
                            "The actions were not effective: back to root cause "
                            "analysis."
                        ),
                        note,
                    ),
                    subtype_xmlid="mail.mt_note",
                )
                capa._cq_sync_deadlines()
                capa.activity_schedule(
                    "customer_quality.mail_activity_type_cq_capa_action",
                    user_id=capa.leader_id.id,
                    summary=env_for(self.env, capa.leader_id)._(
                        "Actions not effective: analyse again"
                    ),
                    note=note,
                )
        return True

    def action_close(self):
        """D8: the corrective action is closed, its effectiveness verified."""
        for capa in self:
            capa._cq_ensure_can("close")
            if capa.effectiveness != "effective":
                raise UserError(
                    self.env._(
                        "%(capa)s closes once its effectiveness is verified.",
                        capa=capa.display_name,
                    )
                )
            if (
                capa.form_type == "8d"
                and capa.partner_id
                and capa.customer_acceptance == "pending"
            ):
                capa._cq_refuse_missing(
                    [self.env._("the customer's acceptance of the closure (D8)")]
                )
            capa._cq_set_state(
                "closed",
                closed_by_id=self.env.user.id,
                closed_date=fields.Datetime.now(),
            )
            capa._cq_mark_met("close")
            capa.activity_ids.action_feedback(
                feedback=self.env._("Corrective action closed")
            )
        return True

    def action_cancel(self, reason=None):
        reason = (reason or "").strip()
        for capa in self:
            capa._cq_ensure_can("cancel")
            if not reason:
                raise UserError(
                    self.env._("Say why the corrective action is cancelled.")
                )
            capa._cq_set_state("cancelled", cancel_reason=reason)
            capa.message_post(body=reason, subtype_xmlid="mail.mt_note")
            capa.action_ids.filtered(
                lambda a: a.state == "open"
            ).activity_id.sudo().unlink()
        return True

    def action_reset(self):
        for capa in self:
            capa._cq_ensure_can("reset")
            capa._cq_set_state("draft", cancel_reason=False)
            capa.action_ids.filtered(
                lambda a: a.state == "open"
            )._cq_schedule_activity()
        return True

    def action_reopen(self, reason=None):
        """The problem came back after closure: the analysis starts again."""
        reason = (reason or "").strip()
        for capa in self:
            capa._cq_ensure_can("reopen")
            if not reason:
                raise UserError(
                    self.env._("Say why the corrective action is reopened.")
                )
            capa._cq_set_state(
                "analysis",
                reopen_count=capa.reopen_count + 1,
                reopened_date=fields.Datetime.now(),
                effectiveness=False,
                verified_by_id=False,
                verified_date=False,
                closed_by_id=False,
                closed_date=False,
            )
            capa.message_post(
                body=Markup("<p>%s</p><p>%s</p>")
                % (self.env._("Reopened: back to root cause analysis."), reason),
                subtype_xmlid="mail.mt_note",
            )
            capa._cq_sync_deadlines()
        return True

    def _cq_open_reason(self, step, name):
        self.ensure_one()
        self._cq_ensure_can(step)
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": "cq.capa.reason.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_capa_id": self.id, "default_step": step},
        }

    def action_open_cancel(self):
        return self._cq_open_reason(
            "cancel", self.env._("Cancel the corrective action")
        )

    def action_open_reopen(self):
        return self._cq_open_reason(
            "reopen", self.env._("Reopen the corrective action")
        )

    def _cq_refuse_missing(self, missing):
        if missing:
            raise UserError(
                self.env._(
                    "%(capa)s needs %(missing)s before this step.",
                    capa=self.display_name,
                    missing="; ".join(missing),
                )
            )

    def _cq_action_owners(self):
        self.ensure_one()
        lines = self.action_ids.filtered(lambda a: a.state != "cancelled")
        return lines.user_id | lines.done_by_id

    # ------------------------------------------------------------------
    # Deadlines
    # ------------------------------------------------------------------
    def _cq_round(self):
        self.ensure_one()
        return self.reopen_count + self.ineffective_count

    def _cq_round_start(self):
        self.ensure_one()
        if self._cq_round():
            return max(
                filter(None, [self.reopened_date, self.verification_ids[:1].date]),
                default=self.open_date,
            )
        return self.open_date

    def _cq_wanted_deadlines(self):
        # a new round starts from the analysis: containment was done already
        return ("d4", "d6", "d8") if self._cq_round() else ("d3", "d4", "d6", "d8")

    def _cq_sync_deadlines(self):
        """Plan the step deadlines of the current round, or move the open ones
        (the customer or the opening moved); met ones stay as they are."""
        capas = self.filtered(lambda c: c.state in OPEN_CAPA_STATES)
        if not capas:
            return
        # a new round (not effective, reopened): the earlier steps left unmet
        # are history, no longer due
        capas.sudo().deadline_ids.filtered(
            lambda d: (
                not d.date_met and not d.superseded and d.round < d.capa_id._cq_round()
            )
        ).write({"superseded": True})
        rules = self.env["cq.capa.deadline.rule"]._rules_for(capas)
        Deadline = self.env["cq.capa.deadline"].sudo()
        plans = {}
        for capa in capas:
            calendar = capa.company_id._cq_calendar()
            start = capa._cq_round_start()
            for kind in capa._cq_wanted_deadlines():
                duration, unit = (
                    rules.get((capa.company_id.id, capa.commercial_partner_id.id, kind))
                    or rules[(capa.company_id.id, False, kind)]
                )
                plans.setdefault(calendar, []).append(
                    (capa, kind, (start, duration, unit))
                )
        to_create = []
        for calendar, items in plans.items():
            dates = self.env["cq.deadline.rule"]._plan(
                calendar, [request for _c, _k, request in items]
            )
            for (capa, kind, _request), date in zip(items, dates, strict=True):
                current = capa.deadline_ids.filtered(
                    lambda d, c=capa, k=kind: d.kind == k and d.round == c._cq_round()
                )
                if not current:
                    to_create.append(
                        {
                            "capa_id": capa.id,
                            "kind": kind,
                            "round": capa._cq_round(),
                            "date_deadline": date,
                        }
                    )
                elif not current.date_met and current.date_deadline != date:
                    current.sudo().write(
                        {"date_deadline": date, "date_escalated": False}
                    )
        if to_create:
            Deadline.create(to_create)

    def _cq_mark_met(self, step):
        kind = MET_BY[step]
        deadlines = self.sudo().deadline_ids.filtered(
            lambda d: d.kind == kind and not d.date_met and d.round == self._cq_round()
        )
        if deadlines:
            deadlines.write({"date_met": fields.Datetime.now()})

    def _cq_escalation_user(self):
        self.ensure_one()
        return (
            self.company_id.cq_quality_manager_id
            or self.company_id.cq_general_manager_id
        )

    # ------------------------------------------------------------------
    # Opening from a source
    # ------------------------------------------------------------------
    @api.model
    def _cq_open_from(self, source, values):
        """Create a corrective action from ``source`` (a ticket, return or claim)
        with ``values``, and show it; quality only."""
        self._cq_check_group(
            "customer_quality.group_cq_officer", self.env._("open corrective actions")
        )
        capa = self.create(values)
        capa.message_post_with_source(
            "mail.message_origin_link",
            render_values={"self": capa, "origin": source},
            subtype_xmlid="mail.mt_note",
        )
        return capa._cq_open("cq.capa", capa, self.env._("Corrective action"))

    def action_send_8d(self):
        """The 8D report to the customer, from the chatter's composer."""
        self.ensure_one()
        self._cq_check_group(
            "customer_quality.group_cq_officer", self.env._("send 8D reports")
        )
        return self._cq_composer(
            "customer_quality.mail_template_cq_capa_8d", "cq_capa_8d_sent"
        )

    def _get_report_base_filename(self):
        # the file the customer downloads from the portal
        self.ensure_one()
        return re.sub(r"\W+", "_", f"8D {self.name}")

    def message_post(self, **kwargs):
        if not self.env.context.get("cq_capa_8d_sent"):
            return super().message_post(**kwargs)
        # (the context only tells which step the email completes: the sender
        # must be one who sends 8D reports, and it must reach the customer)
        self._cq_check_group(
            "customer_quality.group_cq_officer", self.env._("send 8D reports")
        )
        capas = self.with_context(cq_capa_8d_sent=False)
        message = super(CqCapa, capas).message_post(**kwargs)
        self._cq_check_step_message(message)
        capas._cq_write_workflow({"report_sent_date": fields.Datetime.now()})
        return message

    @api.model
    def _cq_open_for(self, source, values):
        """The corrective action of ``source`` (a return or a claim), or a new one
        opened from it with ``values`` and linked to it."""
        source.ensure_one()
        if source.capa_id:
            return source._cq_open(
                "cq.capa", source.capa_id, self.env._("Corrective action")
            )
        if source.state == "cancelled":
            raise UserError(
                self.env._(
                    "%s is cancelled: it needs no corrective action.", source.name
                )
            )
        action = self._cq_open_from(source, values)
        source.sudo()._cq_link_capa(self.browse(action["res_id"]))
        return action

    # ------------------------------------------------------------------
    # Smart buttons
    # ------------------------------------------------------------------
    def action_view_tickets(self):
        self.ensure_one()
        return self._cq_open("cq.ticket", self.ticket_ids, self.env._("Complaints"))

    def action_view_returns(self):
        self.ensure_one()
        return self._cq_open("cq.return", self.return_ids, self.env._("Returns"))

    def action_view_satisfaction_triggers(self):
        self.ensure_one()
        return self._cq_open(
            "cq.satisfaction.trigger",
            self.satisfaction_trigger_ids,
            self.env._("Satisfaction results"),
        )

    def action_view_claims(self):
        self.ensure_one()
        return self._cq_open(
            "cq.warranty.claim", self.claim_ids, self.env._("Warranty claims")
        )
