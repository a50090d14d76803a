"""Projects test helpers: a project in Arak's deprived village, one in Saveh,
one in Tehran (out of Markazi's scope), and a direct service in each."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from jahesh.geo.models import City, Village
from jahesh.projects import services
from jahesh.projects.models import Project

TODAY = datetime.date(2025, 6, 1)
NOW = timezone.make_aware(datetime.datetime(2025, 6, 1, 10, 0))


@pytest.fixture
def clock():
    import time_machine

    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def make_project(users, clock):
    def make(*, village_id: int = 1, status: str = Project.Status.PLANNED, **fields) -> Project:
        fields.setdefault("title", "مدرسهٔ سه‌کلاسه")
        fields.setdefault("kind", Project.Kind.SCHOOL)
        project = services.project_create(
            user=users["projects"], village=Village.objects.get(pk=village_id), now=NOW, **fields
        )
        if status == Project.Status.PLANNED:
            return project
        project = services.project_transition(
            project=project,
            to_status=Project.Status.IN_PROGRESS,
            user=users["projects"],
            on=datetime.date(2025, 1, 10),
            now=NOW,
        )
        if status == Project.Status.COMPLETED:
            services.progress_report_add(
                project=project,
                user=users["projects"],
                reported_on=datetime.date(2025, 5, 1),
                progress_pct=100,
                now=NOW,
            )
            project = services.project_transition(
                project=project,
                to_status=Project.Status.COMPLETED,
                user=users["projects"],
                on=datetime.date(2025, 5, 2),
                now=NOW,
            )
        return project

    return make


@pytest.fixture
def projects3(make_project):
    """One project per county: Arak (deprived village), Saveh, Tehran."""
    return {
        "arak": make_project(village_id=1, title="مدرسهٔ روستای اراک"),
        "saveh": make_project(village_id=2, title="آب‌رسانی ساوه", kind=Project.Kind.WATER),
        "tehran": make_project(
            village_id=3, title="خانهٔ بهداشت تهران", kind=Project.Kind.HEALTH_HOUSE
        ),
    }


@pytest.fixture
def city(geo):
    return City.objects.get(pk=1)
