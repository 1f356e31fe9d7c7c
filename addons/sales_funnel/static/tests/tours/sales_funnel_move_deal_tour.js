import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("sales_funnel_move_deal", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the CRM app",
            trigger: ".o_app[data-menu-xmlid='crm.crm_menu_root']",
            run: "click",
        },
        {
            content: "The pipeline shows the scenario's first step with the deal",
            trigger: ".o_kanban_group:has(.o_column_title:contains('Lead rating')) .o_kanban_record:contains('Drills for Client Ltd')",
            run: "click",
        },
        {
            content: "Open the move dialog",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_open_move_wizard]",
            run: "click",
        },
        {
            content: "The dialog proposes the next step",
            trigger: ".modal .o_field_widget[name=step_id] input:value('Meeting preparation')",
        },
        {
            content: "Record the result of the qualification call",
            trigger: ".modal .o_field_widget[name=result] textarea",
            run: "edit Needs 20 drills a month, meeting on Friday",
        },
        {
            content: "Move",
            trigger: ".modal-footer button[name=action_move]",
            run: "click",
        },
        {
            content: "The deal is on the next step",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Meeting preparation')",
        },
        {
            content: "The result is in the chatter",
            trigger: ".o-mail-Chatter .o-mail-Message:contains('Needs 20 drills a month')",
        },
    ],
});
