"""Reads of the clinic: case lists, the board, overdue lists, workload,
expert suggestions, the resolutions register, the agency scoreboard and the
KPIs of kpis.md (cases_opened, cases_resolved, closures_prevented,
jobs_preserved, resolutions_passed, resolutions_executed_pct).

Lists read through ``scoped()``; the KPIs are aggregates limited by ``Area``.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.db import connections
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext

from jahesh.accounts.scoping import Area, Nested, scope_exists, scoped, scoped_nested
from jahesh.clinic.models import (
    OPEN_STATUSES,
    Case,
    CaseEvent,
    CaseStatus,
    Expert,
    ExpertConflict,
    ObstacleCategory,
    Resolution,
    ResolutionStatus,
    Session,
    WorkingGroup,
)
from jahesh.clinic.services import MANAGERS, clinic_settings, user_role
from jahesh.clinic.sla import SlaState, calendar_for, sla_state
from jahesh.core.daily import EVER, daily_totals
from jahesh.core.money import round_half_up
from jahesh.core.search import filter_given
from jahesh.core.text import normalize_key
from jahesh.units.selectors import unit_list, units_in


def open_case_unit_ids() -> QuerySet:
    """Ids of units under an open case (the units watch list may leave them out)."""
    return Case.objects.filter(status__in=OPEN_STATUSES).values_list("unit_id", flat=True)


# --- Case lists and the board ----------------------------------------------------

CASE_RELATED = ("unit", "county", "category", "expert", "agency")


def case_list(
    *,
    user: Any,
    status: str = "",
    category: str = "",
    agency_id: int | None = None,
    expert_id: int | None = None,
    county_id: int | None = None,
    severity: int | None = None,
    overdue: bool = False,
    q: str = "",
    unit_id: int | None = None,
    now: datetime.datetime | None = None,
) -> QuerySet[Case]:
    """The cases ``user`` may see, filtered, newest first (keyed on the id index)."""
    qs = scoped(user, Case).select_related(*CASE_RELATED)
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(Q(category__code=category) | Q(category__code__startswith=f"{category}."))
    qs = filter_given(
        qs,
        agency_id=agency_id,
        expert_id=expert_id,
        county_id=county_id,
        severity=severity,
        unit_id=unit_id,
    )
    if overdue:
        qs = qs.filter(overdue_q(now or timezone.now()))
    if q:
        key = normalize_key(q)
        if key.lstrip("#").isdigit():
            qs = qs.filter(pk=int(key.lstrip("#")))
        else:
            qs = qs.filter(Q(unit__name_key__contains=key) | Q(title__icontains=q.strip()))
    return qs.order_by("-id")


def overdue_q(now: datetime.datetime) -> Q:
    """Open cases whose deadline has passed (a paused or closed case has none)."""
    return Q(status__in=OPEN_STATUSES, due_at__lt=now)


BOARD_COLUMNS = [s for s in CaseStatus.values]
BOARD_CARDS = 12
BOARD_COUNT_CAP = 1000
# What a card shows, read as plain values (no model instances): 108 cards of
# joined rows made the board's rows cost more than its queries.
BOARD_FIELDS = (
    "id", "status", "severity", "due_at", "unit__name", "category__name", "expert__name",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class BoardCard:
    pk: int
    severity: int
    unit: str
    category: str
    expert: str  # "" when none is assigned
    due_at: datetime.datetime | None  # shown only while the case is open
    late: bool  # open and past its deadline


@dataclass
class BoardColumn:
    status: str
    label: str
    cards: list[BoardCard]
    count: int
    more: bool  # more than BOARD_COUNT_CAP: the count is a lower bound


def case_board(
    *, user: Any, now: datetime.datetime | None = None, **filters: Any
) -> list[BoardColumn]:
    """One column per status: its newest cards and how many there are.

    Two statements whatever the number of cases (bench/clinic_board.py): the
    cards of every column in one read (each column's ids a range read of at
    most ``BOARD_CARDS`` rows on the (status, -id) index), and, for the full
    columns only, their counts capped at ``BOARD_COUNT_CAP`` rows in one
    ``SELECT`` of capped sub-counts. Both read ``case_list`` (scoped), compiled
    once and repeated per status: a queryset built and compiled per column was
    most of the board's time.
    """
    now = now or timezone.now()
    ids = case_list(user=user, now=now, **filters).select_related(None).values("pk")
    newest = _per_status(
        ids, BOARD_CARDS, BOARD_COLUMNS, " UNION ALL ", "SELECT * FROM ({sql}) AS s{i}"
    )
    cards: dict[str, list[BoardCard]] = {status: [] for status in BOARD_COLUMNS}
    for pk, status, severity, due_at, unit, category, expert in (
        Case.objects.filter(pk__in=RawSQL(*newest)).order_by("-id").values_list(*BOARD_FIELDS)
    ):
        is_open = status in OPEN_STATUSES
        cards[status].append(
            BoardCard(
                pk=pk,
                severity=severity,
                unit=unit,
                category=category,
                expert=expert or "",
                due_at=due_at if is_open else None,
                late=is_open and due_at is not None and due_at < now,
            )
        )
    full = [s for s in BOARD_COLUMNS if len(cards[s]) >= BOARD_CARDS]
    counts: dict[str, int] = {}
    if full:
        sql, params = _per_status(
            ids.order_by(),
            BOARD_COUNT_CAP + 1,
            full,
            ", ",
            "(SELECT COUNT(*) FROM ({sql}) AS s{i})",
        )
        with connections[ids.db].cursor() as cursor:
            cursor.execute(f"SELECT {sql}", params)
            counts = dict(zip(full, cursor.fetchone(), strict=True))
    return [
        BoardColumn(
            status=status,
            label=str(CaseStatus(status).label),
            cards=cards[status],
            count=min(counts.get(status, len(cards[status])), BOARD_COUNT_CAP),
            more=counts.get(status, 0) > BOARD_COUNT_CAP,
        )
        for status in BOARD_COLUMNS
    ]


_STATUS_MARK = "\x00status\x00"


def _per_status(
    ids: QuerySet, limit: int, statuses: list[str], joiner: str, wrap: str
) -> tuple[str, list[Any]]:
    """The first ``limit`` of ``ids`` of each status in turn, as one piece of SQL: the query
    is compiled once with a marker for the status (its last parameter, the filter
    added last) and repeated with each status in its place, ``wrap``ped
    (``{sql}`` the query, ``{i}`` its number, for an alias) and ``joiner``-joined."""
    sql, params = ids.filter(status=_STATUS_MARK)[:limit].query.get_compiler(using=ids.db).as_sql()
    if not params or params[-1] != _STATUS_MARK:
        raise AssertionError("the status filter is not the query's last parameter")
    pieces, values = [], []
    for i, status in enumerate(statuses):
        pieces.append(wrap.format(sql=sql, i=i))
        values.extend([*params[:-1], status])
    return joiner.join(pieces), values


def case_timeline(*, case: Case) -> list[CaseEvent]:
    return list(case.events.select_related("by").order_by("at", "id"))


def case_sla(*, case: Case, now: datetime.datetime | None = None) -> SlaState:

    now = now or timezone.now()
    events = [(e.at, e.to_status) for e in case.events.order_by("at", "id")]
    return sla_state(
        opened_at=case.opened_at,
        limit_days=clinic_settings().sla_days(case.severity),
        events=events,
        now=now,
        calendar=calendar_for(case.province_id),
    )


def overdue_counts(*, user: Any, by: str, now: datetime.datetime | None = None) -> list[dict]:
    """Overdue open cases grouped by ``expert``, ``agency`` or ``county``, most first."""
    now = now or timezone.now()
    field = {
        "expert": ("expert_id", "expert__name"),
        "agency": ("agency_id", "agency__name"),
        "county": ("county_id", "county__name"),
    }[by]
    rows = (
        scoped(user, Case)
        .filter(overdue_q(now))
        .values(*field)
        .annotate(n=Count("id", distinct=True))
        .order_by("-n", field[1])
    )
    return [{"id": r[field[0]], "name": r[field[1]] or "—", "count": r["n"]} for r in rows]


# --- Experts -------------------------------------------------------------------


def expert_workload(*, user: Any, now: datetime.datetime | None = None) -> QuerySet[Expert]:
    """Experts with their open, overdue and resolved case counts."""
    now = now or timezone.now()
    return (
        scoped(user, Expert)
        .annotate(
            open_cases=Count("cases", filter=Q(cases__status__in=OPEN_STATUSES), distinct=True),
            overdue_cases=Count(
                "cases",
                filter=Q(cases__status__in=OPEN_STATUSES, cases__due_at__lt=now),
                distinct=True,
            ),
            resolved_cases=Count(
                "cases", filter=Q(cases__status=CaseStatus.RESOLVED), distinct=True
            ),
        )
        .order_by("-open_cases", "name_key")
    )


@dataclass(frozen=True)
class Suggestion:
    expert: Expert
    fit: int  # 2 category, 1 its parent category; +1 the unit's ISIC section
    load: int  # open cases now
    reasons: list[str]

    @property
    def load_ratio(self) -> float:
        return self.load / self.expert.capacity


def expert_suggestions(*, user: Any, case: Case, limit: int = 5) -> list[Suggestion]:
    """Active experts of the case's province that ``user`` may see, ranked by fit,
    then by load relative to capacity, then by name; experts who declared a
    conflict of interest with the unit are left out."""
    unit = case.unit
    province_id = unit.county.province_id
    conflicted = ExpertConflict.objects.filter(unit=unit).values("expert_id")
    experts = (
        scoped(user, Expert)
        .filter(is_active=True, province_id=province_id)
        .exclude(pk__in=conflicted)
        .annotate(load=Count("cases", filter=Q(cases__status__in=OPEN_STATUSES)))
        .prefetch_related("categories")
    )
    code, root = case.category.code, case.category.root_code
    # Reasons are read by people: the group's name, never its code («گروه finance»).
    root_name = (
        ObstacleCategory.objects.filter(code=root).values_list("name", flat=True).first() or root
    )
    found = []
    for expert in experts:
        codes = {c.code for c in expert.categories.all()}
        fit, reasons = 0, []
        if code in codes:
            fit, reasons = 2, [case.category.name]
        elif root in codes or any(c.split(".", 1)[0] == root for c in codes):
            fit, reasons = 1, [gettext("گروه «%(name)s»") % {"name": root_name}]
        if unit.isic_section and unit.isic_section in expert.isic_sections:
            fit += 1
            reasons.append(gettext("بخش آیسیک %(section)s") % {"section": unit.isic_section})
        found.append(Suggestion(expert=expert, fit=fit, load=expert.load, reasons=reasons))
    found.sort(key=lambda s: (-s.fit, s.load_ratio, s.expert.name_key, s.expert.pk))
    return found[:limit]


# --- Working groups, sessions, resolutions ---------------------------------------


def working_group_list(*, user: Any) -> QuerySet[WorkingGroup]:
    return (
        scoped(user, WorkingGroup)
        .annotate(session_count=Count("sessions", distinct=True))
        .order_by("name", "id")
    )


def session_list(*, user: Any, group: WorkingGroup | None = None) -> QuerySet[Session]:
    qs = scoped(user, Session).select_related("group")
    if group is not None:
        qs = qs.filter(group=group)
    return qs.order_by("-held_on", "-id")


def group_members(*, user: Any, group: WorkingGroup) -> Nested[Expert]:
    """The members of a working group already fetched in scope that the user may
    see (experts of another province are only counted)."""
    return scoped_nested(user, group.members.order_by("name_key", "id"))


def session_parts(*, user: Any, session: Session) -> dict:
    """What a session's page and minutes list, each as far as the user's scope
    allows: attendees and agenda (out-of-scope ones only counted), and every
    resolution of the session, its case named only when the user may open it."""
    return {
        "attendees": scoped_nested(user, session.attendees.order_by("name_key", "id")),
        "agenda": scoped_nested(
            user, session.agenda.select_related("unit", "county", "category").order_by("id")
        ),
        "resolutions": list(
            session.resolutions.select_related("agency", "case")
            .annotate(case_visible=scope_exists(user, Case, "case"))
            .order_by("number")
        ),
    }


def case_nested(*, user: Any, case: Case) -> dict:
    """A case's sub-cases and the resolutions about it, as far as the user's scope allows."""
    return {
        "children": scoped_nested(user, case.children.select_related("unit").order_by("-id")),
        "resolutions": scoped_nested(
            user, case.resolutions.select_related("agency", "session").order_by("-passed_on")
        ),
    }


def agenda_candidates(*, user: Any, group: WorkingGroup) -> QuerySet[Case]:
    """Open cases escalated to ``group``: the agenda of its next session."""
    return (
        scoped(user, Case)
        .filter(working_group=group, status=CaseStatus.ESCALATED)
        .select_related(*CASE_RELATED)
        .order_by("-severity", "opened_at")
    )


def resolution_register(
    *,
    user: Any,
    status: str = "",
    agency: int | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    overdue_on: datetime.date | None = None,
) -> QuerySet[Resolution]:
    qs = (
        scoped(user, Resolution)
        .select_related("session", "session__group", "agency", "case")
        .annotate(case_visible=scope_exists(user, Case, "case"))
    )
    qs = filter_given(qs, status=status, agency_id=agency, passed_on__gte=start, passed_on__lt=end)
    if overdue_on:
        qs = qs.filter(status=ResolutionStatus.OPEN, due_on__lt=overdue_on)
    return qs.order_by("-passed_on", "-id")


def agency_scoreboard(*, user: Any, start: datetime.date, end: datetime.date) -> list[dict]:
    """Per agency: resolutions due in [start, end), how many were carried out
    on time (done on or before the due date) and the share, best first."""
    rows = (
        scoped(user, Resolution)
        .filter(due_on__gte=start, due_on__lt=end)
        .values("agency_id", "agency__name")
        .annotate(
            due=Count("id", distinct=True),
            done=Count("id", filter=Q(status=ResolutionStatus.DONE), distinct=True),
            on_time=Count(
                "id",
                filter=Q(status=ResolutionStatus.DONE, done_on__lte=F("due_on")),
                distinct=True,
            ),
        )
    )
    board = [
        {
            "agency_id": r["agency_id"],
            "agency": r["agency__name"],
            "due": r["due"],
            "done": r["done"],
            "on_time": r["on_time"],
            "on_time_pct": round_half_up(Fraction(100 * r["on_time"], r["due"])) if r["due"] else 0,
        }
        for r in rows
    ]
    board.sort(key=lambda r: (-r["on_time_pct"], -r["due"], r["agency"]))
    return board


# --- KPIs (kpis.md) ----------------------------------------------------------------


def _cases(area: Area) -> QuerySet[Case]:
    return Case.objects.filter(area.q("county"))


def _opened(start: datetime.date, end: datetime.date) -> QuerySet[Case]:
    return Case.objects.filter(opened_on__gte=start, opened_on__lt=end)


def _resolved(start: datetime.date, end: datetime.date) -> QuerySet[Case]:
    return Case.objects.filter(
        status=CaseStatus.RESOLVED, resolved_on__gte=start, resolved_on__lt=end
    )


def kpi_cases_opened_records(
    *, area: Area, start: datetime.date, end: datetime.date
) -> QuerySet[Case]:
    """Obstacle cases opened in [start, end) (counted where the case opened)."""
    return _opened(start, end).filter(area.q("county"))


def kpi_cases_opened(
    *, area: Area, start: datetime.date, end: datetime.date, by: str | None = None
) -> dict[int | None, int]:
    return area.totals(_opened(start, end), "county", Count("id"), by=by)


def kpi_cases_resolved_records(
    *, area: Area, start: datetime.date, end: datetime.date
) -> QuerySet[Case]:
    """Obstacle cases resolved in [start, end) (and still resolved)."""
    return _resolved(start, end).filter(area.q("county"))


def kpi_cases_resolved(
    *, area: Area, start: datetime.date, end: datetime.date, by: str | None = None
) -> dict[int | None, int]:
    return area.totals(_resolved(start, end), "county", Count("id"), by=by)


def _prevented(start: datetime.date, end: datetime.date) -> QuerySet[Case]:
    """Cases resolved in the period as "closure prevented". Counted in the unit's
    county (where the unit is now), so that each unit is in one place and the
    figure of an area is the sum of its counties'."""
    return _resolved(start, end).filter(outcome=Case.Outcome.CLOSURE_PREVENTED)


