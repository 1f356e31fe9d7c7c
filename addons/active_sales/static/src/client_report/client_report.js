import { Component, onMounted, onWillStart, onWillUnmount, useRef, useState } from "@odoo/owl";
import { loadBundle } from "@web/core/assets";
import { _t } from "@web/core/l10n/translation";
import { serializeDate } from "@web/core/l10n/dates";
import { download } from "@web/core/network/download";
import { registry } from "@web/core/registry";
import { user } from "@web/core/user";
import { useService } from "@web/core/utils/hooks";
import { Layout } from "@web/search/layout";
import { formatFloat, formatMonetary, formatPercentage } from "@web/views/fields/formatters";

const { DateTime } = luxon;

/** Client fields the screens filter on, each with the model its choices come from. */
const FILTERS = [
    { field: "user_id", model: "res.users", label: _t("Salesperson"), domain: [["share", "=", false]] },
    { field: "category_id", model: "res.partner.category", label: _t("Client category") },
    { field: "country_id", model: "res.country", label: _t("Country") },
];

/** The client base reports, to go from one to another. */
const REPORTS = [
    { report: "summary", action: "active_sales.action_client_report_summary", label: _t("Financial funnel") },
    { report: "overdue", action: "active_sales.action_client_report_overdue", label: _t("Overdue clients"), head: true },
    { report: "contact", action: "active_sales.action_client_report_contact", label: _t("Contact frequency") },
    { report: "qualification", action: "active_sales.action_client_report_qualification", label: _t("Qualification") },
];

const COLORS = ["#3f8fd2", "#5cb85c", "#f0ad4e", "#d9534f", "#8e6bbf", "#20a5a5", "#b5651d", "#777777"];

/**
 * A report on the client base (the financial funnel, overdue clients by months held,
 * contact frequency): its table of rows and figures with arrows against the previous
 * period of equal length, a chart of its counts and one of its amounts. A click on a
 * number opens the clients behind it; the overdue clients of a salesperson go to the
 * review that hands them over or reassigns them; the table exports to XLSX.
 */
