"""Volunteer search goes through the trigram index (jahesh.core.search): every
word of the query must be in the volunteer's search key, as before."""

from __future__ import annotations

import pytest

from jahesh.core.text import normalize_key
from jahesh.volunteers.models import Volunteer
from jahesh.volunteers.selectors import volunteer_list

from .conftest import make_volunteer

PEOPLE = [("علي", "كريمي"), ("علی", "کریمی"), ("سارا", "میر‌حسینی"), ("سارا", "میرحسینی")]
QUERIES = ["ک", "عل", "علي", "كريمي علی", "میر‌حسینی", "میر حسینی", "حسینی سارا", "نیست", "۰۰"]


@pytest.fixture
def volunteers(geo):
    return [
        make_volunteer(40 + i, geo["arak"], first=first, last=last)
        for i, (first, last) in enumerate(PEOPLE)
    ]


@pytest.mark.parametrize("query", QUERIES)
def test_it_finds_the_volunteers_a_filter_over_the_key_finds(volunteers, users, query):
    found = volunteer_list(user=users["coordinator"], q=query)
    words = normalize_key(query).split()
    expected = [v.pk for v in Volunteer.objects.all() if all(w in v.search_key for w in words)]
    assert sorted(v.pk for v in found) == sorted(expected)
    assert expected or query == "نیست"  # every other query finds someone
