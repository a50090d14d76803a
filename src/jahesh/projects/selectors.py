"""Reads of projects and direct services, and the figures (KPIs) of this area.

Record lists go through ``scoped()``; figures are limited by an ``Area``
(kpis.md: a viewer reads figures, never records). Periods are half-open
[start, end).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Min, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from jahesh.accounts.places import counties_for_user
from jahesh.accounts.roles import Module
from jahesh.accounts.scoping import Area, scope_exists, scoped
from jahesh.core import mapdata
from jahesh.core.daily import EVER, daily_totals, dated_rows, distinct_days
from jahesh.core.search import filter_given, search_filter
from jahesh.geo.models import County
from jahesh.projects.models import (
    DirectService,
    Project,
    ProjectFunding,
    ServiceBeneficiary,
)
from jahesh.volunteers.models import Camp, Group

# --- Projects --------------------------------------------------------------


def project_list(
    *,
    user,
    county_id: int | None = None,
    kind: str | None = None,
    status: str | None = None,
    deprived: bool | None = None,
    q: str | None = None,
) -> QuerySet[Project]:
    qs = scoped(user, Project).select_related("county", "village", "city")
    qs = filter_given(qs, county_id=county_id, kind=kind, status=status, in_deprived_area=deprived)
    if q:
        qs = search_filter(qs, "title_key", q)
    return qs.order_by("-id")


def project_values(project_ids) -> dict[int, int]:
    """Recorded value (sum of funding, cash and in-kind) of each project in
    ``project_ids``; a page at a time, so the list stays fast at any size."""
    rows = (
        ProjectFunding.objects.filter(project_id__in=list(project_ids))
        .values("project_id")
        .annotate(total=Sum("amount_rial"))
    )
    return {r["project_id"]: r["total"] for r in rows}


@dataclass
class FundingSummary:
    """A project's funding: per role, cash, in-kind and the recorded value."""

    by_role: dict[str, int] = field(default_factory=dict)
    cash_rial: int = 0
    in_kind_rial: int = 0

    @property
    def total_rial(self) -> int:
        return self.cash_rial + self.in_kind_rial


def project_funding_summary(*, project: Project) -> FundingSummary:
    summary = FundingSummary()
    rows = project.funding.values("role").annotate(total=Sum("amount_rial"))
    for row in rows:
        summary.by_role[row["role"]] = row["total"]
        if row["role"] in ProjectFunding.CASH_ROLES:
            summary.cash_rial += row["total"]
        else:
            summary.in_kind_rial += row["total"]
    return summary


def project_value_rial(*, project: Project) -> int:
    """The project's recorded value: the sum of all its funding, cash and in-kind."""
    return project.funding.aggregate(v=Coalesce(Sum("amount_rial"), 0))["v"]


# --- Direct services -------------------------------------------------------


