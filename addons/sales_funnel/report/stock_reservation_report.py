from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, create_index, index_exists

# Moves waiting to be done: what a receipt still brings.
OPEN_MOVE_STATES = ("confirmed", "waiting", "assigned", "partially_available")


class StockReservationReport(models.Model):
    """What each confirmed order line waits for: ordered, delivered, reserved and still
    missing, next to what its warehouse has free and what receipts will bring. One row per
    product line of a confirmed order with deliveries; quantities in the product's unit."""

    _name = "stock.reservation.report"
    _description = "Reservations for deals"
    _auto = False
    _order = "commitment_date, id"
    _rec_name = "order_line_id"
    _depends = {
        "sale.order": [
            "commitment_date",
            "company_id",
            "opportunity_id",
            "partner_id",
            "state",
            "team_id",
            "user_id",
            "warehouse_id",
        ],
        "sale.order.line": [
            "order_id",
            "product_id",
            "product_uom",
            "product_uom_qty",
            "qty_delivered",
        ],
        "stock.move": [
            "date",
            "location_dest_id",
            "location_id",
            "product_id",
            "product_qty",
            "product_uom_qty",
            "quantity",
            "sale_line_id",
            "state",
        ],
        "stock.quant": ["location_id", "product_id", "quantity", "reserved_quantity"],
        "stock.location": ["usage", "warehouse_id"],
        "product.product": ["product_tmpl_id"],
        "product.template": ["uom_id"],
        "uom.uom": ["factor"],
    }

    order_id = fields.Many2one("sale.order", readonly=True)
    order_line_id = fields.Many2one("sale.order.line", "Order line", readonly=True)
    lead_id = fields.Many2one("crm.lead", "Deal", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", "Sales team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    product_uom_id = fields.Many2one("uom.uom", "Unit", readonly=True)
    warehouse_id = fields.Many2one("stock.warehouse", readonly=True)
    commitment_date = fields.Datetime(
        "Expected date",
        readonly=True,
        help="The delivery date promised on the order, else the earliest scheduled date "
        "of its open deliveries.",
    )
    ordered_qty = fields.Float("Ordered", readonly=True, digits="Product Unit of Measure")
    delivered_qty = fields.Float("Delivered", readonly=True, digits="Product Unit of Measure")
    reserved_qty = fields.Float(
        "Reserved",
        readonly=True,
        digits="Product Unit of Measure",
        help="Reserved for the open deliveries of the line.",
    )
    missing_qty = fields.Float(
        "Missing",
        readonly=True,
        digits="Product Unit of Measure",
        help="Ordered, neither delivered nor reserved.",
    )
    free_qty = fields.Float(
        "Free in warehouse",
        readonly=True,
        digits="Product Unit of Measure",
        aggregator="max",
        help="On hand and not reserved in the warehouse's stock, for every order alike.",
    )
    incoming_qty = fields.Float(
        "Incoming",
        readonly=True,
        digits="Product Unit of Measure",
        aggregator="max",
        help="Expected in the warehouse by receipts not yet done, for every order alike.",
    )

    def init(self):
        # The report reads every move of an order line from this index alone, in the
        # order of the lines (create_index has no INCLUDE).
        if not index_exists(self.env.cr, "stock_move_sale_line_reservation"):
            self.env.cr.execute(
                """
                CREATE INDEX stock_move_sale_line_reservation ON stock_move (sale_line_id)
                       INCLUDE (location_dest_id, state, quantity, product_qty,
                                product_uom_qty, date)
                 WHERE sale_line_id IS NOT NULL
                """
            )
        # The incoming quantities read open moves only, by product and destination.
        create_index(
            self.env.cr,
            "stock_move_open_incoming_index",
            "stock_move",
            ["product_id", "location_dest_id", "location_id", "product_qty"],
            where="state IN ('confirmed', 'waiting', 'assigned', 'partially_available')",
        )

    @property
    def _table_query(self):
        # Quantities move to the product's unit: the line's through the units' factors,
        # the moves' in proportion to product_qty (their demand in the product's unit).
        # Floats: numeric arithmetic over every line costs more than the joins; what is
        # missing is rounded to a millionth so that float noise is not a missing quantity.
        return SQL(
            """
            SELECT line.id,
                   line.order_id,
                   line.id AS order_line_id,
                   sale.opportunity_id AS lead_id,
                   sale.partner_id,
                   sale.user_id,
                   sale.team_id,
                   sale.company_id,
                   line.product_id,
                   template.uom_id AS product_uom_id,
                   sale.warehouse_id,
                   COALESCE(sale.commitment_date, moves.expected_date) AS commitment_date,
                   qty.ordered AS ordered_qty,
                   qty.delivered AS delivered_qty,
                   moves.reserved AS reserved_qty,
                   GREATEST(ROUND((qty.ordered - qty.delivered - moves.reserved) * 1e6) / 1e6, 0)
                       AS missing_qty,
                   COALESCE(stock.free, 0) AS free_qty,
                   COALESCE(incoming.quantity, 0) AS incoming_qty
              FROM sale_order_line line
              JOIN sale_order sale ON sale.id = line.order_id
              JOIN (%(moves)s) moves ON moves.sale_line_id = line.id
              JOIN product_product product ON product.id = line.product_id
              JOIN product_template template ON template.id = product.product_tmpl_id
              JOIN uom_uom line_uom ON line_uom.id = line.product_uom
              JOIN uom_uom product_uom ON product_uom.id = template.uom_id
             CROSS JOIN LATERAL (
                   SELECT line.product_uom_qty::float8 / line_uom.factor * product_uom.factor
                              AS ordered,
                          line.qty_delivered::float8 / line_uom.factor * product_uom.factor
                              AS delivered
                   ) qty
         LEFT JOIN (%(free)s) stock
                ON stock.product_id = line.product_id
               AND stock.warehouse_id = sale.warehouse_id
         LEFT JOIN (%(incoming)s) incoming
                ON incoming.product_id = line.product_id
               AND incoming.warehouse_id = sale.warehouse_id
             WHERE sale.state = 'sale'
               AND line.display_type IS NULL
            """,
            moves=self._moves_query(),
            free=self._free_query(),
            incoming=self._incoming_query(),
        )

    @api.model
    def _tune_reads(self):
        """Settings of this transaction only (LOCAL): each read of the report joins every
        confirmed order line to its moves; compiling that (JIT) costs more than it saves,
        and its hashes (lines, moves) fit in memory rather than in batches on disk."""
        self.env.cr.execute("SET LOCAL jit = off; SET LOCAL work_mem = '64MB'")

    @api.model
    def _read_group(self, *args, **kwargs):
        self._tune_reads()
        return super()._read_group(*args, **kwargs)

    @api.model
    def search_fetch(self, *args, **kwargs):
        self._tune_reads()
        return super().search_fetch(*args, **kwargs)

    def _moves_query(self):
        """Per order line with moves to the customer: what is reserved for the open ones
        and the earliest date one of them is scheduled. Read in the order of the lines
        from ``stock_move_sale_line_reservation``, with no join to sort or hash."""
        to_customer = SQL("destination.usage = 'customer'")
        return SQL(
            """
            SELECT move.sale_line_id,
                   COALESCE(SUM(move.quantity::float8 * move.product_qty::float8
                                / NULLIF(move.product_uom_qty::float8, 0))
                            FILTER (WHERE move.state IN ('assigned', 'partially_available')
                                      AND %(to_customer)s),
                            0) AS reserved,
                   MIN(move.date) FILTER (WHERE move.state NOT IN ('done', 'cancel')
                                            AND %(to_customer)s) AS expected_date
              FROM stock_move move
              JOIN stock_location destination ON destination.id = move.location_dest_id
             WHERE move.sale_line_id IS NOT NULL
          GROUP BY move.sale_line_id
            HAVING BOOL_OR(%(to_customer)s)
            """,
            to_customer=to_customer,
        )

    def _free_query(self):
        """Per product and warehouse, on hand and not reserved. A location's warehouse is
        the one whose view location it lies under (stock.location.warehouse_id)."""
        return SQL(
            """
            SELECT quant.product_id,
                   location.warehouse_id,
                   SUM(quant.quantity - quant.reserved_quantity) AS free
              FROM stock_quant quant
              JOIN stock_location location ON location.id = quant.location_id
             WHERE location.usage = 'internal' AND location.warehouse_id IS NOT NULL
          GROUP BY quant.product_id, location.warehouse_id
            """
        )

    def _incoming_query(self):
        """Per product and warehouse, what open moves bring into it from outside it: a
        supplier, a customer's return, another warehouse."""
        return SQL(
            """
            SELECT move.product_id,
                   destination.warehouse_id,
                   SUM(move.product_qty) AS quantity
              FROM stock_move move
              JOIN stock_location destination ON destination.id = move.location_dest_id
              JOIN stock_location source ON source.id = move.location_id
             WHERE move.state IN %(states)s
               AND destination.usage = 'internal'
               AND destination.warehouse_id IS NOT NULL
               AND source.warehouse_id IS DISTINCT FROM destination.warehouse_id
          GROUP BY move.product_id, destination.warehouse_id
            """,
            states=OPEN_MOVE_STATES,
        )

    # ------------------------------------------------------------
    # actions
    # ------------------------------------------------------------

    def _check_can_manage_reservations(self):
        if not self.env.user.has_group("stock.group_stock_user"):
            raise AccessError(
                self.env._("Only warehouse staff can reserve or unreserve deliveries.")
            )

    def _open_deliveries(self):
        """The orders' transfers that take goods out of stock and are not done yet."""
        deliveries = self.env["stock.picking"].search(
            [
                ("sale_id", "in", self.order_id.ids),
                ("state", "not in", ("done", "cancel")),
                ("location_id.usage", "=", "internal"),
            ]
        )
        if not deliveries:
            raise UserError(self.env._("These orders have no delivery left to prepare."))
        return deliveries

    def action_reserve(self):
        self._check_can_manage_reservations()
        self._open_deliveries().action_assign()
        return True

    def action_unreserve(self):
        self._check_can_manage_reservations()
        self._open_deliveries().do_unreserve()
        return True
