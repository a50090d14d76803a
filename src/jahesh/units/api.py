"""API of production units (``/api/v1/units``): CRUD, visits, the watch list and
the import. Every route reads through ``scoped()``; a unit outside the
caller's scope answers 404. Dates ISO, amounts integer rials."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Annotated, Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from jahesh.accounts.roles import Module
from jahesh.accounts.scoping import api_record_or_404, api_require_module
from jahesh.api.maps import map_layer
from jahesh.api.refs import resolve_ref
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
)
from jahesh.core import mapdata
from jahesh.core.api import ImportOut, ImportQueuedOut
from jahesh.core.errors import InvalidInput
from jahesh.core.models import ImportJob
from jahesh.core.tabular.jobs import import_submit, job_queued
from jahesh.geo.models import City, County, Village
from jahesh.units import selectors, services
from jahesh.units.models import (
    RiskLevel,
    SalesTrend,
    Sector,
    Size,
    Unit,
    UnitStatus,
    Visit,
    VisitPhoto,
)

router = Router(tags=["units"])
visits_router = Router(tags=["units"])
map_router = Router(tags=["units"])


# --- Schemas -------------------------------------------------------------------

# Bounded as their columns are (DecimalField digits, PositiveSmallIntegerField).
Capacity = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
SmallCount = Annotated[int, Field(ge=0, le=32767)]


class UnitQuery(Filters):
    """The unit list's filters, as the list and the map take them."""

    q: str = ""
    county_id: Id | None = None
    sector: Sector | None = None
    status: UnitStatus | None = None
    isic_section: str = ""
    size: Size | None = None
    risk_level: RiskLevel | None = None


class UnitFilters(Page, UnitQuery):
    order: str = Field("-id", pattern="^(-id|name|-risk|-last_visit)$")


class WatchFilters(Page):
    county_id: Id | None = None
    sector: Sector | None = None
    isic_section: str = ""
    size: Size | None = None
    level: RiskLevel | None = None
    exclude_open_cases: bool = False


class DriverOut(Schema):
    code: str
    points: int
    text: str


class UnitOut(Schema):
    id: int
    code: str | None
    name: str
    national_id: str | None
    licence_no: str
    isic_code: str
    isic_revision: str
    isic_division: str
    isic_section: str
    sector: str
    county_id: int
    county: str
    city_id: int | None
    village_id: int | None
    industrial_estate: str
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    owner_name: str
    owner_mobile: str
    founded_on: datetime.date | None
    employees: int | None
    size: str
    capacity: Decimal | None
    capacity_unit: str
    status: str
    last_visit_on: datetime.date | None
    risk_score: int | None
    risk_level: str
    risk_assessed_on: datetime.date | None

    @staticmethod
    def resolve_county(obj: Unit) -> str:
        return obj.county.name


class UnitDetailOut(UnitOut):
    risk_drivers: list[DriverOut]
    allowed_transitions: AllowedMoves


class UnitListOut(Schema):
    items: list[UnitOut]
    count: int


class UnitIn(Schema):
    name: str
    sector: Sector
    county_id: Id
    code: str | None = None
    national_id: str | None = None
    licence_no: str = ""
    isic_code: str = ""
    city_id: Id | None = None
    village_id: Id | None = None
    industrial_estate: str = ""
    address: str = ""
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    owner_name: str = ""
    owner_mobile: str = ""
    founded_on: ApiDate | None = None
    employees: Quantity | None = None
    capacity: Capacity | None = None
    capacity_unit: str = ""
    status: UnitStatus = UnitStatus.ACTIVE


class UnitPatch(Schema):
    name: str | None = None
    sector: Sector | None = None
    county_id: Id | None = None
    code: str | None = None
    national_id: str | None = None
    licence_no: str | None = None
    isic_code: str | None = None
    city_id: Id | None = None
    village_id: Id | None = None
    industrial_estate: str | None = None
    address: str | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    owner_name: str | None = None
    owner_mobile: str | None = None
    founded_on: ApiDate | None = None
    employees: Quantity | None = None
    capacity: Capacity | None = None
    capacity_unit: str | None = None
    # Accepted only to be refused with a message that names the right route: a
    # client that moved the status by PATCH before must not get a quiet 200.
    status: str | None = None


class UnitTransitionIn(Schema):
    """A status move (``UNIT_FLOW``), the one way a unit's status changes."""

    to_status: UnitStatus
    reason: str = Field(..., max_length=500)
    changed_on: ApiDate | None = None


