from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytz
from dateutil.relativedelta import relativedelta

# How far back the funnel looks for a step's win probability.
HISTORY = relativedelta(months=12)


@dataclass(frozen=True)
class FunnelPeriod:
    """A funnel period as moments in UTC (the log's time): deals closed from ``start``
    (included) to ``end`` (excluded), deals open at ``as_of``; the first and last days as
    the user gave them."""

    first_day: date
    last_day: date
    start: datetime
    end: datetime
    as_of: datetime

    @classmethod
    def of_days(cls, first_day, last_day, tz_name, as_of=None):
        """The days from ``first_day`` to ``last_day`` in the user's time zone; the open
        deals at ``as_of``, else at the end of the period or now, whichever comes first."""
        start = _utc_moment(first_day, tz_name)
        end = _utc_moment(last_day + timedelta(days=1), tz_name)
        now = datetime.now().replace(microsecond=0)
        return cls(first_day, last_day, start, end, as_of or min(end, now))

    @property
    def length(self):
        return self.end - self.start

    @property
    def history_start(self):
        """Deals closed from here to the end of the period give the win probabilities."""
        return self.end - HISTORY

    def previous(self):
        """The period of equal length just before, its open deals as far before."""
        days = (self.last_day - self.first_day).days + 1
        return FunnelPeriod(
            self.first_day - timedelta(days=days),
            self.first_day - timedelta(days=1),
            self.start - self.length,
            self.start,
            self.as_of - self.length,
        )


def _utc_moment(day, tz_name):
    """Midnight starting ``day`` in the time zone, as a naive UTC datetime."""
    local = pytz.timezone(tz_name or "UTC").localize(datetime.combine(day, time.min))
    return local.astimezone(pytz.utc).replace(tzinfo=None)


def end_of_day(day, tz_name):
    """The moment ``day`` ends in the time zone: what "as of a date" means."""
    return _utc_moment(day + timedelta(days=1), tz_name)
