"""The dashboard's figures as tables (XLSX/CSV through ``jahesh.core.tabular``):
every KPI for a period and area, and the table by county (or province)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from jahesh.core.tabular import Column
from jahesh.core.tabular.writing import sheet
from jahesh.core.tabular.xlsx import write_workbook
from jahesh.reports import display, selectors
from jahesh.reports.figures import kpi_beside
from jahesh.reports.kpis import KPI_LIST


def figures_columns() -> list[Column]:
    return [
        Column("code", _("کد"), "Code"),
        Column("name", _("شاخص"), "KPI"),
        Column("value", _("مقدار"), "Value"),
        Column("unit", _("واحد"), "Unit"),
        Column("definition", _("تعریف"), "Definition"),
    ]


def figures_rows(values: dict[str, int], beside: dict[str, int]) -> list[list[Any]]:
    rows = []
    for kpi in KPI_LIST:
        rows.append([kpi.code, str(kpi.name_fa), display.export_value(kpi, values[kpi.code]),
                     display.unit_label(kpi), str(kpi.definition_fa)])  # fmt: skip
    for name, value in beside.items():
        rows.append([name, _("اشتغال پیش‌بینی‌شدهٔ تأییدنشده (کنار، نه افزوده)"), value,
                     _("تعداد"), ""])  # fmt: skip
    return rows


def counties_columns() -> list[Column]:
    return [Column("place", _("محل"), "Place")] + [
        Column(k.code, f"{k.name_fa} ({display.unit_label(k)})", k.name_en) for k in KPI_LIST
    ]


def counties_rows(table: list[dict]) -> list[list[Any]]:
    return [
        [row["place"].name] + [display.export_value(k, row["values"][k.code]) for k in KPI_LIST]
        for row in table
    ]


def figures_workbook(*, area: Any, period: Any, title: str) -> bytes:
    values = selectors.figures(area=area, period=period)
    beside = kpi_beside(area=area, start=period.start, end=period.end)
    table = selectors.county_table(area=area, period=period)
    return write_workbook([
        sheet(figures_columns(), figures_rows(values, beside), title=title),
        sheet(counties_columns(), counties_rows(table), title=_("به تفکیک محل")),
    ])  # fmt: skip
