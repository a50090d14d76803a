from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jahesh.core.digits import to_ascii_digits
from jahesh.core.errors import InvalidInput
from jahesh.core.money import (
    format_percent,
    format_rials,
    group_digits,
    headline_money,
    headline_number,
    money_words,
    parse_amount,
    round_down_sig,
    round_half_up,
    unit_label,
)

BILLION_TOMANS = 10**10  # in rials


def test_it_rounds_halves_away_from_zero():
    assert round_half_up(Fraction(5, 2)) == 3
    assert round_half_up(Fraction(-5, 2)) == -3
    assert round_half_up(Decimal("2.5")) == 3
    assert round_half_up(Decimal("2.49")) == 2
    assert round_half_up(Fraction(7, 3)) == 2
    assert round_half_up(41) == 41
    assert round_half_up(Decimal("-0.5")) == -1


@given(
    st.integers(min_value=-(10**15), max_value=10**15), st.integers(min_value=1, max_value=10**6)
)
def test_it_rounds_fractions_to_the_nearest_integer(num, den):
    x = Fraction(num, den)
    r = round_half_up(x)
    assert abs(x - r) <= Fraction(1, 2)
    if abs(x - r) == Fraction(1, 2):
        assert abs(r) > abs(x)  # halves go away from zero


@given(
    st.decimals(
        allow_nan=False, allow_infinity=False, places=3, min_value=-(10**9), max_value=10**9
    )
)
def test_it_rounds_decimals_and_fractions_alike(value):
    assert round_half_up(value) == round_half_up(Fraction(value))


def test_it_groups_digits_with_the_persian_separator():
    assert group_digits(150_000_000) == "۱۵۰٬۰۰۰٬۰۰۰"
    assert group_digits(150_000_000, persian=False) == "150,000,000"
    assert group_digits(999) == "۹۹۹"
    assert group_digits(0) == "۰"
    assert group_digits(-1234) == "-۱٬۲۳۴"
    assert group_digits(Decimal("1234.5")) == "۱٬۲۳۴٫۵"
    assert group_digits("۱۲۳۴۵") == "۱۲٬۳۴۵"
    assert group_digits(None) == ""
    assert group_digits(1e20) == "۱۰۰٬۰۰۰٬۰۰۰٬۰۰۰٬۰۰۰٬۰۰۰٬۰۰۰"
    assert group_digits(Decimal("1E+3")) == "۱٬۰۰۰"
    assert group_digits(1234.5) == "۱٬۲۳۴٫۵"
    assert group_digits(Fraction(3, 2)) == "۱٫۵"


@given(st.integers(min_value=-(10**18), max_value=10**18))
def test_it_groups_without_changing_the_number(n):
    text = group_digits(n)
    assert int(to_ascii_digits(text).replace(",", "")) == n
    assert "\u066c" in text or abs(n) < 1000


def test_it_formats_rials_in_tomans_by_default():
    assert format_rials(1_500_000_000) == "۱۵۰٬۰۰۰٬۰۰۰ تومان"
    assert format_rials(15) == "۲ تومان"  # 1.5 tomans, half up
    assert format_rials(14) == "۱ تومان"
    assert format_rials(0) == "۰ تومان"
    assert format_rials(None) == ""
    assert format_rials(1_500_000_000, persian=False) == "150,000,000 تومان"


def test_it_formats_in_rials_when_asked():
    assert format_rials(1_500_000_000, unit="rial") == "۱٬۵۰۰٬۰۰۰٬۰۰۰ ریال"


def test_it_reads_the_unit_setting_at_call_time(settings):
    settings.JAHESH_MONEY_UNIT = "rial"
    assert format_rials(1_500) == "۱٬۵۰۰ ریال"
    assert unit_label() == "ریال"
    settings.JAHESH_MONEY_UNIT = "toman"
    assert format_rials(1_500) == "۱۵۰ تومان"


def test_it_refuses_an_unknown_unit(settings):
    settings.JAHESH_MONEY_UNIT = "dollar"
    with pytest.raises(ValueError, match="toman"):
        format_rials(10)


