"""Reads of the volunteers app: lists, details, valuations and the KPIs.

Every read of records goes through ``scoped(user, …)``; KPIs are limited by an
``Area`` instead (viewers read figures, never the people behind them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import (
    Case,
    CharField,
    Count,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.utils.translation import gettext as _

from jahesh.accounts.scoping import Area, Nested, scope_exists, scoped, scoped_nested
from jahesh.core import mapdata
from jahesh.core.daily import EVER, daily_totals, day_changes, subquery_sql
from jahesh.core.digits import to_ascii_digits
from jahesh.core.errors import InvalidInput
from jahesh.core.identifiers import normalize_national_code
from jahesh.core.money import round_half_up
from jahesh.core.search import filter_given, search_filter
from jahesh.core.sql import quote_table
from jahesh.core.text import normalize_key
from jahesh.volunteers.models import (
    Camp,
    Certificate,
    Credential,
    Group,
    Membership,
    RosterEntry,
    Skill,
    Volunteer,
    VolunteerStatusEvent,
)

# --- Valuation --------------------------------------------------------------


def hourly_rate(skill: Skill | int | None) -> int:
    """The rate (rials per hour) volunteer work with ``skill`` is valued at now;
    0 for no skill. Accepts a Skill or its id."""
    if skill is None:
        return 0
    if isinstance(skill, Skill):
        return int(skill.hourly_rate_rial)
    rate = Skill.objects.filter(pk=skill).values_list("hourly_rate_rial", flat=True).first()
    return int(rate or 0)


def hours_value_rial(*, hours: Decimal | int | str, skill: Skill | int | None) -> int:
    """Value in rials of ``hours`` of volunteer work with ``skill`` at its current
    rate, rounded once (half up) with the project's one rounding helper."""
    return value_at_rate(hours=hours, rate_rial=hourly_rate(skill))


def value_at_rate(*, hours: Decimal | int | str, rate_rial: int) -> int:
    return round_half_up(Decimal(str(hours)) * int(rate_rial))


def plain_hours(value: Decimal | int | None) -> Decimal:
    """Hours without a trailing «.0» (8.0 → 8, 7.5 stays), for display."""
    value = Decimal(value or 0)
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


# --- Lists and details --------------------------------------------------------


def volunteer_list(
    *,
    user: Any,
    q: str = "",
    county_id: int | None = None,
    status: str = "",
    skill_id: int | None = None,
    group_id: int | None = None,
) -> QuerySet[Volunteer]:
    """Volunteers the user may see, filtered. ``q`` matches the normalised name,
    national code or mobile (every word must match), so «علي» finds «علی»."""
    qs = scoped(user, Volunteer).select_related("county")
    words = normalize_key(to_ascii_digits(q or "")).split()
    if len(words) == 1 and len(words[0]) == 10 and words[0].isdigit():
        # A whole national code: the unique index, not a scan of the search key.
        qs = qs.filter(national_code=words[0])
        words = []
    for word in words:
        qs = search_filter(qs, "search_key", word)
    qs = filter_given(
        qs,
        county_id=county_id,
        status=status,
        skill_links__skill_id=skill_id,
        memberships__group_id=group_id,
    )
    return qs.order_by("last_name", "first_name", "id")


def volunteer_search_key(
    *, first_name: str, last_name: str, national_code: str, mobile: str
) -> str:
    return normalize_key(f"{first_name} {last_name} {national_code} {mobile}")


@dataclass(frozen=True)
class RosterTotals:
    """Totals of roster rows (one per volunteer at a camp): how many, the
    approved and the pending hours, and the approved hours' value at their rates."""

    rows: int
    approved_hours: Decimal
    pending_hours: Decimal
    value_rial: int

    @property
    def camps(self) -> int:
        """A volunteer's rows: the camps they served at."""
        return self.rows

    @property
    def volunteers(self) -> int:
        """A camp's rows: the volunteers who served at it."""
        return self.rows


def roster_totals(entries: QuerySet[RosterEntry]) -> RosterTotals:
    """The totals of ``entries`` (one query)."""
    approved = pending = value = Decimal(0)
    rows = 0
    for status, hours, rate in entries.values_list("status", "hours", "hourly_rate_rial"):
        rows += 1
        if status == RosterEntry.Status.APPROVED:
            approved += hours
            value += hours * rate
        elif status == RosterEntry.Status.LOGGED:
            pending += hours
    return RosterTotals(rows, plain_hours(approved), plain_hours(pending), round_half_up(value))


