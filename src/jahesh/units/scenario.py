"""The units part of the demo scenario: Markazi's production units and their
monitoring visits (kpis.md: ``units_monitored`` = 760 over the last five
Jalali years).

1. About 1,100 units across the province's counties, with Persian names,
   sectors, ISIC Rev.4 classes and sizes; each has a deterministic ``code``
   (``DEMO-MKZ-0001``…), so a second run finds them and changes nothing.
2. Exactly 760 of them get 1–4 visits dated inside the window (at least 7
   days from both ends); 80 more were visited only before the window; the
   rest were never visited.
3. About 250 go through a crisis inside the window: a visit that puts them
   at high risk (some also stalled), in the window's first three and a half
   years so the clinic can open and close their cases later in the window.
   Their ids go to ``ctx.shared["units_high_risk_ids"]`` and the date of that
   visit to ``ctx.shared["units_high_risk_on"]``.

The units go through the registration rules of a person's form in their bulk
form (``bulk.units_build``: fields, county in scope, unique codes; then
``units_create``), written as the province's headquarters would write them
(``ctx.actor``); the visits through ``visit_build`` (the visit service's rules,
without a user: the demo's visits name no one) and their risk
assessments through ``risk_assessment_build`` (the service's ``compute_risk``),
the unit's status on each day taken from its plan. Everything is written with
bulk inserts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jahesh.core.digits import to_persian_digits
from jahesh.core.draws import Weighted
from jahesh.core.jalali import last_jalali_years
from jahesh.core.mapdata import synthetic_position
from jahesh.core.text import normalize_key
from jahesh.core.workflow import Step
from jahesh.geo.models import City, County
from jahesh.units.bulk import units_build, units_create
from jahesh.units.models import RiskAssessment, RiskLevel, StatusChange, Unit, UnitStatus, Visit
from jahesh.units.risk import current_settings
from jahesh.units.services import UNIT_FLOW, risk_assessment_build, visit_build

PROVINCE_ID = 28  # Markazi
CODE_PREFIX = "DEMO-MKZ-"
TOTAL = 1100
MONITORED = 760  # kpis.md: units_monitored for Markazi over the five years
VISITED_BEFORE_ONLY = 80
CRISIS = 250  # units at high risk at some visit in the window (the clinic saves 110)
MARGIN = timedelta(days=7)

# Share of the province's units per county (the rest spread evenly): Arak and
# Saveh hold most of the province's industry.
COUNTY_WEIGHTS = {
    "اراک": 30,
    "ساوه": 20,
    "شازند": 8,
    "خمین": 6,
    "محلات": 5,
    "دلیجان": 5,
    "زرندیه": 6,
}

# (sector, name pattern, ISIC Rev.4 class, weight); {b} is a brand, {p} a place.
TEMPLATES = [
    ("industry", "شرکت فولاد {b} {p}", "2410", 4),
    ("industry", "کارخانه قند {p}", "1072", 1),
    ("industry", "شرکت ریخته‌گری {b}", "2431", 4),
    ("industry", "کارخانه آجر {b} {p}", "2392", 5),
    ("industry", "شرکت سیمان {b}", "2394", 1),
    ("industry", "شرکت ماشین‌سازی {b}", "2829", 4),
    ("industry", "کارخانه کاشی و سرامیک {b}", "2393", 3),
    ("industry", "شرکت رنگ و رزین {b}", "2022", 3),
    ("industry", "شرکت قطعه‌سازی خودرو {b}", "2930", 5),
    ("industry", "کارخانه نساجی {b} {p}", "1312", 3),
    ("industry", "شرکت بسته‌بندی {b}", "1702", 3),
    ("industry", "شرکت لبنیات {b} {p}", "1050", 4),
    ("industry", "کارخانه روغن نباتی {b}", "1040", 1),
    ("industry", "شرکت داروسازی {b}", "2100", 1),
    ("industry", "شرکت صنایع پلاستیک {b}", "2220", 5),
    ("industry", "شرکت سیم و کابل {b}", "2732", 2),
    ("industry", "کارخانه کنسرو {b} {p}", "1030", 2),
    ("industry", "کارخانه آرد {b} {p}", "1061", 2),
    ("industry", "شرکت مبلمان {b}", "3100", 3),
    ("industry", "شرکت صنایع فلزی {b} {p}", "2511", 6),
    ("industry", "شرکت تجهیزات برقی {b}", "2710", 2),
    ("agriculture", "گلخانه {b} {p}", "0113", 6),
    ("agriculture", "دامداری {b} {p}", "0141", 6),
    ("agriculture", "مرغداری {b} {p}", "0146", 5),
    ("agriculture", "شرکت کشت و صنعت {b}", "0111", 2),
    ("agriculture", "زنبورستان {b}", "0149", 1),
    ("agriculture", "مزرعه پرورش ماهی {b}", "0322", 1),
    ("mining", "معدن سنگ {b} {p}", "0810", 3),
    ("mining", "معدن سیلیس {b}", "0810", 1),
    ("mining", "شرکت معدنی {b}", "0729", 1),
    ("mining", "معدن نمک {p}", "0893", 1),
    ("services", "شرکت حمل و نقل {b}", "4923", 2),
    ("services", "سردخانه {b} {p}", "5210", 2),
    ("services", "شرکت خدمات مهندسی {b}", "7110", 1),
    ("handicraft", "کارگاه فرش دستباف {b} {p}", "1393", 3),
    ("handicraft", "کارگاه سفالگری {b}", "2393", 1),
    ("handicraft", "کارگاه گلیم‌بافی {b} {p}", "1392", 1),
    ("handicraft", "کارگاه منبت‌کاری {b}", "1629", 1),
]

_TEMPLATE_DRAW = Weighted(TEMPLATES, [t[3] for t in TEMPLATES])

BRANDS = (
    "پارس", "البرز", "سپهر", "آریا", "نگین", "کوثر", "مهر", "امید", "ستاره", "فراز", "سهند", "زاگرس",
    "الوند", "دماوند", "کاوه", "آفتاب", "رویان", "تابان", "پویا", "نوین", "بهین", "سامان", "هامون",
    "آسمان", "ارغوان", "شهاب", "میلاد", "کیان", "پیشگام", "صبا", "نیک", "یاس", "ایمن", "آذر", "توس",
    "سینا", "مروارید", "فجر", "رازی", "ماهان",
)  # fmt: skip

ESTATES = (
    "شهرک صنعتی قطب",
    "شهرک صنعتی خیرآباد",
    "شهرک صنعتی کاوه",
    "ناحیه صنعتی",
    "شهرک صنعتی حاجی‌آباد",
)


@dataclass
class _Plan:
    fields: dict  # the registration form's fields (``services.unit_build``)
    unit: Unit = field(default_factory=Unit)  # the checked unit, once built
    visits: list[dict] = field(default_factory=list)
    status_changes: list[tuple[date, str, str, str]] = field(default_factory=list)
    crisis_on: date | None = None


def build(ctx) -> None:
    """Create Markazi's units and visits once; always publish the ids the clinic needs."""
    existing = Unit.objects.filter(code__startswith=CODE_PREFIX)
    if not existing.exists():
        counties = list(County.objects.filter(province_id=PROVINCE_ID).order_by("id"))
        if not counties:
            ctx.log("  " + _("واحدها: شهرستان‌های مرکزی بار نشده‌اند؛ رد شد"))
            return
        with transaction.atomic():
            _create(
                ctx,
                counties,
                total=TOTAL,
                monitored=MONITORED,
                before_only=VISITED_BEFORE_ONLY,
                crisis=CRISIS,
            )
    _publish(ctx)


