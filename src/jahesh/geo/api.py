"""Geography API (``/api/v1/geo``): provinces, counties, cities and villages for
pickers and clients; and the working-day calendar (``/api/v1/calendar``): a
due day, the closures (added and removed by admins). Sign-in required; every
list reads through ``scoped()``."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Field, Query, Router, Schema, Status

from jahesh.accounts import places
from jahesh.accounts.scoping import get_scoped_or_404
from jahesh.api.refs import resolve_ref
from jahesh.api.schemas import ERRORS, ApiDate, Id, Page
from jahesh.core.errors import Forbidden
from jahesh.geo import services
from jahesh.geo.models import Closure, Province
from jahesh.geo.workdays import add_working_days

router = Router(tags=["geo"])


class ProvinceOut(Schema):
    id: int
    name: str
    code: str


class CountyOut(ProvinceOut):
    province_id: int


class CityOut(CountyOut):
    county_id: int
    district_id: int | None
    is_deprived: bool
    deprivation_index: float | None


class VillageOut(CityOut):
    rural_district_id: int | None


class ProvinceListOut(Schema):
    items: list[ProvinceOut]
    count: int


class CountyListOut(Schema):
    items: list[CountyOut]
    count: int


class CityListOut(Schema):
    items: list[CityOut]
    count: int


class VillageListOut(Schema):
    items: list[VillageOut]
    count: int


class CountyFilter(Schema):
    province: Id | None = Field(None, description=gettext_noop("شناسهٔ استان"))


class CityFilter(Schema):
    county: Id | None = Field(None, description=gettext_noop("شناسهٔ شهرستان"))


class VillageFilter(Page):
    county: Id | None = Field(None, description=gettext_noop("شناسهٔ شهرستان"))
    q: str | None = Field(None, description=gettext_noop("بخشی از نام (با هر املایی) یا آغاز کد"))
    deprived: bool | None = Field(
        None, description=gettext_noop("فقط روستاهای محروم (true) یا غیرمحروم (false)")
    )


@router.get("/provinces", response={200: ProvinceListOut, **ERRORS})
def provinces(request: HttpRequest) -> dict[str, Any]:
    """Iran's 31 provinces."""
    items = list(places.province_list(user=request.user))
    return {"items": items, "count": len(items)}


@router.get("/counties", response={200: CountyListOut, **ERRORS})
def counties(request: HttpRequest, filters: Query[CountyFilter]) -> dict[str, Any]:
    """Counties, of one province when ``province`` is given (404 if it does not exist)."""
    items = list(places.county_list(user=request.user, province_id=filters.province))
    return {"items": items, "count": len(items)}


@router.get("/cities", response={200: CityListOut, **ERRORS})
def cities(request: HttpRequest, filters: Query[CityFilter]) -> dict[str, Any]:
    """Cities, of one county when ``county`` is given (404 if it does not exist)."""
    items = list(places.city_list(user=request.user, county_id=filters.county))
    return {"items": items, "count": len(items)}


@router.get("/villages", response={200: VillageListOut, **ERRORS})
def villages(request: HttpRequest, filters: Query[VillageFilter]) -> dict[str, Any]:
    """Villages, a page at a time (``limit`` ≤ 200, ``offset``); ``count`` is the total."""
    found = places.village_list(
        user=request.user, county_id=filters.county, q=filters.q, deprived=filters.deprived
    )
    return filters.of(found)


# --- Working-day calendar (``/api/v1/calendar``) --------------------------------------

calendar_router = Router(tags=["calendar"])

MAX_WORKING_DAYS = 1000


class DueFilter(Schema):
    start: ApiDate = Field(..., description=gettext_noop("روز آغاز (مهلت از فردای آن شمرده می‌شود)"))
    days: int = Field(..., ge=0, le=MAX_WORKING_DAYS, description=gettext_noop("چند روز کاری"))
    province: Id | None = Field(
        None, description=gettext_noop("استان پرونده (تعطیلی‌های آن هم شمرده می‌شود)")
    )


class DueOut(Schema):
    due_on: datetime.date


class ClosureIn(Schema):
    on: ApiDate
    province_id: Id | None = Field(None, description=gettext_noop("خالی برای سراسر کشور"))
    reason: str = Field(..., max_length=200)


class ClosureOut(Schema):
    id: int
    on: datetime.date
    province_id: int | None
    province: str | None = Field(None, alias="province.name")
    reason: str


class ClosureListOut(Schema):
    items: list[ClosureOut]
    count: int


class ClosureFilter(Page):
    year: int | None = Field(None, ge=1900, le=2200, description=gettext_noop("سال میلادی"))


def _province(user: Any, province_id: int | None) -> Province | None:
    return resolve_ref(user, Province, province_id, field="province_id")


@calendar_router.get("/due", response={200: DueOut, **ERRORS}, url_name="calendar_due")
def calendar_due(request: HttpRequest, filters: Query[DueFilter]) -> dict[str, datetime.date]:
    """The ``days``-th working day after ``start`` for a record of ``province``
    (the weekend setting, the official holidays, the country's closures and the
    province's). ``start`` is ISO, or Jalali when its year is below 1700;
    ``due_on`` is ISO Gregorian, like every date the API answers."""
    province = resolve_ref(request.user, Province, filters.province, field="province")
    return {
        "due_on": add_working_days(
            filters.start, filters.days, province_id=province.pk if province else None
        )
    }


@calendar_router.get("/closures", response={200: ClosureListOut, **ERRORS}, url_name="closures")
def closure_list(request: HttpRequest, filters: Query[ClosureFilter]) -> dict[str, Any]:
    return filters.of(places.closure_list(user=request.user, year=filters.year))


def _require_admin(user: Any) -> None:
    if not places.is_calendar_admin(user):
        raise Forbidden(_("تعطیلی‌ها را فقط مدیر سامانه ثبت یا حذف می‌کند."))


@calendar_router.post("/closures", response={201: ClosureOut, **ERRORS})
def closure_add(request: HttpRequest, payload: ClosureIn) -> Status:
    """Close offices on ``on`` for a province or (``province_id`` null) the country.
    Admin only."""
    _require_admin(request.user)
    province = _province(request.user, payload.province_id)
    return Status(
        201, services.closure_add(on=payload.on, province=province, reason=payload.reason)
    )


@calendar_router.delete("/closures/{int:closure_id}", response={204: None, **ERRORS})
def closure_remove(request: HttpRequest, closure_id: int) -> Status:
    _require_admin(request.user)
    closure = get_scoped_or_404(request.user, Closure, pk=closure_id)
    services.closure_remove(closure=closure)
    return Status(204, None)
