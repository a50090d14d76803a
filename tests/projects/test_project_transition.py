from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction

from jahesh.core.errors import InvalidInput
from jahesh.core.workflow import Step
from jahesh.geo.models import Village
from jahesh.projects import services
from jahesh.projects.models import Project, ProjectEvent

from .conftest import NOW, TODAY

S = Project.Status


def test_it_creates_a_planned_project_in_the_village_county_with_its_deprived_flag(
    make_project, geo
):
    project = make_project(village_id=1)
    assert project.status == S.PLANNED
    assert project.county_id == geo["arak"].pk
    assert project.in_deprived_area is True
    assert list(project.events.values_list("from_status", "to_status")) == [("", S.PLANNED)]


def test_it_refuses_a_village_outside_the_county_given(users, geo, clock):
    with pytest.raises(InvalidInput) as exc:
        services.project_create(
            user=users["projects"],
            title="راه",
            kind=Project.Kind.ROAD,
            county=geo["saveh"],
            village=Village.objects.get(pk=1),
            now=NOW,
        )
    assert exc.value.field == "village"


def test_it_starts_a_project_with_its_actual_start_date_and_an_event(make_project, users):
    project = make_project()
    moved = services.project_transition(
        project=project,
        to_status=S.IN_PROGRESS,
        user=users["projects"],
        on=datetime.date(2025, 3, 1),
        now=NOW,
    )
    assert (moved.status, moved.actual_start) == (S.IN_PROGRESS, datetime.date(2025, 3, 1))
    event = ProjectEvent.objects.filter(project=project).last()
    assert (event.from_status, event.to_status, event.by) == (
        S.PLANNED,
        S.IN_PROGRESS,
        users["projects"],
    )


def test_it_refuses_to_complete_a_project_below_100_percent(make_project, users):
    project = make_project(status=S.IN_PROGRESS)
    services.progress_report_add(
        project=project,
        user=users["projects"],
        reported_on=datetime.date(2025, 5, 1),
        progress_pct=90,
        now=NOW,
    )
    with pytest.raises(InvalidInput) as exc:
        services.project_transition(
            project=project,
            to_status=S.COMPLETED,
            user=users["projects"],
            on=datetime.date(2025, 5, 20),
            now=NOW,
        )
    assert exc.value.field == "progress_pct"
    assert "۱۰۰" in str(exc.value.message)
    project.refresh_from_db()
    assert (project.status, project.actual_end) == (S.IN_PROGRESS, None)


def test_it_refuses_to_complete_a_project_without_an_actual_end_date(make_project, users):
    project = make_project(status=S.IN_PROGRESS)
    services.progress_report_add(
        project=project,
        user=users["projects"],
        reported_on=datetime.date(2025, 5, 1),
        progress_pct=100,
        now=NOW,
    )
    with pytest.raises(InvalidInput) as exc:
        services.project_transition(
            project=project, to_status=S.COMPLETED, user=users["projects"], now=NOW
        )
    assert exc.value.field == "on"
    assert Project.objects.get(pk=project.pk).status == S.IN_PROGRESS


def test_it_completes_a_project_at_100_percent_with_an_end_date(make_project):
    project = make_project(status=S.COMPLETED)
    assert (project.status, project.actual_end, project.progress_pct) == (
        S.COMPLETED,
        datetime.date(2025, 5, 2),
        100,
    )
    assert list(project.events.values_list("to_status", flat=True)) == [
        S.PLANNED,
        S.IN_PROGRESS,
        S.COMPLETED,
    ]


def test_it_refuses_an_end_date_in_the_future(make_project, users):
    project = make_project(status=S.IN_PROGRESS)
    services.progress_report_add(
        project=project,
        user=users["projects"],
        reported_on=datetime.date(2025, 5, 1),
        progress_pct=100,
        now=NOW,
    )
    with pytest.raises(InvalidInput):
        services.project_transition(
            project=project,
            to_status=S.COMPLETED,
            user=users["projects"],
            on=datetime.date(2025, 6, 2),
            now=NOW,
        )


