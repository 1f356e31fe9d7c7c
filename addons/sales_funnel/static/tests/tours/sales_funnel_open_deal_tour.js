import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("sales_funnel_open_deal", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the CRM app",
            trigger: ".o_app[data-menu-xmlid='crm.crm_menu_root']",
            run: "click",
        },
        {
            content: "The pipeline shows the salesperson's deal",
            trigger: ".o_opportunity_kanban .o_kanban_record:contains('Drills for Client Ltd')",
            run: "click",
        },
        {
            content: "The deal opens in its form",
            trigger: ".o_form_view .o_field_widget[name=name] textarea:value('Drills for Client Ltd')",
        },
        {
            content: "The deal is the salesperson's client's",
            trigger: ".o_form_view .o_field_widget[name=partner_id] input:value('Client Ltd')",
        },
    ],
});
