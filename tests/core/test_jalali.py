from __future__ import annotations

import datetime

import jdatetime
import pytest
import time_machine
from hypothesis import assume, given
from hypothesis import strategies as st

from jahesh.core.digits import to_ascii_digits
from jahesh.core.errors import InvalidInput
from jahesh.core.jalali import (
    JALALI_MONTHS,
    add_jalali_months,
    format_jalali,
    format_jalali_long,
    format_jalali_month,
    from_jalali,
    is_jalali_leap,
    jalali_days_in_month,
    jalali_month_of,
    jalali_month_range,
    jalali_quarter_of,
    jalali_quarter_range,
    jalali_today,
    jalali_year_of,
    jalali_year_range,
    last_jalali_years,
    parse_date_any,
    parse_jalali,
    to_jalali,
)

D = datetime.date
UTC = datetime.UTC

# reference/jalali.md: Nowruz in Gregorian and whether 30 Esfand exists.
NOWRUZ = {
    1394: (D(2015, 3, 21), False),
    1395: (D(2016, 3, 20), True),
    1398: (D(2019, 3, 21), False),
    1399: (D(2020, 3, 20), True),
    1402: (D(2023, 3, 21), False),
    1403: (D(2024, 3, 20), True),
    1404: (D(2025, 3, 21), False),
    1405: (D(2026, 3, 21), False),
    1406: (D(2027, 3, 21), False),
    1407: (D(2028, 3, 20), False),
    1408: (D(2029, 3, 20), True),
}


@pytest.mark.parametrize(("year", "nowruz", "leap"), [(y, n, lp) for y, (n, lp) in NOWRUZ.items()])
def test_it_knows_nowruz_and_leap_years(year, nowruz, leap):
    assert from_jalali(year, 1, 1) == nowruz
    assert jalali_year_range(year)[0] == nowruz
    assert is_jalali_leap(year) is leap
    assert jalali_days_in_month(year, 12) == (30 if leap else 29)


def test_it_puts_the_next_leap_year_after_1403_at_1408():
    assert [y for y in range(1403, 1410) if is_jalali_leap(y)] == [1403, 1408]
    with pytest.raises(InvalidInput, match="اسفند ۱۴۰۷ ۲۹ روز دارد"):
        from_jalali(1407, 12, 30)
    assert from_jalali(1408, 12, 30) == D(2030, 3, 20)


def test_it_dates_the_article():
    assert from_jalali(1399, 8, 4) == D(2020, 10, 25)
    assert format_jalali(D(2020, 10, 25)) == "۱۳۹۹/۰۸/۰۴"
    assert format_jalali_long(D(2020, 10, 25)) == "۴ آبان ۱۳۹۹"


def test_it_runs_a_year_from_nowruz_to_the_next_nowruz():
    assert jalali_year_range(1403) == (D(2024, 3, 20), D(2025, 3, 21))
    assert jalali_year_range(1402) == (D(2023, 3, 21), D(2024, 3, 20))
    assert jalali_year_of(D(2024, 3, 19)) == 1402
    assert jalali_year_of(D(2024, 3, 20)) == 1403


def test_it_gives_months_their_lengths():
    assert [jalali_days_in_month(1402, m) for m in range(1, 13)] == [31] * 6 + [30] * 5 + [29]
    assert [jalali_days_in_month(1403, m) for m in range(1, 13)] == [31] * 6 + [30] * 5 + [30]
    for m in range(1, 13):
        start, end = jalali_month_range(1403, m)
        assert (end - start).days == jalali_days_in_month(1403, m)


def test_it_computes_quarters_from_nowruz():
    assert jalali_quarter_range(1403, 1) == (D(2024, 3, 20), D(2024, 6, 21))
    assert jalali_quarter_range(1403, 4) == (D(2024, 12, 21), D(2025, 3, 21))
    assert jalali_quarter_range(1404, 4)[1] == D(2026, 3, 21)
    assert jalali_quarter_of(D(2024, 6, 20)) == (1403, 1)
    assert jalali_quarter_of(D(2024, 6, 21)) == (1403, 2)
    assert jalali_quarter_of(D(2025, 3, 20)) == (1403, 4)
    with pytest.raises(InvalidInput, match="فصل باید بین ۱ و ۴ باشد"):
        jalali_quarter_range(1403, 5)


def test_it_computes_the_month_of_a_date():
    assert jalali_month_of(D(2024, 9, 21)) == (1403, 6)
    assert jalali_month_range(1403, 12) == (D(2025, 2, 19), D(2025, 3, 21))


@pytest.mark.parametrize(
    "typed", ["۱۴۰۳/۰۱/۱۵", "1403/1/15", "1403-01-15", "١٤٠٣/٠١/١٥", " 1403/01/15 ", "۱۴۰۳-۱-۱۵"]
)
def test_it_parses_every_way_people_type_a_date(typed):
    assert parse_jalali(typed) == D(2024, 4, 3)


