import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

/**
 * The app opens on the overview; a department's count opens the list of exactly
 * what it counted. The data ("Tour Department": three open tickets, two of them
 * overdue) come from customer_quality/tests/test_overview_tour.py.
 */
const card = ".o_kanban_view .o_kanban_record:has(span:contains(Tour Department))";

registry.category("web_tour.tours").add("cq_overview_tour", {
    steps: () => [
        ...stepUtils.goToAppSteps("customer_quality.cq_menu_root", "Open Customer Quality"),
        {
            content: "The app opens on the overview: the department's open tickets",
            trigger: `${card} button[name=action_view_overview]:contains(3 Open)`,
        },
        {
            content: "Open its overdue tickets",
            trigger: `${card} a[name=action_view_overview]:contains(Overdue):contains(2)`,
            run: "click",
        },
        {
            content: "The list of the department's overdue tickets opens",
            trigger: ".o_breadcrumb .active:contains(Overdue tickets – Tour Department)",
        },
        {
            content: "As many rows as counted",
            trigger: ".o_list_view:has(.o_data_row:nth-child(2)):not(:has(.o_data_row:nth-child(3)))",
        },
    ],
});
