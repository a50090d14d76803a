"""Reading messy spreadsheets and CSVs: headers in either language, Persian and
Arabic letters and digits, blank rows, bad cells reported with the row number
the spreadsheet shows, its header and a Persian reason."""

from __future__ import annotations

import datetime
import io

import pytest
from openpyxl import Workbook

from jahesh.core.errors import InvalidInput
from jahesh.core.tabular import (
    CellError,
    Column,
    choice,
    integer,
    jalali_date,
    money_rials,
    read_table,
    text,
)

STATUS = {
    "active": ("فعال", "Active"),
    "closed": ("تعطیل", "Closed"),
    "at_risk": ("در معرض تعطیلی", "At risk"),
}


def unit_columns() -> list[Column]:
    return [
        Column("name", "نام واحد", "Unit name", required=True, parse=text(max_length=100)),
        Column("workers", "تعداد کارکنان", "Workers", parse=integer(min=0, max=10_000)),
        Column("status", "وضعیت", "Status", required=True, parse=choice(STATUS)),
        Column("visited_on", "تاریخ بازدید", "Visit date", parse=jalali_date()),
        Column(
            "sales", "فروش سالانه (ریال)", "Annual sales", parse=money_rials(), aliases=("فروش",)
        ),
    ]


def xlsx(rows: list[list[object]], *, title: str = "واحدها") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


MESSY = [
    # Header: English for one column, Arabic yeh/kaf in another, stray spaces, an unknown column.
    ["  نام واحد ", "Workers", "وضعيت", "تاریخ  بازدید", "فروش", "یادداشت"],
    ["شركت  ريسندگي اراک", "۱۲۰", "فعال", "۱۴۰۳/۰۱/۱۵", "۱٬۵۰۰٬۰۰۰", "x"],  # row 2: Persian digits
    [
        "کارخانه قند",
        "٣٤",
        " Closed ",
        "1403-1-5",
        "2,000,000",
        None,
    ],  # row 3: Arabic digits, English label
    [None, None, None, None, None, None],  # row 4: blank
    ["   ", None, "", None, None, None],  # row 5: only spaces — blank too
    [
        "لبنیات مرکزی",
        "12000",
        "فعال",
        "1402/12/30",
        None,
        None,
    ],  # row 6: too big, no 30 Esfand 1402
    [
        "نساجی",
        7,
        "ورشکسته",
        datetime.date(2024, 3, 20),
        5,
        None,
    ],  # row 7: unknown choice; Excel date
    [None, "5", "فعال", None, None, "note"],  # row 8: missing required name
    ["آجر  پزی", 12.0, "در معرض تعطيلي", "١٤٠٣/٠١/١٥", "12.5", None],  # row 9: fractional rials
]


def test_it_reads_a_messy_spreadsheet_with_exact_rows_headers_and_values():
    reader = read_table(xlsx(MESSY), filename="واحدها.xlsx", columns=unit_columns())

    rows = list(reader)

    assert reader.format == "xlsx"
    assert reader.header_row == 1
    assert reader.present == {
        "name": "نام واحد",
        "workers": "Workers",
        "status": "وضعيت",
        "visited_on": "تاریخ بازدید",
        "sales": "فروش",
    }
    assert reader.warnings == ["ستون «یادداشت» شناخته نشد و خوانده نشد."]
    assert reader.blank_rows == 2
    assert [r.number for r in rows] == [2, 3, 6, 7, 8, 9]
    assert rows[0].values == {
        "name": "شرکت ریسندگی اراک",
        "workers": 120,
        "status": "active",
        "visited_on": datetime.date(2024, 4, 3),
        "sales": 1_500_000,
    }
    assert rows[0].errors == []
    assert rows[1].values == {
        "name": "کارخانه قند",
        "workers": 34,
        "status": "closed",
        "visited_on": datetime.date(2024, 3, 24),
        "sales": 2_000_000,
    }
    assert rows[5].values["status"] == "at_risk"
    assert rows[5].values["workers"] == 12


