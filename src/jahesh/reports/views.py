"""Dashboard, drill-downs, exports and the narrative report.

Every figure comes from the KPI registry (``jahesh.reports.kpis``); the
records behind a figure come from its records selector and then
``scoped()``, so a viewer, who reads figures only, gets a clear page instead
of records, and a county officer never sees another county's.
"""

from __future__ import annotations

from html import escape
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jahesh.accounts.roles import Module
from jahesh.accounts.scoping import require_module
from jahesh.core.jalali import format_jalali, jalali_today
from jahesh.core.tabular import (
    Column,
    table_response,
    xlsx_response,
)
from jahesh.reports import display, narrative, panels, selectors
from jahesh.reports.exports import (
    counties_columns,
    counties_rows,
    figures_columns,
    figures_rows,
    figures_workbook,
)
from jahesh.reports.figures import kpi_beside, kpi_value
from jahesh.reports.forms import FiguresForm
from jahesh.reports.kpis import HEADLINE_CODES, KPI_LIST, KPIS, Kpi, record_value
from jahesh.reports.pagecache import kept_page

PAGE_SIZE = 25
EXPORT_LIMIT = 200_000
# One cell of the dashboard's table by place, joined in Python: a country table
# is 31 × 19 cells, and as template nodes they were half of the page's nodes.
# The cells carry no classes: the table's ``jh-grid`` styles them (jahesh.css),
# which took a Markazi dashboard from 88 to 74 KB.
CELL = '<td><a href="{}">{}</a></td>'
PLAIN_CELL = "<td>{}</td>"  # no link: the role may not open the records


def _cells_html(cells: list[tuple[Kpi, str, str | None]]) -> SafeString:
    """The row's cells, escaped as the template escaped them (``html.escape``,
    which Django's ``escape`` is; format_html per cell cost twice as much)."""
    return mark_safe("".join(
        CELL.format(escape(href), escape(text)) if href else PLAIN_CELL.format(escape(text))
        for _k, text, href in cells
    ))  # fmt: skip


def _picked(request: HttpRequest) -> tuple[FiguresForm, Any, Any]:
    require_module(request.user, Module.DASHBOARD)
    form = FiguresForm(request.GET or None, user=request.user)
    period, area = form.resolved()
    return form, period, area


def _query(request: HttpRequest, *drop: str) -> str:
    params = request.GET.copy()
    for key in ("page", *drop):
        params.pop(key, None)
    return params.urlencode()


def _kpi(code: str) -> Kpi:
    try:
        return KPIS[code]
    except KeyError:
        raise Http404 from None


# --- Dashboard --------------------------------------------------------------------


@login_required
@require_GET
@kept_page
def dashboard(request: HttpRequest) -> HttpResponse:
    """The whole page is kept per reader's scope (``reports.pagecache``); the figures (cards, trends, table by place) and the widgets are each
    rendered once and kept in the cache (``selectors.cached_html``): the figures
    per area, period, links (the query and the figures the role may open) and
    language; the widgets per reader's scope and county. Both keys carry the data
    version, so a write shows on the next read, and the area, so two counties
    never share one."""
    form, period, area = _picked(request)
    cached = selectors.dashboard_cache_seconds()
    query = _query(request)
    may = {kpi.code: selectors.may_read_records(request.user, kpi) for kpi in KPI_LIST}
    opens = "".join("1" if may[kpi.code] else "0" for kpi in KPI_LIST)
    scope = selectors.scope_cache_key(request.user)
    with selectors.one_data_version():  # the cached reads share one version query
        # The picker's choices are the reader's places (scope) and years (today):
        # no source records, so it shares the figures' version (one query).
        picker_html = selectors.cached_html(
            f"picker:{scope}:{jalali_today()}:{selectors.query_digest(request.GET.urlencode())}",
            cached if scope else 0,
            lambda: render_to_string("reports/partials/picker.html", {"form": form}, request),
            area,
        )
        figures_html = selectors.cached_html(
            f"dashboard:{area.province_id}:{area.county_id}:{period.start}:{period.end}:"
            f"{opens}:{selectors.query_digest(query)}",
            cached,
            lambda: render_to_string(
                "reports/partials/dashboard_figures.html",
                _figures_context(request, period=period, area=area, may=may, query=query),
                request,
            ),
            area,
        )
        widgets_html = selectors.cached_html(
            f"dashboard-widgets:{scope}:{area.province_id}:{area.county_id}",
            cached if scope else 0,
            lambda: render_to_string(
                "reports/partials/dashboard_widgets.html",
                {"widgets": selectors.dashboard_widgets(user=request.user, area=area)},
                request,
            ),
            area,
        )
        # What apps above reports add below the figures (portal: satisfaction by
        # county, kept like the figures: its table moves the data version).
        sections = panels.dashboard_sections(request=request, area=area, period=period)
    return render(request, "reports/dashboard.html", {
        "form": form, "period": period, "area": area, "query": query,
        "picker_html": picker_html, "figures_html": figures_html, "widgets_html": widgets_html,
        "sections": sections,
    })  # fmt: skip


