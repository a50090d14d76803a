"""Points on a map as compact GeoJSON, whole or gathered in grid cells by zoom:
what the map endpoints of units, projects and camps share (issue 17).

Every function takes a queryset the caller has ALREADY scoped (``scoped()`` or a
selector built on it) of a model with nullable ``latitude``/``longitude``
columns, and a ``code``: an expression whose value is the one letter a marker
needs (its colour), the larger the more urgent, so a cluster takes its worst
member's code through ``Max``. Features are written as text from
``values_list`` rows (no model instances, no schema per feature): 90,000 points
are one query and a few MB.

Clustering (``clustered``) is one ``GROUP BY`` on the grid cell in SQL: a cell
is ``CELL_PX`` screen pixels at the asked zoom (Web Mercator tiles of 256 px:
``360 / 256 / 2**zoom`` degrees of longitude a pixel), the same size in
latitude (near enough at Iran's latitudes for a marker grid). A cell holding one
point is answered as that point's feature (its id), so a sparse view shows
records, not clusters of one.
"""

from __future__ import annotations

import gzip
import math
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import (
    Avg,
    Count,
    Expression,
    F,
    FloatField,
    Max,
    Min,
    QuerySet,
)
from django.db.models.functions import Cast, Floor
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from jahesh.core.errors import InvalidInput
from jahesh.core.models import MAP_PLACE

# Below this zoom a view with many points is answered as clusters.
CLUSTER_BELOW_ZOOM = 12
# A view holding at most this many points is answered point by point at any zoom
# (the browser clusters a few thousand itself without effort).
CLUSTER_AT_LEAST = 2000
# A cluster cell's side on the screen.
CELL_PX = 64

_POINT = '{{"type":"Feature","id":{},"geometry":{{"type":"Point","coordinates":[{:.5f},{:.5f}]}},"properties":{{"{}":"{}"}}}}'
_CLUSTER = '{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{:.5f},{:.5f}]}},"properties":{{"n":{},"{}":"{}"}}}}'


class View(NamedTuple):
    """What the map shows: its zoom and its box (degrees, west/south/east/north)."""

    zoom: int
    west: float
    south: float
    east: float
    north: float


def parse_view(zoom: int | None, bbox: str) -> View | None:
    """The view a client asked for, or ``None`` (the whole collection) when it gave
    no zoom; a bad box is refused on its field."""
    if zoom is None:
        return None
    if not bbox:
        return View(zoom, -180.0, -90.0, 180.0, 90.0)
    try:
        west, south, east, north = (float(part) for part in bbox.split(","))
    except ValueError:
        raise InvalidInput(
            _("محدوده باید چهار عدد باشد: غرب، جنوب، شرق، شمال"), field="bbox"
        ) from None
    if not all(map(math.isfinite, (west, south, east, north))) or west > east or south > north:
        raise InvalidInput(_("محدوده باید چهار عدد باشد: غرب، جنوب، شرق، شمال"), field="bbox")
    return View(zoom, max(west, -180.0), max(south, -90.0), min(east, 180.0), min(north, 90.0))


def check_pair(latitude: Decimal | None, longitude: Decimal | None) -> None:
    """A place on the map is both coordinates or neither."""
    if (latitude is None) != (longitude is None):
        raise InvalidInput(
            _("عرض و طول جغرافیایی با هم لازم‌اند؛ هر دو را بنویسید یا هر دو را خالی بگذارید."),
            field="longitude" if longitude is None else "latitude",
        )


def locate(record: Any, *, latitude: Decimal | None, longitude: Decimal | None) -> None:
    """Set, move or clear a record's place on the map (a project's, a camp's: any
    model with ``latitude``/``longitude``, ``updated_at`` and a history): both
    coordinates or neither (:func:`check_pair`), written as one history entry."""
    check_pair(latitude, longitude)
    record.latitude, record.longitude = latitude, longitude
    record._change_reason = MAP_PLACE
    record.save(update_fields=["latitude", "longitude", "updated_at"])


