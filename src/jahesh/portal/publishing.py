"""Figures approved, then published: writes and reads of ``FigureRelease``.

For each province and Jalali quarter (1–4) or year (quarter 0):

1. each county's officer submits the county's headline figures
   (``county_figures_submit``; the headquarters manager may submit for a county);
2. the headquarters manager approves the province once every county has
   submitted (``release_approve``);
3. and publishes (``release_publish``): the province's figures are frozen with
   the KPI definitions and their version, the approvals, who and when, and a
   SHA-256 of the canonical JSON of all of it. Later writes to the records
   change nothing in the snapshot; the release page shows the difference.
4. Unpublishing needs a reason (``release_unpublish``); simple-history audits it.

Steps 2–4 are the moves of ``RELEASE_FLOW`` (``core.workflow``): the release is
locked, its status checked against the table, the guard records the move.

The values come from the reports' public entry point (``reports.selectors.figures``).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable
from typing import Any, cast

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jahesh.accounts.roles import Role
from jahesh.accounts.scoping import Area, effective_role
from jahesh.core.digits import to_persian_digits
from jahesh.core.errors import Conflict, Forbidden, InvalidInput
from jahesh.core.jalali import jalali_quarter_of, jalali_quarter_range, jalali_year_range
from jahesh.core.text import listed, required_text
from jahesh.core.workflow import Move, Refusals, Rule, Workflow
from jahesh.geo.models import County, Province
from jahesh.portal.models import CountyFigures, FigureRelease
from jahesh.reports import display
from jahesh.reports.kpis import HEADLINE_CODES, KPIS
from jahesh.reports.periods import Period
from jahesh.reports.selectors import figures

R = FigureRelease.Status


def release_period(year: int, quarter: int) -> Period:
    start, end = jalali_year_range(year) if quarter == 0 else jalali_quarter_range(year, quarter)
    return Period(start, end)


def period_label(year: int, quarter: int) -> str:
    if quarter == 0:
        return _("سال {year}").format(year=to_persian_digits(year))
    return _("فصل {quarter} سال {year}").format(
        quarter=to_persian_digits(quarter), year=to_persian_digits(year)
    )


def _values(area: Area, year: int, quarter: int) -> dict[str, int]:
    values = figures(area=area, period=release_period(year, quarter), codes=HEADLINE_CODES)
    return {code: int(values[code]) for code in HEADLINE_CODES}


def kpi_definitions() -> tuple[dict[str, dict[str, str]], str]:
    """The headline KPIs' definitions as published (Persian) and their version,
    a SHA-256 of them: a changed definition is a new version."""
    with translation.override("fa"):
        defs = {
            code: {"name": str(KPIS[code].name_fa), "definition": str(KPIS[code].definition_fa),
                   "unit": KPIS[code].unit}
            for code in HEADLINE_CODES
        }  # fmt: skip
    blob = json.dumps(defs, ensure_ascii=False, sort_keys=True).encode()
    return defs, hashlib.sha256(blob).hexdigest()


def snapshot_hash(release: FigureRelease) -> str:
    """SHA-256 of the canonical JSON of what was published."""
    body = {
        "province": release.province_id, "year": release.year, "quarter": release.quarter,
        "values": release.values, "definitions_version": release.definitions_version,
        "approvals": release.approvals,
        "published_at": release.published_at.isoformat() if release.published_at else None,
    }  # fmt: skip
    blob = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def _check_period(year: int, quarter: int) -> None:
    if not 1300 <= int(year) <= 1500:
        raise InvalidInput(_("سال را درست وارد کنید."), field="year")
    if not 0 <= int(quarter) <= 4:
        raise InvalidInput(_("فصل عددی از ۱ تا ۴ است (۰: کل سال)."), field="quarter")


def release_for(*, province: Province, year: int, quarter: int) -> FigureRelease:
    _check_period(year, quarter)
    release, _created = FigureRelease.objects.get_or_create(
        province=province, year=year, quarter=quarter
    )
    return release


def _is_hq_of(user: Any, province_id: int) -> bool:
    role = effective_role(user)
    return role == Role.ADMIN or (role == Role.HQ_MANAGER and user.province_id == province_id)


def _not_hq_of(release: FigureRelease, user: Any) -> Forbidden | None:
    """The refusal of a user who may not move ``release`` (``RELEASE_FLOW.may_act``)."""
    if _is_hq_of(user, release.province_id):
        return None
    return Forbidden(_("ارقام استان را مدیر قرارگاه همان استان تأیید و منتشر می‌کند."))


def county_figures_submit(
    *, user: Any, county: County, year: int, quarter: int, now: datetime.datetime | None = None
) -> CountyFigures:
    """Submit ``county``'s figures for the period (again, while not approved)."""
    now = now or timezone.now()
    role = effective_role(user)
    own = role == Role.COUNTY_OFFICER and user.county_id == county.pk
    if not (own or _is_hq_of(user, county.province_id)):
        raise Forbidden(_("ارقام هر شهرستان را کارشناس همان شهرستان می‌فرستد."))
    with transaction.atomic():
        release = release_for(province=county.province, year=year, quarter=quarter)
        release = FigureRelease.objects.select_for_update().get(pk=release.pk)
        if release.status not in (R.OPEN, R.UNPUBLISHED):
            raise Conflict(_("ارقام استان برای این دوره تأیید شده است؛ ارسال دوباره ممکن نیست."))
        values = _values(Area(county_id=county.pk), year, quarter)
        row, _created = CountyFigures.objects.update_or_create(
            release=release, county=county,
            defaults={"values": values, "submitted_at": now, "submitted_by": user},
        )  # fmt: skip
    return row


