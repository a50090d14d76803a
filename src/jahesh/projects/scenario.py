"""Demo part: deprivation-removal projects and direct services in Markazi.

Over the five Jalali years before the as-of date (kpis.md) it makes
``COMPLETED`` completed projects worth ``PROJECTS_VALUE_RIAL`` in all (150–160
billion tomans), mostly in deprived villages, plus projects in progress,
planned, suspended and cancelled, and some completed before the window; and
direct services worth ``SERVICES_VALUE_RIAL`` (470–480 billion tomans). Every
dated record of the window lies at least 7 days inside its ends.

Idempotent: a province that already has projects (or services) gets no more.
Rows go in with ``bulk_create`` (no per-row history: demo data is not an edit
by anyone).
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jahesh.core.digits import to_persian_digits
from jahesh.core.draws import Weighted
from jahesh.core.jalali import last_jalali_years
from jahesh.core.mapdata import synthetic_position
from jahesh.core.money import round_half_up
from jahesh.core.text import normalize_key
from jahesh.core.workflow import Step
from jahesh.geo.models import County, Province, Village
from jahesh.projects import services
from jahesh.projects.models import (
    DirectService,
    FacilityCheck,
    ProgressReport,
    Project,
    ProjectEvent,
    ProjectFunding,
    ProjectResult,
)
from jahesh.volunteers.models import Camp, Group
from jahesh.volunteers.national_codes import national_code_for

PROVINCE = "مرکزی"
COMPLETED = 1_642
PROJECTS_VALUE_RIAL = 1_553_000_000_000  # 155.3 billion tomans
SERVICES_VALUE_RIAL = 4_742_000_000_000  # 474.2 billion tomans
OPEN = {
    Project.Status.IN_PROGRESS: 140,
    Project.Status.PLANNED: 70,
    Project.Status.SUSPENDED: 12,
    Project.Status.CANCELLED: 9,
}
COMPLETED_BEFORE_WINDOW = 60
SERVICES = 6_000
MARGIN = datetime.timedelta(days=7)
BATCH = 2_000

S = Project.Status
K = Project.Kind
R = ProjectFunding.Role

# kind: (weight, relative cost, title, result indicator, unit, target range)
KINDS = {
    K.SCHOOL: (14, 2.2, "مدرسهٔ {n} کلاسه روستای {v}", "کلاس درس", "کلاس", (2, 8)),
    K.HEALTH_HOUSE: (8, 1.6, "خانهٔ بهداشت روستای {v}", "خانهٔ بهداشت", "باب", (1, 1)),
    K.WATER: (20, 0.9, "آب‌رسانی روستای {v}", "آب سالم", "لیتر در روز", (20_000, 120_000)),
    K.HOUSING: (26, 0.55, "ساخت مسکن محرومان روستای {v}", "واحد مسکونی", "واحد", (1, 6)),
    K.ROAD: (9, 1.3, "بهسازی راه روستای {v}", "راه بهسازی‌شده", "کیلومتر", (1, 12)),
    K.MOSQUE: (6, 0.8, "مسجد روستای {v}", "زیربنا", "متر مربع", (80, 300)),
    K.SPORTS: (5, 0.6, "زمین ورزشی روستای {v}", "زمین ورزشی", "باب", (1, 1)),
    K.ELECTRICITY: (8, 0.7, "برق‌رسانی روستای {v}", "خانوار برق‌دار", "خانوار", (10, 80)),
    K.OTHER: (4, 0.5, "طرح عمرانی روستای {v}", "طرح", "مورد", (1, 1)),
}

# kind: (weight, unit value range in rials, quantity range)
SERVICE_KINDS = {
    DirectService.Kind.MEDICAL: (22, (1_500_000, 4_000_000), (40, 400)),
    DirectService.Kind.DENTAL: (12, (3_000_000, 9_000_000), (20, 150)),
    DirectService.Kind.VETERINARY: (7, (800_000, 2_500_000), (50, 600)),
    DirectService.Kind.FOOD: (22, (8_000_000, 25_000_000), (30, 300)),
    DirectService.Kind.HOUSEHOLD: (8, (30_000_000, 120_000_000), (5, 40)),
    DirectService.Kind.LIVELIHOOD: (9, (50_000_000, 250_000_000), (3, 25)),
    DirectService.Kind.EDUCATION: (9, (500_000, 2_000_000), (20, 200)),
    DirectService.Kind.COUNSELLING: (7, (400_000, 1_500_000), (20, 150)),
    DirectService.Kind.OTHER: (4, (1_000_000, 10_000_000), (10, 100)),
}
CAMP_KINDS = {
    "medical": DirectService.Kind.MEDICAL,
    "dental": DirectService.Kind.DENTAL,
    "veterinary": DirectService.Kind.VETERINARY,
    "education": DirectService.Kind.EDUCATION,
    "relief": DirectService.Kind.FOOD,
}
CONTRACTORS = [
    "شرکت عمران روستا",
    "شرکت سازه‌گستر اراک",
    "تعاونی بنّایان ساوه",
    "شرکت آبرسان مرکزی",
    "شرکت راه‌سازان فراهان",
]
GOVERNMENT = [
    "بنیاد مسکن انقلاب اسلامی",
    "آموزش و پرورش",
    "شرکت آب و فاضلاب روستایی",
    "دانشگاه علوم پزشکی",
    "استانداری (اعتبارات محرومیت‌زدایی)",
    "شرکت توزیع برق",
]
CHARITIES = ["خیّرین مدرسه‌ساز", "خیّرین سلامت", "هیئت امنای مسجد", "مجمع خیّرین استان"]


def build(ctx) -> None:

    province = Province.objects.filter(name_key=normalize_key(PROVINCE)).first()
    if province is None:
        ctx.log(_("طرح‌ها: استان مرکزی نیست؛ رد شد"))
        return
    start, end = last_jalali_years(ctx.as_of, 5)
    first, last = start + MARGIN, end - MARGIN - datetime.timedelta(days=1)
    places = _places(province)
    if not places:
        ctx.log(_("طرح‌ها: مرکزی شهرستانی ندارد؛ رد شد"))
        return
    rng = ctx.rng("projects")
    if not Project.objects.filter(county__province=province).exists():
        with transaction.atomic():
            n = _projects(ctx, rng, places, first, last)
        ctx.log(_("طرح‌ها: %(projects)s طرح") % {"projects": n})
    if not DirectService.objects.filter(county__province=province).exists():
        with transaction.atomic():
            n = _services(ctx, rng, province, places, first, last)
        ctx.log(_("طرح‌ها: %(services)s خدمت مستقیم") % {"services": n})


def _places(province) -> list[tuple]:
    """(county, village or None, deprived) choices, deprived villages first in weight."""

    counties = list(County.objects.filter(province=province))
    villages = list(
        Village.objects.filter(province=province)
        .only("id", "name", "county_id", "is_deprived")
        .order_by("name", "id")  # the model's order, ties by id: the same draws on every run
    )
    if not villages:
        return [(c, None, False) for c in counties]
    by_id = {c.pk: c for c in counties}
    for v in villages:
        v.county = by_id[v.county_id]  # the services read a village's county
    deprived = [v for v in villages if v.is_deprived] or villages
    others = [v for v in villages if not v.is_deprived] or villages
    # Mostly deprived villages: four places in five.
    pool = [(by_id[v.county_id], v, v.is_deprived) for v in deprived[:4000]] * 4
    pool += [(by_id[v.county_id], v, v.is_deprived) for v in others[: max(1, len(deprived[:4000]))]]
    return pool


def _draw(table: dict) -> Weighted:
    """A kind of ``table`` drawn by its weight (its entry's first item)."""
    return Weighted(list(table), [entry[0] for entry in table.values()])


def _day(rng, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randint(0, max(0, (last - first).days)))


def _labour_skill():
    """A skill with an hourly rate from the volunteers part, if it made one."""
    try:  # the volunteers part may be left out of a partial demo
        from jahesh.volunteers.models import Skill
    except ImportError:  # pragma: no cover
        return None
    return Skill.objects.filter(hourly_rate_rial__gt=0).order_by("-hourly_rate_rial").first()


def _projects(ctx, rng, places, first, last) -> int:
    """1. Draw every project (kind, place, dates, status, a raw cost).
    2. Scale the completed-in-window costs so they sum to PROJECTS_VALUE_RIAL.
    3. Insert projects, then their events, progress, funding, results, checks."""
    groups = list(_group_ids(ctx))
    skill = _labour_skill()
    specs = []
    kind_draw = _draw(KINDS)
    plan = [(S.COMPLETED, True)] * COMPLETED + [(S.COMPLETED, False)] * COMPLETED_BEFORE_WINDOW
    for status, count in OPEN.items():
        plan += [(status, True)] * count
    for status, in_window in plan:
        kind = kind_draw.draw(rng)
        county, village, deprived = rng.choice(places)
        weight, cost, title, *_rest = KINDS[kind]
        raw = cost * rng.uniform(0.5, 1.6)
        if status == S.COMPLETED and in_window:
            end_day = _day(rng, first + datetime.timedelta(days=60), last)
        elif status == S.COMPLETED:
            end_day = _day(rng, first - datetime.timedelta(days=700), first - MARGIN * 3)
        else:
            end_day = None
        specs.append(
            {
                "status": status,
                "in_window": in_window,
                "kind": kind,
                "county": county,
                "village": village,
                "deprived": deprived,
                "raw": raw,
                "end": end_day,
            }
        )
    _scale_values(specs)
    group_of = _groups_by_id(groups)
    projects = []
    for i, spec in enumerate(specs, start=1):
        projects.append(_project(rng, i, spec, groups, group_of, last))
    events = [e for project in projects for e in _trail(project)]
    services.projects_create(projects, batch_size=BATCH)
    reports, funding, results, checks = [], [], [], []
    now = ctx.clock()
    for project, spec in zip(projects, specs, strict=True):
        reports += _reports(rng, project, now)
        funding += _funding(rng, project, spec["value"], skill)
        results += _results(rng, project)
        if project.status == S.COMPLETED and rng.random() < 0.7:
            checks.append(_check(rng, project, last, now))
    ProjectEvent.objects.bulk_create(events, batch_size=BATCH)
    ProgressReport.objects.bulk_create(reports, batch_size=BATCH)
    ProjectFunding.objects.bulk_create(funding, batch_size=BATCH)
    ProjectResult.objects.bulk_create(results, batch_size=BATCH)
    FacilityCheck.objects.bulk_create(checks, batch_size=BATCH)
    return len(projects)


def _scale_values(specs) -> None:
    """Give each project a value in rials; the completed-in-window ones sum to
    exactly PROJECTS_VALUE_RIAL (the last one takes the rounding remainder)."""
    unit = 10_000_000  # values in whole million tomans
    counted = [s for s in specs if s["status"] == S.COMPLETED and s["in_window"]]
    total_raw = sum(s["raw"] for s in counted)
    per_raw = PROJECTS_VALUE_RIAL / total_raw
    running = 0
    for spec in counted[:-1]:
        spec["value"] = max(unit, round_half_up(Decimal(spec["raw"] * per_raw / unit)) * unit)
        running += spec["value"]
    counted[-1]["value"] = PROJECTS_VALUE_RIAL - running
    for spec in specs:
        spec.setdefault(
            "value", max(unit, round_half_up(Decimal(spec["raw"] * per_raw / unit)) * unit)
        )


def _project(rng, i: int, spec, groups, group_of, last) -> Project:
    kind, status = spec["kind"], spec["status"]
    village = spec["village"]
    title = KINDS[kind][2].format(
        n=to_persian_digits(rng.randint(2, 8)), v=village.name if village else spec["county"].name
    )
    months = rng.randint(4, 18)
    if status == S.COMPLETED:
        actual_end = spec["end"]
        actual_start = actual_end - datetime.timedelta(days=30 * months)
        planned_start = actual_start - datetime.timedelta(days=rng.randint(0, 60))
        planned_end = planned_start + datetime.timedelta(days=30 * months - rng.randint(-30, 60))
        progress, progress_on = 100, actual_end - datetime.timedelta(days=rng.randint(0, 5))
    else:
        actual_end = None
        planned_start = last - datetime.timedelta(days=rng.randint(20, 500))
        planned_end = planned_start + datetime.timedelta(days=30 * months)
        if status == S.PLANNED:
            actual_start, progress, progress_on = None, 0, None
        elif status == S.CANCELLED and rng.random() < 0.5:
            actual_start, progress, progress_on = None, 0, None
        else:
            actual_start = min(planned_start + datetime.timedelta(days=rng.randint(0, 40)), last)
            progress = rng.randint(5, 95)
            progress_on = min(actual_start + datetime.timedelta(days=rng.randint(10, 300)), last)
    group_id = rng.choice(groups) if groups and rng.random() < 0.45 else None
    value = spec["value"]
    households = rng.randint(8, 250)
    place = village.pk if village is not None else spec["county"].pk
    latitude, longitude = synthetic_position(spec["county"].pk, place)
    project = services.project_build(
        user=None,
        title=title,
        kind=kind,
        county=spec["county"],
        village=village,
        implementer_group=group_of[group_id] if group_id else None,
        contractor_name="" if group_id else rng.choice(CONTRACTORS),
        budget_original_rial=round(value * rng.uniform(0.85, 1.05) / 10_000_000) * 10_000_000,
        budget_revised_rial=value if rng.random() < 0.3 else None,
        planned_start=planned_start,
        planned_end=max(planned_end, planned_start),
        households=households,
        people=households * rng.randint(3, 5),
        latitude=latitude,
        longitude=longitude,
    )
    # Its history so far (the trail that leads there is checked and written by the caller, ``_trail``).
    project.actual_start, project.actual_end = actual_start, actual_end
    project.status, project.progress_pct, project.progress_on = status, progress, progress_on
    return project


def _trail(project: Project) -> list[ProjectEvent]:
    """The project's workflow trail, not saved, from its registration a month
    before its planned start: each move checked by ``PROJECT_FLOW.history`` as
    ``project_transition`` checks it (the table, the start and end dates, 100 %
    progress to complete, a reason to stop), which sets the status and the actual
    dates the project was drawn with (who moved it is unknown: ``created_by``)."""

    def step(to_status: str, day: datetime.date, reason: str = "") -> Step:
        at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))
        return Step(to_status, at, data=day, reason=reason)

    status, start, end = project.status, project.actual_start, project.actual_end
    project.status, project.actual_start, project.actual_end = S.PLANNED, None, None
    steps = [step(S.PLANNED, project.planned_start - datetime.timedelta(days=30))]
    if start:
        steps.append(step(S.IN_PROGRESS, start))
    if status == S.COMPLETED:
        assert end is not None, "a completed project was drawn with its end"
        steps.append(step(S.COMPLETED, end))
    elif status in (S.SUSPENDED, S.CANCELLED):
        steps.append(step(status, project.progress_on or project.planned_start, "کمبود اعتبار"))
    events = services.PROJECT_FLOW.history(project, steps, user=project.created_by)
    if (project.status, project.actual_start, project.actual_end) != (status, start, end):
        raise ValueError(f"demo project {project.title}: its trail leads elsewhere")
    return events  # type: ignore[return-value]


