from datetime import timedelta

from odoo import fields
from odoo.fields import Command

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.mail.tests.common import mail_new_test_user


class ReceivablesCommon(AccountTestInvoicingCommon):
    """Odoo's invoicing fixtures (a company with its chart of accounts), a salesperson, an
    accountant, the client of the salesperson and a product invoiced on order."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = cls._new_user(
            "rcv_salesperson", "Sam Seller", "sales_team.group_sale_salesman"
        )
        cls.accountant = cls._new_user(
            "rcv_accountant", "Anna Accountant", "account.group_account_invoice"
        )
        cls.client = cls.env["res.partner"].create(
            {"name": "Debtor Ltd", "user_id": cls.salesperson.id}
        )
        cls.product = cls._create_product(
            name="Service hour",
            type="service",
            list_price=50.0,
            invoice_policy="order",
            taxes_id=[Command.clear()],
        )
        cls.deal = cls.env["crm.lead"].create(
            {
                "name": "Hours for Debtor Ltd",
                "type": "opportunity",
                "partner_id": cls.client.id,
                "user_id": cls.salesperson.id,
            }
        )

    @classmethod
    def _new_user(cls, login, name, groups, company=None):
        company = company or cls.env.company
        return mail_new_test_user(
            cls.env,
            login=login,
            name=name,
            groups=f"base.group_user,{groups}" if groups else "base.group_user",
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )

    def _confirmed_order(self, qty, partner=None):
        order = (
            self.env["sale.order"]
            .with_user(self.salesperson)
            .create(
                {
                    "partner_id": (partner or self.client).id,
                    "opportunity_id": self.deal.id,
                    "order_line": [
                        Command.create(
                            {"product_id": self.product.id, "product_uom_qty": qty, "tax_id": False}
                        )
                    ],
                }
            )
        )
        order.action_confirm()
        return order

    @classmethod
    def _invoice(
        cls,
        amount,
        due,
        *,
        partner=None,
        move_type="out_invoice",
        currency=None,
        invoice_date=None,
        company=None,
    ):
        """A posted customer invoice (or credit note) without taxes, due on ``due``."""
        move = cls.init_invoice(
            move_type,
            partner=partner or cls.client,
            invoice_date=invoice_date or due - timedelta(days=30),
            amounts=[amount],
            taxes=[],
            currency=currency,
            company=company,
        )
        move.invoice_date_due = due
        move.action_post()
        return move

    @classmethod
    def _pay(cls, invoice, amount, day=None):
        """Odoo's payment wizard registers ``amount`` on ``invoice`` (on ``day``)."""
        values = {"amount": amount}
        if day:
            values["payment_date"] = day
        return (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(values)
            ._create_payments()
        )

    @classmethod
    def _days_ago(cls, days):
        return fields.Date.context_today(cls.env.user) - timedelta(days=days)
