from . import receivables_credit_hold_wizard
from . import receivables_notify_wizard