def test_it_reports_each_refused_cell_with_its_row_header_and_reason():
    reader = read_table(xlsx(MESSY), filename="units.xlsx", columns=unit_columns())

    errors = [e for row in reader for e in row.errors]

    assert errors == [
        CellError(6, "Workers", "عدد باید حداکثر ۱۰٬۰۰۰ باشد؛ ۱۲٬۰۰۰ وارد شده."),
        CellError(6, "تاریخ بازدید", "اسفند ۱۴۰۲ ۲۹ روز دارد؛ «1402/12/30» نوشته شده."),
        CellError(
            7,
            "وضعيت",
            "«ورشکسته» از گزینه‌ها نیست؛ یکی از این‌ها را بنویسید: فعال، تعطیل، در معرض تعطیلی.",
        ),
        CellError(8, "نام واحد", "«نام واحد» الزامی است؛ این خانه را پر کنید."),
        CellError(
            9,
            "فروش",
            "«12.5» مبلغ نیست؛ مبلغ را با رقم و بدون اعشار بنویسید، مانند ۱۵۰۰۰۰۰۰.",
        ),
    ]


def test_it_reads_the_same_messy_table_from_a_csv():
    lines = [
        ",".join(f'"{c}"' if c is not None else "" for c in row[:5])
        for row in MESSY
        if not isinstance(row[3], datetime.date)
    ]
    data = ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")

    reader = read_table(data, filename="units.csv", columns=unit_columns())
    rows = list(reader)

    assert reader.format == "csv"
    assert [r.number for r in rows] == [2, 3, 6, 7, 8]
    assert rows[0].values["name"] == "شرکت ریسندگی اراک"
    assert rows[0].values["sales"] == 1_500_000
    assert [(e.row, e.column) for r in rows for e in r.errors] == [
        (6, "Workers"),
        (6, "تاریخ بازدید"),
        (7, "نام واحد"),
        (8, "فروش"),
    ]


def test_it_reads_a_windows_1256_csv_with_semicolons():
    # Windows-1256 has no Persian ی/ک: such files carry the Arabic ي/ك.
    data = "نام واحد;وضعيت;تعداد كاركنان\r\nقند اراك;فعال;1 200\r\n".encode("cp1256")

    reader = read_table(data, filename="units.csv", columns=unit_columns())
    rows = list(reader)

    assert [(r.number, r.values) for r in rows] == [
        (2, {"name": "قند اراک", "status": "active", "workers": 1200})
    ]


def test_it_reads_a_tab_separated_utf16_file_as_excel_saves_unicode_text():
    data = "نام واحد\tوضعیت\r\nقند\tتعطیل\r\n".encode("utf-16")

    rows = list(read_table(data, filename="units.txt", columns=unit_columns()))

    assert rows[0].values == {"name": "قند", "status": "closed"}


def test_it_names_missing_required_columns_in_persian():
    data = xlsx([["Workers", "تاریخ بازدید"], [3, "1403/01/01"]])

    with pytest.raises(InvalidInput) as caught:
        read_table(data, filename="units.xlsx", columns=unit_columns())

    assert str(caught.value) == (
        "این ستون‌های الزامی در پرونده نیست: «نام واحد»، «وضعیت». آن‌ها را به سطر عنوان‌ها "
        "(سطر ۱) اضافه کنید یا قالب را دریافت کنید و داده‌ها را در آن بنویسید."
    )
    assert [e["field"] for e in caught.value.errors] == ["name", "status"]


def test_it_finds_a_header_below_a_title_and_keeps_spreadsheet_row_numbers():
    data = xlsx([["فهرست واحدهای تولیدی استان مرکزی"], [], ["نام واحد", "وضعیت"], ["قند", "فعال"]])

    reader = read_table(data, filename="units.xlsx", columns=unit_columns())
    rows = list(reader)

    assert reader.header_row == 3
    assert [(r.number, r.values) for r in rows] == [(4, {"name": "قند", "status": "active"})]


