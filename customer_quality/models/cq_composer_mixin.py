from odoo import models
from odoo.exceptions import UserError


class CqComposerMixin(models.AbstractModel):
    """Documents that send a step's email to the customer through the composer
    with a template, the sent message completing the step."""

    _name = "cq.composer.mixin"
    _description = "Customer Quality Composer"

    def _cq_check_step_message(self, message):
        """The step an email completes is completed by a message the customer
        receives, never by an internal note."""
        if message.message_type not in ("comment", "email") or (
            not message.subtype_id or message.subtype_id.internal
        ):
            raise UserError(
                self.env._(
                    "An internal note does not answer the customer: send the "
                    "message to complete this step of %s.",
                    self.display_name,
                )
            )

    def _cq_composer(self, template_xmlid, mark_key=None):
        """The mail composer on this record with ``template_xmlid``; ``mark_key`` in the
        context tells ``message_post`` which step the sent email completes."""
        template = self.env.ref(template_xmlid)
        action = {
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment",
                "default_email_layout_xmlid": "mail.mail_notification_light",
                "force_email": True,
            },
        }
        if mark_key:
            action["context"][mark_key] = True
        return action
