from collections import defaultdict
from dataclasses import dataclass

import psycopg2

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

# Days overdue a notice may ask for at most: a hundred years.
MAX_OVERDUE_DAYS = 36_500


@dataclass(frozen=True)
class Debt:
    """What a client owes overdue, for how long at most, and whose client it is."""

    amount: float
    days: int
    user_id: int


class ReceivablesNotifyWizard(models.TransientModel):
    """Select debtors by any filter, preview each notice, send them."""

    _name = "receivables.notify.wizard"
    _description = "Debtor notification"

    # Who
    min_overdue_days = fields.Integer("Overdue for at least (days)", default=1)
    min_amount = fields.Monetary("Overdue amount at least", currency_field="currency_id")
    user_ids = fields.Many2many("res.users", string="Salespeople", domain="[('share', '=', False)]")
    team_ids = fields.Many2many("crm.team", string="Sales teams")
    category_ids = fields.Many2many("res.partner.category", string="Client tags")
    partner_domain = fields.Char("Clients matching", default="[]")
    currency_id = fields.Many2one("res.currency", default=lambda self: self.env.company.currency_id)

    # How
    template_id = fields.Many2one(
        "mail.template",
        string="E-mail template",
        domain="[('model', '=', 'res.partner'), ('receivables_debtor_notice', '=', True)]",
        default=lambda self: self.env.ref(
            "receivables.mail_template_debtor_notice", raise_if_not_found=False
        ),
        required=True,
    )
    send_sms = fields.Boolean(
        "Also by SMS", help="Where Odoo's SMS module is installed and the client has a mobile."
    )
    sms_available = fields.Boolean(default=lambda self: "sms.sms" in self.env)
    force = fields.Boolean(
        "Send again today", help="Clients are notified once a day at most unless this is ticked."
    )

    line_ids = fields.One2many("receivables.notify.line", "wizard_id", string="Debtors")

    @api.constrains("partner_domain")
    def _check_partner_domain(self):
        for wizard in self:
            wizard._partner_domain()

    @api.constrains("template_id")
    def _check_template_is_a_debtor_notice(self):
        """The notices are rendered and posted as the engine: a template on another model
        (a password reset's, say) would post its secrets where the sender reads them."""
        for wizard in self:
            template = wizard.template_id
            if template.model != "res.partner" or not template.receivables_debtor_notice:
                raise ValidationError(
                    self.env._("Debtor notices use a debtor notice template on contacts.")
                )

    @api.constrains("min_overdue_days")
    def _check_min_overdue_days(self):
        if any(not 0 <= wizard.min_overdue_days <= MAX_OVERDUE_DAYS for wizard in self):
            raise ValidationError(self.env._("Days overdue go from 0 to %s.", MAX_OVERDUE_DAYS))

    def _partner_domain(self):
        """The client filter as a domain on clients; a clear error when it is not one."""
        text = self.partner_domain or "[]"
        try:
            domain = safe_eval(text)
            if not isinstance(domain, list | tuple):
                raise ValueError(self.env._("a filter is a list of conditions"))
            query = self.env["res.partner"]._search(domain)
            # Run once, to its first row: a value its column refuses is told here.
            with self.env.cr.savepoint(flush=False):
                self.env.execute_query(SQL("%s LIMIT 1", query.select(SQL("1"))))
        except (
            ValueError, TypeError, KeyError, SyntaxError, NameError, AssertionError,
            ArithmeticError, psycopg2.DataError, psycopg2.ProgrammingError,
        ) as error:  # fmt: skip
            raise ValidationError(
                self.env._(
                    "The client filter %(filter)s is not valid: %(error)s",
                    filter=text,
                    error=error,
                )
            ) from error
        return list(domain)

    def action_select(self):
        """Fill the list with the debtors matching the filters, from the aging in SQL.

        Clients without an e-mail address are listed as such and left unselected."""
        self.ensure_one()
        debtors = self._debtors()
        partners = self.env["res.partner"].browse(debtors)
        today = fields.Date.context_today(self)
        self.line_ids = [Command.clear()] + [
            Command.create(
                {
                    "partner_id": partner.id,
                    "amount_overdue": debtors[partner.id].amount,
                    "max_days_overdue": debtors[partner.id].days,
                    "user_id": debtors[partner.id].user_id,
                    "selected": bool(partner.email)
                    and (self.force or partner.debt_notice_date != today),
                    "state": False if partner.email else "no_email",
                }
            )
            for partner in partners.sorted(lambda p: -debtors[p.id].amount)
        ]
        return self._reopen()

    def _debtors(self):
        """{partner_id: Debt} for the filters, from one grouped query on the netted aging."""
        domain = [
            ("company_id", "=", self.env.company.id),
            ("days_overdue", ">=", max(self.min_overdue_days, 1)),
        ]
        if self.user_ids:
            domain.append(("user_id", "in", self.user_ids.ids))
        if self.team_ids:
            domain.append(("team_id", "in", self.team_ids.ids))
        partner_domain = self._partner_domain()
        if self.category_ids:
            partner_domain = [*partner_domain, ("category_id", "in", self.category_ids.ids)]
        if partner_domain:
            domain.append(("partner_id", "any", partner_domain))
        by_user = defaultdict(list)
        for partner, user, amount, days in self.env["receivables.aging.report"]._read_group(
            domain, ["partner_id", "user_id"], ["amount_open:sum", "days_overdue:max"]
        ):
            by_user[partner.id].append((amount, days, user.id))
        debts = {
            partner_id: Debt(
                amount=sum(amount for amount, _days, _user in groups),
                days=max(days for _amount, days, _user in groups),
                # The client's salesperson, else the one whose invoices weigh most.
                user_id=max(groups, key=lambda group: group[0])[2],
            )
            for partner_id, groups in by_user.items()
        }
        currency = self.env.company.currency_id
        minimum = max(self.min_amount, 0.0)
        return {
            partner_id: debt
            for partner_id, debt in debts.items()
            if partner_id
            and currency.compare_amounts(debt.amount, minimum) >= 0
            and currency.compare_amounts(debt.amount, 0.0) > 0
        }

    def action_send(self):
        """Send the selected notices; a client notified today is skipped unless forced."""
        self.ensure_one()
        lines = self.line_ids.filtered("selected")
        if not lines:
            raise UserError(self.env._("Select at least one debtor to notify."))
        today = fields.Date.context_today(self)
        without_email = lines.filtered(lambda line: not line.partner_id.email)
        skipped = (lines - without_email).filtered(
            lambda line: not self.force and line.partner_id.debt_notice_date == today
        )
        to_send = (lines - skipped - without_email).partner_id
        # Billing users may not write partners: the notice is posted as the engine, with
        # the accountant as author, once the wizard's own access has been checked.
        for partner in to_send.sudo():
            partner.message_post_with_source(
                self.template_id,
                subtype_xmlid="mail.mt_comment",
                partner_ids=partner.ids,
            )
        if self.send_sms and self.sms_available:
            self._send_sms(to_send.sudo())
        to_send.sudo().write({"debt_notice_date": today})
        (lines - skipped - without_email).write({"state": "sent"})
        skipped.write({"state": "skipped"})
        without_email.write({"state": "no_email"})
        return self._reopen()

    def _send_sms(self, partners):
        for partner in partners.filtered(lambda p: p.mobile or p.phone):
            body = self.env._(
                "%(company)s: your overdue debt is %(amount)s. Please pay at your earliest convenience.",
                company=self.env.company.name,
                amount=partner.receivable_overdue_amount,
            )
            partner._message_sms(body, partner_ids=partner.ids)

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Debtor notices"),
        }