def _window(as_of: date) -> tuple[date, date]:
    start, end = last_jalali_years(as_of, 5)
    return start + MARGIN, min(end, as_of) - MARGIN


def _create(
    ctx, counties: list[County], *, total: int, monitored: int, before_only: int, crisis: int
) -> None:
    rng = ctx.rng("units")
    first, last = _window(ctx.as_of)
    cities = {}
    for city in City.objects.filter(county__in=counties).order_by("id"):
        cities.setdefault(city.county_id, []).append(city)
    county_draw = Weighted(counties, [COUNTY_WEIGHTS.get(c.name, 3) for c in counties])
    plans = [_plan_unit(rng, i, county_draw, cities) for i in range(1, total + 1)]
    # One name per county (imports match by normalised name within the county).
    seen: set[tuple[int, str]] = set()
    for plan in plans:
        fields, base, n = plan.fields, plan.fields["name"], 2
        while (fields["county"].pk, normalize_key(fields["name"])) in seen:
            fields["name"] = f"{base} {_ordinal(n)}"
            n += 1
        seen.add((fields["county"].pk, normalize_key(fields["name"])))
    order = list(range(total))
    rng.shuffle(order)
    monitored_ids = order[:monitored]
    for n, index in enumerate(monitored_ids):
        _plan_visits(rng, plans[index], first, last, crisis=n < crisis)
    for index in order[monitored : monitored + before_only]:
        _plan_visits_before(rng, plans[index], first)
    _write(ctx, plans, actor=ctx.actor(counties[0].province_id))
    ctx.log(
        "  "
        + _("واحدها: %(units)s واحد، %(monitored)s پایش‌شده در بازه، %(crisis)s گذرکرده از بحران")
        % {"units": total, "monitored": monitored, "crisis": crisis}
    )