def test_it_passes_date_values_through():
    assert parse_jalali(D(2024, 4, 3)) == D(2024, 4, 3)
    assert parse_jalali(jdatetime.date(1403, 1, 15)) == D(2024, 4, 3)
    # 2024-04-02 21:00 UTC is 00:30 on 3 April in Tehran.
    assert parse_jalali(datetime.datetime(2024, 4, 2, 21, 0, tzinfo=UTC)) == D(2024, 4, 3)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1402/12/30", "اسفند ۱۴۰۲ ۲۹ روز دارد"),
        ("1403/07/31", "مهر ۱۴۰۳ ۳۰ روز دارد"),
        ("1403/13/01", "ماه باید بین ۱ و ۱۲ باشد؛ ۱۳ وارد شده"),
        ("1403/00/01", "ماه باید بین ۱ و ۱۲ باشد؛ ۰ وارد شده"),
        ("1403/01/32", "روز باید بین ۱ و ۳۱ باشد؛ ۳۲ وارد شده"),
        ("1403/01/00", "روز باید بین ۱ و ۳۱ باشد؛ ۰ وارد شده"),
        ("2024/04/03", "سال ۲۰۲۴ در تقویم شمسی نیست"),
        ("15/01/1403", "تاریخ را به شکل ۱۴۰۳/۰۱/۱۵ وارد کنید"),
        ("", "تاریخ را به شکل ۱۴۰۳/۰۱/۱۵ وارد کنید"),
        (None, "تاریخ را به شکل ۱۴۰۳/۰۱/۱۵ وارد کنید"),
        ("فردا", "تاریخ را به شکل ۱۴۰۳/۰۱/۱۵ وارد کنید"),
    ],
)
def test_it_says_what_is_wrong_with_a_date(typed, message):
    with pytest.raises(InvalidInput) as caught:
        parse_jalali(typed)
    assert message in str(caught.value.message)
    assert caught.value.status_code == 422


def test_it_parses_any_date_for_clis_and_imports():
    assert parse_date_any("2024-04-03") == D(2024, 4, 3)
    assert parse_date_any("2024/04/03") == D(2024, 4, 3)
    assert parse_date_any("2024-04-03T10:00:00") == D(2024, 4, 3)
    assert parse_date_any("۱۴۰۳/۰۱/۱۵") == D(2024, 4, 3)
    assert parse_date_any(D(2024, 4, 3)) == D(2024, 4, 3)
    with pytest.raises(InvalidInput, match="2023-02-29"):
        parse_date_any("2023-02-29")
    with pytest.raises(InvalidInput, match="اسفند ۱۴۰۲ ۲۹ روز دارد"):
        parse_date_any("1402-12-30")
    with pytest.raises(InvalidInput, match="2024-03-20"):
        parse_date_any("yesterday")


def test_it_formats_dates():
    assert format_jalali(D(2024, 4, 3)) == "۱۴۰۳/۰۱/۱۵"
    assert format_jalali(D(2024, 4, 3), persian_digits=False) == "1403/01/15"
    assert format_jalali(None) == ""
    assert format_jalali("") == ""
    assert format_jalali("2024-04-03") == "۱۴۰۳/۰۱/۱۵"
    assert format_jalali(jdatetime.date(1403, 1, 15)) == "۱۴۰۳/۰۱/۱۵"
    assert format_jalali(D(2024, 4, 3), with_time=True) == "۱۴۰۳/۰۱/۱۵"


def test_it_formats_aware_datetimes_in_tehran_time():
    # 20:45 UTC on 19 March 2024 is 00:15 on 1 Farvardin 1403 in Tehran (UTC+3:30).
    moment = datetime.datetime(2024, 3, 19, 20, 45, tzinfo=UTC)
    assert format_jalali(moment) == "۱۴۰۳/۰۱/۰۱"
    assert format_jalali(moment, with_time=True) == "۱۴۰۳/۰۱/۰۱ ۰۰:۱۵"
    assert format_jalali(moment, with_time=True, persian_digits=False) == "1403/01/01 00:15"
    assert to_jalali(moment) == jdatetime.date(1403, 1, 1)


def test_it_names_the_months():
    assert len(JALALI_MONTHS) == 12
    assert JALALI_MONTHS[0] == "فروردین"
    assert JALALI_MONTHS[11] == "اسفند"
    assert format_jalali_long(from_jalali(1403, 12, 30)) == "۳۰ اسفند ۱۴۰۳"
    assert format_jalali_month(1403, 7) == "مهر ۱۴۰۳"
    assert format_jalali_long(None) == ""


