import re

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import content_disposition, request
from odoo.osv import expression

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..models.cq_portal_mixin import PORTAL_MAX_REQUEST
from ..models.cq_ticket_portal import PORTAL_DEMANDS, PORTAL_FEEDBACK_TYPES

# the replies waiting for the customer's answer
ANSWER_DOMAIN = [("state", "=", "replied"), ("customer_acceptance", "!=", "accepted")]
OPEN_TICKET_STATES = ("draft", "assigned", "investigating", "to_approve", "approved")


class CqCustomerPortal(CustomerPortal):
    """The customer's complaints in the portal. Every page reads the
    documents as the visitor: through the record rules of their company, or
    with the document's access token; nothing is fetched as the superuser
    and checked afterwards. What changes a document is a POST with its CSRF
    token, and the model does it after its own checks."""

    # ------------------------------------------------------------------
    # Home
    # ------------------------------------------------------------------
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        Ticket = request.env["cq.ticket"]
        readable = Ticket.has_access("read")
        if "cq_ticket_count" in counters:
            values["cq_ticket_count"] = Ticket.search_count([]) if readable else 0
        for key, model in (
            ("cq_return_count", "cq.return"),
            ("cq_warranty_claim_count", "cq.warranty.claim"),
        ):
            if key in counters:
                Model = request.env[model]
                values[key] = Model.search_count([]) if Model.has_access("read") else 0
        if "cq_survey_count" in counters:
            values["cq_survey_count"] = len(self._cq_surveys_to_fill())
        if "cq_ticket_answer_count" in counters:
            values["cq_ticket_answer_count"] = (
                Ticket.search_count(ANSWER_DOMAIN) if readable else 0
            )
        return values

    def _cq_surveys_to_fill(self):
        """The satisfaction surveys sent to the visitor and not answered yet.
        Each is the visitor's own answer (its contact is their partner), opened
        by its own token like the link of the invitation."""
        user = request.env.user
        if user._is_public():
            return request.env["survey.user_input"]
        now = fields.Datetime.now()
        return (
            request.env["survey.user_input"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", user.partner_id.id),
                    ("cq_campaign_id.state", "=", "running"),
                    ("state", "!=", "done"),
                    "|",
                    ("deadline", "=", False),
                    ("deadline", ">", now),
                ]
            )
        )

    @http.route(["/my/surveys"], type="http", auth="user", website=True)
    def cq_portal_my_surveys(self, **kw):
        values = self._prepare_portal_layout_values()
        values.update(
            {"answers": self._cq_surveys_to_fill(), "page_name": "cq_surveys"}
        )
        return request.render("customer_quality.portal_my_cq_surveys", values)

    # ------------------------------------------------------------------
    # Complaints: list
    # ------------------------------------------------------------------
    def _cq_ticket_sortings(self):
        return {
            "date": {
                "label": request.env._("Newest"),
                "order": "received_date desc, id desc",
            },
            "name": {"label": request.env._("Number"), "order": "name desc"},
            "state": {
                "label": request.env._("Status"),
                "order": "state, received_date desc",
            },
        }

    def _cq_ticket_filters(self):
        return {
            "all": {"label": request.env._("All"), "domain": []},
            "open": {
                "label": request.env._("In progress"),
                "domain": [("state", "in", OPEN_TICKET_STATES)],
            },
            "answer": {
                "label": request.env._("Waiting for your answer"),
                "domain": ANSWER_DOMAIN,
            },
            "closed": {
                "label": request.env._("Closed"),
                "domain": [("state", "in", ("closed", "cancelled"))],
            },
        }

    def _cq_ticket_inputs(self):
        return {
            "all": {"input": "all", "label": request.env._("Search in all")},
            "name": {"input": "name", "label": request.env._("Number")},
            "subject": {"input": "subject", "label": request.env._("Title")},
            "product": {"input": "product", "label": request.env._("Product")},
            "lot": {"input": "lot", "label": request.env._("Lot / serial number")},
        }

    def _cq_ticket_search_domain(self, search_in, search):
        if not search:
            return []
        # the goods are looked up by name for the visitor, who may not read
        # lots: only the ids found filter their own tickets
        lots = request.env["stock.lot"].sudo()._search([("name", "ilike", search)])
        products = (
            request.env["product.product"].sudo()._search([("name", "ilike", search)])
        )
        per_input = {
            "name": [("name", "ilike", search)],
            "subject": [("subject", "ilike", search)],
            "product": [("product_id", "in", products)],
            "lot": ["|", ("lot_id", "in", lots), ("lot_name", "ilike", search)],
        }
        if search_in in per_input:
            return per_input[search_in]
        return expression.OR(per_input.values())

    @http.route(
        ["/my/complaints", "/my/complaints/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def cq_portal_my_tickets(
        self, page=1, sortby="date", filterby="all", search_in="all", search="", **kw
    ):
        Ticket = request.env["cq.ticket"]
        sortings = self._cq_ticket_sortings()
        filters = self._cq_ticket_filters()
        inputs = self._cq_ticket_inputs()
        sortby = sortby if sortby in sortings else "date"
        filterby = filterby if filterby in filters else "all"
        search_in = search_in if search_in in inputs else "all"
        domain = expression.AND(
            [
                filters[filterby]["domain"],
                self._cq_ticket_search_domain(search_in, search),
            ]
        )
        pager = portal_pager(
            url="/my/complaints",
            url_args={
                "sortby": sortby,
                "filterby": filterby,
                "search_in": search_in,
                "search": search,
            },
            total=Ticket.search_count(domain),
            page=page,
            step=self._items_per_page,
        )
        tickets = Ticket.search(
            domain,
            order=sortings[sortby]["order"],
            limit=self._items_per_page,
            offset=pager["offset"],
        )
        request.session["my_cq_tickets_history"] = tickets.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                # read as the visitor above; rendered with the fields the
                # portal shows
                "tickets": tickets.sudo(),
                "page_name": "cq_ticket",
                "pager": pager,
                "default_url": "/my/complaints",
                "searchbar_sortings": sortings,
                "searchbar_filters": filters,
                "searchbar_inputs": inputs,
                "sortby": sortby,
                "filterby": filterby,
                "search_in": search_in,
                "search": search,
            }
        )
        return request.render("customer_quality.portal_my_cq_tickets", values)

    # ------------------------------------------------------------------
    # Complaints: one
    # ------------------------------------------------------------------
    @http.route(
        ["/my/complaints/<int:ticket_id>"], type="http", auth="public", website=True
    )
    def cq_portal_ticket(
        self, ticket_id, access_token=None, report_type=None, download=False, **kw
    ):
        for alert in ("error", "warning", "success"):
            kw.pop(alert, None)
        try:
            ticket_sudo = self._document_check_access(
                "cq.ticket", ticket_id, access_token=access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        if report_type == "pdf":
            # the customer's form: only what they may read of the ticket
            return self._show_report(
                model=ticket_sudo,
                report_type=report_type,
                report_ref="customer_quality.action_report_cq_ticket_feedback",
                download=download,
            )
        values = self._get_page_view_values(
            ticket_sudo,
            access_token,
            {
                "ticket": ticket_sudo,
                "page_name": "cq_ticket",
                "message": kw.get("message"),
                "error": request.session.pop("cq_portal_error", None),
            },
            "my_cq_tickets_history",
            False,
            **kw,
        )
        return request.render("customer_quality.portal_cq_ticket_page", values)

    @http.route(
        ["/my/complaints/<int:ticket_id>/8d/<int:capa_id>"],
        type="http",
        auth="public",
        website=True,
    )
    def cq_portal_ticket_8d(self, ticket_id, capa_id, access_token=None, **kw):
        """An 8D report of the complaint, once sent to the customer: the
        complaint is checked first, then that the report is one of its own."""
        try:
            ticket_sudo = self._document_check_access(
                "cq.ticket", ticket_id, access_token=access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        capa = ticket_sudo._cq_portal_8d_reports().filtered(lambda c: c.id == capa_id)
        if not capa:
            return request.redirect(ticket_sudo.access_url)
        return self._show_report(
            model=capa,
            report_type="pdf",
            report_ref="customer_quality.action_report_cq_capa_8d",
            download=True,
        )

    @http.route(
        ["/my/complaints/<int:ticket_id>/answer"],
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def cq_portal_ticket_answer(
        self, ticket_id, access_token=None, answer=None, note=None, **kw
    ):
        try:
            ticket_sudo = self._document_check_access(
                "cq.ticket", ticket_id, access_token=access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        url = ticket_sudo.get_portal_url() if access_token else ticket_sudo.access_url
        if request.env.user._is_internal():
            # our staff record the customer's answer in the back office, as
            # the handler of the ticket
            request.session["cq_portal_error"] = request.env._(
                "Record the customer's answer in the back office."
            )
            return request.redirect(url)
        joiner = "&" if "?" in url else "?"
        if answer not in ("accepted", "refused"):
            request.session["cq_portal_error"] = request.env._(
                "Say whether you accept our reply."
            )
            return request.redirect(url)
        author = request.env.user.partner_id
        if request.env.user._is_public():
            author = ticket_sudo.contact_id or ticket_sudo.partner_id
        try:
            ticket_sudo._cq_portal_answer(answer == "accepted", note, author)
        except (UserError, ValidationError) as error:
            request.session["cq_portal_error"] = error.args[0]
            return request.redirect(url)
        return request.redirect(f"{url}{joiner}message={answer}")

    # ------------------------------------------------------------------
    # Report a problem
    # ------------------------------------------------------------------
    def _cq_goods_values(self, page_name, post, error=None):
        """The values of a form about goods we delivered: the visitor's
        deliveries, products and lots to choose from, what they typed."""
        customer = request.env.user.partner_id.commercial_partner_id
        goods = customer._cq_delivered_goods()
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": page_name,
                "post": post,
                "error": error,
                "pickings": goods["pickings"],
                "products": goods["products"],
                "lots": goods["lots"],
            }
        )
        return values

    def _cq_report_values(self, post, error=None):
        Ticket = request.env["cq.ticket"]
        types = dict(
            Ticket._fields["feedback_type"]._description_selection(request.env)
        )
        demands = [
            (name, Ticket._fields[name].get_description(request.env)["string"])
            for name in PORTAL_DEMANDS
        ]
        values = self._cq_goods_values("cq_ticket_new", post, error)
        values.update(
            {
                "feedback_types": [(key, types[key]) for key in PORTAL_FEEDBACK_TYPES],
                "demands": demands,
            }
        )
        return values

    @http.route(
        ["/my/complaints/new"],
        type="http",
        auth="user",
        methods=["GET"],
        website=True,
    )
    def cq_portal_ticket_new(self, **kw):
        return request.render(
            "customer_quality.portal_cq_ticket_new", self._cq_report_values(kw)
        )

    @http.route(
        ["/my/complaints/new"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
        max_content_length=PORTAL_MAX_REQUEST,
    )
    def cq_portal_ticket_submit(self, **post):
        files = self._cq_uploaded_files(post)
        try:
            ticket = request.env["cq.ticket"]._cq_portal_report(post, files)
        except (UserError, ValidationError) as error:
            values = self._cq_report_values(post, error=error.args[0])
            return request.render(
                "customer_quality.portal_cq_ticket_new", values, status=400
            )
        return request.redirect(f"{ticket.access_url}?message=reported")

    def _cq_uploaded_files(self, post):
        """The files of the form's ``attachments`` input: [(name, content)]."""
        post.pop("attachments", None)
        return [
            (upload.filename or "file", upload.read())
            for upload in request.httprequest.files.getlist("attachments")
        ]

    # ------------------------------------------------------------------
    # Returns and warranty claims: read, follow, reply in the chatter
    # ------------------------------------------------------------------
    def _cq_document_list(self, model, url, template, page, sortby, filterby, kw):
        """A list page of ``model``, read as the visitor, with its sortings and
        filters; the searchable fields are the number and the goods."""
        Model = request.env[model]
        date_field = {"cq.return": "date", "cq.warranty.claim": "claim_date"}[model]
        sortings = {
            "date": {
                "label": request.env._("Newest"),
                "order": f"{date_field} desc, id desc",
            },
            "name": {"label": request.env._("Number"), "order": "name desc"},
            "state": {"label": request.env._("Status"), "order": "state, id desc"},
        }
        finished = ("done", "closed", "cancelled")
        filters = {
            "all": {"label": request.env._("All"), "domain": []},
            "open": {
                "label": request.env._("In progress"),
                "domain": [("state", "not in", finished)],
            },
            "closed": {
                "label": request.env._("Finished"),
                "domain": [("state", "in", finished)],
            },
        }
        sortby = sortby if sortby in sortings else "date"
        filterby = filterby if filterby in filters else "all"
        search = (kw.get("search") or "").strip()
        domain = list(filters[filterby]["domain"])
        if search:
            products = (
                request.env["product.product"]
                .sudo()
                ._search([("name", "ilike", search)])
            )
            lots = request.env["stock.lot"].sudo()._search([("name", "ilike", search)])
            goods = ["|", ("product_id", "in", products), ("lot_id", "in", lots)]
            if model == "cq.return":
                # the visitor reads no return lines: only the ids found filter
                # their own returns
                lines = (
                    request.env["cq.return.line"]
                    .sudo()
                    .search_fetch(goods, ["return_id"])
                )
                goods = [("id", "in", lines.return_id.ids)]
            domain = expression.AND([domain, ["|", ("name", "ilike", search), *goods]])
        pager = portal_pager(
            url=url,
            url_args={"sortby": sortby, "filterby": filterby, "search": search},
            total=Model.search_count(domain),
            page=page,
            step=self._items_per_page,
        )
        records = Model.search(
            domain,
            order=sortings[sortby]["order"],
            limit=self._items_per_page,
            offset=pager["offset"],
        )
        request.session[f"my_{Model._table}_history"] = records.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "records": records.sudo(),
                "page_name": Model._table,
                "pager": pager,
                "default_url": url,
                "searchbar_sortings": sortings,
                "searchbar_filters": filters,
                "searchbar_inputs": {
                    "all": {
                        "input": "all",
                        "label": request.env._("Number, product or lot"),
                    }
                },
                "search_in": "all",
                "sortby": sortby,
                "filterby": filterby,
                "search": search,
            }
        )
        return request.render(template, values)

    def _cq_document_page(self, model, record_id, access_token, template, kw):
        for alert in ("error", "warning", "success"):
            kw.pop(alert, None)
        try:
            record_sudo = self._document_check_access(
                model, record_id, access_token=access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._get_page_view_values(
            record_sudo,
            access_token,
            {
                "record": record_sudo,
                "page_name": record_sudo._table,
                "message": kw.get("message"),
            },
            f"my_{record_sudo._table}_history",
            False,
            **kw,
        )
        return request.render(template, values)

    @http.route(
        ["/my/returns", "/my/returns/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def cq_portal_my_returns(self, page=1, sortby="date", filterby="all", **kw):
        return self._cq_document_list(
            "cq.return",
            "/my/returns",
            "customer_quality.portal_my_cq_returns",
            page,
            sortby,
            filterby,
            kw,
        )

    @http.route(
        ["/my/returns/<int:return_id>"], type="http", auth="public", website=True
    )
    def cq_portal_return(self, return_id, access_token=None, **kw):
        return self._cq_document_page(
            "cq.return",
            return_id,
            access_token,
            "customer_quality.portal_cq_return_page",
            kw,
        )

    @http.route(
        ["/my/returns/<int:return_id>/slip/<int:picking_id>"],
        type="http",
        auth="public",
        website=True,
    )
    def cq_portal_return_slip(self, return_id, picking_id, access_token=None, **kw):
        """The slip of one of the return's own receipts: the return is checked
        first, then that the receipt is one of its own."""
        try:
            rma_sudo = self._document_check_access(
                "cq.return", return_id, access_token=access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        picking = rma_sudo._cq_portal_slips().filtered(lambda p: p.id == picking_id)
        if not picking:
            return request.redirect(rma_sudo.access_url)
        content, _type = (
            request.env["ir.actions.report"]
            .sudo()
            .with_company(picking.company_id)
            ._render_qweb_pdf("stock.action_report_delivery", picking.ids)
        )
        name = re.sub(r"\W+", "_", picking.name)
        return request.make_response(
            content,
            headers=[
                ("Content-Type", "application/pdf"),
                ("Content-Length", len(content)),
                ("Content-Disposition", content_disposition(f"{name}.pdf")),
            ],
        )

    @http.route(
        ["/my/warranty-claims", "/my/warranty-claims/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def cq_portal_my_claims(self, page=1, sortby="date", filterby="all", **kw):
        return self._cq_document_list(
            "cq.warranty.claim",
            "/my/warranty-claims",
            "customer_quality.portal_my_cq_claims",
            page,
            sortby,
            filterby,
            kw,
        )

    @http.route(
        ["/my/warranty-claims/<int:claim_id>"],
        type="http",
        auth="public",
        website=True,
    )
    def cq_portal_claim(self, claim_id, access_token=None, **kw):
        return self._cq_document_page(
            "cq.warranty.claim",
            claim_id,
            access_token,
            "customer_quality.portal_cq_claim_page",
            kw,
        )

    # ------------------------------------------------------------------
    # Request a return, claim under warranty
    # ------------------------------------------------------------------
    def _cq_return_values(self, post, error=None):
        values = self._cq_goods_values("cq_return_new", post, error)
        Return = request.env["cq.return"]
        try:
            picking = Return._cq_portal_pick(
                post, "picking_id", values["pickings"], request.env._("delivery")
            )
        except UserError as refusal:
            picking = values["pickings"].browse()
            values["error"] = error or refusal.args[0]
        values.update(
            {
                "picking": picking,
                "rows": Return._cq_portal_returnable(picking) if picking else [],
            }
        )
        return values

    @http.route(
        ["/my/returns/new"], type="http", auth="user", methods=["GET"], website=True
    )
    def cq_portal_return_new(self, **kw):
        return request.render(
            "customer_quality.portal_cq_return_new", self._cq_return_values(kw)
        )

    @http.route(
        ["/my/returns/new"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
        max_content_length=PORTAL_MAX_REQUEST,
    )
    def cq_portal_return_submit(self, **post):
        files = self._cq_uploaded_files(post)
        try:
            rma = request.env["cq.return"]._cq_portal_request(post, files)
        except (UserError, ValidationError) as error:
            values = self._cq_return_values(post, error=error.args[0])
            return request.render(
                "customer_quality.portal_cq_return_new", values, status=400
            )
        return request.redirect(f"{rma.access_url}?message=requested")

    @http.route(
        ["/my/warranty-claims/new"],
        type="http",
        auth="user",
        methods=["GET"],
        website=True,
    )
    def cq_portal_claim_new(self, **kw):
        return request.render(
            "customer_quality.portal_cq_claim_new",
            self._cq_goods_values("cq_warranty_claim_new", kw),
        )

    @http.route(
        ["/my/warranty-claims/new"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
        max_content_length=PORTAL_MAX_REQUEST,
    )
    def cq_portal_claim_submit(self, **post):
        files = self._cq_uploaded_files(post)
        try:
            claim = request.env["cq.warranty.claim"]._cq_portal_claim(post, files)
        except (UserError, ValidationError) as error:
            values = self._cq_goods_values(
                "cq_warranty_claim_new", post, error=error.args[0]
            )
            return request.render(
                "customer_quality.portal_cq_claim_new", values, status=400
            )
        return request.redirect(f"{claim.access_url}?message=requested")