def test_the_database_refuses_a_completed_project_without_end_or_100_percent(make_project):
    project = make_project(status=S.IN_PROGRESS)
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=project.pk).update(status=S.COMPLETED)


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (S.PLANNED, S.COMPLETED),
        (S.PLANNED, S.SUSPENDED),
        (S.COMPLETED, S.IN_PROGRESS),
        (S.COMPLETED, S.CANCELLED),
    ],
)
def test_it_refuses_moves_not_in_the_transition_table(make_project, users, start, to):
    project = make_project(status=start)
    with pytest.raises(InvalidInput) as exc:
        services.project_transition(project=project, to_status=to, user=users["projects"], now=NOW)
    assert exc.value.field == "to_status"
    assert Project.objects.get(pk=project.pk).status == start


def test_it_needs_a_reason_to_suspend_and_resumes_without_one(make_project, users):
    project = make_project(status=S.IN_PROGRESS)
    with pytest.raises(InvalidInput):
        services.project_transition(
            project=project, to_status=S.SUSPENDED, user=users["projects"], now=NOW
        )
    project = services.project_transition(
        project=project,
        to_status=S.SUSPENDED,
        user=users["projects"],
        reason="کمبود اعتبار",
        now=NOW,
    )
    project = services.project_transition(
        project=project, to_status=S.IN_PROGRESS, user=users["projects"], now=NOW
    )
    assert project.status == S.IN_PROGRESS
    assert project.actual_start == datetime.date(2025, 1, 10)  # kept from the first start
    assert project.events.filter(to_status=S.SUSPENDED).get().reason == "کمبود اعتبار"


def test_it_refuses_a_stale_move(make_project, users):
    from jahesh.core.errors import Conflict

    project = make_project(status=S.IN_PROGRESS)
    stale = Project.objects.get(pk=project.pk)
    services.project_transition(
        project=project, to_status=S.CANCELLED, user=users["projects"], reason="x", now=NOW
    )
    with pytest.raises(Conflict):
        services.project_transition(
            project=stale, to_status=S.SUSPENDED, user=users["projects"], reason="y", now=NOW
        )


def _refusal(call) -> tuple[str, str | None]:
    with pytest.raises(InvalidInput) as exc:
        call()
    return str(exc.value.message), exc.value.field


def test_the_bulk_form_refuses_what_project_transition_refuses(make_project, users):
    """PROJECT_FLOW.history (the demo's trails) refuses a move the table lacks,
    a stop without a reason, completion below 100 % and an end in the future as
    project_transition does: same message, same field."""
    user = users["projects"]

    def move(status: str, to: str, **fields):
        return lambda: services.project_transition(
            project=make_project(status=status), to_status=to, user=user, now=NOW, **fields
        )

    def history(*moves: tuple[str, datetime.date, str], progress: int = 0):
        project = services.project_build(
            user=user, title="راه", kind=Project.Kind.ROAD, village=Village.objects.get(pk=1)
        )
        project.progress_pct = progress
        steps = [Step(S.PLANNED, NOW)]
        steps += [Step(to, NOW, data=on, reason=why) for to, on, why in moves]
        return services.PROJECT_FLOW.history(project, steps, user=user)

    start = (S.IN_PROGRESS, datetime.date(2025, 1, 10), "")
    end = (S.COMPLETED, datetime.date(2025, 5, 2), "")
    assert _refusal(lambda: history((S.COMPLETED, TODAY, ""))) == _refusal(
        move(S.PLANNED, S.COMPLETED)
    )
    assert _refusal(lambda: history(start, (S.SUSPENDED, TODAY, ""))) == _refusal(
        move(S.IN_PROGRESS, S.SUSPENDED)
    )
    assert _refusal(lambda: history(start, end)) == _refusal(
        move(S.IN_PROGRESS, S.COMPLETED, on=datetime.date(2025, 5, 2))
    )
    future = datetime.date(2025, 6, 2)
    assert _refusal(lambda: history(start, (S.COMPLETED, future, ""), progress=100)) == _refusal(
        move(S.IN_PROGRESS, S.COMPLETED, on=future)
    )
    rows = history(start, end, progress=100)
    assert [(r.from_status, r.to_status, r.by) for r in rows] == [
        ("", S.PLANNED, user),
        (S.PLANNED, S.IN_PROGRESS, user),
        (S.IN_PROGRESS, S.COMPLETED, user),
    ]
