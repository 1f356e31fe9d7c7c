from . import crm_lead_loss_return, crm_lead_lost, crm_lead_stage_move