def synthetic_position(county_id: int, seed: int) -> tuple[Decimal, Decimal]:
    """FOR DEMO AND BENCHMARK DATA ONLY. Geo keeps no coordinates, so generated
    records (the demo's and ``generate_nation``'s projects and camps) get a made-up
    but stable position: their county's point, spread by its id over Iran's box
    (25–39.7 N, 44–63.3 E), and within ±0.15° of it by ``seed`` (the record's
    village). Draws nothing from a random generator, so the scenarios' figures do
    not move."""
    lat = 25 + (county_id * 7919) % 1470 / 100 + ((seed * 2654435761) % 3001 - 1500) / 10_000
    lon = 44 + (county_id * 104729) % 1930 / 100 + ((seed * 40503) % 3001 - 1500) / 10_000
    return Decimal(f"{lat:.6f}"), Decimal(f"{lon:.6f}")


def _located(qs: QuerySet, view: View | None) -> QuerySet:
    qs = qs.filter(latitude__isnull=False, longitude__isnull=False).order_by()
    if view is not None:
        qs = qs.filter(
            longitude__gte=Decimal(f"{view.west:.6f}"),
            longitude__lte=Decimal(f"{view.east:.6f}"),
            latitude__gte=Decimal(f"{view.south:.6f}"),
            latitude__lte=Decimal(f"{view.north:.6f}"),
        )
    # Floats from the database: Decimal conversion was two thirds of the time.
    located: QuerySet = qs.annotate(
        _x=Cast("longitude", FloatField()), _y=Cast("latitude", FloatField())
    )
    return located


def _collection(parts: Iterable[str], extra: str = "") -> str:
    return '{"type":"FeatureCollection"' + extra + ',"features":[' + ",".join(parts) + "]}"


def feature_collection(
    qs: QuerySet,
    *,
    key: str,
    code: Expression | F,
    letters: dict[Any, str],
    view: View | None = None,
) -> str:
    """Every located row of ``qs`` (within ``view`` when given) as a Point whose id
    is the row's id and whose one property ``key`` is ``letters[code]``."""
    rows = _located(qs, view).annotate(_c=code).values_list("id", "_x", "_y", "_c")
    return _collection(
        _POINT.format(pk, x, y, key, letters.get(c, "n"))
        for pk, x, y, c in rows.iterator(chunk_size=5000)
    )


def clustered(
    qs: QuerySet, *, key: str, code: Expression | F, letters: dict[Any, str], view: View
) -> str:
    """The located rows of ``qs`` within ``view``: point by point at or above
    ``CLUSTER_BELOW_ZOOM`` or when few, else one feature per grid cell with its
    count ``n``, its worst ``key`` and its members' mean position (a cell of one
    is that row's own feature). ``"clustered"`` says which was answered."""
    if view.zoom >= CLUSTER_BELOW_ZOOM:
        return feature_collection(qs, key=key, code=code, letters=letters, view=view)
    cell = 360.0 * CELL_PX / 256 / 2**view.zoom
    cells = list(
        _located(qs, view)
        .annotate(_gx=Floor(F("_x") / cell), _gy=Floor(F("_y") / cell))
        .values("_gx", "_gy")
        .annotate(_n=Count("id"), _mx=Avg("_x"), _my=Avg("_y"), _c=Max(code), _one=Min("id"))
        .values_list("_n", "_mx", "_my", "_c", "_one")
    )
    # Grouping first and counting from the groups spares a second scan on the
    # national view; a view of few points is then read again, point by point.
    if sum(n for n, *_ in cells) <= CLUSTER_AT_LEAST:
        return feature_collection(qs, key=key, code=code, letters=letters, view=view)
    parts = [
        _POINT.format(one, x, y, key, letters.get(c, "n"))
        if n == 1
        else _CLUSTER.format(x, y, n, key, letters.get(c, "n"))
        for n, x, y, c, one in cells
    ]
    return _collection(parts, f',"clustered":true,"zoom":{view.zoom}')


def geojson_response(request: HttpRequest, body: str) -> HttpResponse:
    """``body`` as application/geo+json, gzipped when the client accepts it. The
    country is ~10 MB of repetitive text and ~1 MB gzipped; nothing secret or
    reflected is in it (no BREACH), so it is compressed here whatever the proxy in
    front does."""
    data = body.encode()
    response = HttpResponse(content_type="application/geo+json")
    response["Vary"] = "Accept-Encoding, Cookie, Authorization"
    if len(data) > 1024 and "gzip" in request.headers.get("Accept-Encoding", ""):
        data = gzip.compress(data, compresslevel=5, mtime=0)
        response["Content-Encoding"] = "gzip"
    response.content = data
    return response
