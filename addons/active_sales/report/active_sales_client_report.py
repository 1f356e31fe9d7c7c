import io
import math
from dataclasses import dataclass

import xlsxwriter

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import SQL

from odoo.addons.sales_funnel.report.report_input import filtered_query, report_period

from ..models.res_partner_status_log import CLIENT_STATUSES

# Days in a "month held": the months the overdue report counts are 30 days each.
MONTH_DAYS = 30


@dataclass(frozen=True)
class ReportColumn:
    """A figure of a client base report: ``value`` is each client's share of it (SQL over
    the client's facts), summed per row; a column without one is derived from the others
    (an invisible column is summed only for that). ``better`` says which way an arrow
    against the previous period is good news. A figure ``of_today`` is the clients' as
    they are now, whatever the period: read once, for the period, and shown again for the
    previous one."""

    key: str
    label: str
    kind: str
    value: SQL | None = None
    better: str = "up"
    visible: bool = True
    of_today: bool = False


class ActiveSalesClientReport(models.AbstractModel):
    """The head of sales' reports on the client base, computed in SQL over every client
    the user may see, for a period and the previous one of equal length:

    - ``summary``: the financial funnel, clients, potential and payments per status;
    - ``overdue``: each salesperson's clients by months held, potential ones apart from
      buyers, the last column those held longer than the company allows;
    - ``contact``: how each salesperson works their clients: abandoned ones, calls,
      meetings, potential, proposals pending, invoices unpaid, money received;
    - ``qualification``: the share of clients qualified, the days it took, the ABC mix.

    The last two have their rows by salesperson or by source (the UTM source of the
    client's first deal). A salesperson sees their own clients' figures; the head of sales
    everyone's."""

    _name = "active.sales.client.report"
    _description = "Client base reports"

    @api.model
    @api.readonly
    def get_report(self, report, date_from, date_to, domain=None, group_by=None):
        """``{'rows': [{'key', 'label', <figure>: value, 'previous': {...}}], 'columns':
        [{'key', 'label', 'kind', 'better', 'clickable'}], 'totals', 'period',
        'previous_period', 'currency_id', 'group_by', 'group_by_options'}``."""
        columns = self._columns(report)
        rows_by = self._rows_by(report, group_by)
        period = self._period(date_from, date_to)
        clients = self._clients(domain)
        self._tune_grouped_reads()
        current = self._grouped(rows_by, columns, clients, period)
        before = self._today_figures_again(
            columns, current,
            self._grouped(rows_by, columns, clients, period.previous(), today=False),
        )  # fmt: skip
        labels = self._row_labels(rows_by, current.keys() | before.keys())
        keys = sorted(labels, key=self._row_order(rows_by, labels))
        empty = dict.fromkeys((column.key for column in columns), 0)
        rows = [
            {
                "key": key,
                "label": labels[key],
                **current.get(key, empty),
                "previous": before.get(key, empty),
            }
            for key in keys
        ]
        return {
            "rows": rows,
            "columns": [
                {
                    "key": column.key,
                    "label": column.label,
                    "kind": column.kind,
                    "better": column.better,
                    "clickable": column.value is not None,
                }
                for column in columns
                if column.visible
            ],  # fmt: skip
            "totals": self._totals(columns, [current[key] for key in current]),
            "period": self._period_values(period),
            "previous_period": self._period_values(period.previous()),
            "currency_id": self.env.company.currency_id.id,
            "group_by": rows_by,
            "group_by_options": [
                {"key": key, "label": label} for key, label in self._group_by_options(report)
            ],
        }

    @api.model
    def action_open_clients(
        self, report, date_from, date_to, row_key, column_key, *, domain=None, previous=False,
        group_by=None,
    ):  # fmt: skip
        """The clients behind a number of a report, in the client base's list."""
        column = next(
            (column for column in self._columns(report)
             if column.key == column_key and column.visible), None
        )  # fmt: skip
        if column is None or column.value is None:
            raise UserError(self.env._("This report has no figure “%s” to open.", column_key))
        rows_by = self._rows_by(report, group_by)
        period = self._period(date_from, date_to)
        if previous:
            period = period.previous()
        partner_ids = self._clients_behind(rows_by, period, row_key, column, domain)
        action = self.env["ir.actions.act_window"]._for_xml_id("active_sales.action_client_base")
        action.update(
            {
                "name": column.label,
                "domain": [("id", "in", partner_ids)],
                "context": {"create": False},
                "views": [(False, "list"), (False, "kanban"), (False, "form")],
                "view_mode": "list,kanban,form",
            }
        )
        return action

    @api.model
    def action_reassign(self, date_from, date_to, row_key, *, domain=None):
        """The review of a salesperson's overdue clients (of every one, for the total):
        the head of sales hands them over or reassigns them."""
        period = self._period(date_from, date_to)
        overdue = ReportColumn("overdue", "", "count", SQL("facts.overdue::int"))
        partner_ids = self._clients_behind("user_id", period, row_key, overdue, domain)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "active_sales.action_client_handover_selected"
        )
        action["context"] = {"active_model": "res.partner", "active_ids": partner_ids}
        return action

    @api.model
    def _clients_behind(self, rows_by, period, row_key, column, domain):
        """The ids of the clients a number of the report counts: those of the row
        ``row_key`` (None: every row, a total; False: the clients without a salesperson or
        a source) whose share of the column is not nil."""
        self._check_row_key(rows_by, row_key)
        row_condition = (
            SQL("TRUE") if row_key is None
            else SQL("%s IS NOT DISTINCT FROM %s", SQL.identifier("facts", rows_by), row_key or None)
        )  # fmt: skip
        rows = self.env.execute_query(
            SQL(
                "WITH facts AS (%s) SELECT facts.id FROM facts WHERE %s AND (%s) <> 0",
                self._facts(self._clients(domain), period, rows_by),
                row_condition,
                column.value,
            )
        )
        return [row[0] for row in rows]

    # ------------------------------------------------------------
    # INPUT
    # ------------------------------------------------------------

    @api.model
    def _check_row_key(self, rows_by, row_key):
        """A row is a status by its key, a salesperson or a source by id; None for the
        total, False for no salesperson or source."""
        statuses = [status for status, _label in CLIENT_STATUSES]
        if rows_by == "status":
            valid = row_key is None or (isinstance(row_key, str) and row_key in statuses)
        else:
            valid = row_key in (None, False) or (
                isinstance(row_key, int) and not isinstance(row_key, bool)
            )
        if not valid:
            raise UserError(self.env._("This report has no such row."))

    @api.model
    def _period(self, date_from, date_to):
        return report_period(self.env, date_from, date_to)

    @api.model
    def _clients(self, domain):
        """The clients of the active company the user may see and the filter keeps, as SQL
        to select their rows of res_partner from: a salesperson's own, everyone's for the
        head of sales; never the company's own partners nor its internal users' (a client with portal access is a client). Their rows, not
        their ids: PostgreSQL reads the clients once, with the filter, where ids to join
        back would read the partners twice."""
        user = self.env.user
        if not user.has_group("sales_team.group_sale_salesman"):
            raise AccessError(self.env._("The client base reports are for the sales team."))
        company = self.env.company
        scope = [
            ("parent_id", "=", False),
            ("company_id", "in", [company.id, False]),
            ("user_ids", "not any", [("share", "=", False)]),
            ("id", "not in", SQL("(SELECT partner_id FROM res_company)")),
        ]
        if not user.has_group("sales_team.group_sale_salesman_all_leads"):
            scope.append(("user_id", "=", user.id))
        # The filter checked on its own first: a value its column refuses is told apart.
        filtered_query(
            self.env["res.partner"], domain, self.env._("The report cannot apply this filter: %s")
        )
        query = self.env["res.partner"]._search(expression.AND([scope, domain or []]))
        return query.select(SQL("%s.*", SQL.identifier(query.table)))

    @api.model
    def _tune_grouped_reads(self):
        """This transaction only: hundreds of thousands of clients are grouped in memory,
        and compiling the statement (JIT) costs more than it saves."""
        self.env.cr.execute("SET LOCAL jit = off")
        self.env.cr.execute("SET LOCAL work_mem = '64MB'")

    # ------------------------------------------------------------
    # THE REPORTS: rows and columns
    # ------------------------------------------------------------

    @api.model
    def _columns(self, report):
        columns = (
            {
                "summary": self._summary_columns,
                "overdue": self._overdue_columns,
                "contact": self._contact_columns,
                "qualification": self._qualification_columns,
            }.get(report)
            if isinstance(report, str)
            else None
        )
        if columns is None:
            raise UserError(self.env._("There is no client base report “%s”.", report))
        return columns()

    @api.model
    def _group_by_options(self, report):
        if report == "summary":
            return [("status", self.env._("Status"))]
        if report == "overdue":
            return [("user_id", self.env._("Salesperson"))]
        return [("user_id", self.env._("Salesperson")), ("source_id", self.env._("Source"))]

    @api.model
    def _rows_by(self, report, group_by):
        """The client fact the report's rows are by: the report's first, or ``group_by``
        when it is one the report offers."""
        options = [key for key, _label in self._group_by_options(report)]
        if group_by and (not isinstance(group_by, str) or group_by not in options):
            raise UserError(self.env._("This report cannot show its rows by “%s”.", group_by))
        return group_by or options[0]

    @api.model
    def _row_order(self, rows_by, labels):
        if rows_by == "status":
            statuses = [status for status, _label in CLIENT_STATUSES]
            return statuses.index
        return lambda key: (not key, labels[key])

    @api.model
    def _row_labels(self, rows_by, keys):
        """The rows' names by key: statuses, salespeople or sources (False: none)."""
        if rows_by == "status":
            status_field = self.env["res.partner"]._fields["client_status"]
            names = dict(status_field._description_selection(self.env))
            return {key: names[key] for key in keys}
        if rows_by == "source_id":
            records, nothing = self.env["utm.source"], self.env._("No source")
        else:
            records, nothing = self.env["res.users"], self.env._("No salesperson")
        names = {record.id: record.name for record in records.sudo().browse(filter(None, keys))}
        return {key: names.get(key) or nothing for key in keys}

    @api.model
    def _summary_columns(self):
        return [
            ReportColumn("clients", self.env._("Clients"), "count", SQL("1")),
            ReportColumn(
                "entered", self.env._("Came in the period"), "count", SQL("facts.entered::int")
            ),
            ReportColumn(
                "potential", self.env._("Potential for the year"), "money", SQL("facts.potential")
            ),
            ReportColumn(
                "payments", self.env._("Payments received"), "money", SQL("facts.payments")
            ),
        ]

    @api.model
    def _overdue_columns(self):
        """Potential clients and buyers (new and regular) by whole months with their
        salesperson, up to the company's limit; past it, overdue: a potential client held
        longer than the company allows, a buyer still with the hunter past the days a new
        client may stay with them."""
        company = self.env.company
        columns = []
        for group, label, limit in (
            ("potential", self.env._("Potential"), company.active_sales_max_potential_days),
            ("buyer", self.env._("New and regular"), company.active_sales_max_new_days),
        ):
            in_group = SQL("facts.status = 'potential'" if group == "potential"
                           else "facts.status IN ('new', 'regular')")  # fmt: skip
            for month in range(math.ceil(limit / MONTH_DAYS)):
                columns.append(
                    ReportColumn(
                        f"{group}_{month}",
                        self.env._("%(group)s: month %(month)s", group=label, month=month + 1),
                        "count",
                        SQL(
                            "(%s AND facts.months_held = %s AND NOT facts.overdue)::int",
                            in_group,
                            month,
                        ),  # fmt: skip
                        better="none",
                    )
                )
            columns.append(
                ReportColumn(
                    f"{group}_overdue",
                    self.env._("%(group)s: overdue", group=label),
                    "count",
                    SQL("(%s AND facts.overdue)::int", in_group),
                    better="down",
                )
            )
        return columns

    @api.model
    def _contact_columns(self):
        return [
            ReportColumn("clients", self.env._("Clients"), "count", SQL("1")),
            ReportColumn(
                "abandoned",
                self.env._("Abandoned"),
                "count",
                SQL("facts.abandoned::int"),
                better="down",
                of_today=True,
            ),  # fmt: skip
            ReportColumn("abandoned_share", self.env._("Abandoned, %"), "percent", better="down"),
            ReportColumn("calls", self.env._("Calls"), "count", SQL("facts.calls")),
            ReportColumn(
                "meeting_hours", self.env._("Meetings, hours"), "hours", SQL("facts.meeting_hours")
            ),
            ReportColumn(
                "potential", self.env._("Potential for the year"), "money", SQL("facts.potential")
            ),
            ReportColumn(
                "proposals",
                self.env._("Proposals pending"),
                "money",
                SQL("facts.proposals"),
                of_today=True,
            ),  # fmt: skip
            ReportColumn(
                "unpaid",
                self.env._("Invoices unpaid"),
                "money",
                SQL("facts.unpaid"),
                better="down",
                of_today=True,
            ),  # fmt: skip
            ReportColumn(
                "payments", self.env._("Payments received"), "money", SQL("facts.payments")
            ),
        ]

    @api.model
    def _qualification_columns(self):
        return [
            ReportColumn("clients", self.env._("Clients"), "count", SQL("1")),
            ReportColumn(
                "qualified", self.env._("Qualified"), "count", SQL("facts.is_qualified::int")
            ),  # fmt: skip
            ReportColumn("qualified_share", self.env._("Qualified, %"), "percent"),
            ReportColumn(
                "days_to_qualify", self.env._("Days to qualify"), "days", better="down"
            ),  # fmt: skip
            ReportColumn(
                "qualification_days",
                "",
                "days",
                SQL("COALESCE(facts.qualification_days, 0)"),
                visible=False,
            ),  # fmt: skip
            *(
                ReportColumn(
                    f"abc_{abc_class}",
                    label,
                    "count",
                    SQL("(facts.abc_class = %s)::int", abc_class),
                    better="none",
                )
                for abc_class, label in (
                    ("a", self.env._("A clients")),
                    ("b", self.env._("B clients")),
                    ("c", self.env._("C clients")),
                )
            ),  # fmt: skip
        ]

    @api.model
    def _derived(self, figures):
        def share(part, whole):
            return figures[part] / figures[whole] if figures.get(whole) else 0.0

        if "abandoned" in figures:
            figures["abandoned_share"] = share("abandoned", "clients")
        if "qualified" in figures:
            figures["qualified_share"] = share("qualified", "clients")
            figures["days_to_qualify"] = share("qualification_days", "qualified")
        return figures

    @api.model
    def _grouped(self, rows_by, columns, clients, period, today=True):
        """Each row's figures over the period, in one grouped read of the clients' facts
        (without the figures of today unless ``today``)."""
        summed = [
            column for column in columns
            if column.value is not None and (today or not column.of_today)
        ]  # fmt: skip
        rows = self.env.execute_query(
            SQL(
                "WITH facts AS (%s) SELECT %s, %s FROM facts GROUP BY 1",
                self._facts(clients, period, rows_by, today),
                SQL.identifier("facts", rows_by),
                SQL(", ").join(SQL("SUM(%s)", column.value) for column in summed),
            )
        )
        return {
            key or False: self._derived(
                {
                    column.key: float(value or 0)
                    for column, value in zip(summed, values, strict=True)
                }
            )
            for key, *values in rows
        }

    @api.model
    def _today_figures_again(self, columns, current, before):
        for key, figures in before.items():
            for column in columns:
                if column.of_today:
                    figures[column.key] = current.get(key, {}).get(column.key, 0.0)
            self._derived(figures)
        return before

    @api.model
    def _totals(self, columns, rows):
        totals = {
            column.key: sum(row[column.key] for row in rows)
            for column in columns
            if column.value is not None
        }
        return self._derived(totals)

    # ------------------------------------------------------------
    # SQL: one row of facts per client
    # ------------------------------------------------------------

    @api.model
    def _facts(self, clients, period, rows_by="user_id", today=True):
        """One row per client created by the period's end: their salesperson, their status
        at the end (from the status history), whether they came into it in the period, this
        year's potential, payments received, calls and meetings in the period; and, as they
        are now, proposals pending, invoices unpaid, abandonment, months held, their
        qualification and ABC class; by source, the source of their first deal.

        The clients whose status changed in the period are a subquery hashed once, never
        joined: a join misestimated as a few rows turns into a nested loop over hundreds of
        thousands of clients. Abandonment is tested on each client's row as it is read."""
        self._flush_sources()
        return SQL(
            """
            SELECT client.id,
                   client.user_id,
                   %(source)s AS source_id,
                   client.is_qualified,
                   client.qualification_days,
                   client.abc_class,
                   COALESCE(after_end.old_status, client.client_status) AS status,
                   client.id IN (%(changed)s) AS entered,
                   COALESCE(potential.amount_total, 0) AS potential,
                   COALESCE(paid.amount, 0) AS payments,
                   COALESCE(calls.count, 0) AS calls,
                   COALESCE(meetings.hours, 0) AS meeting_hours,
                   %(today_figures)s,
                   (%(last_day)s - client.salesperson_since) / %(month_days)s AS months_held,
                   %(overdue)s AS overdue
              FROM (%(clients)s) client
         LEFT JOIN (%(after_end)s) after_end ON after_end.partner_id = client.id
         LEFT JOIN res_partner_potential potential
                ON potential.partner_id = client.id AND potential.year = %(year)s
         LEFT JOIN (%(payments)s) paid ON paid.id = client.id
         LEFT JOIN (%(calls)s) calls ON calls.id = client.id
         LEFT JOIN (%(meetings)s) meetings ON meetings.id = client.id
         %(today_joins)s
             WHERE client.create_date < %(end)s
            """,
            clients=clients,
            source=self._first_deal_source_sql() if rows_by == "source_id" else SQL("NULL::int"),
            # The history chains each change's old status to the previous one's new: the
            # status at the end is the one the first change after it left, else today's.
            changed=SQL(
                "SELECT partner_id FROM res_partner_status_log WHERE date BETWEEN %s AND %s",
                period.first_day,
                period.last_day,
            ),
            after_end=SQL(
                """SELECT DISTINCT ON (partner_id) partner_id, old_status
                     FROM res_partner_status_log WHERE date > %s
                 ORDER BY partner_id, date, id""",
                period.last_day,
            ),
            year=period.last_day.year,
            payments=self._payments_sql(period),
            calls=self._calls_sql(period),
            meetings=self._meetings_sql(period),
            today_figures=self._today_figures_sql(today),
            today_joins=self._today_joins_sql(today),
            last_day=period.last_day,
            end=period.end,
            month_days=MONTH_DAYS,
            overdue=self.env["res.partner"]._overdue_sql(period.last_day),
        )

    @api.model
    def _today_figures_sql(self, today):
        """Proposals pending, invoices unpaid and abandonment: none but today's."""
        if not today:
            return SQL("0 AS proposals, 0 AS unpaid, FALSE AS abandoned")
        return SQL(
            """COALESCE(proposals.amount, 0) AS proposals,
               COALESCE(unpaid.amount, 0) AS unpaid,
               %s AS abandoned""",
            self.env["res.partner"]._is_abandoned_sql(every_client=True),
        )

    @api.model
    def _today_joins_sql(self, today):
        if not today:
            return SQL()
        return SQL(
            """LEFT JOIN (%s) proposals ON proposals.id = client.id
               LEFT JOIN (%s) unpaid ON unpaid.id = client.id""",
            self._proposals_sql(),
            self._unpaid_sql(),
        )

    @api.model
    def _flush_sources(self):
        self.env["res.partner"].flush_model()
        for model in ("res.partner.status.log", "res.partner.potential", "account.move",
                      "account.move.line", "account.partial.reconcile", "mail.message",
                      "calendar.event", "sale.order", "crm.lead"):  # fmt: skip
            self.env[model].flush_model()

    @api.model
    def _first_deal_source_sql(self):
        """Where the client came from: the UTM source of their first deal."""
        return SQL(
            """(SELECT deal.source_id FROM crm_lead deal
                 WHERE deal.partner_id = client.id
              ORDER BY deal.create_date, deal.id LIMIT 1)"""
        )

    @api.model
    def _payments_sql(self, period):
        """Payments reconciled in the period with each client's posted invoices (credit
        notes set against invoices are not payments)."""
        return SQL(
            """SELECT partial.paid_client_id AS id, SUM(partial.amount) AS amount
                 FROM account_partial_reconcile partial
                WHERE partial.paid_invoice_id IS NOT NULL
                  AND partial.company_id = %s
                  AND partial.max_date BETWEEN %s AND %s
             GROUP BY partial.paid_client_id""",
            self.env.company.id,
            period.first_day,
            period.last_day,
        )

    @api.model
    def _calls_sql(self, period):
        """Call activities done in the period on the client or on their deals. The call
        types are constants of the statement: PostgreSQL then knows how many messages are
        calls, and hashes their clients rather than looking each one up."""
        call_types = (
            self.env["mail.activity.type"]
            .sudo()
            .with_context(active_test=False)
            .search([("category", "=", "phonecall")])
        )
        return SQL(
            """SELECT COALESCE(lead_client.commercial_partner_id, client.commercial_partner_id)
                          AS id,
                      COUNT(*) AS count
                 FROM mail_message message
            LEFT JOIN res_partner client
                   ON message.model = 'res.partner' AND client.id = message.res_id
            LEFT JOIN crm_lead lead ON message.model = 'crm.lead' AND lead.id = message.res_id
            LEFT JOIN res_partner lead_client ON lead_client.id = lead.partner_id
                WHERE message.mail_activity_type_id IS NOT NULL
                  AND message.mail_activity_type_id = ANY(%s::int[])
                  AND message.model IN ('res.partner', 'crm.lead')
                  AND message.date >= %s AND message.date < %s
             GROUP BY 1""",
            call_types.ids,
            period.start,
            period.end,
        )

    @api.model
    def _meetings_sql(self, period):
        """Hours of the meetings in the period the client (or a contact of theirs)
        attended."""
        return SQL(
            """SELECT attendee.commercial_partner_id AS id, SUM(meeting.duration) AS hours
                 FROM calendar_event meeting
                 JOIN calendar_event_res_partner_rel attending
                   ON attending.calendar_event_id = meeting.id
                 JOIN res_partner attendee ON attendee.id = attending.res_partner_id
                WHERE meeting.active AND meeting.start >= %s AND meeting.start < %s
             GROUP BY attendee.commercial_partner_id""",
            period.start,
            period.end,
        )

    @api.model
    def _proposals_sql(self):
        """Quotations sent and not yet answered, untaxed, in the company currency."""
        return SQL(
            """SELECT client.commercial_partner_id AS id,
                      SUM(quotation.amount_untaxed / COALESCE(NULLIF(quotation.currency_rate, 0), 1))
                          AS amount
                 FROM sale_order quotation
                 JOIN res_partner client ON client.id = quotation.partner_id
                WHERE quotation.state = 'sent' AND quotation.company_id = %s
             GROUP BY client.commercial_partner_id""",
            self.env.company.id,
        )

    @api.model
    def _unpaid_sql(self):
        """What the client's posted invoices, less their credit notes, still await."""
        return SQL(
            """SELECT move.commercial_partner_id AS id, SUM(move.amount_residual_signed) AS amount
                 FROM account_move move
                WHERE move.move_type IN ('out_invoice', 'out_refund') AND move.state = 'posted'
                  AND move.payment_state IN ('not_paid', 'partial')
                  AND move.company_id = %s
             GROUP BY move.commercial_partner_id""",
            self.env.company.id,
        )

    # ------------------------------------------------------------
    # EXPORT
    # ------------------------------------------------------------

    @api.model
    def _period_values(self, period):
        return {
            "date_from": fields.Date.to_string(period.first_day),
            "date_to": fields.Date.to_string(period.last_day),
        }

    @api.model
    def _titles(self):
        return {
            "summary": self.env._("Financial funnel"),
            "overdue": self.env._("Overdue clients by months held"),
            "contact": self.env._("Contact frequency"),
            "qualification": self.env._("Client qualification"),
        }

    @api.model
    def _xlsx_export(self, params):
        """The report the screen shows, as an XLSX workbook: (bytes, file name). Each
        figure is followed by its value in the previous period."""
        report = params.get("report")
        data = self.get_report(
            report, params.get("date_from"), params.get("date_to"), params.get("domain"),
            params.get("group_by"),
        )  # fmt: skip
        title = self._titles()[report]
        period = data["period"]
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        formats = self._xlsx_formats(workbook)
        sheet = workbook.add_worksheet(title[:31])
        sheet.write(0, 0, f"{title}: {period['date_from']} – {period['date_to']}", formats["title"])
        previous = self.env._("previous period")
        sheet.write(2, 0, "", formats["header"])
        for index, column in enumerate(data["columns"]):
            sheet.write(2, 1 + 2 * index, column["label"], formats["header"])
            sheet.write(2, 2 + 2 * index, f"{column['label']}, {previous}", formats["header"])
        for line, row in enumerate(data["rows"], start=3):
            sheet.write(line, 0, row["label"])
            for index, column in enumerate(data["columns"]):
                kind = formats[column["kind"]]
                sheet.write(line, 1 + 2 * index, row[column["key"]], kind)
                sheet.write(line, 2 + 2 * index, row["previous"][column["key"]], kind)
        total_line = 3 + len(data["rows"])
        sheet.write(total_line, 0, self.env._("Total"), formats["total"])
        for index, column in enumerate(data["columns"]):
            sheet.write(total_line, 1 + 2 * index, data["totals"][column["key"]], formats["total"])
        sheet.set_column(0, 0, 28)
        sheet.set_column(1, 2 * len(data["columns"]), 14)
        sheet.freeze_panes(3, 1)
        workbook.close()
        return output.getvalue(), f"{title} {period['date_from']} {period['date_to']}.xlsx"

    @api.model
    def _xlsx_formats(self, workbook):
        """The sales funnel export's formats, and hours like its days."""
        formats = self.env["crm.funnel.report"]._xlsx_formats(workbook)
        return {**formats, "hours": formats["days"]}
