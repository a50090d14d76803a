"""The clinic demo part's cost in statements: its trails' guards ask the database
once per expert, not once per move (a module of its own: tests/clinic/test_scenario.py
shares one built world across its tests, this one builds its own)."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from jahesh.clinic import scenario
from jahesh.clinic.models import Case, CaseStatus
from jahesh.demo.registry import ScenarioContext
from jahesh.units import scenario as units_scenario

AS_OF = date(2025, 11, 27)


def _ctx() -> ScenarioContext:
    return ScenarioContext(name="markazi", as_of=AS_OF, log=lambda _m: None)


def test_its_trails_ask_the_database_once_per_expert_not_per_move(geo, users):
    """The trails' guards (CASE_FLOW.history) read an expert's declared conflicts
    once per expert and no case's children: the builder made them all (the
    national generator checks thousands of moves a province)."""
    ctx = _ctx()
    units_scenario.build(ctx)
    with CaptureQueriesContext(connection) as queries:
        scenario.build(ctx)
    sql = [q["sql"] for q in queries.captured_queries]
    conflicts = [s for s in sql if "clinic_expertconflict" in s]
    assert 1 <= len(conflicts) <= len(scenario.EXPERTS)
    assert [s for s in sql if "COUNT(" in s.upper() and '"parent_id" =' in s] == []
    assert Case.objects.filter(status=CaseStatus.RESOLVED).count() > 110
