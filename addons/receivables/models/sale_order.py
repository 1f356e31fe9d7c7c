from markupsafe import Markup

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_amount

# Who reads a client's debts at all (the record rules of the aging then decide whose).
DEBT_READERS = "sales_team.group_sale_salesman,account.group_account_invoice"
# action_confirm's own write of the state, the hold already checked: an object, not a
# flag, because a context sent over RPC is JSON and cannot hold it.
HOLD_CHECKED = object()
# The order's own change of its payment schedule (its form's save, a schedule from the
# terms): the schedule is checked once the whole change is made, not at each installment.
SCHEDULE_CHANGE = object()


class SaleOrder(models.Model):
    _inherit = "sale.order"

    credit_hold_message = fields.Char(compute="_compute_credit_hold_message", groups=DEBT_READERS)
    installment_ids = fields.One2many(
        "sale.order.installment", "order_id", string="Payment schedule", copy=False
    )
    # The client's debts as the reader may see them (their own clients' for a salesperson):
    # a related field reads as the superuser by default.
    receivable_overdue_amount = fields.Monetary(
        related="partner_id.commercial_partner_id.receivable_overdue_amount",
        string="Client overdue",
        compute_sudo=False,
        groups=DEBT_READERS,
    )
    receivable_open_amount = fields.Monetary(
        related="partner_id.commercial_partner_id.receivable_open_amount",
        string="Client owes",
        compute_sudo=False,
        groups=DEBT_READERS,
    )
    receivable_max_days_overdue = fields.Integer(
        related="partner_id.commercial_partner_id.receivable_max_days_overdue",
        compute_sudo=False,
        groups=DEBT_READERS,
    )

    @api.depends("state", "partner_id", "company_id")
    def _compute_credit_hold_message(self):
        held = self.filtered(lambda order: order.state in ("draft", "sent"))._credit_hold_messages()
        for order in self:
            order.credit_hold_message = held.get(order, False)

    def _credit_hold_messages(self):
        """{order: why its client is on credit hold} under each order's company rules, one
        grouped query per company."""
        held = {}
        for company, orders in self.filtered("partner_id").grouped("company_id").items():
            messages = orders._debtors()._credit_hold_messages(company)
            for order in orders:
                if reasons := [
                    messages[client] for client in order._debtors() if client in messages
                ]:
                    held[order] = "\n".join(reasons)
        return held

    def _debtors(self):
        """The clients these orders invoice: the customer's, and the invoice address's when
        it is another client's."""
        return (self.partner_id | self.partner_invoice_id).commercial_partner_id

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        # Created confirmed (a state written over RPC): held as a confirmation would be.
        orders.filtered(lambda order: order.state == "sale")._check_credit_hold_on_write()
        return orders

    def write(self, vals):
        debtors = (
            {order: order._debtors() for order in self}
            if {"partner_id", "partner_invoice_id"} & vals.keys()
            else {}
        )
        confirmed = (
            self.filtered(lambda order: order.state != "sale")
            if vals.get("state") == "sale"
            and self.env.context.get("credit_hold_checked") is not HOLD_CHECKED
            else self.browse()
        )
        changing = (
            self.with_context(schedule_change=SCHEDULE_CHANGE)
            if "installment_ids" in vals
            else self
        )
        result = super(SaleOrder, changing).write(vals)
        if "installment_ids" in vals:
            self._check_schedule_kept()
        # Confirmed by a state written over RPC, or given to a held client once confirmed:
        # held as a confirmation would be (action_confirm's own write passes, having asked).
        moved = self.filtered(
            lambda order: order in debtors and order.state == "sale"
            and order._debtors() - debtors[order]
        )  # fmt: skip
        (confirmed | moved)._check_credit_hold_on_write()
        return result

    def _check_credit_hold_on_write(self):
        held = self._credit_hold_messages()
        if held and not self._confirmed_online():
            self._check_credit_hold_override(held)

    def action_confirm(self):
        self._check_installments_total()
        held = self._credit_hold_messages()
        if held and not self._confirmed_online():
            if not self._credit_hold_accepted():
                return self._credit_hold_stop(held)
            self._check_credit_hold_override(held)
        checked = self.with_context(credit_hold_checked=HOLD_CHECKED)
        result = super(SaleOrder, checked).action_confirm()
        # Another check (OCA's financial risk, say) may have stopped the confirmation.
        for order, message in held.items():
            if order.state == "sale":
                order._credit_hold_log(message)
        return result

    def _confirmed_online(self):
        """The customer confirming on the portal, or a payment confirming the order, as
        the engine: the hold must not refuse them in the customer's face."""
        return self.env.su or self.env.user.share

    def _credit_hold_accepted(self):
        """The user went on after reading the hold: ours, or OCA's financial risk dialog."""
        context = self.env.context
        return bool(context.get("credit_hold_confirmed") or context.get("bypass_risk"))

    def _credit_hold_stop(self, held):
        """Refuse (block mode) or ask for a confirmation (warn mode, or an override)."""
        self._check_credit_hold_override(held)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Credit hold"),
            "res_model": "receivables.credit.hold.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_order_ids": self.ids,
                "default_message": "\n".join(held.values()),
            },
        }

    def _check_credit_hold_override(self, held):
        """In a company that blocks, only members of "Credit hold override" may go on."""
        if self.env.user.has_group("receivables.group_credit_hold_override"):
            return
        blocked = [
            message
            for order, message in held.items()
            if order.company_id.credit_hold_mode == "block"
        ]
        if blocked:
            overriders = self.env.ref("receivables.group_credit_hold_override").users.filtered(
                lambda user: not user.share and user.active and user.id != SUPERUSER_ID
            )
            raise UserError(
                self.env._(
                    "Credit hold: the order cannot be confirmed.\n%(reasons)s\n"
                    "Who may confirm it anyway: %(users)s.",
                    reasons="\n".join(blocked),
                    users=", ".join(overriders.mapped("name")) or self.env._("nobody yet"),
                )
            )

    def _credit_hold_log(self, message):
        """Record on the order who confirmed it despite the hold, and why it was held."""
        if self._confirmed_online():
            note = self.env._("Confirmed online although the client is on credit hold.")
            if self.user_id:
                self.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=self.env._("Confirmed online despite the credit hold"),
                    note=message,
                    user_id=self.user_id.id,
                )
        elif self.company_id.credit_hold_mode == "block":
            note = self.env._("Credit hold overridden by %(user)s.", user=self.env.user.name)
        else:
            note = self.env._(
                "Confirmed by %(user)s despite the credit hold warning.", user=self.env.user.name
            )
        self.message_post(
            body=Markup("<p>%s</p><p>%s</p>") % (note, message),
            subtype_xmlid="mail.mt_note",
        )

    def action_view_open_receivables(self):
        self.ensure_one()
        return self.partner_id.action_view_open_receivables()

    # ------------------------------------------------------------
    # Payment schedule
    # ------------------------------------------------------------

    def _installment_values_from_terms(self):
        """Installments from the payment terms (one due on the order date without terms)."""
        self.ensure_one()
        date_ref = fields.Date.to_date(self.date_order) or fields.Date.context_today(self)
        if not self.payment_term_id:
            return [{"order_id": self.id, "date_due": date_ref, "amount": self.amount_total}]
        terms = self.payment_term_id._compute_terms(
            date_ref,
            self.currency_id,
            self.company_id,
            self.amount_tax,
            self.amount_tax,
            1,
            self.amount_untaxed,
            self.amount_untaxed,
        )
        return [
            {"order_id": self.id, "date_due": line["date"], "amount": line["foreign_amount"]}
            for line in terms["line_ids"]
            if self.currency_id.compare_amounts(line["foreign_amount"], 0) > 0
        ]

    def action_compute_installments(self):
        changing = self.with_context(schedule_change=SCHEDULE_CHANGE)
        for order in changing:
            order.installment_ids.unlink()
            changing.env["sale.order.installment"].create(order._installment_values_from_terms())
        self._check_schedule_kept()
        return True

    def _check_schedule_kept(self):
        """A confirmed order's schedule adds up to its total whoever changes it, and is not
        emptied: the payment calendar and its overdue installments stay true (a change the
        order makes itself is checked once it is whole)."""
        if self.env.context.get("schedule_change") is SCHEDULE_CHANGE:
            return
        self.filtered(
            lambda order: order.state == "sale"
            and order.currency_id.compare_amounts(order.amount_total, 0) > 0
        )._check_installments_total(empty_allowed=False)  # fmt: skip

    def _serialise_schedule(self):
        """A change of the schedule and the order's confirmation, made at once, conflict:
        each would check the schedule as it was before the other (REPEATABLE READ), and a
        confirmed order would keep a schedule that does not add up. A same-value UPDATE of
        the order is a write the confirmation's write of the state runs into; whichever
        request comes second fails to serialise and Odoo replays it."""
        if self:
            self.env.cr.execute(
                SQL("UPDATE sale_order SET state = state WHERE id = ANY(%s)", self.ids)
            )

    def _check_installments_total(self, empty_allowed=True):
        for order in self if not empty_allowed else self.filtered("installment_ids"):
            total = sum(order.installment_ids.mapped("amount"))
            if order.currency_id.compare_amounts(total, order.amount_total):
                raise UserError(
                    self.env._(
                        "The installments of %(order)s add up to %(installments)s, the order total is %(total)s.",
                        order=order.name,
                        installments=format_amount(self.env, total, order.currency_id),
                        total=format_amount(self.env, order.amount_total, order.currency_id),
                    )
                )

    def _action_confirm(self):
        result = super()._action_confirm()
        # Orders worth nothing (or less: returns, corrections) expect no receipt.
        self.filtered(
            lambda order: (
                not order.installment_ids
                and order.currency_id.compare_amounts(order.amount_total, 0) > 0
            )
        ).action_compute_installments()
        return result