class VisitOut(Schema):
    id: int
    unit_id: int
    visited_on: datetime.date
    visitor_name: str
    capacity_utilization: int | None
    employees_now: int | None
    unpaid_wage_months: int
    bank_arrears_rial: int
    tax_debt_rial: int
    social_security_debt_rial: int
    utility_debt_rial: int
    utility_cutoff_notice: bool
    raw_material_days: int | None
    order_book_months: Decimal | None
    sales_trend: str
    owner_issue: bool
    court_cases: int
    notes: str
    latitude: Decimal | None
    longitude: Decimal | None
    accuracy_m: int | None
    distance_m: int | None = Field(
        None, description=gettext_noop("فاصله تا مختصات واحد (متر)؛ وقتی واحد مختصات دارد.")
    )
    far_from_unit: bool


class PhotoOut(Schema):
    id: int
    url: str
    sha256: str
    width: int | None
    height: int | None

    @staticmethod
    def resolve_url(obj: VisitPhoto) -> str:
        return reverse("units:photo", args=[obj.pk])


class VisitDetailOut(VisitOut):
    photos: list[PhotoOut]

    @staticmethod
    def resolve_photos(obj: Visit) -> list:
        return list(obj.photos.all())


class VisitListOut(Schema):
    items: list[VisitOut]
    count: int


class VisitIn(Schema):
    visited_on: ApiDate
    visitor_name: str = Field("", max_length=200)
    capacity_utilization: int | None = Field(None, ge=0, le=100)
    employees_now: Quantity | None = None
    unpaid_wage_months: SmallCount = 0
    bank_arrears_rial: Rials = 0
    tax_debt_rial: Rials = 0
    social_security_debt_rial: Rials = 0
    utility_debt_rial: Rials = 0
    utility_cutoff_notice: bool = False
    raw_material_days: SmallCount | None = None
    order_book_months: Decimal | None = Field(None, ge=0, max_digits=4, decimal_places=1)
    sales_trend: SalesTrend | None = None
    owner_issue: bool = False
    court_cases: SmallCount = 0
    notes: str = ""
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    accuracy_m: int | None = Field(None, ge=0, le=1_000_000)
    set_unit_coordinates: bool = Field(
        False,
        description=gettext_noop("واحدِ بی‌مختصات، مختصات این بازدید را بگیرد (با تأیید کارشناس)."),
    )
    unit_seen_at: datetime.datetime | None = Field(
        None,
        description=gettext_noop(
            "updated_at واحد آن‌طور که گوشی دیده است؛ اگر واحد پس از آن تغییر کرده"
            " باشد پاسخ 409 است."
        ),
    )


class FieldUnitOut(Schema):
    id: int
    name: str
    address: str
    county: str
    last_visit_on: datetime.date | None
    due_on: datetime.date | None
    overdue: bool
    risk_level: str
    risk_label: str
    risk_reasons: list[str]
    latitude: Decimal | None
    longitude: Decimal | None
    updated_at: datetime.datetime


class FieldUnitsOut(Schema):
    items: list[FieldUnitOut]
    count: int
    far_m: int


# --- Helpers ---------------------------------------------------------------------


def _places(user: Any, payload: dict[str, Any]) -> dict[str, Any]:
    """``county_id``/``city_id``/``village_id`` → model instances (a bad id → 422)."""
    out = dict(payload)
    for name, model in (("county", County), ("city", City), ("village", Village)):
        key = f"{name}_id"
        if key in out:
            out[name] = resolve_ref(user, model, out.pop(key), field=key)
    return out


def _unit(request: HttpRequest, unit_id: int) -> Unit:
    return api_record_or_404(
        request.user, Module.UNITS, Unit.objects.select_related("county"), pk=unit_id
    )


def _detail(unit: Unit, user: Any) -> Unit:
    risk = selectors.unit_risk_at(unit=unit, when=datetime.date.max)
    unit.risk_drivers = list(risk.drivers) if risk else []  # DriverOut reads their fields
    moves = services.UNIT_FLOW.allowed_moves(unit, user)
    unit.allowed_transitions = moves  # type: ignore[attr-defined]
    return unit


# --- Routes: the fixed paths come before /{id} -------------------------------------


@router.get("", response={200: UnitListOut, **ERRORS}, summary=gettext_noop("فهرست واحدهای تولیدی"))
def unit_list(request: HttpRequest, filters: Query[UnitFilters]) -> dict[str, Any]:
    api_require_module(request.user, Module.UNITS)
    qs = selectors.unit_list(user=request.user, **filters.selection())
    return filters.of(qs)


