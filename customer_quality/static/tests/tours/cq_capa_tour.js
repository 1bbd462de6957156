import { registry } from "@web/core/registry";
import { clickButton, clickNextStep, stateIs } from "@customer_quality/../tests/tours/cq_tour_utils";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

/**
 * An 8D from a serious complaint to its closure. The data (users, customer, the
 * serious complaint) come from the Python test that launches these tours:
 * customer_quality/tests/test_capa_tour.py.
 */

function openTab(name) {
    return {
        content: `Open the ${name} tab`,
        trigger: `.o_form_view .o_notebook .nav-link[name=${name}]`,
        run: "click",
    };
}

/** Steps adding a line to the one2many ``field`` with ``cells``: [name, input, run]. */
function addLine(field, cells, content) {
    const row = `.o_form_view .o_field_widget[name=${field}] .o_data_row.o_selected_row`;
    const steps = [
        {
            content: `${content}: add a line`,
            trigger: `.o_form_view .o_field_widget[name=${field}] .o_field_x2many_list_row_add a`,
            run: "click",
        },
    ];
    for (const [name, input, run] of cells) {
        steps.push({
            content: `${content}: ${name}`,
            trigger: `${row} .o_field_widget[name=${name}] ${input}`,
            run,
        });
        if (run.startsWith("edit ") && input === "input.o-autocomplete--input") {
            steps.push({
                content: `${content}: pick ${run.slice(5)}`,
                trigger: `.o-autocomplete--dropdown-menu .dropdown-item:contains(${run.slice(5)})`,
                run: "click",
            });
        }
    }
    return steps;
}

function save() {
    return [
        {
            content: "Save",
            trigger: ".o_form_view .o_form_button_save:enabled",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_view .o_form_saved",
        },
    ];
}

// Part 1: the quality engineer opens the 8D from the complaint and runs D1 to D6.
registry.category("web_tour.tours").add("cq_capa_engineer_tour", {
    steps: () => [
        clickButton("action_open_capa", "Open a corrective action from the complaint"),
        {
            content: "A serious complaint gets an 8D",
            trigger: ".o_form_view .o_field_widget[name=form_type] input[data-value='8d']:checked",
        },
        {
            content: "… opened for the complaint",
            trigger: ".o_form_view .o_field_widget[name=ticket_ids] .o_tag:contains(CQ/)",
        },
        {
            content: "The customer's own 8D number",
            trigger: ".o_form_view .o_field_widget[name=customer_reference] input",
            run: "edit ACME-8D-77",
        },
        // D1
        {
            content: "D1: a team member",
            trigger: ".o_form_view .o_field_widget[name=member_ids] input",
            run: "edit Walter",
        },
        {
            trigger: ".o-autocomplete--dropdown-menu .dropdown-item:contains(Walter Warehouse)",
            run: "click",
        },
        // D2
        openTab("problem"),
        {
            content: "D2: where",
            trigger: ".o_form_view .o_field_widget[name=problem_where] input",
            run: "edit Acme final assembly, brake test",
        },
        {
            content: "D2: how detected",
            trigger: ".o_form_view .o_field_widget[name=problem_how] input",
            run: "edit End-of-line pressure test",
        },
        ...save(),
        ...clickNextStep("action_start_containment", "Team and problem known: contain"),
        { content: "Containment", trigger: stateIs("containment") },
        // D3
        openTab("containment"),
        ...addLine(
            "containment_action_ids",
            [
                ["location", "select", 'select "stock"'],
                ["name", "input", "edit Quarantine and leak-test the stock"],
                ["qty_checked", "input", "edit 60"],
                ["qty_nonconforming", "input", "edit 3"],
                ["result", "textarea", "edit 3 leak at 180 bar"],
            ],
            "Containment in our stock"
        ),
        ...save(),
        {
            content: "The totals of the containment",
            trigger: ".o_form_view .o_field_widget[name=containment_qty_nonconforming]:contains(3)",
        },
        {
            content: "The stock is contained: done",
            trigger: ".o_form_view .o_field_widget[name=containment_action_ids] .o_data_row:contains(Quarantine) button[name=action_mark_done]",
            run: "click",
        },
        {
            content: "The containment action is done",
            trigger: ".o_form_view .o_field_widget[name=containment_action_ids] .o_data_row:contains(Quarantine) .o_data_cell[name=state]:contains(Done)",
        },
        ...clickNextStep("action_start_analysis", "Contained: find the root cause"),
        { content: "Root cause analysis", trigger: stateIs("analysis") },
        // D4
        openTab("causes"),
        ...addLine(
            "cause_ids",
            [
                ["kind", "select", 'select "occurrence"'],
                ["name", "input", "edit Bleed screw torque too high"],
                ["method", "select", 'select "five_whys"'],
                ["category", "select", 'select "machine"'],
            ],
            "Why it occurred"
        ),
        ...addLine(
            "cause_ids",
            [
                ["kind", "select", 'select "detection"'],
                ["name", "input", "edit Torque not monitored"],
                ["category", "select", 'select "measurement"'],
            ],
            "Why it was not detected"
        ),
        ...save(),
        // D5
        openTab("corrective"),
        ...addLine(
            "corrective_action_ids",
            [
                ["name", "input", "edit Torque limit in the screwdriver"],
                ["cause_id", "input.o-autocomplete--input", "edit Bleed screw torque"],
            ],
            "First action"
        ),
        ...addLine(
            "corrective_action_ids",
            [
                ["name", "input", "edit Torque monitoring with alarm"],
                ["cause_id", "input.o-autocomplete--input", "edit Torque not monitored"],
                ["user_id", "input.o-autocomplete--input", "edit Walter Warehouse"],
            ],
            "Second action, owned by Walter"
        ),
        ...save(),
        ...clickNextStep("action_start_implementation", "Causes found: implement the actions"),
        { content: "Actions", trigger: stateIs("implementation") },
        // D6: the engineer's own action
        openTab("corrective"),
        {
            content: "Evidence of the first action",
            trigger: ".o_form_view .o_field_widget[name=corrective_action_ids] .o_data_row:contains(Torque limit) .o_data_cell[name=evidence]",
            run: "click",
        },
        {
            content: "Evidence of the first action",
            trigger: ".o_form_view .o_field_widget[name=corrective_action_ids] .o_selected_row .o_field_widget[name=evidence] textarea",
            run: "edit Screwdriver program P12 limits torque to 8 Nm",
        },
        ...save(),
        {
            content: "Done",
            trigger: ".o_form_view .o_field_widget[name=corrective_action_ids] .o_data_row:contains(Torque limit) button[name=action_mark_done]",
            run: "click",
        },
        {
            content: "The first action is done",
            trigger: ".o_form_view .o_field_widget[name=corrective_action_ids] .o_data_row:contains(Torque limit) .o_data_cell[name=state]:contains(Done)",
        },
        // D7 and the plan of the verification
        openTab("prevention"),
        {
            content: "D7: similar processes",
            trigger: ".o_form_view .o_field_widget[name=rollout_processes] textarea",
            run: "edit All screwdriving stations of the caliper line",
        },
        ...addLine(
            "document_ids",
            [
                ["document_type", "select", 'select "control_plan"'],
                ["reference", "input", "edit CP-BC-200"],
                ["revision", "input", "edit G"],
            ],
            "Control plan updated"
        ),
        openTab("effectiveness"),
        {
            content: "Verified on the next deliveries",
            trigger: ".o_form_view .o_field_widget[name=effectiveness_method] select",
            run: 'select "deliveries"',
        },
        {
            content: "… three of them",
            trigger: ".o_form_view .o_field_widget[name=effectiveness_deliveries] input",
            run: "edit 3",
        },
        ...save(),
    ],
});

