from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..models.survey_user_input import ENTRY_METHODS

ENTRY_TYPES = (
    "simple_choice",
    "multiple_choice",
    "matrix",
    "scale",
    "char_box",
    "text_box",
)


class CqSatisfactionEntryWizard(models.TransientModel):
    """A paper survey or an interview entered by staff on the customer's behalf:
    the answers are written into the campaign's own survey answer, which is then
    finished and scored like a web answer, with who entered it and how it was
    obtained."""

    _name = "cq.satisfaction.entry.wizard"
    _description = "Enter a Satisfaction Answer"

    recipient_id = fields.Many2one(
        "cq.satisfaction.recipient", required=True, readonly=True, ondelete="cascade"
    )
    partner_id = fields.Many2one(related="recipient_id.partner_id")
    survey_id = fields.Many2one(related="recipient_id.campaign_id.survey_id")
    contact_id = fields.Many2one(
        "res.partner",
        string="Answered by",
        domain="['|', ('id', '=', partner_id), ('parent_id', '=', partner_id)]",
    )
    method = fields.Selection(
        [m for m in ENTRY_METHODS if m[0] != "web"],
        string="Obtained by",
        required=True,
        default="paper",
    )
    line_ids = fields.One2many(
        "cq.satisfaction.entry.wizard.line", "wizard_id", string="Answers"
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        recipient = self.env["cq.satisfaction.recipient"].browse(
            values.get("recipient_id")
        )
        if recipient:
            recipient.check_access("write")
            values.setdefault("contact_id", recipient.contact_id.id)
            values["line_ids"] = [
                Command.create(line) for line in self._cq_line_values(recipient)
            ]
        return values

    @api.model
    def _cq_line_values(self, recipient):
        lines = []
        survey = recipient.campaign_id.survey_id
        for question in survey.question_ids.filtered(
            lambda q: q.question_type in ENTRY_TYPES
        ):
            rows = (
                question.matrix_row_ids
                if question.question_type == "matrix"
                else [None]
            )
            for row in rows:
                lines.append(
                    {
                        "question_id": question.id,
                        "matrix_row_id": row and row.id,
                        "sequence": question.sequence,
                    }
                )
        return lines

    def action_confirm(self):
        self.ensure_one()
        recipient = self.recipient_id
        recipient.check_access("write")
        campaign = recipient.campaign_id
        if campaign.state not in ("draft", "running"):
            raise UserError(
                self.env._(
                    "%(campaign)s is %(state)s: it takes no more answers.",
                    campaign=campaign.display_name,
                    state=campaign._cq_state_label(),
                )
            )
        if recipient.status == "answered":
            raise UserError(
                self.env._(
                    "%s has already answered this campaign.",
                    recipient.partner_id.display_name,
                )
            )
        contact = self.contact_id
        if contact and contact.commercial_partner_id != recipient.partner_id:
            raise UserError(
                self.env._(
                    "%(contact)s does not work for %(customer)s.",
                    contact=contact.display_name,
                    customer=recipient.partner_id.display_name,
                )
            )
        answers = self._cq_collect()
        if not any(
            value
            for (question, value) in answers
            if question.cq_dimension_id or question.matrix_row_ids.cq_dimension_id
        ):
            raise UserError(
                self.env._("Enter at least one rated answer before saving.")
            )
        survey_answer = recipient.sudo()._cq_answer(partner=self.contact_id or None)
        if survey_answer.state == "done":
            raise UserError(self.env._("This answer is already finished."))
        for question, value in answers:
            survey_answer._save_lines(question, value)
        survey_answer._cq_write_scoring(
            {
                "cq_entry_method": self.method,
                "cq_entered_by_id": self.env.user.id,
                "cq_entered_date": fields.Datetime.now(),
            }
        )
        survey_answer._mark_done()
        # the campaign may be someone else's: the note is the campaign's record
        campaign.sudo().message_post(
            author_id=self.env.user.partner_id.id,
            body=self.env._(
                "Answer of %(customer)s entered by %(user)s (%(method)s): %(score).1f.",
                customer=recipient.partner_id.display_name,
                user=self.env.user.name,
                method=dict(self._fields["method"].selection)[self.method],
                score=survey_answer.cq_score,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return {"type": "ir.actions.act_window_close"}

    def _cq_collect(self):
        """[(question, value as survey's _save_lines takes it)], checked."""
        by_question = {}
        for line in self.line_ids:
            line._cq_check()
            question = line.question_id
            chosen = (line.answer_id | line.answer_ids).ids
            if question.question_type == "matrix":
                rows = by_question.setdefault(question, {})
                if chosen:
                    rows[line.matrix_row_id.id] = chosen
            elif question.question_type == "multiple_choice":
                by_question[question] = chosen or False
            elif question.question_type == "simple_choice":
                by_question[question] = line.answer_id.id or False
            elif question.question_type == "scale":
                by_question[question] = (
                    str(line.scale_value) if line.has_scale_value else False
                )
            else:
                by_question[question] = line.text_value or False
        return list(by_question.items())


class CqSatisfactionEntryWizardLine(models.TransientModel):
    _name = "cq.satisfaction.entry.wizard.line"
    _description = "Enter a Satisfaction Answer: Line"
    _order = "sequence, id"

    wizard_id = fields.Many2one(
        "cq.satisfaction.entry.wizard", required=True, ondelete="cascade"
    )
    sequence = fields.Integer()
    question_id = fields.Many2one("survey.question", required=True)
    question_type = fields.Selection(
        string="Question type", related="question_id.question_type"
    )
    matrix_row_id = fields.Many2one("survey.question.answer", string="Matrix row")
    item = fields.Char(compute="_compute_item")
    answer_id = fields.Many2one(
        "survey.question.answer",
        domain="[('question_id', '=', question_id)]",
    )
    answer_ids = fields.Many2many(
        "survey.question.answer",
        "cq_satisfaction_entry_line_answer_rel",
        string="Chosen answers",
        domain="[('question_id', '=', question_id)]",
        help="For a question (or matrix) that takes several answers.",
    )
    takes_several = fields.Boolean(
        "Takes several answers", compute="_compute_takes_several"
    )
    scale_value = fields.Integer("Scale value")
    has_scale_value = fields.Boolean("Answered")
    scale_min = fields.Integer("Scale minimum", related="question_id.scale_min")
    scale_max = fields.Integer("Scale maximum", related="question_id.scale_max")
    text_value = fields.Text("Text answer")

    @api.depends("question_id")
    def _compute_takes_several(self):
        for line in self:
            question = line.question_id
            line.takes_several = question.question_type == "multiple_choice" or (
                question.question_type == "matrix"
                and question.matrix_subtype == "multiple"
            )

    @api.depends("question_id", "matrix_row_id")
    def _compute_item(self):
        for line in self:
            line.item = " / ".join(
                part
                for part in (line.question_id.title, line.matrix_row_id.value)
                if part
            )

    @api.onchange("scale_value")
    def _onchange_scale_value(self):
        if self.question_type == "scale":
            self.has_scale_value = True

    def _cq_check(self):
        self.ensure_one()
        question = self.question_id
        if question.survey_id != self.wizard_id.survey_id or (
            self.matrix_row_id and self.matrix_row_id.matrix_question_id != question
        ):
            raise UserError(
                self.env._("%s is not a question of this survey.", self.item)
            )
        for answer in self.answer_id | self.answer_ids:
            if answer.question_id != question:
                raise UserError(
                    self.env._(
                        "%(answer)s is not an answer of %(question)s.",
                        answer=answer.value,
                        question=self.item,
                    )
                )
        if self.answer_ids and not self.takes_several:
            raise UserError(self.env._("%s takes one answer only.", self.item))
        if (
            question.question_type == "scale"
            and self.has_scale_value
            and not question.scale_min <= self.scale_value <= question.scale_max
        ):
            raise UserError(
                self.env._(
                    "%(question)s is answered from %(low)s to %(high)s, not %(value)s.",
                    question=self.item,
                    low=question.scale_min,
                    high=question.scale_max,
                    value=self.scale_value,
                )
            )
