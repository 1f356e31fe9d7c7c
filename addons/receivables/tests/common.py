from datetime import timedelta

from odoo import fields
from odoo.fields import Command
from odoo.tests import TransactionCase

from odoo.addons.mail.tests.common import mail_new_test_user


class ReceivablesCommon(TransactionCase):
    """A salesperson, an accountant, a client and a product invoiced on order."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.salesperson = mail_new_test_user(
            cls.env,
            login="rcv_salesperson",
            name="Sam Seller",
            groups="base.group_user,sales_team.group_sale_salesman",
        )
        cls.accountant = mail_new_test_user(
            cls.env,
            login="rcv_accountant",
            name="Anna Accountant",
            groups="base.group_user,account.group_account_invoice",
        )
        cls.client = cls.env["res.partner"].create(
            {"name": "Debtor Ltd", "user_id": cls.salesperson.id}
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Service hour",
                "type": "service",
                "list_price": 50.0,
                "invoice_policy": "order",
            }
        )
        cls.deal = cls.env["crm.lead"].create(
            {
                "name": "Hours for Debtor Ltd",
                "type": "opportunity",
                "partner_id": cls.client.id,
                "user_id": cls.salesperson.id,
            }
        )

    def _confirmed_order(self, qty):
        order = (
            self.env["sale.order"]
            .with_user(self.salesperson)
            .create(
                {
                    "partner_id": self.client.id,
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
        cls, amount, due, *, partner=None, move_type="out_invoice", currency=None, invoice_date=None
    ):
        """A posted customer invoice (or credit note) without taxes, due on ``due``."""
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": (partner or cls.client).id,
                "invoice_date": invoice_date or due - timedelta(days=30),
                "invoice_date_due": due,
                "currency_id": (currency or cls.env.company.currency_id).id,
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Goods", "quantity": 1, "price_unit": amount, "tax_ids": False}
                    )
                ],
            }
        )
        move.action_post()
        return move

    @classmethod
    def _days_ago(cls, days):
        return fields.Date.context_today(cls.env.user) - timedelta(days=days)
