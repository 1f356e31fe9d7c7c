import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.service.model import (
    MAX_TRIES_ON_CONCURRENCY_FAILURE,
    PG_CONCURRENCY_EXCEPTIONS_TO_RETRY,
)
from odoo.tools import SQL

from .res_partner_status_log import CLIENT_STATUSES

_logger = logging.getLogger(__name__)

# Decided by the rules alone (recompute_client_status, the ABC ranking), never written by a
# user.
CLIENT_STATUS_FIELDS = frozenset(
    ("client_status", "client_status_date", "client_first_sale_date", "client_last_sale_date")
)
ABC_FIELDS = frozenset(("abc_class", "abc_revenue"))
DECIDED_FIELDS = (
    CLIENT_STATUS_FIELDS
    | ABC_FIELDS
    | {
        "last_contact_date",
        "salesperson_since",
        "is_qualified",
        "qualified_date",
        "qualification_days",
    }
)
# Who works the client: the head of sales' decision, never a salesperson's.
OWNER_FIELDS = frozenset(("hunter_id", "farmer_id", "client_team_id"))
# How often the client is to be contacted: the head of sales' decision too.
HEAD_FIELDS = OWNER_FIELDS | {"contact_norm_days"}
# What the contact merge writes on the merged client goes through ``write`` with this
# object in the context: an object, not a flag, because a context sent over RPC is JSON
# and cannot hold it.
MERGE_WRITE = object()
ABC_CLASSES = [("a", "A: key client"), ("b", "B: standard client"), ("c", "C: small client")]


