from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

# Odoo's own states of a move still expected (product.product._compute_quantities_dict).
EXPECTED_MOVE_STATES = ("waiting", "confirmed", "assigned", "partially_available")
# What the head of sales approves on a quotation: its prices, discounts, quantities and costs.
APPROVED_FIELDS = {
    "product_id", "product_uom_qty", "product_uom", "price_unit", "discount", "purchase_price"
}  # fmt: skip


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    # Beside Odoo's forecast widget (qty_at_date_widget) on quotations: what comes in by the
    # promised date, and what neither the free stock nor that can serve.
    incoming_qty_at_date = fields.Float(
        "Incoming by the date",
        compute="_compute_stock_shortage",
        digits="Product Unit of Measure",
        help="Goods expected into the line's warehouse (receipts and transfers confirmed) "
        "by its delivery date.",
    )
    stock_shortage_qty = fields.Float(
        "Short by",
        compute="_compute_stock_shortage",
        digits="Product Unit of Measure",
        help="What the line needs beyond the free stock plus the incoming goods at its date.",
    )
    is_stock_shortage = fields.Boolean(
        "Cannot be served from stock", compute="_compute_stock_shortage"
    )

    @api.depends(
        "state", "free_qty_today", "scheduled_date", "product_uom_qty", "display_qty_widget"
    )
    def _compute_stock_shortage(self):
        self.incoming_qty_at_date = 0.0
        self.stock_shortage_qty = 0.0
        self.is_stock_shortage = False
        quotation_lines = self.filtered(
            lambda line: (
                line.state in ("draft", "sent")
                and line.display_qty_widget
                and line.product_id
                and line.scheduled_date
            )
        )
        # Batched as Odoo batches the forecast: one query per warehouse and date.
        batches = defaultdict(self.browse)
        for line in quotation_lines:
            batches[(line.warehouse_id.id, line.scheduled_date)] |= line
        for (warehouse_id, date), lines in batches.items():
            incoming = self._incoming_product_qty(lines.product_id, warehouse_id, date)
            for line in lines:
                line._set_stock_shortage(incoming.get(line.product_id, 0.0))

    @api.model
    def _incoming_product_qty(self, products, warehouse_id, date):
        """Per product, in its own unit: what Odoo's forecast counts as incoming into the
        warehouse by the date. A quantity, not the documents: read as the engine, since a
        salesperson may not read the warehouse's moves."""
        move_in_locations = (
            self.env["product.product"].with_context(warehouse_id=warehouse_id)
        )._get_domain_locations()[1]
        domain = [
            ("product_id", "in", products.ids),
            ("state", "in", EXPECTED_MOVE_STATES),
            ("date", "<=", date),
            *move_in_locations,
        ]
        return dict(
            self.env["stock.move"].sudo()._read_group(domain, ["product_id"], ["product_qty:sum"])
        )

    def _set_stock_shortage(self, incoming_product_qty):
        """Odoo's ``free_qty_today`` is already in the line's unit, less what the lines
        before it take, and may go below zero: a line is short by at most its quantity."""
        self.ensure_one()
        incoming = self.product_id.uom_id._compute_quantity(incoming_product_qty, self.product_uom)
        shortage = min(self.product_uom_qty, self.product_uom_qty - self.free_qty_today - incoming)
        self.incoming_qty_at_date = incoming
        self.is_stock_shortage = (
            float_compare(shortage, 0.0, precision_rounding=self.product_uom.rounding) > 0
        )
        self.stock_shortage_qty = shortage if self.is_stock_shortage else 0.0

    # A line added or removed, a quantity or a price changed: a quotation changes what its
    # deal is expected to bring, a confirmed order what it must be paid and delivered.

    # A line changed by itself (over RPC, from the product catalog) changes what the head
    # approved as much as the quotation's form does.

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._schedule_deal_sync()
        lines.order_id._drop_outdated_approval()
        return lines

    def write(self, vals):
        if "qty_delivered" in vals and not self.env.su:
            self._check_delivered_by_warehouse()
        result = super().write(vals)
        self._schedule_deal_sync()
        if APPROVED_FIELDS.intersection(vals):
            self.order_id._drop_outdated_approval()
        return result

    def _check_delivered_by_warehouse(self):
        """What a line's deliveries delivered is theirs to say (the deal is won on it), not
        a write's: only a line delivered by hand takes a quantity typed in."""
        stocked = self.filtered(lambda line: line.qty_delivered_method == "stock_move")
        if stocked:
            raise UserError(
                self.env._(
                    "The delivered quantity of %(product)s follows its deliveries: validate "
                    "them in the warehouse.",
                    product=stocked[0].product_id.display_name,
                )
            )

    def unlink(self):
        self._schedule_deal_sync()
        orders = self.order_id
        result = super().unlink()
        orders.exists()._drop_outdated_approval()
        return result

    def _schedule_deal_sync(self):
        live = self.sudo().order_id.filtered(lambda order: order.state != "cancel")
        if live.opportunity_id:
            self.env["crm.lead"]._schedule_document_sync(live.opportunity_id.ids)
