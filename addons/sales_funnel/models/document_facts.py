from dataclasses import dataclass

from odoo.tools import float_compare, float_is_zero

# Quantities of different products and units are summed in their products' units: only
# whether they are zero, or one reaches the other, matters.
QTY_PRECISION = 5


@dataclass(frozen=True)
class DocumentFacts:
    """Where one deal's documents stand, as read in one query by ``crm.lead._document_facts``.

    Amounts are in the company currency: each order is converted at its own rate, and the
    payments of an invoice count for an order in proportion to what the order contributes
    to that invoice, so two deals sharing one invoice share its payments.
    """

    has_sent_quotation: bool = False
    has_confirmed_order: bool = False
    confirmed_total: float = 0.0
    confirmed_untaxed: float = 0.0
    paid_amount: float = 0.0
    is_delivered: bool = False
    quoted_untaxed: float | None = None
    rounding: float = 0.01
    # Storable goods of the confirmed orders: still to deliver, and how much of that is
    # reserved; whether any of them already left.
    qty_to_deliver: float = 0.0
    qty_reserved: float = 0.0
    has_delivered_goods: bool = False

    @property
    def revenue(self):
        """Untaxed revenue the documents promise: the confirmed orders', else the newest
        open quotation's; None when there is neither."""
        if self.has_confirmed_order:
            return self.confirmed_untaxed
        return self.quoted_untaxed

    @property
    def is_paid(self):
        return (
            self.has_confirmed_order
            and float_compare(
                self.paid_amount, self.confirmed_total, precision_rounding=self.rounding
            )
            >= 0
        )

    @property
    def paid_percent(self):
        if not self.has_confirmed_order:
            return 0.0
        if not self.confirmed_total:
            return 100.0
        return min(100.0, 100.0 * self.paid_amount / self.confirmed_total)

    @property
    def reservation_state(self):
        """``crm.lead.reservation_state``: none, partial, reserved or delivered."""
        if float_is_zero(self.qty_to_deliver, precision_digits=QTY_PRECISION):
            return "delivered" if self.has_delivered_goods else "none"
        if (
            float_compare(self.qty_reserved, self.qty_to_deliver, precision_digits=QTY_PRECISION)
            >= 0
        ):
            return "reserved"
        if float_is_zero(self.qty_reserved, precision_digits=QTY_PRECISION):
            return "none"
        return "partial"

    def satisfies(self, trigger):
        return {
            "quotation_sent": self.has_sent_quotation,
            "order_confirmed": self.has_confirmed_order,
            "invoice_paid": self.is_paid,
            "delivered": self.has_confirmed_order and self.is_delivered,
        }.get(trigger, False)

    @property
    def closes_the_sale(self):
        """Paid and delivered in full: what a won step asks of the documents."""
        return self.is_paid and self.is_delivered
