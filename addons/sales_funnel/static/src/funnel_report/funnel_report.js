import { Component, onMounted, onWillStart, onWillUnmount, useRef, useState } from "@odoo/owl";
import { loadBundle } from "@web/core/assets";
import { _t } from "@web/core/l10n/translation";
import { deserializeDateTime, formatDateTime, serializeDate } from "@web/core/l10n/dates";
import { download } from "@web/core/network/download";
import { registry } from "@web/core/registry";
import { user } from "@web/core/user";
import { useService } from "@web/core/utils/hooks";
import { Layout } from "@web/search/layout";
import { formatFloat, formatMonetary, formatPercentage } from "@web/views/fields/formatters";

const { DateTime } = luxon;

/** Deal fields the screen filters on, each with the model its choices come from. */
const FILTERS = [
    { field: "team_id", model: "crm.team", label: _t("Sales team") },
    { field: "user_id", model: "res.users", label: _t("Salesperson"), domain: [["share", "=", false]] },
    { field: "country_id", model: "res.country", label: _t("Country") },
    { field: "source_id", model: "utm.source", label: _t("Source") },
    { field: "tag_ids", model: "crm.tag", label: _t("Tag") },
    { field: "partner_id.category_id", model: "res.partner.category", label: _t("Client category") },
];

/** Rating columns counted in deals or activities (the others are amounts or a rate). */
const COUNTS = new Set(["won", "lost", "activities_done"]);
/** Rating columns where less is better. */
const BETTER_DOWN = new Set(["lost", "discounts", "overdue_loss"]);

/** Figures where more is better: an increase shows green, a decrease red. */
const BETTER_UP = new Set(["reached", "passed", "current", "amount_current", "forecast"]);

/**
 * The sales funnel of a scenario over a period: the table of steps (reached, passed, lost,
 * open now, win probability, forecast, plan) with arrows against the previous period, the
 * new deals the plan needs, two funnel charts, the figures per salesperson on demand. A
 * click on a number opens the deals behind it; the table exports to XLSX and PDF.
 */
