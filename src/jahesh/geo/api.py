"""Geography API (``/api/v1/geo``): provinces, counties, cities and villages for
pickers and clients. Sign-in required; every list reads through ``scoped()``."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from jahesh.accounts import places
from jahesh.api.schemas import ERRORS, Id, Page

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
    province: Id | None = Field(None, description="شناسهٔ استان")


class CityFilter(Schema):
    county: Id | None = Field(None, description="شناسهٔ شهرستان")


class VillageFilter(Page):
    county: Id | None = Field(None, description="شناسهٔ شهرستان")
    q: str | None = Field(None, description="بخشی از نام (با هر املایی) یا آغاز کد")
    deprived: bool | None = Field(None, description="فقط روستاهای محروم (true) یا غیرمحروم (false)")


@router.get("/provinces", response={200: ProvinceListOut, **ERRORS})
def provinces(request: HttpRequest):
    """Iran's 31 provinces."""
    items = list(places.province_list(user=request.auth))
    return {"items": items, "count": len(items)}


@router.get("/counties", response={200: CountyListOut, **ERRORS})
def counties(request: HttpRequest, filters: Query[CountyFilter]):
    """Counties, of one province when ``province`` is given (404 if it does not exist)."""
    items = list(places.county_list(user=request.auth, province_id=filters.province))
    return {"items": items, "count": len(items)}


@router.get("/cities", response={200: CityListOut, **ERRORS})
def cities(request: HttpRequest, filters: Query[CityFilter]):
    """Cities, of one county when ``county`` is given (404 if it does not exist)."""
    items = list(places.city_list(user=request.auth, county_id=filters.county))
    return {"items": items, "count": len(items)}


@router.get("/villages", response={200: VillageListOut, **ERRORS})
def villages(request: HttpRequest, filters: Query[VillageFilter]):
    """Villages, a page at a time (``limit`` ≤ 200, ``offset``); ``count`` is the total."""
    found = places.village_list(
        user=request.auth, county_id=filters.county, q=filters.q, deprived=filters.deprived
    )
    return filters.of(found)
