"""The demo part: exactly 110 closures prevented in Markazi over five years."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine

from jahesh.accounts.scoping import Area
from jahesh.clinic import scenario, selectors, services
from jahesh.clinic.models import Case, CaseEvent, CaseStatus, Expert, Resolution, Session
from jahesh.core.jalali import last_jalali_years
from jahesh.demo.registry import ScenarioContext
from jahesh.reports.figures import kpi_value
from jahesh.units import scenario as units_scenario
from tests.clinic.conftest import NOW
from tests.conftest import MARKAZI, geo_make, shared_data, users_make

AS_OF = date(2025, 11, 27)


def _ctx() -> ScenarioContext:
    return ScenarioContext(name="markazi", as_of=AS_OF, log=lambda _m: None)


def _build() -> ScenarioContext:
    with time_machine.travel(NOW, tick=False):  # as every clinic test (conftest)
        ctx = _ctx()
        users = users_make(geo_make())
        units_scenario.build(ctx)
        scenario.build(ctx)
        ctx.users = users
        return ctx


@pytest.fixture(scope="module")
def _built_once(django_db_setup, django_db_blocker):
    # The full-size Markazi units and clinic take seconds to make: made once for the
    # module, each test in a savepoint of it (tests.conftest.shared_data).
    yield from shared_data(django_db_blocker, _build)


@pytest.fixture
def built(_built_once, db):
    return _built_once


def test_it_prevents_exactly_110_closures_in_the_window(built):
    start, end = last_jalali_years(AS_OF, 5)
    area = Area(province_id=MARKAZI)
    assert kpi_value("closures_prevented", area=area, start=start, end=end) == 110
    units = selectors.kpi_closures_prevented_records(area=area, start=start, end=end)
    assert units.count() == 110
    # Every prevented closure obeys the rule and sits 7 days inside the window.
    cases = Case.objects.filter(outcome="closure_prevented")
    assert cases.count() == 110
    for case in cases:
        assert services.closure_prevented_allowed(case)
        assert case.outcome_note
        assert (
            start + timedelta(days=7)
            <= case.opened_on
            <= case.resolved_on
            <= end - timedelta(days=7)
        )
        assert case.jobs_preserved == case.unit.employees
    jobs = kpi_value("jobs_preserved", area=area, start=start, end=end)
    assert jobs == sum(c.unit.employees or 0 for c in cases)
    assert kpi_value("cases_opened", area=area, start=start, end=end) > 110
    assert kpi_value("resolutions_passed", area=area, start=start, end=end) > 100
    assert 40 <= kpi_value("resolutions_executed_pct", area=area, start=start, end=end) <= 95
    assert kpi_value("closures_prevented", area=Area(province_id=8), start=start, end=end) == 0
    _consistent_timelines_sessions_and_the_demo_expert(built.users)


def _consistent_timelines_sessions_and_the_demo_expert(users):
    expert = Expert.objects.get(user=users["expert"])
    open_mine = Case.objects.filter(
        expert=expert,
        status__in=[
            CaseStatus.ASSIGNED,
            CaseStatus.IN_PROGRESS,
            CaseStatus.WAITING,
            CaseStatus.ESCALATED,
        ],
    )
    assert open_mine.count() >= 3
    # The last event of every case is its status.
    last = {}
    for case_id, to in CaseEvent.objects.order_by("at", "id").values_list("case_id", "to_status"):
        last[case_id] = to
    assert all(last[c.pk] == c.status for c in Case.objects.only("id", "status"))
    assert Session.objects.count() > 100
    assert Resolution.objects.filter(status="done").exists()
    assert Case.objects.filter(parent__isnull=False).exists()


def test_a_second_run_changes_nothing(built):
    counts = (
        Case.objects.count(),
        CaseEvent.objects.count(),
        Session.objects.count(),
        Resolution.objects.count(),
        Expert.objects.count(),
    )
    scenario.build(_ctx())
    assert counts == (
        Case.objects.count(),
        CaseEvent.objects.count(),
        Session.objects.count(),
        Resolution.objects.count(),
        Expert.objects.count(),
    )