def kpi_closures_prevented_records(*, area: Area, start: datetime.date, end: datetime.date):
    """The units (distinct) with a case resolved in [start, end) with the outcome
    "closure prevented"; the rule that the unit was stalled or at high risk when
    the case opened is enforced when the case resolves."""
    return units_in(_prevented(start, end), area).order_by("-id")


def kpi_closures_prevented(
    *, area: Area, start: datetime.date, end: datetime.date, by: str | None = None
) -> dict[int | None, int]:
    return area.totals(
        _prevented(start, end), "unit__county", Count("unit_id", distinct=True), by=by
    )


def _latest_prevented(start: datetime.date, end: datetime.date) -> QuerySet[Case]:
    """For each unit counted in closures_prevented, its latest such case (whose
    ``jobs_preserved`` holds the unit's employees at resolution)."""
    cases = _prevented(start, end)
    latest = (
        cases.filter(unit_id=OuterRef("unit_id")).order_by("-resolved_on", "-id").values("pk")[:1]
    )
    return cases.filter(pk=Subquery(latest))


def kpi_jobs_preserved_records(
    *, area: Area, start: datetime.date, end: datetime.date
) -> QuerySet[Case]:
    return (
        _latest_prevented(start, end)
        .filter(area.q("unit__county"))
        .select_related("unit")
        .order_by("-resolved_on", "-id")
    )


