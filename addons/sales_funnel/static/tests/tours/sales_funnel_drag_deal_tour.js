import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

const column = (title) => `.o_kanban_group:has(.o_column_title:contains('${title}'))`;
const DEAL = ".o_kanban_record:contains('Drills for Client Ltd')";
// drag_and_drop's target goes in parentheses: the tour strips one trailing ")" from it.

/** An allowed drag: the card dropped on the next step's column opens the move dialog. */
registry.category("web_tour.tours").add("sales_funnel_drag_deal", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the CRM app",
            trigger: ".o_app[data-menu-xmlid='crm.crm_menu_root']",
            run: "click",
        },
        {
            content: "Drag the deal from Lead rating to Meeting preparation",
            trigger: `${column("Lead rating")} ${DEAL}`,
            run: `drag_and_drop (${column("Meeting preparation")})`,
        },
        {
            content: "The move dialog opens for the step the card was dropped on",
            trigger: ".modal .o_field_widget[name=step_id] input:value('Meeting preparation')",
        },
        {
            content: "Until the move is done, the card stays in its column",
            trigger: `${column("Lead rating")} ${DEAL}`,
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
            content: "The dialog is closed",
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "The card is in the Meeting preparation column",
            trigger: `${column("Meeting preparation")} ${DEAL}`,
        },
        {
            content: "and no longer in Lead rating",
            trigger: `${column("Lead rating")}:not(:has(${DEAL}))`,
        },
    ],
});
