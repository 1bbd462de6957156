import { registry } from "@web/core/registry";
import { clickNextStep, stateIs } from "@customer_quality/../tests/tours/cq_tour_utils";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

/**
 * A customer return (退货单), from receipt to closure. The data (users, customer
 * "Acme Motors", the return of 5 calipers authorised by the sales user) come from
 * the Python test that launches these tours:
 * customer_quality/tests/test_return_tour.py.
 */

function confirmDialog(content) {
    return [
        {
            content,
            trigger: ".modal .modal-footer button.btn-primary:enabled",
            run: "click",
        },
        {
            content: "The confirmation is closed",
            trigger: "body:not(:has(.modal))",
        },
    ];
}

function openTab(name, content) {
    return [
        {
            content,
            trigger: `.o_form_view .o_notebook .nav-link[name=${name}]`,
            run: "click",
        },
        {
            content: "The tab is shown",
            trigger: `.o_form_view .o_notebook .nav-link[name=${name}].active`,
        },
    ];
}

/** Steps to edit ``field`` of the (only) line of the list in the current tab. */
function editLine(field, input, run, content) {
    const row = ".o_form_view .o_notebook .tab-pane.active .o_field_x2many_list .o_data_row";
    return [
        {
            content: `${content}: open the line`,
            trigger: `${row} .o_data_cell[name=${field}]`,
            run: "click",
        },
        {
            content,
            trigger: `${row}.o_selected_row .o_field_widget[name=${field}] ${input}`,
            run,
        },
    ];
}

function openReturnsMenu() {
    return [
        ...stepUtils.goToAppSteps("customer_quality.cq_menu_root", "Open Customer Quality"),
        {
            content: "Open the Returns menu",
            trigger: '.o_main_navbar button[data-menu-xmlid="customer_quality.cq_return_menu_main"]',
            run: "click",
        },
        {
            content: "All returns",
            trigger: '.dropdown-item[data-menu-xmlid="customer_quality.cq_return_menu"]',
            run: "click",
        },
        {
            content: "The returns are listed",
            trigger: ".o_breadcrumb .active:contains(Returns)",
        },
    ];
}

// Part 1: the storekeeper of the warehouse receives and inspects.
registry.category("web_tour.tours").add("cq_return_warehouse_tour", {
    steps: () => [
        ...openReturnsMenu(),
        {
            content: "Open the filters",
            trigger: ".o_control_panel_actions .o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "Only the returns to receive",
            trigger: ".o_filter_menu .o_menu_item:contains(To receive)",
            run: "click",
        },
        {
            content: "The filter is applied",
            trigger: ".o_searchview_facet:contains(To receive)",
        },
        {
            content: "Close the filters",
            trigger: ".o_control_panel_actions .o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "Open the return of Acme Motors",
            trigger: ".o_list_view .o_data_row:contains(Acme Motors) td[name=partner_id]",
            run: "click",
        },
        {
            content: "The return is authorised",
            trigger: stateIs("authorised"),
        },
        {
            content: "… for the calipers of the lot delivered",
            trigger: ".o_form_view .o_field_widget[name=line_ids] .o_data_row:contains(LOT-2026-001)",
        },
        ...clickNextStep("action_receive", "The goods arrived: receive them"),
        ...confirmDialog("Receive all the goods as authorised"),
        {
            content: "Received",
            trigger: stateIs("received"),
        },
        ...openTab("inspection", "Open the inspection tab"),
        {
            content: "The 5 pieces are received",
            trigger: ".o_form_view .o_notebook .tab-pane.active .o_data_row .o_data_cell[name=received_qty]:contains(5.00)",
        },
        ...editLine("inspection_result", "select", 'select "nonconforming"', "Nonconforming"),
        ...editLine("sample_qty", "input", "edit 2", "Two samples kept for analysis"),
        ...editLine(
            "inspection_note",
            "textarea",
            "edit Squeal reproduced on the test bench: anti-squeal shim missing.",
            "What the inspection found"
        ),
        ...stepUtils.saveForm(),
        ...clickNextStep("action_inspect", "Inspection done"),
        {
            content: "Inspected",
            trigger: stateIs("inspected"),
        },
        {
            content: "The inspection result is kept",
            trigger: ".o_form_view .o_notebook .tab-pane.active .o_data_row .o_data_cell[name=inspection_result]:contains(Nonconforming)",
        },
    ],
});

// Part 2: the quality officer decides, explains and closes.
registry.category("web_tour.tours").add("cq_return_quality_tour", {
    steps: () => [
        ...openReturnsMenu(),
        {
            content: "Open the return of Acme Motors",
            trigger: ".o_list_view .o_data_row:contains(Acme Motors) td[name=partner_id]",
            run: "click",
        },
        {
            content: "The return is inspected",
            trigger: stateIs("inspected"),
        },
        {
            content: "Cause: product quality",
            trigger: ".o_form_view .o_field_widget[name=cause] select",
            run: 'select "quality"',
        },
        ...openTab("decision", "Open the decision tab"),
        ...editLine("disposition", "select", 'select "restock"', "Restock the returned goods"),
        ...editLine("outcome", "select", 'select "replacement"', "Replace them for the customer"),
        ...stepUtils.saveForm(),
        {
            content: "A quality cause needs a corrective action",
            trigger: ".o_form_view .oe_title .badge:contains(Corrective action required)",
        },
        ...clickNextStep("action_decide", "Carry out the decision"),
        ...confirmDialog("Move the goods and create the replacement"),
        {
            content: "The transfers are linked: receipt, restock and replacement",
            trigger: ".o_form_view .o-form-buttonbox button[name=action_view_transfers]:contains(3)",
        },
        ...clickNextStep("action_explain", "Explain the return to the customer"),
        {
            content: "The composer opens with the explanation template",
            trigger: ".modal .o_mail_composer_form_view .o_field_widget[name=body]:contains(Regarding your return)",
        },
        {
            content: "… addressed to the customer",
            trigger: ".modal .o_mail_composer_form_view .o_field_widget[name=partner_ids]:contains(Acme Motors)",
        },
        {
            content: "Send the explanation",
            trigger: ".modal .modal-footer button.o_mail_send:enabled",
            run: "click",
        },
        {
            content: "The composer is closed",
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "The explanation is in the chatter",
            trigger: ".o-mail-Message:contains(Regarding your return)",
        },
        ...clickNextStep("action_done", "Close the return"),
        {
            content: "Done",
            trigger: stateIs("done"),
        },
        {
            content: "The replacement is among the transfers",
            trigger: ".o_form_view .o-form-buttonbox button[name=action_view_transfers]:contains(Transfers)",
            run: "click",
        },
        {
            content: "… a delivery to the customer",
            trigger: ".o_list_view .o_data_row:contains(WH/OUT/)",
        },
    ],
});
