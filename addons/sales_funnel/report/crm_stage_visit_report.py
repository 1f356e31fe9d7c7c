from odoo import fields, models
from odoo.tools import SQL

from ..models.crm_stage_log import OUTCOMES


class CrmStageVisitReport(models.Model):
    """The stage log for analysis: one row per visit, with its days on the step (so far,
    for an open visit), averaged rather than summed, and the loss reason of the visit
    where a deal was lost."""

    _name = "crm.stage.visit.report"
    _description = "Stage history analysis"
    _auto = False
    _order = "date_in desc, id desc"
    _rec_name = "stage_id"
    _depends = {
        "crm.stage.log": [
            "company_id",
            "date_in",
            "date_out",
            "expected_revenue",
            "lead_id",
            "outcome",
            "scenario_id",
            "stage_id",
            "team_id",
            "user_id",
        ],
        "crm.lead": ["lost_reason_id", "partner_id"],
        "res.company": ["currency_id"],
    }

    lead_id = fields.Many2one("crm.lead", readonly=True, string="Deal")
    partner_id = fields.Many2one("res.partner", readonly=True, string="Client")
    scenario_id = fields.Many2one("crm.scenario", readonly=True)
    stage_id = fields.Many2one("crm.stage", readonly=True, string="Step")
    user_id = fields.Many2one("res.users", readonly=True, string="Salesperson")
    team_id = fields.Many2one("crm.team", readonly=True, string="Sales team")
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    date_in = fields.Datetime("Entered", readonly=True)
    date_out = fields.Datetime("Left", readonly=True)
    outcome = fields.Selection([("open", "Still here"), *OUTCOMES], readonly=True)
    lost_reason_id = fields.Many2one("crm.lost.reason", readonly=True, string="Loss reason")
    days = fields.Float(
        "Days on step",
        readonly=True,
        aggregator="avg",
        help="Until the deal left the step, or until now while it is still there.",
    )
    expected_revenue = fields.Monetary(
        "Amount on entry",
        readonly=True,
        aggregator="avg",
        help="The deal's expected revenue when it entered the step; averaged over visits.",
    )

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT visit.id,
                   visit.lead_id,
                   lead.partner_id,
                   visit.scenario_id,
                   visit.stage_id,
                   visit.user_id,
                   visit.team_id,
                   visit.company_id,
                   company.currency_id,
                   visit.date_in,
                   visit.date_out,
                   COALESCE(visit.outcome, 'open') AS outcome,
                   CASE WHEN visit.outcome = 'lost' THEN lead.lost_reason_id END AS lost_reason_id,
                   EXTRACT(EPOCH FROM COALESCE(visit.date_out, %(now)s) - visit.date_in) / 86400
                       AS days,
                   visit.expected_revenue
              FROM crm_stage_log visit
         LEFT JOIN crm_lead lead ON lead.id = visit.lead_id
         LEFT JOIN res_company company ON company.id = visit.company_id
            """,
            now=fields.Datetime.now(),
        )

    def action_open_deal(self):
        self.ensure_one()
        return self.lead_id._get_records_action()