def kpi_jobs_preserved(
    *, area: Area, start: datetime.date, end: datetime.date, by: str | None = None
) -> dict[int | None, int]:
    return area.totals(_latest_prevented(start, end), "unit__county", Sum("jobs_preserved"), by=by)


# Working groups are provincial: a county's resolution figures are its province's.
RESOLUTION_PROVINCE = "session__group__province"


def _resolutions(area: Area) -> QuerySet[Resolution]:
    if area.province_id is not None:
        return Resolution.objects.filter(**{RESOLUTION_PROVINCE: area.province_id})
    return Resolution.objects.all()


def kpi_resolutions_passed_records(*, area: Area, start: datetime.date, end: datetime.date):
    """Working-group resolutions passed in [start, end)."""
    return (
        _resolutions(area)
        .filter(passed_on__gte=start, passed_on__lt=end)
        .order_by("-passed_on", "-id")
    )


def kpi_resolutions_passed(
    *, area: Area, start: datetime.date, end: datetime.date, by: str | None = None
) -> dict[int | None, int]:
    passed = Resolution.objects.filter(passed_on__gte=start, passed_on__lt=end)
    return area.province_totals(passed, RESOLUTION_PROVINCE, Count("id"), by=by)


def kpi_resolutions_executed_pct_records(*, area: Area, start: datetime.date, end: datetime.date):
    """Resolutions due in [start, end) (the denominator); those carried out have status done."""
    return _resolutions(area).filter(due_on__gte=start, due_on__lt=end).order_by("due_on", "id")


