"""HTMX fragments for forms: the <option> lists of a dependent select
(province → counties, county → villages/cities); and the closures page of the
working-day calendar (admins)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jahesh.accounts import places as place_reads
from jahesh.accounts.scoping import get_scoped_or_404
from jahesh.core.pages import form_page, page_of, submit
from jahesh.geo import services
from jahesh.geo.forms import ClosureForm
from jahesh.geo.models import Closure

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


# --- Closures (the working-day calendar) -----------------------------------------


def _closure_admin(request: HttpRequest) -> None:
    if not place_reads.is_calendar_admin(request.user):
        raise PermissionDenied(_("تعطیلی‌ها را فقط مدیر سامانه ثبت یا حذف می‌کند."))


@login_required
@require_http_methods(["GET", "POST"])
def closure_list(request: HttpRequest) -> HttpResponse:
    """Closures of the country and the provinces: list, add (admin only)."""
    _closure_admin(request)
    form = ClosureForm(request.POST or None)
    return submit(
        request,
        form,
        lambda d: services.closure_add(on=d["on"], province=d["province"], reason=d["reason"]),
        message=_("روز تعطیل ثبت شد."),
        done=lambda _result: redirect("geo:closures"),
    ) or form_page(
        request,
        "geo/closures.html",
        {
            "form": form,
            "page_obj": page_of(request, place_reads.closure_list(user=request.user), 50),
        },
    )


@login_required
@require_POST
def closure_remove(request: HttpRequest, pk: int) -> HttpResponse:
    _closure_admin(request)
    closure = get_scoped_or_404(request.user, Closure, pk=pk)
    services.closure_remove(closure=closure)
    messages.success(request, _("تعطیلی حذف شد."))
    return redirect("geo:closures")
