from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, float_compare

HEAD_GROUP = "sales_funnel.group_active_sales_head"
APPROVAL_ACTIVITY = "sales_funnel.mail_activity_type_proposal_approval"
OPEN_STATES = ("draft", "sent")
# Decided by the head of sales and by the server only, never by the salesperson's write.
PROTECTED_FIELDS = frozenset(
    {
        "approval_state",
        "approved_by_id",
        "approved_discount",
        "approved_margin",
        "is_chosen_variant",
        "proposal_state",
    }
)
# Computed from the lines and the pricelist's currency: what the deal is expected to bring and
# must be paid is read from them, so nobody writes them but the server.
COMPUTED_AMOUNTS = frozenset({"amount_untaxed", "amount_tax", "amount_total", "currency_rate"})


def _percent(value):
    return f"{round(value, 2):g}"


class SaleOrder(models.Model):
    _inherit = "sale.order"

    variant_label = fields.Char(
        "Variant",
        copy=False,
        help="Quotations of a deal with a variant label are variants of one proposal: "
        "confirming one cancels the others. Quotations without one are orders of their own.",
    )
    is_chosen_variant = fields.Boolean(
        "Chosen variant",
        readonly=True,
        copy=False,
        help="The client chose this quotation among the deal's variants: it was confirmed.",
    )
    importance = fields.Selection(
        [("low", "Low"), ("normal", "Normal"), ("high", "High")],
        default="normal",
        required=True,
    )
    proposal_state = fields.Selection(
        [
            ("draft", "Draft"),
            ("to_approve", "To approve"),
            ("approved", "Approved"),
            ("sent", "Sent"),
            ("accepted", "Accepted"),
            ("refused", "Refused"),
            ("expired", "Expired"),
        ],
        string="Proposal status",
        compute="_compute_proposal_state",
        store=True,
        readonly=True,
        copy=False,
        index=True,
    )
    approval_required = fields.Boolean(
        compute="_compute_approval_required",
        help="A line's discount or the margin is beyond what the company allows without the "
        "approval of the head of sales.",
    )
    approval_reasons = fields.Char(
        "Why approval",
        compute="_compute_approval_required",
        help="The limits of the company the quotation goes past.",
    )
    approval_outdated = fields.Boolean(
        compute="_compute_approval_required",
        help="The lines went past the discount or the margin the head of sales approved.",
    )
    approval_state = fields.Selection(
        [
            ("none", "Not requested"),
            ("pending", "Waiting for approval"),
            ("approved", "Approved"),
            ("refused", "Refused"),
        ],
        string="Approval",
        default="none",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    approved_by_id = fields.Many2one("res.users", "Approved by", readonly=True, copy=False)
    approved_discount = fields.Float(
        "Approved discount (%)",
        readonly=True,
        copy=False,
        help="The biggest line discount when the head of sales approved the quotation.",
    )
    approved_margin = fields.Float(
        "Approved margin (%)",
        readonly=True,
        copy=False,
        help="The quotation's margin when the head of sales approved it.",
    )

    @api.depends(
        "order_line.discount",
        "order_line.display_type",
        "margin_percent",
        "amount_untaxed",
        "company_id.proposal_max_discount",
        "company_id.proposal_min_margin",
        "approval_state",
        "approved_discount",
        "approved_margin",
    )
    def _compute_approval_required(self):
        for order in self:
            reasons = order._approval_reasons()
            order.approval_required = bool(reasons)
            order.approval_reasons = "; ".join(reasons)
            order.approval_outdated = order.approval_state == "approved" and bool(
                order._beyond_approval_message()
            )

    @api.depends("state", "validity_date", "approval_state", "approval_required")
    def _compute_proposal_state(self):
        today = fields.Date.context_today(self)
        for order in self:
            order.proposal_state = order._proposal_state_on(today)

    def _proposal_state_on(self, today):
        self.ensure_one()
        if self.state == "sale":
            return "accepted"
        if self.state == "cancel":
            return "refused"
        if self.validity_date and self.validity_date < today:
            return "expired"
        if self.state == "sent":
            return "sent"
        if self.approval_state == "approved":
            return "approved"
        return "to_approve" if self.approval_required else "draft"

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        # A default from the context is as much a forged value as one in the values.
        defaults = {key[8:] for key in self.env.context if key.startswith("default_")}
        self._check_can_write_approval(defaults.union(*vals_list))
        self._check_amounts_not_written(defaults.union(*vals_list))
        # A new quotation of a deal is what the deal is now expected to bring.
        orders = super().create(vals_list)
        self.env["crm.lead"]._schedule_document_sync(orders.sudo().opportunity_id.ids)
        return orders

    def write(self, vals):
        self._check_can_write_approval(vals)
        self._check_amounts_not_written(vals)
        # The send button, the mail composer, "mark as sent", the confirmation and a bare
        # RPC call all end in this write: the approval is checked where they meet.
        unapproved = self.browse()
        if vals.get("state") in ("sent", "sale"):
            leaving = self.filtered(lambda o: o.state in OPEN_STATES and o.state != vals["state"])
            if vals["state"] == "sale" and self._confirmed_online():
                unapproved = leaving.filtered(lambda o: o._approval_error_message())
            else:
                leaving._check_approved()
        # Every state change (sent, confirmed, cancelled, back to draft) goes through write;
        # an order moved to another deal changes both deals.
        watched = "state" in vals or "opportunity_id" in vals
        before = set(self.sudo().opportunity_id.ids) if watched else set()
        result = super().write(vals)
        if "order_line" in vals:
            self._drop_outdated_approval()
        unapproved._warn_confirmed_without_approval()
        if watched:
            self.env["crm.lead"]._schedule_document_sync(
                before | set(self.sudo().opportunity_id.ids),
                relinked=self if "opportunity_id" in vals else None,
            )
        return result

    def _serialise_with_documents(self):
        """An order given to another deal (or to one) while its invoice is paid, posted or
        its goods delivered: the document's pass finds the order's deal in its own snapshot
        (REPEATABLE READ), the old one, and the new deal would never follow the document.
        Those documents write the order's lines (quantities delivered and invoiced) or its
        invoices (what is left to pay): a same-value UPDATE of these rows makes the two
        requests conflict, and Odoo replays the second on the first's result."""
        if not self:
            return
        self.env.cr.execute(
            SQL(
                """
                WITH lines AS (
                    UPDATE sale_order_line SET order_id = order_id
                     WHERE order_id = ANY(%(orders)s) RETURNING id
                )
                UPDATE account_move SET state = state
                 WHERE id IN (SELECT invoice_line.move_id
                                FROM lines
                                JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = lines.id
                                JOIN account_move_line invoice_line
                                  ON invoice_line.id = rel.invoice_line_id)
                """,
                orders=self.ids,
            )
        )

    def _check_amounts_not_written(self, field_names):
        if not self.env.su and not COMPUTED_AMOUNTS.isdisjoint(field_names):
            raise UserError(self.env._("An order's amounts follow its lines: change the lines."))

    def _check_can_write_approval(self, field_names):
        if PROTECTED_FIELDS.isdisjoint(field_names) or self.env.su:
            return
        if not self.env.user.has_group(HEAD_GROUP):
            raise AccessError(
                self.env._("Only the head of sales approves quotations and decides their status.")
            )

    # ------------------------------------------------------------
    # Approval rules
    # ------------------------------------------------------------

    def _max_discount(self):
        self.ensure_one()
        return max(
            self.order_line.filtered(lambda line: not line.display_type).mapped("discount"),
            default=0.0,
        )

    def _approval_reasons(self):
        """Why the quotation needs the head of sales, one sentence for each rule it breaks."""
        self.ensure_one()
        company = self.company_id or self.env.company
        reasons = []
        discount = self._max_discount()
        if float_compare(discount, company.proposal_max_discount, precision_digits=2) > 0:
            reasons.append(
                self.env._(
                    "This quotation gives a discount of %(discount)s%% (the company allows "
                    "%(allowed)s%% without approval)",
                    discount=_percent(discount),
                    allowed=_percent(company.proposal_max_discount),
                )
            )
        margin = self.margin_percent * 100
        if (
            company.proposal_min_margin
            and self.amount_untaxed
            and float_compare(margin, company.proposal_min_margin, precision_digits=2) < 0
        ):
            reasons.append(
                self.env._(
                    "The margin of this quotation is %(margin)s%% (the company needs at least "
                    "%(required)s%% without approval)",
                    margin=_percent(margin),
                    required=_percent(company.proposal_min_margin),
                )
            )
        return reasons

    def _approval_error_message(self):
        """Why the quotation cannot leave the salesperson yet, or False."""
        self.ensure_one()
        if self.state not in OPEN_STATES:
            return False
        if self.approval_state == "approved":
            return self._beyond_approval_message()
        reasons = self._approval_reasons()
        if not reasons:
            return False
        if self.approval_state == "pending":
            return self.env._(
                "%(reasons)s: the head of sales has not approved it yet.",
                reasons="; ".join(reasons),
            )
        return self.env._(
            "%(reasons)s: ask the head of sales to approve it.", reasons="; ".join(reasons)
        )

    def _beyond_approval_message(self):
        """The head approved a discount up to, and a margin down to, what the quotation had:
        lines that went past them since, however they changed (a price list's update
        computes discounts without writing them), need a new approval."""
        self.ensure_one()
        discount = self._max_discount()
        margin = self.margin_percent * 100
        beyond = float_compare(discount, self.approved_discount, precision_digits=2) > 0 or (
            self._approval_reasons()
            and float_compare(margin, self.approved_margin, precision_digits=2) < 0
        )
        if not beyond:
            return False
        return self.env._(
            "%(name)s now gives a discount of %(discount)s%% and a margin of %(margin)s%%; the "
            "head of sales approved a discount up to %(approved_discount)s%% and a margin of "
            "%(approved_margin)s%%: ask for a new approval.",
            name=self.name,
            discount=_percent(discount),
            margin=_percent(margin),
            approved_discount=_percent(self.approved_discount),
            approved_margin=_percent(self.approved_margin),
        )

    def _check_approved(self):
        for order in self:
            message = order._approval_error_message()
            if message:
                raise UserError(message)

    def _confirmed_online(self):
        """The client signing or paying on the portal confirms the order as a portal user or
        as the payment's superuser: never refuse that in the client's face."""
        return self.env.su or self.env.user.share

    def _warn_confirmed_without_approval(self):
        """Confirmed online without the approval it needed: the head of sales hears of it."""
        for order in self.sudo():
            note = self.env._(
                "Confirmed by the client online without the approval it needed: %s.",
                "; ".join(order._approval_reasons()),
            )
            order.message_post(body=note, subtype_xmlid="mail.mt_note")
            order.activity_schedule(
                APPROVAL_ACTIVITY, user_id=order._proposal_approver().id, note=note
            )

    def _confirmation_error_message(self):
        message = super()._confirmation_error_message()
        if message or self._confirmed_online():
            return message
        return self._approval_error_message()

    def _drop_outdated_approval(self):
        """The head approved the lines as they were: changed, they need a new approval,
        unless the quotation no longer needs one at all."""
        outdated = self.filtered(
            lambda o: (
                o.state in OPEN_STATES and o.approval_state == "approved" and o.approval_required
            )
        )
        if not outdated:
            return
        outdated.sudo().write(
            {
                "approval_state": "none",
                "approved_by_id": False,
                "approved_discount": 0.0,
                "approved_margin": 0.0,
            }
        )
        for order in outdated:
            order.message_post(
                body=self.env._(
                    "The lines changed after the approval: the quotation needs a new approval."
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _proposal_approver(self):
        """The leader of the sales team if they are a head of sales, else the company's
        first head of sales."""
        self.ensure_one()
        leader = (self.team_id or self.opportunity_id.team_id).sudo().user_id
        if leader and leader.has_group(HEAD_GROUP):
            return leader
        company = self.company_id
        heads = (
            self.env.ref(HEAD_GROUP)
            .sudo()
            .users.filtered(lambda user: not user.share and company in user.company_ids)
        )
        if not heads:
            raise UserError(
                self.env._(
                    "No head of sales can approve this quotation: ask your administrator to "
                    "give someone the Head of sales role."
                )
            )
        return heads.sorted("id")[:1]

    def _check_can_request_approval(self):
        self.ensure_one()
        if self.state not in OPEN_STATES:
            raise UserError(self.env._("Only a quotation is approved, not %s.", self.name))
        if self.approval_state == "pending" or (
            self.approval_state == "approved" and not self.approval_outdated
        ):
            raise UserError(
                self.env._("The approval of %s is already requested or given.", self.name)
            )
        if not self.approval_required:
            raise UserError(
                self.env._("%s needs no approval: you can send it to the client.", self.name)
            )

    def _check_approver(self):
        if not self.env.user.has_group(HEAD_GROUP):
            raise AccessError(self.env._("Only the head of sales approves quotations."))
        closed = self.filtered(lambda o: o.state not in OPEN_STATES)
        if closed:
            raise UserError(
                self.env._(
                    "%s is no longer a quotation: there is nothing to approve.",
                    ", ".join(closed.mapped("name")),
                )
            )

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_quotation_send(self):
        self.filtered(lambda o: o.state in OPEN_STATES)._check_approved()
        return super().action_quotation_send()

    def action_confirm(self):
        result = super().action_confirm()
        self._cancel_other_variants()
        return result

    def action_new_variant(self):
        """Another variant of this quotation for the client to weigh against it: a copy on
        the same deal, both labelled; confirming one of a deal's variants cancels the others."""
        self.ensure_one()
        if not self.opportunity_id or self.state not in OPEN_STATES:
            raise UserError(
                self.env._("Only a quotation of a deal has variants, and %s is none.", self.name)
            )
        if not self.variant_label:
            self.variant_label = self.env._("Variant %s", 1)
        labelled = self.search_count(
            [("opportunity_id", "=", self.opportunity_id.id), ("variant_label", "!=", False)]
        )
        variant = self.copy(
            {
                "opportunity_id": self.opportunity_id.id,
                "variant_label": self.env._("Variant %s", labelled + 1),
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": variant.id,
            "views": [(False, "form")],
        }

    def _cancel_other_variants(self):
        """The confirmed quotation is the variant the client chose: the deal's other open
        variants are cancelled, each saying which one won. A deal's quotations without a
        variant label are orders of their own and stay."""
        chosen = self.filtered(lambda order: order.opportunity_id and order.variant_label).sudo()
        if not chosen:
            return
        chosen.is_chosen_variant = True
        others = self.sudo().search(
            [
                ("opportunity_id", "in", chosen.opportunity_id.ids),
                ("variant_label", "!=", False),
                ("state", "in", OPEN_STATES),
                ("id", "not in", self.ids),
            ]
        )
        for other in others:
            winner = chosen.filtered(lambda o, deal=other.opportunity_id: o.opportunity_id == deal)
            other.message_post(
                body=self.env._(
                    "The client chose %(variant)s: this variant is cancelled.",
                    variant=winner[:1]._variant_name(),
                ),
                subtype_xmlid="mail.mt_note",
            )
        others._action_cancel()

    def _variant_name(self):
        self.ensure_one()
        return f"{self.name} ({self.variant_label})" if self.variant_label else self.name

    def action_request_approval(self):
        """Ask the head of sales to approve the quotations, with a to-do for them."""
        for order in self:
            order._check_can_request_approval()
        for order in self:
            approver = order._proposal_approver()
            reasons = "; ".join(order._approval_reasons())
            order.activity_schedule(APPROVAL_ACTIVITY, user_id=approver.id, note=reasons)
            order.message_post(
                body=self.env._(
                    "Approval requested from %(head)s: %(reasons)s.",
                    head=approver.name,
                    reasons=reasons,
                ),
                subtype_xmlid="mail.mt_note",
            )
        self.sudo().approval_state = "pending"
        return True

    def action_approve(self):
        self._check_approver()
        for order in self:
            order.sudo().write(
                {
                    "approval_state": "approved",
                    "approved_by_id": self.env.user.id,
                    "approved_discount": order._max_discount(),
                    "approved_margin": order.margin_percent * 100,
                }
            )
        feedback = self.env._("Approved")
        self.activity_feedback([APPROVAL_ACTIVITY], feedback=feedback)
        for order in self:
            order.message_post(
                body=self.env._(
                    "Approved by %(head)s: a discount up to %(discount)s%%, a margin of "
                    "%(margin)s%%.",
                    head=self.env.user.name,
                    discount=_percent(order.approved_discount),
                    margin=_percent(order.approved_margin),
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_refuse_approval(self, reason):
        self._check_approver()
        reason = self._check_reason(reason)
        self.sudo().write(
            {
                "approval_state": "refused",
                "approved_by_id": False,
                "approved_discount": 0.0,
                "approved_margin": 0.0,
            }
        )
        self.activity_feedback([APPROVAL_ACTIVITY], feedback=reason)
        for order in self:
            order.message_post(
                body=self.env._(
                    "Approval refused by %(head)s: %(reason)s",
                    head=self.env.user.name,
                    reason=reason,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_refuse_by_client(self, reason):
        """The client turned the sent quotation down: it is cancelled, with their reason."""
        reason = self._check_reason(reason)
        if any(order.state != "sent" for order in self):
            raise UserError(self.env._("Only a quotation sent to the client is refused by them."))
        for order in self:
            order.message_post(
                body=self.env._("Refused by the client: %s", reason),
                subtype_xmlid="mail.mt_note",
            )
        return self._action_cancel()

    def _check_reason(self, reason):
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Give the reason of the refusal."))
        return reason

    @api.model
    def _cron_expire_proposals(self):
        """The validity date passes without any write to the quotation: every night the
        quotations past it expire, all in one write."""
        expired = self.sudo().search(
            [
                ("state", "in", OPEN_STATES),
                ("validity_date", "<", fields.Date.context_today(self)),
                ("proposal_state", "!=", "expired"),
            ]
        )
        expired.write({"proposal_state": "expired"})

    def _amount_total_in_words(self):
        """The total in words, in the client's language, as a commercial proposal states it."""
        self.ensure_one()
        lang = self.partner_id.lang or self.env.lang
        return self.currency_id.with_context(lang=lang).amount_to_text(self.amount_total)