def _due(start: datetime.date, end: datetime.date) -> QuerySet[Resolution]:
    return Resolution.objects.filter(due_on__gte=start, due_on__lt=end)


def kpi_resolutions_due(
    *, area: Area, start: datetime.date, end: datetime.date, by: str | None = None
) -> dict[int | None, int]:
    """The denominator of resolutions_executed_pct: resolutions due in the period."""
    return area.province_totals(_due(start, end), RESOLUTION_PROVINCE, Count("id"), by=by)


def kpi_resolutions_done(
    *, area: Area, start: datetime.date, end: datetime.date, by: str | None = None
) -> dict[int | None, int]:
    """The numerator: those of them carried out."""
    done = _due(start, end).filter(status=ResolutionStatus.DONE)
    return area.province_totals(done, RESOLUTION_PROVINCE, Count("id"), by=by)


def resolutions_executed_pct(parts: dict[str, int]) -> int:
    """Share (whole per cent, half up) of the resolutions due in the period that
    were carried out; 0 when none fell due."""
    due = parts["resolutions_due"]
    return round_half_up(Fraction(100 * parts["resolutions_done"], due)) if due else 0


# --- Opening a case from the clinic ----------------------------------------------

UNIT_CHOICES = 10


def case_can_open(*, user: Any) -> bool:
    """Whether ``user``'s role opens cases (services.case_create's rule)."""

    return user_role(user) in MANAGERS


