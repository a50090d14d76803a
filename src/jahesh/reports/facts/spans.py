"""A window part's day rows read as running totals and rows after the period
(``Part.spans``: each loan's latest verification, its planned jobs while none).

Such a part's row (day d, lo, hi, value v; ``since`` unused) counts for
[s, e) when s <= d < e and lo < e <= hi: a range over one date crossed with a
state at another, so the period's own rows are one per loan and verification
(thousands at the country where a province has hundreds). With lo < hi,
[lo < e <= hi] = [hi >= e] - [lo >= e], so the period's value is

    sum over s <= d < e of v [hi unbounded]
  + sum over s <= d < e of v [hi >= e]  (hi bounded)
  - sum over s <= d < e of v [lo >= e]  (lo bounded),

exactly, whatever the order of d, lo and hi (a verification dated before its
loan's disbursement included). The first is a flow by day (code +
:data:`RUNNING`: month balances and the days of a month at s and at e, a few
dozen rows at any level); the others are events by the day a window closes
or opens (day hi with +v, day lo with -v, ``since`` holding d; only those
after d, the others being before every e they could count at). The period
wants the events from e on of the rows with s <= d < e: those of the rows
with d < e, a flow (code + :data:`PENDING`: +v on d, -v on the event's day,
so its sum of the days before e is the events on or after e of rows before
e; month balances), less those of the rows with d < s. An event from e on of
a row with d < s lies more than e - s days after d, so the events are kept by
that distance (code + :data:`AFTER` + k: 2**k <= day - d < 2**(k+1)) and a
period reads only the classes that can hold one (:func:`first_class`): at the
country, for a year, the events of the last weeks a year or more after their
row, where it read every event after the period's end. A period ending long
ago has more events after it than rows in it; it reads its rows then
(``days._by_opened`` chooses, as for the distinct parts' running series).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import replace

from jahesh.core.daily import EVER
from jahesh.core.kpis import Part

RUNNING = "@running"
AFTER = "@after"
PENDING = "@pending"
# Distance classes of the events (2**k <= day - since < 2**(k+1)): 0..15 holds
# any distance below 179 years.
CLASSES = range(16)


def distance_class(since: datetime.date, day: datetime.date) -> int:
    """The distance class of ``day`` from ``since``: k for 2**k <= day - since <
    2**(k+1) (0 for a day not after since), the last class for any distance
    beyond. A spans part's events (``AFTER``) and a distinct part's rows
    (``days.SINCE``) are kept by it."""
    return min(max(0, (day - since).days.bit_length() - 1), CLASSES[-1])


def class_codes(code: str, series: str, first: int = 0) -> list[str]:
    """The series ``code`` + ``series`` + k kept per distance class, from class
    ``first`` on (the classes a read can find a row in: :func:`first_class`)."""
    return [f"{code}{series}{k}" for k in CLASSES if k >= first]


def after_code(code: str, k: int) -> str:
    """The series of ``code``'s events k classes after their row (``AFTER`` + k)."""
    return f"{code}{AFTER}{k}"


def first_class(longer_than: int) -> int:
    """The first distance class that may hold an event more than
    ``longer_than`` days after its row (the last holds any distance beyond)."""
    return next((k for k in CLASSES if 2 ** (k + 1) - 1 > longer_than), CLASSES[-1])


def after_codes(code: str, first: int) -> list[str]:
    """The event series of ``code`` from distance class ``first`` on."""
    return class_codes(code, AFTER, first)


def base_code(code: str) -> str:
    """The part a stored series belongs to (``units_monitored@opened`` →
    ``units_monitored``): a part's series add up to its value."""
    return code.partition("@")[0]


def span_series(part: Part, values: dict) -> list[tuple[Part, dict]]:
    """The series kept beside a spans ``part`` from its window values
    ({(place, day, since, lo, hi): value}): the values whose window never
    closes, by day ({(place, day): value}, a flow with month balances); +value
    on each bounded hi and -value on each lo after the row's day, keyed
    (place, that day, the row's day as ``since``, unbounded lo and hi), one
    series per distance class; and those events as a flow of +value on the
    row's day and -value on theirs (``PENDING``); zero sums left out. A read
    takes the events from e on of rows with d < e: one on or before d is never
    read, and a row whose window closes by its day (or is empty) never counts;
    both are left out. Every class is returned, empty or not, so that the
    writer removes the stored rows of a class that holds none now."""
    running: dict[tuple, int] = defaultdict(int)
    after: dict[tuple, int] = defaultdict(int)
    for (place, day, since, lo, hi), value in values.items():
        assert since == EVER[0], (part.code, since)  # a spans part has no since
        if lo >= hi or hi <= day:  # never counts: no period holds day and ends in (lo, hi]
            continue
        if hi == EVER[1]:
            running[(place, day)] += value
        else:
            after[(place, hi, day, EVER[0], EVER[1])] += value
        if lo > day:  # (an event on or before day is before every end it could count at)
            after[(place, lo, day, EVER[0], EVER[1])] -= value
    pending: dict[tuple, int] = defaultdict(int)
    classes: dict[int, dict[tuple, int]] = {k: {} for k in CLASSES}
    for key, value in after.items():
        if not value:
            continue
        place, day, since = key[:3]
        pending[(place, since)] += value
        pending[(place, day)] -= value
        classes[distance_class(since, day)][key] = value
    flow = replace(part, code=part.code + RUNNING, window=False, spans=False)
    opened = replace(part, code=part.code + PENDING, window=False, spans=False)
    return [
        (flow, {key: v for key, v in running.items() if v}),
        (opened, {key: v for key, v in pending.items() if v}),
        *((replace(part, code=after_code(part.code, k), spans=False), rows)
          for k, rows in classes.items()),
    ]  # fmt: skip