def service_list(
    *,
    user,
    county_id: int | None = None,
    kind: str | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> QuerySet[DirectService]:
    qs = (
        scoped(user, DirectService)
        .select_related("county", "village", "city", "camp", "group")
        # The camp or group of another county is not named (scoping.scope_exists).
        .annotate(
            camp_visible=scope_exists(user, Camp, "camp"),
            group_visible=scope_exists(user, Group, "group"),
        )
    )
    qs = filter_given(
        qs, county_id=county_id, kind=kind, delivered_on__gte=start, delivered_on__lt=end
    )
    return qs.order_by("-delivered_on", "-id")


def services_totals(*, services: QuerySet[DirectService]) -> dict[str, int]:
    row = services.order_by().aggregate(
        count=Count("pk"), value_rial=Coalesce(Sum("value_rial"), 0)
    )
    return {"count": row["count"], "value_rial": row["value_rial"]}


def distinct_beneficiaries(services: QuerySet[DirectService]) -> int:
    """People known by national code among ``services``, each counted once."""
    return (
        ServiceBeneficiary.objects.filter(service__in=services.values("pk"))
        .values("national_code")
        .distinct()
        .count()
    )


def counties_for(user) -> QuerySet:
    """The counties ``user`` records projects and services in (none for a role
    without the projects module)."""

    return counties_for_user(user, module=Module.PROJECTS)


def county_allowed(*, user, county) -> bool:
    """May ``user`` record projects and services in ``county``?"""
    return county is not None and counties_for(user).filter(pk=county.pk).exists()


# --- County table ------------------------------------------------------------


@dataclass
class CountyRow:
    county_id: int
    county_name: str
    projects_completed: int = 0
    projects_value_rial: int = 0
    projects_open: int = 0
    services: int = 0
    services_value_rial: int = 0
    services_people: int = 0  # head-counts recorded by sex and age group


def county_table(*, area: Area, start: datetime.date, end: datetime.date) -> list[CountyRow]:
    """Projects and services per county for a period (a map-free table):
    completed projects and their recorded value, projects open at the period's
    end (planned, in progress or suspended), services and their value."""

    counties = County.objects.filter(area.counties_q()).order_by("name")
    rows = {c.pk: CountyRow(c.pk, c.name) for c in counties}
    period = {"area": area, "start": start, "end": end, "by": "county"}
    for county_id, n in kpi_projects_completed(**period).items():
        rows[county_id].projects_completed = n
    for county_id, v in kpi_projects_value_rial(**period).items():
        rows[county_id].projects_value_rial = v
    open_qs = Project.objects.filter(area.q("county")).filter(
        Q(status__in=[Project.Status.PLANNED, Project.Status.IN_PROGRESS, Project.Status.SUSPENDED])
    )
    for r in open_qs.values("county_id").annotate(n=Count("pk")):
        rows[r["county_id"]].projects_open = r["n"]
    people = sum(
        (Coalesce(Sum(f), 0) for f in DirectService.BENEFICIARY_FIELDS[1:]),
        Coalesce(Sum(DirectService.BENEFICIARY_FIELDS[0]), 0),
    )
    services = (
        _services(start, end)
        .filter(area.q("county"))
        .values("county_id")
        .annotate(n=Count("pk"), v=Sum("value_rial"), p=people)
    )
    for r in services:
        row = rows[r["county_id"]]
        row.services, row.services_value_rial, row.services_people = r["n"], r["v"], r["p"]
    return list(rows.values())


def county_table_totals(rows: list[CountyRow]) -> CountyRow:
    total = CountyRow(0, "")
    for row in rows:
        for name in (
            "projects_completed",
            "projects_value_rial",
            "projects_open",
            "services",
            "services_value_rial",
            "services_people",
        ):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return total


# --- KPIs (kpis.md) ------------------------------------------------------------


def _completed(start: datetime.date, end: datetime.date) -> QuerySet[Project]:
    return Project.objects.filter(
        status=Project.Status.COMPLETED, actual_end__gte=start, actual_end__lt=end
    )


def _services(start: datetime.date, end: datetime.date) -> QuerySet[DirectService]:
    return DirectService.objects.filter(delivered_on__gte=start, delivered_on__lt=end)


def kpi_projects_completed(
    *, area: Area, start: datetime.date, end: datetime.date, by: str | None = None
) -> dict[int | None, int]:
    """Deprivation-removal projects completed in the period (actual end date in it)."""
    return area.totals(_completed(start, end), "county", Count("id"), by=by)


def kpi_projects_completed_records(
    *, area: Area, start: datetime.date, end: datetime.date
) -> QuerySet[Project]:
    return (
        _completed(start, end)
        .filter(area.q("county"))
        .select_related("county")
        .order_by("-actual_end", "-id")
    )


def kpi_projects_value_rial(
    *, area: Area, start: datetime.date, end: datetime.date, by: str | None = None
) -> dict[int | None, int]:
    """Sum of the recorded value (all funding, cash and in-kind) of the projects
    completed in the period."""
    funding = ProjectFunding.objects.filter(
        project__status=Project.Status.COMPLETED,
        project__actual_end__gte=start,
        project__actual_end__lt=end,
    )
    return area.totals(funding, "project__county", Sum("amount_rial"), by=by)


def kpi_projects_value_rial_records(
    *, area: Area, start: datetime.date, end: datetime.date
) -> QuerySet[Project]:
    return kpi_projects_completed_records(area=area, start=start, end=end).annotate(
        value_rial=Coalesce(Sum("funding__amount_rial"), 0)
    )


def kpi_services_value_rial(
    *, area: Area, start: datetime.date, end: datetime.date, by: str | None = None
) -> dict[int | None, int]:
    """Value of direct services delivered in the period."""
    return area.totals(_services(start, end), "county", Sum("value_rial"), by=by)


def kpi_services_value_rial_records(
    *, area: Area, start: datetime.date, end: datetime.date
) -> QuerySet[DirectService]:
    return (
        _services(start, end)
        .filter(area.q("county"))
        .select_related("county")
        .order_by("-delivered_on", "-id")
    )


def kpi_services_beneficiaries(
    *, area: Area, start: datetime.date, end: datetime.date, by: str | None = None
) -> dict[int | None, int]:
    """Distinct people (by national code) served in the period, where known. A
    person served in two counties is one person in their province: this figure is
    not the sum of its counties' (the registry marks it so)."""
    people = ServiceBeneficiary.objects.filter(
        service__delivered_on__gte=start, service__delivered_on__lt=end
    )
    return area.totals(people, "service__county", Count("national_code", distinct=True), by=by)


def kpi_services_beneficiaries_records(
    *, area: Area, start: datetime.date, end: datetime.date
) -> QuerySet[ServiceBeneficiary]:
    """One row per person: their first service in the period."""
    services = _services(start, end).filter(area.q("county"))
    first = (
        ServiceBeneficiary.objects.filter(service__in=services.values("pk"))
        .values("national_code")
        .annotate(first_id=Min("pk"))
        .values("first_id")
    )
    return (
        ServiceBeneficiary.objects.filter(pk__in=first)
        .select_related("service")
        .order_by("national_code")
    )


def services_by_kind(*, services: QuerySet[DirectService]) -> list[dict]:
    rows = services.order_by().values("kind").annotate(n=Count("pk"), v=Sum("value_rial"))
    labels = dict(DirectService.Kind.choices)
    return [
        {
            "kind": r["kind"],
            "label": labels.get(r["kind"], r["kind"]),
            "count": r["n"],
            "value_rial": r["v"],
        }
        for r in sorted(rows, key=lambda r: -r["v"])
    ]


# --- Per-day KPI parts (the analytics table's day rows, core.daily) -------------


def kpi_projects_completed_daily(*, area: Area) -> dict:
    return daily_totals(_completed(*EVER), area=area, place="county", day="actual_end",
                        value=Count("id"))  # fmt: skip


def kpi_projects_value_rial_daily(*, area: Area) -> dict:
    funding = ProjectFunding.objects.filter(
        project__status=Project.Status.COMPLETED, project__actual_end__isnull=False
    )
    return daily_totals(funding, area=area, place="project__county", day="project__actual_end",
                        value=Sum("amount_rial"))  # fmt: skip


def kpi_services_value_rial_daily(*, area: Area) -> dict:
    return daily_totals(_services(*EVER), area=area, place="county", day="delivered_on",
                        value=Sum("value_rial"))  # fmt: skip


def kpi_services_beneficiaries_daily(*, area: Area) -> dict:
    """Each person's service days per county, province and the country, with
    their previous one in that place (``core.daily.distinct_days``): the levels
    ``area`` holds whole."""
    people = dated_rows(
        ServiceBeneficiary.objects.filter(area.q("service__county")).order_by().distinct(),
        *("national_code", "service__county__province_id", "service__county_id",
          "service__delivered_on"),
        dates={"service__delivered_on"},
    )  # fmt: skip
    levels = ["county"]
    if area.county_id is None:
        levels.append("province")
        if area.province_id is None:
            levels.append("country")
    return distinct_days(people, levels=levels)


# --- The map ---------------------------------------------------------------------

# A project's marker: its status as one letter (p planned, i in progress, c
# completed, s suspended, x cancelled).
STATUS_LETTER = {
    Project.Status.PLANNED: "p",
    Project.Status.IN_PROGRESS: "i",
    Project.Status.COMPLETED: "c",
    Project.Status.SUSPENDED: "s",
    Project.Status.CANCELLED: "x",
}


def map_projects_geojson(*, projects: QuerySet[Project]) -> str:
    """``projects`` (already scoped) with coordinates as compact GeoJSON: the
    feature id is the project's id, the one property ``s`` its status letter."""
    return mapdata.feature_collection(projects, key="s", code=F("status"), letters=STATUS_LETTER)
