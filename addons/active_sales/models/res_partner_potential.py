from odoo import api, fields, models
from odoo.exceptions import ValidationError

# Years a potential can be set for: anything else is a typing error.
MIN_YEAR, MAX_YEAR = 2000, 2100


class ResPartnerPotential(models.Model):
    """What a client could buy from us in a year, set by the head of sales: the base of
    the sales plans of the client's salesperson, compared with what the client bought."""

    _name = "res.partner.potential"
    _description = "Client potential"
    _inherit = ["mail.thread"]
    _order = "year desc, partner_id, id"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Client",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
        domain="['|', ('is_company', '=', True), ('parent_id', '=', False)]",
        tracking=True,
    )
    year = fields.Integer(
        required=True,
        default=lambda self: fields.Date.context_today(self).year,
        aggregator=None,
        tracking=True,
    )
    user_id = fields.Many2one(
        related="partner_id.user_id", store=True, index=True, string="Salesperson"
    )
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_company_id",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        index=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    line_ids = fields.One2many(
        "res.partner.potential.line", "potential_id", string="Lines", copy=True
    )
    amount_total = fields.Monetary(
        "Potential",
        compute="_compute_amount_total",
        store=True,
        tracking=True,
        help="What the client could buy this year: the sum of the lines.",
    )
    amount_fact = fields.Monetary(
        "Bought",
        compute="_compute_amount_fact",
        help="The client's posted invoices less their posted credit notes of the year, "
        "untaxed, in this company.",
    )
    note = fields.Text()

    _sql_constraints = [
        (
            "partner_year_uniq",
            "unique(partner_id, year)",
            "A client has one potential per year: edit the one already set for that year.",
        ),
    ]

    @api.depends("partner_id")
    def _compute_company_id(self):
        for potential in self:
            potential.company_id = (
                potential.partner_id.company_id or potential.company_id or self.env.company
            )

    @api.depends("line_ids.amount")
    def _compute_amount_total(self):
        for potential in self:
            potential.amount_total = sum(potential.line_ids.mapped("amount"))

    @api.depends("partner_id", "year", "company_id")
    def _compute_amount_fact(self):
        rows = self.env["active.sales.potential.report"]._read_group(
            [
                ("partner_id", "in", self.partner_id.ids),
                ("year", "in", list(set(self.mapped("year")))),
                ("company_id", "in", self.company_id.ids),
            ],
            ["partner_id", "year", "company_id"],
            ["fact:sum"],
        )
        fact = {(partner.id, year, company.id): amount for partner, year, company, amount in rows}
        for potential in self:
            potential.amount_fact = fact.get(
                (potential.partner_id.id, potential.year, potential.company_id.id), 0.0
            )

    @api.depends("partner_id", "year")
    def _compute_display_name(self):
        for potential in self:
            potential.display_name = f"{potential.partner_id.name or ''} — {potential.year}"

    @api.constrains("partner_id")
    def _check_partner_is_client(self):
        if any(
            potential.partner_id.commercial_partner_id != potential.partner_id for potential in self
        ):
            raise ValidationError(
                self.env._(
                    "A potential is set for a client (a company, or a person on their own), "
                    "not for one of a client's contacts."
                )
            )

    @api.constrains("year")
    def _check_year(self):
        if any(not MIN_YEAR <= potential.year <= MAX_YEAR for potential in self):
            raise ValidationError(
                self.env._(
                    "A potential's year lies between %(first)s and %(last)s.",
                    first=MIN_YEAR,
                    last=MAX_YEAR,
                )
            )