// Part 2: the owner of the second action does it, from "My actions".
registry.category("web_tour.tours").add("cq_capa_owner_tour", {
    steps: () => [
        ...stepUtils.goToAppSteps("customer_quality.cq_menu_root", "Open Customer Quality"),
        {
            content: "Corrective actions",
            trigger: '.o_main_navbar button[data-menu-xmlid="customer_quality.cq_capa_menu_main"]',
            run: "click",
        },
        {
            content: "My actions",
            trigger: ".dropdown-item[data-menu-xmlid='customer_quality.cq_capa_action_line_menu']",
            run: "click",
        },
        {
            content: "Open my action",
            trigger: ".o_list_view .o_data_row:contains(Torque monitoring) td[name=name]",
            run: "click",
        },
        {
            content: "The evidence",
            trigger: ".o_form_view .o_field_widget[name=evidence] textarea",
            run: "edit Alarm tested on station 4, log TM-0412",
        },
        clickButton("action_mark_done", "Done"),
        {
            content: "The action is done",
            trigger: ".o_form_view .o_field_widget[name=state] button[aria-checked=true][data-value=done]",
        },
    ],
});

// Part 3: the quality manager verifies the effectiveness and closes the 8D.
registry.category("web_tour.tours").add("cq_capa_manager_tour", {
    steps: () => [
        ...clickNextStep("action_request_verification", "Every action is done: ask for verification"),
        { content: "Effectiveness check", trigger: stateIs("verification") },
        ...clickNextStep("action_open_verify", "Verify the effectiveness"),
        {
            content: "How",
            trigger: ".modal .o_field_widget[name=method] select",
            run: 'select "deliveries"',
        },
        {
            content: "Deliveries checked",
            trigger: ".modal .o_field_widget[name=deliveries_checked] input",
            run: "edit 3",
        },
        {
            content: "The evidence",
            trigger: ".modal .o_field_widget[name=note] textarea",
            run: "edit Lots 42, 47 and 51 leak-tested: no leak",
        },
        {
            content: "Record the verification",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        { content: "Effective", trigger: stateIs("verified") },
        openTab("closure"),
        {
            content: "D8: the customer accepted",
            trigger: ".o_form_view .o_field_widget[name=customer_acceptance] select",
            run: 'select "accepted"',
        },
        {
            content: "D8: recognition",
            trigger: ".o_form_view .o_field_widget[name=recognition] textarea",
            run: "edit Thanks to the assembly team",
        },
        ...save(),
        ...clickNextStep("action_close", "Close the 8D"),
        { content: "Closed", trigger: stateIs("closed") },
    ],
});
