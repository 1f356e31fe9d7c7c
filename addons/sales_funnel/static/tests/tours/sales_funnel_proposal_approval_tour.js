import { registry } from "@web/core/registry";

/** The head of sales opens a quotation waiting for approval and approves it. */
registry.category("web_tour.tours").add("sales_funnel_proposal_approval", {
    steps: () => [
        {
            content: "The quotation waits for the head's approval",
            trigger: ".o_form_view .o_field_widget[name='proposal_state'] .badge:contains('To approve')",
        },
        {
            content: "The reason is on the quotation",
            trigger: ".o_form_view .alert-warning:contains('waits for the approval of the head of sales')",
        },
        {
            content: "Approve",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_approve']",
            run: "click",
        },
        {
            content: "The quotation is approved",
            trigger: ".o_form_view .o_field_widget[name='proposal_state'] .badge:contains('Approved')",
        },
        {
            content: "Nothing left to approve",
            trigger: ".o_form_view .o_statusbar_buttons:not(:has(button[name='action_approve']))",
        },
    ],
});
