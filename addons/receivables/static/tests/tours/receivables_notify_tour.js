import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("receivables_notify_debtors", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open Invoicing",
            trigger: ".o_app[data-menu-xmlid='account.menu_finance']",
            run: "click",
        },
        {
            content: "Open the Customers menu",
            trigger: ".o_menu_sections button:contains('Customers')",
            run: "click",
        },
        {
            content: "Open the receivables aging",
            trigger: ".dropdown-item[data-menu-xmlid='receivables.menu_receivables_aging']",
            run: "click",
        },
        {
            content: "The aging shows the debtor",
            trigger: ".o_pivot .o_pivot_header_cell_closed:contains('Tour Debtor')",
        },
        {
            content: "Open the Customers menu again",
            trigger: ".o_menu_sections button:contains('Customers')",
            run: "click",
        },
        {
            content: "Open the debtor notices",
            trigger: ".dropdown-item[data-menu-xmlid='receivables.menu_receivables_notify']",
            run: "click",
        },
        {
            content: "Only debts overdue for 30 days or more",
            trigger: ".modal .o_field_widget[name=min_overdue_days] input",
            run: "edit 30",
        },
        {
            content: "Find the debtors",
            trigger: ".modal button[name=action_select]",
            run: "click",
        },
        {
            content: "The debtor is selected",
            trigger: ".modal .o_data_row:contains('Tour Debtor') .o_field_boolean_toggle input:checked",
        },
        {
            content: "Send the notices",
            trigger: ".modal-footer button[name=action_send]",
            run: "click",
        },
        {
            content: "The notice is sent",
            trigger: ".modal .o_data_row:contains('Tour Debtor'):contains('Sent')",
        },
    ],
});
