from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jahesh.core.errors import InvalidInput
from jahesh.projects import services
from jahesh.projects.models import Project

from .conftest import NOW


def test_it_keeps_the_latest_report_on_the_project(make_project, users):
    project = make_project(status=Project.Status.IN_PROGRESS)
    for day, pct in [(datetime.date(2025, 3, 1), 40), (datetime.date(2025, 2, 1), 20)]:
        services.progress_report_add(
            project=project, user=users["projects"], reported_on=day, progress_pct=pct, now=NOW
        )
    project.refresh_from_db()
    # The February report came in late: the project still shows March's 40 %.
    assert (project.progress_pct, project.progress_on) == (40, datetime.date(2025, 3, 1))
    assert list(project.progress_reports.values_list("progress_pct", flat=True)) == [20, 40]


@pytest.mark.parametrize("pct", [-1, 101, 250])
def test_it_refuses_progress_outside_0_to_100(make_project, users, pct):
    project = make_project(status=Project.Status.IN_PROGRESS)
    with pytest.raises(InvalidInput) as exc:
        services.progress_report_add(
            project=project,
            user=users["projects"],
            reported_on=datetime.date(2025, 5, 1),
            progress_pct=pct,
            now=NOW,
        )
    assert exc.value.field == "progress_pct"


def test_it_refuses_a_report_dated_after_today(make_project, users):
    project = make_project(status=Project.Status.IN_PROGRESS)
    with pytest.raises(InvalidInput) as exc:
        services.progress_report_add(
            project=project,
            user=users["projects"],
            reported_on=datetime.date(2025, 6, 2),
            progress_pct=10,
            now=NOW,
        )
    assert exc.value.field == "reported_on"
    assert project.progress_reports.count() == 0


def test_it_refuses_a_report_on_a_planned_project(make_project, users):
    project = make_project()
    with pytest.raises(InvalidInput):
        services.progress_report_add(
            project=project,
            user=users["projects"],
            reported_on=datetime.date(2025, 5, 1),
            progress_pct=10,
            now=NOW,
        )


@settings(max_examples=30, deadline=None)
@given(pct=st.integers(min_value=-1000, max_value=1000))
def test_it_accepts_exactly_0_to_100(pct):
    # The range rule alone, without the database: the service refuses before writing.
    project = Project(status=Project.Status.IN_PROGRESS)
    try:
        services.progress_report_add(
            project=project,
            user=None,
            reported_on=datetime.date(2030, 1, 1),
            progress_pct=pct,
            now=NOW,
        )
    except InvalidInput as exc:
        expected_field = "progress_pct" if not 0 <= pct <= 100 else "reported_on"
        assert exc.field == expected_field
