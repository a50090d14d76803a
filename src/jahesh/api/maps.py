"""The one body of the map endpoints (``/api/v1/map/units``, ``…/projects``,
``…/camps``): each app declares its route, its filters and its GeoJSON (a
selector over ``core.mapdata``); the module check, the scoped records chosen by
the list's filters and the response are here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from jahesh.accounts.scoping import api_require_module
from jahesh.api.schemas import Filters
from jahesh.core import mapdata


def map_layer(
    request: HttpRequest,
    filters: Filters,
    *,
    module: str,
    records: Callable[..., QuerySet[Any]],
    geojson: Callable[[QuerySet[Any]], str],
    exclude: frozenset[str] = frozenset(),
) -> HttpResponse:
    """The records of ``module`` the caller may see, chosen by the list's
    ``filters`` (``records``: the list's scoped selector; ``exclude``: the
    filters that are the map's own), as compact GeoJSON (``geojson``), gzipped
    when the client accepts it (``mapdata.geojson_response``)."""
    api_require_module(request.user, module)
    qs = records(user=request.user, **filters.selection(exclude=exclude))
    return mapdata.geojson_response(request, geojson(qs))
