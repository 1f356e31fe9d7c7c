from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.mail.tests.common import mail_new_test_user


class ClientBaseCommon(AccountTestInvoicingCommon):
    """Clients, their invoices and credit notes, a salesperson and warehouse staff."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env["res.partner"])
        cls.salesperson = mail_new_test_user(
            cls.env, login="status_salesperson", name="Sally Status",
            groups="base.group_user,sales_funnel.group_active_sales_salesperson",
        )  # fmt: skip
        cls.warehouse_user = mail_new_test_user(
            cls.env, login="status_warehouse", name="Walter Status",
            groups="base.group_user,stock.group_stock_user",
        )  # fmt: skip

    def _client(self, name="Client", **values):
        """A client of the company (its thresholds decide their status)."""
        return self.env["res.partner"].create(
            {"name": name, "is_company": True, "company_id": self.env.company.id, **values}
        )

    def _sale(self, client, days_ago, amount=1000.0, post=True):
        return self.init_invoice(
            "out_invoice", client, self.today - timedelta(days=days_ago), post=post,
            amounts=[amount],
        )  # fmt: skip

    def _credit(self, invoice, amount=None):
        """A posted credit note reversing ``invoice`` in full, or for ``amount``."""
        wizard = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "date": invoice.invoice_date})
        )
        credit = self.env["account.move"].browse(wizard.refund_moves()["res_id"])
        if amount is not None:
            credit.invoice_line_ids.price_unit = amount
        credit.action_post()
        return credit

    def _statuses(self, clients):
        clients.recompute_client_status()
        return clients.mapped("client_status")


@tagged("post_install", "-at_install")
class TestClientStatus(ClientBaseCommon):
    """Statuses decided from posted invoices net of their credit notes, with the company's
    90 days as new and 180 days without a sale."""

    def test_never_bought_is_potential(self):
        client = self._client()
        self._sale(client, 5, post=False)
        self.assertEqual(self._statuses(client), ["potential"])
        self.assertFalse(client.client_status_log_ids, "no change, nothing logged")

    def test_new_through_the_ninetieth_day_after_the_first_sale(self):
        clients = self._client("Day 89") | self._client("Day 90") | self._client("Day 91")
        for client, days in zip(clients, (89, 90, 91), strict=True):
            self._sale(client, days)
        self.assertEqual(self._statuses(clients), ["new", "new", "regular"])

    def test_lost_after_the_hundred_and_eightieth_day_without_a_sale(self):
        clients = self._client("Day 179") | self._client("Day 180") | self._client("Day 181")
        for client, days in zip(clients, (179, 180, 181), strict=True):
            self._sale(client, 400)
            self._sale(client, days)
        self.assertEqual(self._statuses(clients), ["regular", "regular", "lost"])
        self.assertEqual(clients[2].client_last_sale_date, self.today - timedelta(days=181))

    def test_the_company_days_decide(self):
        self.env.company.write({"active_sales_new_days": 10, "active_sales_lost_days": 20})
        clients = self._client("Day 10") | self._client("Day 11") | self._client("Day 21")
        for client, days in zip(clients, (10, 11, 21), strict=True):
            self._sale(client, days)
        self.assertEqual(self._statuses(clients), ["new", "regular", "lost"])
        with self.assertRaises(ValidationError):
            self.env.company.active_sales_new_days = 0

    def test_a_shared_client_follows_the_main_company_another_its_own(self):
        partners = self.env["res.partner"]
        main_company = partners._shared_clients_company()
        self.assertNotEqual(main_company, self.env.company)
        main_company.write({"active_sales_new_days": 10, "active_sales_lost_days": 20})
        shared = self._client("Shared", company_id=False)
        own = self._client("Own")
        self._sale(shared, 11)
        self._sale(own, 11)
        self.assertEqual(self._statuses(shared | own), ["regular", "new"])
        (shared | own).sudo().write({"client_status": "potential"})  # to decide anew
        partners._cron_recompute_client_status()
        self.assertEqual((shared | own).mapped("client_status"), ["regular", "new"])

    def test_posting_decides_and_a_credit_note_takes_the_sale_back(self):
        client = self._client()
        invoice = self._sale(client, 0)
        self.assertEqual(client.client_status, "new", "decided when the invoice is posted")
        self._credit(invoice)
        self.assertEqual(client.client_status, "potential", "a fully credited sale is no sale")
        self.assertEqual(
            [(log.old_status, log.new_status, log.reason) for log in client.client_status_log_ids],
            [("new", "potential", "sales_cancelled"), ("potential", "new", "first_sale")],
        )
        self.assertEqual(client.client_status_date, self.today)

    def test_a_partial_credit_note_leaves_the_sale(self):
        client = self._client()
        self._credit(self._sale(client, 3), amount=400.0)
        self.assertEqual(client.client_status, "new")

    def test_reset_to_draft_takes_the_sale_back(self):
        client = self._client()
        invoice = self._sale(client, 0)
        invoice.button_draft()
        self.assertEqual(client.client_status, "potential")

    def test_time_alone_moves_new_to_regular_and_regular_to_lost(self):
        client = self._client()
        self._sale(client, 0)
        later = self.today + timedelta(days=91)
        client._recompute_client_status(later)
        client._recompute_client_status(later + timedelta(days=181))
        self.assertEqual(
            [(log.date, log.new_status, log.reason) for log in client.client_status_log_ids],
            [
                (later + timedelta(days=181), "lost", "no_sale"),
                (later, "regular", "new_period_over"),
                (self.today, "new", "first_sale"),
            ],
        )
        self._sale(client, 0)  # decided when posted, today again
        self.assertEqual(client.client_status_log_ids.sorted("id")[-1].reason, "sale_again")

    def test_contacts_share_their_clients_status(self):
        client = self._client()
        contact = self.env["res.partner"].create({"name": "Buyer", "parent_id": client.id})
        self._sale(contact, 200)
        self.assertEqual((client.client_status, contact.client_status), ("lost", "lost"))
        self.assertEqual(len(client.client_status_log_ids), 1)
        self.assertFalse(contact.client_status_log_ids, "the client's history, not each contact's")
        newcomer = self.env["res.partner"].create({"name": "New buyer", "parent_id": client.id})
        self.assertEqual(newcomer.client_status, "lost")
        # Their salesperson adds one too (the client's revenue is not theirs to read).
        client.user_id = self.salesperson
        added = (
            self.env["res.partner"]
            .with_user(self.salesperson)
            .create({"name": "Added by the salesperson", "parent_id": client.id})
        )
        self.assertEqual(added.client_status, "lost")

    def test_nobody_sets_a_status_by_hand(self):
        client = self._client(user_id=self.salesperson.id)
        for user in (self.salesperson, self.env.ref("base.user_admin")):
            with self.subTest(user=user.login), self.assertRaises(UserError):
                client.with_user(user).write({"client_status": "regular"})
        with self.assertRaises(UserError):
            self.env["res.partner"].with_user(self.salesperson).create(
                {"name": "Imported", "client_status": "regular"}
            )
        with self.assertRaises(UserError):
            client.with_user(self.salesperson).client_last_sale_date = self.today
        self.assertEqual(client.client_status, "potential")

    def test_merging_clients_decides_the_merged_status(self):
        bought, never = self._client("Bought"), self._client("Never")
        self._sale(bought, 300)
        self.assertEqual(bought.client_status, "lost")
        wizard = self.env["base.partner.merge.automatic.wizard"].create({})
        wizard._merge((bought | never).ids, never)
        self.assertEqual(never.client_status, "lost", "the merged client has Bought's sale")
        self.assertEqual(never.client_last_sale_date, self.today - timedelta(days=300))

    def test_the_nightly_job_and_its_set_based_statement(self):
        clients = self.env["res.partner"].concat(
            *(self._client(f"Client {index}") for index in range(3))
        )
        for client in clients:
            self._sale(client, 60)
        credited, partly_credited = self._client("Credited"), self._client("Partly credited")
        self._credit(self._sale(credited, 60))
        self._credit(self._sale(partly_credited, 60), amount=400.0)
        self.assertEqual(clients.mapped("client_status"), ["new"] * 3)
        # Days pass (here: the company shortens its days as new); the job catches up.
        self.env.company.active_sales_new_days = 30
        self.env["res.partner"]._cron_recompute_client_status()
        self.assertEqual(clients.mapped("client_status"), ["regular"] * 3)
        self.assertEqual(credited.client_status, "potential", "the job nets credit notes too")
        self.assertEqual(partly_credited.client_status, "regular")
        many = self.env["res.partner"].with_context(active_test=False).search([])
        clients[:1]._recompute_client_status()  # warm-up
        with self.assertQueryCount(1):
            clients[:1]._recompute_client_status()
        with self.assertQueryCount(1):
            many._recompute_client_status()

    def test_who_reads_the_status_history(self):
        mine = self._client("Mine", user_id=self.salesperson.id)
        other = self._client("Other's", user_id=self.env.ref("base.user_admin").id)
        self._sale(mine, 1)
        self._sale(other, 1)
        logs = self.env["res.partner.status.log"]
        self.assertEqual(
            logs.with_user(self.salesperson)
            .search([("partner_id", "in", (mine | other).ids)])
            .partner_id,
            mine,
            "a salesperson reads their own clients' history",
        )  # fmt: skip
        for role in ("sales_funnel.group_active_sales_head", "account.group_account_invoice"):
            reader = mail_new_test_user(
                self.env, login=role, name=role, groups=f"base.group_user,{role}"
            )
            self.assertEqual(
                logs.with_user(reader)
                .search([("partner_id", "in", (mine | other).ids)])
                .partner_id,
                mine | other,
                f"{role} reads every client's history",
            )
        with self.assertRaises(AccessError):
            logs.with_user(self.warehouse_user).search([])


@tagged("post_install", "-at_install")
class TestAbcClass(ClientBaseCommon):
    """Clients ranked by their last twelve months' revenue: 80% A, 15% B, the rest C."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.setup_other_company()["company"]

    def _client(self, name="Client", **values):
        # The clients of a company of their own: they make its whole ranking.
        return super()._client(name, company_id=self.other_company.id, **values)

    def _sale(self, client, days_ago, amount=1000.0, post=True):
        return self.init_invoice(
            "out_invoice", client, self.today - timedelta(days=days_ago), post=post,
            amounts=[amount], company=self.other_company,
        )  # fmt: skip

    def _rank(self):
        self.env["res.partner"].with_company(self.other_company)._decide_company_clients()

    def _ranked(self, revenues):
        """Clients with these revenues this year (one invoice each), ranked; their classes."""
        clients = self.env["res.partner"].concat(
            *(self._client(f"Revenue {amount}") for amount in revenues)
        )
        for client, amount in zip(clients, revenues, strict=True):
            self._sale(client, 30, amount=amount)
        self._rank()
        return clients.mapped("abc_class")

    def test_eighty_fifteen_five(self):
        # 50 and 30 bring the first 80%; 10 and 5 the next 15%; the last 5 the rest.
        self.assertEqual(self._ranked([50, 30, 10, 5, 5]), ["a", "a", "b", "b", "c"])

    def test_the_client_crossing_the_share_is_in_it(self):
        self.assertEqual(self._ranked([70, 20, 10]), ["a", "a", "b"])

    def test_the_company_shares_decide(self):
        self.other_company.write({"active_sales_abc_a_share": 50, "active_sales_abc_b_share": 30})
        # 50 reaches the A share, 30 the A and B shares: the rest is C.
        self.assertEqual(self._ranked([50, 30, 10, 5, 5]), ["a", "b", "c", "c", "c"])
        with self.assertRaises(ValidationError):
            self.other_company.active_sales_abc_b_share = 60

    def test_credit_notes_old_sales_and_potential_clients(self):
        self.assertEqual(self._ranked([90, 8, 2]), ["a", "b", "c"])
        big, medium, small = self.env["res.partner"].search(
            [("name", "in", ("Revenue 90", "Revenue 8", "Revenue 2"))], order="id"
        )
        self._credit(big.invoice_ids, amount=85.0)
        old = self._client("Bought long ago")
        self._sale(old, 400)
        never = self._client("Never bought")
        self._rank()
        # 8 first, then 90 - 85 = 5 (13 of 15, under the 80% share when it starts), then 2.
        self.assertEqual([medium.abc_class, big.abc_class, small.abc_class], ["a", "a", "b"])
        self.assertEqual(big.abc_revenue, 5.0)
        self.assertEqual((old.abc_class, never.abc_class), ("c", False))

    def test_nobody_sets_a_class_by_hand(self):
        client = self._client()
        with self.assertRaises(UserError):
            client.with_user(self.env.ref("base.user_admin")).abc_class = "a"


