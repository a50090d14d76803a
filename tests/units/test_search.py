"""The normalised search: spellings people actually type meet each other."""

from __future__ import annotations

import pytest

from jahesh.units.selectors import unit_list


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("شركت مي‌سازان اراك", "شرکت می سازان اراک"),  # Arabic kaf/yeh, ZWNJ ↔ Persian, space
        ("شرکت می سازان اراک", "شركت مي‌سازان اراك"),  # and the reverse
        ("کارخانه قند ۲ ساوه", "قند 2"),  # Persian digits ↔ Latin
        ("کارخانه قند 2 ساوه", "قند ۲"),
        ("گلخانهٔ  امید", "گلخانه امید"),  # ۀ/هٔ and double spaces
    ],
)
def test_it_finds_a_unit_whatever_the_spelling(make_unit, users, stored, typed):
    unit = make_unit(name=stored)
    make_unit(name="دامداری نمونه")
    assert list(unit_list(user=users["admin"], q=typed)) == [unit]


def test_it_finds_a_unit_by_national_id_in_persian_digits(make_unit, users):
    unit = make_unit(national_id="10380284790")
    make_unit(national_id="10860224318")
    assert list(unit_list(user=users["admin"], q="۱۰۳۸۰۲۸۴۷۹۰")) == [unit]


def test_the_search_stays_inside_the_users_scope(make_unit, users, geo):
    make_unit(name="شرکت می سازان", county=geo["saveh"])
    arak = make_unit(name="شرکت می سازان اراک", county=geo["arak"])
    assert list(unit_list(user=users["arak"], q="می سازان")) == [arak]
    assert unit_list(user=users["hq"], q="می سازان").count() == 2
    assert unit_list(user=users["hq_other"], q="می سازان").count() == 0
