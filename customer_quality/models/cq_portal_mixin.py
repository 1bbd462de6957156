import re
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools.mimetypes import guess_mimetype

# what a customer may attach to what they send from the portal: photos and PDF
# documents, recognised from their content (not from their name or the type
# their browser claims)
PORTAL_FILE_TYPES = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/webp": "WebP",
    "application/pdf": "PDF",
}
PORTAL_MAX_FILES = 5
PORTAL_MAX_FILE_SIZE = 10 * 1024 * 1024
# the request that carries them: the files and the form around them
PORTAL_MAX_REQUEST = PORTAL_MAX_FILES * PORTAL_MAX_FILE_SIZE + 1024 * 1024
# what the chatter's data must not give a customer, whatever their access
# (record rules or the mailed token): activities and their notes, scheduled
# notes, every file of the document (internal drafts too), the followers
PORTAL_HIDDEN_THREAD_DATA = frozenset(
    {
        "activities",
        "attachments",
        "followers",
        "scheduledMessages",
        "suggestedRecipients",
    }
)
# how many documents one portal user sends in a while
PORTAL_SUBMIT_LIMIT = 5
PORTAL_SUBMIT_WINDOW = timedelta(minutes=10)

# what every portal document shows of itself to its customer, besides its own
# list: identity, portal access and the public part of its chatter
PORTAL_COMMON_FIELDS = frozenset(
    {
        "id",
        "display_name",
        "name",
        "state",
        "active",
        "company_id",
        "currency_id",
        "create_date",
        "write_date",
        "access_url",
        "access_warning",
        "message_ids",
        "website_message_ids",
        "message_follower_ids",
        "message_partner_ids",
        "message_is_follower",
        "has_message",
        "message_needaction",
        "message_needaction_counter",
    }
)