export class SalesFunnelReport extends Component {
    static template = "sales_funnel.FunnelReport";
    static components = { Layout };
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.dealsChart = useRef("dealsChart");
        this.amountsChart = useRef("amountsChart");
        this.charts = [];
        this.filters = FILTERS;
        const today = DateTime.local();
        this.state = useState({
            scenarios: [],
            choices: {},
            scenarioId: false,
            dateFrom: serializeDate(today.startOf("month")),
            dateTo: serializeDate(today.endOf("month")),
            selected: {},
            target: "",
            bySalesperson: false,
            funnel: null,
            accuracy: [],
            rating: null,
            loading: false,
        });
        onWillStart(async () => {
            await loadBundle("web.chartjs_lib");
            await this.loadChoices();
            await this.loadFunnel();
        });
        onMounted(() => this.renderCharts());
        onWillUnmount(() => this.destroyCharts());
    }

    // ------------------------------------------------------------------
    // data
    // ------------------------------------------------------------------

    async loadChoices() {
        this.state.scenarios = await this.orm.searchRead("crm.scenario", [], ["name"]);
        this.state.scenarioId = (await this.ownTeamScenarioId()) || this.state.scenarios[0]?.id || false;
        for (const filter of FILTERS) {
            this.state.choices[filter.field] = await this.orm.searchRead(
                filter.model,
                filter.domain || [],
                ["display_name"],
                { limit: 200 }
            );
        }
    }

    /** The scenario of the team the user leads, else of a team they sell in. */
    async ownTeamScenarioId() {
        const uid = user.userId;
        const teams = await this.orm.searchRead(
            "crm.team",
            ["|", ["user_id", "=", uid], ["member_ids", "in", [uid]], ["scenario_id", "!=", false]],
            ["user_id", "scenario_id"]
        );
        const team = teams.find((t) => t.user_id?.[0] === uid) || teams[0];
        const scenarioId = team?.scenario_id[0];
        return this.state.scenarios.some((s) => s.id === scenarioId) && scenarioId;
    }

    get domain() {
        return Object.entries(this.state.selected)
            .filter(([, value]) => value)
            .map(([field, value]) => [field, "in", [parseInt(value)]]);
    }

    /** The salespeople the rating shows: the one chosen, else the team's, else everyone. */
    get ratingDomain() {
        const { user_id: userId, team_id: teamId } = this.state.selected;
        if (userId) {
            return [["id", "=", parseInt(userId)]];
        }
        return teamId ? [["sale_team_id", "=", parseInt(teamId)]] : [];
    }

    get params() {
        return {
            scenario_id: this.state.scenarioId,
            date_from: this.state.dateFrom,
            date_to: this.state.dateTo,
            domain: this.domain,
            target: this.state.target === "" ? null : parseInt(this.state.target),
            by_salesperson: this.state.bySalesperson,
        };
    }

    async loadFunnel() {
        if (!this.state.scenarioId) {
            return;
        }
        const { scenario_id, date_from, date_to, ...options } = this.params;
        this.state.loading = true;
        try {
            [this.state.funnel, this.state.accuracy, this.state.rating] = await Promise.all([
                this.orm.call("crm.funnel.report", "get_funnel", [scenario_id, date_from, date_to], options),
                this.orm.call("crm.funnel.report", "get_forecast_accuracy", [scenario_id], {
                    domain: options.domain,
                }),
                this.orm.call("crm.manager.rating", "get_rating", [date_from, date_to], {
                    domain: this.ratingDomain,
                }),
            ]);
        } finally {
            this.state.loading = false;
        }
        this.renderCharts();
    }

    async onChange(update) {
        Object.assign(this.state, update);
        await this.loadFunnel();
    }

    async onFilter(field, value) {
        this.state.selected[field] = value;
        await this.loadFunnel();
    }

    async setPeriod(unit, shift = 0) {
        const day = DateTime.local().plus({ [unit]: shift });
        await this.onChange({
            dateFrom: serializeDate(day.startOf(unit)),
            dateTo: serializeDate(day.endOf(unit)),
        });
    }

    async openDeals(step, measure, { previous = false, userId = null } = {}) {
        const { scenario_id, date_from, date_to, domain } = this.params;
        const action = await this.orm.call("crm.funnel.report", "action_open_deals", [
            scenario_id,
            date_from,
            date_to,
            step.step_id,
            measure,
        ], { domain, previous, user_id: userId });
        await this.action.doAction(action);
    }

    exportXlsx() {
        return download({
            url: "/sales_funnel/funnel/xlsx",
            data: { params: JSON.stringify(this.params) },
        });
    }

    exportPdf() {
        return this.action.doAction({
            type: "ir.actions.report",
            report_type: "qweb-pdf",
            report_name: "sales_funnel.report_sales_funnel",
            report_file: "sales_funnel.report_sales_funnel",
            data: this.params,
        });
    }

    // ------------------------------------------------------------------
    // formatting
    // ------------------------------------------------------------------

    money(value) {
        return formatMonetary(value, { currencyId: this.state.funnel.currency_id, digits: [16, 0] });
    }

    number(value, digits = 0) {
        return formatFloat(value, { digits: [16, digits] });
    }

    percent(value) {
        return formatPercentage(value, { digits: [16, 0] });
    }

    /** The moment the open deals are taken at, in the user's time zone. */
    asOf() {
        return formatDateTime(deserializeDateTime(this.state.funnel.period.as_of));
    }

    periodNote() {
        const funnel = this.state.funnel;
        return _t(
            "Closed: deals won or lost in the period; a skipped step counts as reached and passed. Open now: deals open at %(moment)s. Won: %(won)s deals, %(amount)s. Previous period: %(from)s – %(to)s.",
            {
                moment: this.asOf(),
                won: funnel.totals.won,
                amount: this.money(funnel.totals.amount_won),
                from: funnel.previous_period.date_from,
                to: funnel.previous_period.date_to,
            }
        );
    }

    /** A cell of the manager rating, formatted for its column. */
    ratingCell(row, key) {
        const value = row[key];
        if (key === "loss_reasons") {
            return value.map((reason) => `${reason.name} (${reason.count})`).join(", ");
        }
        if (key === "win_rate") {
            return this.percent(value);
        }
        return COUNTS.has(key) ? this.number(value) : this.money(value);
    }

    ratingTrend(row, key) {
        if (key === "loss_reasons" || row[key] === row.previous[key]) {
            return "";
        }
        const up = row[key] > row.previous[key];
        const good = BETTER_DOWN.has(key) ? !up : up;
        return `${up ? "fa-arrow-up" : "fa-arrow-down"} ${good ? "text-success" : "text-danger"}`;
    }

    deviation(month) {
        return month.deviation === null ? "—" : this.percent(month.deviation);
    }

    conversion(row) {
        return row.reached ? this.percent(row.passed / row.reached) : "—";
    }

    /** "up", "down" or "" against the previous period, for the arrow and its colour. */
    trend(row, figure) {
        const now = row[figure];
        const before = row.previous[figure];
        if (now === before) {
            return "";
        }
        const up = now > before;
        const good = BETTER_UP.has(figure) ? up : !up;
        return `${up ? "fa-arrow-up" : "fa-arrow-down"} ${good ? "text-success" : "text-danger"}`;
    }

    trendTitle(row, figure) {
        return _t("Previous period: %s", this.number(row.previous[figure], 2));
    }

    neededInputText() {
        const needed = this.state.funnel.needed_input;
        if (needed.needed === null || needed.needed === undefined) {
            return needed.target === null
                ? _t("Type how many deals to win, or plan the period, to see the new deals it takes.")
                : _t("No conversion yet: nothing to base the needed input on.");
        }
        return _t(
            "To win %(target)s deals at the current conversion of %(conversion)s you need %(needed)s new deals.",
            {
                target: needed.target,
                conversion: this.percent(needed.conversion),
                needed: needed.needed,
            }
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
        const funnel = this.state.funnel;
        if (!funnel || !this.dealsChart.el || !this.amountsChart.el) {
            return;
        }
        this.destroyCharts();
        const labels = funnel.steps.map((row) => row.name);
        this.charts.push(
            this.barChart(this.dealsChart.el, labels, [
                [_t("Reached"), funnel.steps.map((row) => row.reached), "#3f8fd2"],
                [_t("Lost"), funnel.steps.map((row) => row.lost), "#d9534f"],
                [_t("Open now"), funnel.steps.map((row) => row.current), "#f0ad4e"],
            ]),
            this.barChart(this.amountsChart.el, labels, [
                [_t("Amount reached"), funnel.steps.map((row) => row.amount_reached), "#3f8fd2"],
                [_t("Amount lost"), funnel.steps.map((row) => row.amount_lost), "#d9534f"],
                [_t("Forecast"), funnel.steps.map((row) => row.forecast), "#5cb85c"],
            ])
        );
    }

    barChart(canvas, labels, series) {
        return new Chart(canvas, {
            type: "bar",
            data: {
                labels,
                datasets: series.map(([label, data, color]) => ({
                    label,
                    data,
                    backgroundColor: color,
                })),
            },
            options: {
                indexAxis: "y",
                maintainAspectRatio: false,
                animation: false,
                plugins: { legend: { position: "bottom" } },
            },
        });
    }
}

registry.category("actions").add("sales_funnel.funnel_report", SalesFunnelReport);