def _reports(rng, project: Project, now: datetime.datetime) -> list[ProgressReport]:
    """Its progress reports through ``progress_report_build`` (the service's rules
    of the row; the project was in progress on each report's day)."""
    if not project.actual_start or not project.progress_on:
        return []
    span = max(1, (project.progress_on - project.actual_start).days)
    steps = sorted({rng.randint(10, 60), rng.randint(40, 90)})
    progress = [
        (
            min(p, project.progress_pct),
            project.actual_start + datetime.timedelta(days=span * p // 100),
        )
        for p in steps
        if p < project.progress_pct
    ]
    progress.append((project.progress_pct, project.progress_on))
    return [
        services.progress_report_build(
            project=project, user=None, reported_on=day, progress_pct=pct, now=now
        )
        for pct, day in progress
    ]


def _funding(rng, project: Project, value: int, skill) -> list[ProjectFunding]:
    """Split ``value`` into government, charity, in-kind and (for groups) valued
    volunteer labour; the rows sum to ``value`` exactly."""
    rows = []
    rest = value
    if project.implementer_group_id and skill is not None:
        hours = Decimal(rng.randint(200, 2_000))
        amount = min(round_half_up(hours * skill.hourly_rate_rial), rest // 4)
        # Not through funding_add_volunteer_labour: the demo caps labour at a
        # quarter of the project, a value the service (hours × rate) never gives.
        if amount > 0:
            rows.append(
                ProjectFunding(
                    project=project,
                    role=R.VOLUNTEER_LABOUR,
                    amount_rial=amount,
                    labour_hours=hours,
                    labour_skill=skill,
                    source_name="نیروهای جهادی",
                )
            )
            rest -= amount
    charity = rest * rng.randint(10, 35) // 100
    in_kind = rest * rng.randint(0, 15) // 100
    government = rest - charity - in_kind
    for role, amount, names in (
        (R.GOVERNMENT, government, GOVERNMENT),
        (R.CHARITY, charity, CHARITIES),
        (R.IN_KIND, in_kind, ["اهدای مصالح ساختمانی"]),
    ):
        if amount > 0:
            rows.append(
                services.funding_build(
                    project=project,
                    role=role,
                    amount_rial=amount,
                    source_name=rng.choice(names),
                    received_on=project.actual_start or project.planned_start,
                )
            )
    return rows


def _results(rng, project: Project) -> list[ProjectResult]:
    *_head, indicator, unit, (low, high) = KINDS[project.kind]
    target = rng.randint(low, high)
    if project.status == S.COMPLETED:
        actual = target if rng.random() < 0.85 else max(low, target - rng.randint(0, target // 4))
    else:
        actual = None
    return [
        services.result_build(
            project=project, indicator=indicator, unit=unit, target=target, actual=actual
        )
    ]


def _check(rng, project: Project, last, now: datetime.datetime) -> FacilityCheck:
    day = min(project.actual_end + datetime.timedelta(days=rng.randint(60, 400)), last)
    in_use = rng.random() < 0.92
    return services.facility_check_build(
        project=project,
        user=None,
        checked_on=day,
        in_use=in_use,
        note="" if in_use else "به علت نبود نیرو یا تجهیزات بلااستفاده است",
        now=now,
    )


def _group_ids(ctx) -> list[int]:
    ids = ctx.shared.get("volunteer_group_ids") or []
    if ids:
        return list(ids)
    try:  # the volunteers part may be left out of a partial demo
        from jahesh.volunteers.models import Group
    except ImportError:  # pragma: no cover
        return []
    return list(Group.objects.values_list("pk", flat=True)[:500])


def _camps(ctx, province, first, last) -> list:
    ids = ctx.shared.get("camp_ids") or []
    if not ids:
        return []

    return [
        c
        for c in Camp.objects.filter(pk__in=ids, county__province=province)
        .select_related("county", "village__county", "city__county")
        .order_by("pk")
        if first <= c.start_date <= last and c.purpose in CAMP_KINDS
    ]


def _services(ctx, rng, province, places, first, last) -> int:
    """Draw SERVICES services (a share of them at the volunteers' camps), scale
    unit values so the total is SERVICES_VALUE_RIAL, draw the people recorded by
    national code, and write them through the service's bulk form (its checks,
    its place and value)."""

    camps = _camps(ctx, province, first, last)
    groups = _group_ids(ctx)
    group_of = _groups_by_id(groups)
    rows: list[dict[str, Any]] = []
    kind_draw = _draw(SERVICE_KINDS)
    for i in range(SERVICES):
        camp = camps[i % len(camps)] if camps and rng.random() < 0.4 else None
        if camp is not None:
            kind = CAMP_KINDS[camp.purpose]
            county, village = camp.county, camp.village
            city = camp.city if village is None else None
            day = min(max(camp.start_date, first), last)
            group = None
        else:
            kind = kind_draw.draw(rng)
            county, village, _deprived = rng.choice(places)
            city = None
            day = _day(rng, first, last)
            group = group_of[rng.choice(groups)] if groups and rng.random() < 0.3 else None
        _w, (lo, hi), (qlo, qhi) = SERVICE_KINDS[kind]
        rows.append(
            {
                "kind": kind,
                "county": county,
                "village": village,
                "city": city,
                "delivered_on": day,
                "camp": camp,
                "group": group,
                "quantity": rng.randint(qlo, qhi),
                "unit_value_rial": rng.randint(lo, hi),
            }
        )
    total = sum(r["quantity"] * r["unit_value_rial"] for r in rows)
    factor = Decimal(SERVICES_VALUE_RIAL) / Decimal(total)
    for r in rows:
        r["unit_value_rial"] = round_half_up(Decimal(r["unit_value_rial"]) * factor / 1000) * 1000
        r["counts"] = _counts(rng, r["quantity"])
    # People named by national code: at medical and dental services, drawn from
    # a population of 20,000 so many come back and are counted once.
    for r in rows:
        if (
            r["kind"] in (DirectService.Kind.MEDICAL, DirectService.Kind.DENTAL)
            and rng.random() < 0.3
        ):
            r["people"] = [
                national_code_for(600_000 + rng.randint(1, 20_000))
                for _ in range(min(r["quantity"], 15))
            ]
    now = ctx.clock()
    services.services_create(
        [services.service_build(user=None, now=now, **r) for r in rows], batch_size=BATCH
    )
    return len(rows)


def _groups_by_id(ids: list[int]) -> dict[int, Group]:
    return Group.objects.only("id").in_bulk(ids) if ids else {}


def _counts(rng: random.Random, people: int) -> dict[str, int]:
    """Head-counts by sex and age group adding up to about the quantity."""
    shares = [rng.random() for _ in DirectService.BENEFICIARY_FIELDS]
    scale = sum(shares)
    return {
        name: int(people * share / scale)
        for name, share in zip(DirectService.BENEFICIARY_FIELDS, shares, strict=True)
    }
