from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jahesh.core.errors import InvalidInput
from jahesh.core.tabular import write_xlsx
from jahesh.projects.importing import COLUMNS, import_services
from jahesh.projects.models import DirectService

HEADERS = [
    "نوع خدمت",
    "تاریخ ارائه",
    "شهرستان",
    "روستا",
    "تعداد",
    "ارزش واحد (ریال)",
    "زن ۱۸ تا ۵۹",
    "کد ملی بهره‌مندان",
]
ROWS = [
    [
        "ویزیت پزشکی",
        "۱۴۰۴/۰۲/۱۰",
        "اراک",
        "روستای اراک",
        40,
        2_500_000,
        25,
        "0081234562، 0639876544",
    ],
    ["دندان‌پزشکی", "1404/13/01", "اراک", "", 5, 1_000, 0, ""],
    ["بستهٔ غذایی", "۱۴۰۴/۰۲/۱۰", "ساوه", "", 5, 1_000, 0, ""],
    ["بستهٔ غذایی", "۱۴۰۴/۰۲/۱۰", "اراک", "", 0, 1_000, 0, ""],
    ["دامپزشکی", "۱۴۰۴/۰۲/۱۱", "اراک", "روستای ساوه", 3, 1_000, 0, ""],
    ["مشاوره", "۱۴۰۴/۰۲/۱۱", "اراک", "", 3, 1_000, 0, "0081234561"],
    [
        "ویزیت پزشکی",
        "۱۴۰۴/۰۲/۱۰",
        "اراک",
        "روستای اراک",
        40,
        2_500_000,
        25,
        "0081234562، 0639876544",
    ],
]


def _xlsx(rows=ROWS) -> bytes:
    return write_xlsx(HEADERS, rows)


def test_it_imports_good_rows_and_reports_each_bad_row_exactly(users, clock):
    report = import_services(_xlsx(), filename="services.xlsx", user=users["arak"])
    assert (report.created, report.unchanged, report.refused) == (1, 1, 5)
    assert [e.as_dict() for e in report.errors] == [
        {
            "row": 3,
            "column": "تاریخ ارائه",
            "message": "ماه باید بین ۱ و ۱۲ باشد؛ ۱۳ وارد شده؛ «1404/13/01» نوشته شده.",
        },
        {
            "row": 4,
            "column": "شهرستان",
            "message": "شهرستان «ساوه» پیدا نشد یا در حوزهٔ دسترسی شما نیست.",
        },
        {"row": 5, "column": "تعداد", "message": "عدد باید دست\u200cکم ۱ باشد؛ ۰ وارد شده."},
        {
            "row": 6,
            "column": "روستا",
            "message": "روستای «روستای ساوه» در شهرستان «اراک» پیدا نشد.",
        },
        {
            "row": 7,
            "column": "کد ملی بهره\u200cمندان",
            "message": "«0081234561»: رقم کنترل کد ملی درست نیست؛ کد را دوباره از روی کارت ملی بخوانید",
        },
    ]
    service = DirectService.objects.get()
    assert (service.kind, service.delivered_on, service.county_id, service.village_id) == (
        "medical",
        datetime.date(2025, 4, 30),
        19,
        1,
    )
    assert (service.value_rial, service.female_adults) == (100_000_000, 25)
    assert sorted(service.people.values_list("national_code", flat=True)) == [
        "0081234562",
        "0639876544",
    ]


def test_a_dry_run_reports_but_records_nothing(users, clock):
    report = import_services(_xlsx(), filename="services.xlsx", user=users["arak"], dry_run=True)
    assert (report.created, report.refused) == (1, 5)
    assert DirectService.objects.count() == 0


def test_importing_the_same_file_twice_records_it_once(users, clock):
    import_services(_xlsx(ROWS[:1]), filename="a.xlsx", user=users["arak"])
    report = import_services(_xlsx(ROWS[:1]), filename="a.xlsx", user=users["arak"])
    assert (report.created, report.unchanged) == (0, 1)
    assert DirectService.objects.count() == 1


def test_it_refuses_a_file_without_the_required_columns(users, clock):
    data = write_xlsx(["نام", "سن"], [["x", 1]])
    with pytest.raises(InvalidInput):
        import_services(data, filename="bad.xlsx", user=users["arak"])


def test_the_template_has_every_column(client_for, users):
    import io

    from openpyxl import load_workbook

    response = client_for(users["projects"]).get(reverse("projects:service_import_template"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    headers = [str(c.value).rstrip("*").strip() for c in sheet[1] if c.value]
    assert len(headers) == len(COLUMNS)
    assert {"نوع خدمت", "تاریخ ارائه", "شهرستان", "تعداد"} <= set(headers)


def test_the_import_page_previews_row_errors_then_confirms(client_for, users, clock):
    client = client_for(users["arak"])
    upload = SimpleUploadedFile("services.xlsx", _xlsx())
    preview = client.post(reverse("projects:service_import"), {"file": upload})
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "پیش‌نمایش" in html
    assert "شهرستان «ساوه» پیدا نشد یا در حوزهٔ دسترسی شما نیست." in html
    assert DirectService.objects.count() == 0
    done = client.post(reverse("projects:service_import"), {"token": preview.context["token"]})
    assert done.status_code == 200
    assert "شهرستان «ساوه» پیدا نشد یا در حوزهٔ دسترسی شما نیست." in done.content.decode()
    assert DirectService.objects.count() == 1


def test_the_import_page_is_closed_to_anonymous_and_viewers(client, client_for, users):
    assert client.get(reverse("projects:service_import")).status_code == 302
    assert client_for(users["viewer"]).get(reverse("projects:service_import")).status_code == 403


def test_the_import_command_records_services_and_prints_row_errors(users, clock, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    path = tmp_path / "services.xlsx"
    path.write_bytes(_xlsx())
    out = StringIO()
    call_command("import", "services", str(path), "--user", "arak", stdout=out, stderr=StringIO())
    assert DirectService.objects.count() == 1
    assert "ردیف 4، شهرستان: شهرستان «ساوه» پیدا نشد یا در حوزهٔ دسترسی شما نیست." in (
        out.getvalue()
    )
