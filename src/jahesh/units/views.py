"""Pages of production units: list, detail (a timeline), forms, watch list,
import and export. Every read goes through ``scoped()``; a unit outside the
user's scope is a 404."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jahesh.accounts.roles import Module
from jahesh.accounts.scoping import (
    COUNTRY,
    Area,
    area_for,
    can_use_module,
    module_record_or_404,
    module_required,
)
from jahesh.core.history import history_entries
from jahesh.core.pages import form_page, submit, submit_back
from jahesh.core.tabular import (
    Column,
    import_page,
    table_response,
    write_template,
    xlsx_response,
)
from jahesh.reports import selectors as report_selectors
from jahesh.reports.pagecache import kept_page
from jahesh.units import forms, importers, selectors, services
from jahesh.units.models import Unit, VisitPhoto
from jahesh.units.panels import panels_for

PAGE_SIZE = 25
COUNT_CAP = 10_000
EXPORT_LIMIT = 200_000


class CappedPaginator(Paginator):
    """Counts at most ``COUNT_CAP + 1`` rows (a COUNT over a LIMITed subquery),
    so the list answers as fast at 100,000 units as at 1,000; beyond the cap
    the page says «بیش از ۱۰٬۰۰۰» and asks for a narrower filter."""

    object_list: QuerySet[Any]  # always a queryset here: count() orders and slices it

    @cached_property
    def count(self) -> int:
        # No ordering and no joins inside the capped subquery: only ids are counted.
        return self.object_list.order_by().values("pk")[: COUNT_CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP


def _unit(request: HttpRequest, pk: int) -> Unit:
    return module_record_or_404(
        request.user, Module.UNITS, Unit.objects.select_related("county", "city", "village"), pk=pk
    )


# --- List, export, watch list -------------------------------------------------------


@module_required(Module.UNITS)
@require_GET
@kept_page
def unit_list(request: HttpRequest) -> HttpResponse:
    """The whole page is kept per reader's scope (``reports.pagecache``). The filter bar and the page of results are rendered once per reader's scope,
    query and language and kept in the cache (``reports.selectors.cached_html``:
    the key carries the data version of the reader's area, which every write to a
    unit inside it moves, and a write elsewhere leaves; the list shows only units
    of that area and their counties). Not cached for roles scoped by assignment
    (their units hang on cases and experts)."""
    scope = report_selectors.scope_cache_key(request.user)
    # The reader's area is their scope (area_for with nothing asked), the records
    # the list may show; roles without one have no scope key and are not cached.
    area = area_for(request.user) if scope else COUNTRY
    with report_selectors.one_data_version():  # two cached reads, one version query
        return _unit_list_page(request, scope, area)


def _unit_list_page(request: HttpRequest, scope: str | None, area: Area) -> HttpResponse:
    query = request.GET.urlencode()
    body = report_selectors.cached_html(
        f"units:list:{scope}:{report_selectors.query_digest(query)}",
        report_selectors.dashboard_cache_seconds() if scope else 0,
        lambda: render_to_string("units/partials/unit_list_body.html", _list_context(request), request),
        area,
    )  # fmt: skip
    return render(request, "units/unit_list.html", {
        "body_html": body, "query": query,
        # the reader's counties (geography): the same for everyone of the scope
        "can_create": report_selectors.cached_value(
            f"units:can-create:{scope}", report_selectors.dashboard_cache_seconds() if scope else 0,
            lambda: selectors.unit_writable_counties(request.user).exists(), area,
        ),
    })  # fmt: skip


def _list_context(request: HttpRequest) -> dict[str, Any]:
    filter_form = forms.UnitFilterForm(request.GET or None, user=request.user)
    qs = selectors.unit_list(user=request.user, **filter_form.filters())
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return {"filter_form": filter_form, "page_obj": page, "cap": COUNT_CAP}


@module_required(Module.UNITS)
@require_GET
def unit_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("xlsx", "csv"):
        raise Http404
    filter_form = forms.UnitFilterForm(request.GET or None, user=request.user)
    qs = selectors.unit_list(user=request.user, **filter_form.filters())[:EXPORT_LIMIT]
    rows = importers.export_rows(qs.iterator(chunk_size=2000))
    return table_response(
        importers.export_columns(), rows, fmt=fmt, name="units", sheet_title=_("واحدهای تولیدی")
    )


@module_required(Module.UNITS)
@require_GET
def watchlist(request: HttpRequest) -> HttpResponse:
    can_exclude = selectors.can_exclude_open_cases()
    filter_form = forms.WatchFilterForm(
        request.GET or None, user=request.user, can_exclude=can_exclude
    )
    qs = selectors.watchlist(user=request.user, **filter_form.filters())
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    drivers = selectors.latest_drivers(unit_ids=[u.pk for u in page.object_list])
    for unit in page.object_list:
        unit.drivers = drivers.get(unit.pk, [])
    return render(
        request,
        "units/watchlist.html",
        {"filter_form": filter_form, "page_obj": page, "cap": COUNT_CAP},
    )


# --- Detail -----------------------------------------------------------------------------


def _detail_context(request: HttpRequest, unit: Unit, **bound: Any) -> dict[str, Any]:
    risk = (
        selectors.unit_risk_at(unit=unit, when=unit.risk_assessed_on)
        if unit.risk_assessed_on
        else None
    )
    history = selectors.unit_risk_history(unit=unit)
    return {
        "unit": unit,
        "risk": risk,
        "timeline": selectors.unit_timeline(unit=unit),
        "panels": panels_for(request, unit),
        "history": history_entries(unit),
        "chart": {"labels": [r.assessed_on for r in history], "values": [r.score for r in history]},
        "status_form": bound.get("status_form")
        or forms.StatusForm(moves=services.UNIT_FLOW.move_choices(unit, request.user)),
        "open_form": next(iter(bound), ""),
    }


@login_required
@require_GET
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit(request, pk)
    return render(request, "units/unit_detail.html", _detail_context(request, unit))


@login_required
@require_POST
def unit_status(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit(request, pk)
    form = forms.StatusForm(request.POST, moves=services.UNIT_FLOW.move_choices(unit, request.user))
    return submit(
        request,
        form,
        lambda d: services.unit_change_status(
            unit=unit,
            to_status=d["to_status"],
            reason=d["reason"],
            changed_on=d["changed_on"],
            user=request.user,
        ),
        message=_("وضعیت واحد ثبت شد."),
        done=lambda _result: redirect("units:detail", pk=unit.pk),
        model_errors=True,
    ) or render(
        request,
        "units/unit_detail.html",
        _detail_context(request, unit, status_form=form),
        status=422,
    )


# --- Create and edit ---------------------------------------------------------------------


@module_required(Module.UNITS)
@require_http_methods(["GET", "POST"])
def unit_create(request: HttpRequest) -> HttpResponse:
    form = forms.UnitForm(request.POST or None, user=request.user)
    return submit(
        request,
        form,
        lambda data: services.unit_create(user=request.user, **data),
        message=lambda unit: _("واحد «%(name)s» ثبت شد.") % {"name": unit.name},
        done=lambda unit: redirect("units:detail", pk=unit.pk),
        model_errors=True,
    ) or form_page(request, "units/unit_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit(request, pk)
    initial = {name: getattr(unit, name) for name in services.UNIT_EDIT_FIELDS}
    form = forms.UnitForm(request.POST or None, initial=initial, user=request.user, editing=True)
    return _unit_form(
        request,
        unit,
        form,
        "units/unit_form.html",
        lambda data: services.unit_update(unit=unit, user=request.user, **data),
        _("تغییرات ذخیره شد."),
    )


def _unit_form(
    request: HttpRequest,
    unit: Unit,
    form: Any,
    template: str,
    action: Callable[[dict[str, Any]], Any],
    message: Any,
) -> HttpResponse:
    """A form about one unit: done, its page again with ``message``."""
    return submit_back(
        request,
        form,
        action,
        message=message,
        to="units:detail",
        pk=unit.pk,
        again=lambda: form_page(request, template, {"form": form, "unit": unit}),
        model_errors=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
def visit_create(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit(request, pk)
    form = forms.VisitForm(request.POST or None, request.FILES or None)
    return _unit_form(
        request,
        unit,
        form,
        "units/visit_form.html",
        lambda _data: services.visit_create(
            unit=unit,
            user=request.user,
            photos=request.FILES.getlist("photos"),
            **form.service_fields(),
        ),
        _("بازدید ثبت شد و ریسک واحد دوباره سنجیده شد."),
    )


# --- Import ----------------------------------------------------------------------------------
# Upload → preview (a dry run of the whole file) → confirm (the same file, kept
# by ``core.tabular.uploads`` for this user's session) → the report.


@module_required(Module.UNITS)
@require_http_methods(["GET", "POST"])
def unit_import(request: HttpRequest, kind: str = "units") -> HttpResponse:
    importer = importers.import_units if kind == "units" else importers.import_visits
    return import_page(
        request,
        stash_kind=f"units:{kind}",
        run=lambda path, filename, dry_run: importer(
            path, filename, dry_run=dry_run, user=request.user
        ),
        columns=_columns(kind),
        template="units/import.html",
        context={"kind": kind},
        job_kind=kind,
    )


def _columns(kind: str) -> list[Column]:
    return importers.unit_columns(None) if kind == "units" else importers.visit_columns(None)


@module_required(Module.UNITS)
@require_GET
def import_template(request: HttpRequest, kind: str = "units") -> HttpResponse:
    name = "units-template.xlsx" if kind == "units" else "visits-template.xlsx"
    return xlsx_response(write_template(_columns(kind)), name)


# --- Photos, the field app, the visit plan, the map (issue 17) -------------------


@login_required
@require_GET
def photo(request: HttpRequest, pk: int) -> FileResponse:
    """A visit's photo, served only to users who may see its unit (media files
    are not public)."""
    item = module_record_or_404(request.user, Module.UNITS, VisitPhoto, pk=pk)
    try:
        handle = item.image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _field_texts() -> dict[str, str]:
    """What field.js writes on the page, translated here (the app has no server
    round trip offline)."""
    return {
        "waiting": _("در انتظار ارسال"),
        "sending": _("در حال ارسال…"),
        "sent": _("ارسال شد"),
        "conflict": _("ناسازگاری"),
        "left_scope": _(
            "این واحد دیگر در حوزهٔ شما نیست یا حذف شده است؛ بازدید روی گوشی نگه داشته شد."
        ),
        "offline": _("بدون اینترنت: بازدیدها روی گوشی می‌مانند و با برگشتن اینترنت فرستاده می‌شوند."),
        "online": _("متصل"),
        "offline_badge": _("بدون اینترنت"),
        "record": _("ثبت بازدید"),
        "send_anyway": _("باز هم بفرست"),
        "discard": _("کنار بگذار"),
        "no_units": _("این هفته واحدی برای بازدید ندارید."),
        "last_visit": _("آخرین بازدید"),
        "never": _("هرگز"),
        "overdue": _("عقب افتاده"),
        "due": _("سررسید"),
        "km": _("کیلومتر"),
        "m": _("متر"),
        "position_wait": _("در حال گرفتن موقعیت…"),
        "position_none": _("موقعیت در دسترس نیست؛ بازدید بدون موقعیت ثبت می‌شود."),
        "accuracy": _("دقت"),
        "distance": _("فاصله تا واحد"),
        "far": _("دور از واحد؛ برای سرپرست علامت می‌خورد."),
        "saved": _("بازدید روی گوشی ذخیره شد."),
        "photos": _("عکس"),
        "updated": _("فهرست به‌روز شد"),
    }


@module_required(Module.UNITS)
@require_GET
def field_app(request: HttpRequest) -> HttpResponse:
    """The field app's one page (a PWA: manifest and service worker beside it);
    field.js fills it from the API and, offline, from what it kept on the phone."""
    return render(
        request,
        "units/field/app.html",
        {"texts": _field_texts(), "far_m": settings.JAHESH_VISIT_FAR_M},
    )


@require_GET
def field_manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest (public: the browser fetches it without cookies)."""
    body = render_to_string("units/field/manifest.webmanifest", request=request)
    return HttpResponse(body, content_type="application/manifest+json")


