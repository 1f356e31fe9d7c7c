import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

const column = (title) => `.o_kanban_group:has(.o_column_title:contains('${title}'))`;
const DEAL = ".o_kanban_record:contains('Drills for Client Ltd')";
// drag_and_drop's target goes in parentheses: the tour strips one trailing ")" from it.

/**
 * A forbidden drag, by a salesperson who works in Russian: skipping a step of an automatic
 * scenario is refused in Russian before any dialog, and the card stays where it was.
 * Lead rating = «Квалификация лида», Meeting preparation = «Подготовка встречи»,
 * Presentation = «Презентация».
 */
registry.category("web_tour.tours").add("sales_funnel_drag_skip_refused", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the CRM app",
            trigger: ".o_app[data-menu-xmlid='crm.crm_menu_root']",
            run: "click",
        },
        {
            content: "Drag the deal from Lead rating over Meeting preparation to Presentation",
            trigger: `${column("Квалификация лида")} ${DEAL}`,
            run: `drag_and_drop (${column("Презентация")})`,
        },
        {
            content: "The refusal names the next step, in Russian",
            trigger:
                ".modal .o_error_dialog:contains('по одному шагу'):contains('следующий этап — Подготовка встречи')",
        },
        {
            content: "No move dialog was opened",
            trigger: "body:not(:has(.modal .o_field_widget[name=step_id]))",
        },
        {
            content: "Close the refusal",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The refusal is closed",
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "The card is still in Lead rating",
            trigger: `${column("Квалификация лида")} ${DEAL}`,
        },
        {
            content: "and not in Presentation",
            trigger: `${column("Презентация")}:not(:has(${DEAL}))`,
        },
    ],
});
