from . import receivables_aging_report
from . import res_company
from . import res_config_settings
