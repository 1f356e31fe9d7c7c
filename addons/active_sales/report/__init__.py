from . import active_sales_potential_report