def _figures_context(
    request: HttpRequest, *, period: Any, area: Any, may: dict[str, bool], query: str
) -> dict[str, Any]:
    """What the dashboard's figures fragment shows (computed only when it is not cached)."""
    cached = selectors.dashboard_cache_seconds()  # the KPI API shares these figures
    values, beside = selectors.figures_and_beside(area=area, period=period, cache_for=cached)
    # One reverse() per figure, not per card or cell (a country table has 31 × 19
    # cells); no link to a drill-down the role may not open (its records are not the
    # role's).
    drill = {kpi.code: f"{reverse('reports:drilldown', args=[kpi.code])}?{query}"
             for kpi in KPI_LIST if may[kpi.code]}  # fmt: skip
    cards = [
        {
            "kpi": kpi,
            "href": drill.get(kpi.code),
            "value": values[kpi.code],
            "text": display.card_value(kpi, values[kpi.code]),
            "exact": display.cell_value(kpi, values[kpi.code]),
            "module_ok": may[kpi.code],
        }
        for kpi in sorted(KPI_LIST, key=lambda k: not k.headline)  # the article's figures first
    ]
    years, series = selectors.trend_by_year(
        area=area, period=period, codes=HEADLINE_CODES, cache_for=cached
    )
    charts = [
        {"code": code, "name": str(KPIS[code].name_fa), "unit": KPIS[code].unit,
         "years": [str(y) for y in years], "values": series[code]}
        for code in HEADLINE_CODES
    ]  # fmt: skip
    table = selectors.county_table(area=area, period=period, cache_for=cached)
    rows, show_all = _table_rows(table, drill), request.GET.get("all") == "1"
    shown = rows if show_all else [row for row in rows if not row["all_zero"]]
    return {
        "period": period, "area": area, "area_label": selectors.area_label(area),
        "cards": cards, "beside": beside, "charts": charts, "table_rows": shown,
        "hidden_rows": len(rows) - len(shown), "show_all": show_all,
        "zero_rows": sum(row["all_zero"] for row in rows), "query_but_all": _query(request, "all"),
        "kpis": KPI_LIST, "query": query, "computed_at": timezone.now(),
        # Figures that differ from their published snapshot (an app above reports
        # tells, reports.panels); kept with the figures, so at most
        # JAHESH_DASHBOARD_CACHE_SECONDS behind a publication.
        "published": panels.published_changes(area=area, period=period, values=values),
    }  # fmt: skip


def _table_rows(table: list[dict[str, Any]], drill: dict[str, str]) -> list[dict[str, Any]]:
    """The table by place: each row's cells (figure, text, link) and their HTML."""
    rows = []
    for row in table:
        place = ("county" if row["area"].county_id is not None else "province", row["place"].pk)
        cells = [
            (kpi, display.cell_value(kpi, row["values"][kpi.code]),
             f"{drill[kpi.code]}&{place[0]}={place[1]}" if kpi.code in drill else None)
            for kpi in KPI_LIST
        ]  # fmt: skip
        rows.append({
            "place": row["place"], "is_county": place[0] == "county", "cells": cells,
            "cells_html": _cells_html(cells),
            # A place with nothing in the period: left out of the table unless asked for
            # (a country table was thirty provinces of zeros).
            "all_zero": not any(row["values"][kpi.code] for kpi in KPI_LIST),
        })  # fmt: skip
    return rows


# --- Drill-down ---------------------------------------------------------------------


