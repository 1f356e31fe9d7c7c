import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

const column = (title) => `.o_kanban_group:has(.o_column_title:contains('${title}'))`;
const noColumn = (title) =>
    `.o_kanban_renderer:not(:has(.o_column_title:contains('${title}')))`;
const openPipelines = [
    {
        content: "Open the Sales menu",
        trigger: ".o_main_navbar [data-menu-xmlid='crm.crm_menu_sales']",
        run: "click",
    },
    {
        content: "Open Pipelines",
        trigger: ".dropdown-item[data-menu-xmlid='sales_funnel.menu_crm_team_pipelines']",
        run: "click",
    },
];

/**
 * A salesperson of two teams, the typical sale's and the free-form sale's: My Pipeline shows
 * the typical sale's steps and nothing else; Pipelines lists the two teams and each opens
 * its scenario's pipeline.
 */
registry.category("web_tour.tours").add("sales_funnel_switch_pipelines", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the CRM app: My Pipeline",
            trigger: ".o_app[data-menu-xmlid='crm.crm_menu_root']",
            run: "click",
        },
        {
            content: "My Pipeline keeps the deals of the typical sale",
            trigger: ".o_searchview_facet:contains('Typical sale')",
        },
        {
            content: "its steps are the columns, with the deal on the first",
            trigger: `${column("Lead rating")} .o_kanban_record:contains('Drills for Client Ltd')`,
        },
        {
            content: "every step has its column, empty ones included",
            trigger: column("Waiting for decision"),
        },
        {
            content: "no column for Odoo's stages, where deals of other teams are",
            trigger: noColumn("New"),
        },
        {
            content: "nor the free-form sale's first step",
            trigger: noColumn("Request"),
        },
        ...openPipelines,
        {
            content: "Pipelines lists the typical sale's team",
            trigger: ".o_kanban_record:contains('Active team'):contains('Typical sale')",
        },
        {
            content: "Open the free-form sale's team",
            trigger: ".o_kanban_record:contains('Free team'):contains('Free-form sale')",
            run: "click",
        },
        {
            content: "Its pipeline: the free-form sale's steps, with its deal",
            trigger: `${column("Request")} .o_kanban_record:contains('Free deal')`,
        },
        {
            content: "its empty steps included",
            trigger: column("Agreement"),
        },
        {
            content: "and nothing of the typical sale",
            trigger: noColumn("Lead rating"),
        },
        ...openPipelines,
        {
            content: "Back to the typical sale's team",
            trigger: ".o_kanban_record:contains('Active team')",
            run: "click",
        },
        {
            content: "Its pipeline: the typical sale's steps",
            trigger: `${column("Lead rating")} .o_kanban_record:contains('Drills for Client Ltd')`,
        },
        {
            content: "without the free-form sale's",
            trigger: noColumn("Request"),
        },
    ],
});
