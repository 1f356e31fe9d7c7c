import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

const row = ".o_list_view .o_data_row:contains('Drills for Client Ltd')";

/** The warehouse opens the reservations for deals, finds what an order misses, reserves it. */
registry.category("web_tour.tours").add("sales_funnel_reservations", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Inventory app",
            trigger: ".o_app[data-menu-xmlid='stock.menu_stock_root']",
            run: "click",
        },
        {
            content: "Open the Operations menu",
            trigger: ".o_menu_sections button[data-menu-xmlid='stock.menu_stock_warehouse_mgmt']",
            run: "click",
        },
        {
            content: "Open the reservations for deals",
            trigger: ".dropdown-item[data-menu-xmlid='sales_funnel.menu_deal_reservations']",
            run: "click",
        },
        {
            content: "The order of the deal misses all of its 8 drills",
            trigger: `${row} td[name=missing_qty]:contains('8.00')`,
        },
        {
            content: "Nothing is reserved for it yet",
            trigger: `${row} td[name=reserved_qty]:contains('0.00')`,
        },
        {
            content: "Reserve",
            trigger: `${row} button[name=action_reserve]`,
            run: "click",
        },
        {
            content: "The 5 drills in stock are reserved for the order",
            trigger: `${row} td[name=reserved_qty]:contains('5.00')`,
        },
        {
            content: "3 are still missing",
            trigger: `${row} td[name=missing_qty]:contains('3.00')`,
        },
    ],
});
