"""The document skeleton holds for every caller and every quality record: no
state but through the workflow, no approver, decider or date of a step but
written by that step, nothing changed on finished records, nothing moved across
companies, and the person a complaint is about never in it.

The lists of models and protected fields are read from the registry, so that a
new record type or a new workflow-owned field is covered (or fails here) without
touching this file."""

from datetime import date

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.models import LOG_ACCESS_COLUMNS
from odoo.tests import new_test_user, tagged

from .common import CqReturnCommon

# Contexts a client may send, hoping one of them opens a door.
CONTEXTS = (
    {},
    {"cq_transition": True},
    {"cq_mark_replied": True, "cq_return_explained": True},
    {"tracking_disable": True, "install_mode": True, "import_file": True},
    {"active_test": False, "force_company": 1, "bypass": True},
)

# Stored fields set by nobody but the server that no user edits either, and so
# need no workflow protection: the number comes from the sequence, the rest are
# recomputed or belong to the documents created by a step.
NOT_WORKFLOW = {
    "name",
    "commercial_partner_id",
    "move_ids",
    "disposition_picking_id",
    "scrap_id",
    "repair_id",
    "credit_note_line_id",
    # an intake fact typed by the recorder: who took the customer's call
    "received_by_id",
}
# Field names that say who did a step or when: declared readonly or not, they
# must be protected.
STEP_SUFFIXES = ("_by_id",)
STEP_PREFIXES = ("approved_", "decided_", "confirmed_", "quality_confirmed_")
# Records only the server creates (a weak satisfaction result is raised by the
# scoring of an answer): nobody creates or copies them, whatever the state.
SERVER_CREATED = {"cq.satisfaction.trigger"}
# A text field users edit, per model (default: description).
TEXT_FIELD = {
    "cq.satisfaction.campaign": "title",
    "cq.satisfaction.trigger": None,
    "cq.satisfaction.review": "summary",
}


# the documents a customer's portal users read
PORTAL_MODELS = ("cq.ticket", "cq.return", "cq.warranty.claim")