def case_unit_choices(*, user: Any, q: str) -> list:
    """Up to ``UNIT_CHOICES`` units in ``user``'s scope matching ``q`` (name, national ID
    or code, as the units list searches), for the open-a-case picker; none until
    something is typed."""
    if not q.strip():
        return []
    return list(unit_list(user=user, q=q, order="name")[:UNIT_CHOICES])


# --- Per-day KPI parts (the analytics table's day rows, core.daily) -------------


def kpi_cases_opened_daily(*, area: Area) -> dict:
    return daily_totals(
        _opened(*EVER), area=area, place="county", day="opened_on", value=Count("id")
    )


def kpi_cases_resolved_daily(*, area: Area) -> dict:
    return daily_totals(
        _resolved(*EVER), area=area, place="county", day="resolved_on", value=Count("id")
    )


def kpi_resolutions_passed_daily(*, area: Area) -> dict:
    passed = Resolution.objects.filter(passed_on__isnull=False)
    return daily_totals(passed, area=area, place=RESOLUTION_PROVINCE, day="passed_on",
                        value=Count("id"), province=True)  # fmt: skip


def kpi_resolutions_due_daily(*, area: Area) -> dict:
    return daily_totals(_due(*EVER), area=area, place=RESOLUTION_PROVINCE, day="due_on",
                        value=Count("id"), province=True)  # fmt: skip


