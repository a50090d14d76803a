"""The KPI API (``/api/v1/kpis``): every figure of reference/kpis.md for a period
and a scope, clamped to the caller's area (a county officer asking for the
province gets their county, never more; experts and fund managers, who work
by assignment, get 404)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_noop
from ninja import Field, Query, Router, Schema
from ninja.security import SessionAuth

from jahesh.accounts.models import ApiToken
from jahesh.accounts.roles import ScopeKind
from jahesh.accounts.scoping import Area, area_for, scope_kind
from jahesh.api.answers import json_response, json_text
from jahesh.api.auth import BearerToken
from jahesh.api.schemas import ERRORS, Id
from jahesh.core.prepared import riding
from jahesh.geo.models import Province
from jahesh.reports.facts import version_sql
from jahesh.reports.periods import Period, parse_period
from jahesh.reports.selectors import (
    cached_value,
    dashboard_cache_seconds,
    figures_and_beside,
    figures_key,
    one_data_version,
)

router = Router(tags=["reports"])

# A kept answer's key carries its area's data version, one more read after the
# reader's token or session: that read rides on the token's or session's own
# statement (core.prepared.riding), one round trip for both, for the area this
# reader's last request with the same place parameters answered (a guess: the
# version is used only when the request's area, computed as always, is that
# one; else it is read on its own). Readers: a token's hash, a session key's digest.
_areas: dict[tuple[str, str | None, str | None], Area] = {}
_AREAS_MAX = 10_000  # readers × place parameters; past it the memo starts again


def _ride_version(request: HttpRequest, reader: str, authenticate: Callable[[], Any]) -> Any:
    """``authenticate()``, with the data version of the area guessed for
    ``reader`` riding on its read (when answers are kept)."""
    if not dashboard_cache_seconds():
        return authenticate()
    key = (reader, request.GET.get("province"), request.GET.get("county"))
    request.jahesh_kpi_reader = key  # type: ignore[attr-defined]
    area = _areas.get(key)
    if area is None:
        return authenticate()
    with riding(*version_sql(area)) as ride:
        found = authenticate()
    if found is not None and ride.read:
        request.jahesh_version_read = (area, int(ride.value))  # type: ignore[attr-defined]
    return found


class _KpiBearer(BearerToken):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return _ride_version(
            request,
            "t" + ApiToken.hash(token),
            lambda: super(_KpiBearer, self).authenticate(request, token),
        )


class _KpiSession(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if not key:
            return super().authenticate(request, key)
        reader = "s" + hashlib.blake2s(key.encode(), digest_size=16).hexdigest()
        return _ride_version(
            request, reader, lambda: super(_KpiSession, self).authenticate(request, key)
        )


# The API's documentation names a security scheme by its class: the same two as every route.
_KpiBearer.__name__, _KpiSession.__name__ = BearerToken.__name__, SessionAuth.__name__


def _known_version(request: HttpRequest, area: Area) -> dict[Area, int]:
    """The data version that rode on this request's first read, if it is
    ``area``'s; ``area`` is remembered as this reader's next guess."""
    key = getattr(request, "jahesh_kpi_reader", None)
    if key is not None:
        if len(_areas) >= _AREAS_MAX:
            _areas.clear()
        _areas[key] = area
    read = getattr(request, "jahesh_version_read", None)
    return {area: read[1]} if read is not None and read[0] == area else {}


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
    "",
    response={200: KpisOut, **ERRORS},
    summary=gettext_noop("شاخص‌ها برای یک دوره و محدوده"),
    auth=[_KpiBearer(), _KpiSession()],
)
def kpis(request: HttpRequest, params: Query[KpiQuery]) -> HttpResponse:
    """Every KPI (kpis.md codes) for [from, to); money in integer rials, ``par30`` in
    basis points, ``resolutions_executed_pct`` in whole per cent. Without ``from`` and
    ``to``: the last five Jalali years. ``beside`` holds figures shown beside a KPI,
    never added (planned but unverified jobs)."""
    period = parse_period(params.from_, params.to)
    area = area_for(request.user, province_id=params.province, county_id=params.county)
    if (
        params.province is not None
        and params.province not in _known_provinces(request.user, area)
        and not Province.objects.filter(pk=params.province).exists()
    ):
        raise Http404
    cache_for = dashboard_cache_seconds()
    # The answer is kept as its JSON text, like the figures it holds (same key
    # parts, the area's data version): a kept answer is one cache read, neither
    # checked against KpisOut nor written as JSON again.
    with one_data_version(_known_version(request, area)):
        text = cached_value(
            figures_key("api-kpis", area, period),
            cache_for,
            lambda: json_text(request, KpisOut, _answer(area, period, cache_for)),
            area,
        )
    return json_response(text)


def _known_provinces(user: Any, area: Area) -> tuple[int | None, ...]:
    """Provinces known to exist without a read of their own: the reader's (their
    row's link) and a county officer's county's (``area_for`` read it). Asking
    for any other needs its read: an unknown province answers 404."""
    return (user.province_id, area.province_id if scope_kind(user) == ScopeKind.COUNTY else None)


def _answer(area: Area, period: Period, cache_for: int) -> dict[str, object]:
    values, beside = figures_and_beside(area=area, period=period, cache_for=cache_for)
    return {
        "period": period.as_dict(),
        "scope": {"kind": str(area.kind), "province": area.province_id, "county": area.county_id},
        "kpis": values,
        "beside": beside,
    }
