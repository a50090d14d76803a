from __future__ import annotations

import ast
import inspect
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from jahesh.accounts.scoping import COUNTRY
from jahesh.core import kpis as core_kpis
from jahesh.reports import kpis
from jahesh.reports.figures import kpi_beside, kpi_value, kpi_values
from jahesh.reports.kpis import CODES, KPIS, PARTS, Kpi, KpiUnavailable
from jahesh.reports.registry import APPS, KPI_LIST
from tests.reports.conftest import (
    ARAK_1403,
    BESIDE_MARKAZI,
    COUNTRY_1403,
    MARKAZI_1403,
    P1403,
)

KPIS_MD_CODES = (  # in kpis.md's order, which every dashboard, export and the API keep
    "units_monitored", "units_high_risk", "cases_opened", "cases_resolved",
    "closures_prevented", "jobs_preserved", "resolutions_passed", "resolutions_executed_pct",
    "funds_active", "loans_disbursed", "loans_disbursed_rial", "jobs_created", "par30",
    "volunteers", "volunteer_hours", "projects_completed", "projects_value_rial",
    "services_value_rial", "services_beneficiaries",
)  # fmt: skip


def test_it_registers_every_code_of_kpis_md_once():
    declared = tuple(kpi.code for kpi in KPI_LIST)
    assert declared == CODES == KPIS_MD_CODES
    parts = [part.code for kpi in KPI_LIST for part in (*kpi.parts, *kpi.beside)]
    assert len(parts) == len(set(parts)) == len(PARTS)  # a part belongs to one figure


def _keywords(function: Callable[..., Any]) -> dict[str, object]:
    """The keyword-only parameters of ``function`` and their defaults (None if
    it takes anything else)."""
    params = inspect.signature(function).parameters.values()
    if any(p.kind is not p.KEYWORD_ONLY for p in params):
        return {"<positional>": None}
    return {p.name: p.default for p in params}


def wiring_problems(kpi: Kpi, app: ModuleType) -> list[str]:
    """What is wrong with how ``kpi``, declared in ``app`` (an ``<app>.kpis``),
    is wired: every function it holds must be its app's selector of the
    conventional name (``kpi_<part>``, ``kpi_<part>_daily``,
    ``kpi_<code>_records``) with the signature the registry calls it with."""
    selectors = app.__name__.rpartition(".")[0] + ".selectors"
    problems = []

    def check(function: Callable[..., Any] | None, name: str, keywords: dict) -> None:
        if function is None:
            problems.append(f"{name}: missing")
        elif (function.__module__, function.__name__) != (selectors, name):
            problems.append(f"{name}: wired to {function.__module__}.{function.__name__}")
        elif _keywords(function) != keywords:
            problems.append(f"{name}: takes {_keywords(function)}")

    empty = inspect.Parameter.empty
    for part in (*kpi.parts, *kpi.beside):
        check(part.selector, f"kpi_{part.code}",
              {"area": empty, "start": empty, "end": empty, "by": None})  # fmt: skip
        if part.daily is not None or part.stock or part.window:
            check(part.daily, f"kpi_{part.code}_daily", {"area": empty})
        if not part.sources:
            problems.append(f"{part.code}: reads no table")
    check(kpi.records, f"kpi_{kpi.code}_records", {"area": empty, "start": empty, "end": empty})
    if kpi.combine is not None:
        if kpi.combine.__module__ != selectors:
            problems.append(f"combine: wired to {kpi.combine.__module__}")
        if len(inspect.signature(kpi.combine).parameters) != 1:
            problems.append("combine: takes more than the parts")
    return problems


@pytest.mark.parametrize("code", sorted(KPIS_MD_CODES))
def test_each_app_wires_its_figures_to_its_own_selectors(code):
    # A selector that does not exist fails at import; one wired to another
    # figure, another app or with another signature fails here, named.
    kpi = KPIS[code]
    [app] = [app for app in APPS if kpi in app.KPIS]
    assert wiring_problems(kpi, app) == []
    assert kpi.unit in (kpis.COUNT, kpis.RIAL, kpis.PERCENT)
    assert str(kpi.name_fa) and kpi.name_en and str(kpi.definition_fa) and kpi.definition_en
    assert kpi.columns


