from . import (
    account_move,
    account_partial_reconcile,
    crm_lead,
    crm_scenario,
    crm_scenario_step,
    crm_scenario_step_activity,
    crm_stage_log,
    crm_team,
    sale_order,
    stock_move,
    stock_picking,
)
