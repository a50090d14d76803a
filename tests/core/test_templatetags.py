from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


def test_it_renders_jalali_dates_with_persian_digits():
    day = datetime.date(2024, 4, 3)
    assert render("{{ d|jdate }}", d=day) == "۱۴۰۳/۰۱/۱۵"
    assert render("{{ d|jdate_long }}", d=day) == "۱۵ فروردین ۱۴۰۳"


def test_it_renders_datetimes_in_tehran_time():
    moment = datetime.datetime(2024, 3, 19, 20, 45, tzinfo=datetime.UTC)
    assert render("{{ m|jdatetime }}", m=moment) == "۱۴۰۳/۰۱/۰۱ ۰۰:۱۵"
    assert render("{{ m|jdate }}", m=moment) == "۱۴۰۳/۰۱/۰۱"


def test_it_renders_numbers_and_money():
    assert render("{{ n|fa }}", n=1403) == "۱۴۰۳"
    assert render("{{ n|num }}", n=25000) == "۲۵٬۰۰۰"
    assert render("{{ n|num }}", n=Decimal("1234.5")) == "۱٬۲۳۴٫۵"
    assert render("{{ r|money }}", r=1_500_000_000) == "۱۵۰٬۰۰۰٬۰۰۰ تومان"
    assert render("{{ r|money_words }}", r=1_524_000_000_000) == "۱۵۲٫۴ میلیارد تومان"
    assert render("{{ p|percent }}", p=20) == "۲۰٪"
    assert render("{{ p|percent:2 }}", p=12.345) == "۱۲٫۳۵٪"
    assert render("{{ n|headline }}", n=2134) == "بیش از ۲۱۰۰"
    assert render("{{ n|headline }}", n=760) == "۷۶۰"
    assert render("{{ r|headline_money }}", r=1_524_000_000_000) == "بیش از ۱۵۰ میلیارد تومان"


def test_it_reads_the_money_unit_when_rendering(settings):
    settings.JAHESH_MONEY_UNIT = "rial"
    assert render("{{ r|money }}", r=1_500) == "۱٬۵۰۰ ریال"


@pytest.mark.parametrize(
    "name",
    [
        "jdate",
        "jdatetime",
        "jdate_long",
        "fa",
        "num",
        "money",
        "money_words",
        "percent",
        "headline",
        "headline_money",
    ],
)
@pytest.mark.parametrize("value", [None, ""])
def test_it_renders_nothing_for_missing_values(name, value):
    assert render(f"{{{{ v|{name} }}}}", v=value) == ""
    assert render(f"{{{{ missing|{name} }}}}") == ""


def test_it_passes_non_numbers_through_instead_of_crashing():
    assert render("{{ v|num }}", v="بدون رقم") == "بدون رقم"
    assert render("{{ v|money }}", v="abc") == ""
    assert render("{{ v|jdate }}", v="not a date") == "not a date"
    assert render("{{ v|num }}", v="12345") == "۱۲٬۳۴۵"


@pytest.mark.parametrize("name", ["units:detail", "clinic:case_detail", "clinic:session_detail"])
@pytest.mark.parametrize("pk", [0, 7, 1_234_567, 987654321987])
def test_it_links_an_id_as_reverse_does(name, pk):
    from django.urls import reverse

    from jahesh.core.templatetags.jahesh import pk_url

    assert pk_url(name, pk) == reverse(name, args=[pk])


def test_it_reverses_a_url_argument_that_is_not_an_id():
    from django.urls import NoReverseMatch

    from jahesh.core.templatetags.jahesh import pk_url

    assert pk_url("units:detail", "12") == "/units/12/"
    with pytest.raises(NoReverseMatch):
        pk_url("units:detail", "x")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("0.5"), "۰٫۵"),  # «۰٫۵ ماه حقوق معوق», not «۰.۵»
        ("12.50", "۱۲٫۵۰"),  # floatformat's output
        (-1.25, "-۱٫۲۵"),
        (7, "۷"),
        ("1.2.3", "۱.۲.۳"),  # a code keeps its dots
        ("ab.12", "ab.۱۲"),
    ],
)
def test_it_writes_a_decimal_with_the_persian_separator_in_fa(value, shown):
    assert render("{{ v|fa }}", v=value) == shown
