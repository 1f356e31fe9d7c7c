from odoo.fields import Command
from odoo.tests import tagged

from .test_client_status import ClientBaseCommon


@tagged("post_install", "-at_install")
class TestProposalSegments(ClientBaseCommon):
    """The proposal analysis by the client base's own segments: status and ABC class."""

    def _quotation(self, client, amount):
        return self.env["sale.order"].create(
            {
                "partner_id": client.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.product_a.id, "price_unit": amount, "tax_id": False}
                    )
                ],
            }
        )

    def test_proposals_per_client_status_and_abc_class(self):
        prospect = self._client("Prospect")
        buyer = self._client("Buyer")
        self._sale(buyer, 10)
        # The nightly job decides statuses and ABC classes: the only buyer is an A client.
        self.env["res.partner"]._cron_recompute_client_status()
        self.assertEqual((prospect | buyer).mapped("client_status"), ["potential", "new"])
        self.assertEqual(buyer.abc_class, "a")
        self._quotation(prospect, 100.0)
        self._quotation(prospect, 50.0)
        self._quotation(buyer, 400.0)
        groups = self.env["sale.proposal.report"]._read_group(
            [("commercial_partner_id", "in", (prospect | buyer).ids)],
            ["client_status", "abc_class"],
            ["nbr:sum", "amount_untaxed:sum"],
        )
        self.assertEqual(
            sorted(groups, key=str),
            sorted([("new", "a", 1, 400.0), ("potential", False, 2, 150.0)], key=str),
        )