def volunteer_summary(*, volunteer: Volunteer) -> RosterTotals:
    """Totals for a volunteer's page (of the volunteer already fetched in scope)."""
    return roster_totals(RosterEntry.objects.filter(volunteer=volunteer))


def volunteer_roster(*, user: Any, volunteer: Volunteer) -> QuerySet[RosterEntry]:
    return (
        scoped(user, RosterEntry)
        .filter(volunteer=volunteer)
        .select_related("camp", "camp__county", "skill")
        .order_by("-camp__start_date")
    )


def volunteer_groups(*, user: Any, volunteer: Volunteer) -> QuerySet[Membership]:
    return (
        scoped(user, Membership)
        .filter(volunteer=volunteer)
        .select_related("group", "group__county")
        .order_by("-joined_on")
    )


def group_list(
    *, user: Any, q: str = "", county_id: int | None = None, specialty: str = ""
) -> QuerySet[Group]:
    qs = group_queryset(user=user)
    for word in normalize_key(q or "").split():
        qs = qs.filter(name_key__contains=word)
    qs = filter_given(qs, county_id=county_id, specialty=specialty)
    return qs.annotate(member_count=Count("memberships", distinct=True)).order_by("name", "id")


def group_queryset(*, user: Any) -> QuerySet[Group]:
    """Groups in scope, each knowing whether its leader is one the user may see
    (``leader_visible``): a leader from another county is not named."""
    return (
        scoped(user, Group)
        .select_related("county", "leader")
        .annotate(leader_visible=scope_exists(user, Volunteer, "leader"))
    )


def group_leader(*, user: Any, national_code: str, field: str) -> Volunteer | None:
    """The volunteer in ``user``'s scope a new group names as its leader, by
    national code (any digits; None for a blank one), for the page and the API
    alike. A leader is registered as a volunteer first: a code that is malformed
    or names no volunteer in scope is refused on ``field`` (the caller's name)."""
    if not (national_code or "").strip():
        return None
    try:
        code = normalize_national_code(national_code)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], field=field) from None
    leader = scoped(user, Volunteer).filter(national_code=code).first()
    if leader is None:
        raise InvalidInput(_("سرگروه باید پیش‌تر به‌عنوان نیرو ثبت شده باشد."), field=field)
    return leader


def group_members(*, user: Any, group: Group) -> Nested[Membership]:
    """The members of a group already fetched in scope that the user may see, and
    how many others (volunteers of other counties) were left out."""
    return scoped_nested(
        user,
        Membership.objects.filter(group=group)
        .select_related("volunteer")
        .order_by("volunteer__last_name", "volunteer__first_name", "id"),
    )


def camp_groups(*, user: Any, camp: Camp) -> Nested[Group]:
    return scoped_nested(user, camp.groups.order_by("name", "id"))


def camp_list(
    *,
    user: Any,
    q: str = "",
    county_id: int | None = None,
    purpose: str = "",
    group_id: int | None = None,
    year_range: tuple[date, date] | None = None,
) -> QuerySet[Camp]:
    qs = scoped(user, Camp).select_related("county", "village", "city")
    for word in (q or "").split():
        qs = qs.filter(title__icontains=word)
    qs = filter_given(qs, county_id=county_id, purpose=purpose, groups__id=group_id)
    if year_range:
        qs = qs.filter(start_date__gte=year_range[0], start_date__lt=year_range[1])
    return qs.order_by("-start_date", "-id")


def camp_roster(*, user: Any, camp: Camp) -> Nested[RosterEntry]:
    """The roster of a camp already fetched in scope, with what its rows show: the
    volunteers the user may see, and how many others were left out."""
    return scoped_nested(
        user,
        RosterEntry.objects.filter(camp=camp)
        .select_related("volunteer", "skill")
        .prefetch_related(
            Prefetch(
                "volunteer__certificates",
                queryset=Certificate.objects.filter(camp=camp),
                to_attr="camp_certificates",
            )
        )
        .order_by("volunteer__last_name", "volunteer__first_name", "id"),
    )


def camp_totals(*, camp: Camp) -> RosterTotals:
    """Totals for a camp's page: its volunteers (rows), hours and their value."""
    return roster_totals(RosterEntry.objects.filter(camp=camp))


def pending_hours(*, user: Any, camp_id: int | None = None) -> QuerySet[RosterEntry]:
    """Hours waiting for approval, oldest camp first."""
    qs = scoped(user, RosterEntry).filter(status=RosterEntry.Status.LOGGED)
    if camp_id:
        qs = qs.filter(camp_id=camp_id)
    return qs.select_related("camp", "volunteer", "skill").order_by(
        "camp__start_date", "camp_id", "id"
    )


