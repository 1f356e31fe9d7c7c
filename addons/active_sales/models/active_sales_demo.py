import random
from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models


class ActiveSalesDemo(models.AbstractModel):
    """Demo data generator: a year of the client base, so that the status history, the
    financial funnel, the overdue clients and the contact frequency tell a story."""

    _name = "active_sales.demo"
    _description = "Client base demo data"

    @api.model
    def _play_client_base(self, farmer_xmlid, older_sales, seed=13):
        """Older sales for some clients (``older_sales``: client xml id -> days ago), the
        statuses decided at each month's end of the past year as the nightly job would
        have, the salespeople holding their clients for a few months, regular clients
        given a farmer, and the calls and meetings of the last two months."""
        rng = random.Random(seed)
        for client_xmlid, days in older_sales.items():
            self._post_sale(self.env.ref(client_xmlid), days)
        clients = self.env["res.partner"].search(
            [("parent_id", "=", False), ("is_company", "=", True), ("user_id", "!=", False)]
        )
        self._replay_statuses(clients)
        self._hold_clients(clients, rng)
        farmer = self.env.ref(farmer_xmlid)
        clients.filtered(lambda client: client.client_status == "regular").sudo().farmer_id = farmer
        self._contacts(clients, rng)

    def _post_sale(self, client, days):
        product = self.env.ref("sales_funnel.product_demo_drill")
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": client.id,
                "invoice_date": fields.Date.today() - timedelta(days=days),
                "invoice_line_ids": [(0, 0, {"product_id": product.id, "quantity": 5})],
            }
        )
        invoice.action_post()

    def _replay_statuses(self, clients):
        """Each month's end of the past year, then today: the history the nightly job
        would have written had the client base started a year ago (what the invoices of
        the demo decided today is forgotten first)."""
        self.env["res.partner.status.log"].sudo().search(
            [("partner_id", "in", clients.ids)]
        ).unlink()
        clients.sudo().write(
            {"client_status": "potential", "client_status_date": False, "hunter_id": False}
        )
        today = fields.Date.today()
        for months in range(12, 0, -1):
            month_end = (today - relativedelta(months=months)) + relativedelta(day=31)
            clients._recompute_client_status(month_end)
        clients._recompute_client_status(today)

    def _hold_clients(self, clients, rng):
        """Salespeople got their clients one to five months ago; one potential client has
        waited too long."""
        today = fields.Date.today()
        for client in clients:
            client.sudo().salesperson_since = today - timedelta(days=rng.randint(20, 150))
        waiting = clients.filtered(lambda client: client.client_status == "potential")[:1]
        waiting.sudo().salesperson_since = today - timedelta(days=120)

    def _contacts(self, clients, rng):
        """A call done with half of the clients, some of them last month; a meeting with a
        few, this month and last."""
        call = self.env.ref("mail.mail_activity_data_call")
        for client in clients.filtered(lambda _client: rng.random() < 0.5):
            activity = client.activity_schedule(activity_type_id=call.id, user_id=client.user_id.id)
            activity.action_feedback(feedback=self.env._("Discussed the next order"))
            if rng.random() < 0.5:
                message = client.message_ids.filtered("mail_activity_type_id")[:1]
                message.sudo().date = fields.Datetime.now() - timedelta(days=rng.randint(31, 55))
        for client in clients.filtered(lambda _client: rng.random() < 0.4):
            start = datetime.combine(
                fields.Date.today() - timedelta(days=rng.randint(1, 50)), time(10)
            )
            self.env["calendar.event"].create(
                {
                    "name": self.env._("Meeting with %s", client.name),
                    "start": start,
                    "stop": start + timedelta(minutes=rng.choice((30, 60, 90))),
                    "user_id": client.user_id.id,
                    "partner_ids": [(6, 0, (client | client.user_id.partner_id).ids)],
                }
            )
