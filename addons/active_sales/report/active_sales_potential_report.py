from odoo import fields, models
from odoo.tools import SQL


class ActiveSalesPotentialReport(models.Model):
    """Fact against potential: one row per client, year and company where the client has a
    potential or bought. The fact is the posted customer invoices less the posted credit
    notes of the client in that company, untaxed, by invoice date; both amounts are in the
    company's currency. Summed per salesperson, the potentials are the salesperson's sales
    plan for the year.

    No fulfilment measure: a salesperson's fulfilment is the sum of their clients' facts
    over the sum of their potentials, which a pivot cannot compute, and an average of the
    clients' percentages would weigh a small client as much as a key one. ``fulfilment`` is
    each row's own, not aggregated."""

    _name = "active.sales.potential.report"
    _description = "Potentials vs sales"
    _auto = False
    _order = "year desc, partner_id, id"
    _rec_name = "partner_id"
    _depends = {
        "res.partner.potential": ["amount_total", "company_id", "partner_id", "year"],
        "account.move": [
            "amount_untaxed_signed",
            "commercial_partner_id",
            "company_id",
            "invoice_date",
            "move_type",
            "state",
        ],
        "res.partner": ["user_id"],
        "res.users": ["sale_team_id"],
        "res.company": ["currency_id"],
    }

    partner_id = fields.Many2one("res.partner", readonly=True, string="Client")
    user_id = fields.Many2one("res.users", readonly=True, string="Salesperson")
    team_id = fields.Many2one("crm.team", readonly=True, string="Sales team")
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    year = fields.Integer(readonly=True, aggregator=None)
    date = fields.Date(
        "Year starting", readonly=True, help="The first day of the year, for date filters."
    )
    potential = fields.Monetary(readonly=True)
    fact = fields.Monetary(
        "Bought",
        readonly=True,
        help="Posted customer invoices less posted credit notes of the year, untaxed.",
    )
    fulfilment = fields.Float(
        "Fulfilment (%)",
        readonly=True,
        aggregator=None,
        help="Bought over the potential, for this client and year; empty without a potential.",
    )

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT grouped.id,
                   grouped.partner_id,
                   client.user_id,
                   salesperson.sale_team_id AS team_id,
                   grouped.company_id,
                   company.currency_id,
                   grouped.year,
                   make_date(grouped.year, 1, 1) AS date,
                   grouped.potential,
                   grouped.fact,
                   100.0 * grouped.fact / NULLIF(grouped.potential, 0) AS fulfilment
              FROM (%(grouped)s) grouped
              JOIN res_partner client ON client.id = grouped.partner_id
              JOIN res_company company ON company.id = grouped.company_id
         LEFT JOIN res_users salesperson ON salesperson.id = client.user_id
            """,
            grouped=self._potentials_and_sales(),
        )

    def _potentials_and_sales(self):
        """The potentials and the sales summed per client, year and company. A row's id is
        the smallest of its sources' (even for a potential, odd for an invoice): every
        source is in one row only, so ids are unique, and a row keeps its id while that
        source lasts. Grouping last lets a filter on the client reach both sources."""
        return SQL(
            """
            SELECT MIN(source.id) AS id,
                   source.partner_id,
                   source.year,
                   source.company_id,
                   SUM(source.potential) AS potential,
                   SUM(source.fact) AS fact
              FROM (SELECT potential.id::bigint * 2 AS id,
                           potential.partner_id,
                           potential.year,
                           potential.company_id,
                           potential.amount_total AS potential,
                           0 AS fact
                      FROM res_partner_potential potential
                 UNION ALL
                    SELECT move.id::bigint * 2 + 1,
                           move.commercial_partner_id,
                           EXTRACT(YEAR FROM move.invoice_date)::integer,
                           move.company_id,
                           0,
                           move.amount_untaxed_signed
                      FROM account_move move
                     WHERE move.move_type IN ('out_invoice', 'out_refund')
                       AND move.state = 'posted'
                   ) source
          GROUP BY source.partner_id, source.year, source.company_id
            """
        )
