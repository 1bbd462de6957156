import { registry } from "@web/core/registry";

/**
 * The quality officer opens the complaints per million delivered units: the
 * pivot shows the rate of the customer's cell, computed from the cell's own
 * sums. The data come from customer_quality/tests/test_kpi_tour.py.
 */
registry.category("web_tour.tours").add("cq_kpi_ppm_tour", {
    steps: () => [
        {
            content: "The pivot of the complaints per million",
            trigger: ".o_pivot",
        },
        {
            content: "Tour Brakes: 2 complaints per 4000 delivered, 500 per million",
            trigger: '.o_pivot tr:has(th:contains("Tour Brakes Ltd")) td:contains("500.0")',
        },
        {
            content: "Open the return rate",
            trigger: '.o_menu_sections button:contains("Reporting"), .o_menu_sections a:contains("Reporting")',
            run: "click",
        },
        {
            content: "Return rate in the Reporting menu",
            trigger: '.dropdown-item:contains("Return rate")',
            run: "click",
        },
        {
            content: "Tour Brakes: 40 returned of 4000 delivered, 1 %",
            trigger: '.o_pivot tr:has(th:contains("Tour Brakes Ltd")) td:contains("1.00")',
        },
    ],
});
