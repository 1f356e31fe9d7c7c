from odoo import api, fields, models
from odoo.tools import SQL

OUTCOMES = [
    ("moved", "Moved on"),
    ("won", "Won"),
    ("lost", "Lost"),
    ("merged", "Merged into another deal"),
    ("left", "Left the pipeline"),
]
# A deal has at most one of these, on the visit that closed it last.
FINAL_OUTCOMES = ("won", "lost")
# precommit data key: {merged deal id: id of the deal it was merged into}, this transaction.
MERGED_INTO = "sales_funnel.merged_into"


class CrmStageLog(models.Model):
    """One row per visit of a deal to a stage: the basis of every funnel number.

    Only the stage engine writes here (as superuser, from crm.lead): no group has write,
    create or unlink access, so users read and nothing else.

    The log is the funnel's memory, so it outlives changes of its deals: a merged deal's
    visits pass to the surviving deal, a deleted deal's visits stay (without their deal), a
    deal closed again after being reopened keeps a single final outcome (won or lost)."""

    _name = "crm.stage.log"
    _description = "Deal stage visit"
    _order = "date_in desc, id desc"
    _rec_name = "stage_id"

    lead_id = fields.Many2one("crm.lead", ondelete="set null", index=True, string="Deal")
    scenario_id = fields.Many2one("crm.scenario", index=True, ondelete="set null")
    stage_id = fields.Many2one("crm.stage", required=True, index=True, ondelete="restrict")
    user_id = fields.Many2one("res.users", index=True, string="Salesperson")
    team_id = fields.Many2one("crm.team", index=True, string="Sales team")
    company_id = fields.Many2one("res.company", index=True)
    date_in = fields.Datetime(required=True, index=True)
    date_out = fields.Datetime(index=True)
    expected_revenue = fields.Monetary(
        currency_field="company_currency_id", help="Expected revenue when the deal entered."
    )
    expected_revenue_last = fields.Monetary(
        "Last expected revenue",
        currency_field="company_currency_id",
        help="Expected revenue when the deal left the step; while it is still there, its "
        "expected revenue now. The funnel's amounts.",
    )
    furthest_stage_id = fields.Many2one(
        "crm.stage",
        string="Furthest step",
        help="On the visit that closed the deal (won or lost): the furthest step of its "
        "scenario it had reached. The funnel counts the deal as having reached every step "
        "up to this one.",
    )
    company_currency_id = fields.Many2one(related="company_id.currency_id")
    outcome = fields.Selection(OUTCOMES, index=True, help="Empty while the deal is still here.")
    days = fields.Float("Days on step", compute="_compute_days")
    state = fields.Selection(
        [("open", "Still here"), *OUTCOMES], compute="_compute_state", string="Status"
    )

    def init(self):
        # One open visit and one final outcome per deal, even under concurrent moves. The
        # funnel reads the deals closed in a period and the visits open at a moment (still
        # open, or left after it), one scenario at a time, from these indexes alone; a
        # filter's deals, from the first two by deal when PostgreSQL finds it cheaper
        # (without the funnel's columns, each deal's closing was a read of the table).
        funnel = ("company_id", "user_id", "stage_id", "expected_revenue", "expected_revenue_last")
        closing = (*funnel, "outcome", "furthest_stage_id")
        self._ensure_index(
            "crm_stage_log_one_open_visit",
            ["lead_id"],
            SQL("date_out IS NULL"),
            include=("scenario_id", "date_in", *funnel),
            unique=True,
        )
        self._ensure_index(
            "crm_stage_log_one_final_outcome",
            ["lead_id"],
            SQL("outcome IN ('won', 'lost')"),
            include=("scenario_id", "date_out", *closing),
            unique=True,
        )
        self._ensure_index(
            "crm_stage_log_scenario_closings",
            ["scenario_id", "date_out"],
            SQL("outcome IN ('won', 'lost')"),
            include=(*closing, "lead_id"),
        )
        self._ensure_index(
            "crm_stage_log_scenario_date_out",
            ["scenario_id", "date_out", "date_in"],
            include=(*funnel, "lead_id"),
        )

    def _ensure_index(self, name, columns, where=None, include=(), unique=False):  # noqa: PLR0913
        """Create the index, or recreate it when an older version of this addon did not
        include the same columns."""
        include_clause = f"INCLUDE ({', '.join(include)})" if include else ""
        self.env.cr.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name])
        row = self.env.cr.fetchone()
        if row and include_clause in row[0]:
            return

        def identifiers(names):
            return SQL(", ").join(SQL.identifier(column) for column in names)

        self.env.cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(name)))
        self.env.cr.execute(
            SQL(
                "CREATE %s INDEX %s ON crm_stage_log (%s) %s %s",
                SQL("UNIQUE") if unique else SQL(),
                SQL.identifier(name),
                identifiers(columns),
                SQL("INCLUDE (%s)", identifiers(include)) if include else SQL(),
                SQL("WHERE %s", where) if where else SQL(),
            )
        )

    @api.depends("date_in", "date_out")
    def _compute_days(self):
        now = fields.Datetime.now()
        for visit in self:
            end = visit.date_out or now
            visit.days = (end - visit.date_in).total_seconds() / 86400 if visit.date_in else 0.0

    @api.depends("outcome")
    def _compute_state(self):
        for visit in self:
            visit.state = visit.outcome or "open"

    # ------------------------------------------------------------
    # BUSINESS (called by crm.lead)
    # ------------------------------------------------------------

    @api.model
    def _open_visits(self, leads):
        now = fields.Datetime.now()
        return self.sudo().create(
            [
                {
                    "lead_id": lead.id,
                    "scenario_id": lead.scenario_id.id,
                    "stage_id": lead.stage_id.id,
                    "user_id": lead.user_id.id,
                    "team_id": lead.team_id.id,
                    "company_id": (lead.company_id or self.env.company).id,
                    "date_in": now,
                    "expected_revenue": lead.expected_revenue,
                    "expected_revenue_last": lead.expected_revenue,
                }
                for lead in leads
                if lead.stage_id
            ]
        )

    @api.model
    def _close_visits(self, leads, outcome):
        if not leads:
            return
        if outcome in FINAL_OUTCOMES:
            self._retract_final_outcomes(leads)
        visits = self._visits_of(leads, [("date_out", "=", False)])
        furthest = self._furthest_stages(leads) if outcome in FINAL_OUTCOMES else {}
        for visit in visits:
            visit.expected_revenue_last = visit.lead_id.expected_revenue
            visit.furthest_stage_id = furthest.get(visit.lead_id.id, False)
        self._write_and_flush(visits, {"date_out": fields.Datetime.now(), "outcome": outcome})

    @api.model
    def _follow_revenue(self, leads):
        """The deals' expected revenue changed: their open visits carry it."""
        for visit in self._visits_of(leads, [("date_out", "=", False)]):
            visit.expected_revenue_last = visit.lead_id.expected_revenue

    @api.model
    def _furthest_stages(self, leads):
        """The furthest step of its scenario each deal has reached, by stage id: a won deal's
        won step, else the latest in step order of the steps it visited."""
        visited = dict(
            self.sudo()._read_group(
                [("lead_id", "in", leads.ids)], ["lead_id"], ["stage_id:array_agg"]
            )
        )
        furthest = {}
        for lead in leads.filtered("scenario_id"):
            steps = lead.scenario_id.sudo()._funnel_steps()
            stages = set(visited.get(lead, [])) | {lead.stage_id.id}
            reached = [step.stage_id.id for step in steps if step.stage_id.id in stages]
            if reached:
                furthest[lead.id] = reached[-1]
        return furthest

    @api.model
    def _retract_final_outcomes(self, leads, outcome="moved"):
        """The deals are open again, or about to close again: their earlier win or loss no
        longer counts as one."""
        self._write_and_flush(
            self._visits_of(leads, [("outcome", "in", FINAL_OUTCOMES)]), {"outcome": outcome}
        )

    @api.model
    def _follow_holder(self, leads):
        """The deals changed hands: their open visits are credited to whoever holds them
        now (the visits they left keep who held them then)."""
        visits = self._visits_of(leads, [("date_out", "=", False)])
        for (user, team, company), held in visits.grouped(
            lambda visit: visit.lead_id._holder()
        ).items():
            held.write(
                {
                    "user_id": user.id,
                    "team_id": team.id,
                    "company_id": (company or self.env.company).id,
                }
            )

    @api.model
    def _note_merge(self, deal, merged_deals):
        """The merged deals' history passes to ``deal`` when they are deleted."""
        merged_into = self.env.cr.precommit.data.setdefault(MERGED_INTO, {})
        merged_into.update(dict.fromkeys(merged_deals.ids, deal.id))

    @api.model
    def _pass_to_surviving_deal(self, deal, merged_deals):
        """A merge keeps the merged deals' history on the deal that survives it."""
        visits = self._visits_of(merged_deals, [])
        self._retract_final_outcomes(merged_deals, outcome="merged")
        self._close_visits(merged_deals, "merged")
        visits.write({"lead_id": deal.id})

    @api.model
    def _keep_after_deletion(self, leads):
        """Visits outlive their deal, so that deleting it does not rewrite a past funnel; a
        deal deleted once merged into another passes them to that one."""
        merged_into = self.env.cr.precommit.data.get(MERGED_INTO, {})
        by_survivor = leads.grouped(lambda lead: merged_into.get(lead.id))
        survivors = leads.browse(filter(None, by_survivor)).exists() - leads
        for survivor in survivors:
            self._pass_to_surviving_deal(survivor, by_survivor[survivor.id])
        self._close_visits(
            leads.filtered(lambda lead: merged_into.get(lead.id) not in survivors.ids), "left"
        )

    def _visits_of(self, leads, domain):
        if not leads:
            return self.sudo().browse()
        return self.sudo().search([("lead_id", "in", leads.ids), *domain])

    @staticmethod
    def _write_and_flush(visits, values):
        if not visits:
            return
        visits.write(values)
        # The unique indexes on open visits and final outcomes check each statement: what
        # comes next must see these rows already changed.
        visits.flush_recordset(list(values))
