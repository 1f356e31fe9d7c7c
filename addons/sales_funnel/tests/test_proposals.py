from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import SalesFunnelCommon

APPROVAL = "sales_funnel.mail_activity_type_proposal_approval"
DISCOUNT_MESSAGE = (
    "This quotation gives a discount of 15% (the company allows 10% without approval): "
    "ask the head of sales to approve it."
)


@tagged("post_install", "-at_install")
class TestProposals(SalesFunnelCommon):
    """Quotations as commercial proposals: variants of a deal, approval of discounts and
    margins by the head of sales, refusal and expiry."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"proposal_max_discount": 10.0, "proposal_min_margin": 0.0})
        cls.employee = mail_new_test_user(
            cls.env, login="as_employee", name="Emma Employee", groups="base.group_user"
        )

    def _quotation(self, discount=0.0, deal=None, qty=1.0):
        order = self._quotation_for(deal or self.deal, qty=qty)
        if discount:
            order.order_line.with_user(self.salesperson).discount = discount
        return order.with_user(self.salesperson)

    def _notes(self, order):
        return " ".join(order.sudo().message_ids.mapped("body"))

    def _approval_activities(self, order):
        return order.sudo().activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(APPROVAL)
        )

    def _requested(self, discount=15.0):
        order = self._quotation(discount)
        order.action_request_approval()
        return order

    # ------------------------------------------------------------
    # variants
    # ------------------------------------------------------------

    def _variant_of(self, order):
        return order.browse(order.action_new_variant()["res_id"])

    def test_new_variant_copies_the_quotation_and_numbers_both(self):
        first = self._quotation(5.0)
        second = self._variant_of(first)
        third = self._variant_of(second)
        self.assertEqual(
            (first | second | third).mapped("variant_label"),
            ["Variant 1", "Variant 2", "Variant 3"],
        )
        self.assertEqual(second.opportunity_id, self.deal)
        self.assertEqual(second.order_line.discount, 5.0)
        self.assertFalse(self._quotation().variant_label, "a new quotation is an order of its own")
        first.action_confirm()
        with self.assertRaises(UserError):
            first.action_new_variant()

    def test_confirming_a_variant_cancels_the_others(self):
        first = self._quotation()
        second, third = self._variant_of(first), self._variant_of(first)
        third.action_quotation_sent()
        own_order = self._quotation()
        elsewhere = self._quotation(deal=self._deal("Other deal"))
        second.action_confirm()
        self.assertEqual(second.state, "sale")
        self.assertTrue(second.is_chosen_variant)
        self.assertEqual(second.proposal_state, "accepted")
        for other in first | third:
            self.assertEqual(other.state, "cancel")
            self.assertEqual(other.proposal_state, "refused")
            self.assertFalse(other.is_chosen_variant)
            self.assertIn(
                f"The client chose {second.name} (Variant 2): this variant is cancelled.",
                self._notes(other),
            )
        self.assertEqual(own_order.state, "draft", "a quotation that is no variant stays")
        self.assertEqual(elsewhere.state, "draft", "another deal's quotation stays")
        own_order.action_confirm()
        self.assertFalse(own_order.is_chosen_variant)

    def test_variant_owned_by_a_colleague_is_cancelled_too(self):
        mine = self._quotation()
        theirs = self._variant_of(mine).sudo()
        theirs.user_id = self.salesperson_other
        mine.action_confirm()
        self.assertEqual(theirs.state, "cancel")

    # ------------------------------------------------------------
    # approval of a discount
    # ------------------------------------------------------------

    def test_discount_above_the_threshold_needs_approval(self):
        order = self._quotation(15.0)
        self.assertTrue(order.approval_required)
        self.assertEqual(
            order.approval_reasons,
            "This quotation gives a discount of 15% (the company allows 10% without approval)",
        )
        self.assertEqual(order.proposal_state, "to_approve")
        with self.assertRaises(UserError) as sent:
            order.action_quotation_send()
        self.assertEqual(str(sent.exception), DISCOUNT_MESSAGE)
        with self.assertRaises(UserError):
            order.action_quotation_sent()
        with self.assertRaises(UserError):
            order.write({"state": "sent"})
        with self.assertRaises(UserError) as confirmed:
            order.action_confirm()
        self.assertEqual(str(confirmed.exception), DISCOUNT_MESSAGE)
        self.assertEqual(order.state, "draft")

    def test_client_confirming_online_is_not_refused(self):
        """The portal's signature confirms as the client in sudo, the online payment as the
        superuser: the order is confirmed, and the head of sales is told."""
        portal_user = mail_new_test_user(
            self.env, login="as_portal", name="Paula Portal", groups="base.group_portal"
        )
        for confirmer in (portal_user, self.env.ref("base.public_user")):
            order = self._quotation(15.0)
            order.with_user(confirmer).sudo().action_confirm()
            self.assertEqual(order.state, "sale")
            self.assertIn("Confirmed by the client online without the approval", self._notes(order))
            self.assertEqual(self._approval_activities(order).user_id, self.head)

    def test_discount_at_the_threshold_needs_no_approval(self):
        order = self._quotation(10.0)
        self.assertFalse(order.approval_required)
        self.assertEqual(order.proposal_state, "draft")
        order.action_quotation_sent()
        self.assertEqual(order.proposal_state, "sent")

    def test_composer_cannot_mark_an_unapproved_quotation_sent(self):
        order = self._quotation(15.0)
        with self.assertRaises(UserError):
            order.with_context(mark_so_as_sent=True).message_post(body="Our proposal")
        self.assertEqual(order.state, "draft")

    def test_request_approval_plans_a_todo_for_the_team_leader(self):
        order = self._requested()
        self.assertEqual(order.approval_state, "pending")
        self.assertEqual(order.proposal_state, "to_approve")
        activity = self._approval_activities(order)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.head)
        self.assertIn("Approval requested from Helen Head", self._notes(order))
        with self.assertRaises(UserError):
            order.action_request_approval()
        with self.assertRaises(UserError) as pending:
            order.action_quotation_send()
        self.assertIn("the head of sales has not approved it yet", str(pending.exception))

    def test_request_goes_to_a_head_when_the_leader_is_not_one(self):
        self.team.user_id = self.salesperson_other
        order = self._requested()
        approver = self._approval_activities(order).user_id
        self.assertEqual(len(approver), 1)
        self.assertTrue(approver.has_group("sales_funnel.group_active_sales_head"))

    def test_quotation_within_limits_needs_no_approval_request(self):
        with self.assertRaises(UserError):
            self._quotation(5.0).action_request_approval()

    def test_only_the_head_approves(self):
        order = self._requested()
        for user in (self.salesperson, self.accountant, self.employee):
            with self.assertRaises(AccessError):
                order.with_user(user).action_approve()
            with self.assertRaises(AccessError):
                order.with_user(user).action_refuse_approval("No")
        self.assertEqual(order.approval_state, "pending")

    def test_salesperson_cannot_write_approval_fields(self):
        order = self._requested()
        forged = [
            {"approval_state": "approved"},
            {"approved_by_id": self.head.id},
            {"approved_discount": 50.0},
            {"proposal_state": "approved"},
            {"is_chosen_variant": True},
        ]
        for values in forged:
            with self.assertRaises(AccessError):
                order.write(values)
        with self.assertRaises(AccessError):
            self.env["sale.order"].with_user(self.salesperson).create(
                {"partner_id": self.client.id, "approval_state": "approved"}
            )
        with self.assertRaises(AccessError):
            self.env["sale.order"].with_user(self.salesperson).with_context(
                default_approval_state="approved"
            ).create({"partner_id": self.client.id})
        self.assertEqual(order.approval_state, "pending")
        self.assertFalse(order.approved_by_id)

    def test_head_approves_then_the_quotation_is_sent_and_confirmed(self):
        order = self._requested()
        order.with_user(self.head).action_approve()
        self.assertEqual(order.approval_state, "approved")
        self.assertEqual(order.approved_by_id, self.head)
        self.assertEqual(order.approved_discount, 15.0)
        self.assertEqual(order.proposal_state, "approved")
        self.assertFalse(self._approval_activities(order), "the head's to-do is done")
        self.assertIn("Approved by Helen Head: a discount up to 15%", self._notes(order))
        order.action_quotation_sent()
        self.assertEqual(order.proposal_state, "sent")
        order.action_confirm()
        self.assertEqual(order.proposal_state, "accepted")

    def test_changed_lines_need_a_new_approval(self):
        order = self._requested()
        order.with_user(self.head).action_approve()
        line = order.order_line
        order.write({"order_line": [Command.update(line.id, {"discount": 20.0})]})
        self.assertEqual(order.approval_state, "none")
        self.assertFalse(order.approved_by_id)
        self.assertEqual(order.proposal_state, "to_approve")
        self.assertIn("The lines changed after the approval", self._notes(order))
        with self.assertRaises(UserError):
            order.action_quotation_sent()

    def test_lines_changed_by_themselves_need_a_new_approval(self):
        """Over RPC or from the product catalog, lines are written without their quotation."""
        for change in (
            lambda order: order.order_line.with_user(self.salesperson).write({"price_unit": 90.0}),
            lambda order: order.order_line.copy({"order_id": order.id}),
            lambda order: order.order_line[:1].unlink(),
        ):
            order = self._requested()
            order.order_line.copy({"order_id": order.id})
            order.with_user(self.head).action_approve()
            change(order)
            self.assertEqual(order.approval_state, "none")
            with self.assertRaises(UserError):
                order.with_user(self.salesperson).action_quotation_sent()

    def test_discount_past_the_approved_one_is_refused_however_it_came(self):
        """A price list's update computes the lines' discounts without a write."""
        order = self._requested()
        order.with_user(self.head).action_approve()
        self.env.cr.execute(
            "UPDATE sale_order_line SET discount = 25 WHERE order_id = %s", [order.id]
        )
        order.invalidate_recordset()
        order.order_line.invalidate_recordset()
        with self.assertRaises(UserError) as refused:
            order.action_quotation_sent()
        self.assertIn("approved a discount up to 15%", str(refused.exception))
        with self.assertRaises(UserError):
            order.action_confirm()
        self.assertEqual(order.state, "draft")
        # The salesperson asks again; approved at 25%, it goes.
        self.assertTrue(order.approval_outdated)
        order.action_request_approval()
        self.assertEqual(order.approval_state, "pending")
        order.with_user(self.head).action_approve()
        self.assertEqual(order.approved_discount, 25.0)
        order.action_quotation_sent()
        self.assertEqual(order.state, "sent")

    def test_lines_back_within_limits_keep_the_approval(self):
        order = self._requested()
        order.with_user(self.head).action_approve()
        order.write({"order_line": [Command.update(order.order_line.id, {"discount": 5.0})]})
        self.assertEqual(order.approval_state, "approved")
        order.action_quotation_sent()
        self.assertEqual(order.state, "sent")

    def test_head_refuses_with_a_reason(self):
        order = self._requested()
        wizard = (
            self.env["sale.order.approval.refuse"]
            .with_user(self.head)
            .create({"order_id": order.id, "reason": "Twenty percent is too much"})
        )
        wizard.action_refuse()
        self.assertEqual(order.approval_state, "refused")
        self.assertEqual(order.proposal_state, "to_approve")
        self.assertFalse(self._approval_activities(order))
        self.assertIn(
            "Approval refused by Helen Head: Twenty percent is too much", self._notes(order)
        )
        with self.assertRaises(UserError):
            order.action_quotation_send()
        # Changed and asked again, the quotation goes back to the head.
        order.action_request_approval()
        self.assertEqual(order.approval_state, "pending")

    def test_refusal_needs_a_reason(self):
        order = self._requested()
        with self.assertRaises(UserError):
            order.with_user(self.head).action_refuse_approval("  ")
        self.assertEqual(order.approval_state, "pending")

    def test_salesperson_cannot_refuse_through_the_wizard(self):
        order = self._requested()
        wizard = (
            self.env["sale.order.approval.refuse"]
            .with_user(self.salesperson)
            .create({"order_id": order.id, "reason": "I refuse myself"})
        )
        with self.assertRaises(AccessError):
            wizard.action_refuse()
        self.assertEqual(order.approval_state, "pending")

    # ------------------------------------------------------------
    # approval of a margin
    # ------------------------------------------------------------

    def test_margin_below_the_minimum_needs_approval(self):
        self.company.proposal_min_margin = 30.0
        self.product.standard_price = 80.0
        order = self._quotation()
        self.assertAlmostEqual(order.margin_percent, 0.2)
        self.assertEqual(order.proposal_state, "to_approve")
        with self.assertRaises(UserError) as sent:
            order.action_quotation_sent()
        self.assertEqual(
            str(sent.exception),
            "The margin of this quotation is 20% (the company needs at least 30% without "
            "approval): ask the head of sales to approve it.",
        )
        order.action_request_approval()
        order.with_user(self.head).action_approve()
        self.assertEqual(order.approved_margin, 20.0)
        order.action_quotation_sent()
        self.assertEqual(order.state, "sent")

    def test_margin_above_the_minimum_or_unchecked(self):
        self.product.standard_price = 80.0
        self.assertFalse(self._quotation().approval_required, "0% minimum: not checked")
        self.company.proposal_min_margin = 15.0
        self.assertFalse(self._quotation().approval_required)

    def test_thresholds_are_percentages(self):
        with self.assertRaises(ValidationError):
            self.company.proposal_max_discount = 120.0
        with self.assertRaises(ValidationError):
            self.company.proposal_min_margin = -1.0

    # ------------------------------------------------------------
    # refusal by the client and expiry
    # ------------------------------------------------------------

    def test_client_refuses_a_sent_quotation(self):
        order = self._quotation()
        draft_wizard = (
            self.env["sale.order.approval.refuse"]
            .with_user(self.salesperson)
            .create({"order_id": order.id, "refused_by": "client", "reason": "Too dear"})
        )
        with self.assertRaises(UserError):
            draft_wizard.action_refuse()
        order.action_quotation_sent()
        draft_wizard.action_refuse()
        self.assertEqual(order.state, "cancel")
        self.assertEqual(order.proposal_state, "refused")
        self.assertIn("Refused by the client: Too dear", self._notes(order))

    def test_past_validity_date_expires_the_quotation(self):
        order = self._quotation()
        order.validity_date = fields.Date.today() - timedelta(days=1)
        self.assertEqual(order.proposal_state, "expired")

    def test_cron_expires_quotations_whose_date_passed(self):
        today = fields.Date.today()
        draft, sent, confirmed, valid = (
            self._quotation(deal=self._deal(f"D{i}")) for i in range(4)
        )
        sent.action_quotation_sent()
        confirmed.action_confirm()
        (draft | sent | confirmed | valid).write({"validity_date": today + timedelta(days=1)})
        self.assertEqual(draft.proposal_state, "draft")
        # The night passes: the dates are behind without any write to the quotations.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE sale_order SET validity_date = %s WHERE id IN %s",
            (today - timedelta(days=1), tuple((draft | sent | confirmed).ids)),
        )
        self.env.invalidate_all()
        self.assertEqual(draft.proposal_state, "draft")
        self.env["sale.order"]._cron_expire_proposals()
        self.assertEqual(draft.proposal_state, "expired")
        self.assertEqual(sent.proposal_state, "expired")
        self.assertEqual(confirmed.proposal_state, "accepted")
        self.assertEqual(valid.proposal_state, "draft")

    def test_cron_expires_in_constant_queries(self):
        yesterday = fields.Date.today() - timedelta(days=1)
        cron = self.env["sale.order"]._cron_expire_proposals

        def expire(count):
            orders = self.env["sale.order"]
            for i in range(count):
                orders |= self._quotation(deal=self._deal(f"D{i}"))
            self.env.flush_all()
            self.env.cr.execute(
                "UPDATE sale_order SET validity_date = %s WHERE id IN %s",
                (yesterday, tuple(orders.ids)),
            )
            self.env.invalidate_all()
            return orders

        expire(1)
        cron()  # warm-up
        expire(2)
        with self.assertQueryCount(3):
            cron()
            self.env.flush_all()
        orders = expire(6)
        with self.assertQueryCount(3):
            cron()
            self.env.flush_all()
        self.assertEqual(set(orders.mapped("proposal_state")), {"expired"})

    # ------------------------------------------------------------
    # every sent version kept
    # ------------------------------------------------------------

    def _send_by_email(self, order):
        action = order.action_quotation_send()
        composer = (
            self.env["mail.compose.message"]
            .with_user(self.salesperson)
            .with_context(**action["context"])
            .create({})
        )
        composer._action_send_mail()

    def test_two_sends_keep_two_pdfs(self):
        order = self._quotation()
        self._send_by_email(order)
        self.assertEqual(order.state, "sent")
        order.order_line.product_uom_qty = 2
        self._send_by_email(order)
        sent = order.sudo().message_ids.filtered("attachment_ids")
        self.assertEqual(len(sent), 2)
        attachments = sent.attachment_ids
        self.assertEqual(len(attachments), 2, "one printed proposal a send")
        self.assertEqual(set(attachments.mapped("res_model")), {"sale.order"})
        self.assertEqual(set(attachments.mapped("res_id")), {order.id})
        self.assertTrue(
            all(name.startswith(f"Quotation - {order.name}") for name in attachments.mapped("name"))
        )
        self.assertNotEqual(
            attachments[0].checksum, attachments[1].checksum, "each its own version"
        )