def test_it_adds_months_clamping_the_day():
    assert add_jalali_months(from_jalali(1403, 6, 31), 1) == from_jalali(1403, 7, 30)
    assert add_jalali_months(from_jalali(1402, 11, 30), 1) == from_jalali(1402, 12, 29)
    assert add_jalali_months(from_jalali(1403, 11, 30), 1) == from_jalali(1403, 12, 30)
    assert add_jalali_months(from_jalali(1403, 1, 15), -1) == from_jalali(1402, 12, 15)
    assert add_jalali_months(from_jalali(1403, 1, 31), -2) == from_jalali(1402, 11, 30)
    assert add_jalali_months(from_jalali(1403, 5, 10), 0) == from_jalali(1403, 5, 10)
    assert add_jalali_months(from_jalali(1403, 5, 10), 24) == from_jalali(1405, 5, 10)


def test_it_schedules_the_loans_md_due_dates():
    # A loan disbursed on 31 Shahrivar 1403: due on 30 Mehr … 30 Esfand 1403, then 31 Farvardin 1404.
    disbursed = from_jalali(1403, 6, 31)
    dues = [
        format_jalali(add_jalali_months(disbursed, k), persian_digits=False) for k in range(1, 8)
    ]
    assert dues == [
        "1403/07/30",
        "1403/08/30",
        "1403/09/30",
        "1403/10/30",
        "1403/11/30",
        "1403/12/30",
        "1404/01/31",
    ]


def test_it_windows_the_last_five_jalali_years():
    as_of = from_jalali(1404, 8, 4)
    assert last_jalali_years(as_of, 5) == (from_jalali(1399, 8, 4), as_of)
    leap_day = from_jalali(1403, 12, 30)
    assert last_jalali_years(leap_day, 5) == (from_jalali(1398, 12, 29), leap_day)
    assert last_jalali_years(leap_day, 1)[0] == from_jalali(1402, 12, 29)


@time_machine.travel(datetime.datetime(2024, 3, 19, 20, 45, tzinfo=UTC), tick=False)
def test_it_knows_today_in_tehran():
    # Still 19 March in UTC, already 1 Farvardin 1403 in Tehran.
    assert jalali_today() == D(2024, 3, 20)


def test_it_round_trips_every_day_of_1390_to_1420():
    day, end = jalali_year_range(1390)[0], jalali_year_range(1420)[1]
    count = 0
    while day < end:
        text = format_jalali(day)
        assert parse_jalali(text) == day
        assert format_jalali(day, persian_digits=False) == to_ascii_digits(text)
        day += datetime.timedelta(days=1)
        count += 1
    assert count == (end - jalali_year_range(1390)[0]).days > 11_000


dates = st.dates(min_value=D(1990, 1, 1), max_value=D(2060, 12, 31))
months = st.integers(min_value=-240, max_value=240)


@given(dates, months, months)
def test_it_adds_months_associatively_when_no_clamping_happens(day, a, b):
    assume(to_jalali(day).day <= 29)
    assert add_jalali_months(add_jalali_months(day, a), b) == add_jalali_months(day, a + b)


@given(dates, months, months)
def test_it_adds_months_within_a_clamp_of_the_direct_sum(day, a, b):
    stepped = add_jalali_months(add_jalali_months(day, a), b)
    direct = add_jalali_months(day, a + b)
    # Clamping can only pull the stepped date earlier in the same month, by at most 2 days.
    assert jalali_month_of(stepped) == jalali_month_of(direct)
    assert 0 <= (direct - stepped).days <= 2


@given(dates, months)
def test_it_moves_by_whole_months(day, n):
    before, after = to_jalali(day), to_jalali(add_jalali_months(day, n))
    assert (after.year * 12 + after.month) - (before.year * 12 + before.month) == n
    assert after.day == min(before.day, jalali_days_in_month(after.year, after.month))


digit_system = st.sampled_from(["ascii", "persian", "arabic"])
separator = st.sampled_from(["/", "-"])


@given(
    st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 12, 31)),
    digit_system,
    separator,
    st.booleans(),
)
def test_it_parses_all_digit_systems_and_separators(day, system, sep, padded):
    j = to_jalali(day)
    fmt = "{:02}" if padded else "{}"
    text = sep.join([str(j.year), fmt.format(j.month), fmt.format(j.day)])
    table = {"ascii": "0123456789", "persian": "۰۱۲۳۴۵۶۷۸۹", "arabic": "٠١٢٣٤٥٦٧٨٩"}[system]
    text = text.translate(str.maketrans("0123456789", table))
    assert parse_jalali(text) == day


def test_it_agrees_with_the_conversion_on_every_leap_year():
    # The leap rule (for validating 30 Esfand) and the date conversion must never disagree.
    for year in range(1200, 1700):
        start, end = jalali_year_range(year)
        assert (end - start).days == (366 if is_jalali_leap(year) else 365), year
