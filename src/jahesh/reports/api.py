"""The KPI API (``/api/v1/kpis``): every figure of reference/kpis.md for a period
and a scope, clamped to the caller's area (a county officer asking for the
province gets their county, never more; experts and fund managers, who work
by assignment, get 404)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_noop
from ninja import Field, Query, Router, Schema

from jahesh.accounts.scoping import Area, area_for
from jahesh.api.answers import json_response, json_text
from jahesh.api.schemas import ERRORS, Id
from jahesh.geo.models import Province
from jahesh.reports.periods import Period, parse_period
from jahesh.reports.selectors import (
    cached_value,
    dashboard_cache_seconds,
    figures_and_beside,
    figures_key,
)

router = Router(tags=["reports"])


class KpiQuery(Schema):
    from_: str = Field(
        "", alias="from", description=gettext_noop("آغاز دوره، ISO (YYYY-MM-DD)، شامل")
    )
    to: str = Field("", description=gettext_noop("پایان دوره، ISO (YYYY-MM-DD)، بدون خود روز"))
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


@router.get(
    "", response={200: KpisOut, **ERRORS}, summary=gettext_noop("شاخص‌ها برای یک دوره و محدوده")
)
def kpis(request: HttpRequest, params: Query[KpiQuery]) -> HttpResponse:
    """Every KPI (kpis.md codes) for [from, to); money in integer rials, ``par30`` in
    basis points, ``resolutions_executed_pct`` in whole per cent. Without ``from`` and
    ``to``: the last five Jalali years. ``beside`` holds figures shown beside a KPI,
    never added (planned but unverified jobs)."""
    period = parse_period(params.from_, params.to)
    if params.province is not None and not Province.objects.filter(pk=params.province).exists():
        raise Http404
    area = area_for(request.user, province_id=params.province, county_id=params.county)
    cache_for = dashboard_cache_seconds()
    # The answer is kept as its JSON text, like the figures it holds (same key
    # parts, the area's data version): a kept answer is one cache read, neither
    # checked against KpisOut nor written as JSON again.
    text = cached_value(
        figures_key("api-kpis", area, period),
        cache_for,
        lambda: json_text(request, KpisOut, _answer(area, period, cache_for)),
        area,
    )
    return json_response(text)


def _answer(area: Area, period: Period, cache_for: int) -> dict[str, object]:
    values, beside = figures_and_beside(area=area, period=period, cache_for=cache_for)
    return {
        "period": period.as_dict(),
        "scope": {"kind": str(area.kind), "province": area.province_id, "county": area.county_id},
        "kpis": values,
        "beside": beside,
    }
