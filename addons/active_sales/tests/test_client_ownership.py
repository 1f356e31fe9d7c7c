from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .test_client_status import ClientBaseCommon


class ClientOwnershipCommon(ClientBaseCommon):
    """A hunter (the salesperson of the common), a farmer and their head of sales; the
    company lets a potential client stay 90 days with a salesperson and a new one 60 days
    with the hunter."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.hunter = cls.salesperson
        cls.farmer = mail_new_test_user(
            cls.env, login="owner_farmer", name="Fred Farmer",
            groups="base.group_user,sales_funnel.group_active_sales_salesperson",
        )  # fmt: skip
        cls.head = mail_new_test_user(
            cls.env, login="owner_head", name="Helen Head",
            groups="base.group_user,sales_funnel.group_active_sales_head",
        )  # fmt: skip
        cls.call_centre = cls.env["crm.team"].create({"name": "Call centre"})
        cls.env.company.write(
            {"active_sales_max_potential_days": 90, "active_sales_max_new_days": 60}
        )

    def _held_since(self, client, days_ago):
        client.sudo().salesperson_since = self.today - timedelta(days=days_ago)

    def _buyer(self, name, first_sale_days_ago, status_days_ago):
        """A client the hunter found, who bought ``first_sale_days_ago`` and got their
        current status ``status_days_ago``; Fred farms them."""
        client = self._client(name, user_id=self.hunter.id, farmer_id=self.farmer.id)
        self._sale(client, first_sale_days_ago)
        client.sudo().client_status_date = self.today - timedelta(days=status_days_ago)
        return client

    def _last_move(self, client):
        return client.client_assignment_log_ids.sorted("id")[-1:]

    def _review(self, clients=None):
        wizard = self.env["active.sales.client.handover"].with_user(self.head)
        if clients is not None:
            wizard = wizard.with_context(active_model="res.partner", active_ids=clients.ids)
        return wizard.create({})

    def _line(self, review, client):
        return review.line_ids.filtered(lambda line: line.partner_id == client)


@tagged("post_install", "-at_install")
class TestClientOwners(ClientOwnershipCommon):
    def test_the_salesperson_at_the_first_sale_is_the_hunter(self):
        client = self._client(user_id=self.hunter.id)
        client.recompute_client_status()
        self.assertFalse(client.hunter_id, "a potential client has no hunter yet")
        self._sale(client, 3)
        client.recompute_client_status()
        self.assertEqual(client.hunter_id, self.hunter)

        decided = self._client("Hunted by the head's choice", user_id=self.hunter.id)
        decided.with_user(self.head).hunter_id = self.farmer
        self._sale(decided, 3)
        decided.recompute_client_status()
        self.assertEqual(decided.hunter_id, self.farmer, "the head's decision stands")

    def test_only_the_head_decides_hunter_farmer_and_team(self):
        client = self._client(user_id=self.hunter.id)
        for values in ({"hunter_id": self.hunter.id}, {"farmer_id": self.hunter.id},
                       {"client_team_id": self.call_centre.id}):  # fmt: skip
            with self.assertRaises(UserError):
                client.with_user(self.hunter).write(values)
        with self.assertRaises(UserError):
            self.env["res.partner"].with_user(self.hunter).create(
                {"name": "Own farmer", "farmer_id": self.hunter.id}
            )
        with self.assertRaises(UserError):
            client.with_user(self.hunter).write({"salesperson_since": self.today})
        client.with_user(self.head).write({"farmer_id": self.farmer.id})
        self.assertEqual(client.farmer_id, self.farmer)

    def test_a_context_flag_is_no_way_round(self):
        client = self._client(user_id=self.hunter.id)
        forged = client.with_user(self.hunter).with_context(client_status_merge=True)
        with self.assertRaises(UserError):
            forged.write({"farmer_id": self.hunter.id})
        with self.assertRaises(UserError):
            forged.write({"client_status": "regular"})

    def test_only_the_head_moves_a_client(self):
        theirs = self._client("Theirs", user_id=self.farmer.id)
        mine = self._client("Mine", user_id=self.hunter.id)
        free = self._client("Nobody's")
        for client, values in ((theirs, {"user_id": self.hunter.id}),
                               (mine, {"user_id": self.farmer.id}),
                               (mine, {"user_id": False}),
                               (mine, {"active": False}),
                               (free, {"user_id": self.farmer.id})):  # fmt: skip
            with self.subTest(client=client.name, values=values), self.assertRaises(UserError):
                client.with_user(self.hunter).write(values)
        mine_too = self._client("Mine too", user_id=self.hunter.id)
        for values in ({"parent_id": mine_too.id}, {"company_id": False}):
            with self.subTest(values=values), self.assertRaises(UserError):
                theirs.with_user(self.hunter).write(values)
        mine.with_user(self.hunter).write({"company_id": False})  # their own: theirs to decide
        free.with_user(self.hunter).user_id = self.hunter
        self.assertEqual(self._last_move(free).new_user_id, self.hunter, "taken, and logged")
        theirs.with_user(self.head).user_id = self.hunter
        self.assertEqual(theirs.user_id, self.hunter)

    def test_the_head_s_owner_decisions_are_in_the_chatter(self):
        client = self._client(user_id=self.hunter.id).with_context(
            tracking_disable=False, mail_notrack=False
        )
        self.env.cr.precommit.run()  # the creation's own message, as on its commit
        client.with_user(self.head).write(
            {"hunter_id": self.hunter.id, "farmer_id": self.farmer.id}
        )
        self.env.flush_all()
        self.env.cr.precommit.run()
        tracked = client.message_ids.sudo().tracking_value_ids.field_id.mapped("name")
        self.assertIn("hunter_id", tracked)
        self.assertIn("farmer_id", tracked)

    def test_the_client_s_revenue_is_for_the_head_and_accounting(self):
        client = self._client(user_id=self.hunter.id)
        client.with_user(self.head).read(["abc_revenue"])
        for user in (self.hunter, self.warehouse_user):
            with self.subTest(user=user.name), self.assertRaises(AccessError):
                client.with_user(user).read(["abc_revenue"])
            with self.subTest(user=user.name), self.assertRaises(AccessError):
                self.env["res.partner"].with_user(user).read_group(
                    [], ["abc_revenue:sum"], ["user_id"]
                )

    def test_a_merge_by_someone_else_keeps_the_owners(self):
        merger = mail_new_test_user(
            self.env, login="owner_merger", name="Martin Merger",
            groups="base.group_user,base.group_erp_manager,base.group_partner_manager,"
            "account.group_account_invoice",
        )  # fmt: skip
        kept = self._client("Kept")
        merged = self._client("Merged", user_id=self.hunter.id, farmer_id=self.farmer.id)
        wizard = self.env["base.partner.merge.automatic.wizard"].with_user(merger).create({})
        # Merging another salesperson's client away is taking it: the head's decision.
        with self.assertRaises(UserError):
            wizard._merge((kept | merged).ids, kept.with_user(merger))
        self.assertTrue(merged.exists())
        self._grant_contact_creation(self.head)
        wizard = self.env["base.partner.merge.automatic.wizard"].with_user(self.head).create({})
        wizard._merge((kept | merged).ids, kept.with_user(self.head))
        self.assertFalse(merged.exists())
        self.assertEqual(kept.farmer_id, self.farmer, "the head's merge keeps who farms it")

    def _grant_contact_creation(self, *users):
        """Odoo gives new internal users "Contact Creation" by default; these test users
        were made without it."""
        group = self.env.ref("base.group_partner_manager")
        for user in users:
            user.groups_id = [Command.link(group.id)]

    def test_only_the_head_deletes_a_held_client(self):
        self._grant_contact_creation(self.hunter, self.farmer, self.warehouse_user, self.head)
        held = self._client("Held", user_id=self.farmer.id)
        free = self._client("Nobody's")
        for user in (self.hunter, self.farmer, self.warehouse_user):
            with self.subTest(user=user.name), self.assertRaises(UserError):
                held.with_user(user).unlink()
        free.with_user(self.hunter).unlink()
        held.with_user(self.head).unlink()
        self.assertFalse((held | free).exists())

    def test_a_client_with_portal_access_is_a_client(self):
        client = self._client("Portal client", user_id=self.farmer.id, is_company=False)
        self.env["res.users"].with_context(no_reset_password=True).create(
            {
                "name": client.name,
                "login": "portal_client",
                "partner_id": client.id,
                "groups_id": [Command.set(self.env.ref("base.group_portal").ids)],
            }
        )
        with self.assertRaises(UserError):
            client.with_user(self.hunter).user_id = self.hunter
        report = self.env["active.sales.client.report"].with_user(self.head)
        row = next(
            row for row in report.get_report("contact", self.today, self.today)["rows"]
            if row["key"] == self.farmer.id
        )  # fmt: skip
        self.assertEqual(row["clients"], 1, "counted in the farmer's client base")

    def test_only_sales_people_take_a_free_client(self):
        free = self._client("Nobody's")
        with self.assertRaises(UserError):
            free.with_user(self.warehouse_user).user_id = self.warehouse_user
        free.with_user(self.hunter).user_id = self.hunter

    def test_the_contact_norm_is_the_head_s(self):
        client = self._client(user_id=self.hunter.id)
        with self.assertRaises(UserError):
            client.with_user(self.hunter).contact_norm_days = 100000
        client.with_user(self.head).contact_norm_days = 10
        self.assertEqual(client.contact_interval_days, 10)

    def test_only_sales_contacts_count(self):
        client = self._client(user_id=self.farmer.id)
        for user in (self.warehouse_user, self.hunter):
            activity = client.activity_schedule("mail.mail_activity_data_call", user_id=user.id)
            activity.with_user(user).action_feedback(feedback="Called, they say")
        self.assertFalse(client.last_contact_date, "no contact by their salesperson")
        activity = client.activity_schedule("mail.mail_activity_data_call", user_id=self.farmer.id)
        activity.with_user(self.farmer).action_feedback(feedback="Talked")
        self.assertEqual(client.last_contact_date, self.today)

    def test_every_move_is_logged_with_the_days_held(self):
        client = self._client(user_id=self.hunter.id)
        self.assertEqual(client.salesperson_since, self.today)
        self._held_since(client, 40)

        client.with_user(self.head).user_id = self.farmer
        self.assertEqual(client.salesperson_since, self.today, "held by the new one from today")
        client.with_user(self.head).write({"user_id": False})
        self.assertFalse(client.salesperson_since)
        client.with_user(self.head).action_archive()
        client.with_user(self.head).action_unarchive()

        log = client.client_assignment_log_ids.sorted("id")
        self.assertEqual(log.mapped("move"),
                         ["assign", "assign", "assign", "archive", "restore"])  # fmt: skip
        self.assertEqual(log.mapped("old_user_id"), self.hunter | self.farmer)
        self.assertEqual(log[1].days_held, 40)
        self.assertEqual(log[1].create_uid, self.head)
        self.assertEqual(log.mapped("new_user_id"), self.hunter | self.farmer)

    def test_a_salesperson_reads_the_moves_of_own_clients(self):
        mine = self._client("Mine", user_id=self.hunter.id)
        given_away = self._client("Given away", user_id=self.hunter.id)
        given_away.user_id = self.farmer
        theirs = self._client("Theirs", user_id=self.farmer.id)
        log = self.env["res.partner.assignment.log"]
        seen = log.with_user(self.hunter).search([]).partner_id
        self.assertIn(mine, seen)
        self.assertIn(given_away, seen, "the salesperson who gave the client away")
        self.assertNotIn(theirs, seen)
        self.assertIn(theirs, log.with_user(self.head).search([]).partner_id)
        with self.assertRaises(AccessError):
            log.with_user(self.warehouse_user).search([])
        with self.assertRaises(AccessError):
            log.with_user(self.hunter).create({"partner_id": mine.id, "move": "assign"})


@tagged("post_install", "-at_install")
class TestClientHandover(ClientOwnershipCommon):
    def test_only_the_head_opens_the_review(self):
        self._client("Stale", user_id=self.hunter.id)
        wizard = self.env["active.sales.client.handover"].with_user(self.hunter)
        with self.assertRaises(AccessError):
            wizard.default_get(["line_ids"])
        client = self._client("To a portal user", user_id=self.hunter.id)
        portal = mail_new_test_user(self.env, login="owner_portal", groups="base.group_portal")
        review = self._review(client)
        with self.assertRaises(ValidationError):
            self._line(review, client).write({"action": "assign", "new_user_id": portal.id})
        contact = self.env["res.partner"].create({"name": "Its contact", "parent_id": client.id})
        for partner in (contact, self.head.partner_id, self.env.company.partner_id):
            with self.subTest(partner=partner.name), self.assertRaises(ValidationError):
                review.with_user(self.head).line_ids = [Command.create({"partner_id": partner.id})]
        chosen = self._review(client | self.head.partner_id | self.env.company.partner_id)
        self.assertEqual(chosen.line_ids.partner_id, client, "only the clients are proposed")

    def test_buyers_go_from_their_hunter_to_their_farmer(self):
        regular = self._buyer("Regular", 150, 60)
        new_61 = self._buyer("New for 61 days", 61, 61)
        new_60 = self._buyer("New for 60 days", 60, 60)
        farmed = self._buyer("Already with the farmer", 150, 60)
        farmed.user_id = self.farmer
        no_farmer = self._client("No farmer", user_id=self.hunter.id)
        self._sale(no_farmer, 150)

        review = self._review()
        proposed = review.line_ids.filtered(lambda line: line.reason == "handover")
        self.assertEqual(proposed.partner_id & (regular | new_61 | new_60 | farmed | no_farmer),
                         regular | new_61)  # fmt: skip
        line = self._line(review, regular)
        self.assertEqual((line.action, line.new_user_id), ("assign", self.farmer))

        review.action_apply()
        self.assertEqual((regular | new_61).user_id, self.farmer)
        self.assertEqual(self._last_move(regular).move, "handover")
        self.assertEqual(new_60.user_id, self.hunter, "left with the hunter")

    def test_potential_clients_held_too_long_are_proposed(self):
        day_90 = self._client("Held 90 days", user_id=self.hunter.id)
        day_91 = self._client("Held 91 days", user_id=self.hunter.id)
        self._held_since(day_90, 90)
        self._held_since(day_91, 91)
        unassigned = self._client("Nobody's")

        review = self._review()
        self.assertFalse(self._line(review, day_90))
        self.assertFalse(self._line(review, unassigned))
        line = self._line(review, day_91)
        self.assertEqual((line.reason, line.action, line.days_held), ("held_too_long", "keep", 91))

    def test_the_head_sends_stale_clients_where_they_belong(self):
        clients = {
            action: self._client(f"To {action}", user_id=self.hunter.id)
            for action in ("assign", "team", "release", "archive", "keep")
        }
        for client in clients.values():
            self._held_since(client, 120)
        review = self._review()
        targets = {"assign": {"new_user_id": self.farmer.id},
                   "team": {"team_id": self.call_centre.id}}  # fmt: skip
        review.write(
            {
                "line_ids": [
                    Command.update(
                        self._line(review, client).id, {"action": action, **targets.get(action, {})}
                    )  # fmt: skip
                    for action, client in clients.items()
                ]
            }
        )
        review.action_apply()

        self.assertEqual(clients["assign"].user_id, self.farmer)
        self.assertEqual(self._last_move(clients["assign"]).move, "reassign")
        self.assertFalse(clients["team"].user_id)
        self.assertEqual(clients["team"].client_team_id, self.call_centre)
        self.assertFalse(clients["release"].user_id)
        self.assertFalse(clients["release"].client_team_id)
        self.assertFalse(clients["archive"].active)
        self.assertEqual(clients["keep"].user_id, self.hunter)
        self.assertEqual(
            {self._last_move(client).move for client in clients.values()},
            {"reassign", "team", "release", "archive", "assign"},
        )
        self.assertEqual(self._last_move(clients["team"]).days_held, 120)

    def test_a_target_is_required(self):
        client = self._client(user_id=self.hunter.id)
        review = self._review(client)
        self._line(review, client).action = "assign"
        with self.assertRaisesRegex(UserError, "Choose where"):
            review.action_apply()
        self.assertEqual(client.user_id, self.hunter)

    def test_opened_on_selected_clients_it_proposes_those(self):
        regular = self._buyer("Regular", 150, 60)
        chosen = self._client("Chosen", user_id=self.hunter.id)
        contact = self._client("Contact", parent_id=chosen.id, is_company=False)
        review = self._review(chosen | contact)
        self.assertEqual(review.line_ids.partner_id, chosen)
        self.assertEqual(review.line_ids.reason, "chosen")
        self.assertFalse(self._line(review, regular))
        wizard = self.env["active.sales.client.handover"].with_user(self.head)
        for garbage in (["abc"], "abc", [True]):
            with self.subTest(active_ids=garbage), self.assertRaises(UserError):
                wizard.with_context(active_model="res.partner", active_ids=garbage).create({})

    def test_only_the_head_runs_the_review(self):
        with self.assertRaises(AccessError):
            self.env["active.sales.client.handover"].with_user(self.hunter).create({})
