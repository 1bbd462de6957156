import { registry } from "@web/core/registry";
import { clickButton, clickNextStep, stateIs } from "@customer_quality/../tests/tours/cq_tour_utils";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

/**
 * A complaint about a delivery, from registration to closure. The data (users,
 * customer, validated delivery of "Brake Caliper BC-200") come from the Python test
 * that launches these tours: customer_quality/tests/test_ticket_tour.py.
 */

// Part 1: the sales user, on the validated delivery.
registry.category("web_tour.tours").add("cq_ticket_register_tour", {
    steps: () => [
        // only shown on done deliveries to customers
        clickButton("action_cq_create_ticket", "Raise a quality ticket from the delivery"),
        {
            content: "The ticket is pre-filled from the delivery: customer",
            trigger: ".o_form_view .o_field_widget[name=partner_id] input:value(Acme Motors)",
        },
        {
            content: "… and the delivered product",
            trigger: ".o_form_view .o_field_widget[name=product_id] input:value(Brake Caliper BC-200)",
        },
        {
            content: "A new ticket",
            trigger: stateIs("draft"),
        },
        {
            content: "Subject",
            trigger: ".o_form_view .o_field_widget[name=subject] input",
            run: "edit Calipers squeal after 200 km",
        },
        {
            content: "Focus what happened",
            trigger: ".o_form_view .o_field_widget[name=description] .odoo-editor-editable",
            run: "click",
        },
        {
            content: "What happened, in the customer's words",
            trigger: ".o_form_view .o_field_widget[name=description] .odoo-editor-editable",
            run: "editor The calipers of the last delivery squeal when braking.",
        },
        {
            content: "Defective quantity",
            trigger: ".o_form_view .o_field_widget[name=defective_qty] input",
            run: "edit 12",
        },
        {
            content: "The customer called",
            trigger: ".o_form_view .o_field_widget[name=channel] select",
            run: 'select "phone"',
        },
        {
            content: "Open the routing tab",
            trigger: ".o_form_view .o_notebook .nav-link[name=routing]",
            run: "click",
        },
        {
            content: "Hand it to the quality department",
            trigger: ".o_form_view .o_field_widget[name=team_id] input",
            run: "edit Quality Department",
        },
        {
            trigger: ".ui-autocomplete .ui-menu-item > a:contains(Quality Department)",
            run: "click",
        },
        {
            content: "The department is set",
            trigger: ".o_form_view .o_field_widget[name=team_id] input:value(Quality Department)",
        },
        ...stepUtils.saveForm(),
        {
            content: "The ticket has its number",
            trigger: ".o_form_view .o_breadcrumb .active:contains(CQ/)",
        },
        ...clickNextStep("action_confirm_readback", "Read the record back to the customer (复述确认)"),
        {
            content: "Read-back confirmed",
            trigger: ".o_form_view .o_field_widget[name=readback_confirmed] input:checked",
        },
        ...clickNextStep("action_submit", "Hand off to the quality department"),
        {
            content: "The ticket is assigned",
            trigger: stateIs("assigned"),
        },
        {
            content: "… routed to the department manager",
            trigger: ".o_form_view .o_field_widget[name=user_id] input:value(Tom Teamlead)",
        },
        {
            content: "… with the hand-off deadline met",
            trigger: ".o_form_view .o_field_widget[name=deadline_ids] .o_data_row:contains(Hand-off) .o_field_widget[name=status]:contains(Met)",
        },
        {
            content: "Back to the delivery",
            trigger: ".o_breadcrumb a:contains(WH/OUT/)",
            run: "click",
        },
        {
            content: "The delivery links to its quality ticket",
            trigger: ".o-form-buttonbox button[name=action_cq_view_tickets]:contains(1)",
            run: "click",
        },
        {
            content: "… which is listed",
            trigger: ".o_list_view .o_data_row:contains(Calipers squeal after 200 km)",
        },
    ],
});

// Part 2: the quality officer (also manager of the quality department).
registry.category("web_tour.tours").add("cq_ticket_handle_tour", {
    steps: () => [
        ...stepUtils.goToAppSteps("customer_quality.cq_menu_root", "Open Customer Quality"),
        {
            content: "The app opens on the overview; go to the tickets",
            trigger: '.o_main_navbar button[data-menu-xmlid="customer_quality.cq_ticket_menu_main"]',
            run: "click",
        },
        {
            content: "All tickets",
            trigger: '.dropdown-item[data-menu-xmlid="customer_quality.cq_ticket_menu"]',
            run: "click",
        },
        {
            content: "Open the complaint",
            trigger: ".o_data_row td:contains(Calipers squeal after 200 km)",
            run: "click",
        },
        {
            content: "Assigned to me",
            trigger: stateIs("assigned"),
        },
        {
            content: "The first reply is due first: acknowledging receipt is the next step",
            trigger: ".o_form_view .o_statusbar_buttons button.btn-primary[name=action_acknowledge]",
        },
        clickButton("action_start_investigation", "Start the investigation"),
        {
            content: "Under investigation",
            trigger: stateIs("investigating"),
        },
        {
            content: "Open the investigation tab",
            trigger: ".o_form_view .o_notebook .nav-link[name=investigation]",
            run: "click",
        },
        {
            content: "Cause category",
            trigger: ".o_form_view .o_field_widget[name=cause_category] select",
            run: 'select "our_product"',
        },
        {
            content: "Root cause",
            trigger: ".o_form_view .o_field_widget[name=root_cause] textarea",
            run: "edit Anti-squeal shim missing at assembly.",
        },
        {
            content: "Proposed solution",
            trigger: ".o_form_view .o_field_widget[name=proposed_solution] textarea",
            run: "edit Replace the 12 calipers free of charge.",
        },
        ...clickNextStep("action_request_approval", "Ask for approval of the decision"),
        {
            content: "Waiting for approval",
            trigger: stateIs("to_approve"),
        },
        ...clickNextStep("action_approve", "Approve the decision (department manager)"),
        {
            content: "Approved",
            trigger: stateIs("approved"),
        },
        ...clickNextStep("action_reply", "Reply to the customer"),
        {
            content: "The composer opens with the reply template",
            trigger: ".modal .o_mail_composer_form_view .o_field_widget[name=body]:contains(Replace the 12 calipers free of charge.)",
        },
        {
            content: "… addressed to the customer",
            trigger: ".modal .o_mail_composer_form_view .o_field_widget[name=partner_ids]:contains(Acme Motors)",
        },
        {
            content: "Send the reply",
            trigger: ".modal .modal-footer button.o_mail_send:enabled",
            run: "click",
        },
        {
            content: "The composer is closed",
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "Replied",
            trigger: stateIs("replied"),
        },
        {
            content: "The reply is in the chatter",
            trigger: ".o-mail-Message:contains(our answer to your feedback)",
        },
        {
            content: "The customer accepts the handling",
            trigger: ".o_form_view .o_statusbar_buttons button.btn-primary[name=action_open_answer]:contains(Record acceptance):enabled",
            run: "click",
        },
        {
            content: "Their answer is asked: accepted, with what they said",
            trigger: ".modal .o_field_widget[name=note] textarea",
            run: "edit Thanks for the quick replacement.",
        },
        {
            content: "Record the answer",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "Closed",
            trigger: stateIs("closed"),
        },
    ],
});