def _plan_unit(rng: random.Random, i: int, counties: Weighted[County], cities: dict) -> _Plan:
    county = counties.draw(rng)
    sector, pattern, isic, _w = _TEMPLATE_DRAW.draw(rng)
    place = county.name
    name = pattern.format(b=rng.choice(BRANDS), p=place).strip()
    employees = _employees(rng, sector)
    city = rng.choice(cities[county.pk]) if cities.get(county.pk) and rng.random() < 0.7 else None
    founded = date(rng.randint(1975, 2018), rng.randint(1, 12), rng.randint(1, 28))
    # A made-up position from its county and number: no draw, so nothing else moves.
    latitude, longitude = synthetic_position(county.pk, i)
    fields = dict(
        code=f"{CODE_PREFIX}{i:04d}", name=name, sector=sector, isic_code=isic, county=county,
        city=city,
        industrial_estate=rng.choice(ESTATES) if sector == "industry" and rng.random() < 0.6 else "",
        address=f"{city.name if city else place}، خیابان {rng.choice(BRANDS)}، پلاک {to_persian_digits(rng.randint(1, 300))}",
        owner_name=f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
        owner_mobile=f"091{rng.randint(10_000_000, 99_999_999)}",
        founded_on=founded, employees=employees,
        licence_no=f"{rng.randint(100, 999)}/{rng.randint(10_000, 99_999)}",
        status=UnitStatus.ACTIVE, latitude=latitude, longitude=longitude,
    )  # fmt: skip
    return _Plan(fields=fields)


_FIRST = (
    "علی",
    "محمد",
    "حسین",
    "رضا",
    "مهدی",
    "زهرا",
    "فاطمه",
    "مریم",
    "احمد",
    "حمید",
    "سعید",
    "نرگس",
)
_LAST = (
    "احمدی",
    "رضایی",
    "محمدی",
    "کریمی",
    "حسینی",
    "موسوی",
    "اکبری",
    "فراهانی",
    "عراقی",
    "ساوجی",
    "تفرشی",
)


def _ordinal(n: int) -> str:
    return f"شماره {to_persian_digits(n)}"


def _employees(rng: random.Random, sector: str) -> int:
    roll = rng.random()
    if sector == "handicraft" or roll < 0.30:
        return rng.randint(2, 9)
    if roll < 0.75:
        return rng.randint(10, 49)
    if roll < 0.90:
        return rng.randint(50, 99)
    return rng.randint(100, 1200)


def _healthy(rng: random.Random, employees: int) -> dict:
    return {
        "capacity_utilization": rng.randint(55, 95), "employees_now": max(0, employees + rng.randint(-3, 3)),
        "unpaid_wage_months": rng.choice([0, 0, 0, 0, 1]), "bank_arrears_rial": 0,
        "tax_debt_rial": rng.choice([0, 0, 0, 200_000_000]), "social_security_debt_rial": 0,
        "utility_debt_rial": 0, "utility_cutoff_notice": False, "raw_material_days": rng.randint(20, 90),
        "order_book_months": Decimal(rng.randint(15, 80)) / 10, "sales_trend": rng.choice(["up", "flat", "flat"]),
        "owner_issue": False, "court_cases": 0,
    }  # fmt: skip


