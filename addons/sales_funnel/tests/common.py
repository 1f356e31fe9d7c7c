from odoo.fields import Command
from odoo.tests import TransactionCase

from odoo.addons.mail.tests.common import mail_new_test_user


class SalesFunnelCommon(TransactionCase):
    """Users for the four roles of the product, a client, a stocked product and a deal."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.salesperson = mail_new_test_user(
            cls.env,
            login="as_salesperson",
            name="Sally Salesperson",
            email="sally@example.com",
            groups="base.group_user,sales_funnel.group_active_sales_salesperson",
        )
        cls.salesperson_other = mail_new_test_user(
            cls.env,
            login="as_salesperson_other",
            name="Oscar Other",
            email="oscar@example.com",
            groups="base.group_user,sales_funnel.group_active_sales_salesperson",
        )
        cls.head = mail_new_test_user(
            cls.env,
            login="as_head",
            name="Helen Head",
            email="helen@example.com",
            groups="base.group_user,sales_funnel.group_active_sales_head",
        )
        cls.accountant = mail_new_test_user(
            cls.env,
            login="as_accountant",
            name="Andrew Accountant",
            email="andrew@example.com",
            groups="base.group_user,account.group_account_invoice",
        )
        cls.warehouse_user = mail_new_test_user(
            cls.env,
            login="as_warehouse",
            name="Walter Warehouse",
            email="walter@example.com",
            groups="base.group_user,stock.group_stock_user",
        )
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Active team",
                "user_id": cls.head.id,
                "member_ids": [Command.set((cls.salesperson | cls.salesperson_other).ids)],
            }
        )
        cls.client = cls.env["res.partner"].create(
            {"name": "Client Ltd", "email": "client@example.com", "user_id": cls.salesperson.id}
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Drill",
                "type": "consu",
                "is_storable": True,
                "list_price": 100.0,
                "invoice_policy": "order",
            }
        )
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.env["stock.quant"]._update_available_quantity(
            cls.product, cls.warehouse.lot_stock_id, 5.0
        )
        cls.deal = cls.env["crm.lead"].create(
            {
                "name": "Drills for Client Ltd",
                "type": "opportunity",
                "partner_id": cls.client.id,
                "user_id": cls.salesperson.id,
                "team_id": cls.team.id,
            }
        )

    def _quotation_for(self, deal, qty=1.0, user=None):
        """A quotation made from the deal the way the deal's "New quotation" button does."""
        return (
            self.env["sale.order"]
            .with_user(user or deal.user_id)
            .create(
                {
                    "partner_id": deal.partner_id.id,
                    "opportunity_id": deal.id,
                    "team_id": deal.team_id.id,
                    "order_line": [
                        Command.create({"product_id": self.product.id, "product_uom_qty": qty})
                    ],
                }
            )
        )
