"""The projects' ``*_build`` functions (the demo's bulk rows) refuse what their
services refuse, with the same message and field, and build the rows the
services write."""

from __future__ import annotations

import datetime

import pytest

from jahesh.core.errors import ApplicationError
from jahesh.projects import services
from jahesh.projects.models import FacilityCheck, ProgressReport, Project, ProjectFunding

from .conftest import NOW

DAY = datetime.date(2025, 5, 10)


def _message(call) -> tuple[type, str, str | None]:
    with pytest.raises(ApplicationError) as caught:
        call()
    return type(caught.value), str(caught.value), caught.value.field


@pytest.mark.parametrize(
    "change",
    [{"progress_pct": 101}, {"reported_on": datetime.date(2025, 7, 1)},
     {"reported_on": datetime.date(2024, 12, 1)}],
)  # fmt: skip
def test_progress_report_build_refuses_as_the_service_does(make_project, users, change):
    project = make_project(status=Project.Status.IN_PROGRESS)
    fields = {"project": project, "user": users["projects"], "reported_on": DAY,
              "progress_pct": 40, "now": NOW, **change}  # fmt: skip
    single = _message(lambda: services.progress_report_add(**fields))
    assert _message(lambda: services.progress_report_build(**fields)) == single
    assert not ProgressReport.objects.exists()


def test_progress_report_build_is_the_row_the_service_writes(make_project, users):
    project = make_project(status=Project.Status.IN_PROGRESS)
    fields = {"project": project, "user": users["projects"], "reported_on": DAY,
              "progress_pct": 40, "note": " گزارش  ماه ", "now": NOW}  # fmt: skip
    built = services.progress_report_build(**fields)
    saved = services.progress_report_add(**fields)
    assert built.pk is None
    assert (built.note, built.progress_pct, built.reported_by) == (
        saved.note, saved.progress_pct, saved.reported_by
    ) == ("گزارش ماه", 40, users["projects"])  # fmt: skip


@pytest.mark.parametrize(
    "change", [{"role": ProjectFunding.Role.VOLUNTEER_LABOUR}, {"amount_rial": 0}]
)
def test_funding_build_refuses_as_funding_add_does(make_project, change):
    fields = {"project": make_project(), "role": ProjectFunding.Role.CHARITY,
              "amount_rial": 5_000_000, **change}  # fmt: skip
    single = _message(lambda: services.funding_add(**fields))
    assert _message(lambda: services.funding_build(**fields)) == single
    assert not ProjectFunding.objects.exists()


@pytest.mark.parametrize("change", [{"indicator": "  "}, {"target": -1}, {"actual": -2}])
def test_result_build_refuses_as_result_set_does(make_project, change):
    fields = {"project": make_project(), "indicator": "دانش‌آموز", "target": 30, **change}
    single = _message(lambda: services.result_set(**fields))
    assert _message(lambda: services.result_build(**fields)) == single


def test_result_set_updates_the_indicator_it_builds(make_project):
    project = make_project()
    services.result_set(project=project, indicator="دانش‌آموز", target=30, unit=" نفر ")
    again = services.result_set(project=project, indicator="دانش‌آموز", target=40, actual=35)
    assert project.results.count() == 1
    assert (again.target, again.actual, again.unit) == (40, 35, "")


@pytest.mark.parametrize(
    ("status", "checked_on"),
    [(Project.Status.IN_PROGRESS, datetime.date(2025, 5, 20)),
     (Project.Status.COMPLETED, datetime.date(2025, 7, 1)),
     (Project.Status.COMPLETED, datetime.date(2025, 5, 1))],
)  # fmt: skip
def test_facility_check_build_refuses_as_the_service_does(make_project, users, status, checked_on):
    fields = {"project": make_project(status=status), "user": users["projects"],
              "checked_on": checked_on, "in_use": True, "now": NOW}  # fmt: skip
    single = _message(lambda: services.facility_check_record(**fields))
    assert _message(lambda: services.facility_check_build(**fields)) == single
    assert not FacilityCheck.objects.exists()
