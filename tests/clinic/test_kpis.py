from __future__ import annotations

import datetime as dt

from jahesh.accounts.scoping import Area
from jahesh.clinic import selectors, services
from jahesh.clinic.models import Case, CaseStatus
from jahesh.reports.figures import kpi_value
from tests.conftest import ARAK, MARKAZI, SAVEH

S = CaseStatus
START, END = dt.date(2025, 11, 1), dt.date(2025, 12, 1)


def _prevent(case, users, employees=None):
    return services.case_transition(
        case=case,
        to_status=S.RESOLVED,
        user=users["admin"],
        data=services.MoveInput(
            outcome="closure_prevented", outcome_note="شواهد", jobs_preserved=employees
        ),
    )


def test_it_counts_opened_resolved_prevented_and_jobs(make_case, make_unit, high_risk, users, geo):
    a = high_risk(make_unit(employees=50))
    b = high_risk(make_unit(employees=30, county=geo["saveh"]))
    _prevent(make_case(S.IN_PROGRESS, unit=a), users)
    # A second prevented closure of the same unit counts the unit once, with the
    # employees at the latest resolution.
    _prevent(make_case(S.IN_PROGRESS, unit=a), users, employees=55)
    _prevent(make_case(S.IN_PROGRESS, unit=b), users)
    make_case(S.RESOLVED)  # another outcome
    make_case(S.IN_PROGRESS)
    markazi, arak = Area(province_id=MARKAZI), Area(province_id=MARKAZI, county_id=ARAK)
    assert kpi_value("cases_opened", area=markazi, start=START, end=END) == 5
    assert kpi_value("cases_resolved", area=markazi, start=START, end=END) == 4
    assert kpi_value("closures_prevented", area=markazi, start=START, end=END) == 2
    assert kpi_value("closures_prevented", area=arak, start=START, end=END) == 1
    assert set(selectors.kpi_closures_prevented_records(area=markazi, start=START, end=END)) == {
        a,
        b,
    }
    assert kpi_value("jobs_preserved", area=markazi, start=START, end=END) == 55 + 30
    assert (
        kpi_value(
            "jobs_preserved", area=Area(province_id=MARKAZI, county_id=SAVEH), start=START, end=END
        )
        == 30
    )
    # Half-open: a period ending on the resolution day leaves it out.
    assert (
        kpi_value("closures_prevented", area=markazi, start=START, end=dt.date(2025, 11, 27)) == 0
    )
    assert kpi_value("cases_opened", area=Area(province_id=8), start=START, end=END) == 0


def test_it_lists_overdue_cases_by_expert_agency_and_county(
    make_case, users, expert, geo, make_unit
):
    late = make_case(S.IN_PROGRESS)
    make_case(S.IN_PROGRESS)
    waiting = make_case(S.WAITING)
    Case.objects.filter(pk__in=[late.pk, waiting.pk]).update(
        due_at=dt.datetime(2025, 11, 1, tzinfo=dt.UTC)
    )
    by_expert = selectors.overdue_counts(user=users["hq"], by="expert")
    assert by_expert == [{"id": expert.pk, "name": expert.name, "count": 2}]
    assert selectors.overdue_counts(user=users["hq"], by="county")[0]["count"] == 2
    assert selectors.overdue_counts(user=users["saveh"], by="agency") == []
    ids = set(selectors.case_list(user=users["hq"], overdue=True).values_list("pk", flat=True))
    assert ids == {late.pk, waiting.pk}
    workload = {e.pk: e for e in selectors.expert_workload(user=users["hq"])}
    assert (workload[expert.pk].open_cases, workload[expert.pk].overdue_cases) == (3, 2)
