from . import models
from . import wizard


def _decide_client_statuses(env):
    """A database that already has invoices gets its clients' statuses at once."""
    env["res.partner"]._cron_recompute_client_status()
