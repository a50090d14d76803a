"""The time limit of a case (SLA), computed from its events.

The clock runs from the case's opening; it is paused while the case waits on
an agency (as in Odoo Helpdesk's SLA policies, the time a third party holds a
case is not the clinic's) and stopped while the case is closed (a reopened case
continues from where it stood). It counts **working days** of the case's
province (reference/calendar.md, ``geo.workdays``): only the hours of working
days run the clock, so a limit of N days ends N working days after the case
was opened, at the same hour (a case opened on a day off ends at the close of
its N-th working day). A closure added by an admin moves the clocks still
running the next time they are computed (a move of the case, or its page).

Pure functions but for the calendar's closures: the caller passes ``now`` and
the calendar (``calendar_for(province_id)``; ``None`` counts every day, for
arithmetic without a calendar).
"""

from __future__ import annotations

import datetime
import functools
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from jahesh.clinic.models import CLOSED_STATUSES, CaseStatus
from jahesh.core.daily import once
from jahesh.geo.workdays import WorkCalendar

# Statuses in which the clock does not run.
_NOT_COUNTING = frozenset({CaseStatus.WAITING, *CLOSED_STATUSES})
_ZERO = datetime.timedelta(0)
_ONE_DAY = datetime.timedelta(days=1)
_ONE_MICROSECOND = datetime.timedelta(microseconds=1)
# More days than any limit (the settings hold at most a few hundred) can take.
_MAX_DAYS = 3660


def calendar_for(province_id: int | None) -> WorkCalendar:
    """The working-day calendar of a case of ``province_id`` (one per
    ``core.daily.shared`` block, which reads the closures of a year once: a bulk
    writer checks thousands of moves; a new one outside, so a closure added
    moves the next computation)."""
    return once(WorkCalendar, province_id)


@functools.lru_cache(maxsize=65_536)
def _midnight(day: datetime.date, tz: datetime.tzinfo) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()), tz)


# The loops below walk a limit day by day (a month's limit: sixty midnights). A
# bulk writer (the national generator's clinic part) walks the same days for
# thousands of moves, so each day's midnight (per time zone) and each
# calendar's answer per day are remembered: the walks are the same, each day a
# lookup rather than a time-zone conversion and three set lookups. A calendar
# answers the same for a day all its life (it reads a year's closures once), and
# its answers go with it (a new calendar, a closure added since, starts afresh).
_WORKING: weakref.WeakKeyDictionary[Any, dict[datetime.date, bool]] = weakref.WeakKeyDictionary()


def _working(calendar: WorkCalendar) -> Callable[[datetime.date], bool]:
    """``calendar.is_working_day``, each day asked of the calendar once."""
    known = _WORKING.get(calendar)
    if known is None:
        known = _WORKING[calendar] = {}
    ask = calendar.is_working_day

    def working(day: datetime.date) -> bool:
        value = known.get(day)
        if value is None:
            value = known[day] = ask(day)
        return value

    return working


def working_time(
    start: datetime.datetime, end: datetime.datetime, calendar: WorkCalendar | None
) -> datetime.timedelta:
    """The part of [start, end) that falls on working days (local dates)."""
    if end <= start:
        return _ZERO
    if calendar is None:
        return end - start
    tz, working = timezone.get_current_timezone(), _working(calendar)
    total, day, last = _ZERO, timezone.localdate(start, tz), timezone.localdate(end, tz)
    while day <= last:
        following = day + _ONE_DAY
        if working(day):
            lo = max(start, _midnight(day, tz))
            hi = min(end, _midnight(following, tz))
            total += max(hi - lo, _ZERO)
        day = following
    return total


def add_working_time(
    start: datetime.datetime, amount: datetime.timedelta, calendar: WorkCalendar | None
) -> datetime.datetime:
    """The instant at which ``amount`` of working time has run after ``start``
    (before it, for a negative ``amount``: an overdue case's deadline)."""
    if calendar is None or amount == _ZERO:
        return start + amount
    if amount < _ZERO:
        return _back_working_time(start, -amount, calendar)
    at, left, tz = start, amount, timezone.get_current_timezone()
    working = _working(calendar)
    day = timezone.localdate(at, tz)
    for _ in range(_MAX_DAYS):
        following = day + _ONE_DAY
        next_midnight = _midnight(following, tz)
        if working(day):
            chunk = next_midnight - at
            if left <= chunk:
                return at + left
            left -= chunk
        at, day = next_midnight, following  # the local date of a midnight is its day
    raise ValueError("time limit beyond ten years")


def _back_working_time(
    end: datetime.datetime, amount: datetime.timedelta, calendar: WorkCalendar
) -> datetime.datetime:
    at, left, tz = end, amount, timezone.get_current_timezone()
    working = _working(calendar)
    day = timezone.localdate(at - _ONE_MICROSECOND, tz)
    for _ in range(_MAX_DAYS):
        day_start = _midnight(day, tz)
        if working(day):
            chunk = at - day_start
            if left <= chunk:
                return at - left
            left -= chunk
        at, day = day_start, day - _ONE_DAY  # the day before a midnight is the previous one
    raise ValueError("time limit beyond ten years")


@dataclass(frozen=True)
class SlaState:
    limit: datetime.timedelta  # working time allowed
    elapsed: datetime.timedelta  # working time the clock ran
    paused: datetime.timedelta  # calendar time the clock stood: waiting on an agency, or closed
    waiting: datetime.timedelta  # of which waiting on an agency
    due_at: datetime.datetime | None  # None while paused or closed
    is_running: bool

    @property
    def remaining(self) -> datetime.timedelta:
        return self.limit - self.elapsed

    @property
    def is_overdue(self) -> bool:
        return self.elapsed > self.limit


def sla_state(
    *,
    opened_at: datetime.datetime,
    limit_days: int,
    events: Iterable[tuple[datetime.datetime, str]],
    now: datetime.datetime,
    calendar: WorkCalendar | None = None,
) -> SlaState:
    """The case's clock at ``now``.

    ``events`` are ``(at, to_status)`` of the case's moves after opening, in the
    order they were made (a stable sort by time keeps moves of the same instant
    in that order); events after ``now`` are ignored. The status before the first move
    is ``new``. ``calendar``: the working days of the case's province.
    """
    limit = datetime.timedelta(days=limit_days)
    status, since = CaseStatus.NEW, opened_at
    elapsed = paused = waiting = _ZERO
    for at, to_status in sorted((e for e in events if e[0] <= now), key=lambda e: e[0]):
        at = max(at, opened_at)
        if status in _NOT_COUNTING:
            paused += at - since
            waiting += at - since if status == CaseStatus.WAITING else _ZERO
        else:
            elapsed += working_time(since, at, calendar)
        status, since = to_status, at
    running = status not in _NOT_COUNTING
    if running:
        due_at = add_working_time(since, limit - elapsed, calendar)
        elapsed += working_time(since, now, calendar)
    else:
        due_at = None
        paused += now - since
        waiting += now - since if status == CaseStatus.WAITING else _ZERO
    return SlaState(
        limit=limit,
        elapsed=elapsed,
        paused=paused,
        waiting=waiting,
        due_at=due_at,
        is_running=running,
    )
