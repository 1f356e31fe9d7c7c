from odoo import fields
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
        cls.typical = cls.env.ref("sales_funnel.scenario_typical_sale")
        cls.free_form = cls.env.ref("sales_funnel.scenario_free_sale")
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Active team",
                "user_id": cls.head.id,
                "member_ids": [Command.set((cls.salesperson | cls.salesperson_other).ids)],
                "scenario_id": cls.typical.id,
            }
        )
        cls.head.email = "helen@example.com"
        cls.lost_reason = cls.env["crm.lost.reason"].create({"name": "Too expensive"})
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

    # ------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------

    @classmethod
    def stage(cls, name):
        """The stage of the typical sale (or Odoo's won stage) by its xml id suffix."""
        if name == "won":
            return cls.env.ref("crm.stage_lead4")
        return cls.env.ref(f"sales_funnel.stage_{name}")

    @classmethod
    def _deal_with_history(cls, name, user, visits):
        """A deal of the typical sale whose stage log is ``visits``: (stage, date in, date
        out, outcome, last expected revenue, furthest stage on the closing visit), dates as
        ISO strings in UTC. The funnel reads the log only; the engine's own visit goes."""
        deal = cls.env["crm.lead"].create(
            {
                "name": name,
                "type": "opportunity",
                "partner_id": cls.client.id,
                "user_id": user.id,
                "team_id": cls.team.id,
            }
        )
        log = cls.env["crm.stage.log"].sudo()
        log.search([("lead_id", "=", deal.id)]).unlink()
        for stage, date_in, date_out, outcome, amount, furthest in visits:
            log.create(
                {
                    "lead_id": deal.id,
                    "scenario_id": cls.typical.id,
                    "stage_id": cls.stage(stage).id,
                    "user_id": user.id,
                    "team_id": cls.team.id,
                    "company_id": cls.company.id,
                    "date_in": fields.Datetime.to_datetime(date_in),
                    "date_out": date_out and fields.Datetime.to_datetime(date_out),
                    "outcome": outcome,
                    "expected_revenue": 0.0,
                    "expected_revenue_last": amount,
                    "furthest_stage_id": furthest and cls.stage(furthest).id,
                }
            )
        return deal

    @classmethod
    def _own_typical_sale(cls):
        """Give the team a copy of the typical sale, so that the history a test builds is
        the scenario's whole history, whatever deals the database's demo data played."""
        cls.typical = cls.typical.copy()
        cls.team.scenario_id = cls.typical

    def step(self, scenario, name):
        return scenario._step_for_stage(self.stage(name))

    def _deal(self, name="Deal", user=None, **values):
        user = user or self.salesperson
        return (
            self.env["crm.lead"]
            .with_user(user)
            .create(
                {
                    "name": name,
                    "type": "opportunity",
                    "partner_id": self.client.id,
                    "user_id": user.id,
                    "team_id": self.team.id,
                    **values,
                }
            )
        )

    def _move(self, deal, stage_name, result="Done", user=None, **values):
        """Move through the move dialog, as the deal's owner unless told otherwise."""
        wizard = (
            self.env["crm.lead.stage.move"]
            .with_user(user or deal.user_id)
            .create(
                {
                    "lead_id": deal.id,
                    "step_id": self.step(deal.scenario_id, stage_name).id,
                    "result": result,
                    **values,
                }
            )
        )
        return wizard.action_move()

    def _put_on(self, deal, stage_name):
        """Place a deal on a step as the engine would (test set-up, no rules)."""
        deal.sudo().write({"stage_id": self.stage(stage_name).id})

    def _commit_documents(self):
        """What the end of the request does: flush and run the engine's pre-commit pass."""
        self.env.flush_all()
        self.env.cr.flush()
        self.env.invalidate_all()

    def _lose(self, deal, reason=None, note="<p>They chose a cheaper supplier</p>"):
        """Odoo's Lost dialog, as the deal's owner; the common loss reason unless told."""
        wizard = (
            self.env["crm.lead.lost"]
            .with_user(deal.user_id)
            .create(
                {
                    "lead_ids": deal.ids,
                    "lost_reason_id": (self.lost_reason if reason is None else reason).id,
                    "lost_feedback": note,
                }
            )
        )
        return wizard.action_lost_reason_apply()

    def _activities(self, deal, xmlid):
        activity_type = self.env.ref(xmlid)
        return deal.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)

    def _invoice(self, orders):
        invoice = orders.sudo()._create_invoices()
        invoice.with_user(self.accountant).action_post()
        return invoice

    def _pay(self, invoices, amount=None, user=None):
        """Odoo's own payment wizard, as the accountant (no CRM rights)."""
        values = {"amount": amount} if amount is not None else {}
        wizard = (
            self.env["account.payment.register"]
            .with_user(user or self.accountant)
            .with_context(active_model="account.move", active_ids=invoices.ids)
            .create({**values, "payment_date": fields.Date.today()})
        )
        return wizard._create_payments()

    def _deliver(self, order, user=None):
        """The warehouse validates the order's delivery in full."""
        pickings = order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        for picking in pickings.with_user(user or self.warehouse_user):
            picking.action_assign()
            for move in picking.move_ids:
                move.quantity = move.product_uom_qty
            picking.move_ids.picked = True
            picking.button_validate()

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
