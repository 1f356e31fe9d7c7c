from . import controllers
from . import models
from . import report
from . import wizard


def _init_client_base(env):
    """A database that already has clients gets their statuses at once, and their
    salespeople count as holding them since the client was created."""
    env["res.partner"]._init_salesperson_since()
    env["res.partner"]._cron_recompute_client_status()
