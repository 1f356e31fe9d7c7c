from . import base_partner_merge_automatic_wizard
from . import active_sales_client_handover
from . import active_sales_client_handover_line