@router.post("", response={201: UnitDetailOut, **ERRORS}, summary=gettext_noop("ثبت واحد تولیدی"))
def unit_create(request: HttpRequest, payload: UnitIn) -> Status:
    api_require_module(request.user, Module.UNITS)
    unit = services.unit_create(user=request.user, **_places(request.user, payload.dict()))
    return Status(201, _detail(unit, request.user))


@router.get(
    "/watchlist",
    response={200: UnitListOut, **ERRORS},
    summary=gettext_noop("فهرست هشدار (واحدهای در خطر تعطیلی)"),
)
def watchlist(request: HttpRequest, filters: Query[WatchFilters]) -> dict[str, Any]:
    api_require_module(request.user, Module.UNITS)
    return filters.of(selectors.watchlist(user=request.user, **filters.selection()))


@router.post(
    "/import",
    response={200: ImportOut, 202: ImportQueuedOut, **ERRORS},
    summary=gettext_noop("ورود واحدها از اکسل یا CSV"),
    description=gettext_noop(
        "تا JAHESH_IMPORT_SYNC_ROWS ردیف (پیش‌فرض ۵٬۰۰۰) گزارش در همین پاسخ می‌آید؛ "
        "پروندهٔ بزرگ‌تر در پس‌زمینه وارد می‌شود: پاسخ 202 با job و status_url."
    ),
)
def unit_import(
    request: HttpRequest, file: File[UploadedFile], dry_run: Form[bool] = False
) -> Status | dict[str, Any]:
    api_require_module(request.user, Module.UNITS)
    outcome = import_submit(
        user=request.user, kind="units", file=file, filename=file.name or "units.xlsx",
        dry_run=dry_run,
    )  # fmt: skip
    if isinstance(outcome, ImportJob):
        return Status(202, job_queued(outcome))
    return outcome.as_dict()


@router.get(
    "/field",
    response={200: FieldUnitsOut, **ERRORS},
    summary=gettext_noop("بازدیدهای من: واحدهای سررسید این هفته (برنامهٔ میدانی)"),
)
def field_units(request: HttpRequest) -> dict[str, Any]:
    api_require_module(request.user, Module.UNITS)
    items = selectors.field_units(user=request.user, today=timezone.localdate())
    return {"items": items, "count": len(items), "far_m": settings.JAHESH_VISIT_FAR_M}


@router.get(
    "/{int:unit_id}",
    response={200: UnitDetailOut, **ERRORS},
    summary=gettext_noop("یک واحد تولیدی"),
)
def unit_detail(request: HttpRequest, unit_id: int) -> Unit:
    return _detail(_unit(request, unit_id), request.user)


@router.patch(
    "/{int:unit_id}",
    response={200: UnitDetailOut, **ERRORS},
    summary=gettext_noop("ویرایش واحد تولیدی"),
    description=gettext_noop("وضعیت واحد اینجا تغییر نمی‌کند: POST /{unit_id}/transitions"),
)
def unit_update(request: HttpRequest, unit_id: int, payload: UnitPatch) -> Unit:
    unit = _unit(request, unit_id)
    data = payload.dict(exclude_unset=True)
    if "status" in data:
        raise InvalidInput(
            _(
                "وضعیت واحد با ویرایش تغییر نمی‌کند؛ آن را با POST /units/{id}/transitions تغییر دهید."
            ),
            field="status",
        )
    unit = services.unit_update(unit=unit, user=request.user, **_places(request.user, data))
    return _detail(unit, request.user)


@router.post(
    "/{int:unit_id}/transitions",
    response={200: UnitDetailOut, **ERRORS},
    summary=gettext_noop("تغییر وضعیت واحد تولیدی"),
)
def unit_transition(request: HttpRequest, unit_id: int, payload: UnitTransitionIn) -> Unit:
    unit = services.unit_change_status(
        unit=_unit(request, unit_id), user=request.user, **payload.dict()
    )
    return _detail(unit, request.user)


@router.delete(
    "/{int:unit_id}", response={204: None, **ERRORS}, summary=gettext_noop("حذف واحد تولیدی")
)
def unit_delete(request: HttpRequest, unit_id: int) -> Status:
    services.unit_delete(unit=_unit(request, unit_id), user=request.user)
    return Status(204, None)


@router.get(
    "/{int:unit_id}/visits",
    response={200: VisitListOut, **ERRORS},
    summary=gettext_noop("بازدیدهای یک واحد"),
)
def visit_list(request: HttpRequest, unit_id: int, page: Query[Page]) -> dict[str, Any]:
    qs = selectors.visit_list(unit=_unit(request, unit_id))
    return page.of(qs)


IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


