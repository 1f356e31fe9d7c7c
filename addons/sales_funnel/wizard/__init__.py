from . import crm_lead_loss_return
from . import crm_lead_lost
from . import crm_lead_stage_move
from . import sale_order_approval_refuse