export class ClientReport extends Component {
    static template = "active_sales.ClientReport";
    static components = { Layout };
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.countsChart = useRef("countsChart");
        this.amountsChart = useRef("amountsChart");
        this.charts = [];
        this.filters = FILTERS;
        this.report = this.props.action.params?.report || "summary";
        const today = DateTime.local();
        this.state = useState({
            choices: {},
            dateFrom: serializeDate(today.startOf("month")),
            dateTo: serializeDate(today.endOf("month")),
            selected: {},
            groupBy: null,
            data: null,
            loading: false,
        });
        onWillStart(async () => {
            const isHead = await user.hasGroup("sales_funnel.group_active_sales_head");
            this.reports = REPORTS.filter((report) => isHead || !report.head);
            await loadBundle("web.chartjs_lib");
            await this.loadChoices();
            await this.load();
        });
        onMounted(() => this.renderCharts());
        onWillUnmount(() => this.destroyCharts());
    }

    get isOverdue() {
        return this.report === "overdue";
    }

    get domain() {
        return Object.entries(this.state.selected)
            .filter(([, value]) => value)
            .map(([field, value]) => [field, "in", [parseInt(value)]]);
    }

    get params() {
        return {
            report: this.report,
            date_from: this.state.dateFrom,
            date_to: this.state.dateTo,
            domain: this.domain,
            group_by: this.state.groupBy,
        };
    }

    async loadChoices() {
        for (const filter of FILTERS) {
            this.state.choices[filter.field] = await this.orm.searchRead(
                filter.model,
                filter.domain || [],
                ["display_name"],
                { limit: 200 }
            );
        }
    }

    async load() {
        const { report, date_from, date_to, domain, group_by } = this.params;
        this.state.loading = true;
        try {
            this.state.data = await this.orm.call(
                "active.sales.client.report",
                "get_report",
                [report, date_from, date_to],
                { domain, group_by }
            );
        } finally {
            this.state.loading = false;
        }
        this.renderCharts();
    }

    async onChange(update) {
        Object.assign(this.state, update);
        await this.load();
    }

    async onFilter(field, value) {
        this.state.selected[field] = value;
        await this.load();
    }

    async setPeriod(unit, shift = 0) {
        const day = DateTime.local().plus({ [unit]: shift });
        await this.onChange({
            dateFrom: serializeDate(day.startOf(unit)),
            dateTo: serializeDate(day.endOf(unit)),
        });
    }

    /** The clients behind a number; ``rowKey`` null for a total. */
    async openClients(rowKey, column, previous = false) {
        const { report, date_from, date_to, domain, group_by } = this.params;
        const action = await this.orm.call(
            "active.sales.client.report",
            "action_open_clients",
            [report, date_from, date_to, rowKey, column.key],
            { domain, previous, group_by }
        );
        await this.action.doAction(action);
    }

    openReport(report) {
        return this.action.doAction(report.action);
    }

    async reassign(rowKey) {
        const { date_from, date_to, domain } = this.params;
        const action = await this.orm.call(
            "active.sales.client.report",
            "action_reassign",
            [date_from, date_to, rowKey],
            { domain }
        );
        await this.action.doAction(action, { onClose: () => this.load() });
    }

    exportXlsx() {
        return download({
            url: "/active_sales/client_report/xlsx",
            data: { params: JSON.stringify(this.params) },
        });
    }

    overdueCount(row) {
        return this.state.data.columns
            .filter((column) => column.key.endsWith("_overdue"))
            .reduce((sum, column) => sum + row[column.key], 0);
    }

    // ------------------------------------------------------------------
    // formatting
    // ------------------------------------------------------------------

    format(value, kind) {
        switch (kind) {
            case "money":
                return formatMonetary(value, { currencyId: this.state.data.currency_id, digits: [16, 0] });
            case "percent":
                return formatPercentage(value, { digits: [16, 0] });
            case "hours":
            case "days":
                return formatFloat(value, { digits: [16, 1] });
            default:
                return formatFloat(value, { digits: [16, 0] });
        }
    }

    /** The arrow against the previous period and its colour: green for good news. */
    trend(row, column) {
        const now = row[column.key];
        const before = row.previous[column.key];
        if (now === before || column.better === "none") {
            return "";
        }
        const up = now > before;
        const good = column.better === "down" ? !up : up;
        return `${up ? "fa-arrow-up" : "fa-arrow-down"} ${good ? "text-success" : "text-danger"}`;
    }

    trendTitle(row, column) {
        return _t("Previous period: %s", this.format(row.previous[column.key], column.kind));
    }

    periodNote() {
        const { previous_period: previous } = this.state.data;
        return _t(
            "Statuses and potentials as at the period's end; payments, calls and meetings within it; proposals, unpaid invoices, abandoned and overdue clients as they are now. Previous period: %(from)s – %(to)s.",
            { from: previous.date_from, to: previous.date_to }
        );
    }

    // ------------------------------------------------------------------
    // charts (Chart.js, as Odoo's graph view loads it)
    // ------------------------------------------------------------------

    destroyCharts() {
        for (const chart of this.charts) {
            chart.destroy();
        }
        this.charts = [];
    }

    renderCharts() {
        const data = this.state.data;
        if (!data || !this.countsChart.el || !this.amountsChart.el) {
            return;
        }
        this.destroyCharts();
        const labels = data.rows.map((row) => row.label);
        const series = (kinds) =>
            data.columns
                .filter((column) => kinds.includes(column.kind) && column.key !== "clients")
                .map((column, index) => ({
                    label: column.label,
                    data: data.rows.map((row) => row[column.key]),
                    backgroundColor: COLORS[index % COLORS.length],
                }));
        this.charts.push(
            this.barChart(this.countsChart.el, labels, series(["count"]), this.isOverdue),
            this.barChart(this.amountsChart.el, labels, series(["money"]), false)
        );
    }

    barChart(canvas, labels, datasets, stacked) {
        return new Chart(canvas, {
            type: "bar",
            data: { labels, datasets },
            options: {
                indexAxis: "y",
                maintainAspectRatio: false,
                animation: false,
                scales: { x: { stacked }, y: { stacked } },
                plugins: { legend: { position: "bottom" } },
            },
        });
    }
}

registry.category("actions").add("active_sales.client_report", ClientReport);
