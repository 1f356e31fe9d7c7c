from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL

from .report_input import filter_errors, filtered_query, report_period


class CrmManagerRating(models.AbstractModel):
    """Salespeople side by side over a period and the one before: what they sold, earned,
    collected, won and lost, how much each deal and each done activity brought, the
    discounts they gave and why they lost. Amounts in the active company's currency."""

    _name = "crm.manager.rating"
    _description = "Manager rating"

    @api.model
    @api.readonly
    def get_rating(self, date_from, date_to, domain=None):
        """The rating of the days ``date_from`` to ``date_to`` (included) and of the
        previous period of equal length.

        :param domain: salespeople to rate (a domain on res.users); a salesperson who does
            not see every deal is rated alone
        :return: ``{'date_from', 'date_to', 'previous': {'date_from', 'date_to'},
            'columns': [{'key', 'label'}], 'rows': [{'user_id', 'name', <key>: value...,
            'previous': {<key>: value}}], 'totals': {<key>: value, 'previous': {...}}}``
        """
        users = self._rated_users(domain)
        period = self._period(date_from, date_to)
        previous = period.previous()
        current = self._rating_values(period, users)
        before = self._rating_values(previous, users)
        user_ids = sorted(current.keys() | before.keys())
        names = {user.id: user.name for user in self.env["res.users"].sudo().browse(user_ids)}
        rows = [
            {
                "user_id": user_id,
                "name": names[user_id],
                **self._row(current.get(user_id, {})),
                "previous": self._row(before.get(user_id, {})),
            }
            for user_id in sorted(user_ids, key=lambda uid: names[uid])
        ]
        return {
            "date_from": fields.Date.to_string(period.first_day),
            "date_to": fields.Date.to_string(period.last_day),
            "previous": {
                "date_from": fields.Date.to_string(previous.first_day),
                "date_to": fields.Date.to_string(previous.last_day),
            },
            "columns": [{"key": key, "label": label} for key, label in self._rating_columns()],
            "rows": rows,
            "totals": {
                **self._totals(rows),
                "previous": self._totals([row["previous"] for row in rows]),
            },
        }

    # ------------------------------------------------------------
    # INPUT AND ACCESS
    # ------------------------------------------------------------

    @api.model
    def _rated_users(self, domain):
        """The salespeople the caller may rate: None for every one (a head of sales without
        a filter), else the users' ids. Salespeople who see only their own deals get their
        own row; users without sales rights get an AccessError."""
        self.env["crm.stage.log"].check_access("read")
        if not self.env.user.has_group("sales_team.group_sale_salesman_all_leads"):
            return [self.env.uid]
        if not domain:
            return None
        # As the head of sales: the filter reads only what they may (a filter run as the
        # superuser would tell them, user by user, of records hidden from them).
        cannot_apply = self.env._("The rating cannot apply this filter: %s")
        users = self.env["res.users"].with_context(active_test=False)
        query = filtered_query(users, domain, cannot_apply, probe=False)
        with filter_errors(self.env, cannot_apply):
            return [row[0] for row in self.env.execute_query(query.select())]

    @api.model
    def _period(self, date_from, date_to):
        return report_period(self.env, date_from, date_to)

    # ------------------------------------------------------------
    # COLUMNS (extended by other addons)
    # ------------------------------------------------------------

    @api.model
    def _rating_columns(self):
        """(key, label) of the rating's columns, in display order."""
        return [
            ("revenue", self.env._("Revenue")),
            ("margin", self.env._("Margin")),
            ("payments", self.env._("Payments received")),
            ("won", self.env._("Deals won")),
            ("lost", self.env._("Deals lost")),
            ("win_rate", self.env._("Win rate")),
            ("revenue_per_deal", self.env._("Revenue per deal won")),
            ("activities_done", self.env._("Activities done")),
            ("revenue_per_activity", self.env._("Revenue per activity")),
            ("discounts", self.env._("Discounts given")),
            ("loss_reasons", self.env._("Loss reasons")),
        ]

    @api.model
    def _rating_values(self, period, users):
        """{user id: {key: value}} of the period for the users (None: everyone), each
        source one grouped query."""
        values = defaultdict(dict)
        for source in (
            self._revenue,
            self._margin_and_discounts,
            self._payments,
            self._deals_closed,
            self._activities_done,
            self._loss_reasons,
        ):
            for user_id, figures in source(period, users).items():
                if user_id:
                    values[user_id].update(figures)
        return values

    @api.model
    def _row(self, figures):
        """Every column of a row, the ratios computed from the sums."""
        won, lost = figures.get("won", 0), figures.get("lost", 0)
        revenue = figures.get("revenue", 0.0)
        activities = figures.get("activities_done", 0)
        row = {key: figures.get(key, 0) for key, _label in self._rating_columns()}
        row.update(
            {
                "loss_reasons": figures.get("loss_reasons", []),
                "win_rate": won / (won + lost) if won + lost else 0.0,
                "revenue_per_deal": revenue / won if won else 0.0,
                "revenue_per_activity": revenue / activities if activities else 0.0,
            }
        )
        return row

    @api.model
    def _totals(self, rows):
        sums = {
            key: sum(row[key] for row in rows)
            for key, _label in self._rating_columns()
            if key not in ("loss_reasons", "win_rate", "revenue_per_deal", "revenue_per_activity")
        }
        reasons = defaultdict(lambda: {"count": 0})
        for row in rows:
            for reason in row["loss_reasons"]:
                entry = reasons[reason["reason_id"]]
                entry.update(reason, count=entry["count"] + reason["count"])
        return self._row({**sums, "loss_reasons": self._sorted_reasons(reasons.values())})

    # ------------------------------------------------------------
    # SOURCES: one grouped query each
    # ------------------------------------------------------------

    @api.model
    def _user_domain(self, field_name, users):
        return [] if users is None else [(field_name, "in", users)]

    @api.model
    def _revenue(self, period, users):
        """Untaxed amount of posted customer invoices minus refunds, by invoice date."""
        groups = (
            self.env["account.invoice.report"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", self.env.company.id),
                    ("state", "=", "posted"),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    ("invoice_date", ">=", period.first_day),
                    ("invoice_date", "<=", period.last_day),
                    *self._user_domain("invoice_user_id", users),
                ],
                ["invoice_user_id"],
                ["price_subtotal:sum"],
            )
        )
        return {user.id: {"revenue": amount} for user, amount in groups}

    @api.model
    def _margin_and_discounts(self, period, users):
        """Margin (Odoo's sale_margin) and manual discounts of the orders confirmed and
        dated in the period, by order salesperson."""
        groups = (
            self.env["sale.report"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", self.env.company.id),
                    ("state", "=", "sale"),
                    ("date", ">=", period.start),
                    ("date", "<", period.end),
                    *self._user_domain("user_id", users),
                ],
                ["user_id"],
                ["margin:sum", "discount_amount:sum"],
            )
        )
        return {
            user.id: {"margin": margin, "discounts": discounts}
            for user, margin, discounts in groups
        }

    @api.model
    def _payments(self, period, users):
        """Payments reconciled in the period with the salesperson's posted customer
        invoices (credit notes set against invoices are not payments)."""
        users_condition = (
            SQL("AND invoice.invoice_user_id = ANY(%s)", users) if users is not None else SQL()
        )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT invoice.invoice_user_id, SUM(partial.amount)
                  FROM account_partial_reconcile partial
                  JOIN account_move invoice ON invoice.id = partial.paid_invoice_id
                 WHERE partial.paid_invoice_id IS NOT NULL
                   AND partial.company_id = %(company)s
                   AND partial.max_date BETWEEN %(first)s AND %(last)s
                   %(users)s
              GROUP BY invoice.invoice_user_id
                """,
                company=self.env.company.id,
                first=period.first_day,
                last=period.last_day,
                users=users_condition,
            )
        )
        return {user_id: {"payments": float(amount)} for user_id, amount in rows}

    @api.model
    def _deals_closed(self, period, users):
        """Deals won and lost in the period (stage log), by the salesperson who closed them."""
        groups = (
            self.env["crm.stage.log"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", self.env.company.id),
                    ("outcome", "in", ("won", "lost")),
                    ("date_out", ">=", period.start),
                    ("date_out", "<", period.end),
                    *self._user_domain("user_id", users),
                ],
                ["user_id", "outcome"],
                ["__count"],
            )
        )
        values = defaultdict(dict)
        for user, outcome, count in groups:
            values[user.id][outcome] = count
        return values

    @api.model
    def _activities_done(self, period, users):
        """Activities done on the salesperson's deals (Odoo's CRM activity analysis)."""
        groups = (
            self.env["crm.activity.report"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", self.env.company.id),
                    ("date", ">=", period.start),
                    ("date", "<", period.end),
                    *self._user_domain("user_id", users),
                ],
                ["user_id"],
                ["__count"],
            )
        )
        return {user.id: {"activities_done": count} for user, count in groups}

    @api.model
    def _loss_reasons(self, period, users):
        """The reasons of the deals each salesperson lost in the period, most frequent first."""
        users_condition = SQL("AND visit.user_id = ANY(%s)", users) if users is not None else SQL()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT visit.user_id, lead.lost_reason_id, COUNT(*)
                  FROM crm_stage_log visit
             LEFT JOIN crm_lead lead ON lead.id = visit.lead_id
                 WHERE visit.outcome = 'lost' AND visit.company_id = %(company)s
                   AND visit.date_out >= %(start)s AND visit.date_out < %(end)s
                   %(users)s
              GROUP BY visit.user_id, lead.lost_reason_id
                """,
                company=self.env.company.id,
                start=period.start,
                end=period.end,
                users=users_condition,
            )
        )
        names = {
            reason.id: reason.name
            for reason in self.env["crm.lost.reason"]
            .sudo()
            .browse({row[1] for row in rows if row[1]})
        }
        reasons = defaultdict(list)
        for user_id, reason_id, count in rows:
            name = names.get(reason_id) or self.env._("No reason")
            reasons[user_id].append({"reason_id": reason_id or False, "name": name, "count": count})
        return {
            user_id: {"loss_reasons": self._sorted_reasons(listed)}
            for user_id, listed in reasons.items()
        }

    @api.model
    def _sorted_reasons(self, reasons):
        return sorted(reasons, key=lambda reason: (-reason["count"], reason["name"]))
