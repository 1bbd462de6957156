import { registry } from "@web/core/registry";

/**
 * A customer in the portal: reports a problem with a photo, follows it, reads
 * our reply and accepts it. The data come from
 * customer_quality/tests/test_portal_tour.py.
 */

// the smallest PNG: a photo chosen in the file input as a user would
const PNG =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

function attachPhoto(input) {
    const bytes = Uint8Array.from(atob(PNG), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], "cracked-housing.png", { type: "image/png" }));
    input.files = transfer.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
}

registry.category("web_tour.tours").add("cq_portal_report_tour", {
    steps: () => [
        {
            content: "Report a problem from the portal's home",
            trigger: 'a[href="/my/complaints/new"]',
            run: "click",
        },
        {
            content: "The title",
            trigger: "input#cq_subject",
            run: "edit Cracked housings in the last delivery",
        },
        {
            content: "What happened",
            trigger: "textarea#cq_description",
            run: "edit Three calipers arrived with cracked housings.",
        },
        {
            content: "The delivery it came with",
            trigger: "select#cq_picking",
            run: "selectByIndex 1",
        },
        {
            content: "The product",
            trigger: "select#cq_product",
            run: "selectByIndex 1",
        },
        {
            content: "How many",
            trigger: "input#cq_qty",
            run: "edit 3",
        },
        {
            content: "Ask for an exchange",
            trigger: "input#cq_demand_exchange",
            run: "click",
        },
        {
            content: "A photo of the damage",
            trigger: "input#cq_attachments",
            run() {
                attachPhoto(this.anchor);
            },
        },
        {
            content: "Send",
            trigger: "button.o_cq_portal_submit",
            run: "click",
        },
        {
            content: "The report is received, with its number and our commitments",
            trigger: '.alert-success:contains("we received your report")',
        },
        {
            content: "Our first reply is promised",
            trigger: '.o_cq_portal_deadlines:contains("First reply")',
        },
        {
            content: "The report and its photo are in the messages",
            trigger:
                '#chatterRoot:shadow .o-mail-Message:contains("Reported in the portal") .o-mail-AttachmentImage, #chatterRoot:shadow .o-mail-Message:contains("Reported in the portal") .o-mail-AttachmentCard',
        },
    ],
});

registry.category("web_tour.tours").add("cq_portal_accept_tour", {
    steps: () => [
        {
            content: "A reply waits for the customer's answer",
            trigger: 'a[href^="/my/complaints?filterby=answer"]',
            run: "click",
        },
        {
            content: "Open the complaint",
            trigger: 'tr.o_cq_portal_ticket_row:contains("Cracked housings") a',
            run: "click",
        },
        {
            content: "Read our reply",
            trigger: '.o_cq_portal_reply:contains("Replaced the three calipers")',
        },
        {
            content: "Say a word",
            trigger: "textarea#cq_answer_note",
            run: "edit Received the replacements, thank you.",
        },
        {
            content: "Accept the reply",
            trigger: "button.o_cq_portal_accept",
            run: "click",
        },
        {
            content: "Settled",
            trigger: '.alert-success:contains("the complaint is settled")',
        },
        {
            content: "Closed",
            trigger: '.o_cq_portal_ticket span[data-state="closed"]',
        },
    ],
});