class ReceivablesNotifyLine(models.TransientModel):
    _name = "receivables.notify.line"
    _description = "Debtor to notify"
    _order = "amount_overdue desc"

    wizard_id = fields.Many2one("receivables.notify.wizard", required=True, ondelete="cascade")
    partner_id = fields.Many2one("res.partner", required=True, string="Client")
    email = fields.Char(related="partner_id.email")
    user_id = fields.Many2one("res.users", string="Salesperson")
    debt_notice_date = fields.Date(related="partner_id.debt_notice_date")
    currency_id = fields.Many2one(related="wizard_id.currency_id")
    amount_overdue = fields.Monetary(currency_field="currency_id", string="Overdue")
    max_days_overdue = fields.Integer("Days overdue")
    selected = fields.Boolean("Notify")
    state = fields.Selection(
        [
            ("sent", "Sent"),
            ("skipped", "Already notified today"),
            ("no_email", "No e-mail address"),
        ],
        readonly=True,
    )
    preview = fields.Html(compute="_compute_preview", sanitize=False)

    @api.depends("partner_id", "wizard_id.template_id")
    def _compute_preview(self):
        for line in self:
            template = line.wizard_id.template_id
            if not template or not line.partner_id:
                line.preview = False
                continue
            line.preview = template._render_field(
                "body_html", line.partner_id.ids, compute_lang=True
            )[line.partner_id.id]

    def action_preview(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(self.env.ref("receivables.receivables_notify_line_view_form").id, "form")],
            "target": "new",
            "name": self.env._("Notice to %(client)s", client=self.partner_id.display_name),
        }

    def action_back(self):
        """Back to the list of debtors, as it was left."""
        return self.wizard_id._reopen()
