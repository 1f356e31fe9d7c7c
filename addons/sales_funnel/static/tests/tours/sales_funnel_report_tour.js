import { registry } from "@web/core/registry";

const firstStep = ".o_funnel_table tr[data-step='1']";

/** Choose the option labelled ``label`` in a filter of the funnel screen. */
function chooseFilter(name, label) {
    const select = document.querySelector(`.o_funnel_filters select[name='${name}']`);
    const option = [...select.options].find((o) => o.textContent.trim() === label);
    select.value = option.value;
    select.dispatchEvent(new Event("change"));
}

/** The head of sales reads last month's funnel, filters it and opens the deals behind it. */
registry.category("web_tour.tours").add("sales_funnel_report", {
    steps: () => [
        {
            content: "The funnel screen is open",
            trigger: ".o_sales_funnel_report .o_funnel_table",
        },
        {
            content: "Last month",
            trigger: ".o_funnel_last_month",
            run: "click",
        },
        {
            content: "Three deals closed last month reached the first step",
            trigger: `${firstStep} .o_funnel_reached a:contains(3)`,
        },
        {
            content: "Forecast accuracy: last month won Sally's 900",
            trigger: ".o_funnel_accuracy tbody tr:last-child td:contains(900)",
        },
        {
            content: "The manager rating: Sally won one deal and lost one",
            trigger: ".o_manager_rating tr:contains('Sally') .o_rating_won:contains(1)",
        },
        {
            content: "Only Oscar's deals",
            trigger: ".o_funnel_filters select[name='user_id']",
            run: () => chooseFilter("user_id", "Oscar Funnel"),
        },
        {
            content: "One of them was Oscar's, lost on the first step",
            trigger: `${firstStep} .o_funnel_reached a:contains(1)`,
        },
        {
            content: "Open the deals lost on the first step",
            trigger: `${firstStep} .o_funnel_lost a:contains(1)`,
            run: "click",
        },
        {
            content: "Oscar's lost deal, in the deal list",
            trigger: ".o_list_view .o_data_row:contains('Oscar lost it')",
        },
    ],
});
