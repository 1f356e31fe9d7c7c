from . import report_aging
