from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import create_index

# Up to this many open records are re-planned inside the request that changed
# the working time or a deadline rule; beyond, they are marked and a queued job
# re-plans them (bench/: 9 450 tickets took 21 s inside the user's save).
REPLAN_INLINE = 200
REPLAN_BATCH = 500
REPLAN_MODELS = ("cq.ticket", "cq.capa")


class CqDeadlineReplanMixin(models.AbstractModel):
    """Documents whose deadlines follow the working calendar and the deadline
    rules. A change of either re-plans their open deadlines: at once for a
    few, else in the background, by committed batches, and resumable: the
    marker stays on each record until its batch is committed.

    A model using it gives ``_cq_replan_states``, the states whose deadlines
    are still running, and ``_cq_sync_deadlines()``."""

    _name = "cq.deadline.replan.mixin"
    _description = "Customer Quality Deadline Re-planning"

    _cq_replan_states = ()

    deadlines_replanning = fields.Boolean(
        "Re-planning deadlines",
        readonly=True,
        copy=False,
        help="The working calendar or the deadline rules changed: a background "
        "job is re-planning the deadlines. Until it has, they show as planned "
        "before the change and are not escalated.",
    )

    def init(self):
        res = super().init()
        if not self._abstract:
            create_index(
                self.env.cr,
                f"{self._table}_deadlines_replanning_index",
                self._table,
                ["id"],
                where="deadlines_replanning",
            )
        return res

    @api.model
    def _cq_resync_open(self, domain):
        """The open deadlines of the running records matching ``domain`` follow
        a change of working time or rules."""
        records = self.sudo().with_context(active_test=False)
        domain = [*domain, ("state", "in", list(self._cq_replan_states))]
        few = records.search(domain, limit=REPLAN_INLINE + 1)
        if len(few) <= REPLAN_INLINE:
            few._cq_sync_deadlines()
            return
        # Every match is marked, those marked already too: a job re-planning
        # them now then conflicts with this change and is retried after it.
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET deadlines_replanning = TRUE WHERE id IN %s",
                SQL.identifier(self._table),
                records._search(domain).subselect(),
            )
        )
        self.invalidate_model(["deadlines_replanning"])
        self.env.ref("customer_quality.ir_cron_cq_replan_deadlines")._trigger()

    @api.model
    def _cron_replan_deadlines(self):
        for model in REPLAN_MODELS:
            self.env[model]._cq_replan_marked()

    @api.model
    def _cq_replan_marked(self, batch_size=REPLAN_BATCH):
        """Re-plan the marked records by batches, each committed with its
        progress when run by the cron worker: after a crash, the next run goes
        on with the records still marked."""
        records = self.sudo().with_context(active_test=False)
        marked = [("deadlines_replanning", "=", True)]
        cron = self.env["ir.cron"]
        committing = bool(cron.env.context.get("ir_cron_progress_id"))
        done = 0
        while True:
            batch = records.search(marked, limit=batch_size, order="id")
            if not batch:
                break
            batch._cq_sync_deadlines()
            self.env.flush_all()
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET deadlines_replanning = FALSE WHERE id IN %s",
                    SQL.identifier(self._table),
                    tuple(batch.ids),
                )
            )
            done += len(batch)
            cron._notify_progress(done=done, remaining=records.search_count(marked))
            if committing:
                self.env.cr.commit()  # pylint: disable=invalid-commit
                # a calendar changed by another worker meanwhile: its working
                # time is read again for the next batch
                self.env.registry.check_signaling(self.env.cr)
            self.env.invalidate_all()
        return done