@login_required
@require_GET
def drilldown(request: HttpRequest, code: str) -> HttpResponse:
    kpi = _kpi(code)
    form, period, area = _picked(request)
    value = kpi_value(kpi.code, area=area, start=period.start, end=period.end)
    context = {
        "kpi": kpi, "form": form, "period": period, "area": area,
        "area_label": selectors.area_label(area), "value": value,
        "value_text": display.card_value(kpi, value), "query": _query(request),
        "published": panels.published_changes(area=area, period=period, values={kpi.code: value}),
    }  # fmt: skip
    if not selectors.may_read_records(request.user, kpi):
        return render(request, "reports/figures_only.html", context, status=403)
    records = selectors.drilldown_records(user=request.user, kpi=kpi, area=area, period=period)
    page = Paginator(records.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for record in page.object_list:
        cells = []
        for column in kpi.columns:
            link = None
            if column.link:
                link = reverse(column.link[0], args=[record_value(record, column.link[1])])
            cells.append(
                {"column": column, "value": record_value(record, column.attr), "link": link}
            )
        rows.append(cells)
    context.update({"page_obj": page, "rows": rows, "hidden": records.hidden})
    return render(request, "reports/drilldown.html", context)


def _drill_columns(kpi: Kpi) -> list[Column]:
    return [Column(c.key, c.fa, c.en) for c in kpi.columns]


@login_required
@require_GET
def drilldown_export(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    kpi = _kpi(code)
    if fmt not in ("xlsx", "csv"):
        raise Http404
    _form, period, area = _picked(request)
    if not selectors.may_read_records(request.user, kpi):
        raise Http404
    qs = selectors.drilldown_records(user=request.user, kpi=kpi, area=area, period=period).rows
    rows = (
        [record_value(record, c.attr) for c in kpi.columns]
        for record in qs[:EXPORT_LIMIT].iterator(chunk_size=2000)
    )
    name = f"{kpi.code}-{format_jalali(period.start, persian_digits=False).replace('/', '')}"
    return table_response(
        _drill_columns(kpi), rows, fmt=fmt, name=name, sheet_title=str(kpi.name_fa)
    )


# --- The dashboard's figures as files ---------------------------------------------------


@login_required
@require_GET
def figures_export(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    """The dashboard's figures (``figures``) or its county table (``counties``)."""
    if kind not in ("figures", "counties", "all") or fmt not in ("xlsx", "csv"):
        raise Http404
    _form, period, area = _picked(request)
    name = f"kpis-{format_jalali(period.start, persian_digits=False).replace('/', '')}"
    if fmt == "xlsx" and kind == "all":
        return xlsx_response(
            figures_workbook(area=area, period=period, title=_("شاخص‌ها")), f"{name}.xlsx"
        )
    if kind == "counties":
        columns, rows = (
            counties_columns(),
            counties_rows(selectors.county_table(area=area, period=period)),
        )
        name += "-places"
    else:
        values = selectors.figures(area=area, period=period)
        beside = kpi_beside(area=area, start=period.start, end=period.end)
        columns, rows = figures_columns(), figures_rows(values, beside)
    return table_response(columns, rows, fmt=fmt, name=name, sheet_title=_("شاخص‌ها"))


# --- Narrative report -----------------------------------------------------------------


@login_required
@require_GET
def narrative_page(request: HttpRequest) -> HttpResponse:
    form, period, area = _picked(request)
    report = narrative.build(area=area, period=period)
    return render(request, "reports/narrative.html", {
        "form": form, "report": report, "period": period, "area": area,
        "query": _query(request), "charts_svg": narrative.charts_svg(report),
    })  # fmt: skip


@login_required
@require_GET
def narrative_file(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("pdf", "txt", "xlsx"):
        raise Http404
    _form, period, area = _picked(request)
    report = narrative.build(area=area, period=period)
    name = f"report-{format_jalali(period.start, persian_digits=False).replace('/', '')}"
    if fmt == "txt":
        response = HttpResponse(report.text, content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.txt"'
        return response
    if fmt == "xlsx":
        return xlsx_response(
            figures_workbook(area=area, period=period, title=_("شاخص‌ها")), f"{name}.xlsx"
        )
    response = HttpResponse(narrative.pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response
