"""The KPI API (``/api/v1/kpis``): every figure of reference/kpis.md for a period
and a scope, clamped to the caller's area (a county officer asking for the
province gets their county, never more; experts and fund managers, who work
by assignment, get 404)."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from jahesh.accounts.scoping import area_for
from jahesh.api.schemas import ERRORS, Id
from jahesh.geo.models import Province
from jahesh.reports.periods import parse_period
from jahesh.reports.selectors import dashboard_cache_seconds, figures_and_beside

router = Router(tags=["reports"])


class KpiQuery(Schema):
    from_: str = Field("", alias="from", description="آغاز دوره، ISO (YYYY-MM-DD)، شامل")
    to: str = Field("", description="پایان دوره، ISO (YYYY-MM-DD)، بدون خود روز")
    province: Id | None = None
    county: Id | None = None


class PeriodOut(Schema):
    from_: str = Field(..., alias="from")
    to: str
    from_jalali: str
    to_jalali: str


class ScopeOut(Schema):
    kind: str
    province: int | None
    county: int | None


class KpisOut(Schema):
    period: dict[str, str]
    scope: ScopeOut
    kpis: dict[str, int]
    beside: dict[str, int]


@router.get("", response={200: KpisOut, **ERRORS}, summary="شاخص‌ها برای یک دوره و محدوده")
def kpis(request: HttpRequest, params: Query[KpiQuery]):
    """Every KPI (kpis.md codes) for [from, to); money in integer rials, ``par30`` in
    basis points, ``resolutions_executed_pct`` in whole per cent. Without ``from`` and
    ``to``: the last five Jalali years. ``beside`` holds figures shown beside a KPI,
    never added (planned but unverified jobs)."""
    period = parse_period(params.from_, params.to)
    if params.province is not None and not Province.objects.filter(pk=params.province).exists():
        raise Http404
    area = area_for(request.user, province_id=params.province, county_id=params.county)
    values, beside = figures_and_beside(
        area=area, period=period, cache_for=dashboard_cache_seconds()
    )
    return {
        "period": period.as_dict(),
        "scope": {"kind": str(area.kind), "province": area.province_id, "county": area.county_id},
        "kpis": values,
        "beside": beside,
    }
