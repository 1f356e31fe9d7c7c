from . import receivables_aging_wizard
from . import receivables_credit_hold_wizard
from . import receivables_notify_wizard
