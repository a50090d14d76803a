from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from jahesh.core.digits import to_ascii_digits, to_persian_digits


def test_it_converts_persian_and_arabic_digits_to_ascii():
    assert to_ascii_digits("۰۱۲۳۴۵۶۷۸۹") == "0123456789"
    assert to_ascii_digits("٠١٢٣٤٥٦٧٨٩") == "0123456789"
    assert to_ascii_digits("۱۴۰۳/٠١/15") == "1403/01/15"


def test_it_turns_the_persian_separators_into_ascii_ones():
    assert to_ascii_digits("۲٫۵") == "2.5"
    assert to_ascii_digits("۱۵۰٬۰۰۰") == "150,000"


def test_it_accepts_non_strings_and_none():
    assert to_ascii_digits(None) == ""
    assert to_ascii_digits(42) == "42"
    assert to_persian_digits(None) == ""
    assert to_persian_digits(1403) == "۱۴۰۳"


def test_it_converts_ascii_and_arabic_digits_to_persian():
    assert to_persian_digits("0123456789") == "۰۱۲۳۴۵۶۷۸۹"
    assert to_persian_digits("٤") == "۴"
    assert to_persian_digits("کد 12-ب") == "کد ۱۲-ب"


@given(st.integers())
def test_it_round_trips_integers(n):
    assert to_ascii_digits(to_persian_digits(n)) == str(n)
    assert int(to_ascii_digits(to_persian_digits(n))) == n
