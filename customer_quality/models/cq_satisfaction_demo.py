from datetime import date, datetime

from odoo import Command, api, models

# ratings 5..1 per dimension, in the order of the shipped survey's sections
DIMENSIONS = (
    "quality",
    "delivery",
    "price",
    "service",
    "support",
    "attitude",
    "communication",
)


class CqSatisfactionCampaign(models.Model):
    _inherit = "cq.satisfaction.campaign"

    @api.model
    def _cq_demo_load(self):
        """The satisfaction story of the demo data (demo/cq_satisfaction_demo.xml):
        played through the real steps, dated in 2026."""
        ref = self.env.ref
        survey = ref("customer_quality.survey_cq_satisfaction")
        rival = ref("customer_quality.cq_demo_competitor_rival")
        sally = ref("customer_quality.cq_demo_user_sales")
        catherine = ref("customer_quality.cq_demo_user_service")
        quentin = ref("customer_quality.cq_demo_user_quality_manager")
        rachel = ref("customer_quality.cq_demo_user_management_rep")
        george = ref("customer_quality.cq_demo_user_general_manager")
        customers = {
            key: ref(f"customer_quality.cq_demo_customer_{key}")
            for key in ("ruida", "haixing", "dongli", "anche", "tongda", "xingyue")
        }
        ruida_people = [
            ref("customer_quality.cq_demo_contact_ruida"),
            ref("customer_quality.cq_demo_contact_ruida_purchasing"),
            ref("customer_quality.cq_demo_contact_ruida_logistics"),
            ref("customer_quality.cq_demo_contact_ruida_engineering"),
        ]
        ref("base.main_company").write(
            {
                "cq_satisfaction_survey_id": survey.id,
                "cq_satisfaction_schedule": "semiannual",
                "cq_satisfaction_capa_mode": "propose",
            }
        )
        customers["ruida"].cq_satisfaction_contact_id = ruida_people[0]
        self._cq_demo_competitor_question(survey, rival)
        self._cq_demo_orders(customers)

        # June: the scheduled campaign of the first half -------------------
        june = self._cq_demo_campaign(
            quentin,
            "Customer satisfaction, first half of 2026",
            (date(2026, 1, 1), date(2026, 6, 30)),
            [customers[k] for k in ("ruida", "haixing", "dongli", "anche", "tongda")],
            ruida_people,
            datetime(2026, 6, 1, 2, 0),
        )
        june._cq_write_workflow({"is_scheduled": True})
        answers = [
            (ruida_people[0], [5, 5, 4, 4, 4, 5, 4], "web", None, 5),
            (ruida_people[1], [4, 5, 4, 4, 4, 4, 4], "web", None, 4),
            (ruida_people[2], [4, 5, 4, 4, 4, 4, 5], "web", None, 6),
            (ruida_people[3], [5, 4, 4, 4, 5, 4, 4], "paper", sally, 12),
            (customers["haixing"], [4, 4, 4, 5, 4, 5, 4], "web", None, 8),
            (customers["dongli"], [4, 4, 4, 4, 4, 4, 4], "interview", catherine, 15),
            (customers["anche"], [5, 4, 4, 4, 4, 4, 4], "web", None, 9),
            (customers["tongda"], [4, 4, 4, 4, 4, 5, 4], "web", None, 20),
        ]
        for contact, ratings, method, user, day in answers:
            self._cq_demo_answer(
                june, contact, ratings, method, user, date(2026, 6, day)
            )
        june.action_close()
        june._cq_write_workflow({"closed_date": datetime(2026, 7, 1, 2, 0)})
        first_half = self._cq_demo_review(date(2026, 1, 1))
        first_half.with_user(rachel).action_review()
        first_half.with_user(george).action_approve()
        first_half._cq_write_workflow(
            {
                "reviewed_date": datetime(2026, 7, 8, 2, 0),
                "approved_date": datetime(2026, 7, 10, 2, 0),
            }
        )

        # December: Sally's campaign for her customers ----------------------
        december = self._cq_demo_campaign(
            sally,
            "Customer satisfaction, second half of 2026",
            (date(2026, 7, 1), date(2026, 12, 31)),
            [customers[k] for k in ("ruida", "haixing", "dongli", "anche")],
            ruida_people,
            datetime(2026, 12, 1, 2, 0),
        )
        answers = [
            (ruida_people[0], [5, 2, 4, 4, 4, 5, 4], "web", None, 1),
            (ruida_people[1], [4, 2, 4, 4, 4, 4, 4], "paper", sally, 2),
            (ruida_people[2], [4, 1, 4, 4, 4, 4, 4], "web", None, 1),
            (ruida_people[3], [5, 2, 4, 4, 5, 4, 4], "web", None, 2),
            (customers["haixing"], [4, 4, 4, 4, 4, 5, 4], "web", None, 1),
            (customers["dongli"], [4, 4, 2, 4, 4, 4, 4], "interview", catherine, 2),
        ]
        for contact, ratings, method, user, day in answers:
            self._cq_demo_answer(
                december,
                contact,
                ratings,
                method,
                user,
                date(2026, 12, day),
                rival_price=4 if contact == customers["dongli"] else None,
            )
        # Quentin opens the corrective action of Ruida's delivery
        trigger = self.env["cq.satisfaction.trigger"].search(
            [("partner_id", "=", customers["ruida"].id), ("state", "=", "proposed")],
            limit=1,
        )
        if trigger:
            trigger.with_user(quentin).action_open_capa()
            trigger.capa_id.with_user(quentin).write(
                {
                    "title": "Ruida: late and short deliveries since August",
                    "member_ids": [Command.set([sally.id, catherine.id])],
                }
            )
        second_half = self._cq_demo_review(date(2026, 7, 1))
        for line in second_half.lost_customer_ids:
            line.write(
                {
                    "reason": "competitor",
                    "note": "Moved its brake purchasing to Rival Brakes in July "
                    "(lower price, local warehouse).",
                }
            )
        reasons = {
            customers["anche"]: ("price", "Our price was 8 % above their target."),
            customers["xingyue"]: (
                "delivery",
                "Needed the first lot in three weeks; we offered eight.",
            ),
        }
        for line in second_half.lost_quotation_ids:
            reason, note = reasons.get(
                line.partner_id.commercial_partner_id, ("other", "")
            )
            line.write({"reason": reason, "note": note})
        self._cq_demo_visits(customers, ruida_people, sally, catherine)

    # ------------------------------------------------------------------
    def _cq_demo_competitor_question(self, survey, rival):
        page = survey.question_and_page_ids.filtered(
            lambda q: q.is_page and q.title == "Your suggestions"
        )
        self.env["survey.question"].create(
            {
                "survey_id": survey.id,
                "title": "How satisfied are you with the prices of Rival Brakes?",
                "question_type": "simple_choice",
                "sequence": (page.sequence or 100) - 1,
                "cq_dimension_id": self.env.ref(
                    "customer_quality.cq_satisfaction_dimension_price"
                ).id,
                "cq_competitor_id": rival.id,
                "suggested_answer_ids": [
                    Command.create({"value": label, "cq_rating": rating})
                    for label, rating in (
                        ("Very satisfied", 5),
                        ("Satisfied", 4),
                        ("Fair", 3),
                        ("Dissatisfied", 2),
                        ("Very dissatisfied", 1),
                    )
                ]
                + [
                    Command.create(
                        {"value": "Not applicable", "cq_not_applicable": True}
                    )
                ],
            }
        )

    def _cq_demo_orders(self, customers):
        """Orders of the first half of 2026 and the second half of 2025, so that
        Tongda, which ordered nothing since June, shows as a lost customer; and
        two quotations that never became orders."""
        product = self.env.ref("customer_quality.cq_demo_product_pads")
        Order = self.env["sale.order"]

        def order(customer, day, confirm=True):
            sale = Order.create(
                {
                    "partner_id": customer.id,
                    "user_id": customer.user_id.id,
                    "order_line": [
                        Command.create(
                            {"product_id": product.id, "product_uom_qty": 20}
                        )
                    ],
                }
            )
            if confirm:
                sale.action_confirm()
            sale.date_order = day
            return sale

        for key in ("ruida", "haixing", "dongli", "anche"):
            order(customers[key], datetime(2025, 10, 15, 2, 0))
            order(customers[key], datetime(2026, 3, 10, 2, 0))
        order(customers["tongda"], datetime(2026, 4, 20, 2, 0))
        cancelled = order(customers["anche"], datetime(2026, 9, 10, 2, 0), False)
        cancelled._action_cancel()
        expired = order(customers["xingyue"], datetime(2026, 10, 8, 2, 0), False)
        expired.validity_date = date(2026, 10, 31)

    def _cq_demo_campaign(self, organiser, title, period, customers, extra, sent):
        campaign = self.with_user(organiser).create(
            {
                "title": title,
                "survey_id": self.env.ref("customer_quality.survey_cq_satisfaction").id,
                "user_id": organiser.id,
                "date_from": period[0],
                "date_to": period[1],
                "audience": "list",
                "partner_ids": [Command.set([c.id for c in customers])],
            }
        )
        campaign.with_user(organiser).action_prepare()
        listed = campaign.recipient_ids.contact_id
        self.env["cq.satisfaction.recipient"].create(
            [
                {
                    "campaign_id": campaign.id,
                    "partner_id": person.commercial_partner_id.id,
                    "contact_id": person.id,
                }
                for person in extra
                if person not in listed
            ]
        )
        campaign.date_due = sent.date().replace(day=28)
        campaign.with_user(organiser).action_send()
        campaign._cq_write_workflow({"sent_date": sent})
        campaign.recipient_ids.sudo().write({"sent_date": sent})
        return campaign

    def _cq_demo_answer(
        self, campaign, contact, ratings, method, user, day, rival_price=None
    ):
        recipient = (
            campaign.recipient_ids.filtered(lambda r: r.contact_id == contact)[:1]
            or campaign.recipient_ids.filtered(lambda r: r.partner_id == contact)[:1]
        )
        values = {}
        for question in campaign.survey_id.question_ids:
            if question.question_type == "matrix" and question.cq_dimension_id:
                rating = ratings[DIMENSIONS.index(question.cq_dimension_id.code)]
                column = question.suggested_answer_ids.filtered(
                    lambda a, rating=rating: a.cq_rating == rating
                )[:1]
                values[question] = {
                    row.id: [column.id] for row in question.matrix_row_ids
                }
            elif question.cq_competitor_id and rival_price:
                values[question] = question.suggested_answer_ids.filtered(
                    lambda a: a.cq_rating == rival_price
                )[:1].id
        if method == "web":
            # as the survey's own pages do for the customer's token
            answer = recipient.sudo()._cq_answer()
            for question, value in values.items():
                answer._save_lines(question, value)
            answer._mark_done()
        else:
            wizard = (
                self.env["cq.satisfaction.entry.wizard"]
                .with_user(user)
                .with_context(default_recipient_id=recipient.id)
                .create({"method": method})
            )
            for line in wizard.line_ids:
                value = values.get(line.question_id)
                if isinstance(value, dict):
                    line.answer_id = value.get(line.matrix_row_id.id, [False])[0]
                elif value:
                    line.answer_id = value
            wizard.action_confirm()
            answer = recipient.user_input_id
        moment = datetime.combine(day, datetime.min.time()).replace(hour=3)
        answer.sudo().write({"start_datetime": moment, "end_datetime": moment})
        answer.cq_score_ids.sudo().write({"date": day})
        return answer

    def _cq_demo_review(self, period_start):
        officer = self.env.ref("customer_quality.cq_demo_user_officer")
        review = (
            self.env["cq.satisfaction.review"]
            .with_user(officer)
            .create({"period_start": period_start})
        )
        review.with_user(officer).action_compute()
        return review

    def _cq_demo_visits(self, customers, ruida_people, sally, catherine):
        Visit = self.env["cq.customer.visit"]
        Visit.with_user(sally).create(
            {
                "kind": "meeting",
                "date": date(2026, 11, 18),
                "partner_id": customers["ruida"].id,
                "contact_ids": [Command.set([p.id for p in ruida_people[1:3]])],
                "attendee_ids": [Command.set([catherine.id])],
                "location": "Ruida, Wuhu plant, meeting room 2",
                "topics": "Deliveries since August; 2027 volumes of the bus line.",
                "learned": "<p>Three deliveries came two days late and one short "
                "since August: the forwarder changed its Wuhu route. Ruida "
                "expects 15 % more caliper volume in 2027 and wants a safety "
                "stock in their city.</p>",
                "follow_up": "Quality to open a corrective action on delivery; "
                "sales to propose a consignment stock by December 15.",
            }
        )
        service = Visit.with_user(catherine).create(
            {
                "kind": "field_service",
                "date": date(2026, 11, 25),
                "partner_id": customers["dongli"].id,
                "contact_ids": [
                    Command.set(
                        [self.env.ref("customer_quality.cq_demo_contact_dongli").id]
                    )
                ],
                "location": "Dongli, Shiyan assembly line 3",
                "units_fitted": 12,
                "units_detail": "Trucks DL-4180 no. 3301 to 3312",
                "service_done": "Fitted and bled the front calipers of 12 trucks, "
                "road test with the customer's driver.",
                "problems_found": "Two calipers squeal at low speed after the road "
                "test (trucks 3305 and 3309).",
                "customer_opinion": "Fitting went well; the squeal must not reach "
                "series production.",
                "customer_signatory": "Li Na (李娜)",
            }
        )
        self.env["cq.ticket"].with_user(catherine).create(
            {
                "visit_id": service.id,
                "partner_id": customers["dongli"].id,
                "contact_id": self.env.ref(
                    "customer_quality.cq_demo_contact_dongli"
                ).id,
                "channel": "field_service",
                "subject": "Two front calipers squeal after fitting (3305, 3309)",
                "description": "<p>Found during field service VIS: squeal at low "
                "speed after the road test.</p>",
                "team_id": self.env.ref("customer_quality.cq_team_customer_service").id,
            }
        )
