"""Member search goes through the trigram index (jahesh.core.search) and finds
what a filter over the normalised name finds, or the member by national code."""

from __future__ import annotations

import pytest

from jahesh.core.text import normalize_key
from jahesh.funds import selectors, services
from jahesh.funds.models import Member

from .conftest import START, valid_code

NAMES = [("علي", "كريمي"), ("علی", "کریمی"), ("فاطمه", "مهدی‌زاده"), ("فاطمه", "مهدی زاده")]
QUERIES = ["ک", "علي", "كريم", "مهدي‌زاده", "مهدی زاده", "زاده", "نیست", "  "]


@pytest.fixture
def members(fund):
    return [
        services.member_create(
            services.MemberFields(
                fund=fund,
                national_code=valid_code(900 + i),
                first_name=first,
                last_name=last,
                gender="f",
                joined_on=START,
            )
        )  # fmt: skip
        for i, (first, last) in enumerate(NAMES)
    ]


@pytest.mark.parametrize("query", QUERIES)
def test_it_finds_the_members_a_filter_over_the_name_key_finds(members, fund, users, query):
    found = selectors.member_list(user=users["fund"], fund=fund, search=query)
    key = normalize_key(query)
    expected = [m.pk for m in Member.objects.filter(fund=fund) if key in m.name_key]
    assert sorted(m.pk for m in found) == sorted(expected)


def test_it_finds_a_member_by_national_code_too(members, fund, users):
    code = members[2].national_code
    found = selectors.member_list(user=users["fund"], fund=fund, search=code)
    assert [m.pk for m in found] == [members[2].pk]
