import re
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import float_compare
from odoo.tools.mimetypes import guess_mimetype

from .cq_recipient_lang import env_for

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
# how many documents one portal user sends in a while, all kinds together
PORTAL_SUBMIT_LIMIT = 5
PORTAL_SUBMIT_WINDOW = timedelta(minutes=10)
PORTAL_DOCUMENT_MODELS = ("cq.ticket", "cq.return", "cq.warranty.claim")
# the transaction lock that makes one user's submissions wait for each other
# (first key: this add-on's, second: the user's id)
PORTAL_SUBMIT_LOCK = 0x4351
# how many files one customer adds in the chatter in that while
PORTAL_UPLOAD_LIMIT = 20

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
        """Refuse a portal user's submission beyond a few in a short while,
        whatever they send (complaints, returns, claims). Two submissions of
        the same user at once wait for each other, so that both cannot pass
        the count."""
        self.env.cr.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)", [PORTAL_SUBMIT_LOCK, self.env.uid]
        )
        since = fields.Datetime.now() - PORTAL_SUBMIT_WINDOW
        domain = [("create_uid", "=", self.env.uid), ("create_date", ">=", since)]
        sent = sum(
            self.env[model]
            .sudo()
            .with_context(active_test=False)
            .search_count(domain, limit=PORTAL_SUBMIT_LIMIT)
            for model in PORTAL_DOCUMENT_MODELS
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
    def _cq_portal_pick(self, post, name, allowed, label=None):
        """The record chosen in the form's ``name``, if it is one of
        ``allowed`` (what the customer received): never a posted id as such."""
        raw = (post.get(name) or "").strip()
        if not raw:
            return allowed.browse()
        if not (raw.isascii() and raw.isdigit()) or int(raw) not in allowed.ids:
            raise UserError(
                self.env._(
                    "Choose the %(what)s among what you received from us.",
                    what=label
                    or self._fields[name].get_description(self.env)["string"],
                )
            )
        return allowed.browse(int(raw))

    @api.model
    def _cq_portal_quantity(self, raw, label=None):
        """The quantity typed in the form (empty is none), refused unless it
        is a number of zero or more."""
        label = label or self.env._("The defective quantity")
        raw = (raw or "").strip().replace(",", ".")
        if not raw:
            return 0.0
        try:
            quantity = float(raw)
        except ValueError:
            raise UserError(
                self.env._("%(what)s is a number, such as 12.", what=label)
            ) from None
        if quantity < 0 or quantity != quantity or quantity == float("inf"):
            raise UserError(self.env._("%(what)s cannot be negative.", what=label))
        return quantity

    @api.model
    def _cq_portal_check_quantity(self, quantity, left, product, lot=None):
        """Refuse more of ``product`` (``lot``) than the ``left`` it applies to."""
        rounding = product.uom_id.rounding
        if float_compare(quantity, left, precision_rounding=rounding) > 0:
            lot_label = f" ({lot.name})" if lot else ""
            raise UserError(
                self.env._(
                    "At most %(left)s %(unit)s of %(product)s%(lot)s are left to "
                    "send back, not %(quantity)s.",
                    left=left,
                    unit=product.uom_id.name,
                    product=product.display_name,
                    lot=lot_label,
                    quantity=quantity,
                )
            )

    @api.model
    def _cq_portal_responsible(self, customer, company):
        """Who handles what a customer sends from the portal: their salesperson
        when they work in that company, else the manager of its default
        department (nobody when it has none)."""

        def handles(user):
            return bool(
                user
                and user.active
                and user._is_internal()
                and company in user.company_ids
                and user.has_group("customer_quality.group_cq_user")
            )

        salesperson = customer.user_id
        if handles(salesperson):
            return salesperson
        manager = self.env["cq.team"].sudo()._cq_default_team(company).manager_id
        return manager if handles(manager) else self.env["res.users"]

    @api.model
    def _cq_portal_create(self, values, files, note, responsible=None):
        """Create in one piece what the portal user sends (``values``, checked
        by the caller; ``files`` and a ``note`` posted in their name): they
        follow it, and its ``responsible`` gets an activity to handle it
        (``_cq_portal_activity_summary``). The files are checked first, so
        that a refused one takes no number; nothing is left behind if any
        part is refused."""
        user = self.env.user
        company = self.env["res.company"].browse(values["company_id"])
        checked = self._cq_portal_check_files(files)
        with self.env.cr.savepoint():
            record = self.sudo().with_company(company).create(values)
            record.message_subscribe(partner_ids=user.partner_id.ids)
            record._cq_portal_post(note, user.partner_id, checked=checked)
            if responsible:
                record.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=responsible.id,
                    summary=record.with_env(
                        env_for(record.env, responsible)
                    )._cq_portal_activity_summary(),
                )
        return record

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

    @api.model
    def _cq_portal_check_upload(self, name, content):
        """Refuse a file a customer adds in the chatter that the portal's
        forms would refuse, or one too many in a while (the pending files of
        the chatter are created by the chatter's route as the superuser, in
        the visitor's name)."""
        self._cq_portal_check_files([(name, content or b"")])
        if not content:
            raise UserError(self.env._("%s is empty.", name))
        since = fields.Datetime.now() - PORTAL_SUBMIT_WINDOW
        added = (
            self.env["ir.attachment"]
            .sudo()
            .search_count(
                [("create_uid", "=", self.env.uid), ("create_date", ">=", since)],
                limit=PORTAL_UPLOAD_LIMIT,
            )
        )
        if added >= PORTAL_UPLOAD_LIMIT:
            raise UserError(
                self.env._(
                    "You added %(count)s files in the last %(minutes)s minutes: "
                    "please wait a little before adding more.",
                    count=added,
                    minutes=int(PORTAL_SUBMIT_WINDOW.total_seconds() // 60),
                )
            )

    def _check_can_update_message_content(self, messages):
        # what a customer sent is what they told us, kept as sent (the
        # portal lets an author edit or empty their own message)
        if not self.env.user._is_internal():
            raise UserError(
                self.env._(
                    "What you sent is kept as you sent it: write a new message to "
                    "correct or complete it."
                )
            )
        return super()._check_can_update_message_content(messages)

    def _cq_portal_post(self, body, author, files=(), checked=None):
        """Post what the customer sends (``body``, their ``files``, or the
        ``checked`` result of ``_cq_portal_check_files`` on them) in the
        chatter, in their name. The files are created pending with the
        superuser's rights (a portal user may not create files on our
        documents) but in the customer's name (``create_uid``), as the
        chatter's own upload does, and the post links them to this document."""
        self.ensure_one()
        if checked is None:
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
        if not self.env.user._is_internal():
            # what a customer attaches is checked as in the portal's forms,
            # wherever it was uploaded before (a pending file of another
            # document comes with its id)
            attachments = (
                self.env["ir.attachment"]
                .sudo()
                .browse(kwargs.get("attachment_ids") or [])
            )
            self._cq_portal_check_files(
                [(a.name, a.raw or b"") for a in attachments]
                + [
                    (name, content)
                    for name, content, *_rest in kwargs.get("attachments") or []
                ]
            )
        return super().message_post(**kwargs)

    def _thread_to_store(self, store, /, *, fields=None, request_list=None):
        if request_list and not self.env.user._is_internal():
            request_list = [
                item for item in request_list if item not in PORTAL_HIDDEN_THREAD_DATA
            ]
        return super()._thread_to_store(store, fields=fields, request_list=request_list)

    def _track_filter_for_display(self, tracking_values):
        # a customer reads the changes of what they may read, only; so does a
        # notification mail, which may go to them
        tracking_values = super()._track_filter_for_display(tracking_values)
        if self.env.context.get("cq_mail_notification") or (
            not self.env.user._is_internal()
        ):
            readable = self._cq_portal_readable()
            tracking_values = tracking_values.filtered(
                lambda value: value.field_id.name in readable
            )
        return tracking_values

    def _notify_by_email_prepare_rendering_context(self, message, *args, **kwargs):
        # (the context only narrows what the mail tells)
        return super(
            CqPortalMixin, self.with_context(cq_mail_notification=True)
        )._notify_by_email_prepare_rendering_context(message, *args, **kwargs)

    def _determine_fields_to_fetch(self, field_names, ignore_when_in_cache=False):
        if self._cq_portal_restricted():
            readable = self._cq_portal_readable()
            field_names = [name for name in field_names if name in readable]
        return super()._determine_fields_to_fetch(field_names, ignore_when_in_cache)
