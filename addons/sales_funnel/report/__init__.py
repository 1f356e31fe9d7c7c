from . import crm_stage_visit_report
from . import crm_manager_rating
from . import crm_funnel_report
from . import report_sales_funnel
from . import stock_reservation_report
from . import sale_proposal_report
