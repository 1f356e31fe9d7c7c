from . import active_sales_potential_report
from . import active_sales_client_report
from . import sale_proposal_report