@tagged("post_install", "-at_install")
class TestDocumentSkeleton(CqReturnCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = new_test_user(
            cls.env, "cq_portal", groups="base.group_portal", name="Pat Portal"
        )
        cls.internal_user = new_test_user(
            cls.env, "cq_internal", groups="base.group_user", name="Ivan Internal"
        )
        cls.company_b = cls.env["res.company"].create({"name": "Quality Corp B"})
        cls.other_company_manager = new_test_user(
            cls.env,
            "cq_qm_b",
            groups="base.group_user,customer_quality.group_cq_manager",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
            name="Bob Other Company",
        )
        # a manager of both companies: may work in B, but not move records there
        cls.quality_manager.company_ids = [Command.link(cls.company_b.id)]
        cls.second_manager = new_test_user(
            cls.env,
            "cq_qm2",
            groups="base.group_user,customer_quality.group_cq_manager",
            name="Queenie Second",
        )

    # ------------------------------------------------------------------
    # The records, one of each document type, in their first state
    # ------------------------------------------------------------------
    def _documents(self):
        """{model: record} of every document type, created as the sales user
        (tickets, returns) or the officer (claims)."""
        claim = (
            self.env["cq.warranty.claim"]
            .with_user(self.officer)
            .create(self._claim_values(user_id=self.sales_user.id))
        )
        capa = (
            self.env["cq.capa"]
            .with_user(self.officer)
            .create(
                {
                    "title": "Squeal",
                    "partner_id": self.customer.id,
                    "description": "<p>Calipers squeal.</p>",
                }
            )
        )
        campaign = (
            self.env["cq.satisfaction.campaign"]
            .with_user(self.officer)
            .create(
                {
                    "title": "Satisfaction H2",
                    "survey_id": self.env.ref(
                        "customer_quality.survey_cq_satisfaction"
                    ).id,
                    "audience": "list",
                    "partner_ids": [Command.set(self.customer.ids)],
                }
            )
        )
        campaign.action_prepare()  # its customers are listed in its company
        trigger = self.env["cq.satisfaction.trigger"]._cq_raise(
            self.company,
            self.customer,
            [{"kind": "overall", "score": 50.0, "note": "Overall: 50"}],
        )
        review = (
            self.env["cq.satisfaction.review"]
            .with_user(self.officer)
            .create({"period_start": date(2026, 7, 1)})
        )
        review.with_user(self.officer).action_compute()
        records = {
            "cq.satisfaction.review": review,
            "cq.ticket": self._ticket(),
            "cq.return": self._return(2),
            "cq.warranty.claim": claim,
            "cq.capa": capa,
            "cq.satisfaction.campaign": campaign,
            "cq.satisfaction.trigger": trigger,
        }
        self.assertEqual(
            set(records),
            set(self._document_models()),
            "every model on the skeleton has a record in this test",
        )
        return {
            model: record.with_user(self.env.user) for model, record in records.items()
        }

    def _document_models(self):
        Mixin = self.registry["cq.document.mixin"]
        return [
            name
            for name, model in self.registry.items()
            if issubclass(model, Mixin)
            and not model._abstract
            and not model._transient
            and name != "cq.document.mixin"
        ]

    def _value(self, record, name):
        """A plausible new value of field ``name`` that differs from the current."""
        field = record._fields[name]
        current = record[name]
        if field.type == "many2one":
            if field.comodel_name == "res.users":
                return (self.officer if current != self.officer else self.sales_user).id
            return self.env[field.comodel_name].search([], limit=1).id
        if field.type == "selection":
            values = [key for key, _label in field._description_selection(self.env)]
            return next(key for key in values if key != current)
        if field.type == "boolean":
            return not current
        if field.type == "datetime":
            return fields.Datetime.now()
        if field.type == "date":
            return date(2026, 1, 5)
        if field.type in ("integer", "float", "monetary"):
            return (current or 0) + 7
        return "forged"

    def _users(self):
        """Every role that may see some of the records."""
        return {
            "sales": self.sales_user,
            "warehouse handler": self.warehouse_user,
            "officer": self.officer,
            "department manager": self.team_manager,
            "quality manager": self.quality_manager,
            "general manager": self.general_manager,
        }

    def _seeing(self, record, context=None):
        """(role, the record as that user) for every role that can see it: the
        others are refused by the record rules before anything else."""
        for role, user in self._users().items():
            mine = record.with_user(user).with_context(**(context or {}))
            if mine.search_count([("id", "=", record.id)]):
                yield role, mine

    # ------------------------------------------------------------------
    # Which fields are protected: from the models, not from a copy here
    # ------------------------------------------------------------------
    def test_every_document_model_is_on_the_skeleton(self):
        """Every add-on model with a workflow state stands on the skeleton, but
        the lines of a document whose own steps guard their state (an action of a
        corrective action: done by its owner, cancelled by quality)."""
        line_models = {"cq.capa.action"}
        with_state = {
            name
            for name, model in self.registry.items()
            if name.startswith("cq.")
            and not model._abstract
            and not model._transient
            and "state" in model._fields
            and model._fields["state"].store
            and model._fields["state"].type == "selection"
        }
        self.assertEqual(with_state - line_models, set(self._document_models()))

    def test_step_fields_are_protected(self):
        """A stored field that users cannot edit (readonly, not computed) or
        whose name says who did a step or when is written by the workflow only:
        adding one without declaring it fails here."""
        for model_name in self._document_models():
            Model = self.env[model_name]
            protected = Model._cq_protected_fields()
            self.assertIn("state", protected)
            for name, field in Model._fields.items():
                if not field.store or field.compute or field.related:
                    continue
                if name in NOT_WORKFLOW or name in models_magic(Model):
                    continue
                says_step = name.endswith(STEP_SUFFIXES) or name.startswith(
                    STEP_PREFIXES
                )
                if field.readonly or says_step:
                    with self.subTest(model=model_name, field=name):
                        self.assertIn(name, protected)

    # ------------------------------------------------------------------
    # Writes of the workflow's fields, by every role, with any context
    # ------------------------------------------------------------------
    def test_protected_fields_refused_to_every_role_and_context(self):
        for model_name, record in self._documents().items():
            before = {name: record[name] for name in record._cq_protected_fields()}
            for context in CONTEXTS:
                for role, mine in self._seeing(record, context):
                    for name in sorted(record._cq_protected_fields()):
                        with self.subTest(
                            model=model_name, role=role, field=name, context=context
                        ):
                            with self.assertRaises(UserError):
                                mine.write({name: self._value(record, name)})
            record.invalidate_recordset()
            for name, value in before.items():
                self.assertEqual(record[name], value, f"{model_name}.{name}")

    def test_records_are_born_at_the_start_of_their_workflow(self):
        """create() refuses a later state and the fields of steps."""
        for model_name, record in self._documents().items():
            Model = self.env[model_name].with_user(self.quality_manager)
            if model_name in SERVER_CREATED:
                with self.assertRaises(UserError):
                    Model.create(record.copy_data()[0])
                continue
            values = record.copy_data()[0]
            states = [
                key
                for key, _label in Model._fields["state"]._description_selection(
                    self.env
                )
                if key != Model._cq_initial_state
            ]
            for state in states:
                with self.subTest(model=model_name, state=state):
                    with self.assertRaisesRegex(UserError, "workflow"):
                        Model.create(dict(values, state=state))
            for name in Model._cq_workflow_fields:
                with self.subTest(model=model_name, field=name):
                    with self.assertRaisesRegex(UserError, "workflow"):
                        Model.create(dict(values, **{name: self._value(record, name)}))
            count = Model.search_count([])
            self.assertEqual(count, self.env[model_name].search_count([]))
            # the first state itself is fine, and numbered as usual
            created = Model.create(dict(values, state=Model._cq_initial_state))
            self.assertNotEqual(created.name, "/")

    def test_copies_are_new_records(self):
        for model_name, record in self._documents().items():
            if model_name in SERVER_CREATED:
                with self.assertRaises(UserError):
                    record.with_user(self.quality_manager).copy()
                continue
            copy = record.with_user(self.quality_manager).copy()
            with self.subTest(model=model_name):
                self.assertEqual(copy.state, copy._cq_initial_state)
                self.assertNotEqual(copy.name, record.name)
                for name in copy._cq_workflow_fields:
                    self.assertFalse(copy[name], name)

    # ------------------------------------------------------------------
    # Finished records
    # ------------------------------------------------------------------
    def test_cancelled_records_are_locked(self):
        for model_name, record in self._documents().items():
            manager = record.with_user(self.quality_manager)
            if model_name == "cq.capa":
                manager.action_cancel("Opened twice")
            elif model_name == "cq.satisfaction.trigger":
                manager.action_dismiss("Already handled")
            else:
                manager.action_cancel()
            self.assertTrue(record.is_locked)
            text = TEXT_FIELD.get(model_name, "description")
            for role, mine in self._seeing(record):
                if not text:
                    break
                with self.subTest(model=model_name, role=role):
                    with self.assertRaisesRegex(UserError, "no longer change"):
                        mine.write({text: "<p>Rewritten afterwards</p>"})
            # archiving stays possible, and so do messages
            record.with_user(self.quality_manager).message_post(body="Noted.")
            record.with_user(self.quality_manager).active = False
            self.assertFalse(record.active)

    def test_closed_ticket_is_locked_but_its_follow_up_is_recorded(self):
        """Closed tickets no longer change; the follow-up call after closing is
        recorded by its step."""
        ticket = self._investigated(self._ticket(), follow_up_required=True)
        ticket.action_request_approval()
        ticket.with_user(self.team_manager).action_approve()
        ticket._cq_after_reply()
        ticket.action_customer_accepts()
        self.assertEqual(ticket.state, "closed")
        for vals in (
            {"root_cause": "Another cause, after closing"},
            {"subject": "Renamed"},
            {"partner_id": self.other_customer.id},
        ):
            with self.assertRaisesRegex(UserError, "closed"):
                ticket.write(vals)
        with self.assertRaises(UserError):
            ticket.write({"handling_satisfaction": "satisfied"})
        ticket.action_record_follow_up("satisfied", "Fine.")
        self.assertTrue(ticket.follow_up_date)
        self.assertEqual(ticket.follow_up_note, "Fine.")

    def test_what_a_step_relied_on_stays(self):
        """The customer and delivery a return was authorised for, the goods a
        claim was decided on, no longer change (the same value may be sent
        again, as a form does)."""
        records = self._documents()
        rma = records["cq.return"]
        rma.with_user(self.sales_user).action_authorise()
        with self.assertRaisesRegex(UserError, "no longer changes"):
            rma.with_user(self.sales_user).write({"date": date(2026, 1, 5)})
        with self.assertRaisesRegex(UserError, "no longer changes"):
            rma.with_user(self.officer).write({"return_scope": "whole_batch"})
        rma.with_user(self.sales_user).write({"partner_id": self.customer.id})
        claim = records["cq.warranty.claim"].with_user(self.officer)
        claim.action_confirm()
        claim.write({"responsibility": "customer", "outcome": "joint_investigation"})
        claim.quantity = 1  # still open: the claim is being investigated
        claim.action_decide()
        with self.assertRaisesRegex(UserError, "no longer changes"):
            claim.write({"quantity": 2})
        self.assertEqual(claim.quantity, 1)

    # ------------------------------------------------------------------
    # Companies
    # ------------------------------------------------------------------
    def test_records_do_not_move_into_a_foreign_company(self):
        for model_name, record in self._documents().items():
            for role, mine in self._seeing(record):
                with self.subTest(model=model_name, role=role):
                    with self.assertRaises(UserError):
                        mine.write({"company_id": self.company_b.id})
            self.assertEqual(record.company_id, self.company)

    def test_registered_records_stay_in_their_company(self):
        """Even a manager of both companies cannot move a record once it has
        moved on, or has records linked to it."""
        ticket = self._ticket()
        ticket.with_user(self.officer).action_submit()
        with self.assertRaisesRegex(UserError, "cannot move"):
            ticket.with_user(self.quality_manager).write(
                {"company_id": self.company_b.id}
            )
        rma = self._return(2)  # a draft with lines
        with self.assertRaisesRegex(UserError, "cannot move"):
            rma.with_user(self.quality_manager).write({"company_id": self.company_b.id})
        self.assertEqual(ticket.company_id, self.company)
        self.assertEqual(rma.company_id, self.company)

    def test_other_company_sees_and_changes_nothing(self):
        for model_name, record in self._documents().items():
            other = self.env[model_name].with_user(self.other_company_manager)
            text = TEXT_FIELD.get(model_name, "description") or "active"
            with self.subTest(model=model_name):
                self.assertFalse(other.search([("id", "=", record.id)]))
                with self.assertRaises(AccessError):
                    other.browse(record.id).write({text: "<p>x</p>"})
                with self.assertRaises(AccessError):
                    other.browse(record.id).unlink()

    def test_portal_and_plain_internal_users_have_no_access(self):
        for model_name in self._document_models() + [
            "cq.return.line",
            "cq.ticket.deadline",
            "cq.warranty.claim.cost",
            "cq.warranty.term",
            "cq.team",
            "cq.deadline.rule",
            "cq.capa.action",
            "cq.capa.cause",
            "cq.capa.document",
            "cq.capa.deadline",
            "cq.capa.deadline.rule",
            "cq.capa.verification",
            "cq.satisfaction.recipient",
            "cq.satisfaction.score",
            "cq.satisfaction.trigger.reason",
            "cq.satisfaction.dimension",
            "cq.satisfaction.trend",
            "cq.satisfaction.lost.customer",
            "cq.satisfaction.lost.quotation",
            "cq.customer.visit",
        ]:
            for user in (self.portal_user, self.internal_user):
                with self.subTest(model=model_name, user=user.login):
                    if user == self.portal_user and model_name in PORTAL_MODELS:
                        # read in the portal: only their own company's, and
                        # never written (test_portal_* tests the rest)
                        found = self.env[model_name].with_user(user).search([])
                        self.assertEqual(
                            found.sudo().partner_id.commercial_partner_id
                            - user.commercial_partner_id,
                            self.env["res.partner"],
                        )
                        continue
                    with self.assertRaises(AccessError):
                        self.env[model_name].with_user(user).search([])

    # ------------------------------------------------------------------
    # Deletion
    # ------------------------------------------------------------------
    def test_registered_records_are_never_deleted(self):
        records = self._documents()
        records["cq.ticket"].with_user(self.officer).action_submit()
        records["cq.return"].with_user(self.sales_user).action_authorise()
        records["cq.warranty.claim"].with_user(self.officer).action_confirm()
        records["cq.capa"].with_user(self.officer).action_start_containment()
        records["cq.satisfaction.campaign"].with_user(self.officer).action_send()
        records["cq.satisfaction.trigger"].with_user(self.officer).action_dismiss("No")
        records["cq.satisfaction.review"].with_user(self.management_rep).action_review()
        for model_name, record in records.items():
            for role, mine in self._seeing(record):
                with self.subTest(model=model_name, role=role):
                    with self.assertRaises(UserError):
                        mine.unlink()
            self.assertTrue(record.exists())

    # ------------------------------------------------------------------
    # Steps: the flag that shows the button is the rule the action obeys
    # ------------------------------------------------------------------
    def test_every_step_reads_its_flag(self):
        """For every can_<step> that is off, the action refuses."""
        records = self._documents()
        actions = {
            "cq.ticket": {
                "start": "action_start_investigation",
                "request_approval": "action_request_approval",
                "approve": ("action_approve", "action_open_reject"),
                "reply": "action_reply",
                "record_acceptance": "action_open_answer",
                "follow_up": "action_open_follow_up",
                "put_pending": "action_open_pending",
                "override_severity": "action_open_severity_override",
                "reopen": "action_reopen",
                "reset": "action_reset",
            },
            "cq.return": {
                "confirm_quality": "action_confirm_quality",
                "receive": "action_receive",
                "inspect": "action_inspect",
                "approve": "action_approve",
                "decide": "action_decide",
                "done": "action_done",
            },
            "cq.warranty.claim": {
                "decide": "action_decide",
                "close": "action_close",
                "reset": "action_reset",
            },
            "cq.capa": {
                "start_containment": "action_start_containment",
                "start_analysis": "action_start_analysis",
                "start_implementation": "action_start_implementation",
                "request_verification": "action_request_verification",
                "verify": "action_open_verify",
                "close": "action_close",
                "cancel": "action_open_cancel",
                "reset": "action_reset",
                "reopen": "action_open_reopen",
            },
            "cq.satisfaction.campaign": {
                "send": "action_send",
                "close": "action_close",
                "cancel": "action_cancel",
            },
            "cq.satisfaction.trigger": {"decide": "action_open_capa"},
            "cq.satisfaction.review": {
                "compute": "action_compute",
                "review": "action_review",
                "approve": "action_approve",
                "cancel": "action_cancel",
            },
        }
        for model_name, steps in actions.items():
            record = records[model_name]
            for role, mine in self._seeing(record):
                for step, methods in steps.items():
                    if mine[f"can_{step}"]:
                        continue
                    for method in (methods,) if isinstance(methods, str) else methods:
                        with self.subTest(model=model_name, role=role, step=method):
                            with self.assertRaises(UserError):
                                getattr(mine, method)()
                            self.assertEqual(record.state, record._cq_initial_state)


def models_magic(model):
    """The ORM's own bookkeeping columns."""
    return {"id", *LOG_ACCESS_COLUMNS, "display_name"}
