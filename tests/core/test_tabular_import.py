"""The import driver: created/updated/unchanged/refused counts, idempotent
re-imports, dry runs that write nothing, row-level refusals from handlers,
and the refused rows handed back as a spreadsheet to fix."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook

from jahesh.core.errors import Conflict
from jahesh.core.tabular import (
    REASON_HEADER,
    SOURCE_ROW_HEADER,
    Column,
    Outcome,
    Row,
    integer,
    read_table,
    run_import,
    text,
)
from jahesh.core.text import normalize_key
from jahesh.geo.models import Province

COLUMNS = [
    Column("id", "شناسه", "Id", required=True, parse=integer(min=1, max=99)),
    Column("name", "نام استان", "Province", required=True, parse=text(max_length=50)),
    Column("code", "کد", "Code", parse=text(max_length=5)),
]

ROWS = [
    ["شناسه", "نام استان", "کد"],
    ["۲۸", "مركزي", "0"],  # 2
    ["8", "تهران", "23"],  # 3
    [None, None, None],  # 4: blank
    ["abc", "قم", "25"],  # 5: bad id
    ["4", "اصفهان", "10"],  # 6
]


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def province_upsert(row: Row) -> Outcome:
    """A handler as an app writes one: match on the natural key, then create or update."""
    values = row.values
    if values["name"] == "اصفهان" and values.get("code") == "10":
        raise ValidationError({"code": "کد اصفهان ۱۰ نیست؛ کد درست را بنویسید."})
    fields = {
        "name": values["name"],
        "name_key": normalize_key(values["name"]),
        "code": values.get("code") or "",
    }
    province = Province.objects.filter(pk=values["id"]).first()
    if province is None:
        Province.objects.create(pk=values["id"], **fields)
        return Outcome.CREATED
    if all(getattr(province, k) == v for k, v in fields.items()):
        return Outcome.UNCHANGED
    Province.objects.filter(pk=province.pk).update(**fields)
    return Outcome.UPDATED


def read(rows: list[list[object]] = ROWS):
    return read_table(xlsx(rows), filename="provinces.xlsx", columns=COLUMNS)


@pytest.mark.django_db
def test_it_imports_valid_rows_and_reports_refused_ones():
    report = run_import(read(), handle_row=province_upsert)

    assert sorted(Province.objects.values_list("id", "name", "code")) == [
        (8, "تهران", "23"),
        (28, "مرکزی", "0"),
    ]
    assert report.as_dict() == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "refused": 2,
        "skipped_blank": 1,
        "errors": [
            {
                "row": 5,
                "column": "شناسه",
                "message": "«abc» عدد نیست؛ یک عدد با رقم بنویسید، مانند ۱۲۰.",
            },
            {"row": 6, "column": "کد", "message": "کد اصفهان ۱۰ نیست؛ کد درست را بنویسید."},
        ],
        "error_count": 2,
        "warnings": [],
        "dry_run": False,
    }
    assert (
        report.summary()
        == "۲ ردیف ساخته شد، ۰ ردیف به‌روز شد، ۰ ردیف بی‌تغییر، ۲ ردیف رد شد، ۱ ردیف خالی نادیده گرفته شد."
    )


@pytest.mark.django_db
def test_it_creates_nothing_new_when_the_same_file_is_imported_again():
    run_import(read(), handle_row=province_upsert)
    changed = [row[:] for row in ROWS]
    changed[2][2] = "24"

    again = run_import(read(ROWS), handle_row=province_upsert)
    third = run_import(read(changed), handle_row=province_upsert)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert (third.created, third.updated, third.unchanged) == (0, 1, 1)
    assert Province.objects.count() == 2
    assert Province.objects.get(pk=8).code == "24"


@pytest.mark.django_db
def test_it_reports_a_dry_run_in_full_and_writes_nothing():
    report = run_import(read(), handle_row=province_upsert, dry_run=True)

    assert (report.created, report.refused, report.dry_run) == (2, 2, True)
    assert [e.row for e in report.errors] == [5, 6]
    assert Province.objects.count() == 0
    assert report.summary().startswith("۲ ردیف ساخته می‌شود، ۰ ردیف به‌روز می‌شود")


@pytest.mark.django_db
def test_it_counts_a_repeated_row_as_an_update_in_a_dry_run_as_in_a_real_run():
    rows = [ROWS[0], ["8", "تهران", "23"], ["8", "تهران", "24"]]

    preview = run_import(read(rows), handle_row=province_upsert, dry_run=True, batch_size=1)
    real = run_import(read(rows), handle_row=province_upsert, batch_size=1)

    assert (preview.created, preview.updated) == (real.created, real.updated) == (1, 1)


@pytest.mark.django_db
def test_it_undoes_the_half_written_row_a_handler_refuses():
    def handler(row: Row) -> Outcome:
        Province.objects.create(pk=row.values["id"], name=row.values["name"], name_key="x")
        if row.values["name"] == "تهران":
            raise Conflict("این استان همین حالا به دست کاربر دیگری تغییر کرد؛ دوباره بفرستید.")
        return Outcome.CREATED

    report = run_import(read(ROWS[:3]), handle_row=handler)

    assert list(Province.objects.values_list("id", flat=True)) == [28]
    assert [e.as_dict() for e in report.errors] == [
        {
            "row": 3,
            "column": "",
            "message": "این استان همین حالا به دست کاربر دیگری تغییر کرد؛ دوباره بفرستید.",
        }
    ]


@pytest.mark.django_db
def test_it_replays_a_failed_batch_row_by_row_so_only_the_bad_row_is_refused():
    calls: list[int] = []

    def handle_batch(rows: list[Row]) -> list[Outcome]:
        calls.append(len(rows))
        return [province_upsert(row) for row in rows]

    report = run_import(read(), handle_batch=handle_batch, batch_size=100)

    assert calls == [3, 1, 1, 1]  # the batch of three failed on Isfahan, then one by one
    assert (report.created, report.refused) == (2, 2)
    assert sorted(Province.objects.values_list("id", flat=True)) == [8, 28]


@pytest.mark.django_db
def test_it_lets_a_batch_handler_refuse_rows_without_raising():
    seen: list[list[int]] = []

    def handle_batch(rows: list[Row]) -> list[Outcome]:
        seen.append([r.number for r in rows])
        outcomes = []
        for row in rows:
            if row.values["id"] == 8:
                row.refuse("تهران را این فهرست نمی‌پذیرد.", key="name")
                outcomes.append(Outcome.REFUSED)
            else:
                outcomes.append(Outcome.UNCHANGED)
        return outcomes

    report = run_import(read(), handle_batch=handle_batch, batch_size=2)

    assert seen == [[2, 3], [6]]
    assert report.unchanged == 2
    assert [e.as_dict() for e in report.errors][0] == {
        "row": 3,
        "column": "نام استان",
        "message": "تهران را این فهرست نمی‌پذیرد.",
    }


def test_it_gives_back_the_refused_rows_to_fix_and_upload_again(db):
    report = run_import(read(), handle_row=province_upsert)

    data = report.error_rows_xlsx()

    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.sheet_view.rightToLeft is True
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        [SOURCE_ROW_HEADER, REASON_HEADER, "شناسه", "نام استان", "کد"],
        [5, "شناسه: «abc» عدد نیست؛ یک عدد با رقم بنویسید، مانند ۱۲۰.", "abc", "قم", "25"],
        [6, "کد: کد اصفهان ۱۰ نیست؛ کد درست را بنویسید.", "4", "اصفهان", "10"],
    ]

    # The user fixes the cells and uploads the same file: the two extra columns are ignored.
    workbook = load_workbook(io.BytesIO(data))
    workbook.active["C2"] = "10"
    workbook.active["E3"] = "11"
    buffer = io.BytesIO()
    workbook.save(buffer)
    reader = read_table(buffer.getvalue(), filename="refused.xlsx", columns=COLUMNS)
    fixed = run_import(reader, handle_row=province_upsert)

    assert reader.warnings == []
    assert (fixed.created, fixed.refused) == (2, 0)
    assert Province.objects.count() == 4


@pytest.mark.django_db
def test_it_reports_progress_after_each_batch_and_at_the_end():
    calls: list[tuple[int, int | None]] = []

    run_import(
        read(),
        handle_row=province_upsert,
        batch_size=1,
        progress=lambda done, total: calls.append((done, total)),
    )

    assert calls == [(1, 5), (2, 5), (5, 5), (5, 5)]
