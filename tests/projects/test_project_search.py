"""Project search goes through the trigram index (jahesh.core.search) and finds
what a filter over the normalised title finds, in the list's own order."""

from __future__ import annotations

import pytest

from jahesh.core.text import normalize_key
from jahesh.projects.models import Project
from jahesh.projects.selectors import project_list

TITLES = ["مدرسهٔ سه‌کلاسه", "مدرسه سه کلاسه", "آبرساني روستاي ۱۲", "خانه بهداشت 12"]
QUERIES = ["م", "12", "۱۲", "مدرسه سه‌کلاسه", "روستای 12", "آبرسانی", "بهداشت ۱۲", "نیست"]


@pytest.fixture
def projects(make_project):
    return [make_project(title=title) for title in TITLES]


@pytest.mark.parametrize("query", QUERIES)
def test_it_finds_the_projects_a_filter_over_the_title_key_finds(projects, users, query):
    found = project_list(user=users["projects"], q=query)
    key = normalize_key(query)
    expected = [p.pk for p in Project.objects.order_by("-id") if key in p.title_key]
    assert [p.pk for p in found] == expected
