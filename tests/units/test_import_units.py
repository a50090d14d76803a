"""Importing a deliberately messy spreadsheet of units, twice."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from jahesh.units.importers import import_units
from jahesh.units.models import Unit

HEADERS = ["  نام   واحد ", "شناسه ملي", "Shahrestan", "County", "بخش اقتصادی", "ISIC", "تعداد كاركنان", "وضعیت",
           "تاریخ تأسیس", "Mobile", "نشانی"]  # fmt: skip

# Row numbers as the spreadsheet shows them: the header is row 1.
ROWS = [
    # 2: Arabic letters, Persian/Arabic digits, stray spaces, +98 mobile
    ["  شركت مي‌سازان   اراك ", "۱۰۳۸۰۲۸۴۷۹۰", None, "اراك", "صنعت", "۱۰۷۲", "٤٥", "فعال", "۱۳۹۰/۲/۵",
     "+989121234567", "اراک، شهرک صنعتی قطب"],
    # 3: blank (skipped)
    [None, "", None, "  ", None, None, None, None, None, None, None],
    # 4: English labels; an ISIC class typed into a number cell lost its leading zero
    ["Golkhaneh Omid", None, None, "اراك", "Agriculture", 111, 12, "Stalled", "1400-01-15", None, None],
    # 5: wrong check digit of the national ID
    ["کارخانه قند", "10380284791", None, "اراک", "صنعت", "1072", 80, "فعال", None, None, None],
    # 6: a county outside the officer's scope
    ["فولاد ساوه", None, None, "ساوه", "صنعت", "2410", 300, "فعال", None, None, None],
    # 7: no name
    [None, "10860224318", None, "اراک", "معدن", "0810", 5, "فعال", None, None, None],
    # 8: founded in the future
    ["دامداری فردا", None, None, "اراک", "کشاورزی", "0141", 3, "فعال", "1405/01/01", None, None],
    # 9: division 34 does not exist in ISIC Rev.4
    ["کارگاه بی‌کد", None, None, "اراک", "صنعت", "3410", 7, "فعال", None, None, None],
    # 10: negative employees
    ["کارگاه منفی", None, None, "اراک", "صنعت", "1410", "-3", "فعال", None, None, None],
    # 11: the unit of row 2 again, spelled differently (same key): nothing new
    ["شرکت می‌سازان اراک", "10380284790", None, "اراک", "صنعت", "1072", 45, "فعال", "1390/02/05",
     "09121234567", "اراک، شهرک صنعتی قطب"],
    # 12: no national ID, ZWNJ written as a space
    ["کارگاه  صنایع دستی  ۲", None, None, "شهرستان اراک", "صنایع دستی", None, "۳", None, "1395-07-01", None, None],
    # 13: «نیمه فعال» without the ZWNJ
    ["معدن سنگ", "10320007748", None, "اراک", "Mining", "0810", "1,200", "نیمه فعال", None, None, None],
    # 14: two bad cells in one row
    ["کارگاه دوخطا", None, None, "اراک", "صنعت", "1410", 4, "ورشکسته", None, "12345", None],
]  # fmt: skip

EXPECTED_ERRORS = [
    {"row": 5, "column": "شناسه ملي",
     "message": "رقم کنترل شناسه ملی درست نیست؛ شناسه را دوباره از روی آگهی ثبت بخوانید"},
    {"row": 6, "column": "County", "message": "شهرستان «ساوه» پیدا نشد یا در حوزهٔ کاری شما نیست."},
    {"row": 7, "column": "نام واحد", "message": "«نام واحد» الزامی است؛ این خانه را پر کنید."},
    {"row": 8, "column": "تاریخ تأسیس", "message": "تاریخ تأسیس نمی‌تواند در آینده باشد."},
    {"row": 9, "column": "ISIC",
     "message": "کد آیسیک «3410» معتبر نیست؛ ۲ تا ۴ رقم از ISIC ویرایش ۴ بنویسید (مانند ۱۰۷۲)."},
    {"row": 10, "column": "تعداد كاركنان", "message": "عدد باید دست‌کم ۰ باشد؛ -۳ وارد شده."},
    {"row": 14, "column": "وضعیت",
     "message": "«ورشکسته» از گزینه‌ها نیست؛ یکی از این‌ها را بنویسید: فعال، نیمه‌فعال، راکد، تعطیل."},
    {"row": 14, "column": "Mobile", "message": "شماره همراه با ۰۹ شروع می‌شود، مانند ۰۹۱۲۱۲۳۴۵۶۷"},
]  # fmt: skip


def _xlsx(rows=ROWS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _counts(report) -> tuple[int, int, int, int, int]:
    return report.created, report.updated, report.unchanged, report.refused, report.skipped_blank


def test_it_imports_a_messy_file_and_reports_each_refused_row(users, geo):
    report = import_units(_xlsx(), "units.xlsx", user=users["arak"])
    # created: rows 2, 4, 12, 13; unchanged: row 11 (row 2 again); refused: 5–10 and 14; blank: 3
    assert _counts(report) == (4, 0, 1, 7, 1)
    assert [e.as_dict() for e in report.errors] == EXPECTED_ERRORS
    assert report.warnings == ["ستون «Shahrestan» شناخته نشد و خوانده نشد."]
    units = {u.name: u for u in Unit.objects.all()}
    assert sorted(units) == sorted(
        ["شرکت می‌سازان اراک", "Golkhaneh Omid", "کارگاه صنایع دستی ۲", "معدن سنگ"]
    )
    first = units["شرکت می‌سازان اراک"]
    assert (
        first.national_id,
        first.county,
        first.sector,
        first.isic_code,
        first.employees,
        first.status,
        first.founded_on,
        first.owner_mobile,
        first.size,
    ) == (
        "10380284790",
        geo["arak"],
        "industry",
        "1072",
        45,
        "active",
        date(2011, 4, 25),
        "09121234567",
        "small",
    )
    greenhouse = units["Golkhaneh Omid"]
    assert (
        greenhouse.sector,
        greenhouse.isic_code,
        greenhouse.isic_section,
        greenhouse.status,
    ) == ("agriculture", "0111", "A", "stalled")
    mine = units["معدن سنگ"]
    assert (mine.status, mine.employees, mine.size) == ("partial", 1200, "large")
    record = first.history.get()
    assert (record.history_user, record.history_type, record.history_change_reason) == (
        users["arak"],
        "+",
        "ورود از پرونده units.xlsx",
    )
    assert (
        record.name,
        record.national_id,
        record.founded_on,
        record.county_id,
        record.created_at,
    ) == (first.name, first.national_id, first.founded_on, first.county_id, first.created_at)


def test_importing_the_same_file_twice_creates_nothing_new(users):
    import_units(_xlsx(), "units.xlsx", user=users["arak"])
    again = import_units(_xlsx(), "units.xlsx", user=users["arak"])
    assert _counts(again) == (0, 0, 5, 7, 1)
    assert [e.as_dict() for e in again.errors] == EXPECTED_ERRORS
    assert Unit.objects.count() == 4


def test_a_changed_file_updates_and_moves_the_status_through_its_history(users):
    import_units(_xlsx(), "units.xlsx", user=users["arak"])
    rows = [list(r) for r in ROWS]
    rows[0][6] = "50"  # row 2: employees 45 → 50
    rows[9][6] = "50"  # row 11 is the same unit
    rows[11][7] = "راکد"  # row 13: partial → stalled
    report = import_units(_xlsx(rows), "units-v2.xlsx", user=users["arak"])
    assert _counts(report) == (0, 2, 3, 7, 1)
    unit = Unit.objects.get(national_id="10380284790")
    assert (unit.employees, unit.size) == (50, "medium")
    mine = Unit.objects.get(national_id="10320007748")
    change = mine.status_changes.get()
    assert (change.from_status, change.to_status, change.reason, change.changed_by) == (
        "partial",
        "stalled",
        "ورود از پرونده units-v2.xlsx",
        users["arak"],
    )


def test_a_dry_run_reports_without_saving(users):
    report = import_units(_xlsx(), "units.xlsx", dry_run=True, user=users["arak"])
    assert _counts(report) == (4, 0, 1, 7, 1) and report.dry_run
    assert Unit.objects.count() == 0


def test_import_matches_never_reach_units_outside_the_scope(users, geo, make_unit):
    saveh = make_unit(
        name="کارخانه قند", county=geo["saveh"], national_id="10860224318", employees=10
    )
    rows = [
        ["کارخانه قند", None, None, "اراک", "صنعت", "1072", 80, "فعال", None, None, None],
        ["هر نامی", "10860224318", None, "اراک", "صنعت", "1072", 99, "فعال", None, None, None],
    ]
    report = import_units(_xlsx(rows), "units.xlsx", user=users["arak"])
    assert _counts(report) == (1, 0, 0, 1, 0)
    assert [e.as_dict() for e in report.errors] == [
        {
            "row": 3,
            "column": "شناسه ملي",
            "message": "این شناسه ملی برای واحدی بیرون از حوزهٔ کاری شما ثبت شده است؛ با ستاد استان هماهنگ کنید.",
        }
    ]
    saveh.refresh_from_db()
    assert (saveh.employees, saveh.county) == (10, geo["saveh"])
    assert Unit.objects.filter(name="کارخانه قند", county=geo["arak"]).count() == 1


def test_the_province_manager_imports_into_any_county_of_the_province(users, geo):
    rows = [
        ["فولاد ساوه", None, None, "ساوه", "صنعت", "2410", 300, "فعال", None, None, None],
        ["فولاد تهران", None, None, "تهران", "صنعت", "2410", 300, "فعال", None, None, None],
    ]
    report = import_units(_xlsx(rows), "units.xlsx", user=users["hq"])
    assert _counts(report) == (1, 0, 0, 1, 0)
    assert Unit.objects.get().county == geo["saveh"]


def test_a_csv_with_a_bom_and_persian_headers_imports_too(users):
    data = (
        "\ufeffنام واحد,شهرستان,بخش اقتصادی,کد آیسیک\r\nکارخانه قند,اراک,صنعت,0111\r\n,,,\r\n"
    ).encode()
    report = import_units(data, "units.csv", user=users["arak"])
    assert _counts(report) == (1, 0, 0, 0, 1)
    assert Unit.objects.get().isic_code == "0111"


def test_the_cli_imports_with_a_dry_run(users, tmp_path, capsys):
    path = tmp_path / "units.xlsx"
    path.write_bytes(_xlsx())
    call_command("import", "units", str(path), "--dry-run", "--user", "arak")
    out = capsys.readouterr().out
    assert "ردیف 5، شناسه ملي: رقم کنترل شناسه ملی درست نیست" in out
    assert out.strip().endswith(
        "۴ ردیف ساخته می‌شود، ۰ ردیف به‌روز می‌شود، ۱ ردیف بی‌تغییر، ۷ ردیف رد شد، ۱ ردیف خالی نادیده گرفته شد."
    )
    assert Unit.objects.count() == 0
    call_command("import", "units", str(path), "--user", "arak")
    assert Unit.objects.count() == 4


def test_the_cli_refuses_an_unknown_user_or_file(users, tmp_path):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="پیدا نشد"):
        call_command("import", "units", str(tmp_path / "nope.xlsx"))
    path = tmp_path / "units.xlsx"
    path.write_bytes(_xlsx())
    with pytest.raises(CommandError, match="کاربر «nobody» پیدا نشد"):
        call_command("import", "units", str(path), "--user", "nobody")


def test_rows_are_checked_by_unit_build_and_refused_in_their_columns(users, geo):
    """The import asks unit_create's rules (unit_build): a row without a county
    for a user of several counties is refused in the county column with the
    form's message, and a row with several problems reports each one."""
    rows = [
        ["بی‌شهرستان", None, None, None, "صنعت", "1072", 4, "فعال", None, None, None],
        ["کارگاه اراک", None, None, "اراک", "صنعت", "1072", 4, "فعال", None, None, None],
    ]
    report = import_units(_xlsx(rows), "units.xlsx", user=users["hq"])
    assert _counts(report) == (1, 0, 0, 1, 0)
    assert [e.as_dict() for e in report.errors] == [
        {"row": 2, "column": "County", "message": "شهرستان را انتخاب کنید."}
    ]
    (unit,) = Unit.objects.all()
    assert (unit.name, unit.county, unit.province_id, unit.created_by) == (
        "کارگاه اراک",
        geo["arak"],
        geo["markazi"].pk,
        users["hq"],
    )
