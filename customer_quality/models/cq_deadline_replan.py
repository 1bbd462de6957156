from odoo import api, fields, models
from odoo.tools import SQL

# Up to this many open records are re-planned inside the request that changed
# the working time or a deadline rule; beyond, they are queued and a cron job
# re-plans them (bench/: 9 450 tickets took 21 s inside the user's save).
REPLAN_INLINE = 200
REPLAN_BATCH = 500


class CqDeadlineReplanItem(models.Model):
    """A record whose deadlines wait to be re-planned: a narrow queue, so that
    queueing 100 000 tickets writes none of them (bench/)."""

    _name = "cq.deadline.replan.item"
    _description = "Customer Quality Deadline Re-planning Queue"
    _log_access = False
    _order = "id"

    res_model = fields.Char("Document model", required=True)
    res_id = fields.Many2oneReference(
        "Document", model_field="res_model", required=True
    )
    date_queued = fields.Datetime("Queued on", required=True)

    _sql_constraints = [
        (
            "record_uniq",
            "unique(res_model, res_id)",
            "A record is queued for re-planning once.",
        ),
    ]


class CqDeadlineReplanMixin(models.AbstractModel):
    """Documents whose deadlines follow the working calendar and the deadline
    rules. A change of either re-plans their open deadlines: at once for a
    few, else in the background, by committed batches, and resumable: a
    record stays queued until its batch is committed.

    A model using it gives ``_cq_replan_states``, the states whose deadlines
    are still running, and ``_cq_sync_deadlines()``."""

    _name = "cq.deadline.replan.mixin"
    _description = "Customer Quality Deadline Re-planning"

    _cq_replan_states = ()

    deadlines_replanning = fields.Boolean(
        "Re-planning deadlines",
        compute="_compute_deadlines_replanning",
        search="_search_deadlines_replanning",
        help="The working calendar or the deadline rules changed: a background "
        "job is re-planning the deadlines. Until it has, they show as planned "
        "before the change and are not escalated.",
    )

    @api.model
    def _cq_replan_queue(self):
        """The ids of this model's queued records, as a subquery."""
        return SQL(
            "(SELECT res_id FROM cq_deadline_replan_item WHERE res_model = %s)",
            self._name,
        )

    def _compute_deadlines_replanning(self):
        queued = set()
        if self.ids:
            self.env["cq.deadline.replan.item"].flush_model()
            self.env.cr.execute(
                SQL(
                    "SELECT res_id FROM cq_deadline_replan_item"
                    " WHERE res_model = %s AND res_id IN %s",
                    self._name,
                    tuple(self.ids),
                )
            )
            queued = {row[0] for row in self.env.cr.fetchall()}
        for record in self:
            record.deadlines_replanning = record.id in queued

    def _search_deadlines_replanning(self, operator, value):
        if operator not in ("=", "!="):
            return NotImplemented
        queued = (operator == "=") == bool(value)
        return [("id", "in" if queued else "not in", self._cq_replan_queue())]

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
        # Records queued already are touched too: a job re-planning them right
        # now then conflicts with this change, and is retried after it.
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO cq_deadline_replan_item (res_model, res_id, date_queued)
                SELECT %(model)s, id, %(now)s FROM (%(records)s) AS matching
                ON CONFLICT (res_model, res_id) DO UPDATE SET date_queued = %(now)s
                """,
                model=self._name,
                now=fields.Datetime.now(),
                records=records._search(domain).subselect(),
            )
        )
        self.env["cq.deadline.replan.item"].invalidate_model()
        self.invalidate_model(["deadlines_replanning"])
        self.env.ref("customer_quality.ir_cron_cq_replan_deadlines")._trigger()

    @api.model
    def _cron_replan_deadlines(self):
        """Re-plan what is queued, of every model using this mixin."""
        mixin = "cq.deadline.replan.mixin"
        for name in self.env.registry.descendants([mixin], "_inherit"):
            if not self.env[name]._abstract:
                self.env[name]._cq_replan_queued()

    @api.model
    def _cq_replan_queued(self, batch_size=REPLAN_BATCH):
        """Re-plan the queued records by batches, each committed with its
        progress when run by the cron worker: after a crash, the next run goes
        on with the records still queued."""
        records = self.sudo().with_context(active_test=False)
        Item = self.env["cq.deadline.replan.item"].sudo()
        queued = [("res_model", "=", self._name)]
        cron = self.env["ir.cron"]
        committing = bool(cron.env.context.get("ir_cron_progress_id"))
        done = 0
        while True:
            items = Item.search(queued, limit=batch_size)
            if not items:
                break
            records.browse(items.mapped("res_id")).exists()._cq_sync_deadlines()
            items.unlink()
            done += len(items)
            cron._notify_progress(done=done, remaining=Item.search_count(queued))
            if committing:
                self.env.cr.commit()  # pylint: disable=invalid-commit
                # a calendar changed by another worker meanwhile: its working
                # time is read again for the next batch
                self.env.registry.check_signaling(self.env.cr)
            self.env.invalidate_all()
        return done
