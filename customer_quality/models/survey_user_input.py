import logging
from collections import defaultdict
from contextlib import contextmanager

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError

from .cq_satisfaction_score import LEVELS, satisfaction_level

_logger = logging.getLogger(__name__)

ENTRY_METHODS = [
    ("web", "Web form (by the customer)"),
    ("paper", "Paper form"),
    ("interview", "Visit interview"),
    ("phone", "Phone interview"),
    ("meeting", "Customer meeting"),
]
# written only by the scoring and by the back-office entry
CQ_WORKFLOW_FIELDS = (
    "cq_campaign_id",
    "cq_company_id",
    "cq_score",
    "cq_level",
    "cq_scored_date",
    "cq_entry_method",
    "cq_entered_by_id",
    "cq_entered_date",
)


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    cq_is_satisfaction = fields.Boolean(
        related="survey_id.cq_is_satisfaction", store=True, index=True
    )
    cq_campaign_id = fields.Many2one(
        "cq.satisfaction.campaign", string="Campaign", index=True, readonly=True
    )
    cq_company_id = fields.Many2one(
        "res.company",
        string="Satisfaction company",
        index=True,
        readonly=True,
        help="The company whose customer answered.",
    )
    cq_customer_id = fields.Many2one(
        "res.partner",
        string="Customer company",
        compute="_compute_cq_customer_id",
        store=True,
        index=True,
    )
    cq_score = fields.Float(
        "Satisfaction score", readonly=True, digits=(5, 2), aggregator="avg"
    )
    cq_level = fields.Selection(LEVELS, string="Satisfaction level", readonly=True)
    cq_scored_date = fields.Datetime("Scored on", readonly=True)
    cq_score_ids = fields.One2many(
        "cq.satisfaction.score", "response_id", string="Scores", readonly=True
    )
    cq_entry_method = fields.Selection(
        ENTRY_METHODS, string="Obtained by", readonly=True, default="web"
    )
    cq_entered_by_id = fields.Many2one(
        "res.users",
        string="Entered by",
        readonly=True,
        help="The staff member who entered a paper or interview answer for the "
        "customer.",
    )
    cq_entered_date = fields.Datetime("Entered on", readonly=True)

    @api.depends("partner_id.commercial_partner_id")
    def _compute_cq_customer_id(self):
        for answer in self:
            answer.cq_customer_id = answer.partner_id.commercial_partner_id

    # ------------------------------------------------------------------
    # Only the scoring and the back-office entry write these
    # ------------------------------------------------------------------
    def _cq_write_scoring(self, values):
        """Write the fields of CQ_WORKFLOW_FIELDS; server code only."""
        with self._cq_scoring():
            return self.write(values)

    @contextmanager
    def _cq_scoring(self):
        cr = self.env.cr
        previous = getattr(cr, "_cq_user_input_scoring", False)
        cr._cq_user_input_scoring = True
        try:
            yield
        finally:
            cr._cq_user_input_scoring = previous

    def _cq_guarded(self):
        return getattr(self.env.cr, "_cq_user_input_scoring", False)

    @api.model_create_multi
    def create(self, vals_list):
        if not self._cq_guarded():
            for vals in vals_list:
                written = [
                    name
                    for name in CQ_WORKFLOW_FIELDS
                    if vals.get(name)
                    and (name, vals[name]) != ("cq_entry_method", "web")
                ]
                if written:
                    raise UserError(
                        self.env._(
                            "%s of a survey answer are set by its campaign, its "
                            "scoring and the back-office entry, not by hand.",
                            self._cq_labels(written),
                        )
                    )
        return super().create(vals_list)

    def write(self, vals):
        if not self._cq_guarded():
            written = set(vals) & set(CQ_WORKFLOW_FIELDS)
            if "partner_id" in vals and any(self.mapped("cq_campaign_id")):
                written.add("partner_id")
            if written:
                raise UserError(
                    self.env._(
                        "%s of a survey answer are set by its campaign, its "
                        "scoring and the back-office entry, not by hand.",
                        self._cq_labels(written),
                    )
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_satisfaction_record(self):
        kept = self.filtered(
            lambda a: a.cq_is_satisfaction and (a.state == "done" or a.cq_campaign_id)
        )
        if kept and not self.env.su:
            raise UserError(
                self.env._(
                    "A customer's satisfaction answer is a record of the quality "
                    "system: it is kept, with its scores."
                )
            )

    def _cq_labels(self, names):
        return ", ".join(
            sorted(self._fields[name]._description_string(self.env) for name in names)
        )

    # ------------------------------------------------------------------
    # Scoring
    # ------------------------------------------------------------------
    def _mark_done(self):
        result = super()._mark_done()
        satisfaction = self.filtered(
            lambda a: a.cq_is_satisfaction and not a.test_entry
        )
        if satisfaction:
            satisfaction._cq_score()
            # the customer's answer is kept whatever happens to the follow-up
            try:
                with self.env.cr.savepoint():
                    satisfaction._cq_check_triggers()
            except Exception:
                _logger.exception(
                    "Weak results of satisfaction answers %s could not be raised",
                    satisfaction.ids,
                )
        return result

    @api.model
    def _cq_item_values(self, lines):
        """{(question id, matrix row id or 0): [0-100 values]} of answer lines:
        skipped and 'not applicable' answers say nothing and are left out."""
        values = defaultdict(list)
        for line in lines:
            if line.skipped:
                continue
            question = line.question_id
            if line.answer_type == "suggestion" and line.suggested_answer_id:
                answer = line.suggested_answer_id
                if answer.cq_not_applicable:
                    continue
                low, high = question._cq_rating_range()
                raw = answer.cq_rating
            elif line.answer_type == "scale":
                low, high = question.scale_min, question.scale_max
                raw = line.value_scale
            else:
                continue
            if high <= low:
                continue
            value = (raw - low) * 100.0 / (high - low)
            values[(question.id, line.matrix_row_id.id or 0)].append(
                min(100.0, max(0.0, value))
            )
        return values

    def _cq_compute_scores(self):
        """{response: (overall or None, {(dimension, competitor): (score, weight,
        items)})}: each item's answers rescaled to 0-100, weighted within its
        dimension; the overall score weighted over our dimensions."""
        lines_by_response = defaultdict(lambda: self.env["survey.user_input.line"])
        for line in self.user_input_line_ids:
            lines_by_response[line.user_input_id] |= line
        items_by_survey = {s: s._cq_scored_items() for s in self.survey_id}
        result = {}
        for response in self:
            values = self._cq_item_values(lines_by_response[response])
            sums = defaultdict(lambda: [0.0, 0.0, 0])
            for question, row, dimension, weight, competitor in items_by_survey[
                response.survey_id
            ]:
                answered = values.get((question.id, row.id or 0))
                if not answered:
                    continue
                item = sum(answered) / len(answered)
                cell = sums[(dimension, competitor)]
                cell[0] += weight * item
                cell[1] += weight
                cell[2] += 1
            dimensions = {
                key: (total / weight, weight, count)
                for key, (total, weight, count) in sums.items()
                if weight
            }
            ours = [
                (dimension.weight, score)
                for (dimension, competitor), (score, _w, _c) in dimensions.items()
                if not competitor
            ]
            overall = (
                sum(w * s for w, s in ours) / sum(w for w, _s in ours) if ours else None
            )
            result[response] = (overall, dimensions)
        return result

    def _cq_score(self):
        """Score the finished responses and store their scores (replacing any
        earlier ones)."""
        Score = self.env["cq.satisfaction.score"].sudo()
        Score.search([("response_id", "in", self.ids)]).unlink()
        computed = self._cq_compute_scores()
        now = fields.Datetime.now()
        vals_list = []
        for response, (overall, dimensions) in computed.items():
            company = response.cq_company_id or response.cq_campaign_id.company_id
            if not company:
                company = self.env.company
            moment = pytz.utc.localize(response.end_datetime or now)
            date = moment.astimezone(company._cq_tz()).date()
            # the period of the company's schedule the campaign (or the answer)
            # falls in, whatever dates the campaign was given
            period = company._cq_satisfaction_period(
                response.cq_campaign_id.date_from or date
            )[0]
            common = {
                "response_id": response.id,
                "survey_id": response.survey_id.id,
                "campaign_id": response.cq_campaign_id.id,
                "company_id": company.id,
                "partner_id": (response.cq_customer_id or response.partner_id).id,
                "date": date,
                "period_start": period,
            }
            if not common["partner_id"]:
                continue
            for (dimension, competitor), (score, weight, count) in dimensions.items():
                score = round(score, 2)
                vals_list.append(
                    dict(
                        common,
                        dimension_id=dimension.id,
                        competitor_id=competitor.id,
                        score=score,
                        level=satisfaction_level(score),
                        weight=weight,
                        item_count=count,
                    )
                )
            if overall is not None:
                overall = round(overall, 2)
                vals_list.append(
                    dict(
                        common,
                        is_overall=True,
                        score=overall,
                        level=satisfaction_level(overall),
                        item_count=sum(
                            c
                            for (_d, competitor), (_s, _w, c) in dimensions.items()
                            if not competitor
                        ),
                    )
                )
            response._cq_write_scoring(
                {
                    "cq_score": overall if overall is not None else 0.0,
                    "cq_level": satisfaction_level(overall),
                    "cq_scored_date": now,
                    "cq_company_id": company.id,
                }
            )
        Score.create(vals_list)

    def _cq_check_triggers(self):
        self.env["cq.satisfaction.trigger"].sudo()._cq_check_responses(self)
