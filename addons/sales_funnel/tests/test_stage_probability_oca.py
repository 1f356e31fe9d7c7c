from unittest import SkipTest

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SalesFunnelCommon

WIZARD = "crm.lead.stage.probability.update"


@tagged("post_install", "-at_install")
class TestScenarioStagesNextToOcaStageProbability(SalesFunnelCommon):
    """Next to OCA's ``crm_stage_probability`` (``make test-oca`` installs it; skipped
    elsewhere): a scenario stage is a stage whose probability the engine sets on entry, so it
    carries their "Change Probability Automatically" flag and its steps' probability, and
    their mass update works on scenario deals without moving them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if WIZARD not in cls.env or "on_change" not in cls.env["crm.stage"]._fields:
            raise SkipTest("OCA's crm_stage_probability is not installed (make test-oca runs this)")

    def test_scenario_stages_carry_the_flag_and_the_steps_probability(self):
        steps = self.env["crm.scenario.step"].search([("stage_id.is_won", "=", False)])
        self.assertTrue(steps)
        for step in steps:
            self.assertTrue(step.stage_id.on_change, step.stage_id.name)
            self.assertEqual(step.stage_id.probability, step.probability, step.stage_id.name)

    def _mass_update(self, stages):
        """OCA's wizard as the administrator runs it (it reads a window action at the end,
        which only Settings users may)."""
        admin = self.env.ref("base.user_admin")
        wizard = self.env[WIZARD].with_user(admin).with_context(active_ids=stages.ids).create({})
        wizard.execute()
        return wizard

    def test_mass_update_resets_scenario_deals_to_their_step(self):
        self.deal.with_user(self.salesperson).probability = 33.0
        step = self.deal.scenario_step_id
        visits = self.deal.stage_log_ids
        self._mass_update(step.stage_id)
        self.assertEqual(self.deal.probability, step.probability)
        self.assertTrue(self.deal.is_stage_probability)
        self.assertEqual(self.deal.scenario_step_id, step, "not moved")
        self.assertEqual(self.deal.stage_log_ids, visits, "no visit opened or closed")

    def test_mass_update_of_every_stage(self):
        """Their own test_mass_update, less its counts of Odoo's demo leads per stage (our
        demo adds two won deals to Odoo's Won stage): every stage, ours included, is
        accepted and every deal ends on its stage's probability."""
        stages = self.env["crm.stage"].search([])
        self.assertTrue(all(stages.mapped("on_change")))
        wizard = self._mass_update(stages)
        self.assertTrue(all(self.env["crm.lead"].search([]).mapped("is_stage_probability")))
        for line in wizard.crm_stage_update_ids:
            self.assertEqual(
                line.lead_count,
                self.env["crm.lead"].search_count([("stage_id", "=", line.stage_id.id)]),
            )

    def test_engine_move_sets_what_their_flag_promises(self):
        target = self.deal._next_scenario_step()
        self.deal._move_to_step(target)
        self.assertEqual(self.deal.probability, target.stage_id.probability)
        self.assertTrue(self.deal.is_stage_probability)

    def test_step_probability_follows_to_the_stage_and_disagreement_drops_the_flag(self):
        presentation = self.stage("presentation")
        self.step(self.typical, "presentation").probability = 35.0
        self.assertEqual(presentation.probability, 35.0, "only the typical sale has it")
        self.assertTrue(presentation.on_change)

        proposal = self.stage("commercial_proposal")
        self.step(self.typical, "commercial_proposal").probability = 45.0
        self.assertFalse(proposal.on_change, "the short and free-form sales still say 40%")
        with self.assertRaisesRegex(UserError, "Following stages must be set as"):
            self._mass_update(proposal)
        short = self.env.ref("sales_funnel.scenario_short_sale")
        self.step(self.free_form, "commercial_proposal").probability = 45.0
        self.step(short, "commercial_proposal").probability = 45.0
        self.assertTrue(proposal.on_change, "one probability again")
        self.assertEqual(proposal.probability, 45.0)

    def test_stages_left_undecided_by_a_later_install_are_decided_once(self):
        """crm_stage_probability installed after us adds the flag empty (NULL) on our stages."""
        presentation = self.stage("presentation")
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_stage SET on_change = NULL, probability = 10 WHERE id = %s",
            [presentation.id],
        )
        presentation.invalidate_recordset()
        self.assertFalse(presentation.on_change)
        self.env["crm.scenario.step"]._register_hook()
        self.assertTrue(presentation.on_change)
        self.assertEqual(
            presentation.probability, self.step(self.typical, "presentation").probability
        )