def kpi_resolutions_done_daily(*, area: Area) -> dict:
    done = _due(*EVER).filter(status=ResolutionStatus.DONE)
    return daily_totals(done, area=area, place=RESOLUTION_PROVINCE, day="due_on",
                        value=Count("id"), province=True)  # fmt: skip


def _prevented_rows(area: Area) -> list[tuple]:
    return list(
        _prevented(*EVER)
        .filter(area.q("unit__county"))
        .order_by("unit_id", "resolved_on", "id")
        .values_list("unit_id", "unit__county_id", "resolved_on", "jobs_preserved")
    )


def kpi_closures_prevented_daily(*, area: Area) -> dict:
    """One row per unit and day a "closure prevented" case of it was resolved,
    with the unit's previous such day (``since``): distinct units, as
    ``kpi_units_monitored_daily``."""
    found: dict[tuple, int] = defaultdict(int)
    last: dict[int, datetime.date] = {}
    for unit_id, county, day, _jobs in _prevented_rows(area):
        if last.get(unit_id) == day:
            continue
        found[(county, day, last.get(unit_id, EVER[0]), EVER[0], EVER[1])] += 1
        last[unit_id] = day
    return dict(found)


def kpi_jobs_preserved_daily(*, area: Area) -> dict:
    """One row per "closure prevented" case with the day of the unit's next such
    case (``hi``): each unit's latest case in [start, end) (``_latest_prevented``)
    is the one there whose next is on or after ``end``."""
    rows = _prevented_rows(area)
    found: dict[tuple, int] = defaultdict(int)
    for i, (unit_id, county, day, jobs) in enumerate(rows):
        after = rows[i + 1] if i + 1 < len(rows) else None
        hi = after[2] if after and after[0] == unit_id else EVER[1]
        found[(county, day, EVER[0], EVER[0], hi)] += jobs or 0
    return dict(found)
