from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from .cq_recipient_lang import env_for

TRIGGER_STATES = [
    ("proposed", "To decide"),
    ("opened", "Corrective action opened"),
    ("dismissed", "No action"),
]
REASON_KINDS = [
    ("dimension", "Dimension below threshold"),
    ("overall", "Overall below threshold"),
    ("decline", "Significant decline"),
    ("competitor", "Worse than a competitor"),
    ("complaint", "Major complaint or return"),
]


class CqSatisfactionTrigger(models.Model):
    """不满意指标: a weak satisfaction result (a dimension under 60, overall under
    70, a significant decline, worse than a competitor, a major complaint or
    return in the period) that calls for a corrective action, opened at once
    or proposed to the quality manager, who opens it or records why not."""

    _name = "cq.satisfaction.trigger"
    _description = "Satisfaction Trigger"
    _inherit = ["cq.document.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "create_date desc, id desc"
    _check_company_auto = True
    _cq_sequence_code = "cq.satisfaction.trigger"
    _cq_sequence_date_field = "create_date"
    _cq_initial_state = "proposed"
    _cq_locked_states = ("opened", "dismissed")
    # raised for a company's customer: it stays there
    _cq_editable_states = {"company_id": ()}
    _cq_workflow_fields = (
        "capa_id",
        "decided_by_id",
        "decided_date",
        "dismiss_reason",
        "response_id",
        "partner_id",
        "period_start",
        "campaign_id",
    )

    name = fields.Char("Number", readonly=True, copy=False, default="/")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    state = fields.Selection(
        TRIGGER_STATES,
        default="proposed",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
        index=True,
        group_expand="_cq_group_expand_states",
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", readonly=True, index=True
    )
    salesperson_id = fields.Many2one(
        related="partner_id.user_id", store=True, string="Salesperson"
    )
    response_id = fields.Many2one("survey.user_input", readonly=True, index=True)
    response_score = fields.Float(related="response_id.cq_score", string="Overall")
    campaign_id = fields.Many2one("cq.satisfaction.campaign", readonly=True, index=True)
    period_start = fields.Date("Survey period", readonly=True, index=True)
    reason_ids = fields.One2many(
        "cq.satisfaction.trigger.reason", "trigger_id", string="Reasons"
    )
    summary = fields.Text(compute="_compute_summary")
    capa_id = fields.Many2one(
        "cq.capa", string="Corrective action", readonly=True, index=True
    )
    decided_by_id = fields.Many2one("res.users", "Decided by", readonly=True)
    decided_date = fields.Datetime("Decided on", readonly=True)
    dismiss_reason = fields.Text("Why no action", readonly=True, tracking=True)
    can_decide = fields.Boolean("Can decide", compute="_compute_can_decide")

    @api.depends("reason_ids.note")
    def _compute_summary(self):
        for trigger in self:
            trigger.summary = "\n".join(trigger.reason_ids.mapped("note"))

    @api.depends("state")
    @api.depends_context("uid")
    def _compute_can_decide(self):
        officer = self.env.user.has_group("customer_quality.group_cq_officer")
        for trigger in self:
            trigger.can_decide = officer and trigger.state == "proposed"

    @api.model
    def _cq_step_states(self):
        return {"decide": ("proposed",)}

    def _compute_display_name(self):
        for trigger in self:
            trigger.display_name = " - ".join(
                part for part in (trigger.name, trigger.partner_id.name) if part
            )

    # ------------------------------------------------------------------
    # Finding weak results
    # ------------------------------------------------------------------
    @api.model
    def _cq_response_reasons(self, response):
        """The reasons a scored response calls for corrective action."""
        company = response.cq_company_id
        reasons = []
        scores = response.cq_score_ids
        ours = {
            s.dimension_id: s for s in scores if s.dimension_id and not s.competitor_id
        }
        for dimension, score in ours.items():
            if score.score < company.cq_satisfaction_dimension_min:
                reasons.append(
                    {
                        "kind": "dimension",
                        "dimension_id": dimension.id,
                        "score": score.score,
                        "reference": company.cq_satisfaction_dimension_min,
                        "note": self.env._(
                            "%(dimension)s: %(score).1f, below %(limit).0f",
                            dimension=dimension.name,
                            score=score.score,
                            limit=company.cq_satisfaction_dimension_min,
                        ),
                    }
                )
        overall = scores.filtered("is_overall")
        if overall and overall.score < company.cq_satisfaction_overall_min:
            reasons.append(
                {
                    "kind": "overall",
                    "score": overall.score,
                    "reference": company.cq_satisfaction_overall_min,
                    "note": self.env._(
                        "Overall: %(score).1f, below %(limit).0f",
                        score=overall.score,
                        limit=company.cq_satisfaction_overall_min,
                    ),
                }
            )
        for theirs in scores.filtered("competitor_id"):
            mine = ours.get(theirs.dimension_id)
            margin = company.cq_satisfaction_competitor_margin
            if mine and theirs.score > mine.score + margin:
                reasons.append(
                    {
                        "kind": "competitor",
                        "dimension_id": theirs.dimension_id.id,
                        "competitor_id": theirs.competitor_id.id,
                        "score": mine.score,
                        "reference": theirs.score,
                        "note": self.env._(
                            "%(dimension)s: %(score).1f, %(competitor)s %(theirs).1f",
                            dimension=theirs.dimension_id.name,
                            score=mine.score,
                            competitor=theirs.competitor_id.name,
                            theirs=theirs.score,
                        ),
                    }
                )
        period_start = scores[:1].period_start
        already = self.search_count(
            [
                ("partner_id", "=", response.cq_customer_id.id),
                ("company_id", "=", company.id),
                ("period_start", "=", period_start),
                ("reason_ids.kind", "=", "complaint"),
            ],
            limit=1,
        )
        if not already:
            reasons += self._cq_complaint_reasons(
                response.cq_customer_id, company, period_start
            )
        return reasons

    @api.model
    def _cq_complaint_reasons(self, customer, company, period_start):
        """A serious complaint, a return or a customer deduction of ``customer``
        in the period: the procedure's 'major complaint or return (incl.
        deductions)'."""
        if not customer or not period_start:
            return []
        start, end = company._cq_satisfaction_period(period_start)
        since = company._cq_local_midnight(start)
        until = company._cq_local_midnight(end + timedelta(days=1))
        env = self.env
        tickets = (
            env["cq.ticket"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("commercial_partner_id", "=", customer.id),
                    ("severity", "=", "serious"),
                    ("received_date", ">=", since),
                    ("received_date", "<", until),
                    ("state", "!=", "cancelled"),
                ]
            )
        )
        returns = (
            env["cq.return"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("commercial_partner_id", "=", customer.id),
                    ("state", "not in", ("draft", "cancelled")),
                    ("date", ">=", start),
                    ("date", "<=", end),
                ]
            )
        )
        deductions = (
            env["cq.warranty.claim.cost"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("claim_id.partner_id", "=", customer.id),
                    ("cost_type", "=", "penalty"),
                    ("date", ">=", start),
                    ("date", "<=", end),
                ]
            )
        )
        if not (tickets or returns or deductions):
            return []
        return [
            {
                "kind": "complaint",
                "note": self.env._(
                    "In the period: %(records)s",
                    records=", ".join(
                        (tickets.mapped("name") + returns.mapped("name"))
                        + deductions.claim_id.mapped("name")
                    ),
                ),
            }
        ]

    @api.model
    def _cq_check_responses(self, responses):
        """Raise the weak results of freshly scored responses: one per customer
        and period, which later answers add their reasons to while it is to
        decide or its corrective action runs."""
        for response in responses:
            reasons = self._cq_response_reasons(response)
            if not reasons:
                continue
            for reason in reasons:
                reason["response_id"] = response.id
            self._cq_collect(
                response.cq_company_id,
                response.cq_customer_id,
                reasons,
                response.cq_score_ids[:1].period_start,
                response=response,
            )

    @api.model
    def _cq_collect(self, company, customer, reasons, period_start, response=None):
        """Add ``reasons`` to the customer's weak result of the period while it
        takes them, else raise a new one."""
        current = self.search(
            [
                ("company_id", "=", company.id),
                ("partner_id", "=", customer.id),
                ("period_start", "=", period_start),
                ("state", "in", ("proposed", "opened")),
            ],
            limit=1,
        )
        if current and current._cq_takes_reasons():
            current._cq_add_reasons(reasons)
            return current
        return self._cq_raise(
            company, customer, reasons, response=response, period_start=period_start
        )

    def _cq_takes_reasons(self):
        """Still to decide, or its corrective action still runs."""
        self.ensure_one()
        return self.state == "proposed" or self.capa_id.state not in (
            "verified",
            "closed",
            "cancelled",
        )

    def _cq_add_reasons(self, reasons):
        """Another answer of the customer confirms the weak result."""
        self.ensure_one()
        self.env["cq.satisfaction.trigger.reason"].sudo().create(
            [dict(reason, trigger_id=self.id) for reason in reasons]
        )
        note = self.env._(
            "More for this result: %s",
            "; ".join(reason["note"] for reason in reasons),
        )
        self.sudo().message_post(body=note, subtype_xmlid="mail.mt_note")
        if self.capa_id:
            self.capa_id.sudo().message_post(body=note, subtype_xmlid="mail.mt_note")

    @api.model
    def _cq_raise(self, company, customer, reasons, response=None, period_start=None):
        """Record a trigger with ``reasons``; open its corrective action at once
        or propose it to the quality manager."""
        trigger = self.sudo().with_company(company).create({"company_id": company.id})
        trigger._cq_write_workflow(
            {
                "partner_id": customer.id,
                "response_id": response and response.id,
                "campaign_id": response and response.cq_campaign_id.id,
                "period_start": period_start,
            }
        )
        self.env["cq.satisfaction.trigger.reason"].sudo().create(
            [
                dict(
                    reason, trigger_id=trigger.id, response_id=response and response.id
                )
                for reason in reasons
            ]
        )
        manager = (
            company.cq_quality_manager_id
            | company.cq_management_rep_id
            | company.cq_general_manager_id
        ).filtered(lambda u: company in u.company_ids)[:1]
        if company.cq_satisfaction_capa_mode == "open" and manager:
            trigger._cq_open_capa(manager, decided_by=False)
        elif manager:
            trigger.activity_schedule(
                "customer_quality.mail_activity_cq_satisfaction_trigger",
                user_id=manager.id,
                note=trigger.summary,
            )
        return trigger

    # ------------------------------------------------------------------
    # Decisions
    # ------------------------------------------------------------------
    def _cq_capa_values(self, leader):
        self.ensure_one()
        items = Markup("").join(
            Markup("<li>%s</li>") % note for note in self.reason_ids.mapped("note")
        )
        return {
            "title": self.env._(
                "Customer satisfaction: %(customer)s (%(period)s)",
                customer=self.partner_id.name,
                period=self.period_start or "",
            ),
            "company_id": self.company_id.id,
            "partner_id": self.partner_id.id,
            "leader_id": leader.id,
            "description": Markup("<p>%s</p><ul>%s</ul>")
            % (
                self.env._("The customer's satisfaction survey showed:"),
                items,
            ),
        }

    def _cq_open_capa(self, leader, decided_by=None):
        """Open the corrective action led by ``leader``; ``decided_by`` False: the
        company's rule opened it, nobody decided."""
        self.ensure_one()
        capa = self.env["cq.capa"].sudo().create(self._cq_capa_values(leader))
        capa.message_post_with_source(
            "mail.message_origin_link",
            render_values={"self": capa, "origin": self},
            subtype_xmlid="mail.mt_note",
        )
        capa.activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=leader.id,
            summary=env_for(self.env, leader)._(
                "Corrective action from customer satisfaction"
            ),
            note=self.summary,
        )
        self._cq_set_state(
            "opened",
            capa_id=capa.id,
            decided_by_id=self.env.user.id if decided_by is None else decided_by,
            decided_date=fields.Datetime.now(),
        )
        self.activity_ids.action_feedback(
            feedback=self.env._("Corrective action %s opened.", capa.name)
        )
        return capa

    def action_open_capa(self):
        """Open the proposed corrective action, led by the user."""
        self.ensure_one()
        self._cq_ensure_can("decide")
        capa = self._cq_open_capa(self.env.user)
        return self._cq_open("cq.capa", capa, self.env._("Corrective action"))

    def action_dismiss(self, reason):
        """Decide that the result calls for no corrective action, and why."""
        if not (reason or "").strip():
            raise UserError(self.env._("Say why the result calls for no action."))
        self._cq_ensure_can("decide")
        for trigger in self:
            trigger._cq_set_state(
                "dismissed",
                dismiss_reason=reason,
                decided_by_id=self.env.user.id,
                decided_date=fields.Datetime.now(),
            )
            trigger.activity_ids.action_feedback(feedback=reason)
        return True

    def action_dismiss_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "cq.satisfaction.dismiss.wizard",
            "view_mode": "form",
            "target": "new",
            "name": self.env._("No corrective action"),
            "context": {"default_trigger_id": self.id},
        }

    def action_view_capa(self):
        self.ensure_one()
        return self._cq_open("cq.capa", self.capa_id, self.env._("Corrective action"))
