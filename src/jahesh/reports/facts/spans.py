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
dozen rows at any level); the others are rows by the day a window closes or
opens (code + :data:`AFTER`: day hi with +v, day lo with -v, ``since`` holding
d; only those after d, the others being before every e they could count at),
read from e on: at the country, the events after the period's end rather
than every row in it. A period ending long ago has more events after it than
rows in it; it reads its rows then (``days._by_opened`` chooses, as for the
distinct parts' running series).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from jahesh.core.daily import EVER
from jahesh.core.kpis import Part

RUNNING = "@running"
AFTER = "@after"


def base_code(code: str) -> str:
    """The part a stored series belongs to (``units_monitored@opened`` →
    ``units_monitored``): a part's series add up to its value."""
    return code.partition("@")[0]


def span_series(part: Part, values: dict) -> list[tuple[Part, dict]]:
    """The two series kept beside a spans ``part`` from its window values
    ({(place, day, since, lo, hi): value}): the values whose window never
    closes, by day ({(place, day): value}, a flow with month balances), and
    +value on each bounded hi and -value on each lo after the row's day, keyed
    (place, that day, the row's day as ``since``, unbounded lo and hi); zero
    sums left out. A read takes the events from e on of rows with d < e: one
    on or before d is never read, and a row whose window closes by d (or is
    empty) never counts; both are left out."""
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
    flow = replace(part, code=part.code + RUNNING, window=False, spans=False)
    events = replace(part, code=part.code + AFTER, spans=False)
    return [
        (flow, {key: v for key, v in running.items() if v}),
        (events, {key: v for key, v in after.items() if v}),
    ]
