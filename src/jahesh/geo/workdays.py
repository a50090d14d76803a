"""Working days: the clock that time limits, deadlines and reminders count.

A working day is a day that is not a weekly day off (``JAHESH_WEEKEND``,
Friday always), not an official holiday (the ``holidays`` package's Iran
calendar, solar and lunar) and not a closure of the record's province or of
the whole country (:class:`jahesh.geo.models.Closure`, added by an admin at
short notice). "N working days after D" counts from the day after D.

Build a :class:`WorkCalendar` once for a province and ask it many questions
(a reminder job does this per province); it reads the closures of the years it
is asked about once. Closures are read when the calendar is built, so a closure
added today moves every clock still running, as the reference asks.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable

import holidays
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q

from jahesh.geo.models import Closure

_DAY_NAMES = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_FRIDAY = 4
# A limit no real deadline reaches; guards the loops against a calendar with no
# working day at all (a misconfiguration, not data).
_MAX_SCAN_DAYS = 3660


def weekend(value: str | None = None) -> frozenset[int]:
    """The weekly days off as ``date.weekday()`` numbers, from ``JAHESH_WEEKEND``
    (e.g. ``"thu,fri"``). Friday is always off."""
    raw = settings.JAHESH_WEEKEND if value is None else value
    days = {_FRIDAY}
    for name in (p.strip().lower() for p in raw.split(",")):
        if not name:
            continue
        if name not in _DAY_NAMES:
            raise ImproperlyConfigured(
                f"JAHESH_WEEKEND: unknown day {name!r}; use {', '.join(_DAY_NAMES)}"
            )
        days.add(_DAY_NAMES[name])
    return frozenset(days)


@functools.lru_cache(maxsize=64)
def official_holidays(year: int) -> frozenset[datetime.date]:
    """Iran's official holidays of a Gregorian year (the ``holidays`` package;
    lunar ones of future years are its estimates)."""
    return frozenset(holidays.country_holidays("IR", years=year).keys())


class WorkCalendar:
    """Working days for one province (``None``: closures of the whole country only)."""

    def __init__(
        self,
        province_id: int | None = None,
        *,
        weekend_days: Iterable[int] | None = None,
        closures: Iterable[datetime.date] | None = None,
    ) -> None:
        self.province_id = province_id
        self.weekend = frozenset(weekend_days) if weekend_days is not None else weekend()
        # Closures given explicitly (tests, a caller that already read them) or
        # read from the database year by year as the calendar is asked.
        self._given = frozenset(closures) if closures is not None else None
        self._closures: dict[int, frozenset[datetime.date]] = {}

    def _closed(self, year: int) -> frozenset[datetime.date]:
        if self._given is not None:
            return self._given
        if year not in self._closures:
            where = Q(province__isnull=True)
            if self.province_id is not None:
                where |= Q(province_id=self.province_id)
            self._closures[year] = frozenset(
                Closure.objects.filter(where, on__year=year).values_list("on", flat=True)
            )
        return self._closures[year]

    def is_working_day(self, day: datetime.date) -> bool:
        return (
            day.weekday() not in self.weekend
            and day not in official_holidays(day.year)
            and day not in self._closed(day.year)
        )

    def add(self, start: datetime.date, days: int) -> datetime.date:
        """The ``days``-th working day after ``start`` (``days`` = 0: ``start``
        itself if it is a working day, else the next one)."""
        if days < 0:
            raise ValueError("days must be zero or more")
        day, left = start, days
        if left == 0:
            return self.next_working_day(start)
        for _ in range(_MAX_SCAN_DAYS):
            day += datetime.timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
                if left == 0:
                    return day
        raise ImproperlyConfigured("no working day within ten years: check JAHESH_WEEKEND")

    def next_working_day(self, day: datetime.date) -> datetime.date:
        """``day`` if it is a working day, else the first one after it."""
        for _ in range(_MAX_SCAN_DAYS):
            if self.is_working_day(day):
                return day
            day += datetime.timedelta(days=1)
        raise ImproperlyConfigured("no working day within ten years: check JAHESH_WEEKEND")

    def between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative
        when ``end`` is before ``start``): ``between(d, add(d, n)) == n``."""
        if end < start:
            return -self.between(end, start)
        count, day = 0, start
        while day < end:
            day += datetime.timedelta(days=1)
            count += self.is_working_day(day)
        return count


def add_working_days(
    start: datetime.date, days: int, *, province_id: int | None = None
) -> datetime.date:
    """The ``days``-th working day after ``start`` for a record of ``province_id``."""
    return WorkCalendar(province_id).add(start, days)


def working_days_between(
    start: datetime.date, end: datetime.date, *, province_id: int | None = None
) -> int:
    """Working days after ``start`` up to and including ``end``."""
    return WorkCalendar(province_id).between(start, end)
