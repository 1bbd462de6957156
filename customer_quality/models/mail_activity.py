from odoo import models
from odoo.exceptions import UserError


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _cq_check_capa_line_activity(self):
        """The activity of an open corrective-action line is done by recording
        the line done, with its evidence (or goes with the line): marked done
        or deleted on its own, the line would stay to do with nobody reminded."""
        if self.env.su:
            return
        capa_activities = self.filtered(lambda a: a.res_model == "cq.capa")
        if not capa_activities:
            return
        lines = (
            self.env["cq.capa.action"]
            .sudo()
            .search(
                [("activity_id", "in", capa_activities.ids), ("state", "=", "open")]
            )
        )
        if lines:
            raise UserError(
                self.env._(
                    "Record “%(action)s” done on its corrective action, with its "
                    "evidence: that closes its activity.",
                    action=lines[0].name,
                )
            )

    def _action_done(self, feedback=False, attachment_ids=None):
        self._cq_check_capa_line_activity()
        return super()._action_done(feedback=feedback, attachment_ids=attachment_ids)

    def unlink(self):
        self._cq_check_capa_line_activity()
        return super().unlink()
