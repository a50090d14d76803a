"""Cell parsers: what people type into spreadsheets, and the Persian reason when
it cannot be read."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy
from hypothesis import given
from hypothesis import strategies as st

from jahesh.core.digits import to_persian_digits
from jahesh.core.tabular import (
    boolean,
    choice,
    decimal,
    integer,
    jalali_date,
    legal_id,
    mobile,
    money_rials,
    national_code,
    text,
)


def reason(parse, value) -> str:
    with pytest.raises(ValueError) as caught:
        parse(value)
    return str(caught.value)


@pytest.mark.parametrize(
    "cell",
    [
        "1200",
        "۱۲۰۰",
        "١٢٠٠",
        "1,200",
        "۱٬۲۰۰",
        "1،200",
        "1 200",
        "1\u00a0200",
        1200,
        1200.0,
        "1200.0",
    ],
)
def test_it_reads_an_integer_however_it_is_typed(cell):
    assert integer()(cell) == 1200


def test_it_says_why_an_integer_is_refused():
    parse = integer(min=0, max=1000)

    assert reason(parse, "12.5") == "«12.5» اعشار دارد؛ یک عدد صحیح بنویسید."
    assert reason(parse, 12.5) == "«12.5» اعشار دارد؛ یک عدد صحیح بنویسید."
    assert reason(parse, "دوازده") == "«دوازده» عدد نیست؛ یک عدد با رقم بنویسید، مانند ۱۲۰."
    assert reason(parse, "1500") == "عدد باید حداکثر ۱٬۰۰۰ باشد؛ ۱٬۵۰۰ وارد شده."
    assert reason(parse, "-3") == "عدد باید دست‌کم ۰ باشد؛ -۳ وارد شده."
    assert reason(parse, True) == "اینجا عدد لازم است، نه بله/خیر."


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_it_reads_back_any_integer_grouped_in_persian(n):
    typed = to_persian_digits(f"{n:,}".replace(",", "٬"))

    assert integer()(typed) == n


def test_it_reads_decimals_with_persian_separators():
    parse = decimal(min=0, max=100, places=1)

    assert parse("۱۲٫۵") == Decimal("12.5")
    assert parse("12/5") == Decimal("12.5")
    assert parse(48.75) == Decimal("48.8")
    assert parse("7") == Decimal("7.0")
    assert reason(parse, "۱۲۰") == "عدد باید حداکثر ۱۰۰ باشد؛ ۱۲۰ وارد شده."
    assert reason(parse, "a1") == "«a1» عدد نیست؛ یک عدد بنویسید، مانند ۱۲٫۵."


def test_it_reads_money_in_rials_or_tomans():
    assert money_rials()("۱٬۵۰۰٬۰۰۰ ریال") == 1_500_000
    assert money_rials()(1500000.0) == 1_500_000
    assert money_rials(toman=True)("150,000 تومان") == 1_500_000
    assert money_rials(toman=True).to_cell(1_500_000) == 150_000
    assert reason(money_rials(), "-5") == "عدد باید دست‌کم ۰ باشد؛ -۵ وارد شده."
    assert reason(money_rials(), "12.5") == (
        "«12.5» مبلغ نیست؛ مبلغ را با رقم و بدون اعشار بنویسید، مانند ۱۵۰۰۰۰۰۰."
    )


@pytest.mark.parametrize(
    "cell",
    [
        "۱۴۰۳/۰۱/۱۵",
        "1403/1/15",
        "1403-01-15",
        "١٤٠٣/٠١/١٥",
        "14030115",
        14030115.0,
        "2024-04-03",
        datetime.date(2024, 4, 3),
        datetime.datetime(2024, 4, 3, 10, 30),
    ],
)
def test_it_reads_a_date_in_any_form_people_type(cell):
    assert jalali_date()(cell) == datetime.date(2024, 4, 3)


def test_it_says_why_a_date_is_refused():
    parse = jalali_date()

    assert reason(parse, "1402/12/30") == "اسفند ۱۴۰۲ ۲۹ روز دارد؛ «1402/12/30» نوشته شده."
    assert (
        reason(parse, "1403/13/01")
        == "ماه باید بین ۱ و ۱۲ باشد؛ ۱۳ وارد شده؛ «1403/13/01» نوشته شده."
    )
    assert reason(parse, "فردا") == (
        "تاریخ را به شکل ۱۴۰۳/۰۱/۱۵ یا 2024-03-20 وارد کنید؛ «فردا» نوشته شده."
    )
    assert parse.to_cell(datetime.date(2024, 4, 3)) == "1403/01/15"


def test_it_matches_a_choice_by_persian_or_english_label_or_code():
    parse = choice(
        {"active": ("فعال", "Active"), "at_risk": ("در معرض تعطیلی", "At risk")},
        aliases={"نیمه فعال": "at_risk"},
    )

    assert [
        parse(v)
        for v in ["فعال", " ACTIVE", "active", "در معرض تعطيلي", "در\u200cمعرض تعطیلی", "نیمه‌فعال"]
    ] == [
        "active",
        "active",
        "active",
        "at_risk",
        "at_risk",
        "at_risk",
    ]
    assert parse.to_cell("at_risk") == "در معرض تعطیلی"
    assert reason(parse, "تعطیل") == (
        "«تعطیل» از گزینه‌ها نیست؛ یکی از این‌ها را بنویسید: فعال، در معرض تعطیلی."
    )


def test_it_takes_django_choices_and_integer_codes():
    parse = choice([(1, "کوچک"), (2, "متوسط")])

    assert (parse("متوسط"), parse(2.0), parse("۱")) == (2, 2, 1)


def test_a_translated_choice_takes_its_persian_and_english_label_whatever_the_reader_reads():
    # A file filled in Persian, imported by an English reader (and the other way
    # round): the column is built in the reader's language.
    labels = [("industry", gettext_lazy("صنعت")), ("female", gettext_lazy("زن"))]
    for language in ("en", "fa"):
        with translation.override(language):
            parse = choice(labels)
            assert [parse(v) for v in ["صنعت", "Industry", "زن", "female"]] == [
                "industry",
                "industry",
                "female",
                "female",
            ]
    with translation.override("en"):
        assert choice(labels).to_cell("industry") == "Industry"


@pytest.mark.parametrize("cell", ["بله", "بلی", "Yes", "TRUE", "1", 1.0, "✓", True])
def test_it_reads_yes(cell):
    assert boolean()(cell) is True


@pytest.mark.parametrize("cell", ["خیر", "نه", "no", "False", "0", 0.0, "✗", False])
def test_it_reads_no(cell):
    assert boolean()(cell) is False


def test_it_says_why_a_yes_no_cell_is_refused():
    assert reason(boolean(), "شاید") == "«شاید» بله یا خیر نیست؛ «بله» یا «خیر» بنویسید."


def test_it_cleans_text_and_limits_its_length():
    assert text()("  شركت   ريسندگي  ") == "شرکت ریسندگی"
    assert text()("می\u200cسازان") == "می\u200cسازان"
    assert text()(12345.0) == "12345"
    assert (
        reason(text(max_length=3), "ابجد")
        == "متن ۴ نویسه است و بیش از ۳ نویسه جا نمی‌شود؛ کوتاه‌ترش کنید."
    )


def test_it_normalises_identifiers_and_restores_zeros_excel_dropped():
    assert national_code()("۰۰۸۱۲۳۴۵۶۲") == "0081234562"
    assert national_code()(81234562.0) == "0081234562"
    assert legal_id()("10380284790") == "10380284790"
    assert mobile()(9121234567.0) == "09121234567"
    assert mobile()("+98 912 123 4567") == "09121234567"
    assert reason(national_code(), "0081234561") == (
        "رقم کنترل کد ملی درست نیست؛ کد را دوباره از روی کارت ملی بخوانید"
    )
    assert reason(mobile(), "0212345678") == "شماره همراه با ۰۹ شروع می‌شود، مانند ۰۹۱۲۱۲۳۴۵۶۷"