# The static files the field app keeps on the phone (its shell, beside the page).
FIELD_SHELL = (
    "vendor/vazirmatn/Vazirmatn-Variable-font-face.css",
    "vendor/vazirmatn/fonts/webfonts/Vazirmatn[wght].woff2",
    "vendor/bootstrap/css/bootstrap.rtl.min.css",
    "vendor/bootstrap-icons/font/bootstrap-icons.min.css",
    "vendor/bootstrap-icons/font/fonts/bootstrap-icons.woff2",
    "css/jahesh.css",
    "units/css/field.css",
    "units/js/field.js",
    "img/favicon.svg",
)


@functools.cache
def field_shell_version() -> str:
    """A digest of the shell's files. The worker's cache is named after it, so a
    release that changes any of them changes the worker's bytes: phones install
    the new worker, which fetches the new files and drops the old cache (static
    URLs carry no hash of their own here)."""
    digest = hashlib.blake2s(digest_size=6)
    for path in FIELD_SHELL:
        found = finders.find(path)
        digest.update(Path(found).read_bytes() if found else path.encode())
    return digest.hexdigest()


@require_GET
def field_service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served from the app's own path so its scope is the
    app; a template, so it names the static files with their URLs."""
    body = render_to_string(
        "units/field/sw.js",
        {"shell": FIELD_SHELL, "version": field_shell_version()},
        request=request,
    )
    response = HttpResponse(body, content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    return response


@module_required(Module.UNITS)
@require_GET
def visit_plan(request: HttpRequest) -> HttpResponse:
    """The headquarters' view of the visit plan: overdue and due-this-week counts
    per county (units.selectors.visits_due)."""
    today = timezone.localdate()
    rows = selectors.visits_overdue_by_county(user=request.user, today=today)
    return render(
        request,
        "units/visit_plan.html",
        {
            "rows": rows,
            "total_overdue": sum(r["overdue"] for r in rows),
            "total_week": sum(r["week"] for r in rows),
            "every": selectors.visit_every_days(),
        },
    )


@module_required(Module.UNITS)
@require_GET
def unit_map(request: HttpRequest) -> HttpResponse:
    """Units on a map, coloured by risk, clustered (units/js/map.js reads
    /api/v1/map/units with the page's filters)."""
    filter_form = forms.UnitFilterForm(request.GET or None, user=request.user)
    for name in ("q", "status", "isic_section", "size", "order"):
        del filter_form.fields[name]  # the map filters by county, sector and risk
    wanted = {k: v for k, v in filter_form.filters().items() if v and k != "order"}
    keys: tuple[str, ...] = ("county_id", "sector", "risk_level")
    query = urlencode({k: wanted[k] for k in keys if k in wanted})
    county = urlencode({"county_id": wanted["county_id"]}) if "county_id" in wanted else ""
    # Projects and camps are layers of this map for those who may read them; their
    # apps sit above units, so only their URLs are named here.
    layers: dict[str, str] = {}
    if can_use_module(request.user, Module.PROJECTS):
        layers["projects_api"] = "/api/v1/map/projects" + (f"?{county}" if county else "")
        layers["project_url"] = reverse("projects:detail", args=[0])
    if can_use_module(request.user, Module.VOLUNTEERS):
        layers["camps_api"] = "/api/v1/map/camps" + (f"?{county}" if county else "")
        layers["camp_url"] = reverse("volunteers:camp_detail", args=[0])
    return render(
        request,
        "units/map.html",
        {
            "filter_form": filter_form,
            "tile_url": settings.JAHESH_MAP_TILE_URL,
            "api_url": "/api/v1/map/units" + (f"?{query}" if query else ""),
            **layers,
        },
    )
