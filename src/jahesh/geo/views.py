"""HTMX fragments for forms: the <option> lists of a dependent select
(province → counties, county → villages/cities)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from jahesh.accounts import places as place_reads

# A county has up to ~1,900 villages; beyond this many the list asks for a few letters.
PLACE_OPTIONS_LIMIT = 500


def _id_param(request: HttpRequest, default: str) -> int | None:
    """The id sent under ``field`` (a form's own, possibly prefixed, field name)
    or under ``default``."""
    value = request.GET.get(request.GET.get("field") or default, "")
    return int(value) if value.strip().isdigit() else None


@login_required
@require_GET
def county_options(request: HttpRequest) -> HttpResponse:
    """``<option>``s of the counties the user may choose, of ``province`` when given."""
    counties = place_reads.county_options(
        user=request.user, province_id=_id_param(request, "province")
    )
    return render(request, "geo/partials/county_options.html", {"counties": counties})


@login_required
@require_GET
def place_options(request: HttpRequest) -> HttpResponse:
    """``<option>``s of a county's villages and/or cities (``kind`` = village, city
    or all; with ``all`` the values are ``city:ID`` / ``village:ID``), matching ``q``."""
    kind = request.GET.get("kind", "all")
    if kind not in ("village", "city", "all"):
        kind = "all"
    places = place_reads.place_options(
        user=request.user,
        county_id=_id_param(request, "county"),
        kind=kind,
        q=request.GET.get("q"),
        limit=PLACE_OPTIONS_LIMIT,
    )
    return render(request, "geo/partials/place_options.html", {"kind": kind, **places})
