from collections import Counter
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL, format_amount


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Settlement panel: what the client owes and pays, as of today, company currency.
    receivable_open_amount = fields.Monetary(
        compute="_compute_settlement",
        string="Open receivables",
        currency_field="receivable_currency_id",
    )
    receivable_overdue_amount = fields.Monetary(
        compute="_compute_settlement", string="Overdue", currency_field="receivable_currency_id"
    )
    receivable_max_days_overdue = fields.Integer(
        compute="_compute_settlement", string="Days overdue"
    )
    receivable_open_invoice_count = fields.Integer(
        compute="_compute_settlement", string="Open invoices"
    )
    unpaid_order_count = fields.Integer(compute="_compute_settlement", string="Unpaid orders")
    payment_recent_amount = fields.Monetary(
        compute="_compute_settlement",
        string="Paid in 90 days",
        currency_field="receivable_currency_id",
    )
    receivable_currency_id = fields.Many2one("res.currency", compute="_compute_settlement")
    receivable_overdue_in_words = fields.Char(
        compute="_compute_receivable_overdue_in_words",
        help="The overdue amount in words, in the client's language (debtor notices).",
    )
    debt_notice_date = fields.Date(
        "Last debtor notice",
        copy=False,
        readonly=True,
        groups="sales_team.group_sale_salesman,account.group_account_invoice",
        help="A debtor notice is sent once a day at most.",
    )

    @api.depends_context("company", "uid")
    def _compute_settlement(self):
        """The active company's figures, for the clients whose debts the user may see, from
        one grouped query per source for all partners at once."""
        company = self.env.company
        clients = self.commercial_partner_id._receivables_visible_clients()
        aging = {
            partner: (open_amount, overdue, max_days, count)
            for partner, open_amount, overdue, max_days, count in self.env[
                "receivables.aging.report"
            ]
            .sudo()
            ._read_group(
                [("partner_id", "in", clients.ids), ("company_id", "=", company.id)],
                ["partner_id"],
                [
                    "amount_open:sum",
                    "amount_overdue:sum",
                    "days_overdue:max",
                    "move_id:count_distinct",
                ],
            )
        }
        unpaid = Counter(clients._unpaid_orders().values())
        payments = dict(
            self.env["account.payment"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "in", clients.ids),
                    ("company_id", "=", company.id),
                    ("partner_type", "=", "customer"),
                    ("payment_type", "=", "inbound"),
                    ("state", "in", ("in_process", "paid")),
                    ("date", ">=", fields.Date.context_today(self) - timedelta(days=90)),
                ],
                ["partner_id"],
                ["amount_company_currency_signed:sum"],
            )
        )
        for partner in self:
            client = partner.commercial_partner_id
            open_amount, overdue, max_days, count = aging.get(client, (0.0, 0.0, 0, 0))
            partner.receivable_open_amount = open_amount
            partner.receivable_overdue_amount = overdue
            partner.receivable_max_days_overdue = max_days if overdue > 0 else 0
            partner.receivable_open_invoice_count = count
            partner.unpaid_order_count = unpaid[client.id]
            partner.payment_recent_amount = payments.get(client, 0.0)
            partner.receivable_currency_id = company.currency_id

    def _receivables_visible_clients(self):
        """The clients among ``self`` whose debts the current user may see: all of them for
        accountants and the head of sales, their own clients for a salesperson (the rules
        of the aging), none for anyone without access to the aging."""
        aging = self.env["receivables.aging.report"]
        if not aging.has_access("read"):
            return self.browse()
        if aging._sees_every_client():
            return self
        return self.filtered(lambda client: client.user_id == self.env.user)

    def _unpaid_orders(self):
        """{order id: client id} of the confirmed orders of these clients in the active
        company that their posted invoices have not paid in full.

        An invoice pays each order it bills in proportion: the share of the invoice already
        paid, applied to the amount of its lines that come from the order; credit notes
        count against it."""
        if not self.ids:
            return {}
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env["sale.order"].flush_model(["amount_total", "company_id", "partner_id", "state"])
        self.env["sale.order.line"].flush_model(["invoice_lines", "order_id"])
        self.env["account.move"].flush_model(
            ["amount_residual", "amount_total", "move_type", "state"]
        )
        self.env["account.move.line"].flush_model(["move_id", "price_total"])
        rows = self.env.execute_query(
            SQL(
                """
            WITH orders AS (
                SELECT so.id, so.amount_total, partner.commercial_partner_id AS client_id
                  FROM sale_order so
                  JOIN res_partner partner ON partner.id = so.partner_id
                 WHERE so.state = 'sale'
                   AND so.company_id = %(company)s
                   AND partner.commercial_partner_id = ANY(%(clients)s)
            ), billed AS (
                SELECT DISTINCT sol.order_id, aml.id AS line_id, aml.move_id, aml.price_total
                  FROM sale_order_line sol
                  JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = sol.id
                  JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                 WHERE sol.order_id IN (SELECT id FROM orders)
            ), paid AS (
                SELECT billed.order_id,
                       SUM(billed.price_total
                           * CASE WHEN move.move_type = 'out_refund' THEN -1 ELSE 1 END
                           * (1 - move.amount_residual / move.amount_total)) AS amount
                  FROM billed
                  JOIN account_move move ON move.id = billed.move_id
                 WHERE move.state = 'posted' AND move.amount_total != 0
              GROUP BY billed.order_id
            )
            SELECT orders.id, orders.client_id
              FROM orders
         LEFT JOIN paid ON paid.order_id = orders.id
             WHERE ROUND(orders.amount_total - COALESCE(paid.amount, 0), %(digits)s) > 0
                """,
                company=self.env.company.id,
                clients=self.ids,
                digits=self.env.company.currency_id.decimal_places,
            )
        )
        return dict(rows)

    @api.depends_context("company", "lang")
    def _compute_receivable_overdue_in_words(self):
        for partner in self:
            currency = partner.receivable_currency_id
            partner.receivable_overdue_in_words = currency.with_context(
                lang=partner.lang or self.env.lang
            ).amount_to_text(partner.receivable_overdue_amount)

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_view_open_receivables(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "receivables.action_receivables_aging"
        )
        action.update(
            {
                "domain": [("partner_id", "=", self.commercial_partner_id.id)],
                "view_mode": "list,pivot,graph",
                "views": [(False, "list"), (False, "pivot"), (False, "graph")],
            }
        )
        return action

    def action_view_unpaid_orders(self):
        self.ensure_one()
        client = self.commercial_partner_id._receivables_visible_clients()
        action = self.env["ir.actions.act_window"]._for_xml_id("sale.action_orders")
        action["domain"] = [("id", "in", list(client._unpaid_orders()))]
        action["context"] = {}
        return action

    def action_view_recent_payments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_account_payments")
        action["domain"] = [
            ("partner_id", "=", self.commercial_partner_id.id),
            ("payment_type", "=", "inbound"),
            ("date", ">=", fields.Date.context_today(self) - timedelta(days=90)),
        ]
        action["context"] = {}
        return action

    # ------------------------------------------------------------
    # BUSINESS: credit hold
    # ------------------------------------------------------------

    def _credit_hold_messages(self, company):
        """{client: why it is on credit hold in ``company``} for the clients of these
        partners that are, from one grouped query."""
        if not company.credit_hold_days:
            return {}
        groups = (
            self.env["receivables.aging.report"]
            .sudo()
            .with_company(company)
            ._read_group(
                [
                    ("partner_id", "in", self.commercial_partner_id.ids),
                    ("company_id", "=", company.id),
                    ("days_overdue", ">", company.credit_hold_days),
                ],
                ["partner_id"],
                ["amount_open:sum", "days_overdue:max"],
            )
        )
        currency = company.currency_id
        held = self.browse(
            client.id for client, debt, _max_days in groups
            if currency.compare_amounts(debt, company.credit_hold_amount) > 0
        )  # fmt: skip
        visible = held._receivables_visible_clients()
        return {
            client: client._credit_hold_message(company, debt, max_days, client in visible)
            for client, debt, max_days in groups
            if client in held
        }

    def _credit_hold_message(self, company, debt, max_days, debt_visible):
        """Why the client is held; their debt only to whom may see it (another
        salesperson's client is held all the same, its figures unsaid)."""
        self.ensure_one()
        currency = company.currency_id
        rule = self.env._(
            "Credit hold in %(company)s: more than %(limit)s overdue for more than %(days)s days.",
            company=company.name,
            limit=format_amount(self.env, company.credit_hold_amount, currency),
            days=company.credit_hold_days,
        )
        if not debt_visible:
            return self.env._(
                "%(client)s is overdue past the limit. %(rule)s",
                client=self.display_name,
                rule=rule,
            )
        return self.env._(
            "%(client)s owes %(debt)s overdue, up to %(max_days)s days. %(rule)s",
            client=self.display_name,
            debt=format_amount(self.env, debt, currency),
            max_days=max_days,
            rule=rule,
        )