def skill_list() -> QuerySet[Skill]:
    return Skill.objects.select_related("credential_kind").order_by("name")


def valid_credentials(
    *, volunteer_ids: list[int], kind_ids: set[int]
) -> dict[tuple[int, int], date]:
    """For each (volunteer, kind) the latest expiry date held, in one query."""
    latest: dict[tuple[int, int], date] = {}
    if not volunteer_ids or not kind_ids:
        return latest
    rows = Credential.objects.filter(
        volunteer_id__in=volunteer_ids, kind_id__in=kind_ids
    ).values_list("volunteer_id", "kind_id", "expires_on")
    for vid, kid, expires in rows:
        if expires > latest.get((vid, kid), date.min):
            latest[(vid, kid)] = expires
    return latest


# --- Public certificate check -----------------------------------------------


@dataclass(frozen=True)
class CertificateCheck:
    """What the public page may show: no more than the certificate itself shows,
    less in fact (the name's initial only)."""

    valid: bool
    initials: str = ""
    camp_title: str = ""
    camp_start: date | None = None
    camp_end: date | None = None
    issued_on: date | None = None


def certificate_check(*, code: str) -> CertificateCheck:
    """PUBLIC (no user): is ``code`` a certificate we issued and did not revoke?"""
    code = (code or "").strip()
    if not code or len(code) > 40:
        return CertificateCheck(valid=False)
    cert = (
        Certificate.objects.filter(code=code, revoked_at__isnull=True)
        .select_related("volunteer", "camp")
        .first()
    )
    if cert is None:
        return CertificateCheck(valid=False)
    v = cert.volunteer
    initials = f"{v.first_name[:1]}. {v.last_name[:1]}."
    return CertificateCheck(
        valid=True,
        initials=initials,
        camp_title=cert.camp.title,
        camp_start=cert.camp.start_date,
        camp_end=cert.camp.end_date,
        issued_on=cert.issued_at.date(),
    )


# --- KPIs (reference/kpis.md) -------------------------------------------------


def _active_on(day: date) -> Q:
    """Registered by ``day`` and not yet inactive on it."""
    return Q(registered_on__lte=day) & (Q(inactive_since__isnull=True) | Q(inactive_since__gt=day))


def _active_at_end(end: date) -> QuerySet[Volunteer]:
    """Volunteers active on the period's last day: their latest status event dated
    by then made them active; without an event by then, registered by then and
    not inactive since on or before it (records loaded without their history)."""
    day = end - timedelta(days=1)
    then = (
        VolunteerStatusEvent.objects.filter(volunteer_id=OuterRef("pk"), effective_on__lte=day)
        .order_by("-effective_on", "-id")
        .values("to_status")[:1]
    )
    return Volunteer.objects.annotate(status_then=Subquery(then)).filter(
        Q(status_then=Volunteer.Status.ACTIVE) | (Q(status_then__isnull=True) & _active_on(day))
    )


def kpi_volunteers_records(*, area: Area, start: date, end: date) -> QuerySet[Volunteer]:
    """Volunteers active on the period's last day (``end`` − 1) in ``area``. One row
    per person: national code is unique, so a person in two groups is one row."""
    return _active_at_end(end).filter(area.q("county"))


def kpi_volunteers(
    *, area: Area, start: date, end: date, by: str | None = None
) -> dict[int | None, int]:
    """Distinct people (by national code) registered as active volunteers at the
    period's end. National code is unique (one row per person, in one county), so
    the figure of an area is the sum of its counties'."""
    return area.totals(_active_at_end(end), "county", Count("national_code", distinct=True), by=by)


def _approved_hours(start: date, end: date) -> QuerySet[RosterEntry]:
    return RosterEntry.objects.filter(
        status=RosterEntry.Status.APPROVED, camp__start_date__gte=start, camp__start_date__lt=end
    )


def kpi_volunteer_hours_records(*, area: Area, start: date, end: date) -> QuerySet[RosterEntry]:
    """Approved roster hours of camps in ``area`` that started in [start, end).
    Hours waiting for approval (or rejected) are not counted."""
    return _approved_hours(start, end).filter(area.q("camp__county"))


