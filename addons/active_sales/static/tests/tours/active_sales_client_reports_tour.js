import { registry } from "@web/core/registry";

const hunterRow = ".o_client_report_table tr[data-row='Harry Hunter']";

/** Choose the option labelled ``label`` in a filter of the report screen. */
function chooseFilter(name, label) {
    const select = document.querySelector(`.o_client_report_filters select[name='${name}']`);
    const option = [...select.options].find((o) => o.textContent.trim() === label);
    select.value = option.value;
    select.dispatchEvent(new Event("change"));
}

/**
 * The head of sales reads the financial funnel, goes to the overdue clients and hands
 * Harry's stale potential client to Fred.
 */
registry.category("web_tour.tours").add("active_sales_client_reports", {
    steps: () => [
        {
            content: "The financial funnel is open",
            trigger: ".o_client_report[data-report='summary'] .o_client_report_table",
        },
        {
            content: "Only Harry's clients",
            trigger: ".o_client_report_filters select[name='user_id']",
            run: () => chooseFilter("user_id", "Harry Hunter"),
        },
        {
            content: "The financial funnel: one potential client of Harry's with a potential of 5,000",
            trigger: ".o_client_report[data-report='summary'] .o_client_report_table tr[data-row='Potential'] .o_client_report_potential:contains(5,000)",
        },
        {
            content: "To the overdue clients",
            trigger: ".o_client_report_switch button[data-report='overdue']",
            run: "click",
        },
        {
            content: "Harry holds one potential client too long",
            trigger: `.o_client_report[data-report='overdue'] ${hunterRow} .o_client_report_potential_overdue a:contains(1)`,
        },
        {
            content: "Review Harry's overdue clients",
            trigger: `${hunterRow} .o_client_report_reassign`,
            run: "click",
        },
        {
            content: "Send the stale client to a salesperson",
            trigger: ".modal .o_data_row:contains('Stale Client') td[name='action']",
            run: "click",
        },
        {
            content: "To a salesperson",
            trigger: ".modal .o_data_row:contains('Stale Client') td[name='action'] select",
            run: 'select "assign"',
        },
        {
            content: "Choose Fred",
            trigger: ".modal .o_data_row:contains('Stale Client') td[name='new_user_id'] input",
            run: "edit Fred",
        },
        {
            content: "Fred Farmer",
            trigger: ".ui-menu-item-wrapper:contains('Fred Farmer')",
            run: "click",
        },
        {
            content: "Apply",
            trigger: ".modal footer button[name='action_apply']",
            run: "click",
        },
        {
            content: "Fred holds the client since today",
            trigger: "body:not(:has(.modal)) .o_client_report[data-report='overdue'] tr[data-row='Fred Farmer'] .o_client_report_potential_0 a:contains(1)",
        },
        {
            content: "Harry holds no potential client too long any more",
            trigger: `.o_client_report[data-report='overdue'] .o_client_report_table:not(:has(${hunterRow} .o_client_report_potential_overdue a))`,
        },
    ],
});
