"""What the reports' RPC methods accept. Each input is checked; anything else gets a clear
error in the user's language, never a traceback."""

from contextlib import contextmanager
from datetime import date

import psycopg2
import pytz

from odoo import fields
from odoo.exceptions import UserError
from odoo.tools import SQL

from .crm_funnel_period import FunnelPeriod

# A report compares its period with the one before it, of equal length: within these
# years, neither ever leaves the calendar.
FIRST_YEAR, LAST_YEAR = 1900, 2999
# What building or running a filter raises on a malformed one: a leaf that is not one, an
# unknown field or operator, a value the column's type refuses.
FILTER_ERRORS = (
    ValueError, TypeError, KeyError, IndexError, AssertionError,
    psycopg2.DataError, psycopg2.ProgrammingError,
)  # fmt: skip


def user_tz(env):
    """The user's time zone, UTC when the one sent is unknown (as Odoo's own dates)."""
    tz_name = env.context.get("tz") or env.user.tz
    return tz_name if tz_name in pytz.all_timezones_set else "UTC"


def day_of(env, value):
    """A day given as a date or an ISO string; None when not given."""
    if not value:
        return None
    try:
        if not isinstance(value, str | date):
            raise TypeError(value)
        day = fields.Date.to_date(value)
    except (ValueError, TypeError) as error:
        raise UserError(env._("The period's dates are not valid dates.")) from error
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise UserError(
            env._("A report's dates fall between %(first)s and %(last)s.",
                  first=FIRST_YEAR, last=LAST_YEAR)
        )  # fmt: skip
    return day


def report_period(env, date_from, date_to, as_of=None):
    """The days ``date_from`` to ``date_to`` in the user's time zone (see FunnelPeriod)."""
    first_day, last_day = day_of(env, date_from), day_of(env, date_to)
    if not first_day or not last_day or first_day > last_day:
        raise UserError(env._("The period must start before it ends."))
    return FunnelPeriod.of_days(first_day, last_day, user_tz(env), as_of)


def whole_number(env, value, message):
    """``value`` as an int; ``message`` (translated) when it is not a whole number."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise UserError(message)
    try:
        return int(value)
    except ValueError as error:
        raise UserError(message) from error


@contextmanager
def filter_errors(env, cannot_apply):
    """Run a user's filter: what its SQL raises on a value its column refuses becomes
    ``cannot_apply`` (translated, with a ``%s`` for the error); the transaction goes on."""
    try:
        with env.cr.savepoint(flush=False):
            yield
    except FILTER_ERRORS as error:
        raise UserError(cannot_apply % error) from error


def filtered_query(model, domain, cannot_apply, probe=True):
    """``model._search(domain)`` for a filter a user sent. With ``probe``, run once (to
    its first row) to tell a value its column refuses, for a caller that will only embed
    the query in another."""
    env = model.env
    if domain is not None and not isinstance(domain, list):
        raise UserError(env._("The report's filter must be a list of conditions."))
    with filter_errors(env, cannot_apply):
        query = model._search(domain or [])
        if domain and probe:
            env.execute_query(SQL("%s LIMIT 1", query.select(SQL("1"))))
    return query
