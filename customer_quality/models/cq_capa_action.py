from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

ACTION_KINDS = [
    ("containment", "Containment (D3)"),
    ("corrective", "Permanent corrective action (D5–D6)"),
    ("preventive", "Prevention (D7)"),
]
ACTION_STATES = [
    ("open", "To do"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]
CONTAINMENT_LOCATIONS = [
    ("customer", "At the customer"),
    ("transit", "In transit"),
    ("stock", "In our stock"),
    ("production", "In production"),
    ("supplier", "At the supplier"),
]
# What the owner of a line records on it; the rest is planned by quality.
OWNER_FIELDS = {
    "qty_checked",
    "qty_nonconforming",
    "result",
    "evidence",
    "attachment_ids",
    "validation_result",
}


class CqCapaAction(models.Model):
    """An action of a corrective action (containment, permanent corrective or
    preventive): an owner, a due date that is the owner's activity, and the
    evidence it was done with."""

    _name = "cq.capa.action"
    _inherit = "cq.capa.line.mixin"
    _description = "Corrective Action Line"
    _order = "capa_id, kind, sequence, id"
    _check_company_auto = True

    sequence = fields.Integer(default=10)
    kind = fields.Selection(ACTION_KINDS, required=True, default="corrective")
    name = fields.Char("Action", required=True)
    user_id = fields.Many2one(
        "res.users",
        string="Owner",
        required=True,
        index=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
        help="Gets the action as an activity, due on its date, and records it done.",
    )
    date_deadline = fields.Date(
        "Due on", required=True, default=fields.Date.context_today
    )
    date_done = fields.Date("Done on", readonly=True, copy=False)
    done_by_id = fields.Many2one("res.users", "Done by", readonly=True, copy=False)
    state = fields.Selection(
        ACTION_STATES, default="open", required=True, readonly=True, copy=False
    )
    is_overdue = fields.Boolean(
        "Overdue", compute="_compute_is_overdue", search="_search_is_overdue"
    )
    activity_id = fields.Many2one(
        "mail.activity", readonly=True, copy=False, ondelete="set null"
    )
    # containment (D3)
    location = fields.Selection(CONTAINMENT_LOCATIONS, string="Where")
    lot_ids = fields.Many2many(
        "stock.lot",
        string="Lots concerned",
        check_company=True,
        domain="[('product_id', '=?', parent.product_id)]",
    )
    qty_checked = fields.Float("Quantity checked", digits="Product Unit of Measure")
    qty_nonconforming = fields.Float(
        "Quantity nonconforming", digits="Product Unit of Measure"
    )
    result = fields.Text(help="What the check or the action found.")
    # permanent corrective action (D5–D6)
    cause_id = fields.Many2one(
        "cq.capa.cause",
        string="Root cause removed",
        ondelete="restrict",
        domain="[('capa_id', '=', capa_id)]",
        help="Each permanent corrective action removes a root cause found in D4.",
    )
    validation_result = fields.Text(
        "Validation",
        help="D6: how the action was shown to work (trial run, capability study, "
        "test results).",
    )
    # done, with evidence
    evidence = fields.Text(help="What shows the action was done.")
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "cq_capa_action_attachment_rel",
        string="Evidence files",
    )

    @api.constrains("qty_checked", "qty_nonconforming")
    def _check_quantities(self):
        for line in self:
            if line.qty_checked < 0 or line.qty_nonconforming < 0:
                raise ValidationError(
                    self.env._(
                        "%(action)s: quantities cannot be negative.", action=line.name
                    )
                )
            if line.qty_nonconforming > line.qty_checked:
                raise ValidationError(
                    self.env._(
                        "%(action)s: more parts cannot be found nonconforming than "
                        "were checked.",
                        action=line.name,
                    )
                )

    @api.depends("date_deadline", "state")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for line in self:
            line.is_overdue = bool(
                line.state == "open"
                and line.date_deadline
                and line.date_deadline < today
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on overdue actions."))
        domain = [
            ("state", "=", "open"),
            ("date_deadline", "<", fields.Date.context_today(self)),
        ]
        return domain if (operator == "=") == value else ["!", "&", *domain]

    @api.constrains("kind", "cause_id", "capa_id")
    def _check_cause(self):
        for line in self:
            if line.cause_id and line.cause_id.capa_id != line.capa_id:
                raise ValidationError(
                    self.env._(
                        "%(action)s removes a root cause of another corrective action.",
                        action=line.name,
                    )
                )
            if line.cause_id and line.kind != "corrective":
                raise ValidationError(
                    self.env._(
                        "Only a permanent corrective action is tied to the root cause "
                        "it removes (%(action)s).",
                        action=line.name,
                    )
                )

    @api.constrains("user_id", "capa_id")
    def _check_owner_recusal(self):
        for line in self:
            if line.user_id in line.capa_id.recused_user_ids:
                raise ValidationError(
                    self.env._(
                        "%(user)s is the person a linked complaint is about: they "
                        "cannot own its actions.",
                        user=line.user_id.name,
                    )
                )

    # ------------------------------------------------------------------
    # CRUD: quality plans the lines, owners record theirs
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            for name in ("state", "date_done", "done_by_id", "activity_id"):
                if vals.get(name) and not (name == "state" and vals[name] == "open"):
                    raise UserError(
                        self.env._(
                            "An action is created to do; it is recorded done by its "
                            "owner."
                        )
                    )
        lines = super().create(vals_list)
        lines.capa_id._cq_check_lines_editable()
        lines._cq_schedule_activity()
        return lines

    def write(self, vals):
        if not self.env.su:
            self._cq_check_write(vals)
        planned = {"user_id", "date_deadline", "name"} & set(vals)
        result = super().write(vals)
        if planned:
            self.filtered(lambda line: line.state == "open")._cq_schedule_activity()
        return result

    def _cq_check_write(self, vals):
        if "capa_id" in vals and any(
            line.capa_id.id != vals["capa_id"] for line in self
        ):
            raise UserError(
                self.env._(
                    "An action stays on the corrective action it was planned on."
                )
            )
        protected = {"state", "date_done", "done_by_id", "activity_id"} & set(vals)
        if protected:
            raise UserError(
                self.env._("Use “Done” to record an action done, with its evidence.")
            )
        officer = self.env.user.has_group("customer_quality.group_cq_officer")
        for line in self:
            line.capa_id._cq_check_lines_editable()
            if line.state != "open" and set(vals) - {"sequence"}:
                raise UserError(
                    self.env._(
                        "%(action)s is %(state)s: it is part of the record.",
                        action=line.name,
                        state=dict(
                            line._fields["state"]._description_selection(self.env)
                        )[line.state].lower(),
                    )
                )
            if officer:
                continue
            if line.user_id != self.env.user or set(vals) - OWNER_FIELDS:
                raise AccessError(
                    self.env._(
                        "Only quality plans the actions of %(capa)s; the owner of an "
                        "action records its result and evidence.",
                        capa=line.capa_id.display_name,
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_done(self):
        for line in self:
            if line.state == "done":
                raise UserError(
                    self.env._(
                        "%(action)s is done: it is part of the record. Cancel it "
                        "instead.",
                        action=line.name,
                    )
                )
            line.capa_id._cq_check_lines_editable()
        self.activity_id.sudo().unlink()

    # ------------------------------------------------------------------
    # Activities
    # ------------------------------------------------------------------
    def _cq_schedule_activity(self):
        """The owner's activity on the corrective action, due on the line's date:
        created, or moved and handed over with the line."""
        activity_type = self.env.ref(
            "customer_quality.mail_activity_type_cq_capa_action"
        )
        model_id = self.env["ir.model"]._get_id("cq.capa")
        to_create = []
        lines_to_link = []
        for line in self.filtered(lambda a: a.state == "open"):
            vals = line._prepare_activity_vals(activity_type, model_id)
            if line.activity_id.exists():
                line.activity_id.sudo().write(
                    {k: vals[k] for k in ("user_id", "date_deadline", "summary")}
                )
            else:
                to_create.append(vals)
                lines_to_link.append(line)
        if to_create:
            activities = (
                self.env["mail.activity"]
                .sudo()
                .with_context(mail_activity_quick_update=True)
                .create(to_create)
            )
            for line, activity in zip(lines_to_link, activities, strict=True):
                line.sudo().write({"activity_id": activity.id})

    def _prepare_activity_vals(self, activity_type, model_id):
        """The owner's activity values; called by _cq_schedule_activity."""
        self.ensure_one()
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        return {
            "res_model_id": model_id,
            "res_id": self.capa_id.id,
            "activity_type_id": activity_type.id,
            "user_id": self.user_id.id,
            "date_deadline": self.date_deadline,
            "summary": f"{kinds[self.kind]}: {self.name}"[:200],
        }

    # ------------------------------------------------------------------
    # Steps
    # ------------------------------------------------------------------
    def action_done(self, evidence=None):
        """The owner (or quality) records the action done, with its evidence; the
        owner's activity is closed with it."""
        officer = self.env.user.has_group("customer_quality.group_cq_officer")
        for line in self:
            if line.state != "open":
                raise UserError(
                    self.env._("%(action)s is not to do.", action=line.name)
                )
            if line.user_id != self.env.user and not officer and not self.env.su:
                raise AccessError(
                    self.env._(
                        "%(action)s is %(owner)s's to record done.",
                        action=line.name,
                        owner=line.user_id.name,
                    )
                )
            line.capa_id._cq_check_lines_editable()
            text = (evidence or "").strip() or (line.evidence or "").strip()
            if not text and line.kind == "containment":
                # what a containment check found is its evidence
                text = (line.result or "").strip()
            if not text and not line.attachment_ids:
                raise UserError(
                    self.env._(
                        "Record the evidence that %(action)s was done (a note or "
                        "a file).",
                        action=line.name,
                    )
                )
            if (
                line.kind == "containment"
                and not line.qty_checked
                and not (line.result or "").strip()
            ):
                raise UserError(
                    self.env._(
                        "Record what the containment %(action)s checked and found.",
                        action=line.name,
                    )
                )
            values = {
                "state": "done",
                "date_done": fields.Date.context_today(self),
                "done_by_id": self.env.user.id,
            }
            if text != (line.evidence or "").strip():
                values["evidence"] = text
            line.sudo().write(values)
            if line.activity_id.exists():
                line.activity_id.sudo().action_feedback(feedback=text or line.name)
            # as its author, though owners do not write the corrective action
            line.capa_id.sudo().message_post(
                author_id=self.env.user.partner_id.id,
                body=self.env._(
                    "Action done by %(user)s: %(action)s",
                    user=self.env.user.name,
                    action=line.name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_mark_done(self):
        """Button: done with the evidence already written on the line."""
        return self.action_done()

    def action_cancel(self):
        """Quality drops an action that is no longer needed."""
        for line in self:
            line.capa_id._cq_check_group(
                "customer_quality.group_cq_officer",
                self.env._("cancel an action of a corrective action"),
            )
            line.capa_id._cq_check_lines_editable()
            if line.state != "open":
                raise UserError(
                    self.env._("%(action)s is not to do.", action=line.name)
                )
            line.sudo().write({"state": "cancelled"})
            line.activity_id.sudo().unlink()
        return True
