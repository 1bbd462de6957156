from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

from odoo.addons.portal.controllers.attachment import AttachmentController

from ..models.cq_portal_mixin import PORTAL_DOCUMENT_MODELS


class CqPortalAttachmentController(AttachmentController):
    """The chatter's own upload and delete, on our portal documents: a
    customer's files go through the checks of the portal's forms (photos and
    PDF only, size, how many in a while), and what they sent stays as
    evidence: they do not delete it afterwards."""

    @http.route()
    def mail_attachment_upload(
        self, ufile, thread_id, thread_model, is_pending=False, **kwargs
    ):
        if (
            thread_model in PORTAL_DOCUMENT_MODELS
            and not request.env.user._is_internal()
        ):
            content = ufile.read()
            ufile.seek(0)
            try:
                request.env[thread_model]._cq_portal_check_upload(
                    ufile.filename or "file", content
                )
            except UserError as refusal:
                return request.make_json_response({"error": refusal.args[0]})
        return super().mail_attachment_upload(
            ufile, thread_id, thread_model, is_pending=is_pending, **kwargs
        )

    def _is_allowed_to_delete(self, message, **kwargs):
        if (
            message.model in PORTAL_DOCUMENT_MODELS
            and not request.env.user._is_internal()
        ):
            return False
        return super()._is_allowed_to_delete(message, **kwargs)
