"""Exports: right-to-left XLSX with Persian headers and Jalali dates, CSV with a
BOM, the import template and its guide sheet, downloads with Persian names."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

from django.db import models
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from jahesh.core.tabular import (
    Column,
    boolean,
    choice,
    csv_response,
    integer,
    jalali_date,
    money_rials,
    read_table,
    text,
    write_csv,
    write_template,
    write_xlsx,
    xlsx_response,
)


class Status(models.TextChoices):
    ACTIVE = "active", "فعال"
    CLOSED = "closed", "تعطیل"


COLUMNS = [
    Column("name", "نام واحد", "Unit name", required=True, parse=text(), example="ریسندگی اراک"),
    Column("status", "وضعیت", "Status", parse=choice(Status.choices), example="فعال"),
    Column("visited_on", "تاریخ بازدید", "Visit date", parse=jalali_date(), example="1403/01/15"),
    Column("workers", "تعداد کارکنان", "Workers", parse=integer(min=0), example=120),
    Column("sales", "فروش (ریال)", "Sales", parse=money_rials()),
    Column("exporter", "صادرکننده", "Exporter", parse=boolean()),
]

UNITS = [
    {
        "name": "ریسندگی اراک",
        "status": "active",
        "visited_on": datetime.date(2024, 4, 3),
        "workers": 120,
        "sales": 15_000_000_000,
        "exporter": True,
    },
    {
        "name": "قند",
        "status": "closed",
        "visited_on": None,
        "workers": 0,
        "sales": None,
        "exporter": False,
    },
]


def cells(data: bytes, sheet: int = 0) -> list[list[object]]:
    workbook = load_workbook(io.BytesIO(data))
    return [[c.value for c in row] for row in workbook.worksheets[sheet].iter_rows()]


def test_it_writes_a_right_to_left_sheet_with_persian_headers_and_jalali_dates():
    data = write_xlsx(COLUMNS, UNITS, sheet_title="واحدها")

    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.active
    assert sheet.title == "واحدها"
    assert sheet.sheet_view.rightToLeft is True
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b is True
    assert cells(data) == [
        ["نام واحد", "وضعیت", "تاریخ بازدید", "تعداد کارکنان", "فروش (ریال)", "صادرکننده"],
        ["ریسندگی اراک", "فعال", "1403/01/15", 120, 15_000_000_000, "بله"],
        ["قند", "تعطیل", None, 0, None, "خیر"],
    ]


def test_it_reads_back_what_it_exported():
    data = write_xlsx(COLUMNS, UNITS)

    rows = list(read_table(data, filename="units.xlsx", columns=COLUMNS))

    assert [r.values for r in rows] == [
        UNITS[0],
        {**UNITS[1], "visited_on": None, "sales": None},
    ]


def test_it_writes_plain_headers_and_sequences_with_typed_cells():
    when = datetime.datetime(2024, 4, 3, 6, 0, tzinfo=datetime.UTC)
    data = write_xlsx(
        ["نام", "زمان", "مبلغ", "وضعیت"],
        [["الف", when, Decimal("2.50"), Status.ACTIVE]],
        sheet_title="a/b:c",
    )

    workbook = load_workbook(io.BytesIO(data))
    assert workbook.active.title == "a b c"
    assert cells(data)[1] == ["الف", "1403/01/15 09:30", 2.5, "فعال"]


def test_it_writes_a_csv_with_a_bom_that_excel_opens_as_persian():
    data = write_csv(COLUMNS, UNITS)

    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").split("\r\n") == [
        "نام واحد,وضعیت,تاریخ بازدید,تعداد کارکنان,فروش (ریال),صادرکننده",
        "ریسندگی اراک,فعال,1403/01/15,120,15000000000,بله",
        "قند,تعطیل,,0,,خیر",
        "",
    ]
    assert [r.values["name"] for r in read_table(data, filename="u.csv", columns=COLUMNS)] == [
        "ریسندگی اراک",
        "قند",
    ]


def test_it_writes_a_template_with_an_example_row_and_a_guide():
    data = write_template(COLUMNS)

    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["داده‌ها", "راهنما"]
    assert all(sheet.sheet_view.rightToLeft for sheet in workbook.worksheets)
    assert cells(data) == [
        ["نام واحد", "وضعیت", "تاریخ بازدید", "تعداد کارکنان", "فروش (ریال)", "صادرکننده"],
        ["ریسندگی اراک", "فعال", "1403/01/15", 120, None, None],
    ]
    guide = cells(data, 1)
    assert guide[0] == ["ستون", "عنوان انگلیسی", "الزامی", "چه بنویسید", "نمونه"]
    assert guide[1] == ["نام واحد", "Unit name", "بله", "متن", "ریسندگی اراک"]
    assert guide[2] == ["وضعیت", "Status", "خیر", "یکی از: فعال، تعطیل", "فعال"]
    assert guide[3][3] == "تاریخ شمسی، مانند ۱۴۰۳/۰۱/۱۵"
    assert guide[4][3] == "عدد صحیح، دست‌کم ۰"
    # The example row is itself a valid import.
    rows = list(read_table(data, filename="template.xlsx", columns=COLUMNS))
    assert [r.errors for r in rows] == [[]]


def test_it_names_downloads_in_persian_with_an_rfc5987_filename():
    response = xlsx_response(b"data", "واحدهای مرکزی.xlsx")

    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%D9%88%D8%A7%D8%AD%D8%AF%D9%87%D8%A7%DB%8C%20"
        "%D9%85%D8%B1%DA%A9%D8%B2%DB%8C.xlsx"
    )
    plain = csv_response(b"a", "units.csv")
    assert plain["Content-Type"] == "text/csv; charset=utf-8"
    assert plain["Content-Disposition"] == 'attachment; filename="units.csv"'


ROUND_TRIP = [
    Column("name", "نام", "Name", parse=text(max_length=60)),
    Column("count", "تعداد", "Count", parse=integer()),
    Column("on", "تاریخ", "Date", parse=jalali_date()),
    Column("ok", "تأیید", "OK", parse=boolean()),
]
_words = st.text(alphabet="ابپتثجچحخدذرزسشصضطظعغفقکگلمنوهی ۰۱۲۳abc-", min_size=1, max_size=30)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "name": _words.map(lambda s: " ".join(s.split())).filter(bool),
                "count": st.integers(min_value=-(10**12), max_value=10**12),
                "on": st.dates(
                    min_value=datetime.date(1950, 1, 1), max_value=datetime.date(2060, 1, 1)
                ),
                "ok": st.booleans(),
            }
        ),
        min_size=1,
        max_size=5,
    ),
    st.sampled_from(["xlsx", "csv"]),
)
def test_it_reads_back_any_table_it_writes(rows, kind):
    data = write_xlsx(ROUND_TRIP, rows) if kind == "xlsx" else write_csv(ROUND_TRIP, rows)

    read = list(read_table(data, filename=f"t.{kind}", columns=ROUND_TRIP))

    assert [r.errors for r in read] == [[]] * len(rows)
    assert [r.values for r in read] == rows


def test_it_keeps_text_that_looks_like_a_formula_as_text():
    rows = [{"name": '=HYPERLINK("http://x")'}, {"name": "+98 912"}, {"name": "-"}]
    columns = [Column("name", "نام", "Name", parse=text())]

    xlsx_data = write_xlsx(columns, rows)
    csv_data = write_csv(columns, rows)

    sheet = load_workbook(io.BytesIO(xlsx_data)).active
    assert [(c.value, c.data_type) for c in sheet["A"][1:]] == [
        ('=HYPERLINK("http://x")', "s"),
        ("+98 912", "s"),
        ("-", "s"),
    ]
    assert csv_data.decode("utf-8-sig").split("\r\n")[1:4] == [
        '"\'=HYPERLINK(""http://x"")"',
        "'+98 912",
        "'-",
    ]
    for data, name in [(xlsx_data, "a.xlsx"), (csv_data, "a.csv")]:
        assert [r.values for r in read_table(data, filename=name, columns=columns)] == rows