def missing_counties(release: FigureRelease) -> QuerySet[County]:
    done = release.counties.values_list("county_id", flat=True)
    return County.objects.filter(province_id=release.province_id).exclude(pk__in=done)


def _approve(move: Move[FigureRelease]) -> dict[str, Any]:
    """Every county has submitted; who approved and when."""
    missing = list(missing_counties(move.record).order_by("name").values_list("name", flat=True))
    if missing:
        raise InvalidInput(
            _("پیش از تأیید، همهٔ شهرستان‌ها باید ارقام خود را بفرستند؛ مانده: {names}").format(
                names=listed(missing)
            )
        )
    return {"approved_at": move.now, "approved_by": move.user}


def _publish(move: Move[FigureRelease]) -> dict[str, Any]:
    """The frozen snapshot: the province's values, the definitions and their
    version, the approvals, who and when, and the SHA-256 of all of it."""
    release = move.record
    definitions, version = kpi_definitions()
    frozen: dict[str, Any] = {
        "values": _values(Area(province_id=release.province_id), release.year, release.quarter),
        "definitions": definitions,
        "definitions_version": version,
        "approvals": [
            {"step": "county", "county": c.county.name, "at": c.submitted_at.isoformat()}
            for c in release.counties.select_related("county").order_by("county__name")
        ]
        + [
            # An approved release has its approval time.
            {"step": "province", "at": cast(datetime.datetime, release.approved_at).isoformat()}
        ],
        "published_at": move.now,
        "published_by": move.user,
        "unpublished_at": None,
        "unpublished_by": None,
        "unpublish_reason": "",
    }
    for name, value in frozen.items():  # the hash reads them from the record
        setattr(release, name, value)
    return {**frozen, "sha256": snapshot_hash(release)}


def _unpublish(move: Move[FigureRelease]) -> dict[str, Any]:
    return {
        "unpublished_at": move.now,
        "unpublished_by": move.user,
        "unpublish_reason": move.reason,
    }


def _no_event(move: Move[FigureRelease]) -> None:
    """A release's trail is its history rows (``save``): no event table."""


# Each refusal in the words of the step the user tried.
_NOT_FROM: dict[str, Callable[[], str]] = {
    R.APPROVED: lambda: _("این دوره پیش‌تر تأیید شده است."),
    R.PUBLISHED: lambda: _("فقط ارقام تأییدشده منتشر می‌شود."),
    R.UNPUBLISHED: lambda: _("این دوره منتشر نشده است."),
}

# The release's moves. Who may make them (the province's headquarters manager,
# ``_is_hq_of``) is the machine's ``may_act``, also checked first by each step in
# its own words; each guard sets what its move records.
RELEASE_TRANSITIONS: dict[tuple[str, str], Rule[FigureRelease]] = {
    (R.OPEN, R.APPROVED): Rule(guard=_approve),
    (R.UNPUBLISHED, R.APPROVED): Rule(guard=_approve),
    (R.APPROVED, R.PUBLISHED): Rule(guard=_publish),
    (R.PUBLISHED, R.UNPUBLISHED): Rule(guard=_unpublish),
}

RELEASE_FLOW: Workflow[FigureRelease] = Workflow(
    model=FigureRelease,
    rules=RELEASE_TRANSITIONS,
    event=_no_event,
    may_act=_not_hq_of,
    refuse=Refusals(
        no_move=lambda frm, to: Conflict(_NOT_FROM[to]()),
        lost=lambda: Conflict(_("وضعیت این ارقام هم‌زمان تغییر کرد؛ صفحه را تازه کنید.")),
    ),
    save=True,  # the release's history row, by the user who moved it
)


def release_approve(
    *, user: Any, release: FigureRelease, now: datetime.datetime | None = None
) -> FigureRelease:
    """The headquarters manager approves the province: every county first."""
    if not _is_hq_of(user, release.province_id):
        raise Forbidden(_("ارقام استان را مدیر قرارگاه همان استان تأیید می‌کند."))
    return RELEASE_FLOW.transition(release, R.APPROVED, user=user, now=now)