def kpi_volunteer_hour_tenths(
    *, area: Area, start: date, end: date, by: str | None = None
) -> dict[int | None, int]:
    """Volunteer hours logged (and approved) in the period, in tenths of an hour
    (hours are kept to one decimal, so the sum is exact in tenths and an area's
    figure is the sum of its counties')."""
    return area.totals(_approved_hours(start, end), "camp__county", Sum("hours"), by=by, scale=10)


def volunteer_hours(parts: dict[str, int]) -> int:
    """Volunteer hours of the period, rounded half up to whole hours."""
    return round_half_up(Fraction(parts["volunteer_hour_tenths"], 10))


# --- Per-day KPI parts (the analytics table's day rows, core.daily) -------------


def kpi_volunteer_hour_tenths_daily(*, area: Area) -> dict:
    return daily_totals(_approved_hours(*EVER), area=area, place="camp__county",
                        day="camp__start_date", value=Sum("hours"), scale=10)  # fmt: skip


# A volunteer is active on a day by the latest of its status events dated by
# then (two on one day: the later recorded), and before its first event by its
# registration and inactive-since dates (``_active_at_end``). Its changes of
# state, summed per county and day in two grouped statements: before the first
# event, +1 on registration and -1 on the day that interval ends (inactive
# since, or the first event); from the first event on, each event day's last
# status less the previous event day's (from 0), by LAG over the person's days.
VOLUNTEER_EVENT_STEPS_SQL = """
SELECT county_id, effective_on, SUM(change) FROM (
    SELECT v.county_id, d.effective_on,
           d.active - LAG(d.active, 1, 0)
               OVER (PARTITION BY d.volunteer_id ORDER BY d.effective_on) AS change
    FROM (
        SELECT volunteer_id, effective_on,
               CASE WHEN to_status = %s THEN 1 ELSE 0 END AS active,
               ROW_NUMBER() OVER (PARTITION BY volunteer_id, effective_on
                                  ORDER BY id DESC) AS nth
        FROM {events} WHERE volunteer_id IN ({people})
    ) d JOIN {volunteers} v ON v.id = d.volunteer_id
    WHERE d.nth = 1
) changes
WHERE change <> 0
GROUP BY county_id, effective_on
"""
VOLUNTEER_PLAIN_STEPS_SQL = """
WITH plain AS (
    SELECT v.county_id, v.registered_on,
           CASE WHEN f.first_on IS NULL THEN v.inactive_since
                WHEN v.inactive_since IS NULL OR f.first_on < v.inactive_since THEN f.first_on
                ELSE v.inactive_since END AS ends
    FROM {volunteers} v
    LEFT JOIN (SELECT volunteer_id, MIN(effective_on) AS first_on FROM {events}
               GROUP BY volunteer_id) f ON f.volunteer_id = v.id
    WHERE v.id IN ({people})
)
SELECT county_id, registered_on, COUNT(*) FROM plain
WHERE ends IS NULL OR registered_on < ends GROUP BY county_id, registered_on
UNION ALL
SELECT county_id, ends, -COUNT(*) FROM plain
WHERE ends IS NOT NULL AND registered_on < ends GROUP BY county_id, ends
"""


def kpi_volunteers_daily(*, area: Area) -> dict:
    """+1 on each day a volunteer becomes active, −1 on each day they stop
    (``_active_at_end``: the latest status event by a day decides; before any,
    the registration and inactive-since dates): the active people on a day are
    the sum up to it (national code is unique: one row per person). Grouped in
    the database (a million people at national scale, a Python loop each took
    most of the refresh)."""
    people, params = subquery_sql(Volunteer.objects.filter(area.q("county")).values("pk"))
    tables = {
        "events": quote_table(VolunteerStatusEvent),
        "volunteers": quote_table(Volunteer),
        "people": people,
    }
    return day_changes(
        (VOLUNTEER_EVENT_STEPS_SQL.format(**tables), [Volunteer.Status.ACTIVE, *params]),
        (VOLUNTEER_PLAIN_STEPS_SQL.format(**tables), params),
    )


# --- The map ---------------------------------------------------------------------


def map_camps_geojson(*, camps: QuerySet[Camp], today: date) -> str:
    """``camps`` (already scoped) with coordinates as compact GeoJSON: the feature
    id is the camp's id, the one property ``t`` when it is held (u upcoming, o
    on now, p past) on ``today``."""
    when = Case(
        When(start_date__gt=today, then=Value("u")),
        When(end_date__lt=today, then=Value("p")),
        default=Value("o"),
        output_field=CharField(),
    )
    return mapdata.feature_collection(
        camps, key="t", code=when, letters={"u": "u", "o": "o", "p": "p"}
    )
