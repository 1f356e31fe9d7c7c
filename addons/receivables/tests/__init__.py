from . import test_aging
from . import test_credit_hold
from . import test_notify
from . import test_open_receivables
from . import test_payment_schedule
from . import test_roles
from . import test_ui
from . import test_oca_aged_balance
