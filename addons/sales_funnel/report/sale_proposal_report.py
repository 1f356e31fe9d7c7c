from odoo import fields, models
from odoo.tools import SQL


class SaleProposalReport(models.Model):
    """Commercial proposals for analysis: one row per quotation or order, its amount in the
    company's currency, and the deal's current step."""

    _name = "sale.proposal.report"
    _description = "Proposal analysis"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "order_id"
    _depends = {
        "sale.order": [
            "amount_untaxed",
            "company_id",
            "currency_rate",
            "date_order",
            "importance",
            "opportunity_id",
            "partner_id",
            "proposal_state",
            "team_id",
            "user_id",
            "variant_label",
        ],
        "sale.order.line": ["discount", "display_type", "order_id"],
        "crm.lead": ["stage_id"],
        "res.partner": ["commercial_partner_id", "country_id", "industry_id"],
        "res.company": ["currency_id"],
    }

    order_id = fields.Many2one("sale.order", "Quotation", readonly=True)
    date = fields.Datetime("Order date", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", "Sales team", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    commercial_partner_id = fields.Many2one("res.partner", "Customer company", readonly=True)
    country_id = fields.Many2one("res.country", "Customer country", readonly=True)
    industry_id = fields.Many2one("res.partner.industry", "Customer industry", readonly=True)
    lead_id = fields.Many2one("crm.lead", "Deal", readonly=True)
    stage_id = fields.Many2one("crm.stage", "Deal step", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    proposal_state = fields.Selection(
        lambda self: self.env["sale.order"]._fields["proposal_state"].selection,
        string="Proposal status",
        readonly=True,
    )
    importance = fields.Selection(
        lambda self: self.env["sale.order"]._fields["importance"].selection,
        readonly=True,
    )
    variant_label = fields.Char("Variant", readonly=True)
    amount_untaxed = fields.Monetary("Untaxed amount", readonly=True)
    line_count = fields.Integer("Product lines", readonly=True)
    discount_max = fields.Float("Biggest discount (%)", readonly=True, aggregator="max")
    nbr = fields.Integer("Quotations", readonly=True)

    def _client_segment_columns(self):
        """The client's segments, as columns read from its company (``client``): the
        addons that segment clients add theirs."""
        return {
            "country_id": SQL("client.country_id"),
            "industry_id": SQL("client.industry_id"),
        }

    @property
    def _table_query(self):
        segments = SQL(", ").join(
            SQL("%s AS %s", expression, SQL.identifier(name))
            for name, expression in self._client_segment_columns().items()
        )
        return SQL(
            """
            SELECT %(segments)s,
                   so.id,
                   so.id AS order_id,
                   so.date_order AS date,
                   so.user_id,
                   so.team_id,
                   so.partner_id,
                   partner.commercial_partner_id,
                   so.opportunity_id AS lead_id,
                   lead.stage_id,
                   so.company_id,
                   company.currency_id,
                   so.proposal_state,
                   so.importance,
                   so.variant_label,
                   so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1.0) AS amount_untaxed,
                   COALESCE(lines.line_count, 0) AS line_count,
                   COALESCE(lines.discount_max, 0.0) AS discount_max,
                   1 AS nbr
              FROM sale_order so
              JOIN res_company company ON company.id = so.company_id
         LEFT JOIN res_partner partner ON partner.id = so.partner_id
         LEFT JOIN res_partner client ON client.id = partner.commercial_partner_id
         LEFT JOIN crm_lead lead ON lead.id = so.opportunity_id
         LEFT JOIN (
                SELECT line.order_id,
                       COUNT(*) AS line_count,
                       MAX(line.discount) AS discount_max
                  FROM sale_order_line line
                 WHERE line.display_type IS NULL
              GROUP BY line.order_id
             ) lines ON lines.order_id = so.id
            """,
            segments=segments,
        )
