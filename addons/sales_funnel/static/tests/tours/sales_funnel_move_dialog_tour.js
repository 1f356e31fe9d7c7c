import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

const { DateTime } = luxon;

/**
 * The move dialog opened from a deal: it proposes the next step the scenario allows and
 * offers no other (the typical sale goes one step at a time), and plans the next activity
 * from that step's entry activity: type, summary and due date (its 2 days).
 */
registry.category("web_tour.tours").add("sales_funnel_move_dialog", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the CRM app",
            trigger: ".o_app[data-menu-xmlid='crm.crm_menu_root']",
            run: "click",
        },
        {
            content: "Open the deal",
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
            run: "click",
        },
        {
            content: "and offers no other: the steps further on are refused",
            trigger: ".modal .o-autocomplete--dropdown-menu:has(.o-autocomplete--dropdown-item:contains('Meeting preparation')):not(:has(.o-autocomplete--dropdown-item:contains('Presentation')))",
        },
        {
            content: "Keep the next step",
            trigger: ".modal .o-autocomplete--dropdown-item:contains('Meeting preparation')",
            run: "click",
        },
        {
            content: "Planning the next activity is proposed",
            trigger: ".modal .o_field_widget[name=next_action] input[data-value=plan]:checked",
        },
        {
            content: "of the step's entry activity type",
            trigger: ".modal .o_field_widget[name=next_activity_type_id] input:value('To-Do')",
        },
        {
            content: "with its summary",
            trigger: ".modal .o_field_widget[name=next_summary] input:value('Prepare the meeting')",
        },
        {
            content: "due in the step's 2 days",
            trigger: `.modal .o_field_widget[name=next_date] input:value('${DateTime.now()
                .plus({ days: 2 })
                .toFormat("MM/dd/yyyy")}')`,
        },
        {
            content: "Record the result of the qualification call",
            trigger: ".modal .o_field_widget[name=result] textarea",
            run: "edit Needs 20 drills a month",
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
            content: "with the activity planned",
            trigger: ".o-mail-Chatter .o-mail-Activity:contains('Prepare the meeting')",
        },
    ],
});