@tagged("post_install", "-at_install")
class TestContactNorm(ClientBaseCommon):
    """Each client is contacted every N days (7 for A, 14 for B, 30 for C and the others);
    doing an activity plans the next; a client with nothing planned or past its norm is
    abandoned."""

    def _abandoned(self, clients):
        clients.invalidate_recordset(["is_abandoned"])
        found = self.env["res.partner"].search(
            [("id", "in", clients.ids), ("is_abandoned", "=", True)]
        )
        self.assertEqual(found, clients.filtered("is_abandoned"), "search and field agree")
        return clients.mapped("is_abandoned")

    def test_norm_by_class_or_own(self):
        client = self._client(user_id=self.salesperson.id, company_id=self.env.company.id)
        self.assertEqual(client.contact_interval_days, 30, "no class yet: the others' norm")
        self._sale(client, 10)
        self.env["res.partner"]._decide_company_clients()
        self.assertEqual(client.abc_class, "a")
        client.invalidate_recordset(["contact_interval_days"])
        self.assertEqual(client.contact_interval_days, 7)
        client.contact_norm_days = 3
        self.assertEqual(client.contact_interval_days, 3)

    def test_done_activity_plans_the_next_per_the_norm(self):
        client = self._client(user_id=self.salesperson.id)
        activity = client.activity_schedule(
            "mail.mail_activity_data_call", user_id=self.salesperson.id
        )
        activity.with_user(self.salesperson).action_feedback(feedback="Talked")
        self.assertEqual(client.last_contact_date, self.today)
        [planned] = client.activity_ids
        self.assertEqual(planned.date_deadline, self.today + timedelta(days=30))
        self.assertEqual(planned.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        self.assertEqual(planned.user_id, self.salesperson)

    def test_an_activity_on_a_deal_is_a_contact_too(self):
        client = self._client(user_id=self.salesperson.id)
        deal = self.env["crm.lead"].create(
            {"name": "Drills", "partner_id": client.id, "user_id": self.salesperson.id}
        )
        deal.activity_schedule("mail.mail_activity_data_call", user_id=self.salesperson.id)
        deal.activity_ids.action_feedback(feedback="Talked")
        self.assertEqual(client.last_contact_date, self.today)
        self.assertTrue(client.activity_ids, "the next contact with the client is planned")

    def test_abandoned_clients(self):
        create_date = fields.Datetime.now() - timedelta(days=40)
        planned, nothing_planned, past_norm, no_salesperson = (
            self._client("Planned", user_id=self.salesperson.id),
            self._client("Nothing planned", user_id=self.salesperson.id),
            self._client("Past its norm", user_id=self.salesperson.id),
            self._client("Nobody's"),
        )
        for client in (planned, past_norm):
            client.activity_schedule("mail.mail_activity_data_call", user_id=self.salesperson.id)
        # Created 40 days ago, never contacted: past the others' 30 days.
        self.env.cr.execute(
            "UPDATE res_partner SET create_date = %s WHERE id = %s", [create_date, past_norm.id]
        )
        self.assertEqual(
            self._abandoned(planned | nothing_planned | past_norm | no_salesperson),
            [False, True, True, False],
        )
        past_norm.contact_norm_days = 60
        self.assertEqual(self._abandoned(past_norm), [False], "its own norm is 60 days")

    def test_rpc_callers_decide_as_of_today_only(self):
        client = self._client(user_id=self.salesperson.id)
        self._sale(client, 0)
        with self.assertRaises(TypeError, msg="no date from the caller"):
            client.with_user(self.salesperson).recompute_client_status("2030-01-01")
        employee = mail_new_test_user(self.env, login="plain_employee", groups="base.group_portal")
        with self.assertRaises(AccessError):
            client.with_user(employee).recompute_client_status()
        self.assertEqual(client.client_status, "new")
        with self.assertRaises(ValidationError):
            client.contact_norm_days = -1
