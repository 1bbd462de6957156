import { registry } from "@web/core/registry";

/**
 * Customer satisfaction in the browser: the customer's contact answers through
 * the link of the invitation; a salesperson enters a paper survey; the quality
 * officer analyses the trend and opens the corrective action proposed. The data
 * come from customer_quality/tests/test_satisfaction_tour.py.
 */

function question(title) {
    return `div.js_question-wrapper:contains("${title}")`;
}

// Part 1: the customer's contact, on the survey's own pages, no login.
registry.category("web_tour.tours").add("cq_satisfaction_customer_tour", {
    steps: () => [
        {
            content: "Start the survey of the invitation",
            trigger: 'button.btn:contains("Start")',
            run: "click",
        },
        {
            content: "Product quality: poor",
            trigger: `${question("Q1 quality")} label:contains("Poor")`,
            run: "click",
        },
        {
            content: "Delivery, row A: poor",
            trigger: `${question("Q3 matrix")} tr:contains("Row A") td:eq(3)`,
            run: "click",
        },
        {
            content: "Delivery, row B: bad",
            trigger: `${question("Q3 matrix")} tr:contains("Row B") td:eq(4)`,
            run: "click",
        },
        {
            content: "A comment",
            trigger: `${question("Q5 comments")} textarea`,
            run: "edit The last two deliveries came late.",
        },
        {
            content: "Submit",
            trigger: 'button[value="finish"]',
            run: "click",
        },
        {
            content: "Thanked",
            trigger: ".o_survey_finished, h1:contains(Thank you)",
        },
    ],
});

// Part 2: the salesperson enters Beta's paper survey from the campaign.
registry.category("web_tour.tours").add("cq_satisfaction_paper_tour", {
    steps: () => [
        {
            content: "Beta Trading is listed, not yet answered",
            trigger: ".o_form_view .o_field_widget[name=recipient_ids] .o_data_row:contains(Beta Trading)",
        },
        {
            content: "Enter Beta's answer",
            trigger:
                ".o_form_view .o_field_widget[name=recipient_ids] .o_data_row:contains(Beta Trading) button[name=action_enter_answer]",
            run: "click",
        },
        {
            content: "The entry form lists the survey's items",
            trigger: ".modal .o_field_widget[name=line_ids] .o_data_row:contains(Q1 quality)",
        },
        {
            content: "Obtained on paper",
            trigger: ".modal .o_field_widget[name=method] select",
            run: 'select "paper"',
        },
        {
            content: "Q1: click its answer cell",
            trigger:
                ".modal .o_field_widget[name=line_ids] .o_data_row:contains(Q1 quality) td[name=answer_id]",
            run: "click",
        },
        {
            content: "Q1: very good",
            trigger: ".modal .o_data_row.o_selected_row .o_field_widget[name=answer_id] input",
            run: "edit Very good",
        },
        {
            content: "Q1: pick it",
            trigger: ".o-autocomplete--dropdown-menu .dropdown-item:contains(Very good)",
            run: "click",
        },
        {
            content: "Q3 row A: click its answer cell",
            trigger:
                ".modal .o_field_widget[name=line_ids] .o_data_row:contains(Row A) td[name=answer_id]",
            run: "click",
        },
        {
            content: "Q3 row A: good",
            trigger: ".modal .o_data_row.o_selected_row .o_field_widget[name=answer_id] input",
            run: "edit Good",
        },
        {
            content: "Q3 row A: pick it",
            trigger: ".o-autocomplete--dropdown-menu .dropdown-item:contains(Good):not(:contains(Very))",
            run: "click",
        },
        {
            content: "Save the answer",
            trigger: ".modal footer button[name=action_confirm]",
            run: "click",
        },
        {
            content: "Beta Trading has answered",
            trigger:
                ".o_form_view .o_field_widget[name=recipient_ids] .o_data_row:contains(Beta Trading):contains(Answered)",
        },
    ],
});

// Part 3: the quality officer analyses the period and acts on the weak result.
registry.category("web_tour.tours").add("cq_satisfaction_officer_tour", {
    steps: () => [
        {
            content: "Analyse the period",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_compute]:enabled",
            run: "click",
        },
        {
            content: "Acme's product quality fell significantly",
            trigger:
                ".o_form_view .o_field_widget[name=trend_ids] .o_data_row:contains(Acme Motors):contains(Product quality):contains(Significant decline)",
        },
        {
            content: "Open the weak results",
            trigger: ".o_main_navbar .o_menu_sections button:contains(Satisfaction), .o_main_navbar .o_menu_sections a:contains(Satisfaction)",
            run: "click",
        },
        {
            content: "Weak results",
            trigger: ".dropdown-menu .dropdown-item:contains(Weak results)",
            run: "click",
        },
        {
            content: "Acme's result is to decide",
            trigger: ".o_list_view .o_data_row:contains(Acme Motors) td[name=partner_id]",
            run: "click",
        },
        {
            content: "Its reasons: the answer of the customer and the decline",
            trigger: ".o_form_view .o_field_widget[name=reason_ids] .o_data_row:contains(Significant decline)",
        },
        {
            content: "Open the corrective action",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_open_capa]:enabled",
            run: "click",
        },
        {
            content: "The corrective action for Acme",
            trigger: ".o_form_view .o_field_widget[name=partner_id]:contains(Acme Motors)",
        },
        {
            content: "… about the customer's satisfaction",
            trigger: ".o_form_view .o_field_widget[name=title] input:value(Customer satisfaction)",
        },
    ],
});
