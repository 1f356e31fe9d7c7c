from odoo.tests import HttpCase, tagged

from .common import SalesFunnelCommon


@tagged("post_install", "-at_install")
class TestProposalApprovalUi(HttpCase, SalesFunnelCommon):
    def test_head_approves_a_quotation_in_the_form(self):
        """Sally gives 20% off and asks; the head opens the quotation and approves it."""
        self.company.proposal_max_discount = 10.0
        order = self._quotation_for(self.deal)
        order.order_line.with_user(self.salesperson).discount = 20.0
        order.with_user(self.salesperson).action_request_approval()
        self.assertEqual(order.proposal_state, "to_approve")
        self.start_tour(
            f"/odoo/action-sale.action_quotations_with_onboarding/{order.id}",
            "sales_funnel_proposal_approval",
            login=self.head.login,
        )
        self.assertEqual(order.approval_state, "approved")
        self.assertEqual(order.approved_by_id, self.head)
        self.assertEqual(order.proposal_state, "approved")
        self.assertFalse(order.activity_ids, "the head's to-do is done")
