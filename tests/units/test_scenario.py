"""The demo part: Markazi's units and visits make kpis.md's figure exactly."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import translation

from jahesh.accounts.scoping import Area
from jahesh.core.jalali import last_jalali_years
from jahesh.core.mapdata import synthetic_position
from jahesh.demo.registry import ScenarioContext
from jahesh.reports import facts
from jahesh.reports.figures import kpi_value
from jahesh.units import scenario
from jahesh.units.models import RiskAssessment, StatusChange, Unit, Visit
from jahesh.units.selectors import (
    kpi_units_high_risk_records,
    kpi_units_monitored_records,
)
from tests.conftest import MARKAZI

AS_OF = date(2025, 11, 27)


def _ctx(log=lambda _m: None) -> ScenarioContext:
    return ScenarioContext(name="markazi", as_of=AS_OF, log=log)


def test_the_scenario_makes_760_monitored_units_and_enough_crises(geo):
    ctx = _ctx()
    # As the demo loads it (demo.services): a bulk load ends with ANALYZE, without
    # which PostgreSQL, left with another test's statistics, planned the high-risk
    # count as a scan per visit (minutes instead of two seconds).
    with facts.paused():
        scenario.build(ctx)
    start, end = last_jalali_years(AS_OF, 5)
    area = Area(province_id=MARKAZI)
    assert Unit.objects.count() == 1100
    assert kpi_value("units_monitored", area=area, start=start, end=end) == 760
    assert kpi_units_monitored_records(area=area, start=start, end=end).count() == 760
    # every dated record at least 7 days inside the window, or outside it
    in_window = Visit.objects.filter(visited_on__gte=start, visited_on__lt=end)
    assert not in_window.filter(visited_on__lt=start + timedelta(days=7)).exists()
    assert not in_window.filter(visited_on__gt=end - timedelta(days=7)).exists()
    assert Visit.objects.filter(visited_on__lt=start).values("unit").distinct().count() == 80
    assert Visit.objects.filter(visited_on__gt=AS_OF).count() == 0
    high = ctx.shared["units_high_risk_ids"]
    assert len(high) >= 200
    assert set(ctx.shared["units_high_risk_on"]) == set(high)
    high_now = kpi_value("units_high_risk", area=area, start=start, end=end)
    assert 0 < high_now < len(high)  # some recovered by their latest visit
    assert kpi_units_high_risk_records(area=area, start=start, end=end).count() == high_now
    # cached risk on the unit row is the latest assessment
    unit = Unit.objects.filter(risk_score__isnull=False).first()
    latest = RiskAssessment.objects.filter(unit=unit).order_by("-assessed_on", "-id").first()
    assert (unit.risk_score, unit.last_visit_on) == (latest.score, latest.assessed_on)
    assert StatusChange.objects.filter(to_status="stalled").exists()
    # Arak's officer sees only Arak's units
    assert {c for c in Unit.objects.values_list("county_id", flat=True).distinct()} <= {
        geo["arak"].pk,
        geo["saveh"].pk,
    }


def _small(monkeypatch) -> None:
    # A tenth of the size, for the tests that check behaviour rather than the figure.
    for name, value in (
        ("TOTAL", 110),
        ("MONITORED", 76),
        ("VISITED_BEFORE_ONLY", 8),
        ("CRISIS", 25),
    ):
        monkeypatch.setattr(scenario, name, value)


def test_a_second_run_changes_nothing(geo, monkeypatch):
    _small(monkeypatch)
    lines: list[str] = []
    scenario.build(_ctx(lines.append))
    assert lines == ["  واحدها: 110 واحد، 76 پایش‌شده در بازه، 25 گذرکرده از بحران"]
    counts = (Unit.objects.count(), Visit.objects.count(), RiskAssessment.objects.count())
    ctx = _ctx()
    scenario.build(ctx)
    assert (Unit.objects.count(), Visit.objects.count(), RiskAssessment.objects.count()) == counts
    assert len(ctx.shared["units_high_risk_ids"]) >= 20


def test_every_demo_unit_has_its_made_up_place_on_the_map(geo, monkeypatch):
    """Issue 17: the demo map shows units; each one's position comes from its
    county and number (``synthetic_position``), no random draw. Built in
    English, the operator's other language: the part's line follows it."""
    _small(monkeypatch)
    lines: list[str] = []
    with translation.override("en"):
        scenario.build(_ctx(lines.append))
    assert lines == ["  units: 110 units, 76 monitored in the window, 25 through a crisis"]
    rows = list(Unit.objects.values_list("code", "county_id", "latitude", "longitude"))
    assert len(rows) == 110
    for code, county_id, latitude, longitude in rows:
        number = int(code.removeprefix(scenario.CODE_PREFIX))
        assert (latitude, longitude) == synthetic_position(county_id, number), code
    assert len({(lat, lon) for _c, _k, lat, lon in rows}) == len(rows)


def test_an_area_outside_markazi_counts_nothing(geo, monkeypatch):
    _small(monkeypatch)
    scenario.build(_ctx())
    start, end = last_jalali_years(AS_OF, 5)
    assert kpi_value("units_monitored", area=Area(province_id=8), start=start, end=end) == 0
    arak = kpi_value(
        "units_monitored",
        area=Area(province_id=MARKAZI, county_id=geo["arak"].pk),
        start=start,
        end=end,
    )
    saveh = kpi_value(
        "units_monitored",
        area=Area(province_id=MARKAZI, county_id=geo["saveh"].pk),
        start=start,
        end=end,
    )
    assert arak + saveh == 76