@router.post(
    "/{int:unit_id}/visits",
    response={200: VisitOut, 201: VisitOut, **ERRORS},
    summary=gettext_noop("ثبت بازدید پایش"),
    description=gettext_noop(
        "سرآیند Idempotency-Key (۸ تا ۶۴ نویسهٔ A-Z a-z 0-9 _ -) را گوشی می‌سازد:"
        " ارسال دوبارهٔ همان کلید همان بازدید را با وضعیت 200 برمی‌گرداند، نه بازدید دوم."
    ),
)
def visit_create(request: HttpRequest, unit_id: int, payload: VisitIn) -> Status:
    unit = _unit(request, unit_id)
    data = payload.dict()
    data["sales_trend"] = data["sales_trend"] or ""
    lat, lon, acc = data.pop("latitude"), data.pop("longitude"), data.pop("accuracy_m")
    take = data.pop("set_unit_coordinates")
    seen = data.pop("unit_seen_at")
    if (lat is None) != (lon is None):
        raise InvalidInput(
            _("عرض و طول جغرافیایی را با هم بفرستید."),
            field="latitude" if lat is None else "longitude",
        )
    position = services.Position(lat, lon, acc) if lat is not None else None
    key = request.headers.get("Idempotency-Key", "")
    if not key:
        visit = services.visit_create(
            unit=unit, user=request.user, position=position, take_coordinates=take, **data
        )
        return Status(201, visit)
    if not IDEMPOTENCY_KEY.match(key):
        raise InvalidInput(
            _("سرآیند Idempotency-Key باید ۸ تا ۶۴ نویسه از A-Z، a-z، 0-9، _ و - باشد."),
            field="Idempotency-Key",
        )
    visit, created = services.visit_create_once(
        unit=unit, user=request.user, client_key=key, unit_seen_at=seen, position=position,
        take_coordinates=take, **data,
    )  # fmt: skip
    return Status(201 if created else 200, visit)


# --- /api/v1/visits ----------------------------------------------------------------


@visits_router.get(
    "/{int:visit_id}",
    response={200: VisitDetailOut, **ERRORS},
    summary=gettext_noop("یک بازدید و عکس‌هایش"),
)
def visit_detail(request: HttpRequest, visit_id: int) -> Visit:
    api_require_module(request.user, Module.UNITS)
    return selectors.visit_detail(user=request.user, visit_id=visit_id)


@visits_router.post(
    "/{int:visit_id}/photos",
    response={200: PhotoOut, 201: PhotoOut, **ERRORS},
    summary=gettext_noop("افزودن عکس به بازدید"),
    description=gettext_noop(
        "فیلد file (JPEG، PNG یا WebP، تا ۱۵ مگابایت). عکس بدون فراداده و با ضلع بلند"
        " حداکثر ۱۶۰۰ پیکسل دوباره ذخیره می‌شود؛ همان عکس دوباره فرستاده شود 200 و همان عکس."
    ),
)
def visit_photo_add(request: HttpRequest, visit_id: int, file: File[UploadedFile]) -> Status:
    api_require_module(request.user, Module.UNITS)
    visit = selectors.visit_detail(user=request.user, visit_id=visit_id)
    photo, created = services.visit_photo_add(visit=visit, upload=file)
    return Status(201 if created else 200, photo)


# --- /api/v1/map ---------------------------------------------------------------------


class MapFilters(UnitQuery):
    zoom: int | None = Field(None, ge=0, le=22)
    bbox: str = Field("", max_length=120)


@map_router.get(
    "/units",
    response={200: dict, **ERRORS},
    summary=gettext_noop("واحدها روی نقشه (GeoJSON)"),
    description=gettext_noop(
        "FeatureCollection فشرده: id هر عضو شناسهٔ واحد، properties.r سطح ریسک"
        " (h پرخطر، w زیر نظر، l کم، n ارزیابی‌نشده). فیلترها مانند فهرست واحدها؛"
        " فقط واحدهای دارای مختصات. با zoom (و bbox=غرب,جنوب,شرق,شمال) فقط واحدهای درون"
        " محدوده، و در بزرگ‌نمایی کم خوشه‌های شبکه‌ای بی‌id با properties.n (شمار) و r"
        " (پرخطرترین)؛ پاسخ آنگاه clustered: true دارد."
    ),
)
def map_units(request: HttpRequest, filters: Query[MapFilters]) -> HttpResponse:
    return map_layer(
        request, filters, module=Module.UNITS, records=selectors.unit_list,
        exclude=frozenset({"zoom", "bbox"}),
        geojson=lambda units: selectors.map_units_geojson(
            units=units, view=mapdata.parse_view(filters.zoom, filters.bbox)
        ),
    )  # fmt: skip