@pytest.mark.parametrize(
    ("rials", "words"),
    [
        (150 * BILLION_TOMANS, "۱۵۰ میلیارد تومان"),
        (1_524_000_000_000, "۱۵۲٫۴ میلیارد تومان"),
        (25_000_000, "۲٫۵ میلیون تومان"),
        (25_400_000, "۲٫۵ میلیون تومان"),
        (25_500_000, "۲٫۶ میلیون تومان"),
        (4_750_000_000_000, "۴۷۵ میلیارد تومان"),
        (12_000_000_000_000, "۱٫۲ هزار میلیارد تومان"),
        (150_000, "۱۵ هزار تومان"),
        (7_500, "۷۵۰ تومان"),
        (0, "۰ تومان"),
        (9_999_600_000, "۱ میلیارد تومان"),  # not «۱۰۰۰ میلیون»
        (-25_000_000, "-۲٫۵ میلیون تومان"),
    ],
)
def test_it_words_amounts_for_headlines(rials, words):
    assert money_words(rials) == words


def test_it_words_rials_when_the_unit_is_rial():
    assert money_words(1_500_000_000, unit="rial") == "۱٫۵ میلیارد ریال"
    assert money_words(None) == ""


def test_it_rounds_down_to_two_significant_digits():
    assert round_down_sig(2134) == 2100
    assert round_down_sig(760) == 760
    assert round_down_sig(769) == 760
    assert round_down_sig(99) == 99
    assert round_down_sig(25_000) == 25_000
    assert round_down_sig(-2134) == -2100
    assert round_down_sig(0) == 0
    assert round_down_sig(2134, sig=3) == 2130
    assert round_down_sig(Fraction(1524, 10)) == 150


@given(st.integers(min_value=1, max_value=10**18))
def test_it_rounds_down_never_up_and_keeps_two_digits(n):
    r = round_down_sig(n)
    assert r <= n
    assert len(str(r).rstrip("0")) <= 2
    assert n - r < 10 ** max(len(str(n)) - 2, 0)
    assert round_down_sig(r) == r


def test_it_words_headline_numbers_as_kpis_md_says():
    assert headline_number(2134, exact=True) == "بیش از ۲۱۰۰"
    assert headline_number(760, exact=True) == "۷۶۰"
    assert headline_number(110, exact=True) == "۱۱۰"
    assert headline_number(1_634, exact=True) == "بیش از ۱۶۰۰"
    assert headline_number(25_000, exact=True) == "۲۵٬۰۰۰"
    assert headline_number(760, exact=False) == "بیش از ۷۶۰"
    assert headline_number(47, exact=True) == "۴۷"
    assert headline_number(0, exact=True) == "۰"


def test_it_words_headline_money_as_kpis_md_says():
    assert headline_money(1_524_000_000_000) == "بیش از ۱۵۰ میلیارد تومان"
    assert headline_money(150 * BILLION_TOMANS) == "۱۵۰ میلیارد تومان"
    assert headline_money(4_750_000_000_000) == "بیش از ۴۷۰ میلیارد تومان"
    assert headline_money(25_000_000) == "۲٫۵ میلیون تومان"
    assert headline_money(25_400_000) == "بیش از ۲٫۵ میلیون تومان"
    assert headline_money(9_999_600_000) == "بیش از ۹۹۰ میلیون تومان"


@given(st.integers(min_value=1, max_value=10**17))
def test_it_never_claims_more_money_than_there_is(rials):
    text = headline_money(rials)
    if not text.startswith("بیش از"):
        assert round_down_sig(Fraction(rials, 10)) == Fraction(rials, 10)


def test_it_formats_percentages():
    assert format_percent(20) == "۲۰٪"
    assert format_percent(12.34) == "۱۲٫۳٪"
    assert format_percent(Decimal("12.35")) == "۱۲٫۴٪"
    assert format_percent(Fraction(1, 3) * 100, decimals=2) == "۳۳٫۳۳٪"
    assert format_percent(0) == "۰٪"
    assert format_percent(None) == ""


@pytest.mark.parametrize(
    ("typed", "rials"),
    [
        ("۱۵۰٬۰۰۰", 1_500_000),
        ("150,000", 1_500_000),
        ("۱۵۰ ۰۰۰ تومان", 1_500_000),
        ("2.5", 25),
        ("٧", 70),
    ],
)
def test_it_parses_amounts_typed_in_tomans(typed, rials):
    assert parse_amount(typed) == rials


def test_it_parses_amounts_typed_in_rials():
    assert parse_amount("1,000", unit="rial") == 1000


@pytest.mark.parametrize("typed", ["", "یک میلیون", "2.55", "1,000.5x"])
def test_it_rejects_amounts_it_cannot_read(typed):
    with pytest.raises(InvalidInput):
        parse_amount(typed)
