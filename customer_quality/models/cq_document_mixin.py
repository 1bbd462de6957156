from collections import Counter
from contextlib import contextmanager

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError


class CqDocumentMixin(models.AbstractModel):
    """The skeleton every quality record stands on (ticket, return, warranty
    claim, corrective action): one number per company, a state machine whose
    only door is the model's own transitions, fields that only those
    transitions write, a lock once the record is finished, and records that
    stay in their company.

    A model using it declares:

    - ``_cq_sequence_code`` and ``_cq_sequence_date_field``: its number series;
    - ``_cq_workflow_fields``: the fields only its transitions write (who
      approved, decided, confirmed, and when); ``state`` always is one;
    - ``_cq_locked_states`` and ``_cq_editable_when_locked``: when it is
      finished and what may still change then;
    - ``_cq_initial_state``: the state records are created in;
    - ``_cq_editable_states``: fields that change only in some states;
    - its ``can_<step>`` computed booleans, which decide the buttons and which
      ``_cq_ensure_can(step)`` re-reads in the actions;
    - ``_cq_next_steps``: its steps in the order of the workflow; the first
      the user may take is their ``next_step``, the form's one primary button.

    Nothing here reads the context: a context is client input and grants
    nothing.
    """

    _name = "cq.document.mixin"
    _description = "Customer Quality Document"

    _cq_sequence_code = None
    _cq_sequence_date_field = None
    _cq_initial_state = "draft"
    _cq_locked_states = ("closed", "cancelled")
    _cq_workflow_fields = ()
    _cq_editable_when_locked = ()
    # {field: states in which it may still change}: what a later step relies on
    # (the goods a decision was taken on, the customer a return was authorised
    # for) stays as it was
    _cq_editable_states = {}
    # fields only quality staff change (the links to corrective actions)
    _cq_officer_fields = ()
    # the steps of the workflow in their order (each with its can_<step>)
    _cq_next_steps = ()

    is_locked = fields.Boolean(
        "Locked",
        compute="_compute_is_locked",
        help="Finished records are records of the quality system: their data and "
        "decisions no longer change.",
    )

    next_step = fields.Char(
        "Next step",
        compute="_compute_next_step",
        help="The step of the workflow the current user takes next, if any: the "
        "form shows it as the one primary button, the other steps they may take "
        "as secondary ones.",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("state")
    def _compute_is_locked(self):
        for record in self:
            record.is_locked = record.state in self._cq_locked_states

    @api.depends_context("uid")
    @api.depends(lambda self: [f"can_{step}" for step in self._cq_next_steps])
    def _compute_next_step(self):
        for record in self:
            record.next_step = next(
                (
                    step
                    for step in self._cq_next_steps
                    if record[f"can_{step}"] and record._cq_step_is_next(step)
                ),
                False,
            )

    def _cq_step_is_next(self, step):
        """Whether ``step``, which the user may take, is one to propose now
        (a model narrows it where a step applies only to some records)."""
        return True

    def _cq_group_expand_states(self, states, domain):
        """Kanban columns: every state in order; cancelled only when it has records."""
        return [
            key
            for key, _label in self._fields["state"]._description_selection(self.env)
            if key != "cancelled" or key in states
        ]

    # ------------------------------------------------------------------
    # What only the workflow writes
    # ------------------------------------------------------------------
    @api.model
    def _cq_protected_fields(self):
        """Fields that only the model's transitions write."""
        return {"state", *self._cq_workflow_fields}

    @api.model
    def _cq_always_editable_fields(self):
        """Fields any locked record keeps editable: its archive flag and colour,
        and its chatter and activities (messages are posted on finished records
        too)."""
        names = {"active", "color", "access_token"}
        for mixin in ("mail.thread", "mail.thread.cc", "mail.activity.mixin"):
            if isinstance(self, self.pool[mixin]):
                names |= set(self.pool[mixin]._fields)
        return names

    def _cq_workflow_key(self):
        return [(self._name, record_id) for record_id in self.ids]

    def _cq_open_transitions(self):
        """The (model, id) pairs whose transition is being written now, on this
        cursor; nothing outside the server's own code can add to it."""
        cr = self.env.cr
        if not hasattr(cr, "_cq_transitions"):
            cr._cq_transitions = Counter()
        return cr._cq_transitions

    @contextmanager
    def _cq_in_transition(self):
        """Let the transitions of these records write their protected fields."""
        keys = self._cq_workflow_key()
        opened = self._cq_open_transitions()
        opened.update(keys)
        try:
            yield
        finally:
            opened.subtract(keys)
            for key in keys:
                if opened[key] <= 0:
                    del opened[key]

    def _cq_transitioning(self):
        opened = self._cq_open_transitions()
        return bool(self) and all(opened[key] > 0 for key in self._cq_workflow_key())

    def _cq_set_state(self, state, **values):
        """The one door for ``state`` and the workflow-owned fields: the
        ``action_*`` methods call it after their checks."""
        values["state"] = state
        return self._cq_write_workflow(values)

    def _cq_write_workflow(self, values):
        """Write workflow-owned fields (a step's who and when) without a change
        of state; called by the actions after their checks."""
        with self._cq_in_transition():
            return self.write(values)

    def _cq_check_protected_write(self, vals):
        protected = self._cq_protected_fields() & set(vals)
        if protected and not self._cq_transitioning():
            raise UserError(
                self.env._(
                    "%(fields)s of %(model)s are set by its workflow steps only: use "
                    "the buttons.",
                    fields=self._cq_field_labels(protected),
                    model=self._description,
                )
            )

    def _cq_check_stage_write(self, vals):
        if self._cq_transitioning():
            return
        for name in set(vals) & set(self._cq_editable_states):
            states = self._cq_editable_states[name]
            for record in self:
                if record.state not in states and record[name] != record._fields[
                    name
                ].convert_to_record(
                    record._fields[name].convert_to_cache(vals[name], record), record
                ):
                    raise UserError(
                        self.env._(
                            "%(record)s is %(state)s: its %(field)s no longer changes.",
                            record=record.display_name,
                            state=record._cq_state_label(),
                            field=self._fields[name]._description_string(self.env),
                        )
                    )

    def _cq_field_labels(self, names):
        return ", ".join(
            sorted(self._fields[name]._description_string(self.env) for name in names)
        )

    def _cq_check_locked_write(self, vals):
        if self._cq_transitioning():
            return
        frozen = (
            set(vals)
            - self._cq_always_editable_fields()
            - set(self._cq_editable_when_locked)
        )
        if not frozen:
            return
        for record in self:
            if record.state in self._cq_locked_states:
                raise UserError(
                    self.env._(
                        "%(record)s is %(state)s: its data and decisions can no "
                        "longer change.",
                        record=record.display_name,
                        state=record._cq_state_label(),
                    )
                )

    def _cq_state_label(self, state=None):
        self.ensure_one()
        labels = dict(self._fields["state"]._description_selection(self.env))
        return labels[state or self.state].lower()

    # ------------------------------------------------------------------
    # Companies
    # ------------------------------------------------------------------
    def _cq_check_company_move(self, vals):
        """A record moves only into a company of the user, and only while nothing
        hangs on it: once registered, or with linked records, it stays."""
        company = self.env["res.company"].browse(vals["company_id"])
        if not self.env.su and company not in self.env.user.company_ids:
            raise AccessError(
                self.env._(
                    "You cannot put a record into %(company)s: you do not work "
                    "for that company.",
                    company=company.display_name,
                )
            )
        for record in self:
            if record.company_id == company:
                continue
            if record.state != self._cq_initial_state or record._cq_company_links():
                raise UserError(
                    self.env._(
                        "%(record)s is registered in %(company)s and has records "
                        "linked to it there: it cannot move to another company.",
                        record=record.display_name,
                        company=record.company_id.display_name,
                    )
                )

    def _cq_company_links(self):
        """Whether records belong to this one in its company (lines, returns,
        claims …); while there are any, it cannot change company."""
        return False

    # ------------------------------------------------------------------
    # Numbering
    # ------------------------------------------------------------------
    @api.model
    @api.model
    @tools.ormcache("self._cq_sequence_code", "company_id", "day")
    def _cq_sequence_slot(self, company_id, day):
        """(sequence id, date range id, its first day) numbering this model's
        records of ``company_id`` received on ``day``: the company's own
        series, else the shared one. Kept in the registry's cache, cleared
        when a sequence or date range changes (models/ir_sequence.py), so that
        numbering a new record reads no sequence (bench/)."""
        sequence = (
            self.env["ir.sequence"]
            .sudo()
            .search(
                [
                    ("code", "=", self._cq_sequence_code),
                    ("company_id", "in", [company_id, False]),
                ],
                order="company_id",
                limit=1,
            )
        )
        if not sequence.use_date_range:
            return sequence.id, False, False
        date_range = (
            self.env["ir.sequence.date_range"]
            .sudo()
            .search(
                [
                    ("sequence_id", "=", sequence.id),
                    ("date_from", "<=", day),
                    ("date_to", ">=", day),
                ],
                limit=1,
            )
        )
        return sequence.id, date_range.id, date_range.date_from

    @api.model
    def _cq_next_number(self, company_id, day):
        """The next number of the series for ``company_id`` and ``day``."""
        sequence_id, range_id, range_from = self._cq_sequence_slot(company_id, day)
        if not sequence_id:
            return "/"
        if range_id:
            date_range = self.env["ir.sequence.date_range"].sudo().browse(range_id)
            return date_range.with_context(ir_sequence_date_range=range_from)._next()
        # no range for that day yet: ir.sequence opens it (and the cache is
        # cleared by its creation)
        return (
            self.env["ir.sequence"].sudo().browse(sequence_id)._next(sequence_date=day)
        )

    @api.model
    def _cq_prepare_name(self, vals_list):
        """Number the new records of ``vals_list`` in place (create and copy):
        before the insert, so that unique(name, company_id) never sees two
        "/"."""
        default_company = None
        for vals in vals_list:
            if (vals.get("name") or "/") != "/":
                continue
            if vals.get("company_id"):
                company_id = vals["company_id"]
            else:
                if default_company is None:
                    # the field's default, as create will set it
                    default_company = (
                        self.env.context.get("default_company_id")
                        or self.env.company.id
                    )
                company_id = default_company
            moment = (
                fields.Datetime.to_datetime(vals.get(self._cq_sequence_date_field))
                or fields.Datetime.now()
            )
            vals["name"] = self._cq_next_number(company_id, moment.date()) or "/"
        return vals_list

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [dict(vals) for vals in vals_list]  # the caller's stay unnumbered
        for vals in vals_list:
            self._cq_check_create_vals(vals)
        self._cq_prepare_name(vals_list)
        return super().create(vals_list)

    def _cq_check_create_vals(self, vals):
        """Records are born at the start of their workflow: a record created in
        another state, or with an approver, decider or date of a step, would
        say something that never happened."""
        if vals.get("state", self._cq_initial_state) != self._cq_initial_state:
            raise UserError(
                self.env._(
                    "A %(model)s is created as %(state)s; it moves on through its "
                    "workflow steps.",
                    model=self._description,
                    state=dict(self._fields["state"]._description_selection(self.env))[
                        self._cq_initial_state
                    ],
                )
            )
        linked = {name for name in self._cq_officer_fields if vals.get(name)}
        if linked and not self.env.su:
            self._cq_check_group(
                "customer_quality.group_cq_officer",
                self.env._("set %(fields)s", fields=self._cq_field_labels(linked)),
            )
        written = {name for name in self._cq_workflow_fields if vals.get(name)}
        if written:
            raise UserError(
                self.env._(
                    "%(fields)s of a %(model)s are set by its workflow steps, not "
                    "when it is created.",
                    fields=self._cq_field_labels(written),
                    model=self._description,
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_registered(self):
        for record in self:
            if record.state != record._cq_initial_state:
                raise UserError(
                    self.env._(
                        "%(record)s is registered: it is a record of the quality "
                        "system. Cancel it, or archive it once finished, never "
                        "delete it.",
                        record=record.display_name,
                    )
                )

    def _cq_check_archive(self, vals):
        if vals.get("active") is False:
            for record in self:
                if record.state not in record._cq_locked_states:
                    raise UserError(
                        self.env._(
                            "%(record)s is %(state)s: only finished records are "
                            "archived.",
                            record=record.display_name,
                            state=record._cq_state_label(),
                        )
                    )

    def write(self, vals):
        if set(vals) & set(self._cq_officer_fields) and not self._cq_transitioning():
            self._cq_check_group(
                "customer_quality.group_cq_officer",
                self.env._(
                    "change %(fields)s",
                    fields=self._cq_field_labels(
                        set(vals) & set(self._cq_officer_fields)
                    ),
                ),
            )
        self._cq_check_archive(vals)
        self._cq_check_protected_write(vals)
        self._cq_check_locked_write(vals)
        self._cq_check_stage_write(vals)
        if "company_id" in vals:
            self._cq_check_company_move(vals)
        return super().write(vals)

    def copy_data(self, default=None):
        default = dict(default or {}, name="/")
        return super().copy_data(default)

    # ------------------------------------------------------------------
    # Steps and roles
    # ------------------------------------------------------------------
    def _cq_ensure_can(self, step):
        """Refuse ``step`` on the records whose ``can_<step>`` is off: the flag
        that shows the button is the rule the action obeys."""
        for record in self:
            if not record[f"can_{step}"]:
                record._cq_refuse(step)

    @api.model
    def _cq_step_states(self):
        """{step: states it starts from}: the part of each ``can_<step>`` that
        the state decides, read by the computes and by the refusals."""
        return {}

    def _cq_refuse(self, step):
        """Say why ``step`` cannot be taken on this record now: a record in the
        wrong state gets a ``UserError`` naming the state, a user whose step it
        is not an ``AccessError``."""
        self.ensure_one()
        states = self._cq_step_states().get(step)
        if states is not None and self.state not in states:
            raise UserError(
                self.env._(
                    "%(record)s is %(state)s: this step cannot be taken now.",
                    record=self.display_name,
                    state=self._cq_state_label(),
                )
            )
        raise AccessError(
            self.env._(
                "This step of %(record)s is not yours to take.",
                record=self.display_name,
            )
        )

    def _cq_check_group(self, group_xmlid, action):
        """Refuse ``action`` to users without ``group_xmlid``, in one shape."""
        if self.env.su or self.env.user.has_group(group_xmlid):
            return
        group = self.env.ref(group_xmlid)
        raise AccessError(
            self.env._(
                "Only %(role)s can %(action)s.",
                role=group.sudo().full_name,
                action=action,
            )
        )

    # ------------------------------------------------------------------
    # Smart buttons
    # ------------------------------------------------------------------
    def _cq_open(self, model, records, name, context=None):
        """An action showing ``records`` of ``model``: the form when there is one,
        a list otherwise."""
        action = {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "domain": [("id", "in", records.ids)],
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "context": context or {"create": False},
        }
        if len(records) == 1:
            action.update(view_mode="form", views=[(False, "form")], res_id=records.id)
        return action
