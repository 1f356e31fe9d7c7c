import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("sales_funnel_quotation_stock", {
    steps: () => [
        {
            content: "The Drill line's forecast icon is red: stock plus incoming fall short",
            trigger: ".o_field_widget[name=order_line] .o_data_row:contains('Drill') .fa-area-chart.text-danger",
            run: "click",
        },
        {
            content: "The popover says what comes in by the date",
            trigger: ".o_popover tr[name=incoming_qty_at_date]:contains('Incoming by'):contains('2')",
        },
        {
            content: "and by how much the line falls short",
            trigger: ".o_popover tr[name=stock_shortage_qty]:contains('Cannot be served from stock plus incoming: short by'):contains('3')",
        },
    ],
});

registry.category("web_tour.tours").add("sales_funnel_reservation_badge", {
    steps: () => [
        {
            content: "The pipeline card shows the goods partly reserved",
            trigger: ".o_kanban_record:contains('Drills for Client Ltd') .o_field_widget[name=reservation_state]:contains('Partial')",
            run: "click",
        },
        {
            content: "and so does the deal's form",
            trigger: ".o_form_view .o_field_widget[name=reservation_state] .text-bg-warning:contains('Partial')",
        },
    ],
});
