from datetime import timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare, is_html_empty
from odoo.tools.sql import create_index

from .cq_category import CLASSIFICATIONS
from .cq_deadline_rule import SEVERITIES, to_naive_utc
from .cq_recipient_lang import env_for

STATES = [
    ("draft", "New"),
    ("assigned", "Assigned"),
    ("investigating", "Investigation"),
    ("to_approve", "Waiting Approval"),
    ("approved", "Approved"),
    ("replied", "Replied"),
    ("closed", "Closed"),
    ("cancelled", "Cancelled"),
]
OPEN_STATES = (
    "draft",
    "assigned",
    "investigating",
    "to_approve",
    "approved",
    "replied",
)

FEEDBACK_TYPES = [
    ("complaint", "Complaint"),
    ("quality_feedback", "Quality feedback"),
    ("return_request", "Return request"),
    ("suggestion", "Suggestion"),
    ("expectation_current", "Expectation on current products"),
    ("expectation_future", "Expectation on future products"),
    ("praise", "Praise"),
]

CHANNELS = [
    ("phone", "Phone"),
    ("letter", "Letter"),
    ("fax", "Fax"),
    ("email", "Email"),
    ("visit", "Visit"),
    ("field_service", "Field service"),
    ("portal", "Portal"),
    ("distributor", "Distributor"),
    ("survey", "Survey"),
    ("other", "Other"),
]
# Oral channels: the recorder must read the record back to the customer (复述确认).
ORAL_CHANNELS = ("phone", "visit", "field_service")
# the classifications about goods we delivered: their form asks for the goods
GOODS_CLASSIFICATIONS = ("product_quality", "delivery", "after_sales")

CAUSE_CATEGORIES = [
    ("our_product", "Our product"),
    ("our_service", "Our service"),
    ("carrier", "Carrier"),
    ("supplier", "Supplier"),
    ("customer_misuse", "Customer misuse"),
    ("no_fault", "No fault found"),
]
# cause of a return, from the ticket's cause category
TICKET_CAUSE_TO_RETURN = {
    "our_product": "quality",
    "supplier": "quality",
    "our_service": "sales",
    "carrier": "logistics",
    "customer_misuse": "customer",
    "no_fault": "no_fault",
}

APPROVAL_LEVELS = [
    ("team_manager", "Department manager"),
    ("quality_manager", "Quality manager"),
    ("general_manager", "General manager"),
]

SATISFACTION = [
    ("very_satisfied", "Very satisfied"),
    ("satisfied", "Satisfied"),
    ("neutral", "Neutral"),
    ("dissatisfied", "Dissatisfied"),
    ("very_dissatisfied", "Very dissatisfied"),
]

# The serious-complaint criteria of the procedures, each a checkbox.
SERIOUS_CRITERIA = (
    "serious_safety",
    "serious_compensation",
    "serious_external",
    "serious_repeated",
    "serious_authority",
    "serious_batch_return",
)

# Fields whose change moves the deadlines.
DEADLINE_FIELDS = {
    "received_date",
    "severity",
    "urgent",
    "visit_required",
    "line_stop",
    "customer_unreachable",
    "company_id",
    "reopen_count",
}

SEVERITY_FIELDS = {*SERIOUS_CRITERIA, "loss_amount", "severity_override", "company_id"}

# The investigation and the decision put to approval: changed by whoever handles
# the ticket, and frozen while the decision waits for approval or once approved.
INVESTIGATION_FIELDS = {
    "cause_category",
    "fault_team_id",
    "fault_user_id",
    "root_cause",
    "temporary_measure_1",
    "temporary_measure_2",
    "temporary_measure_3",
    "proposed_solution",
    "decision_amount",
}
# Who handles the ticket and who it is about: changed by whoever handles it once
# it has been handed off.
ROUTING_FIELDS = {"team_id", "user_id", "complained_user_ids"}

# Longer subjects (a forwarded e-mail's, say) are cut: the whole text stays in the
# description and the chatter.
SUBJECT_MAX = 200

# The states each step starts from (the buttons and the actions read it).
STEP_STATES = {
    "submit": ("draft",),
    "start": ("assigned",),
    "request_approval": ("investigating",),
    "approve": ("to_approve",),
    "reply": ("approved",),
    "record_acceptance": ("replied",),
    "follow_up": ("closed",),
    "reopen": ("closed",),
    "cancel": OPEN_STATES,
    "reset": ("cancelled",),
    "waive_capa": OPEN_STATES,
    "open_capa": (*OPEN_STATES, "closed"),
    "acknowledge": OPEN_STATES,
    "confirm_readback": OPEN_STATES,
    "record_visit": OPEN_STATES,
    "override_severity": OPEN_STATES,
    "put_pending": OPEN_STATES,
}

# Which step meets which deadlines.
MET_BY = {
    "submit": ("handoff",),
    "acknowledge": ("first_reply",),
    "visit": ("site_visit",),
    "request_approval": ("determination",),
    "reply": ("first_reply", "determination", "solution", "urgent"),
}