def test_it_counts_rows_from_a1_when_the_data_starts_lower_right():
    workbook = Workbook()
    sheet = workbook.active
    sheet["C3"], sheet["D3"] = "نام واحد", "وضعیت"
    sheet["C5"], sheet["D5"] = "قند", "bogus"
    buffer = io.BytesIO()
    workbook.save(buffer)

    rows = list(read_table(buffer.getvalue(), filename="u.xlsx", columns=unit_columns()))

    assert [(e.row, e.column) for r in rows for e in r.errors] == [(5, "وضعیت")]


def test_it_refuses_a_file_that_is_not_a_table():
    with pytest.raises(InvalidInput) as caught:
        read_table(b"%PDF-1.7 ...", filename="report.pdf", columns=unit_columns())
    assert "اکسل یا CSV نیست" in str(caught.value)

    with pytest.raises(InvalidInput) as caught:
        read_table(b"PK\x03\x04broken zip", filename="units.xlsx", columns=unit_columns())
    assert "خوانده نشد" in str(caught.value)

    with pytest.raises(InvalidInput) as caught:
        read_table(b"", filename="units.csv", columns=unit_columns())
    assert str(caught.value) == "پرونده «units.csv» خالی است."


def test_it_explains_a_file_without_any_known_header():
    with pytest.raises(InvalidInput) as caught:
        read_table(b"a,b\n1,2\n", filename="x.csv", columns=unit_columns())

    assert str(caught.value).startswith(
        "عنوان ستون‌ها پیدا نشد؛ سطر اول پرونده باید عنوان ستون‌ها باشد، مانند: «نام واحد»"
    )


def test_it_reads_a_named_sheet_and_names_the_sheets_when_it_is_missing():
    workbook = Workbook()
    workbook.active.append(["something else"])
    other = workbook.create_sheet("داده‌ها")
    other.append(["نام واحد", "وضعیت"])
    other.append(["قند", "فعال"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    rows = list(
        read_table(buffer.getvalue(), filename="u.xlsx", columns=unit_columns(), sheet="داده ها")
    )
    assert rows[0].values == {"name": "قند", "status": "active"}

    with pytest.raises(InvalidInput) as caught:
        read_table(buffer.getvalue(), filename="u.xlsx", columns=unit_columns(), sheet="واحدها")
    assert str(caught.value) == "برگه «واحدها» در پرونده نیست؛ برگه‌های پرونده: «Sheet»، «داده‌ها»."


def test_it_reads_a_file_object_such_as_an_upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("u.xlsx", xlsx([["نام واحد", "وضعیت"], ["قند", "فعال"]]))
    upload.read(3)  # a view may have peeked at it

    reader = read_table(upload, filename=upload.name, columns=unit_columns())

    assert reader.total_rows == 1
    assert [r.values["name"] for r in reader] == ["قند"]


def test_it_warns_about_a_repeated_column_and_reads_the_first():
    data = "نام واحد,وضعیت,Name\nقند,فعال,دیگر\n".encode()

    reader = read_table(data, filename="u.csv", columns=unit_columns())
    rows = list(reader)

    assert rows[0].values["name"] == "قند"
    assert reader.warnings == ["ستون «Name» دو بار آمده است؛ فقط اولی خوانده شد."]


def test_it_reads_a_csv_saved_as_xls_and_refuses_an_html_one():
    data = "نام واحد,وضعیت\nقند,فعال\n".encode()

    rows = list(read_table(data, filename="export.xls", columns=unit_columns()))

    assert [r.values for r in rows] == [{"name": "قند", "status": "active"}]
    with pytest.raises(InvalidInput) as caught:
        read_table(
            b"<html><table><tr><td>x</td></tr></table>",
            filename="export.xls",
            columns=unit_columns(),
        )
    assert str(caught.value) == (
        "پرونده «export.xls» اکسل یا CSV نیست؛ آن را در اکسل باز کنید و با قالب "
        "«Excel Workbook (xlsx)» یا «CSV UTF-8» ذخیره کنید و دوباره بفرستید."
    )


def test_it_reads_a_header_without_data_as_no_rows():
    reader = read_table(xlsx([["نام واحد", "وضعیت"]]), filename="u.xlsx", columns=unit_columns())

    assert (list(reader), reader.total_rows, reader.blank_rows) == ([], 0, 0)