def _distressed(rng: random.Random, employees: int) -> dict:
    """Findings of a unit heading for closure: low capacity, wage and insurance
    arrears, creditors at the door."""
    return {
        "capacity_utilization": rng.randint(0, 25), "employees_now": max(0, employees // rng.randint(2, 4)),
        "unpaid_wage_months": rng.randint(4, 9), "bank_arrears_rial": rng.randint(5, 400) * 100_000_000,
        "tax_debt_rial": rng.randint(1, 50) * 100_000_000,
        "social_security_debt_rial": rng.randint(1, 80) * 100_000_000,
        "utility_debt_rial": rng.randint(1, 20) * 10_000_000, "utility_cutoff_notice": rng.random() < 0.5,
        "raw_material_days": rng.randint(0, 10), "order_book_months": Decimal(rng.randint(0, 8)) / 10,
        "sales_trend": "down", "owner_issue": rng.random() < 0.2, "court_cases": rng.randint(0, 3),
    }  # fmt: skip


def _watch(rng: random.Random, employees: int) -> dict:
    found = _healthy(rng, employees)
    found.update(
        capacity_utilization=rng.randint(25, 50),
        unpaid_wage_months=rng.randint(1, 3),
        sales_trend=rng.choice(["flat", "down"]),
        social_security_debt_rial=rng.randint(1, 20) * 50_000_000,
    )
    return found


def _day(rng: random.Random, lo: date, hi: date) -> date:
    return lo + timedelta(days=rng.randint(0, max((hi - lo).days, 0)))


def _plan_visits(rng: random.Random, plan: _Plan, first: date, last: date, *, crisis: bool) -> None:
    employees = plan.fields["employees"] or 10
    if not crisis:
        count = rng.choice([1, 1, 2, 2, 3, 4])
        days = sorted(_day(rng, first, last) for _ in range(count))
        for d in days:
            plan.visits.append(
                {
                    "visited_on": d,
                    **(_watch(rng, employees) if rng.random() < 0.2 else _healthy(rng, employees)),
                }
            )
        return
    # The crisis comes in the window's first three and a half years.
    crisis_hi = first + (last - first) * 7 // 10
    crisis_on = _day(rng, first + timedelta(days=60), crisis_hi)
    if rng.random() < 0.6:
        plan.visits.append(
            {
                "visited_on": _day(rng, first, crisis_on - timedelta(days=30)),
                **_watch(rng, employees),
            }
        )
    if rng.random() < 0.4:
        stalled_on = crisis_on - timedelta(days=rng.randint(3, 20))
        plan.status_changes.append(
            (
                stalled_on,
                UnitStatus.ACTIVE,
                UnitStatus.STALLED,
                "توقف تولید به‌دلیل کمبود نقدینگی و مواد اولیه",
            )
        )
    plan.visits.append({"visited_on": crisis_on, **_distressed(rng, employees)})
    plan.crisis_on = crisis_on
    if rng.random() < 0.7:  # a follow-up visit later, after whatever help came
        plan.visits.append(
            {
                "visited_on": _day(rng, crisis_on + timedelta(days=120), last),
                **_watch(rng, employees),
            }
        )


def _plan_visits_before(rng: random.Random, plan: _Plan, first: date) -> None:
    start = first - MARGIN
    d = _day(rng, start - timedelta(days=3 * 365), start - timedelta(days=10))
    plan.visits.append({"visited_on": d, **_healthy(rng, plan.fields["employees"] or 10)})
    if rng.random() < 0.3:
        plan.status_changes.append(
            (
                d + timedelta(days=30),
                UnitStatus.ACTIVE,
                UnitStatus.CLOSED,
                "تعطیلی کامل پس از ورشکستگی",
            )
        )


def _checked(built: list, what: str) -> None:
    """A scenario row the services refuse is a bug of the scenario: stop on it."""
    for index, row in enumerate(built):
        if isinstance(row, ValidationError):
            raise ValueError(f"demo {what} #{index} refused: {row.message_dict}")


def _write(ctx, plans: list[_Plan], *, actor) -> None:
    """Check the units through the registration rules and the visits through the
    visit form's, compute every risk assessment in memory, then bulk-insert units
    (with their history and their cached latest risk), status changes, visits
    and assessments."""
    settings = current_settings()
    reason = "داده‌های نمایشی"
    now = ctx.clock()
    built = units_build([p.fields for p in plans], user=actor, now=now)
    _checked(built, "unit")
    pending: list[tuple[_Plan, Visit, RiskAssessment]] = []
    changes: list[StatusChange] = []
    for plan, unit in zip(plans, built, strict=True):
        assert isinstance(unit, Unit)
        plan.unit = unit
        changes += _status_changes(plan, actor=actor, now=now)
        for found in sorted(plan.visits, key=lambda v: v["visited_on"]):
            try:
                visit = visit_build(
                    unit=unit,
                    user=None,
                    now=now,
                    **{"visitor_name": _visitor(found["visited_on"]), **found},
                )
            except ValidationError as exc:
                raise ValueError(f"demo visit refused: {exc.message_dict}") from exc
            row = risk_assessment_build(
                unit=unit,
                visit=visit,
                on=visit.visited_on,
                status=_status_on(plan, visit.visited_on),
                weights=settings,
            )
            pending.append((plan, visit, row))
            unit.last_visit_on = visit.visited_on
            unit.risk_score, unit.risk_level, unit.risk_assessed_on = (
                row.score,
                row.level,
                row.assessed_on,
            )
    units_create([p.unit for p in plans], user=actor, reason=reason, now=now)
    if any(p.unit.pk is None for p in plans):  # a backend that returns no ids
        ids = dict(Unit.objects.filter(code__startswith=CODE_PREFIX).values_list("code", "pk"))
        for plan in plans:
            plan.unit.pk = ids[plan.unit.code]
    StatusChange.objects.bulk_create(changes, batch_size=1000)
    for plan, visit, _row in pending:
        visit.unit = plan.unit
    Visit.objects.bulk_create([v for _p, v, _r in pending], batch_size=1000)
    for plan, visit, row in pending:
        row.unit, row.visit = plan.unit, visit
    RiskAssessment.objects.bulk_create([r for _p, _v, r in pending], batch_size=1000)


def _status_changes(plan: _Plan, *, actor: Any, now: datetime) -> list[StatusChange]:
    """The unit's status changes, not saved, each checked by ``UNIT_FLOW.history``
    as ``unit_change_status`` checks it (the table, the reason); the unit ends in
    the last one's status. Registration writes no change, so neither does this."""
    unit = plan.unit
    steps = [Step(unit.status, now)]
    for changed_on, from_status, to_status, reason in plan.status_changes:
        if from_status != steps[-1].to_status:
            raise ValueError(
                f"demo unit {unit.code}: a change from {from_status} follows {steps[-1].to_status}"
            )
        steps.append(Step(to_status, now, data=changed_on, reason=reason))
    return UNIT_FLOW.history(unit, steps, user=actor)[1:]  # type: ignore[return-value]


def _visitor(on: date) -> str:
    # A stable, plausible visitor per month (county experts take turns).
    names = ("کارشناس پایش — مهندس رضایی", "کارشناس پایش — مهندس کریمی", "کارشناس پایش — خانم موسوی",
             "کارشناس پایش — مهندس فراهانی")  # fmt: skip
    return names[(on.year * 12 + on.month) % len(names)]


def _status_on(plan: _Plan, when: date) -> str:
    status = plan.status_changes[0][1] if plan.status_changes else plan.unit.status
    for changed_on, _from, to_status, _why in plan.status_changes:
        if changed_on <= when:
            status = to_status
    return status


def _publish(ctx) -> None:
    """Tell the clinic which units were at high risk (or stalled) in the window, and since when."""
    first, last = _window(ctx.as_of)
    rows = (
        RiskAssessment.objects.filter(
            unit__code__startswith=CODE_PREFIX, visit__isnull=False, level=RiskLevel.HIGH,
            assessed_on__gte=first, assessed_on__lte=last,
        )
        .order_by("unit_id", "assessed_on")
        .values_list("unit_id", "assessed_on")
    )  # fmt: skip
    since: dict[int, date] = {}
    for unit_id, on in rows:
        since.setdefault(unit_id, on)
    ctx.shared["units_high_risk_ids"] = sorted(since)
    ctx.shared["units_high_risk_on"] = since