class CqPortalMixin(models.AbstractModel):
    """A document its customer reaches in the portal (``/my/...``).

    The customer's portal users read it through the record rules of the
    document (their company's, or their own where the customer wants so), or
    anyone through its access token; what they read of it is limited to
    ``_cq_portal_fields``: the investigation, the routing, the costs and the
    drafts of the handling stay inside, whatever the caller (the portal pages,
    JSON-RPC or XML-RPC)."""

    _name = "cq.portal.mixin"
    _description = "Customer Quality Portal Document"
    _inherit = ["portal.mixin"]
    # the customer posts in the chatter of what they may read (the portal
    # user through the record rules; without an account, the mailed token)
    _mail_post_access = "read"

    # the document's page in the portal, without the id
    _cq_portal_route = "/my/home"
    # the fields its customer may read, besides PORTAL_COMMON_FIELDS
    _cq_portal_fields = frozenset()

    def _compute_access_url(self):
        for record in self:
            record.access_url = f"{self._cq_portal_route}/{record.id}"

    def _get_report_base_filename(self):
        self.ensure_one()
        return re.sub(r"\W+", "_", self.name or self._description)

    @api.model
    def _cq_portal_readable(self):
        return PORTAL_COMMON_FIELDS | self._cq_portal_fields

    # ------------------------------------------------------------------
    # What the portal sends
    # ------------------------------------------------------------------
    @api.model
    def _cq_portal_throttle(self):
        """Refuse a portal user's submission beyond a few in a short while."""
        since = fields.Datetime.now() - PORTAL_SUBMIT_WINDOW
        sent = (
            self.sudo()
            .with_context(active_test=False)
            .search_count(
                [("create_uid", "=", self.env.uid), ("create_date", ">=", since)],
                limit=PORTAL_SUBMIT_LIMIT,
            )
        )
        if sent >= PORTAL_SUBMIT_LIMIT:
            raise UserError(
                self.env._(
                    "You sent %(count)s reports in the last %(minutes)s minutes: "
                    "please wait a little before sending the next one.",
                    count=sent,
                    minutes=int(PORTAL_SUBMIT_WINDOW.total_seconds() // 60),
                )
            )

    @api.model
    def _cq_portal_check_files(self, files):
        """Refuse what the portal does not take: more than a few files, a file
        too large, or one that is not a photo or a PDF."""
        files = [(name, content) for name, content in files if content]
        if len(files) > PORTAL_MAX_FILES:
            raise UserError(
                self.env._(
                    "Attach at most %(max)s files (you chose %(count)s).",
                    max=PORTAL_MAX_FILES,
                    count=len(files),
                )
            )
        checked = []
        for name, content in files:
            if len(content) > PORTAL_MAX_FILE_SIZE:
                raise UserError(
                    self.env._(
                        "%(file)s is %(size).1f MB: a file may be %(max)s MB at most.",
                        file=name,
                        size=len(content) / 1024 / 1024,
                        max=PORTAL_MAX_FILE_SIZE // 1024 // 1024,
                    )
                )
            mimetype = guess_mimetype(content)
            if mimetype not in PORTAL_FILE_TYPES:
                raise UserError(
                    self.env._(
                        "%(file)s is not a photo or a PDF: attach %(types)s files.",
                        file=name,
                        types=", ".join(PORTAL_FILE_TYPES.values()),
                    )
                )
            checked.append((name, content, mimetype))
        return checked

    def _cq_portal_post(self, body, author, files=()):
        """Post what the customer sends (``body``, their checked ``files``) in
        the chatter, in their name. The files are created as theirs (not as
        the superuser: a portal user may not create them on their own) and
        pending, and the post links them to this document, as the chatter's
        own upload does."""
        self.ensure_one()
        checked = self._cq_portal_check_files(files)
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                [
                    {
                        "name": re.sub(r"[\\/]", "_", name)[:200] or "file",
                        "raw": content,
                        "mimetype": mimetype,
                        "res_model": "mail.compose.message",
                        "res_id": 0,
                    }
                    for name, content, mimetype in checked
                ]
            )
        )
        return self.message_post(
            body=body,
            author_id=author.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            attachment_ids=attachments.ids,
        )

    def _cq_portal_restricted(self):
        return not self.env.su and self.env.user._is_portal()

    @api.model
    def check_field_access_rights(self, operation, field_names):
        if not self._cq_portal_restricted():
            return super().check_field_access_rights(operation, field_names)
        readable = self._cq_portal_readable()
        if not field_names:
            return [
                name
                for name in super().check_field_access_rights(operation, field_names)
                if name in readable
            ]
        hidden = sorted(
            name
            for name in field_names
            if name in self._fields and name not in readable
        )
        if operation != "read" or hidden:
            raise AccessError(
                self.env._(
                    "The fields %(fields)s of %(document)s are kept by our staff.",
                    fields=", ".join(hidden or field_names),
                    document=self._description,
                )
            )
        return super().check_field_access_rights(operation, field_names)

    def _cq_portal_check_names(self, names):
        """Refuse searching, grouping or sorting on a field the customer may
        not read: the result would tell its value."""
        readable = self._cq_portal_readable() | {"id"}
        hidden = sorted({name for name in names if name and name not in readable})
        if hidden:
            raise AccessError(
                self.env._(
                    "The fields %(fields)s of %(document)s are kept by our staff.",
                    fields=", ".join(hidden),
                    document=self._description,
                )
            )

    @api.model
    def _cq_order_names(self, order):
        return [
            part.strip().split(" ")[0].split(".")[0]
            for part in (order or "").split(",")
            if part.strip()
        ]

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        if self._cq_portal_restricted():
            self._cq_portal_check_names(
                [
                    leaf[0].split(".")[0]
                    for leaf in expression.normalize_domain(list(domain))
                    if isinstance(leaf, (list, tuple)) and isinstance(leaf[0], str)
                ]
                + self._cq_order_names(order)
            )
        return super()._search(domain, offset=offset, limit=limit, order=order)

    @api.model
    def _read_group(
        self,
        domain,
        groupby=(),
        aggregates=(),
        having=(),
        offset=0,
        limit=None,
        order=None,
    ):
        if self._cq_portal_restricted():
            names = [spec.split(":")[0].split(".")[0] for spec in groupby]
            names += [spec.split(":")[0] for spec in aggregates if spec != "__count"]
            names += [
                leaf[0].split(":")[0]
                for leaf in expression.normalize_domain(list(having or []))
                if isinstance(leaf, (list, tuple))
                and isinstance(leaf[0], str)
                and leaf[0] != "__count"
            ]
            names += [
                name
                for name in self._cq_order_names(order)
                if name.split(":")[0] != "__count"
            ]
            self._cq_portal_check_names([name.split(":")[0] for name in names])
        return super()._read_group(
            domain, groupby, aggregates, having, offset, limit, order
        )

    def message_post(self, **kwargs):
        # what a customer writes is a message to us, never one of our internal
        # notes (the chatter's route lets the client choose the subtype)
        if not self.env.user._is_internal() and kwargs.get("subtype_xmlid") not in (
            None,
            "mail.mt_comment",
        ):
            kwargs["subtype_xmlid"] = "mail.mt_comment"
        return super().message_post(**kwargs)

    def _thread_to_store(self, store, /, *, fields=None, request_list=None):
        if request_list and not self.env.user._is_internal():
            request_list = [
                item for item in request_list if item not in PORTAL_HIDDEN_THREAD_DATA
            ]
        return super()._thread_to_store(store, fields=fields, request_list=request_list)

    def _determine_fields_to_fetch(self, field_names, ignore_when_in_cache=False):
        if self._cq_portal_restricted():
            readable = self._cq_portal_readable()
            field_names = [name for name in field_names if name in readable]
        return super()._determine_fields_to_fetch(field_names, ignore_when_in_cache)
