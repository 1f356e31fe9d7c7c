from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import format_amount


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
        help="A debtor notice is sent once a day at most.",
    )

    @api.depends_context("company")
    def _compute_settlement(self):
        """Every figure comes from one grouped query per source, for all partners at once."""
        commercial = self.commercial_partner_id
        aging = {
            partner: (open_amount, overdue, max_days, count)
            for partner, open_amount, overdue, max_days, count in self.env[
                "receivables.aging.report"
            ]
            .sudo()
            ._read_group(
                [("partner_id", "in", commercial.ids)],
                ["partner_id"],
                [
                    "amount_open:sum",
                    "amount_overdue:sum",
                    "days_overdue:max",
                    "move_id:count_distinct",
                ],
            )
        }
        unpaid_by_partner = (
            self.env["sale.order"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "child_of", commercial.ids),
                    ("state", "=", "sale"),
                    ("invoice_status", "!=", "invoiced"),
                ],
                ["partner_id"],
                ["__count"],
            )
        )
        # Orders may be on a contact of the client: count them on the client, in one pass.
        unpaid = defaultdict(int)
        for order_partner, number in unpaid_by_partner:
            unpaid[order_partner.commercial_partner_id] += number
        payments = dict(
            self.env["account.payment"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "in", commercial.ids),
                    ("partner_type", "=", "customer"),
                    ("payment_type", "=", "inbound"),
                    ("state", "in", ("in_process", "paid")),
                    ("date", ">=", fields.Date.context_today(self) - timedelta(days=90)),
                ],
                ["partner_id"],
                ["amount_company_currency_signed:sum"],
            )
        )
        currency = self.env.company.currency_id
        for partner in self:
            client = partner.commercial_partner_id
            open_amount, overdue, max_days, count = aging.get(client, (0.0, 0.0, 0, 0))
            partner.receivable_open_amount = open_amount
            partner.receivable_overdue_amount = overdue
            partner.receivable_max_days_overdue = max_days if overdue > 0 else 0
            partner.receivable_open_invoice_count = count
            partner.unpaid_order_count = unpaid[client]
            partner.payment_recent_amount = payments.get(client, 0.0)
            partner.receivable_currency_id = currency

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
        action = self.env["ir.actions.act_window"]._for_xml_id("sale.action_orders")
        action["domain"] = [
            ("partner_id", "child_of", self.commercial_partner_id.id),
            ("state", "=", "sale"),
            ("invoice_status", "!=", "invoiced"),
        ]
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

    def _credit_hold_message(self):
        """Why this client is on credit hold in the current company, or False."""
        self.ensure_one()
        company = self.env.company
        if not company.credit_hold_days:
            return False
        client = self.commercial_partner_id
        groups = (
            self.env["receivables.aging.report"]
            .sudo()
            ._read_group(
                [("partner_id", "=", client.id), ("days_overdue", ">", company.credit_hold_days)],
                [],
                ["amount_open:sum", "days_overdue:max"],
            )
        )
        debt, max_days = groups[0] if groups else (0.0, 0)
        if not debt or company.currency_id.compare_amounts(debt, company.credit_hold_amount) <= 0:
            return False
        return self.env._(
            "%(client)s owes %(debt)s overdue by more than %(days)s days (up to %(max_days)s days). "
            "The credit hold limit is %(limit)s.",
            client=client.display_name,
            debt=format_amount(self.env, debt, company.currency_id),
            days=company.credit_hold_days,
            max_days=max_days,
            limit=format_amount(self.env, company.credit_hold_amount, company.currency_id),
        )
