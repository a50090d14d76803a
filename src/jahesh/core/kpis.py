"""The shape of a KPI (reference kpis.md): a :class:`Kpi`, the :class:`Part`\\ s
it is computed from and the :class:`DrillColumn`\\ s of the records behind it.

Each domain app declares its figures in its own ``kpis.py`` (``KPIS``: a tuple of
:class:`Kpi`), holding its selector functions themselves — no dotted paths — so
a missing or renamed selector fails at import, and mypy checks each against the
signature below (:class:`PartSelector`, :class:`DailySelector`,
:class:`RecordsSelector`). ``reports.registry`` lists those modules explicitly,
in the order of kpis.md; core only holds the shape, since every app may build on
it (as ``core.inbox``).

Periods are half-open [start, end); "at the period's end" is the state on
``end − 1 day``. A selector's ``area`` is an ``accounts.scoping.Area`` (typed
``Any`` here: core sits below accounts).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Protocol

from django.db.models import Model, QuerySet

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

COUNT, RIAL, PERCENT = "count", "rial", "percent"


class KpiUnavailable(LookupError):
    """No KPI, or no daily selector, of that code."""


class PartSelector(Protocol):
    """A part's value for [start, end) in ``area``: ``{None: total}``, or
    ``{place id: value}`` per county or province (``by``), in one query."""

    def __call__(
        self, *, area: Any, start: datetime.date, end: datetime.date, by: str | None = None
    ) -> dict[int | None, int]: ...


class DailySelector(Protocol):
    """A part's rows per place and day (``core.daily``): ``{(place, day): value}``,
    or ``{(place, day, since, lo, hi): value}`` for a window part."""

    def __call__(self, *, area: Any) -> dict[Any, int]: ...


class RecordsSelector(Protocol):
    """The records behind a figure for [start, end) in ``area`` (the drill-down)."""

    def __call__(self, *, area: Any, start: datetime.date, end: datetime.date) -> QuerySet[Any]: ...


# The figure from its parts' values ({part code: value} → value).
Combine = Callable[[dict[str, int]], int]


@dataclass(frozen=True)
class DrillColumn:
    """One column of a drill-down list and its export.

    ``attr`` is a dotted attribute path on the record ("county.name"); a
    callable at the end (``get_status_display``) is called. ``kind`` is how the
    page shows it: text, date, count, rial. ``link`` makes the cell a link to
    the record: (url name, attribute holding the pk).
    """

    key: str
    fa: str
    en: str
    attr: str
    kind: str = "text"
    link: tuple[str, str] | None = None


# The columns most drill-downs show: the record's county and its status.
COUNTY_COLUMN = DrillColumn("county", "شهرستان", "County", "county.name")
STATUS_COLUMN = DrillColumn("status", "وضعیت", "Status", "get_status_display")


@dataclass(frozen=True)
class Part:
    """A component of figures, additive over places: a count, a sum in rials, a
    numerator or a denominator, computed by ``selector``.

    ``place`` is the finest place its records belong to (working-group
    resolutions belong to a province). ``additive`` is False where an area's
    value is not the sum of its places' (distinct people served in several
    counties): such a part is stored and read per area, never summed.
    ``sources`` are the models its selector reads ("units.Visit"): a write to
    one of them makes the part stale in the analytics table (``reports.facts``).
    ``daily`` is set on flow parts, whose value for a period is the sum of its
    days' values, and on ``stock`` parts (a state at the period's end: active
    funds, principal outstanding), whose value is the sum of their changes up to
    the end: the table keeps either per place and day (``reports.DayFact``), so
    any period is an indexed sum. ``window`` parts (distinct units, each unit's
    latest visit, each loan's latest verification) have day rows that count only
    within a window of the period's dates (``DayFact.since``/``lo``/``hi``).

    A selector's statement for one area (``by`` None) has one shape whatever the
    place and period, the values being parameters: a marked place's recount
    compiles it once per process (``core.prepared.prepared_total``, which
    refuses, and runs the selector each time, where it sees otherwise).
    """

    code: str
    selector: PartSelector
    place: str = "county"  # "county" | "province"
    additive: bool = True
    sources: frozenset[str] = frozenset()
    daily: DailySelector | None = None  # kept per place and day
    stock: bool = False  # a state at the period's end: the sum of the days' changes up to it
    window: bool = False  # its day rows count within a window (reports.DayFact.since/lo/hi)
    # A window part whose rows count for any end (lo, hi unbounded): the distinct
    # units or people first seen in the period (since < start), also kept as the
    # number of them seen again on or after each date (reports.facts.days).
    distinct: bool = False
    # A window part whose rows never use ``since`` (each loan's latest
    # verification): also kept as running totals by day and as rows by the day
    # a row's window opens or closes, so that a recent period reads few rows at
    # any level (reports.facts.spans).
    spans: bool = False

    def values(
        self, *, area: Any, start: datetime.date, end: datetime.date, by: str | None = None
    ) -> dict[int | None, int]:
        return self.selector(area=area, start=start, end=end, by=by)

    def total(self, *, area: Any, start: datetime.date, end: datetime.date) -> int:
        return self.values(area=area, start=start, end=end)[None]

    def daily_values(self, *, area: Any) -> dict[Any, int]:
        """A flow part's value per place and day (every day with records); a stock
        part's changes per place and day."""
        if self.daily is None:
            raise KpiUnavailable(f"KPI part {self.code} is not kept per day")
        return self.daily(area=area)


def parts(
    selectors: Mapping[str, tuple[PartSelector, DailySelector | None]],
    *,
    sources: Iterable[type[Model]],
    place: str = "county",
    additive: bool = True,
    stock: bool = False,
    window: bool = False,
    distinct: bool = False,
    spans: bool = False,
) -> tuple[Part, ...]:
    """A figure's parts, ``{code: (selector, daily selector or None)}``, in that
    order, all reading the models of ``sources`` and sharing the other
    attributes: a figure declares what its selectors read once."""
    read = frozenset(model._meta.label for model in sources)
    return tuple(
        Part(
            code,
            selector,
            place=place,
            additive=additive,
            sources=read,
            daily=daily,
            stock=stock,
            window=window or distinct or spans,
            distinct=distinct,
            spans=spans,
        )
        for code, (selector, daily) in selectors.items()
    )


@dataclass(frozen=True)
class Kpi:
    code: str
    module: str  # the module whose records are behind the figure (accounts.roles.Module)
    name_fa: StrOrPromise  # Persian, through gettext_lazy
    name_en: str
    definition_fa: StrOrPromise
    definition_en: str
    unit: str  # COUNT | RIAL | PERCENT
    exact: bool  # known exactly (wording rule of kpis.md)
    parts: tuple[Part, ...]
    records: RecordsSelector
    columns: tuple[DrillColumn, ...]
    combine: Combine | None = None  # None: the figure is its one part
    related: tuple[str, ...] = ()  # select_related for the drill-down page
    divisor: int = 1  # the stored value / divisor = the shown value (par30 in basis points)
    headline: bool = False  # on the public page and the narrative report
    beside: tuple[Part, ...] = ()  # shown beside, never added

    def value(self, parts: dict[str, int]) -> int:
        """The figure from its parts' values (summed over the area)."""
        if self.combine is None:
            return parts[self.parts[0].code]
        return int(self.combine(parts))

    def records_qs(self, *, area: Any, start: datetime.date, end: datetime.date) -> QuerySet[Any]:
        qs = self.records(area=area, start=start, end=end)
        return qs.select_related(*self.related) if self.related else qs

    def shown(self, value: int) -> int | Fraction:
        """The value in its shown unit (par30: basis points → percent)."""
        if self.divisor == 1:
            return value
        return Fraction(value, self.divisor)
