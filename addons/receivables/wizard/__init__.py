from . import receivables_credit_hold_wizard
