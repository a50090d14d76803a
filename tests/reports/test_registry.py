from __future__ import annotations

import pytest

from jahesh.accounts.scoping import COUNTRY
from jahesh.reports import kpis
from jahesh.reports.figures import kpi_beside, kpi_value, kpi_values
from jahesh.reports.kpis import CODES, KPIS, KpiUnavailable
from tests.reports.conftest import (
    ARAK_1403,
    BESIDE_MARKAZI,
    COUNTRY_1403,
    MARKAZI_1403,
    P1403,
)

KPIS_MD_CODES = {
    "units_monitored", "units_high_risk", "cases_opened", "cases_resolved",
    "closures_prevented", "jobs_preserved", "resolutions_passed", "resolutions_executed_pct",
    "funds_active", "loans_disbursed", "loans_disbursed_rial", "jobs_created", "par30",
    "volunteers", "volunteer_hours", "projects_completed", "projects_value_rial",
    "services_value_rial", "services_beneficiaries",
}  # fmt: skip


def test_it_registers_every_code_of_kpis_md_once():
    assert set(CODES) == KPIS_MD_CODES
    assert len(CODES) == len(KPIS_MD_CODES)


@pytest.mark.parametrize("code", sorted(KPIS_MD_CODES))
def test_it_resolves_every_selector_and_records_path(code):
    # Fails, naming the path, while an app's selector is missing.
    kpi = KPIS[code]
    for part in (*kpi.parts, *kpi.beside):
        assert callable(kpis._resolve(part.selector))
    if kpi.combine:
        assert callable(kpis._resolve(kpi.combine))
    assert callable(kpis._resolve(kpi.records))
    assert kpi.unit in (kpis.COUNT, kpis.RIAL, kpis.PERCENT)
    assert str(kpi.name_fa) and kpi.name_en and str(kpi.definition_fa) and kpi.definition_en
    assert kpi.columns


def test_it_names_a_missing_selector():
    with pytest.raises(KpiUnavailable, match="jahesh.units.selectors.kpi_nothing"):
        kpis._resolve("jahesh.units.selectors.kpi_nothing")
    with pytest.raises(KpiUnavailable):
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
