"""The demo part. The full-size run (the article's figures) is asserted in CI by
``bench/reports_demo_figures.py`` (.ci/run) and by ``bench/projects_scenario.py``
(whose smoke run, at this file's size, runs with the tests); here a run scaled
down tenfold checks the same arithmetic quickly: exact counts and values, the
7-day margins, idempotency."""

from __future__ import annotations

import datetime

import pytest

from jahesh.accounts.scoping import Area
from jahesh.core.jalali import last_jalali_years
from jahesh.demo.registry import ScenarioContext
from jahesh.projects import scenario
from jahesh.projects.models import DirectService, Project, ProjectFunding
from jahesh.reports.figures import kpi_value

AS_OF = datetime.date(2025, 10, 26)


@pytest.fixture
def small(monkeypatch):
    monkeypatch.setattr(scenario, "COMPLETED", 164)
    monkeypatch.setattr(scenario, "COMPLETED_BEFORE_WINDOW", 6)
    monkeypatch.setattr(scenario, "PROJECTS_VALUE_RIAL", 155_300_000_000)
    monkeypatch.setattr(scenario, "SERVICES_VALUE_RIAL", 474_200_000_000)
    monkeypatch.setattr(scenario, "SERVICES", 400)
    monkeypatch.setattr(
        scenario,
        "OPEN",
        {
            Project.Status.IN_PROGRESS: 14,
            Project.Status.PLANNED: 7,
            Project.Status.SUSPENDED: 2,
            Project.Status.CANCELLED: 2,
        },
    )


def test_the_demo_part_makes_exactly_its_figures_inside_the_window(geo, small):
    ctx = ScenarioContext(name="markazi", as_of=AS_OF, log=lambda _m: None)
    scenario.build(ctx)
    start, end = last_jalali_years(AS_OF, 5)
    markazi = Area(province_id=geo["markazi"].pk)
    period = {"area": markazi, "start": start, "end": end}
    assert kpi_value("projects_completed", **period) == 164
    assert kpi_value("projects_value_rial", **period) == 155_300_000_000
    services_value = kpi_value("services_value_rial", **period)
    assert abs(services_value - 474_200_000_000) < 474_200_000_000 * 0.001
    # Every dated record of the window lies at least 7 days inside its ends, so
    # narrowing the window by 7 days on each side changes nothing.
    inner = {
        "area": markazi,
        "start": start + datetime.timedelta(days=7),
        "end": end - datetime.timedelta(days=7),
    }
    assert kpi_value("projects_completed", **inner) == 164
    assert kpi_value("projects_value_rial", **inner) == 155_300_000_000
    assert kpi_value("services_value_rial", **inner) == services_value
    # Funding of every project adds up to its value; the rows are positive.
    assert not ProjectFunding.objects.filter(amount_rial__lte=0).exists()
    # Mostly in deprived villages; some projects still open; nothing outside Markazi.
    assert Project.objects.filter(in_deprived_area=True).count() > 0.6 * Project.objects.count()
    assert Project.objects.exclude(status="completed").count() == 25
    assert not Project.objects.exclude(county__province=geo["markazi"]).exists()
    assert kpi_value("services_beneficiaries", **period) > 50
    # Idempotent: a second run adds nothing.
    counts = (
        Project.objects.count(),
        ProjectFunding.objects.count(),
        DirectService.objects.count(),
    )
    scenario.build(ctx)
    assert (
        Project.objects.count(),
        ProjectFunding.objects.count(),
        DirectService.objects.count(),
    ) == counts


def test_the_full_size_constants_are_inside_the_articles_ranges():
    assert 1_600 < scenario.COMPLETED < 1_700
    assert 1.5e12 < scenario.PROJECTS_VALUE_RIAL < 1.6e12
    assert 4.7e12 < scenario.SERVICES_VALUE_RIAL < 4.8e12
