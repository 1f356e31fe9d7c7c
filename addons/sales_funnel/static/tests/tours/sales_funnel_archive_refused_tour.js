import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("sales_funnel_archive_refused", {
    url: "/odoo/action-crm.crm_lead_action_pipeline",
    steps: () => [
        {
            content: "Switch the pipeline to its list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "Select the scenario deal",
            trigger: ".o_data_row:contains('Drills for Client Ltd') .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Open the list's actions",
            trigger: ".o_cp_action_menus .dropdown-toggle",
            run: "click",
        },
        {
            content: "Archive",
            trigger: ".o-dropdown--menu .dropdown-item:contains('Archive')",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The server refuses and points to Lost",
            trigger: ".o_error_dialog:contains('close it with the Lost button and a reason')",
        },
        {
            content: "Close the refusal",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The deal is still in the list",
            trigger: ".o_data_row:contains('Drills for Client Ltd')",
        },
    ],
});