class ResPartner(models.Model):
    _inherit = "res.partner"

    # The status, the ABC class and the qualification have no index: a handful of values
    # over all the partners, which a search reads whole anyway. Each index costs every
    # rewritten partner row an entry, and a change of an indexed column rewrites the row
    # into every index; with none of them indexed, a decision rewrites its rows in place
    # where their page has room (PostgreSQL's HOT update).
    client_status = fields.Selection(
        CLIENT_STATUSES,
        default="potential",
        required=True,
        readonly=True,
        copy=False,
        help="Decided by the sales rules from the client's posted invoices, net of their "
        "credit notes: potential (never bought), new (first sale within the company's days "
        "as new), regular, lost (no sale for the company's days without a sale).",
    )
    client_status_date = fields.Date("Status since", readonly=True, copy=False)
    client_first_sale_date = fields.Date("First sale", readonly=True, copy=False)
    client_last_sale_date = fields.Date("Last sale", readonly=True, copy=False)
    hunter_id = fields.Many2one(
        "res.users",
        copy=False,
        index=True,
        tracking=True,
        help="The salesperson who found the client: whoever held them at their first sale, "
        "unless the head of sales decided otherwise.",
    )
    farmer_id = fields.Many2one(
        "res.users",
        copy=False,
        index=True,
        tracking=True,
        help="The salesperson who grows the client once they buy: the hunter hands the client "
        "over to them.",
    )
    salesperson_since = fields.Date(
        "With the salesperson since",
        readonly=True,
        copy=False,
        help="The day the current salesperson got the client.",
    )
    client_team_id = fields.Many2one(
        "crm.team",
        string="Team queue",
        copy=False,
        help="The team that works the client while no salesperson holds them (a call centre, "
        "another department).",
    )
    client_assignment_log_ids = fields.One2many(
        "res.partner.assignment.log", "partner_id", string="Moves", readonly=True
    )
    is_sales_head = fields.Boolean(compute="_compute_is_sales_head")
    abc_class = fields.Selection(
        ABC_CLASSES,
        string="ABC class",
        readonly=True,
        copy=False,
        help="Decided every night from the last twelve months' revenue: the clients who bring "
        "the company's share of A clients (80%), the biggest first, are A; the next share "
        "(15%) B; the others who bought C. A client who never bought has none.",
    )
    abc_revenue = fields.Monetary(
        "Revenue, 12 months",
        currency_field="company_currency_id",
        # The head's and the accountants': a salesperson could read every colleague's
        # clients' revenue (and, grouped, each colleague's), not only their own.
        groups="sales_team.group_sale_manager,account.group_account_invoice",
        readonly=True,
        copy=False,
        help="Posted invoices less credit notes over the twelve months the ABC class was "
        "decided on, in the company currency.",
    )
    contact_norm_days = fields.Integer(
        "Own contact norm (days)",
        copy=False,
        help="Days between two contacts with this client; 0: the company's norm for the "
        "client's ABC class.",
    )
    contact_interval_days = fields.Integer(
        "Contact every (days)",
        compute="_compute_contact_interval_days",
        help="The client's own contact norm, else the company's for its ABC class.",
    )
    last_contact_date = fields.Date(
        "Last contact",
        readonly=True,
        copy=False,
        help="The last day an activity on the client, or on one of their deals, was done.",
    )
    is_abandoned = fields.Boolean(
        "Abandoned",
        compute="_compute_is_abandoned",
        search="_search_is_abandoned",
        help="A client with a salesperson and nothing planned, or not contacted for longer "
        "than their contact norm (since they were created, if never).",
    )
    company_currency_id = fields.Many2one(
        "res.currency", compute="_compute_company_currency_id", string="Company currency"
    )
    client_status_log_ids = fields.One2many(
        "res.partner.status.log", "partner_id", string="Status history", readonly=True
    )
    potential_ids = fields.One2many(
        "res.partner.potential",
        "partner_id",
        string="Potentials",
        groups="sales_team.group_sale_salesman,account.group_account_invoice",
    )
    potential_amount = fields.Monetary(
        "Potential this year",
        currency_field="company_currency_id",
        compute="_compute_potential_amount",
        groups="sales_team.group_sale_salesman,account.group_account_invoice",
    )

    portrait_answer_ids = fields.One2many(
        "res.partner.portrait.answer",
        "partner_id",
        string="Portrait",
        groups="sales_team.group_sale_salesman,account.group_account_invoice",
    )
    is_qualified = fields.Boolean(
        "Qualified",
        readonly=True,
        copy=False,
        help="Decided from the client's portrait: every question of their company's portrait "
        "required for qualification is answered.",
    )
    qualified_date = fields.Date(
        "Qualified on",
        readonly=True,
        copy=False,
        help="The day the client was qualified; cleared when they lose the qualification.",
    )
    qualification_days = fields.Integer(
        "Days to qualify",
        readonly=True,
        copy=False,
        aggregator="avg",
        help="Days from the client's creation, or from the day their current salesperson got "
        "them if later, to their qualification.",
    )

    @api.depends("potential_ids.year", "potential_ids.amount_total")
    def _compute_potential_amount(self):
        year = fields.Date.context_today(self).year
        for partner in self:
            this_year = partner.potential_ids.filtered(lambda potential: potential.year == year)
            partner.potential_amount = sum(this_year.mapped("amount_total"))

    @api.depends("contact_norm_days", "abc_class")
    @api.depends_context("company")
    def _compute_contact_interval_days(self):
        for partner in self:
            company = partner.company_id or self.env.company
            partner.contact_interval_days = (
                partner.contact_norm_days
                or company[
                    f"active_sales_contact_days_{partner.abc_class}"
                    if partner.abc_class
                    else "active_sales_contact_days"
                ]
            )

    @api.depends_context("company")
    def _compute_is_abandoned(self):
        abandoned = self.search([("id", "in", self.ids), ("is_abandoned", "=", True)])
        for partner in self:
            partner.is_abandoned = partner in abandoned

    def _search_is_abandoned(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Search abandoned clients with “is set” or “is not set”."))
        abandoned = (operator == "=") == value
        clients = SQL("(%s)", self._abandoned_clients_sql())
        return [("id", "in" if abandoned else "not in", clients)]

    @api.model
    def _abandoned_clients_sql(self):
        """The clients with a salesperson who have no open activity, or whose last contact
        (their creation, if never) is older than their contact norm."""
        return SQL("SELECT client.id FROM res_partner client WHERE %s", self._is_abandoned_sql())

    @api.model
    def _is_abandoned_sql(self, every_client=False):
        """Whether ``client`` (a row of res_partner) is abandoned, as an SQL condition that a
        report reading its clients tests on each row, with no second pass over them. A few
        clients look their open activities up in its index; ``every_client`` (a report over
        the whole base) hashes the clients with one once instead."""
        self.flush_model(
            ["commercial_partner_id", "company_id", "user_id", "active", "abc_class",
             "contact_norm_days", "last_contact_date"]
        )  # fmt: skip
        self.env["mail.activity"].flush_model(["res_model", "res_id", "active"])
        return SQL(
            """client.id = client.commercial_partner_id
               AND client.user_id IS NOT NULL
               AND (%(nothing_planned)s
                    OR COALESCE(client.last_contact_date, client.create_date::date)
                       + %(norm)s < %(today)s)""",
            nothing_planned=self._nothing_planned_sql(every_client),
            norm=self._contact_norm_sql(),
            today=fields.Date.context_today(self),
        )

    @api.model
    def _nothing_planned_sql(self, every_client):
        """Whether ``client`` has no open activity."""
        if every_client:
            return SQL(
                """client.id NOT IN (SELECT activity.res_id FROM mail_activity activity
                                      WHERE activity.res_model = 'res.partner'
                                        AND activity.res_id IS NOT NULL AND activity.active)"""
            )
        return SQL(
            """NOT EXISTS (SELECT 1 FROM mail_activity activity
                            WHERE activity.res_model = 'res.partner'
                              AND activity.res_id = client.id AND activity.active)"""
        )

    @api.model
    def _contact_norm_sql(self):
        """The days between two contacts with ``client``: their own norm, else their
        company's (the active one's for a client shared by every company) for their ABC
        class. The companies' norms are constants of the statement, not a join."""
        # Archived companies too: their clients keep their norms.
        companies = (
            self.env["res.company"].sudo().with_context(active_test=False).search([])  # pylint: disable=no-search-all
        )
        by_company = SQL(" ").join(
            SQL(
                """WHEN %s THEN CASE client.abc_class WHEN 'a' THEN %s WHEN 'b' THEN %s
                                                      WHEN 'c' THEN %s ELSE %s END""",
                company.id,
                company.active_sales_contact_days_a,
                company.active_sales_contact_days_b,
                company.active_sales_contact_days_c,
                company.active_sales_contact_days,
            )
            for company in companies
        )
        return SQL(
            "COALESCE(NULLIF(client.contact_norm_days, 0), CASE COALESCE(client.company_id, %s) %s END)",
            self.env.company.id,
            by_company,
        )

    @api.model
    def _overdue_sql(self, date):
        """Whether ``client`` is held too long on ``date``, as an SQL condition: a potential
        client by their salesperson past the company's days; a buyer with a farmer, by the
        hunter who found them, at once if regular, past the company's days if new."""
        company = self.env.company
        return SQL(
            """CASE client.client_status
                    WHEN 'potential'
                        THEN %(date)s - client.salesperson_since > %(max_potential)s
                    WHEN 'new'
                        THEN client.user_id = client.hunter_id AND client.farmer_id <> client.user_id
                             AND %(date)s - client.client_status_date > %(max_new)s
                    WHEN 'regular'
                        THEN client.user_id = client.hunter_id AND client.farmer_id <> client.user_id
               END IS TRUE""",
            date=date,
            max_potential=company.active_sales_max_potential_days,
            max_new=company.active_sales_max_new_days,
        )

    def _record_contact(self, activity_type, user):
        """A contact with these clients today: remembered, and the next one planned per
        their norm for those with nothing else planned. Only a contact by the client's
        salesperson, by anyone in sales for a client nobody holds, or by the head of sales
        counts: anyone else's activity done on the client is no sales contact."""
        today = fields.Date.context_today(self)
        clients = self._contacted_by_sales(self.env.user)
        clients.sudo().write({"last_contact_date": today})
        for client in clients.filtered(lambda partner: not partner.activity_ids):
            client.activity_schedule(
                activity_type_id=activity_type.id,
                date_deadline=today + timedelta(days=client.contact_interval_days),
                summary=self.env._("Contact per the norm"),
                user_id=(client.user_id or user).id,
            )

    def _contacted_by_sales(self, user):
        """Those of these clients whose contact by ``user`` counts (the engine's counts for
        all of them)."""
        if user._is_superuser() or user.has_group("sales_team.group_sale_manager"):
            return self
        salesperson = user.has_group("sales_team.group_sale_salesman")
        return self.filtered(
            lambda client: (
                client.sudo().user_id == user or (salesperson and not client.sudo().user_id)
            )
        )

    @api.depends_context("uid")
    def _compute_is_sales_head(self):
        self.is_sales_head = self.env.user.has_group("sales_team.group_sale_manager")

    @api.depends_context("company")
    def _compute_company_currency_id(self):
        self.company_currency_id = self.env.company.currency_id

    @api.model_create_multi
    def create(self, vals_list):
        today = fields.Date.context_today(self)
        for vals in vals_list:
            # Defaults come in too (a user's partner gets them from default_get): only a
            # status other than a new client's is refused.
            given = {
                name: value for name, value in vals.items() if value not in ("potential", False)
            }
            self._check_client_status_untouched(given)
            self._check_owners_set_by_head(given)
            if vals.get("parent_id") and not vals.get("is_company"):
                # A new contact of a client takes the client's status, as decided once any
                # decision being made at this moment is through.
                client = self.browse(vals["parent_id"]).sudo().commercial_partner_id
                client._serialise_client_decisions()
                vals.update({name: client[name] for name in DECIDED_FIELDS})
            elif vals.get("user_id"):
                vals["salesperson_since"] = today
        partners = super().create(vals_list)
        self._log_client_moves(
            [
                {"partner_id": client.id, "move": "assign", "new_user_id": client.user_id.id}
                for client in partners._clients().filtered("user_id")
            ]
        )
        return partners

    def write(self, vals):
        if self.env.context.get("client_status_merge") is MERGE_WRITE:
            vals = self._merged_values(vals)
        self._check_owners_set_by_head(vals)
        self._check_client_status_untouched(vals)
        moves = self._client_moves(vals)
        self._check_moves_by_head(moves)
        self._check_others_clients_kept(vals)
        result = super().write(vals)
        self._restart_salesperson_since(moves)
        self._log_client_moves(moves)
        if "parent_id" in vals or "is_company" in vals:
            self._serialise_client_decisions()
            self._recompute_client_status()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_held_clients(self):
        """Deleting a client loses them and their history, more than archiving them: the
        head of sales' decision too (a merge deletes the clients it merged away)."""
        if self._is_sales_head_user() or self.env.context.get("client_merge") is MERGE_WRITE:
            return
        held = self._clients()._sales_clients().filtered("user_id")
        if held:
            raise UserError(
                self.env._(
                    "Only the head of sales deletes a client a salesperson holds: %(clients)s",
                    clients=", ".join(held.mapped("display_name")),
                )
            )

    def _clients(self):
        return self.filtered(lambda partner: partner.commercial_partner_id == partner)

    def _check_others_clients_merged(self):
        """A merge takes the merged clients' invoices, history and potentials into one: with
        another salesperson's client, that is taking the client, the head's decision."""
        if self._is_sales_head_user():
            return
        if theirs := self._others_clients():
            raise UserError(
                self.env._(
                    "Only the head of sales merges another salesperson's client: %(clients)s",
                    clients=", ".join(theirs.mapped("display_name")),
                )
            )

    def _others_clients(self):
        """The clients among these partners that another salesperson than the user holds."""
        user = self.env.user
        return (
            self._clients()
            .filtered(lambda client: client.user_id and client.user_id != user)
            ._sales_clients()
        )

    def _merged_values(self, vals):
        """What the contact merge may write on the merged client: never the decided
        figures (its status follows from the invoices it now has, decided once they are
        moved); who works the client, only when the head of sales merges (else the merged
        client keeps its own)."""
        kept = DECIDED_FIELDS
        if not self._is_sales_head_user():
            kept = kept | OWNER_FIELDS | {"user_id"}
        return {name: value for name, value in vals.items() if name not in kept}

    def _is_sales_head_user(self):
        return self.env.su or self.env.user.has_group("sales_team.group_sale_manager")

    def _client_moves(self, vals):
        """The moves a write of ``vals`` makes, as log values: each client whose salesperson
        or team queue changes, or who is archived or restored. The ``client_move`` context
        says why (a handover, a reassignment); by default an assignment."""
        today = fields.Date.context_today(self)
        moves = []
        for client in self._clients():
            if client._is_moved_by(vals):
                move = self.env.context.get("client_move", "assign")
                new_user_id = vals.get("user_id", client.user_id.id) or False
            elif "active" in vals and client.active != bool(vals["active"]):
                move = "restore" if vals["active"] else "archive"
                new_user_id = client.user_id.id
            else:
                continue
            moves.append(
                {
                    "partner_id": client.id,
                    "move": move,
                    "old_user_id": client.user_id.id,
                    "new_user_id": new_user_id,
                    "team_id": vals.get("client_team_id", client.client_team_id.id),
                    "days_held": client.salesperson_since
                    and (today - client.salesperson_since).days,
                }
            )
        return moves

    @api.model
    def _init_salesperson_since(self):
        self.env.cr.execute(
            """UPDATE res_partner SET salesperson_since = create_date::date
                WHERE user_id IS NOT NULL AND salesperson_since IS NULL"""
        )

    def _is_moved_by(self, vals):
        return any(
            name in vals and self[name].id != (vals[name] or False)
            for name in ("user_id", "client_team_id")
        )

    def _restart_salesperson_since(self, moves):  # pylint: disable=missing-return
        moved = self.browse(
            move["partner_id"] for move in moves if move["old_user_id"] != move["new_user_id"]
        )
        if moved:
            # Past this class's write: the date is decided here, not given.
            super(ResPartner, moved).write(  # pylint: disable=super-method-mismatch
                {"salesperson_since": moved[:1].user_id and fields.Date.context_today(self)}
            )

    def _log_client_moves(self, moves):
        if moves:
            self.env["res.partner.assignment.log"].sudo().create(moves)

    def _check_owners_set_by_head(self, vals):
        if not HEAD_FIELDS & vals.keys() or self._is_sales_head_user():
            return
        raise UserError(
            self.env._(
                "Only the head of sales decides a client's hunter, farmer, team queue and "
                "contact norm."
            )
        )

    def _sales_clients(self):
        """Those of these partners the sales department holds: not internal users', not
        companies' own (one query for the companies, whatever the number of partners). A
        client with portal access is a client all the same."""
        partners = self.sudo().with_context(active_test=False)
        companies = self.env["res.company"].sudo().search([("partner_id", "in", self.ids)])
        held = (
            partners.filtered(lambda partner: not partner.user_ids.filtered(
                lambda user: not user.share
            ))
            - companies.partner_id
        )  # fmt: skip
        return self & held

    def _check_others_clients_kept(self, vals):
        """Another salesperson's client stays in its company and stays a client (not a
        contact of another): the head of sales' decision, like moving it."""
        if not {"company_id", "parent_id"} & vals.keys() or self._is_sales_head_user():
            return
        theirs = self._others_clients().filtered(
            lambda client: (
                client.company_id.id != vals.get("company_id", client.company_id.id)
                or client.parent_id.id != vals.get("parent_id", client.parent_id.id)
            )
        )
        if theirs:
            raise UserError(
                self.env._(
                    "Only the head of sales moves another salesperson's client to another "
                    "company or under another client: %(clients)s",
                    clients=", ".join(theirs.mapped("display_name")),
                )
            )

    def _check_moves_by_head(self, moves):
        """A client goes to another salesperson, or to the archive, by the head of sales'
        decision; a salesperson may only take a client nobody holds. The partners of users
        and of companies are not the sales department's: archiving a user moves theirs."""
        if not moves or self._is_sales_head_user():
            return
        user = self.env.user
        taker = user.has_group("sales_team.group_sale_salesman")
        moved = self.browse(
            move["partner_id"]
            for move in moves
            if move["old_user_id"]
            or move["new_user_id"] != user.id
            or move["move"] != "assign"
            or not taker
        )
        moved = moved._sales_clients()
        if moved:
            raise UserError(
                self.env._(
                    "Only the head of sales gives a client to another salesperson or archives "
                    "them; you may take a client nobody holds. Clients: %(clients)s",
                    clients=", ".join(moved.mapped("display_name")),
                )
            )

    @api.constrains("contact_norm_days")
    def _check_contact_norm_days(self):
        if any(partner.contact_norm_days < 0 for partner in self):
            raise ValidationError(self.env._("A contact norm cannot be negative."))

    def _check_client_status_untouched(self, vals):
        if self.env.su or not DECIDED_FIELDS & vals.keys():
            return
        raise UserError(
            self.env._(
                "A client's status is decided by the sales rules from their invoices; "
                "it cannot be set by hand."
            )
        )

    # ------------------------------------------------------------
    # CLIENT STATUS
    # ------------------------------------------------------------

    def recompute_client_status(self):
        """Decide the status of the clients of these partners as of today (see
        ``_recompute_client_status``). Callable by whoever may edit them; the date is not
        the caller's to choose."""
        self.check_access("write")
        return self._recompute_client_status()

    def _recompute_client_status(self, date=None):
        """Decide the status of the clients of these partners (their commercial partners,
        and every contact of those) as of ``date`` (default today), in one SQL statement,
        and log each change.

        A sale is a posted customer invoice dated on or before the date that its posted
        credit notes do not cancel. Potential: no sale. Lost: the last sale more than the
        company's days without a sale ago. New: the first sale at most the company's days
        as new ago. Regular: the others. The thresholds are those of the client's company,
        else of the main one. Whoever holds a client at their first sale becomes their
        hunter, unless they have one."""
        if not self:
            return True
        self._flush_client_decisions()
        date = fields.Date.to_date(date) or fields.Date.context_today(self)
        self.env.execute_query(self._client_status_query(date))
        self.invalidate_model([*CLIENT_STATUS_FIELDS, "hunter_id"])
        self.env["res.partner.status.log"].invalidate_model()
        return True

    @api.model
    def _flush_client_decisions(self):
        """What the client decisions read: invoices, clients, thresholds, portraits."""
        self.env["account.move"].flush_model(
            ["move_type", "state", "invoice_date", "commercial_partner_id", "amount_total_signed",
             "amount_untaxed_signed", "reversed_entry_id", "company_id"]
        )  # fmt: skip
        self.flush_model(
            ["commercial_partner_id", "is_company", "parent_id", "company_id", "user_id",
             "hunter_id", *CLIENT_STATUS_FIELDS, *ABC_FIELDS]
        )  # fmt: skip
        self.env["res.company"].flush_model(["active_sales_new_days", "active_sales_lost_days"])
        self.env["res.partner.portrait.answer"].flush_model(
            ["partner_id", "question_id", "option_id", "is_answered"]
        )
        self.env["res.partner.portrait.option"].flush_model(["abc_class"])
        self.env["res.partner.portrait.question"].flush_model(["active"])

    def _serialise_client_decisions(self):
        """Make two requests deciding the status of one client conflict, so that Odoo
        replays the second on the first's result. The status statement writes nothing when
        a request's own snapshot (REPEATABLE READ) decides no change: a credit note and a
        new invoice of one client posted at once would each keep the status it saw. A
        same-value UPDATE is a write: whichever request comes second fails to serialise. A
        row lock would not do: a request that only locked commits without a trace."""
        clients = self.commercial_partner_id
        if clients:
            self.env.cr.execute(
                SQL(
                    "UPDATE res_partner SET client_status = client_status WHERE id = ANY(%s)",
                    clients.ids,
                )
            )

    def _client_status_query(self, date):
        """Decide, log and write the status of the clients of these partners."""
        return SQL(
            """
            WITH clients AS (
                SELECT DISTINCT %(client_columns)s
                  FROM res_partner partner
                  JOIN res_partner client ON client.id = partner.commercial_partner_id
                 WHERE partner.id = ANY(%(ids)s)
            ), %(status)s, %(logged)s
            UPDATE res_partner partner
               SET %(assignments)s
              FROM decided
             WHERE partner.commercial_partner_id = decided.id
               AND (%(written)s) IS DISTINCT FROM (%(deciding)s)
            """,
            ids=self.ids,
            client_columns=self._client_columns_sql(),
            status=self._status_ctes(date),
            logged=self._status_log_cte(date),
            assignments=self._status_assignments(date),
            written=self._status_written(),
            deciding=self._status_deciding(),
        )

    @api.model
    def _client_columns_sql(self):
        """What the CTE ``clients`` reads of each ``client``, so that the decision and its
        log never look the client up again."""
        return SQL(
            "client.id, client.user_id, client.company_id, client.client_status AS old_status"
        )

    @api.model
    def _status_ctes(self, date, every_client=False):
        """``sales`` and ``decided``: each client of the CTE ``clients`` (columns of
        ``_client_columns_sql``), their first and last sales and their status as of
        ``date``, by their company's thresholds (the main company's for a client shared by
        every company).

        A few clients' sales are looked up client by client, each invoice's credit notes
        through their index; ``every_client`` (the nightly decision of a whole company)
        reads every sale in one pass and the credit notes hashed once instead."""
        joins, credited = self._sales_reading(every_client)
        return SQL(
            """
            sales AS (
                SELECT invoice.commercial_partner_id AS id,
                       MIN(invoice.invoice_date) AS first_sale,
                       MAX(invoice.invoice_date) AS last_sale
                  FROM account_move invoice
                  %(joins)s
                 WHERE invoice.move_type = 'out_invoice'
                   AND invoice.state = 'posted'
                   AND invoice.invoice_date <= %(date)s
                   AND invoice.amount_total_signed + %(credited)s > 0
              GROUP BY invoice.commercial_partner_id
            ), decided AS (
                SELECT clients.id, clients.user_id, clients.old_status,
                       sales.first_sale, sales.last_sale,
                       CASE WHEN sales.id IS NULL THEN 'potential'
                            WHEN sales.last_sale < %(date)s::date - COALESCE(
                                own.active_sales_lost_days, shared.active_sales_lost_days)
                                THEN 'lost'
                            WHEN sales.first_sale >= %(date)s::date - COALESCE(
                                own.active_sales_new_days, shared.active_sales_new_days)
                                THEN 'new'
                            ELSE 'regular' END AS status
                  FROM clients
                  JOIN res_company shared ON shared.id = %(shared_company)s
             LEFT JOIN res_company own ON own.id = clients.company_id
             LEFT JOIN sales ON sales.id = clients.id
            )
            """,
            date=date,
            shared_company=self._shared_clients_company().id,
            joins=joins,
            credited=credited,
        )

    @api.model
    def _sales_reading(self, every_client):
        """How ``sales`` reads the invoices: its joins, and what credit notes take off
        each invoice."""
        if not every_client:
            return (
                SQL("JOIN clients ON clients.id = invoice.commercial_partner_id"),
                SQL(
                    """COALESCE((SELECT SUM(credit.amount_total_signed)
                                   FROM account_move credit
                                  WHERE credit.reversed_entry_id = invoice.id
                                    AND credit.move_type = 'out_refund'
                                    AND credit.state = 'posted'), 0)"""
                ),
            )
        return (
            SQL(
                """LEFT JOIN (SELECT credit.reversed_entry_id AS id,
                                     SUM(credit.amount_total_signed) AS amount
                                FROM account_move credit
                               WHERE credit.move_type = 'out_refund' AND credit.state = 'posted'
                                 AND credit.reversed_entry_id IS NOT NULL
                            GROUP BY credit.reversed_entry_id) credited
                          ON credited.id = invoice.id"""
            ),
            SQL("COALESCE(credited.amount, 0)"),
        )

    @api.model
    def _status_log_cte(self, date):
        """``logged``: a history row for each client of ``decided`` whose status changes."""
        return SQL(
            """
            logged AS (
                INSERT INTO res_partner_status_log (partner_id, user_id, old_status, new_status,
                                                    date, reason, first_sale_date, last_sale_date)
                SELECT decided.id, decided.user_id, decided.old_status, decided.status, %(date)s,
                       %(reason)s, decided.first_sale, decided.last_sale
                  FROM decided
                 WHERE decided.old_status IS DISTINCT FROM decided.status
            )
            """,
            date=date,
            reason=self._status_reason_sql(),
        )

    @api.model
    def _status_assignments(self, date):
        """What ``decided`` writes on each ``partner`` of the client. Whoever holds a client
        at their first sale becomes their hunter, unless they have one."""
        return SQL(
            """client_status = decided.status,
               client_status_date = CASE
                   WHEN partner.client_status IS DISTINCT FROM decided.status THEN %(date)s
                   ELSE partner.client_status_date END,
               client_first_sale_date = decided.first_sale,
               client_last_sale_date = decided.last_sale,
               hunter_id = COALESCE(partner.hunter_id, CASE
                   WHEN decided.status <> 'potential' THEN decided.user_id END)""",
            date=date,
        )

    @api.model
    def _status_written(self):
        return SQL(
            "partner.client_status, partner.client_first_sale_date, partner.client_last_sale_date"
        )

    @api.model
    def _status_deciding(self):
        return SQL("decided.status, decided.first_sale, decided.last_sale")

    @api.model
    def _status_reason_sql(self):
        """Why ``decided.old_status`` becomes ``decided.status``."""
        return SQL(
            """CASE WHEN decided.status = 'potential' THEN 'sales_cancelled'
                    WHEN decided.status = 'lost' THEN 'no_sale'
                    WHEN decided.old_status = 'potential' THEN 'first_sale'
                    WHEN decided.old_status = 'lost' THEN 'sale_again'
                    WHEN decided.status = 'regular' THEN 'new_period_over'
                    ELSE 'sales_cancelled' END"""
        )

    @api.model
    def _cron_recompute_client_status(self):
        """Nightly: statuses change with time alone (a new client becomes regular, a
        silent one lost), and so do the twelve months the ABC classes are ranked on."""
        # An invoice posted meanwhile for a client the night decides makes the night's
        # statements fail to serialise: replayed in a new transaction, as Odoo replays a
        # request, rather than left failed until the next night.
        for tries_left in reversed(range(MAX_TRIES_ON_CONCURRENCY_FAILURE)):
            try:
                self._decide_every_company()
                self.env.flush_all()
                return
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY as error:
                if not tries_left:
                    raise
                _logger.info(
                    "Client statuses: %s, %s tries left, deciding again", error.pgcode, tries_left
                )
                self.env.cr.rollback()
                self.env.invalidate_all()

    @api.model
    def _decide_every_company(self):
        # Every company decides its own clients; companies are few.
        for company in self.env["res.company"].sudo().search([]):  # pylint: disable=no-search-all
            self.sudo().with_company(company)._decide_company_clients()

    # ------------------------------------------------------------
    # ABC CLASS
    # ------------------------------------------------------------

    @api.model
    def _shared_clients_company(self):
        """The company that ranks and qualifies the clients shared by every company: the
        main one (the database's first company when it is gone)."""
        main_company_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "base.main_company", raise_if_not_found=False
        )
        companies = self.env["res.company"].sudo()
        return companies.browse(main_company_id) or companies.search([], order="id", limit=1)

    @api.model
    def _company_clients_sql(self, company):
        """The condition on ``client`` of being a client of ``company``: its own, and the
        shared ones when it is the main company. Plain comparisons of the column, which
        PostgreSQL estimates from its statistics (unlike a COALESCE)."""
        if company == self._shared_clients_company():
            return SQL("(client.company_id = %s OR client.company_id IS NULL)", company.id)
        return SQL("client.company_id = %s", company.id)

    @api.model
    def _decide_company_clients(self, date=None):
        """Decide the status and the ABC class of every client of the current company (its
        own, and the shared ones when it is the main company) as of ``date`` (default
        today), in one SQL statement that writes each client's row once and logs each
        change of status (see ``_recompute_client_status``).

        The classes rank the clients by their revenue over the twelve months up to the
        date: A while the revenue of the bigger clients is under the company's A share of
        the total, B under the A and B shares, C for the others who bought; a potential
        client gets the best class of the options of their portrait's answers (MIN: 'a' <
        'b' < 'c'), none without one.

        A client is a commercial partner: a company, or a partner without a parent (the
        rule of ``commercial_partner_id``). Said so, PostgreSQL knows how many there are,
        and hashes every client against the partners, where ``id = commercial_partner_id``
        (one row in its estimate) looked each up in an index."""
        company = self.env.company
        self._flush_client_decisions()
        company.flush_recordset(["active_sales_abc_a_share", "active_sales_abc_b_share"])
        # Every client's sales and ranking are hashed and sorted in memory, not on disk;
        # compiling the statement (JIT) would cost more than running it. LOCAL keeps both
        # to this transaction.
        self.env.cr.execute("SET LOCAL work_mem = '64MB'; SET LOCAL jit = off")
        date = fields.Date.to_date(date) or fields.Date.context_today(self)
        self.env.execute_query(
            SQL(
                """
                WITH clients AS (
                    SELECT %(client_columns)s
                      FROM res_partner client
                     WHERE (client.is_company OR client.parent_id IS NULL)
                       AND %(company_clients)s
                ), %(status)s, %(logged)s, revenue AS (
                    SELECT move.commercial_partner_id AS id,
                           SUM(move.amount_untaxed_signed) AS amount
                      FROM account_move move
                     WHERE move.move_type IN ('out_invoice', 'out_refund')
                       AND move.state = 'posted'
                       AND move.company_id = %(company)s
                       AND move.invoice_date > %(date)s::date - interval '12 months'
                       AND move.invoice_date <= %(date)s
                  GROUP BY move.commercial_partner_id
                ), ranked AS (
                    SELECT decided.id, decided.status,
                           COALESCE(revenue.amount, 0) AS amount,
                           SUM(GREATEST(revenue.amount, 0)) OVER (
                               ORDER BY GREATEST(revenue.amount, 0) DESC NULLS LAST, decided.id
                               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
                           ) AS bigger,
                           SUM(GREATEST(revenue.amount, 0)) OVER () AS total
                      FROM decided
                 LEFT JOIN revenue ON revenue.id = decided.id
                ), classed AS (
                    SELECT ranked.id, ranked.amount,
                           CASE WHEN ranked.status = 'potential' THEN portrait.abc_class
                                WHEN amount <= 0 THEN 'c'
                                WHEN COALESCE(bigger, 0) < total * %(a_share)s / 100.0 THEN 'a'
                                WHEN COALESCE(bigger, 0) < total * %(ab_share)s / 100.0 THEN 'b'
                                ELSE 'c' END AS abc_class
                      FROM ranked
                 LEFT JOIN (SELECT answer.partner_id AS id, MIN(choice.abc_class) AS abc_class
                              FROM res_partner_portrait_answer answer
                              JOIN res_partner_portrait_option choice
                                ON choice.id = answer.option_id
                              JOIN res_partner_portrait_question question
                                ON question.id = answer.question_id
                             WHERE answer.is_answered AND question.active
                          GROUP BY answer.partner_id) portrait ON portrait.id = ranked.id
                )
                UPDATE res_partner partner
                   SET %(assignments)s, abc_class = classed.abc_class, abc_revenue = classed.amount
                  FROM decided
                  JOIN classed ON classed.id = decided.id
                 WHERE partner.commercial_partner_id = decided.id
                   AND (%(written)s, partner.abc_class, partner.abc_revenue)
                       IS DISTINCT FROM (%(deciding)s, classed.abc_class, classed.amount)
                """,
                company=company.id,
                client_columns=self._client_columns_sql(),
                company_clients=self._company_clients_sql(company),
                date=date,
                status=self._status_ctes(date, every_client=True),
                logged=self._status_log_cte(date),
                assignments=self._status_assignments(date),
                written=self._status_written(),
                deciding=self._status_deciding(),
                a_share=company.active_sales_abc_a_share,
                ab_share=company.active_sales_abc_a_share + company.active_sales_abc_b_share,
            )
        )
        self.invalidate_model([*CLIENT_STATUS_FIELDS, *ABC_FIELDS, "hunter_id"])
        self.env["res.partner.status.log"].invalidate_model()
        return True
