import logging
import random
import time
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL, split_every
from odoo.tools.sql import create_index

from .cq_recipient_lang import env_for

STATUSES = [
    ("on_time", "On time"),
    ("due_soon", "Due soon"),
    ("overdue", "Overdue"),
    ("met", "Met"),
    ("met_late", "Met late"),
]

ESCALATION_BATCH = 500
REFRESH_BATCH = 500
BATCH_TRIES = 5  # as Odoo retries a request that failed to serialise

_logger = logging.getLogger(__name__)


class CqDeadlineMixin(models.AbstractModel):
    """A deadline of a quality document (a ticket's steps, a corrective action's
    D-steps): when it is due, when it was met, its status on the clock, and its
    escalation, exactly once, when it is missed.

    A model using it declares ``_cq_document_field`` (the many2one to its
    document) and a ``kind`` selection; the document gives
    ``_cq_escalation_user()`` and ``_cq_escalation_subtype`` and its finished
    states in ``_cq_locked_states``."""

    _name = "cq.deadline.mixin"
    _description = "Customer Quality Deadline"
    _order = "date_deadline, id"

    _cq_document_field = None

    date_deadline = fields.Datetime("Deadline", required=True)
    date_met = fields.Datetime(
        "Met on",
        copy=False,
        help="When the step was done; kept when the deadline moves.",
    )
    date_escalated = fields.Datetime(
        "Escalated on",
        copy=False,
        help="When the missed deadline was escalated (only once).",
    )
    status = fields.Selection(
        STATUSES,
        compute="_compute_status",
        store=True,
        precompute=True,
        index=True,
        help="On time and due soon move to overdue with time; the escalation cron "
        "refreshes them every few minutes.",
    )

    def init(self):
        res = super().init()
        if self._abstract:
            return res
        # Performance (bench/): the cron looks for the open deadlines that came due
        # among all deadlines ever planned; these partial indexes hold only open ones.
        create_index(
            self.env.cr,
            f"{self._table}_to_refresh_index",
            self._table,
            ["date_deadline"],
            where="status IN ('on_time', 'due_soon')",
        )
        create_index(
            self.env.cr,
            f"{self._table}_to_escalate_index",
            self._table,
            ["date_deadline"],
            where="date_met IS NULL AND date_escalated IS NULL",
        )
        return res

    @api.depends("date_deadline", "date_met")
    def _compute_status(self):
        now = fields.Datetime.now()
        horizons = {}  # company -> the moment before which an open deadline is due soon
        for deadline in self:
            company = deadline._cq_document().company_id
            if company not in horizons:
                horizons[company] = now + timedelta(
                    hours=company.cq_due_soon_hours or 0.0
                )
            deadline.status = deadline._status_at(now, horizons[company])

    def _status_at(self, now, horizon):
        self.ensure_one()
        if self.date_met:
            return "met" if self.date_met <= self.date_deadline else "met_late"
        if not self.date_deadline or self.date_deadline > horizon:
            return "on_time"
        if self.date_deadline > now:
            return "due_soon"
        return "overdue"

    def _cq_document(self):
        return self[self._cq_document_field]

    @api.model
    def _cq_document_model(self):
        return self.env[self._fields[self._cq_document_field].comodel_name]

    @api.model
    def _cq_running_domain(self):
        """Deadlines of documents still running: finished ones have nothing due
        any more, their open deadlines stay as they were; those of documents
        being re-planned wait for their new date."""
        Document = self._cq_document_model()
        finished = Document._cq_locked_states
        return [
            (f"{self._cq_document_field}.state", "not in", finished),
            # being re-planned: not escalated on the deadline of before
            (self._cq_document_field, "not in", Document._cq_replan_queue()),
        ]

    def _cq_kind_labels(self):
        return dict(self._fields["kind"]._description_selection(self.env))

    def _prepare_escalation_activity_vals(
        self, model_id, activity_type, manager, summary
    ):
        """Values of the escalation activity of these missed deadlines (of one
        document) for ``manager``; called by _escalate."""
        return {
            "res_model_id": model_id,
            "res_id": self._cq_document().id,
            "activity_type_id": activity_type.id,
            "user_id": manager.id,
            "summary": summary,
            "date_deadline": fields.Date.context_today(self),
        }

    # ------------------------------------------------------------------
    # Cron: refresh time-dependent statuses, escalate missed deadlines once
    # ------------------------------------------------------------------
    @api.model
    def _cron_refresh_and_escalate(self):
        self._refresh_statuses()
        self._escalate_missed()

    @api.model
    def _cq_commits_batches(self):
        """Whether this run is the cron's, which commits each batch."""
        return bool(
            self.env.context.get("cq_escalation_commit", True)
            and self.env["ir.cron"].env.context.get("ir_cron_progress_id")
        )

    @api.model
    def _cq_batch_transaction(self, func):
        """Run ``func`` (a batch, which locks its rows with ``_cq_lock``) and, in
        the cron, commit it as a transaction of its own. Should a user's change
        still slip in between the batch's first read and its lock, the batch
        fails to serialise: it is rolled back and run again on what is committed
        now, as Odoo retries a request, instead of failing the whole run
        (bench/bench_load.py). Outside the cron (tests, a manual call) it runs in
        the caller's transaction."""
        if not self._cq_commits_batches():
            return func()
        for tryno in range(1, BATCH_TRIES + 1):
            try:
                result = func()
                self.env.cr.commit()  # pylint: disable=invalid-commit
                return result
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY as exc:
                if tryno == BATCH_TRIES:
                    raise
                _logger.info(
                    "%s batch: %s, retried (%s tries left)",
                    self._name,
                    type(exc).__name__,
                    BATCH_TRIES - tryno,
                )
                self.env.cr.rollback()
                self.env.invalidate_all()
                time.sleep(random.uniform(0.0, 0.5 * tryno))

    def _cq_lock(self):
        """These deadlines, their rows and their documents' locked until the
        batch commits, less those a user's transaction is writing right now
        (left to the next run). Users answer and acknowledge the documents while
        the cron runs: without the lock, a batch of hundreds of documents that
        takes seconds fails to serialise as soon as one of them is answered
        meanwhile (bench/bench_load.py); with it, the user's request waits for
        the batch and is retried by Odoo."""
        if not self:
            return self
        self.env.cr.execute(
            SQL(
                "SELECT d.id FROM %s d JOIN %s doc ON doc.id = d.%s WHERE d.id IN %s"
                " ORDER BY d.id FOR NO KEY UPDATE OF d, doc SKIP LOCKED",
                SQL.identifier(self._table),
                SQL.identifier(self._cq_document_model()._table),
                SQL.identifier(self._cq_document_field),
                tuple(self.ids),
            )
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    @api.model
    def _refresh_statuses(self):
        """Move open deadlines whose time came to due soon / overdue (set-based)."""
        now = fields.Datetime.now()
        running = self._cq_running_domain()
        overdue = self.search(
            [
                ("status", "in", ("on_time", "due_soon")),
                ("date_deadline", "<=", now),
                *running,
            ]
        )
        if overdue:
            self._write_status(overdue, "overdue")
        # every company has its own "due soon" horizon; companies are few
        for company in self.env["res.company"].search([]):  # pylint: disable=no-search-all
            horizon = now + timedelta(hours=company.cq_due_soon_hours or 0.0)
            soon = self.search(
                [
                    ("company_id", "=", company.id),
                    ("status", "=", "on_time"),
                    ("date_deadline", "<=", horizon),
                    *running,
                ]
            )
            if soon:
                self._write_status(soon, "due_soon")

    @api.model
    def _write_status(self, deadlines, status, batch_size=REFRESH_BATCH):
        """Write ``status`` by batches (with the documents' summaries), each
        locked and committed on its own in the cron: memory stays flat however
        many deadlines came due (bench/). Open stays open: the documents' next
        deadline does not change, nothing to track."""

        def write_batch(ids):
            # what was met meanwhile keeps its status
            batch = (
                self.browse(ids)
                ._cq_lock()
                .filtered(
                    lambda d: not d.date_met and d.status in ("on_time", "due_soon")
                )
            )
            batch.with_context(mail_notrack=True).write({"status": status})

        for ids in split_every(batch_size, deadlines.ids):
            self._cq_batch_transaction(lambda ids=ids: write_batch(ids))
            if len(deadlines) > batch_size:
                self.env.flush_all()
                self.env.invalidate_all()

    @api.model
    def _escalate_missed(self, batch_size=ESCALATION_BATCH):
        """Escalate every missed deadline exactly once: an activity for the
        document's manager and a message on the document. Works in batches so
        that memory stays flat."""
        domain = [
            ("date_met", "=", False),
            ("date_escalated", "=", False),
            ("date_deadline", "<=", fields.Datetime.now()),
            *self._cq_running_domain(),
        ]
        cron = self.env["ir.cron"]
        done = 0
        # counted once: the progress of each batch is what is left of it
        # (bench/: a count per batch cost 16 scans of the missed deadlines)
        total = self.search_count(domain)

        # each manager gets one digest of the run, sent once every batch is
        # done (bench/: one per batch and manager, 16 mails at 100 000 tickets)
        digests = {}

        def escalate_batch():
            batch = self.search(domain, limit=batch_size, order="id")._cq_lock()
            found = {}
            if batch:
                found = batch._escalate()
                cron._notify_progress(
                    done=done + len(batch),
                    remaining=max(total - done - len(batch), 0),
                )
            return len(batch), found

        while True:
            # each batch is committed on its own (retried on a concurrent update)
            escalated, found = self._cq_batch_transaction(escalate_batch)
            if not escalated:
                break
            for manager_id, lines in found.items():
                digests.setdefault(manager_id, []).extend(lines)
            done += escalated
            self.env.invalidate_all()
        if digests:
            self._cq_batch_transaction(lambda: self._cq_send_digests(digests))
        return done

    @api.model
    def _cq_send_digests(self, digests):
        """One notification per manager listing what was escalated to them:
        ``digests`` is {user id: [one line per document]}."""
        Document = self._cq_document_model()
        for manager in self.env["res.users"].browse(list(digests)):
            lines = digests[manager.id]
            env = env_for(self.env, manager)
            intro = env._("Missed deadlines escalated to you:")
            Document.sudo().message_notify(
                partner_ids=manager.partner_id.ids,
                subject=env._(
                    "%s missed customer-quality deadlines escalated to you", len(lines)
                ),
                body=Markup("<p>%s</p><ul>%s</ul>") % (intro, Markup().join(lines)),
            )

    def _escalate(self):
        """Escalate these missed deadlines.

        :return: the lines of the managers' digests, {user id: [one line per
          document]}, for ``_cq_send_digests`` once the run is done"""
        now = fields.Datetime.now()
        # the status refresh made most of them overdue already: writing it again
        # would recompute every document's deadline summary (bench/)
        self.filtered(lambda d: d.status != "overdue").write({"status": "overdue"})
        self.write({"date_escalated": now})
        Document = self._cq_document_model()
        activity_type = self.env.ref(
            "customer_quality.mail_activity_type_cq_escalation"
        )
        model_id = self.env["ir.model"]._get_id(Document._name)
        labels = {}  # language -> the steps' names in it
        activity_values = []
        messages = []
        lines_by_manager = {}  # manager id -> one line per document
        subtype_id = self.env["ir.model.data"]._xmlid_to_res_id(
            Document._cq_escalation_subtype
        )
        author_id, email_from = Document._message_compute_author()
        by_document = {}
        for deadline in self:
            document = deadline._cq_document()
            by_document.setdefault(document, self.browse())
            by_document[document] |= deadline
        # Performance (bench/): the reply-to of every document at once; left to
        # mail.message, it searches the aliases once per message.
        reply_to = (
            Document.browse([document.id for document in by_document])
            .sudo()
            ._notify_get_reply_to(default=email_from)
        )
        for document, deadlines in by_document.items():
            manager = document._cq_escalation_user()
            # written for the manager, in their language
            env = env_for(self.env, manager)
            if env.lang not in labels:
                labels[env.lang] = self.with_env(env)._cq_kind_labels()
            missed = ", ".join(labels[env.lang][d.kind] for d in deadlines)
            summary = env._("Missed deadline: %(steps)s", steps=missed)
            if manager:
                activity_values.append(
                    deadlines._prepare_escalation_activity_vals(
                        model_id, activity_type, manager, summary
                    )
                )
            body = env._(
                "Deadline missed and escalated to %(manager)s: %(steps)s",
                manager=manager.name or env._("nobody (no manager configured)"),
                steps=missed,
            )
            # Performance (bench/): one internal log per document, all created at
            # once, and one notification per manager below, instead of a
            # message_post (and an email) per document. Internal: an escalation
            # is never sent to customer followers.
            messages.append(
                {
                    "model": Document._name,
                    "res_id": document.id,
                    "body": Markup("<p>%s</p>") % body,
                    "author_id": author_id,
                    "email_from": email_from,
                    "reply_to": reply_to[document.id],
                    "message_type": "notification",
                    "subtype_id": subtype_id,
                    "is_internal": True,
                    "partner_ids": manager.partner_id.ids,
                }
            )
            if manager:
                line = Markup("<li>%s: %s</li>") % (document._get_html_link(), missed)
                lines_by_manager.setdefault(manager.id, []).append(line)
        if messages:
            Document.sudo()._message_create(messages)
        if activity_values:
            self.env["mail.activity"].sudo().with_context(
                mail_activity_quick_update=True
            ).create(activity_values)
        return lines_by_manager
