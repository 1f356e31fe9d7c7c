from . import res_partner_status_log
from . import res_partner_assignment_log
from . import res_partner
from . import res_company
from . import res_config_settings
from . import account_move
from . import mail_activity
from . import crm_manager_rating