def test_it_names_a_broken_wiring():
    from jahesh.clinic import kpis as clinic_kpis
    from jahesh.units import selectors as units_selectors

    opened = KPIS["cases_opened"]
    [part] = opened.parts
    broken = replace(
        opened,
        parts=(replace(part, selector=units_selectors.kpi_units_monitored, daily=None),),
        records=units_selectors.kpi_units_monitored_daily,
    )
    assert wiring_problems(broken, clinic_kpis) == [
        "kpi_cases_opened: wired to jahesh.units.selectors.kpi_units_monitored",
        "kpi_cases_opened_records: wired to jahesh.units.selectors.kpi_units_monitored_daily",
    ]

    def kpi_cases_opened_records(area, start, end):  # positional: the registry passes keywords
        return None

    kpi_cases_opened_records.__module__ = "jahesh.clinic.selectors"
    positional = replace(opened, records=kpi_cases_opened_records)
    assert wiring_problems(positional, clinic_kpis) == [
        "kpi_cases_opened_records: takes {'<positional>': None}"
    ]


def _imported(module: ModuleType) -> set[str]:
    tree = ast.parse(Path(str(module.__file__)).read_text(encoding="utf-8"))
    found = {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    return found | {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}


def test_the_apps_declare_their_figures_without_importing_reports():
    # Apps sit below reports (docs/architecture.md), core below every app.
    for app in APPS:
        assert not {m for m in _imported(app) if m.startswith(("jahesh.reports", "jahesh.portal"))}
    assert {m for m in _imported(core_kpis) if m.startswith("jahesh.")} == set()


def test_it_says_which_code_is_unknown():
    with pytest.raises(KpiUnavailable, match="no_such_code"):
        kpi_value("no_such_code", area=COUNTRY, start=P1403.start, end=P1403.end)


def test_it_computes_every_kpi_for_a_province(world, markazi_area):
    assert kpi_values(area=markazi_area, start=P1403.start, end=P1403.end) == MARKAZI_1403


def test_it_computes_every_kpi_for_a_county(world, arak_area):
    assert kpi_values(area=arak_area, start=P1403.start, end=P1403.end) == ARAK_1403


def test_it_computes_every_kpi_for_the_country(world):
    assert kpi_values(area=COUNTRY, start=P1403.start, end=P1403.end) == COUNTRY_1403


def test_it_shows_planned_unverified_jobs_beside_never_added(world, markazi_area):
    beside = kpi_beside(area=markazi_area, start=P1403.start, end=P1403.end)
    assert beside == BESIDE_MARKAZI
    assert kpi_value("jobs_created", area=markazi_area, start=P1403.start, end=P1403.end) == 3


def test_it_computes_only_the_codes_asked_for(world, markazi_area):
    assert kpi_values(
        area=markazi_area, start=P1403.start, end=P1403.end, codes=("volunteers", "par30")
    ) == {"volunteers": 2, "par30": 5556}


def test_it_gives_zeros_for_an_empty_period(world, markazi_area):
    import datetime

    values = kpi_values(
        area=markazi_area, start=datetime.date(2010, 1, 1), end=datetime.date(2010, 2, 1)
    )
    assert set(values.values()) == {0}


@pytest.mark.parametrize("code", sorted(KPIS_MD_CODES))
def test_it_drills_down_to_records_that_match_the_figure(world, markazi_area, code):
    kpi = KPIS[code]
    records = list(kpi.records_qs(area=markazi_area, start=P1403.start, end=P1403.end))
    expected = {
        "loans_disbursed_rial": 3, "volunteer_hours": 2, "projects_value_rial": 2,
        "services_value_rial": 2, "jobs_created": 3, "par30": 1,
        "resolutions_executed_pct": 3, "jobs_preserved": 2,
    }.get(code, MARKAZI_1403[code])  # fmt: skip
    assert len(records) == expected
    for column in kpi.columns:  # every column reads off every record
        for record in records:
            kpis.record_value(record, column.attr)
