"""API of projects, their progress and funding, and direct services
(``/api/v1/projects``). Every route reads through ``scoped()``; records out of
scope answer 404."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from ninja import Field, Query, Router, Schema, Status

from jahesh.accounts.roles import Module
from jahesh.accounts.scoping import api_require_module, get_scoped_or_404
from jahesh.api.maps import map_layer
from jahesh.api.refs import missing_ref, resolve_ref
from jahesh.api.schemas import (
    ERRORS,
    AllowedMoves,
    ApiDate,
    Filters,
    Id,
    Latitude,
    Longitude,
    Page,
    Quantity,
    Rials,
    api_enum,
)
from jahesh.core.errors import InvalidInput
from jahesh.geo.models import City, County, Village
from jahesh.projects import selectors, services
from jahesh.projects.models import (
    DirectService,
    ProgressReport,
    Project,
    ProjectFunding,
)
from jahesh.volunteers.models import Camp, Group, Skill

router = Router(tags=["projects"])

# --- Schemas -------------------------------------------------------------------

ProjectKind = api_enum("ProjectKind", Project.Kind)
ProjectStatus = api_enum("ProjectStatus", Project.Status)
ServiceKind = api_enum("ServiceKind", DirectService.Kind)

# A service's value is quantity × unit value in a BigIntegerField: the two bounds
# keep the product below 2**63 (10⁷ × 10¹¹ = 10¹⁸).
MAX_QUANTITY = 10**7
MAX_UNIT_VALUE = 10**11


class ProjectOut(Schema):
    id: int
    title: str
    kind: str
    status: str
    county_id: int
    village_id: int | None
    city_id: int | None
    in_deprived_area: bool
    implementer_group_id: int | None
    contractor_name: str
    budget_original_rial: int
    budget_revised_rial: int | None
    planned_start: datetime.date | None
    planned_end: datetime.date | None
    actual_start: datetime.date | None
    actual_end: datetime.date | None
    progress_pct: int
    progress_on: datetime.date | None
    households: int
    people: int
    value_rial: int = Field(
        0, description=gettext_noop("ارزش ثبت‌شده: جمع همهٔ منابع تأمین، نقدی و غیرنقدی")
    )


class ProjectDetailOut(ProjectOut):
    description: str
    funding_cash_rial: int
    funding_in_kind_rial: int
    allowed_transitions: AllowedMoves


class ProjectListOut(Schema):
    items: list[ProjectOut]
    count: int


class ProjectIn(Schema):
    title: str = Field(..., max_length=250)
    kind: ProjectKind
    county_id: Id | None = None
    village_id: Id | None = None
    city_id: Id | None = None
    implementer_group_id: Id | None = None
    contractor_name: str = Field("", max_length=200)
    budget_original_rial: Rials = 0
    budget_revised_rial: Rials | None = None
    planned_start: ApiDate | None = None
    planned_end: ApiDate | None = None
    households: Quantity = 0
    people: Quantity = 0
    description: str = ""
    latitude: Latitude | None = None
    longitude: Longitude | None = None


class ProjectTransitionIn(Schema):
    to_status: ProjectStatus
    on: ApiDate | None = None
    reason: str = Field("", max_length=500)


class ProgressIn(Schema):
    reported_on: ApiDate
    progress_pct: int = Field(..., ge=0, le=100)
    note: str = ""


class ProgressOut(Schema):
    id: int
    reported_on: datetime.date
    progress_pct: int
    note: str


class ProgressListOut(Schema):
    items: list[ProgressOut]
    count: int


class FundingIn(Schema):
    role: ProjectFunding.Role
    amount_rial: Rials | None = Field(None, description=gettext_noop("برای نقش‌های نقدی و غیرنقدی"))
    labour_hours: Decimal | None = Field(
        None, ge=0, max_digits=8, decimal_places=1, description=gettext_noop("برای کار داوطلبانه")
    )
    labour_skill_id: Id | None = None
    source_name: str = Field("", max_length=200)
    received_on: ApiDate | None = None
    note: str = Field("", max_length=300)


class FundingOut(Schema):
    id: int
    role: str
    source_name: str
    amount_rial: int
    labour_hours: Decimal | None
    labour_skill_id: int | None
    received_on: datetime.date | None


class FundingListOut(Schema):
    items: list[FundingOut]
    count: int
    total_rial: int


class ServiceOut(Schema):
    id: int
    kind: str
    county_id: int
    village_id: int | None
    city_id: int | None
    delivered_on: datetime.date
    camp_id: int | None
    group_id: int | None
    quantity: int
    unit_value_rial: int
    value_rial: int
    male_children: int
    male_adults: int
    male_elderly: int
    female_children: int
    female_adults: int
    female_elderly: int
    people_count: int = 0


class ServiceListOut(Schema):
    items: list[ServiceOut]
    count: int
    value_rial: int


class PersonIn(Schema):
    national_code: str = Field(..., max_length=20)
    sex: str = Field("", max_length=1)
    birth_year: int | None = Field(None, ge=0, le=32767)


class ServiceIn(Schema):
    kind: ServiceKind
    delivered_on: ApiDate
    quantity: int = Field(..., gt=0, le=MAX_QUANTITY)
    unit_value_rial: int = Field(..., ge=0, le=MAX_UNIT_VALUE)
    county_id: Id | None = None
    village_id: Id | None = None
    city_id: Id | None = None
    camp_id: Id | None = None
    group_id: Id | None = None
    male_children: Quantity = 0
    male_adults: Quantity = 0
    male_elderly: Quantity = 0
    female_children: Quantity = 0
    female_adults: Quantity = 0
    female_elderly: Quantity = 0
    people: list[PersonIn] = Field([], max_length=5000)
    note: str = Field("", max_length=300)


class ProjectFilters(Page):
    county_id: Id | None = None
    kind: ProjectKind | None = None
    status: ProjectStatus | None = None
    deprived: bool | None = None
    q: str | None = None


class ServiceFilters(Page):
    county_id: Id | None = None
    kind: ServiceKind | None = None
    start: ApiDate | None = None
    end: ApiDate | None = None


# --- Helpers -----------------------------------------------------------------


def _project_dict(project: Project, value: int) -> dict:
    data = ProjectOut.from_orm(project).dict()
    data["value_rial"] = value
    return data


def _place_of(user, payload: ProjectIn | ServiceIn) -> dict:
    """Load the place the payload names by ids (``county_id``, ``village_id``,
    ``city_id``) and check the user may record there."""
    county = resolve_ref(user, County, payload.county_id, field="county_id")
    village = resolve_ref(user, Village, payload.village_id, field="village_id")
    city = resolve_ref(user, City, payload.city_id, field="city_id")
    target = county or (village.county if village else city.county if city else None)
    if target is not None and not selectors.county_allowed(user=user, county=target):
        raise InvalidInput(_("این شهرستان در حوزهٔ دسترسی شما نیست."), field="county_id")
    return {"county": county, "village": village, "city": city}


def _volunteers_ref(request: HttpRequest, model, pk: int | None, *, field: str):
    """A volunteer group or camp named by a project or service. Project managers
    do not open the volunteers module, so the reference is checked by place: the
    group's or camp's county must be one the user records in (else 404)."""
    if not pk:
        return None
    obj = model.objects.select_related("county").filter(pk=pk).first()
    if obj is None or not selectors.county_allowed(user=request.user, county=obj.county):
        raise missing_ref(field)
    return obj


def _project_or_404(request: HttpRequest, project_id: int) -> Project:
    return get_scoped_or_404(request.user, Project, pk=project_id)


# --- Projects ------------------------------------------------------------------


@router.get("/", response={200: ProjectListOut, **ERRORS}, summary=gettext_noop("فهرست پروژه‌ها"))
def project_list(request: HttpRequest, filters: Query[ProjectFilters]):
    qs = selectors.project_list(user=request.user, **filters.selection())
    page = filters.of(qs)
    values = selectors.project_values(p.pk for p in page["items"])
    page["items"] = [_project_dict(p, values.get(p.pk, 0)) for p in page["items"]]
    return page


@router.post("/", response={201: ProjectDetailOut, **ERRORS}, summary=gettext_noop("ثبت پروژه"))
def project_create(request: HttpRequest, payload: ProjectIn):
    api_require_module(request.user, Module.PROJECTS)
    place = _place_of(request.user, payload)

    group = _volunteers_ref(
        request, Group, payload.implementer_group_id, field="implementer_group_id"
    )
    data = payload.dict(exclude={"county_id", "village_id", "city_id", "implementer_group_id"})
    project = services.project_create(user=request.user, implementer_group=group, **place, **data)
    return Status(201, _detail(project, request.user))


def _detail(project: Project, user: Any) -> dict:
    summary = selectors.project_funding_summary(project=project)
    data = _project_dict(project, summary.total_rial)
    data.update(
        description=project.description,
        funding_cash_rial=summary.cash_rial,
        funding_in_kind_rial=summary.in_kind_rial,
        allowed_transitions=services.allowed_transitions(project, user),
    )
    return data


@router.get(
    "/{int:project_id}",
    response={200: ProjectDetailOut, **ERRORS},
    summary=gettext_noop("یک پروژه"),
)
def project_detail(request: HttpRequest, project_id: int):
    return _detail(_project_or_404(request, project_id), request.user)


@router.post(
    "/{int:project_id}/transition",
    response={200: ProjectDetailOut, **ERRORS},
    summary=gettext_noop("تغییر وضعیت پروژه"),
)
def project_transition(request: HttpRequest, project_id: int, payload: ProjectTransitionIn):
    project = services.project_transition(
        project=_project_or_404(request, project_id), user=request.user, **payload.dict()
    )
    return _detail(project, request.user)


@router.get(
    "/{int:project_id}/progress",
    response={200: ProgressListOut, **ERRORS},
    summary=gettext_noop("گزارش‌های پیشرفت"),
)
def progress_list(request: HttpRequest, project_id: int):
    project = _project_or_404(request, project_id)
    items = list(ProgressReport.objects.filter(project=project).order_by("reported_on", "id"))
    return {"items": items, "count": len(items)}


@router.post(
    "/{int:project_id}/progress",
    response={201: ProgressOut, **ERRORS},
    summary=gettext_noop("ثبت گزارش پیشرفت"),
)
def progress_add(request: HttpRequest, project_id: int, payload: ProgressIn):
    report = services.progress_report_add(
        project=_project_or_404(request, project_id),
        user=request.user,
        **payload.dict(),
    )
    return Status(201, report)


@router.get(
    "/{int:project_id}/funding",
    response={200: FundingListOut, **ERRORS},
    summary=gettext_noop("منابع تأمین پروژه"),
)
def funding_list(request: HttpRequest, project_id: int):
    project = _project_or_404(request, project_id)
    items = list(project.funding.all())
    return {"items": items, "count": len(items), "total_rial": sum(f.amount_rial for f in items)}


@router.post(
    "/{int:project_id}/funding",
    response={201: FundingOut, **ERRORS},
    summary=gettext_noop("ثبت منبع تأمین"),
)
def funding_add(request: HttpRequest, project_id: int, payload: FundingIn):
    project = _project_or_404(request, project_id)
    fields = payload.dict(exclude={"labour_skill_id"})
    if payload.labour_skill_id is not None:
        fields["labour_skill"] = resolve_ref(
            request.user, Skill, payload.labour_skill_id, field="labour_skill_id"
        )
    row = services.funding_record(project=project, **fields)
    return Status(201, row)


# --- Direct services -------------------------------------------------------------


@router.get(
    "/services",
    response={200: ServiceListOut, **ERRORS},
    summary=gettext_noop("فهرست خدمات مستقیم"),
)
def service_list(request: HttpRequest, filters: Query[ServiceFilters]):
    qs = selectors.service_list(user=request.user, **filters.selection())
    totals = selectors.services_totals(services=qs)
    page = filters.of(qs.annotate(people_count=Count("people")), count=totals["count"])
    return {**page, "value_rial": totals["value_rial"]}


@router.post(
    "/services", response={201: ServiceOut, **ERRORS}, summary=gettext_noop("ثبت خدمت مستقیم")
)
def service_create(request: HttpRequest, payload: ServiceIn):
    api_require_module(request.user, Module.PROJECTS)
    place = _place_of(request.user, payload)
    camp = _volunteers_ref(request, Camp, payload.camp_id, field="camp_id")
    group = _volunteers_ref(request, Group, payload.group_id, field="group_id")
    counts = {f: getattr(payload, f) for f in DirectService.BENEFICIARY_FIELDS}
    service = services.service_create(
        user=request.user,
        kind=payload.kind,
        delivered_on=payload.delivered_on,
        quantity=payload.quantity,
        unit_value_rial=payload.unit_value_rial,
        camp=camp,
        group=group,
        counts=counts,
        note=payload.note,
        people=[services.Person(**p.dict()) for p in payload.people],
        **place,
    )
    return Status(201, _service_dict(service))


def _service_dict(service: DirectService) -> dict:
    data = ServiceOut.from_orm(service).dict()
    data["people_count"] = service.people.count()
    return data


@router.get(
    "/services/{int:service_id}",
    response={200: ServiceOut, **ERRORS},
    summary=gettext_noop("یک خدمت مستقیم"),
)
def service_detail(request: HttpRequest, service_id: int):
    return _service_dict(get_scoped_or_404(request.user, DirectService, pk=service_id))


# --- /api/v1/map/projects ------------------------------------------------------------

map_router = Router(tags=["projects"])


class ProjectMapFilters(Filters):
    """The project list's filters a map layer uses (an unknown kind or status is 422)."""

    county_id: Id | None = None
    kind: Project.Kind | None = None
    status: Project.Status | None = None


@map_router.get(
    "/projects",
    response={200: dict, **ERRORS},
    summary=gettext_noop("پروژه‌ها روی نقشه (GeoJSON)"),
    description=gettext_noop(
        "FeatureCollection فشرده: id هر عضو شناسهٔ پروژه، properties.s وضعیت"
        " (p برنامه‌ریزی‌شده، i در حال اجرا، c تکمیل‌شده، s متوقف، x لغوشده)؛"
        " فقط پروژه‌های دارای مختصات، در قلمرو کاربر."
    ),
)
def map_projects(request: HttpRequest, filters: Query[ProjectMapFilters]) -> HttpResponse:
    return map_layer(
        request, filters, module=Module.PROJECTS, records=selectors.project_list,
        geojson=lambda projects: selectors.map_projects_geojson(projects=projects),
    )  # fmt: skip
