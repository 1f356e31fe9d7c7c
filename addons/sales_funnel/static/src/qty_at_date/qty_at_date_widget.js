import { patch } from "@web/core/utils/patch";
import {
    QtyAtDateWidget,
    qtyAtDateWidget,
} from "@sale_stock/widgets/qty_at_date_widget";

/**
 * Odoo's forecast widget on quotation lines also tells what comes in by the delivery date
 * and, when the free stock plus that cannot serve the line, by how much it falls short: the
 * popover says so and the icon turns red (see sale.order.line._compute_stock_shortage).
 * The widget loads these fields itself, whatever view shows it.
 */
patch(qtyAtDateWidget, {
    fieldDependencies: [
        ...(qtyAtDateWidget.fieldDependencies || []),
        { name: "incoming_qty_at_date", type: "float" },
        { name: "stock_shortage_qty", type: "float" },
        { name: "is_stock_shortage", type: "boolean" },
    ],
});

patch(QtyAtDateWidget.prototype, {
    initCalcData() {
        super.initCalcData();
        const { data } = this.props.record;
        // As Odoo's own warning: none for goods replenished on demand (MTO).
        if (
            data.scheduled_date &&
            ["draft", "sent"].includes(data.state) &&
            data.is_stock_shortage &&
            !data.is_mto
        ) {
            this.calcData.forecasted_issue = true;
        }
    },
});