class CqTicket(models.Model):
    """A piece of customer voice: complaint, feedback, suggestion, praise…"""

    _name = "cq.ticket"
    _description = "Customer Quality Ticket"
    # the portal's restrictions first, before mail.thread's defaults
    _inherit = [
        "cq.portal.mixin",
        "cq.document.mixin",
        "mail.thread.cc",
        "mail.activity.mixin",
        "cq.composer.mixin",
        "cq.source.mixin",
        "cq.deadline.replan.mixin",
    ]
    _order = "received_date desc, id desc"
    _check_company_auto = True
    _mailing_enabled = True
    _primary_email = "email_from"
    _cq_sequence_code = "cq.ticket"
    _cq_sequence_date_field = "received_date"
    _cq_workflow_fields = (
        "readback_confirmed",
        "readback_date",
        "readback_user_id",
        "serious_notified",
        "first_reply_date",
        "approved_by_id",
        "approved_date",
        "reply_date",
        "customer_acceptance",
        "acceptance_date",
        "reopen_count",
        "reopened_date",
        "closed_date",
        "follow_up_date",
        "pending",
        "pending_since",
        # what the user types before a step, in its wizard: kept as history
        "approval_note",
        "acceptance_note",
        "pending_reason",
        "severity_override",
        "severity_override_reason",
        "handling_satisfaction",
        "follow_up_note",
        "capa_waiver_reason",
        "capa_waived_by_id",
        "capa_waived_date",
        # found by the repeat detection of the later tickets
        "repeated_by_ids",
        # set and cleared by the re-planning of deadlines
        "deadlines_replanning",
    )
    _cq_escalation_subtype = "customer_quality.mt_cq_ticket_escalated"
    _cq_replan_states = OPEN_STATES
    _cq_officer_fields = ("capa_ids",)
    _cq_next_steps = (
        "confirm_readback",
        "submit",
        "acknowledge",
        "start",
        "request_approval",
        "approve",
        "reply",
        "record_acceptance",
        "follow_up",
    )

    def init(self):
        res = super().init()
        # Performance (bench/): the lists open on the newest tickets; with this
        # index a page of 80 is read from 100 000 tickets without sorting them
        # all (and without PostgreSQL's JIT compiling the record rules: 1.3 s)
        create_index(
            self.env.cr,
            "cq_ticket_received_date_id_index",
            self._table,
            ["received_date DESC", "id DESC"],
        )
        return res

    # ------------------------------------------------------------------
    # Identity
    # ------------------------------------------------------------------
    name = fields.Char(
        "Number",
        readonly=True,
        copy=False,
        default="/",
        index="trigram",
        help="CQ/year/number",
    )
    subject = fields.Char(tracking=True, help="A short title of the feedback.")
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
        tracking=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        STATES,
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
        index=True,
        group_expand="_cq_group_expand_states",
    )
    feedback_type = fields.Selection(
        FEEDBACK_TYPES,
        string="Type",
        required=True,
        default="complaint",
        tracking=True,
        help="What kind of feedback this is. Only complaints, quality feedback "
        "and return requests report a problem and can be detected as "
        "repeats.",
    )
    color = fields.Integer()

    # ------------------------------------------------------------------
    # Intake
    # ------------------------------------------------------------------
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        tracking=True,
        index=True,
        check_company=True,
        help="The customer (company) the feedback comes from.",
    )
    commercial_partner_id = fields.Many2one(
        string="Commercial entity",
        related="partner_id.commercial_partner_id",
        store=True,
        precompute=True,
        index=True,
    )
    contact_id = fields.Many2one(
        "res.partner",
        string="Contact person",
        check_company=True,
        domain="[('commercial_partner_id', '=', commercial_partner_id)]",
    )
    email_from = fields.Char(
        "Email",
        compute="_compute_contact_details",
        store=True,
        readonly=False,
        precompute=True,
    )
    phone = fields.Char(
        compute="_compute_contact_details",
        store=True,
        readonly=False,
        precompute=True,
    )
    fax = fields.Char()
    address = fields.Text(
        compute="_compute_contact_details", store=True, readonly=False, precompute=True
    )
    channel = fields.Selection(
        CHANNELS,
        required=True,
        default="phone",
        tracking=True,
        help="How the feedback reached us.",
    )
    received_date = fields.Datetime(
        "Received on",
        required=True,
        default=fields.Datetime.now,
        tracking=True,
        help="All deadlines run from this moment.",
    )
    received_by_id = fields.Many2one(
        "res.users",
        string="Recorded by",
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
        help="Who registered the feedback; by default the user who created the ticket.",
    )
    description = fields.Html(
        "What happened",
        sanitize_style=True,
        help="Time, place, people and events, in the customer's words.",
    )
    visit_id = fields.Many2one(
        "cq.customer.visit",
        string="Found on visit",
        index="btree_not_null",
        check_company=True,
        help="The customer visit or field service that raised it.",
    )
    event_date = fields.Date("Occurred on")
    event_place = fields.Char(
        "Place",
        help="Where the problem happened, e.g. the customer's site, line or warehouse.",
    )
    people_involved = fields.Char(
        "People involved",
        help="Who was present or concerned when the problem happened.",
    )

    # Goods
    sale_order_id = fields.Many2one(
        "sale.order",
        string="Sale order",
        compute="_compute_sale_order_id",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        index="btree_not_null",
        check_company=True,
        domain="[('partner_id.commercial_partner_id', '=', commercial_partner_id)]",
    )
    picking_id = fields.Many2one(
        "stock.picking",
        string="Delivery",
        tracking=True,
        index="btree_not_null",
        check_company=True,
        domain="[('picking_type_code', '=', 'outgoing'), ('state', '=', 'done'),"
        " ('partner_id.commercial_partner_id', '=', commercial_partner_id)]",
    )
    product_id = fields.Many2one("product.product", tracking=True, index=True)
    product_spec = fields.Char(
        "Specification / model",
        compute="_compute_product_spec",
        store=True,
        readonly=False,
        precompute=True,
        help="The product's specification or model as the customer gives it; "
        "filled in with the product's internal reference, if it has one, "
        "when a product is chosen.",
    )
    delivery_date = fields.Date(
        "Delivery date",
        compute="_compute_delivery_date",
        store=True,
        readonly=False,
        precompute=True,
    )
    lot_id = fields.Many2one(
        "stock.lot",
        string="Lot / serial",
        check_company=True,
        domain="[('product_id', '=', product_id)]",
    )
    lot_name = fields.Char(
        "Lot / machine serial (text)",
        help="When the goods are not tracked by lot in Odoo.",
    )
    defective_qty = fields.Float("Defective quantity", digits="Product Unit of Measure")
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    goods_apply = fields.Boolean(
        "About goods",
        compute="_compute_goods_apply",
        help="Whether the feedback is about goods we delivered (product quality, "
        "delivery, after-sales service) or already names some: the form then asks "
        "for the order, delivery, product and lot.",
    )
    attachment_count = fields.Integer(
        "Photos and files", compute="_compute_attachment_count"
    )

    # Customer's demands
    demand_site_visit = fields.Boolean(
        "Site visit", help="The customer asks us to come on site."
    )
    demand_replenishment = fields.Boolean(
        "Replenishment",
        help="The customer asks us to deliver the missing or rejected quantity again.",
    )
    demand_exchange = fields.Boolean(
        "Exchange", help="The customer asks for the goods to be exchanged."
    )
    demand_return = fields.Boolean(
        "Return", help="The customer asks to send the goods back."
    )
    demand_compensation = fields.Boolean(
        "Claim / compensation",
        help="The customer claims money or a credit for the damage.",
    )
    demand_penalty = fields.Boolean(
        "Penalty", help="The customer applies a contractual penalty."
    )
    demand_repair = fields.Boolean(
        "Repair", help="The customer asks for the goods to be repaired."
    )
    demand_note = fields.Text(
        "Other demands", help="Any other demand of the customer, in their words."
    )

    # Read-back (复述确认)
    readback_confirmed = fields.Boolean(
        "Read back",
        copy=False,
        readonly=True,
        tracking=True,
        help="Set when the record was read back to the customer and they "
        "confirmed it. Feedback taken by phone, visit or field service is "
        "handed off only once it is read back.",
    )
    readback_date = fields.Datetime("Read back on", copy=False, readonly=True)
    readback_user_id = fields.Many2one(
        "res.users", "Read back by", copy=False, readonly=True
    )

    # ------------------------------------------------------------------
    # Classification and severity
    # ------------------------------------------------------------------
    classification = fields.Selection(
        CLASSIFICATIONS,
        default="product_quality",
        tracking=True,
        index=True,
        help="The area the feedback is about (product quality, delivery, "
        "service, price...); it narrows the categories to choose from.",
    )
    category_id = fields.Many2one(
        "cq.category",
        tracking=True,
        domain="[('classification', '=', classification),"
        " ('company_id', 'in', (False, company_id))]",
        help="The kind of problem within the classification, from the categories"
        " of the configuration.",
    )
    serious_safety = fields.Boolean(
        "Safety risk",
        tracking=True,
        help="Seriousness criterion: the problem puts people or property at "
        "risk. Any criterion ticked makes the complaint serious.",
    )
    serious_compensation = fields.Boolean(
        "Compensation demanded",
        tracking=True,
        help="Seriousness criterion: the customer demands compensation. Any "
        "criterion ticked makes the complaint serious.",
    )
    serious_external = fields.Boolean(
        "Media, lawyers, police, consumer association or government involved or likely",
        tracking=True,
        help="Seriousness criterion: outside parties are or may become involved."
        " Any criterion ticked makes the complaint serious.",
    )
    serious_repeated = fields.Boolean(
        "Repeated failure in a short period",
        tracking=True,
        help="Seriousness criterion: the same failure came back within a short "
        "time; proposed by the repeat detection, confirmed by quality. Any "
        "criterion ticked makes the complaint serious.",
    )
    serious_authority = fields.Boolean(
        "Referred by an authority",
        tracking=True,
        help="Seriousness criterion: an authority passed the complaint on to us."
        " Any criterion ticked makes the complaint serious.",
    )
    serious_batch_return = fields.Boolean(
        "Whole-batch return",
        tracking=True,
        help="Seriousness criterion: the customer sends back a whole batch. Any "
        "criterion ticked makes the complaint serious.",
    )
    loss_amount = fields.Monetary(
        "Loss claimed",
        currency_field="currency_id",
        tracking=True,
        help="Above the company's threshold the complaint is serious.",
    )
    severity_computed = fields.Selection(
        SEVERITIES,
        compute="_compute_severity",
        store=True,
        precompute=True,
        string="Severity by criteria",
        help="Serious when any seriousness criterion is ticked or the loss "
        "claimed is above the company's threshold, else general. Computed; "
        "a quality manager may override it.",
    )
    severity_override = fields.Selection(
        SEVERITIES,
        string="Severity override",
        tracking=True,
        copy=False,
        readonly=True,
        help="Set by a quality manager, with a reason, to overrule the criteria.",
    )
    severity_override_reason = fields.Text(
        "Severity override reason",
        copy=False,
        readonly=True,
        tracking=True,
        help="Why a quality manager overrode the severity given by the criteria;"
        " required with the override.",
    )
    severity = fields.Selection(
        SEVERITIES,
        compute="_compute_severity",
        store=True,
        precompute=True,
        tracking=True,
        index=True,
        help="The severity the ticket is handled with: the override if a quality"
        " manager set one, else the severity by criteria. It sets the "
        "deadlines and the approval level.",
    )
    urgent = fields.Boolean(
        tracking=True, help="急件: handled within its own deadline."
    )
    serious_notified = fields.Boolean(
        "Serious case notified", copy=False, readonly=True
    )

    # ------------------------------------------------------------------
    # Routing
    # ------------------------------------------------------------------
    team_id = fields.Many2one(
        "cq.team",
        string="Responsible department",
        tracking=True,
        index=True,
        check_company=True,
        default=lambda self: self.env["cq.team"]._cq_default_team(self.env.company),
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        tracking=True,
        index=True,
        check_company=True,
        domain="[('share', '=', False), ('id', 'not in', complained_user_ids)]",
    )
    complained_user_ids = fields.Many2many(
        "res.users",
        "cq_ticket_complained_user_rel",
        "ticket_id",
        "user_id",
        string="Staff complained about",
        domain="[('share', '=', False)]",
        help="被投诉人: they may never handle nor decide this complaint, and only "
        "quality managers and the responsible person see it.",
    )
    is_staff_complaint = fields.Boolean(
        "Staff complaint", compute="_compute_is_staff_complaint", store=True, index=True
    )

    # ------------------------------------------------------------------
    # Deadlines
    # ------------------------------------------------------------------
    deadline_ids = fields.One2many(
        "cq.ticket.deadline", "ticket_id", string="Deadlines"
    )
    visit_required = fields.Boolean(
        "Site visit needed",
        tracking=True,
        help="Tick when someone must go to the customer's site: it adds a "
        "site-visit deadline and a site-visit activity when the ticket is "
        "handed off.",
    )
    line_stop = fields.Boolean(
        "Line-stopping problem",
        tracking=True,
        help="The site visit is due within hours.",
    )
    customer_unreachable = fields.Boolean(
        "Customer cannot be reached", tracking=True, help="Gives more time to answer."
    )
    visit_date = fields.Datetime("Visited on", copy=False, tracking=True)
    first_reply_date = fields.Datetime("First reply on", copy=False, readonly=True)
    date_deadline = fields.Datetime(
        "Next deadline",
        compute="_compute_deadline_summary",
        store=True,
        tracking=True,
        help="The earliest deadline still to be met; empty once the ticket is "
        "closed or cancelled.",
    )
    is_overdue = fields.Boolean(
        "Overdue", compute="_compute_deadline_summary", store=True, index=True
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
        help="Computed from the deadlines still to be met: overdue, due soon or "
        "on time; all met when none is left.",
    )

    # ------------------------------------------------------------------
    # Investigation
    # ------------------------------------------------------------------
    cause_category = fields.Selection(
        CAUSE_CATEGORIES,
        string="Cause category",
        tracking=True,
        help="Where the cause lies, as found by the investigation. Required "
        "before asking for approval; it is passed on to returns, warranty "
        "claims and corrective actions.",
    )
    fault_team_id = fields.Many2one(
        "cq.team",
        string="Responsible department (fault)",
        tracking=True,
        check_company=True,
        help="The department whose fault it is, as found by the investigation; "
        "it can differ from the department handling the ticket.",
    )
    fault_user_id = fields.Many2one(
        "res.users",
        string="Responsible person (fault)",
        tracking=True,
        check_company=True,
        help="The person whose fault it is, as found by the investigation, if any.",
    )
    root_cause = fields.Text("Root cause", tracking=True)
    temporary_measure_1 = fields.Char(
        "Temporary measure 1",
        help="A stopgap that limits the damage until the root cause is removed, "
        "e.g. sorting stock or an extra check.",
    )
    temporary_measure_2 = fields.Char(
        "Temporary measure 2", help="A second stopgap, if any."
    )
    temporary_measure_3 = fields.Char(
        "Temporary measure 3", help="A third stopgap, if any."
    )
    proposed_solution = fields.Text(
        "Proposed solution",
        tracking=True,
        help="What the department proposes to give or do for the customer. "
        "Required before asking for approval; the approver decides on it.",
    )
    decision_amount = fields.Monetary(
        "Amount of the decision",
        currency_field="currency_id",
        tracking=True,
        help="Compensation, credit or replacement value the decision commits to; "
        "it decides who approves.",
    )
    capa_ids = fields.Many2many(
        "cq.capa",
        "cq_capa_ticket_rel",
        "ticket_id",
        "capa_id",
        string="Corrective actions",
        copy=False,
        check_company=True,
        help="Linked by quality. A serious complaint closes once its corrective "
        "action (8D) is verified effective.",
    )
    capa_count = fields.Integer("CAPAs", compute="_compute_capa_count")
    capa_waiver_reason = fields.Text(
        "Why it closed before its corrective action",
        readonly=True,
        copy=False,
        help="A quality manager let this serious complaint close before its "
        "corrective action was verified effective.",
    )
    capa_waived_by_id = fields.Many2one(
        "res.users",
        "Closure before the corrective action allowed by",
        readonly=True,
        copy=False,
        help="The quality manager who let this serious complaint close before "
        "its corrective action was verified effective.",
    )
    capa_waived_date = fields.Datetime("CAPA waived on", readonly=True, copy=False)

    # ------------------------------------------------------------------
    # Approval
    # ------------------------------------------------------------------
    approval_level = fields.Selection(
        APPROVAL_LEVELS,
        string="Approval level",
        compute="_compute_approval_level",
        store=True,
        precompute=True,
        tracking=True,
        help="Who must approve the decision: the general manager for serious "
        "complaints or decisions reaching the company's general manager "
        "amount, the quality manager for those reaching the quality manager"
        " amount, else the department manager.",
    )
    approver_id = fields.Many2one(
        "res.users",
        compute="_compute_approver",
        help="Who the approval activity goes to.",
    )
    approved_by_id = fields.Many2one(
        "res.users", "Approved by", copy=False, readonly=True, tracking=True
    )
    approved_date = fields.Datetime(
        "Approved on", copy=False, readonly=True, tracking=True
    )
    approval_note = fields.Text(
        "Approval note",
        copy=False,
        readonly=True,
        tracking=True,
        help="Why the approver refused the decision.",
    )

    # ------------------------------------------------------------------
    # Reply, acceptance, closure, follow-up
    # ------------------------------------------------------------------
    reply_action = fields.Text(
        "Action taken",
        help="What we did about the problem, as told to the customer in the reply.",
    )
    reply_outcome = fields.Text(
        "Outcome", help="What the customer gets as a result, as told in the reply."
    )
    reply_reasons = fields.Text(
        "Reasons", help="Why we decided so, as explained in the reply."
    )
    reply_options = fields.Text(
        "Further options", help="What else the customer can do if not satisfied."
    )
    reply_date = fields.Datetime("Replied on", copy=False, readonly=True, tracking=True)
    customer_acceptance = fields.Selection(
        [("accepted", "Accepted"), ("refused", "Not satisfied")],
        string="Customer acceptance",
        copy=False,
        readonly=True,
        tracking=True,
        help="The customer's answer to the reply, recorded by the handler or by "
        "the customer in the portal. Not satisfied reopens the ticket.",
    )
    acceptance_date = fields.Datetime(
        "Acceptance date", copy=False, readonly=True, tracking=True
    )
    acceptance_note = fields.Text(
        "Acceptance note",
        copy=False,
        readonly=True,
        help="What the customer said of the handling (why not satisfied).",
    )
    reopen_count = fields.Integer(
        "Reopened",
        copy=False,
        readonly=True,
        help="How many times the ticket was reopened because the customer was "
        "not satisfied; each reopening starts a new round of deadlines.",
    )
    reopened_date = fields.Datetime(
        "Reopened on",
        copy=False,
        readonly=True,
        help="The customer's new dissatisfaction: the deadlines of the new round "
        "run from here.",
    )
    closed_date = fields.Datetime("Closed on", copy=False, readonly=True, tracking=True)
    follow_up_required = fields.Boolean(
        "Follow-up call",
        tracking=True,
        help="Tick to call the customer back after closure: a follow-up call "
        "activity is scheduled for the next day when the ticket closes.",
    )
    follow_up_date = fields.Datetime(
        "Called on", copy=False, readonly=True, tracking=True
    )
    handling_satisfaction = fields.Selection(
        SATISFACTION,
        "Satisfaction with the handling",
        copy=False,
        readonly=True,
        tracking=True,
        help="How satisfied the customer said they are with the handling, "
        "recorded at the follow-up call. When dissatisfied, the department "
        "manager is told.",
    )
    follow_up_note = fields.Text(
        "Follow-up note",
        copy=False,
        readonly=True,
        help="What the customer said at the follow-up call.",
    )

    # Pending ledger (未了事宜台帐)
    pending = fields.Boolean(
        "In pending ledger",
        tracking=True,
        copy=False,
        readonly=True,
        index=True,
        help="Cannot be settled now: reminded monthly until settled.",
    )
    pending_reason = fields.Text(
        "Pending reason",
        copy=False,
        readonly=True,
        tracking=True,
        help="Why the ticket cannot be settled now; given when it is put in the "
        "pending ledger.",
    )
    pending_since = fields.Date("Pending since", copy=False, readonly=True)

    # ------------------------------------------------------------------
    # Returns
    # ------------------------------------------------------------------
    return_ids = fields.One2many("cq.return", "ticket_id", "Returns")
    cq_return_count = fields.Integer(
        "Return authorisations", compute="_compute_cq_return_count"
    )

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------
    can_submit = fields.Boolean("Can submit", compute="_compute_can")
    can_start = fields.Boolean("Can start", compute="_compute_can")
    can_request_approval = fields.Boolean(
        "Can request approval", compute="_compute_can"
    )
    can_approve = fields.Boolean("Can approve", compute="_compute_can")
    can_reply = fields.Boolean("Can reply", compute="_compute_can")
    can_record_acceptance = fields.Boolean(
        "Can record acceptance", compute="_compute_can"
    )
    can_follow_up = fields.Boolean("Can follow up", compute="_compute_can")
    can_cancel = fields.Boolean("Can cancel", compute="_compute_can")
    can_reset = fields.Boolean("Can reset", compute="_compute_can")
    can_acknowledge = fields.Boolean("Can acknowledge", compute="_compute_can")
    can_confirm_readback = fields.Boolean(
        "Can confirm readback", compute="_compute_can"
    )
    can_record_visit = fields.Boolean("Can record visit", compute="_compute_can")
    can_override_severity = fields.Boolean(
        "Can override severity", compute="_compute_can"
    )
    can_reopen = fields.Boolean("Can reopen", compute="_compute_can")
    can_put_pending = fields.Boolean("Can put pending", compute="_compute_can")
    can_create_return = fields.Boolean("Can create return", compute="_compute_can")
    can_open_capa = fields.Boolean("Can open CAPA", compute="_compute_can")
    can_waive_capa = fields.Boolean("Can waive CAPA", compute="_compute_can")
    can_edit_investigation = fields.Boolean(
        "Can edit investigation", compute="_compute_can"
    )

    # Warranty claims raised from the ticket
    claim_ids = fields.One2many("cq.warranty.claim", "ticket_id", "Warranty claims")
    claim_count = fields.Integer(
        "Number of warranty claims", compute="_compute_claim_stats"
    )
    claim_cost_total = fields.Monetary(
        "Claim costs",
        currency_field="currency_id",
        compute="_compute_claim_stats",
        help="Total cost of the warranty claims raised from this ticket.",
    )

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "Ticket numbers are unique per company.",
        ),
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("contact_id", "partner_id")
    def _compute_contact_details(self):
        # both people of every ticket in one read
        (self.contact_id | self.partner_id).mapped("email")
        for ticket in self:
            person = ticket.contact_id or ticket.partner_id
            if not person:
                continue
            ticket.email_from = person.email or ticket.email_from
            ticket.phone = person.phone or person.mobile or ticket.phone
            address = (ticket.partner_id or person)._display_address(
                without_company=True
            )
            ticket.address = address.strip() or ticket.address

    @api.depends("product_id")
    def _compute_product_spec(self):
        for ticket in self:
            if ticket.product_id:
                ticket.product_spec = (
                    ticket.product_id.default_code or ticket.product_spec
                )

    @api.depends("picking_id")
    def _compute_sale_order_id(self):
        for ticket in self:
            if ticket.picking_id.sale_id:
                ticket.sale_order_id = ticket.picking_id.sale_id

    @api.depends("picking_id")
    def _compute_delivery_date(self):
        for ticket in self:
            if ticket.picking_id.date_done:
                # the day the goods left, in the user's time zone (date_done is UTC)
                ticket.delivery_date = fields.Datetime.context_timestamp(
                    ticket, ticket.picking_id.date_done
                ).date()

    def _compute_attachment_count(self):
        counts = dict(
            self.env["ir.attachment"]._read_group(
                [("res_model", "=", self._name), ("res_id", "in", self.ids)],
                ["res_id"],
                ["__count"],
            )
        )
        for ticket in self:
            ticket.attachment_count = counts.get(ticket.id, 0)

    @api.depends(*SERIOUS_CRITERIA, "loss_amount", "severity_override", "company_id")
    def _compute_severity(self):
        for ticket in self:
            threshold = ticket.company_id.cq_serious_loss_amount
            serious = any(ticket[name] for name in SERIOUS_CRITERIA) or bool(
                threshold
                and ticket.loss_amount > 0
                and float_compare(
                    ticket.loss_amount,
                    threshold,
                    precision_rounding=ticket.currency_id.rounding,
                )
                > 0
            )
            ticket.severity_computed = "serious" if serious else "general"
            ticket.severity = ticket.severity_override or ticket.severity_computed

    @api.depends("complained_user_ids")
    def _compute_is_staff_complaint(self):
        for ticket in self:
            ticket.is_staff_complaint = bool(ticket.complained_user_ids)

    @api.depends("state", "deadline_ids.date_deadline", "deadline_ids.status")
    def _compute_deadline_summary(self):
        # plain loops (bench/: recomputed for every ticket whose deadline came due)
        for ticket in self:
            dates, statuses = [], set()
            # nothing is due any more on a finished ticket
            if ticket.state not in ("closed", "cancelled"):
                for deadline in ticket.deadline_ids:
                    if deadline.status in ("on_time", "due_soon", "overdue"):
                        dates.append(deadline.date_deadline)
                        statuses.add(deadline.status)
            ticket.date_deadline = min(dates, default=False)
            ticket.is_overdue = "overdue" in statuses
            if not ticket.deadline_ids or ticket.state == "cancelled":
                ticket.deadline_status = False
            elif "overdue" in statuses:
                ticket.deadline_status = "overdue"
            elif "due_soon" in statuses:
                ticket.deadline_status = "due_soon"
            elif statuses:
                ticket.deadline_status = "on_time"
            else:
                ticket.deadline_status = "met"

    @api.depends("severity", "decision_amount", "company_id")
    def _compute_approval_level(self):
        for ticket in self:
            company = ticket.company_id
            amount = ticket.decision_amount

            def reaches(threshold, amount=amount, ticket=ticket):
                if not threshold:
                    return False
                if not amount:  # a new ticket: no currency to read (bench/)
                    return threshold <= 0
                rounding = ticket.currency_id.rounding or 0.01
                return (
                    float_compare(amount, threshold, precision_rounding=rounding) >= 0
                )

            if ticket.severity == "serious" or reaches(company.cq_gm_approval_amount):
                ticket.approval_level = "general_manager"
            elif reaches(company.cq_qm_approval_amount):
                ticket.approval_level = "quality_manager"
            else:
                ticket.approval_level = "team_manager"

    @api.depends(
        "approval_level", "team_id.manager_id", "company_id", "is_staff_complaint"
    )
    def _compute_approver(self):
        for ticket in self:
            ticket.approver_id = ticket._cq_approver()

    @api.depends(
        "classification", "sale_order_id", "picking_id", "product_id", "lot_name"
    )
    def _compute_goods_apply(self):
        for ticket in self:
            ticket.goods_apply = bool(
                ticket.classification in GOODS_CLASSIFICATIONS
                or ticket.sale_order_id
                or ticket.picking_id
                or ticket.product_id
                or ticket.lot_name
            )

    @api.depends_context("uid")
    @api.depends(
        "state",
        "user_id",
        "complained_user_ids",
        "approval_level",
        "team_id",
        "readback_confirmed",
        "first_reply_date",
        "visit_required",
        "visit_date",
        "follow_up_required",
        "follow_up_date",
    )
    def _compute_can(self):
        user = self.env.user
        is_officer = user.has_group("customer_quality.group_cq_officer")
        is_manager = user.has_group("customer_quality.group_cq_manager")
        for ticket in self:
            state = ticket.state

            def starts(step, state=state):
                return state in STEP_STATES[step]

            handler = is_officer or ticket.user_id == user
            ticket.can_submit = starts("submit")
            ticket.can_start = starts("start") and handler
            ticket.can_request_approval = starts("request_approval") and handler
            ticket.can_approve = starts("approve") and ticket._cq_may_approve(user)
            ticket.can_reply = starts("reply") and handler
            ticket.can_record_acceptance = starts("record_acceptance") and handler
            ticket.can_follow_up = (
                starts("follow_up")
                and ticket.follow_up_required
                and not ticket.follow_up_date
                and handler
            )
            ticket.can_reopen = starts("reopen") and handler
            ticket.can_cancel = starts("cancel") and (is_officer or state == "draft")
            ticket.can_reset = starts("reset") and is_officer
            # once approved, the reply itself is the first reply
            ticket.can_acknowledge = (
                starts("acknowledge")
                and user._is_internal()
                and state != "approved"
                and not ticket.first_reply_date
            )
            ticket.can_confirm_readback = (
                starts("confirm_readback") and not ticket.readback_confirmed
            )
            ticket.can_record_visit = (
                starts("record_visit")
                and ticket.visit_required
                and not ticket.visit_date
            )
            ticket.can_override_severity = is_manager and starts("override_severity")
            ticket.can_put_pending = starts("put_pending") and handler
            ticket.can_create_return = state in OPEN_STATES
            ticket.can_open_capa = is_officer and starts("open_capa")
            ticket.can_waive_capa = bool(
                is_manager
                and starts("waive_capa")
                and ticket.severity == "serious"
                and not ticket.capa_waived_date
                and not ticket._cq_capa_effective()
            )
            # the decision put to approval no longer changes under its approver
            ticket.can_edit_investigation = state == "draft" or (
                state in ("assigned", "investigating") and handler
            )

    @api.model
    def _cq_step_states(self):
        return STEP_STATES

    def _cq_step_is_next(self, step):
        # the read-back is for what the customer told us by word of mouth
        if step == "confirm_readback":
            return self.channel in ORAL_CHANNELS
        # the first reply comes first, before the investigation takes over
        if step == "acknowledge":
            return self.state in ("draft", "assigned")
        return super()._cq_step_is_next(step)

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("user_id", "complained_user_ids")
    def _check_recusal(self):
        for ticket in self:
            if ticket.user_id and ticket.user_id in ticket.complained_user_ids:
                raise ValidationError(
                    self.env._(
                        "%(user)s is the person complained about in %(ticket)s and "
                        "cannot be responsible for it.",
                        user=ticket.user_id.name,
                        ticket=ticket.name,
                    )
                )

    @api.constrains("partner_id", "sale_order_id", "picking_id", "contact_id")
    def _check_customer_documents(self):
        # the documents are checked whatever the user may read of them
        for ticket in self.sudo():
            customer = ticket.partner_id.commercial_partner_id
            if (
                ticket.sale_order_id
                and ticket.sale_order_id.partner_id.commercial_partner_id != customer
            ):
                raise ValidationError(
                    self.env._(
                        "Sale order %(order)s belongs to %(other)s, not to "
                        "%(customer)s.",
                        order=ticket.sale_order_id.name,
                        other=ticket.sale_order_id.partner_id.commercial_partner_id.display_name,
                        customer=customer.display_name or self.env._("no customer"),
                    )
                )
            picking = ticket.picking_id
            if (
                ticket.sale_order_id
                and picking.sale_id
                and picking.sale_id != ticket.sale_order_id
            ):
                raise ValidationError(
                    self.env._(
                        "Delivery %(picking)s belongs to %(picking_order)s, not to "
                        "%(order)s.",
                        picking=picking.name,
                        picking_order=picking.sale_id.name,
                        order=ticket.sale_order_id.name,
                    )
                )
            if (
                ticket.contact_id
                and customer
                and ticket.contact_id.commercial_partner_id != customer
            ):
                raise ValidationError(
                    self.env._(
                        "%(contact)s is not a contact of %(customer)s.",
                        contact=ticket.contact_id.display_name,
                        customer=customer.display_name,
                    )
                )

    @api.constrains("partner_id", "picking_id", "product_id", "lot_id", "defective_qty")
    def _check_delivered_goods(self):
        # the documents are checked whatever the user may read of them
        for ticket in self.sudo():
            if float_compare(ticket.defective_qty, 0.0, precision_digits=6) < 0:
                raise ValidationError(
                    self.env._("The defective quantity cannot be negative.")
                )
            product, lot = ticket.product_id, ticket.lot_id
            if lot and product and lot.product_id != product:
                raise ValidationError(
                    self.env._(
                        "Lot %(lot)s is not a lot of %(product)s.",
                        lot=lot.name,
                        product=product.display_name,
                    )
                )
            if ticket.picking_id:
                ticket.picking_id._cq_check_delivered_goods(
                    ticket.partner_id,
                    product,
                    lot=lot,
                    # 0: the defective quantity is not known yet
                    quantity=ticket.defective_qty
                    if product and ticket.defective_qty
                    else None,
                )

    @api.constrains("subject")
    def _check_subject(self):
        for ticket in self:
            if len(ticket.subject or "") > SUBJECT_MAX:
                raise ValidationError(
                    self.env._(
                        "The subject is limited to %(max)s characters (%(length)s "
                        "given): put the details in “What happened”.",
                        max=SUBJECT_MAX,
                        length=len(ticket.subject),
                    )
                )

    @api.constrains("severity_override", "severity_override_reason")
    def _check_severity_override_reason(self):
        for ticket in self:
            if (
                ticket.severity_override
                and not (ticket.severity_override_reason or "").strip()
            ):
                raise ValidationError(
                    self.env._("Give the reason why the severity is overridden.")
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        tickets = super().create(vals_list)
        if any(vals.get("capa_ids") for vals in vals_list):
            self.env["cq.capa"].browse()._cq_check_new_links(
                {ticket: ticket.capa_ids for ticket in tickets}
            )
        tickets._cq_sync_deadlines()
        tickets.filtered(lambda t: t.severity == "serious")._cq_notify_serious()
        tickets._cq_unsubscribe_complained()
        return tickets

    def write(self, vals):
        if not self._cq_transitioning():
            self._cq_check_handler_fields(set(vals))
            if "follow_up_required" in vals and self.filtered("follow_up_date"):
                raise UserError(
                    self.env._(
                        "The follow-up call of %s is recorded: whether it was "
                        "needed no longer changes.",
                        self.filtered("follow_up_date")[:1].name,
                    )
                )
        linked = (
            {ticket: ticket.capa_ids for ticket in self} if "capa_ids" in vals else {}
        )
        serious = (
            self.filtered(lambda t: t.severity == "serious")
            if SEVERITY_FIELDS & set(vals) and not self._cq_transitioning()
            else self.browse()
        )
        result = super().write(vals)
        if serious and not self.env.su:
            self._cq_check_serious_kept(serious)
        if linked:
            self.env["cq.capa"].browse()._cq_check_new_links(
                {ticket: ticket.capa_ids - before for ticket, before in linked.items()}
            )
        if "complained_user_ids" in vals:
            self.sudo().capa_ids._cq_apply_recusal()
        if (DEADLINE_FIELDS | SEVERITY_FIELDS) & set(
            vals
        ):  # severity is computed from the criteria
            self._cq_sync_deadlines()
        if {"user_id", "team_id"} & set(vals):
            self._cq_reassign_activities()
        if "complained_user_ids" in vals:
            self._cq_unsubscribe_complained()
        if SEVERITY_FIELDS & set(vals):
            self.filtered(
                lambda t: t.severity == "serious" and not t.serious_notified
            )._cq_notify_serious()
        return result

    def _cq_check_serious_kept(self, serious):
        """A serious complaint, once management was told, becomes general only by
        a quality manager's recorded override: unticking its criteria would
        also let it close without its verified corrective action."""
        for ticket in serious:
            if ticket.severity != "serious" and ticket.serious_notified:
                raise UserError(
                    self.env._(
                        "%s was registered as a serious complaint and management "
                        "was told: only a quality manager makes it general, with "
                        "“Override” on its severity and a reason.",
                        ticket.name,
                    )
                )

    def _cq_check_handler_fields(self, fnames):
        """The investigation and the routing are changed by whoever handles the
        ticket (its responsible person or quality staff), and the decision put
        to approval no longer changes under its approver."""
        investigation = fnames & INVESTIGATION_FIELDS
        routing = fnames & ROUTING_FIELDS
        if not (investigation or routing):
            return
        for ticket in self:
            if ticket.state == "draft":
                continue
            ticket._cq_check_handler()
            if investigation and ticket.state not in ("assigned", "investigating"):
                raise UserError(
                    self.env._(
                        "The decision of %(ticket)s is %(state)s: send it back to "
                        "investigation to change it.",
                        ticket=ticket.name,
                        state=ticket._cq_state_label(),
                    )
                )

    def _cq_company_links(self):
        everything = self.sudo().with_context(active_test=False)
        return bool(everything.return_ids or everything.claim_ids)

    # ------------------------------------------------------------------
    # Mail gateway
    # ------------------------------------------------------------------
    @api.model
    def message_new(self, msg_dict, custom_values=None):
        values = dict(custom_values or {})
        values["name"] = "/"  # the number comes from the sequence, not the subject
        subject = " ".join((msg_dict.get("subject") or "").split())
        if len(subject) > SUBJECT_MAX:
            subject = subject[: SUBJECT_MAX - 1] + "…"
        values.setdefault("subject", subject or self.env._("Email without subject"))
        values.setdefault("channel", "email")
        values.setdefault("feedback_type", "complaint")
        values["description"] = msg_dict.get("body") or ""
        author = self.env["res.partner"].browse(msg_dict.get("author_id")).exists()
        email_from = msg_dict.get("email_from") or ""
        if not author and email_from:
            author = self.env["res.partner"]._mail_find_partner_from_emails(
                [email_from], force_create=True
            )[0]
        if author and author.user_ids.filtered(lambda user: not user.share):
            # a colleague forwarding the customer's mail is not the customer: the
            # recorder fills it in
            author = self.env["res.partner"]
        if author:
            customer = author.commercial_partner_id
            values.setdefault("partner_id", customer.id)
            if author != customer:
                values.setdefault("contact_id", author.id)
        values.setdefault("email_from", email_from)
        date = msg_dict.get("date")
        if date:
            # a sender's clock in the future must not push the deadlines out
            sent = to_naive_utc(fields.Datetime.to_datetime(date))
            values.setdefault("received_date", min(sent, fields.Datetime.now()))
        return super().message_new(msg_dict, custom_values=values)

    def _message_get_suggested_recipients(self):
        recipients = super()._message_get_suggested_recipients()
        for ticket in self:
            person = ticket.contact_id or ticket.partner_id
            if person:
                ticket._message_add_suggested_recipient(
                    recipients, partner=person, reason=self.env._("Customer")
                )
        return recipients

    def _track_subtype(self, init_values):
        self.ensure_one()
        if "state" in init_values and self.state == "to_approve":
            return self.env.ref("customer_quality.mt_cq_ticket_to_approve")
        if "state" in init_values and self.state == "closed":
            return self.env.ref("customer_quality.mt_cq_ticket_closed")
        return super()._track_subtype(init_values)

    # ------------------------------------------------------------------
    # Actions: the workflow
    # ------------------------------------------------------------------
    def action_confirm_readback(self):
        self.ensure_one()
        if self.readback_confirmed:
            raise UserError(
                self.env._("The read-back of %s is already confirmed.", self.name)
            )
        self._cq_ensure_can("confirm_readback")
        self._cq_write_workflow(
            {
                "readback_confirmed": True,
                "readback_date": fields.Datetime.now(),
                "readback_user_id": self.env.uid,
            }
        )
        return True

    def action_submit(self):
        """Hand the registered feedback to the responsible department."""
        for ticket in self:
            if ticket.state != "draft":
                raise UserError(
                    self.env._("%s has already been handed off.", ticket.name)
                )
            ticket._cq_ensure_can("submit")
            missing = []
            if not ticket.partner_id:
                missing.append(self.env._("customer"))
            if is_html_empty(ticket.description):
                missing.append(self.env._("what happened"))
            if not ticket.team_id:
                missing.append(self.env._("responsible department"))
            elif not (ticket.user_id or ticket._cq_default_responsible()):
                missing.append(
                    self.env._(
                        "responsible person (the department has no manager or members)"
                    )
                )
            if missing:
                raise UserError(
                    self.env._(
                        "%(ticket)s cannot be handed off yet; fill in: %(fields)s.",
                        ticket=ticket.name,
                        fields=", ".join(missing),
                    )
                )
            if ticket.channel in ORAL_CHANNELS and not ticket.readback_confirmed:
                raise UserError(
                    self.env._(
                        "Read the record back to the customer and confirm it before "
                        "handing off %s (复述确认).",
                        ticket.name,
                    )
                )
        for ticket in self:
            if not ticket.user_id:
                ticket.user_id = ticket._cq_default_responsible()
            ticket._cq_set_state("assigned")
            ticket._cq_mark_met("submit")
            ticket._cq_schedule(
                "customer_quality.mail_activity_type_cq_investigate",
                ticket.user_id,
                ticket._cq_deadline_of("determination"),
            )
            if ticket.visit_required:
                ticket._cq_schedule(
                    "customer_quality.mail_activity_type_cq_site_visit",
                    ticket.user_id,
                    ticket._cq_deadline_of("site_visit"),
                )
        return True

    def action_start_investigation(self):
        for ticket in self:
            if ticket.state != "assigned":
                raise UserError(
                    self.env._("%s is not waiting to be investigated.", ticket.name)
                )
            ticket._cq_ensure_can("start")
            ticket._cq_set_state("investigating")
        return True

    def action_request_approval(self):
        for ticket in self:
            if ticket.state != "investigating":
                raise UserError(
                    self.env._("%s is not under investigation.", ticket.name)
                )
            ticket._cq_ensure_can("request_approval")
            missing = []
            if not ticket.cause_category:
                missing.append(self.env._("cause category"))
            if not (ticket.root_cause or "").strip():
                missing.append(self.env._("root cause"))
            if not (ticket.proposed_solution or "").strip():
                missing.append(self.env._("proposed solution"))
            if missing:
                raise UserError(
                    self.env._(
                        "Complete the investigation of %(ticket)s first: %(fields)s.",
                        ticket=ticket.name,
                        fields=", ".join(missing),
                    )
                )
            approver = ticket._cq_approver()
            if not approver:
                raise UserError(
                    self.env._(
                        "Nobody can approve %(ticket)s: set the %(level)s in the "
                        "settings or on the department.",
                        ticket=ticket.name,
                        level=dict(
                            self._fields["approval_level"]._description_selection(
                                self.env
                            )
                        )[ticket.approval_level],
                    )
                )
            ticket._cq_set_state("to_approve", approval_note=False)
            ticket._cq_mark_met("request_approval")
            ticket._cq_done_activities(
                "customer_quality.mail_activity_type_cq_investigate"
            )
            ticket._cq_schedule(
                "customer_quality.mail_activity_type_cq_approve",
                approver,
                fields.Datetime.now(),
            )
        return True

    def action_approve(self):
        for ticket in self:
            if ticket.state != "to_approve":
                raise UserError(
                    self.env._("%s is not waiting for approval.", ticket.name)
                )
            if not ticket.can_approve:
                raise AccessError(
                    self.env._(
                        "You cannot approve %(ticket)s: it needs the %(level)s, and "
                        "never someone the complaint is about.",
                        ticket=ticket.name,
                        level=dict(
                            self._fields["approval_level"]._description_selection(
                                self.env
                            )
                        )[ticket.approval_level],
                    )
                )
            ticket._cq_set_state(
                "approved",
                approved_by_id=self.env.uid,
                approved_date=fields.Datetime.now(),
            )
            ticket._cq_done_activities("customer_quality.mail_activity_type_cq_approve")
            ticket._cq_schedule(
                "customer_quality.mail_activity_type_cq_reply",
                ticket.user_id,
                ticket._cq_deadline_of("solution"),
            )
        return True

    def action_open_reject(self):
        """The approver refuses the decision: the wizard asks why."""
        return self._cq_open_wizard(
            "cq.ticket.reject.wizard", self.env._("Refuse the decision"), step="approve"
        )

    def action_reject(self, reason):
        """Send the decision back to investigation, saying why (``reason``)."""
        reason = (reason or "").strip()
        for ticket in self:
            if ticket.state != "to_approve":
                raise UserError(
                    self.env._("%s is not waiting for approval.", ticket.name)
                )
            if not ticket.can_approve:
                raise AccessError(self.env._("You cannot decide on %s.", ticket.name))
            if not reason:
                raise UserError(
                    self.env._("Say why the decision is refused (the approval note).")
                )
            ticket._cq_set_state("investigating", approval_note=reason)
            ticket._cq_done_activities("customer_quality.mail_activity_type_cq_approve")
            ticket._cq_schedule(
                "customer_quality.mail_activity_type_cq_investigate",
                ticket.user_id,
                fields.Datetime.now(),
                note=ticket.approval_note,
            )
        return True

    def action_reply(self):
        """Open the composer with the reply template;
        sending it marks the ticket replied."""
        self.ensure_one()
        self._cq_check_reply_allowed()
        return self._cq_composer(
            "customer_quality.mail_template_cq_ticket_reply", "cq_mark_replied"
        )

    def action_acknowledge(self):
        """Open the composer with the acknowledgement template (first reply)."""
        self.ensure_one()
        return self._cq_composer(
            "customer_quality.mail_template_cq_ticket_acknowledge",
            "cq_mark_acknowledged",
        )

    def action_mark_acknowledged(self):
        """First reply given another way (phone, visit): record it."""
        for ticket in self.filtered(lambda t: not t.first_reply_date):
            ticket._cq_ensure_can("acknowledge")
            ticket._cq_write_workflow({"first_reply_date": fields.Datetime.now()})
            ticket._cq_mark_met("acknowledge")
        return True

    def message_post(self, **kwargs):
        mark_replied = self.env.context.get("cq_mark_replied")
        mark_acknowledged = self.env.context.get("cq_mark_acknowledged")
        if mark_replied:
            self._cq_check_reply_allowed()
        tickets = self
        if mark_replied or mark_acknowledged:
            tickets = self.with_context(
                cq_mark_replied=False, cq_mark_acknowledged=False
            )
        if mark_acknowledged:
            self.filtered(lambda t: not t.first_reply_date)._cq_ensure_can(
                "acknowledge"
            )
        message = super(CqTicket, tickets).message_post(**kwargs)
        if mark_replied or mark_acknowledged:
            self._cq_check_step_message(message)
        if mark_replied:
            tickets._cq_after_reply()
        elif mark_acknowledged:
            tickets.action_mark_acknowledged()
        return message

    def _cq_after_reply(self):
        now = fields.Datetime.now()
        for ticket in self:
            ticket._cq_set_state(
                "replied",
                reply_date=now,
                first_reply_date=ticket.first_reply_date or now,
            )
            ticket._cq_mark_met("reply")
            ticket._cq_done_activities("customer_quality.mail_activity_type_cq_reply")

    def _cq_check_reply_allowed(self):
        for ticket in self:
            if ticket.state in ("replied", "closed"):
                raise UserError(
                    self.env._(
                        "%(ticket)s is %(state)s: it has been answered already; "
                        "reopen it to give the customer a new answer.",
                        ticket=ticket.name,
                        state=ticket._cq_state_label(),
                    )
                )
            if ticket.state == "cancelled":
                raise UserError(
                    self.env._("%s is cancelled: it is not answered.", ticket.name)
                )
            if ticket.state != "approved":
                raise UserError(
                    self.env._(
                        "%s cannot be answered yet: no promise is made to the customer "
                        "before the decision is approved.",
                        ticket.name,
                    )
                )
            ticket._cq_ensure_can("reply")

    def action_record_visit(self):
        for ticket in self:
            if not ticket.visit_required:
                raise UserError(
                    self.env._("No site visit is planned for %s.", ticket.name)
                )
            if ticket.state not in OPEN_STATES:
                ticket._cq_refuse("record_visit")
            ticket.visit_date = ticket.visit_date or fields.Datetime.now()
            ticket._cq_mark_met("visit")
            ticket._cq_done_activities(
                "customer_quality.mail_activity_type_cq_site_visit"
            )
        return True

    def action_open_answer(self):
        """Record the customer's answer to the reply: the wizard asks which."""
        self.ensure_one()
        self._cq_check_acceptance_step()
        action = self._cq_open_wizard(
            "cq.ticket.answer.wizard",
            self.env._("The customer's answer"),
            step="record_acceptance",
        )
        # the button pressed (accepts / not satisfied) preselects the answer
        if self.env.context.get("default_answer") in ("accepted", "refused"):
            action["context"]["default_answer"] = self.env.context["default_answer"]
        return action

    def action_customer_accepts(self, note=False):
        """The customer accepts the handling (``note``: what they said): the
        ticket closes."""
        for ticket in self:
            ticket._cq_check_acceptance_step()
            ticket._cq_record_acceptance(note)
        return True

    def action_customer_refuses(self, note):
        """The customer is not satisfied (``note``: with what): reopen the
        investigation and follow up."""
        for ticket in self:
            ticket._cq_check_acceptance_step()
            ticket._cq_record_refusal(note)
        return True

    def _cq_record_acceptance(self, note=False):
        """The step's writes, once its caller checked who answers: the handler
        (``action_customer_accepts``) or the customer in the portal."""
        self.ensure_one()
        self._cq_write_workflow(
            {
                "customer_acceptance": "accepted",
                "acceptance_date": fields.Datetime.now(),
                "acceptance_note": (note or "").strip() or False,
            }
        )
        self._cq_close()

    def _cq_record_refusal(self, note):
        self.ensure_one()
        note = (note or "").strip()
        if not note:
            raise UserError(
                self.env._("Write down what the customer is not satisfied with.")
            )
        self._cq_set_state(
            "investigating",
            acceptance_note=note,
            customer_acceptance="refused",
            acceptance_date=fields.Datetime.now(),
            reopen_count=self.reopen_count + 1,
            reopened_date=fields.Datetime.now(),
            approved_by_id=False,
            approved_date=False,
        )
        self.message_post(
            body=Markup("<p>%s</p><p>%s</p>")
            % (
                self.env._("The customer is not satisfied; the ticket is reopened."),
                self.acceptance_note,
            ),
            subtype_xmlid="mail.mt_note",
        )
        self._cq_schedule(
            "customer_quality.mail_activity_type_cq_investigate",
            self.user_id,
            self._cq_deadline_of("determination"),
            note=self.acceptance_note,
        )

    def _cq_check_acceptance_step(self):
        if self.state != "replied":
            raise UserError(self.env._("%s has not been answered yet.", self.name))
        self._cq_ensure_can("record_acceptance")

    def _cq_waits_for_capa(self):
        """A serious complaint closes once its corrective action is verified
        effective, or once a quality manager recorded why it closes first."""
        self.ensure_one()
        return (
            self.severity == "serious"
            and not self._cq_capa_effective()
            and not self.capa_waived_date
        )

    def _cq_close(self):
        self.ensure_one()
        if self._cq_waits_for_capa():
            raise UserError(
                self.env._(
                    "%s is a serious complaint: it closes once its corrective action "
                    "(8D) is verified effective, or a quality manager records why it "
                    "closes first.",
                    self.name,
                )
            )
        now = fields.Datetime.now()
        self._cq_set_state("closed", closed_date=now, pending=False)
        self.activity_ids.filtered(
            lambda a: (
                a.activity_type_id.id
                != self.env.ref("customer_quality.mail_activity_type_cq_follow_up").id
            )
        ).action_feedback(feedback=self.env._("Ticket closed"))
        if self.follow_up_required:
            self._cq_schedule(
                "customer_quality.mail_activity_type_cq_follow_up",
                self.user_id,
                now + timedelta(hours=24),
            )

    def action_open_follow_up(self):
        """The follow-up call (回访): the wizard records the satisfaction."""
        return self._cq_open_wizard(
            "cq.ticket.follow.up.wizard", self.env._("Follow-up call"), step="follow_up"
        )

    def action_record_follow_up(self, satisfaction, note=False):
        """The customer was called back: record their ``satisfaction`` with the
        handling (and ``note``)."""
        for ticket in self:
            if (
                ticket.state != "closed"
                or not ticket.follow_up_required
                or ticket.follow_up_date
            ):
                raise UserError(
                    self.env._("%s is not waiting for a follow-up call.", ticket.name)
                )
            ticket._cq_ensure_can("follow_up")
            if satisfaction not in dict(SATISFACTION):
                raise UserError(
                    self.env._(
                        "Record how satisfied the customer is with the handling."
                    )
                )
            ticket._cq_write_workflow(
                {
                    "follow_up_date": fields.Datetime.now(),
                    "handling_satisfaction": satisfaction,
                    "follow_up_note": (note or "").strip() or False,
                }
            )
            ticket._cq_done_activities(
                "customer_quality.mail_activity_type_cq_follow_up"
            )
            if ticket.handling_satisfaction in ("dissatisfied", "very_dissatisfied"):
                ticket.message_post(
                    body=self.env._(
                        "The customer is dissatisfied with the handling: consider "
                        "reopening."
                    ),
                    subtype_xmlid="mail.mt_note",
                    partner_ids=ticket.team_id.manager_id.partner_id.ids,
                )
        return True

    def action_reopen(self, note=False):
        """Reopen a closed ticket (the customer came back unsatisfied; ``note``:
        with what)."""
        for ticket in self:
            if ticket.state != "closed":
                raise UserError(self.env._("Only closed tickets can be reopened."))
            ticket._cq_ensure_can("reopen")
            ticket._cq_set_state(
                "investigating",
                reopen_count=ticket.reopen_count + 1,
                reopened_date=fields.Datetime.now(),
                customer_acceptance="refused",
                acceptance_note=(note or "").strip() or ticket.acceptance_note,
                closed_date=False,
                approved_by_id=False,
                approved_date=False,
            )
            ticket._cq_schedule(
                "customer_quality.mail_activity_type_cq_investigate",
                ticket.user_id,
                ticket._cq_deadline_of("determination"),
            )
        return True

    def action_cancel(self):
        for ticket in self:
            ticket._cq_ensure_can("cancel")
            ticket._cq_set_state("cancelled")
            ticket.activity_ids.unlink()
        return True

    def action_reset(self):
        for ticket in self:
            if ticket.state != "cancelled":
                raise UserError(self.env._("Only cancelled tickets can be reset."))
            ticket._cq_ensure_can("reset")
            ticket._cq_set_state("draft")
        return True

    def action_open_pending(self):
        """Put the ticket in the pending ledger: the wizard asks why."""
        return self._cq_open_wizard(
            "cq.ticket.pending.wizard",
            self.env._("Put in the pending ledger"),
            step="put_pending",
        )

    def action_put_pending(self, reason):
        """The ticket cannot be settled now (``reason``): it goes into the
        pending ledger (未了事宜台帐) and is reminded monthly."""
        reason = (reason or "").strip()
        for ticket in self:
            if ticket.state not in OPEN_STATES:
                raise UserError(self.env._("%s is no longer open.", ticket.name))
            ticket._cq_ensure_can("put_pending")
            if not reason:
                raise UserError(
                    self.env._("Say why %s cannot be settled now.", ticket.name)
                )
            ticket._cq_write_workflow(
                {
                    "pending": True,
                    "pending_reason": reason,
                    "pending_since": fields.Date.context_today(ticket),
                }
            )
        return True

    def action_remove_pending(self):
        self._cq_ensure_can("put_pending")
        self._cq_write_workflow({"pending": False, "pending_since": False})
        return True

    def action_open_severity_override(self):
        """A quality manager overrules the criteria: the wizard asks the level
        and why."""
        return self._cq_open_wizard(
            "cq.ticket.severity.wizard",
            self.env._("Override the severity"),
            step="override_severity",
        )

    def action_override_severity(self, level, reason):
        """Set the severity to ``level`` whatever the criteria say, for
        ``reason``; no ``level`` goes back to the criteria."""
        reason = (reason or "").strip()
        for ticket in self:
            ticket._cq_check_manager(self.env._("override the severity"))
            ticket._cq_ensure_can("override_severity")
            if level and level not in dict(SEVERITIES):
                raise UserError(self.env._("Choose the severity: general or serious."))
            if level and not reason:
                raise UserError(
                    self.env._("Give the reason why the severity is overridden.")
                )
            ticket._cq_write_workflow(
                {
                    "severity_override": level or False,
                    "severity_override_reason": reason if level else False,
                }
            )
        return True

    def _cq_open_wizard(self, model, name, step):
        """The wizard ``model`` of ``step`` of this ticket, in a dialog; only
        for whoever may take the step now (the action checks again)."""
        self.ensure_one()
        self._cq_ensure_can(step)
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_ticket_id": self.id},
        }

    # ------------------------------------------------------------------
    # Smart buttons
    # ------------------------------------------------------------------
    def action_view_attachments(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Photos and files"),
            "res_model": "ir.attachment",
            "view_mode": "kanban,list,form",
            "domain": [("res_model", "=", self._name), ("res_id", "=", self.id)],
            "context": {"default_res_model": self._name, "default_res_id": self.id},
        }

    def action_view_deadlines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_quality.cq_ticket_deadline_action"
        )
        action["domain"] = [("ticket_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    @api.depends("capa_ids")
    def _compute_capa_count(self):
        for ticket in self:
            ticket.capa_count = len(ticket.capa_ids)

    def _cq_capa_effective(self):
        """Whether a corrective action of the ticket is verified effective."""
        self.ensure_one()
        return any(
            capa.state in ("verified", "closed") for capa in self.sudo().capa_ids
        )

    def action_view_capas(self):
        self.ensure_one()
        return self._cq_open("cq.capa", self.capa_ids, self.env._("Corrective actions"))

    def action_open_capa(self):
        """Open the ticket's corrective action, or a new one from the ticket."""
        self.ensure_one()
        if self.capa_ids:
            return self.action_view_capas()
        self._cq_ensure_can("open_capa")
        return self.env["cq.capa"]._cq_open_from(self, self._prepare_capa_vals())

    def _prepare_capa_vals(self):
        """New corrective action values; called by action_open_capa."""
        self.ensure_one()
        return {
            "title": self.subject or self.name,
            "company_id": self.company_id.id,
            "partner_id": self.commercial_partner_id.id,
            "customer_contact_id": self.contact_id.id or False,
            "product_id": self.product_id.id,
            "lot_ids": [Command.set(self.lot_id.ids)],
            "ticket_ids": [Command.set(self.ids)],
            "cause_category": self.cause_category,
            "open_date": self.received_date,
            "description": self.description,
            "problem_where": self.event_place,
            "problem_when": self.event_date and str(self.event_date),
            "problem_how_many": self.defective_qty,
        }

    def action_waive_capa(self, reason):
        """A quality manager lets the serious complaint close before its
        corrective action is verified (``reason``: why); the corrective action
        stays open on the management review list."""
        reason = (reason or "").strip()
        for ticket in self:
            ticket._cq_ensure_can("waive_capa")
            if not reason:
                raise UserError(
                    self.env._(
                        "Write down why the complaint closes before its corrective "
                        "action is verified."
                    )
                )
            ticket._cq_write_workflow(
                {
                    "capa_waiver_reason": reason,
                    "capa_waived_by_id": self.env.user.id,
                    "capa_waived_date": fields.Datetime.now(),
                }
            )
            ticket.message_post(
                body=Markup("<p>%s</p><p>%s</p>")
                % (
                    self.env._(
                        "May close before its corrective action is verified "
                        "effective; the corrective action stays on the management "
                        "review list."
                    ),
                    reason,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_open_capa_waiver(self):
        return self._cq_open_wizard(
            "cq.ticket.capa.waiver.wizard",
            self.env._("Close before the corrective action"),
            step="waive_capa",
        )

    @api.depends("claim_ids.cost_total")
    def _compute_claim_stats(self):
        for ticket in self:
            ticket.claim_count = len(ticket.claim_ids)
            ticket.claim_cost_total = sum(ticket.claim_ids.mapped("cost_total"))

    def action_view_claims(self):
        """The ticket's warranty claims; a new one starts from the ticket's goods."""
        return self.action_cq_view_warranty_claims()

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    def _cq_default_responsible(self):
        self.ensure_one()
        excluded = self.complained_user_ids
        for candidate in (self.team_id.manager_id, *self.team_id.member_ids):
            if candidate and candidate not in excluded:
                return candidate
        return self.env["res.users"]

    def _cq_approver(self):
        self.ensure_one()
        company = self.company_id
        if self.approval_level == "general_manager":
            approver = company.cq_general_manager_id
        elif self.approval_level == "quality_manager":
            approver = company.cq_quality_manager_id
        elif self.is_staff_complaint:
            # complaints about staff are decided by
            # quality management, not in the department
            approver = company.cq_quality_manager_id
        else:
            approver = self.team_id.manager_id or company.cq_quality_manager_id
        if approver in self.complained_user_ids:
            # recusal: the decision goes one level up
            approver = (
                company.cq_general_manager_id
                if approver != company.cq_general_manager_id
                else False
            )
        return approver or self.env["res.users"]

    def _cq_may_approve(self, user):
        self.ensure_one()
        if user in self.complained_user_ids:
            return False
        company = self.company_id
        if user == company.cq_general_manager_id:
            return True
        if self.approval_level == "general_manager":
            return False
        if user.has_group("customer_quality.group_cq_manager"):
            return True
        return (
            self.approval_level == "team_manager"
            and not self.is_staff_complaint
            and user == self.team_id.manager_id
        )

    def _cq_escalation_user(self):
        self.ensure_one()
        return (
            self.team_id.manager_id
            or self.company_id.cq_quality_manager_id
            or self.company_id.cq_general_manager_id
        )

    def _cq_unsubscribe_complained(self):
        """Staff a complaint is about get none of its chatter (followers are notified
        whatever the record rules say)."""
        for ticket in self.sudo().filtered("complained_user_ids"):
            ticket.message_unsubscribe(
                partner_ids=ticket.complained_user_ids.partner_id.ids
            )

    def _cq_check_handler(self):
        user = self.env.user
        if user.has_group("customer_quality.group_cq_officer"):
            return
        for ticket in self:
            if ticket.user_id != user:
                raise AccessError(
                    self.env._(
                        "Only the responsible person or quality staff can handle %s.",
                        ticket.name,
                    )
                )

    def _cq_check_manager(self, what):
        if not self.env.su and not self.env.user.has_group(
            "customer_quality.group_cq_manager"
        ):
            raise AccessError(self.env._("Only a quality manager can %s.", what))

    def _cq_notify_serious(self):
        """Serious complaints go at once to the management representative and the GM."""
        for ticket in self:
            company = ticket.company_id
            users = (
                company.cq_management_rep_id | company.cq_general_manager_id
            ) - ticket.complained_user_ids
            partners = users.partner_id
            if partners:
                ticket.message_subscribe(partner_ids=partners.ids)
            ticket.message_post(
                body=self.env._(
                    "Serious complaint %(ticket)s from %(customer)s: the management "
                    "representative and the general manager are notified.",
                    ticket=ticket.name,
                    customer=ticket.partner_id.display_name or "",
                ),
                subtype_xmlid="customer_quality.mt_cq_ticket_serious",
                partner_ids=partners.ids,
            )
            ticket._cq_write_workflow({"serious_notified": True})

    # Deadlines -----------------------------------------------------------
    def _cq_wanted_deadlines(self):
        """{kind: rule kind} of the deadlines this ticket should have."""
        self.ensure_one()
        wanted = {
            "first_reply": "first_reply",
            "determination": "determination_unreachable"
            if self.customer_unreachable
            else "determination",
            "solution": "solution",
        }
        if not self.reopen_count:
            # a reopened ticket is already with its department
            wanted["handoff"] = "handoff"
        if self.visit_required:
            wanted["site_visit"] = (
                "site_visit_line_stop" if self.line_stop else "site_visit"
            )
        if self.urgent:
            wanted["urgent"] = "urgent"
        return wanted

    def _cq_sync_deadlines(self):
        """Create, move or drop the open deadlines of the tickets; met ones are kept."""
        if not self:
            return
        Deadline = self.env["cq.ticket.deadline"].sudo()
        rules = self.env["cq.deadline.rule"]._rules_for(self.company_id)
        plans = {}  # calendar -> list of (ticket, kind, request)
        for ticket in self:
            if ticket.state in ("closed", "cancelled"):
                continue
            calendar = ticket.company_id._cq_calendar()
            for kind, rule_kind in ticket._cq_wanted_deadlines().items():
                duration, unit = rules[
                    (ticket.company_id.id, ticket.severity or "general", rule_kind)
                ]
                start = (
                    ticket.reopened_date
                    if ticket.reopen_count and ticket.reopened_date
                    else ticket.received_date
                )
                plans.setdefault(calendar, []).append(
                    (ticket, kind, (start, duration, unit))
                )
        computed = {}
        for calendar, items in plans.items():
            dates = self.env["cq.deadline.rule"]._plan(
                calendar, [request for _t, _k, request in items]
            )
            for (ticket, kind, _request), date in zip(items, dates, strict=True):
                computed[(ticket.id, kind)] = date
        # the current round's deadlines; those of earlier rounds are history
        existing = {
            (d.ticket_id.id, d.kind): d
            for d in self.sudo().deadline_ids
            if d.round == d.ticket_id.reopen_count
        }
        rounds = {ticket.id: ticket.reopen_count for ticket in self}
        to_create = []
        moved = {}  # ticket id -> lines of its note
        labels = dict(Deadline._fields["kind"]._description_selection(self.env))
        for (ticket_id, kind), date in computed.items():
            deadline = existing.pop((ticket_id, kind), None)
            if deadline is None:
                to_create.append(
                    {
                        "ticket_id": ticket_id,
                        "kind": kind,
                        "round": rounds[ticket_id],
                        "date_deadline": date,
                        # not met yet: said, so that the status computed before
                        # the insert need not look it up (bench/)
                        "date_met": False,
                    }
                )
            elif not deadline.date_met and deadline.date_deadline != date:
                old = deadline.date_deadline
                deadline.write({"date_deadline": date, "date_escalated": False})
                moved.setdefault(ticket_id, []).append(
                    self.env._(
                        "Deadline “%(step)s” moved from %(old)s to %(new)s.",
                        step=labels[kind],
                        old=fields.Datetime.to_string(old),
                        new=fields.Datetime.to_string(date),
                    )
                )
        if moved:
            # Performance (bench/): a calendar or rule change moves the deadlines of
            # every open ticket; one note per ticket, all logged at once, not a
            # message_post each.
            self.browse(list(moved))._message_log_batch(
                bodies={
                    ticket_id: Markup("<br/>").join(lines)
                    for ticket_id, lines in moved.items()
                }
            )
        # deadlines no longer wanted (e.g. urgency removed) go, unless already met
        # (``existing`` holds only deadlines of ``self``)
        obsolete = Deadline.browse(
            [
                d.id
                for d in existing.values()
                if not d.date_met and d.ticket_id.state not in ("closed", "cancelled")
            ]
        )
        if obsolete:
            obsolete.unlink()
        if to_create:
            Deadline.create(to_create)

    @api.model
    def _cq_recompute_open_severity(self, domain):
        """The severity of the open tickets matching ``domain`` follows a new
        loss threshold (their deadlines and notifications with it); finished
        tickets keep the severity they were handled with."""
        tickets = (
            self.sudo()
            .with_context(active_test=False)
            .search(domain + [("state", "in", OPEN_STATES)])
        )
        if not tickets:
            return
        before = {ticket: ticket.severity for ticket in tickets}
        self.env.add_to_compute(self._fields["severity_computed"], tickets)
        self.env.add_to_compute(self._fields["severity"], tickets)
        tickets.flush_recordset(["severity_computed", "severity"])
        changed = tickets.filtered(lambda t: t.severity != before[t])
        if changed:
            changed._cq_sync_deadlines()
            changed.filtered(
                lambda t: t.severity == "serious" and not t.serious_notified
            )._cq_notify_serious()

    def _cq_mark_met(self, step):
        kinds = MET_BY[step]
        deadlines = self.sudo().deadline_ids.filtered(
            lambda d: (
                d.kind in kinds
                and not d.date_met
                and d.round == d.ticket_id.reopen_count
            )
        )
        if deadlines:
            deadlines.write({"date_met": fields.Datetime.now()})

    def _cq_deadline_of(self, kind):
        self.ensure_one()
        deadline = self.deadline_ids.filtered(
            lambda d: d.kind == kind and d.round == self.reopen_count
        )[:1]
        return deadline.date_deadline or fields.Datetime.now()

    # Activities -------------------------------------------------------------
    def _cq_schedule(self, activity_xmlid, user, deadline, note=None):
        """The activity of a step for ``user``, due on the day of ``deadline``."""
        self.ensure_one()
        if not user:
            return self.env["mail.activity"]
        return self.activity_schedule(
            activity_xmlid,
            **self._prepare_step_activity_vals(user, deadline, note),
        )

    def _prepare_step_activity_vals(self, user, deadline, note=None):
        """Values of a step's activity (``activity_schedule`` keywords); called by
        _cq_schedule."""
        self.ensure_one()
        date = (
            fields.Datetime.context_timestamp(self, deadline).date()
            if deadline
            else None
        )
        return {"date_deadline": date, "user_id": user.id, "note": note or ""}

    def _cq_done_activities(self, activity_xmlid):
        activity_type = self.env.ref(activity_xmlid)
        self.activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type
        ).action_feedback()

    def _cq_reassign_activities(self):
        """Follow a change of responsible person on the open step activities."""
        step_types = (
            self.env.ref("customer_quality.mail_activity_type_cq_investigate")
            | self.env.ref("customer_quality.mail_activity_type_cq_site_visit")
            | self.env.ref("customer_quality.mail_activity_type_cq_reply")
            | self.env.ref("customer_quality.mail_activity_type_cq_follow_up")
        )
        for ticket in self.filtered("user_id"):
            activities = ticket.activity_ids.filtered(
                lambda a: a.activity_type_id in step_types
            )
            if activities:
                activities.write({"user_id": ticket.user_id.id})

    # Pending ledger and monthly review -----------------------------------
    @api.model
    def _cron_pending_reminder(self):
        """On the configured day of the month, remind the responsible people of
        what is still in the pending ledger (未了事宜)."""
        activity_type = self.env.ref("customer_quality.mail_activity_type_cq_pending")
        # a reminder day per company; companies are few
        for company in self.env["res.company"].search([]):  # pylint: disable=no-search-all
            # the 4th where the company works, not in UTC
            today = company._cq_today()
            if today.day != (company.cq_pending_reminder_day or 4):
                continue
            if company.cq_pending_reminded_on == today:
                continue
            tickets = self.search(
                [
                    ("company_id", "=", company.id),
                    ("pending", "=", True),
                    ("state", "in", OPEN_STATES),
                ]
            )
            model_id = self.env["ir.model"]._get_id(self._name)
            values = []
            for ticket in tickets:
                user = ticket.user_id or ticket._cq_escalation_user()
                if user:
                    values.append(
                        ticket._prepare_pending_reminder_vals(
                            model_id, activity_type, user, today
                        )
                    )
            self.env["mail.activity"].create(values)
            company.cq_pending_reminded_on = today

    def _prepare_pending_reminder_vals(self, model_id, activity_type, user, today):
        """Values of the monthly pending-ledger reminder (a mail.activity);
        called by _cron_pending_reminder."""
        self.ensure_one()
        return {
            "res_model_id": model_id,
            "res_id": self.id,
            "activity_type_id": activity_type.id,
            "user_id": user.id,
            "summary": env_for(self.env, user)._(
                "Pending ledger: contact the customer about %s", self.name
            ),
            "date_deadline": today,
        }

    @api.model
    def _cron_monthly_review(self):
        """On the company's first working day of the month, ask each department
        manager to review last month's feedback."""
        # companies are few, each with its own calendar
        for company in self.env["res.company"].search([]):  # pylint: disable=no-search-all
            # months as the company lives them: a ticket received at 07:00 on
            # the 1st in Shanghai is of that month, whatever UTC says
            today = company._cq_today()
            first_of_month = today.replace(day=1)
            last_month_start = (first_of_month - timedelta(days=1)).replace(day=1)
            if (
                not company.cq_monthly_review
                or company.cq_reviewed_on == first_of_month
            ):
                continue
            if company._cq_first_working_day(first_of_month) != today:
                continue
            teams = self.env["cq.team"].search(
                [("company_id", "=", company.id), ("manager_id", "!=", False)]
            )
            counts = dict(
                self._read_group(
                    [
                        ("company_id", "=", company.id),
                        (
                            "received_date",
                            ">=",
                            company._cq_local_midnight(last_month_start),
                        ),
                        (
                            "received_date",
                            "<",
                            company._cq_local_midnight(first_of_month),
                        ),
                    ],
                    ["team_id"],
                    ["__count"],
                )
            )
            for team in teams:
                team.activity_schedule(
                    "customer_quality.mail_activity_type_cq_review",
                    **self._prepare_review_activity_vals(
                        team, today, last_month_start, counts.get(team, 0)
                    ),
                )
            company.cq_reviewed_on = first_of_month

    @api.model
    def _prepare_review_activity_vals(self, team, today, month_start, count):
        """Values of a department manager's monthly review activity
        (``activity_schedule`` keywords); called by _cron_monthly_review."""
        return {
            "date_deadline": today + timedelta(days=3),
            "user_id": team.manager_id.id,
            "summary": env_for(self.env, team.manager_id)._(
                "Review the feedback of %(month)s: %(count)s tickets",
                month=month_start.strftime("%Y-%m"),
                count=count,
            ),
        }

    # ------------------------------------------------------------------
    # Returns and warranty claims raised from the ticket
    # ------------------------------------------------------------------
    def _cq_source_paths(self):
        return {"cq.return": ["ticket_id"], "cq.warranty.claim": ["ticket_id"]}

    def _cq_return_defaults(self):
        self.ensure_one()
        values = {
            "partner_id": self.commercial_partner_id.id,
            "ticket_id": self.id,
            "company_id": self.company_id.id,
            "cause": TICKET_CAUSE_TO_RETURN.get(self.cause_category),
            "user_id": self.user_id.id or self.env.uid,
        }
        if self.sale_order_id:
            values["sale_order_id"] = self.sale_order_id.id
        if self.picking_id:
            values["picking_id"] = self.picking_id.id
            moves = self.picking_id._cq_delivered_moves()
            if self.product_id:
                moves = moves.filtered(lambda m: m.product_id == self.product_id)
            values["line_ids"] = self.env["cq.return"]._cq_line_commands(
                moves, lot=self.lot_id or None, quantity=self.defective_qty or None
            )
        return values

    def _cq_warranty_claim_defaults(self):
        self.ensure_one()
        return {
            "ticket_id": self.id,
            "partner_id": self.commercial_partner_id.id,
            "picking_id": self.picking_id.id,
            "product_id": self.product_id.id,
            "lot_id": self.lot_id.id,
            "quantity": self.defective_qty or 1.0,
            "cause": self.cause_category,
        }