def release_publish(
    *, user: Any, release: FigureRelease, now: datetime.datetime | None = None
) -> FigureRelease:
    """Freeze and publish the approved figures."""
    if not _is_hq_of(user, release.province_id):
        raise Forbidden(_("ارقام استان را مدیر قرارگاه همان استان منتشر می‌کند."))
    return RELEASE_FLOW.transition(release, R.PUBLISHED, user=user, now=now)


def release_unpublish(
    *, user: Any, release: FigureRelease, reason: str, now: datetime.datetime | None = None
) -> FigureRelease:
    if not _is_hq_of(user, release.province_id):
        raise Forbidden(_("لغو انتشار با مدیر قرارگاه همان استان است."))
    reason = required_text(
        reason, _("دلیل لغو انتشار را بنویسید (دست‌کم ۱۰ نویسه)."), field="reason", min_length=10
    )
    return RELEASE_FLOW.transition(release, R.UNPUBLISHED, user=user, reason=reason, now=now)


# --- Reads ---------------------------------------------------------------------


def latest_published(province_id: int) -> FigureRelease | None:
    return (
        FigureRelease.objects.filter(province_id=province_id, status=R.PUBLISHED)
        .order_by("-year", "-quarter", "-published_at")
        .first()
    )


def published_all() -> QuerySet[FigureRelease]:
    return (
        FigureRelease.objects.filter(status=R.PUBLISHED)
        .select_related("province")
        .order_by("province__name", "-year", "-quarter")
    )


def figure_change(code: str, published: Any, current: int) -> dict[str, Any]:
    """The one decision of "changed since publication": a published figure beside
    today's value of the same definition and period, and the difference (0:
    unchanged). The release page and the internal dashboards both ask it."""
    kpi = KPIS[code]
    difference = int(current) - int(published or 0)
    return {
        "code": code, "name": kpi.name_fa, "unit": kpi.unit, "published": published,
        "current": int(current), "difference": difference,
        "magnitude_text": display.cell_value(kpi, abs(difference)),
        "published_text": display.cell_value(kpi, int(published or 0)),
    }  # fmt: skip


def release_changes(
    release: FigureRelease, *, current: dict[str, int] | None = None
) -> list[dict[str, Any]]:
    """Each published figure beside today's value (``current`` when the caller
    has it already, else computed for the release's province and period)."""
    if release.status != R.PUBLISHED:
        return []
    if current is None:
        current = _values(Area(province_id=release.province_id), release.year, release.quarter)
    return [
        {**figure_change(code, release.values.get(code), current[code]),
         "name": _(release.definitions.get(code, {}).get("name", code))}
        for code in HEADLINE_CODES if code in current
    ]  # fmt: skip


def release_shown(area: Area, period: Period) -> FigureRelease | None:
    """The published release whose figures a dashboard of ``area`` and
    ``period`` shows: the area is a whole province and the period exactly one
    Jalali quarter or year of it; None otherwise."""
    if area.province_id is None or area.county_id is not None:
        return None
    year, quarter = jalali_quarter_of(period.start)
    for q in (quarter, 0):
        if release_period(year, q) == period:
            return (
                FigureRelease.objects.filter(
                    province_id=area.province_id, year=year, quarter=q, status=R.PUBLISHED
                ).first()  # fmt: skip
            )
    return None


def published_changes(
    *, area: Area, period: Period, values: dict[str, Any]
) -> list[dict[str, Any]]:
    """The figures of a dashboard (``values``, as it shows them) that belong to a
    published snapshot and differ from it now: ``release_changes`` on the
    release the dashboard shows (``release_shown``), changed ones only."""
    release = release_shown(area, period)
    if release is None:
        return []
    current = {code: int(values[code]) for code in HEADLINE_CODES if code in values}
    return [
        {**change, "release": release}
        for change in release_changes(release, current=current)
        if change["difference"]
    ]


def ordered_values(release: FigureRelease) -> list[tuple[str, int]]:
    """The snapshot's values in the registry's order (PostgreSQL's jsonb keeps
    no key order), then any code the registry no longer has."""
    known = [c for c in HEADLINE_CODES if c in release.values]
    rest = sorted(set(release.values) - set(known))
    return [(c, release.values[c]) for c in known + rest]


def snapshot_figures(release: FigureRelease) -> list[dict[str, Any]]:
    """The snapshot's figures as the public page and API show them."""
    out = []
    for code, value in ordered_values(release):
        kpi = KPIS.get(code)
        d = release.definitions.get(code, {})
        out.append({
            "code": code, "name": _(d.get("name", code)), "definition": _(d.get("definition", "")),
            "unit": d.get("unit", ""), "value": value,
            "text": display.card_value(kpi, value) if kpi else str(value),
            "headline": display.headline(kpi, value) if kpi else str(value),
        })  # fmt: skip
    return out
