"""Importing a file of deprived villages/cities by code."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from jahesh.core.errors import InvalidInput
from jahesh.geo.models import City, Village
from jahesh.geo.services import geo_import_deprived


@pytest.fixture
def coded(geo):
    """Give the fixture's places real-looking codes: village 2 (Saveh), city 3 (Tehran)."""
    Village.objects.filter(pk=2).update(code="2806010001000002")
    Village.objects.filter(pk=3).update(code="2301010001000003")
    City.objects.filter(pk=3).update(code="2301012001")
    return geo


def _import(text: str, **kwargs):
    data = io.BytesIO(text.encode("utf-8"))
    return geo_import_deprived(file=data, filename="deprived.csv", **kwargs)


def test_it_marks_villages_and_cities_and_reports_unknown_codes_with_their_row(coded):
    report = _import("کد,شاخص محرومیت\n2806010001000002,12.5\n۲۳۰۱۰۱۲۰۰۱,\n123456,\n")

    assert Village.objects.get(pk=2).is_deprived
    assert Village.objects.get(pk=2).deprivation_index == Decimal("12.50")
    assert City.objects.get(pk=3).is_deprived  # Persian digits read too
    assert (report.rows, report.villages, report.cities, report.changed) == (3, 1, 1, 2)
    assert report.unknown == [(4, "123456")]
    assert report.messages() == ["ردیف ۴: کد «۱۲۳۴۵۶» در روستاها و شهرها پیدا نشد."]
    assert not report.ok


def test_it_reports_bad_cells_by_row_and_applies_the_rest(coded):
    report = _import("code;deprivation_index\nabc;1\n2806010001000002;بسیار\n2301010001000003;3\n")

    assert report.messages() == [
        "ردیف ۲: «abc» کد نیست؛ کد فقط رقم است.",
        "ردیف ۳: شاخص محرومیت «بسیار» عدد نیست یا بزرگ‌تر از ۹۹۹۹٫۹۹ است.",
    ]
    assert not Village.objects.get(pk=2).is_deprived
    assert Village.objects.get(pk=3).deprivation_index == Decimal("3.00")


def test_it_changes_nothing_in_a_dry_run(coded):
    report = _import("کد\n2806010001000002\n", dry_run=True)

    assert report.changed == 1
    assert not Village.objects.get(pk=2).is_deprived
    assert report.summary().startswith("آزمایشی")


def test_it_unmarks_and_keeps_the_index(coded):
    Village.objects.filter(pk=2).update(is_deprived=True, deprivation_index="4.00")

    report = _import("کد\n2806010001000002\n2806010001000002\n", mark=False)

    village = Village.objects.get(pk=2)
    assert not village.is_deprived and village.deprivation_index == Decimal("4.00")
    assert (report.changed, report.duplicates) == (1, 1)


def test_it_reads_a_headerless_file_and_a_spreadsheet(coded):
    assert _import("2806010001000002\n").villages == 1

    book = Workbook()
    book.active.append(["کد", "شاخص محرومیت"])
    book.active.append([2301010001000003, 7])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    report = geo_import_deprived(file=data, filename="deprived.xlsx")

    assert report.ok and report.villages == 1
    assert Village.objects.get(pk=3).deprivation_index == Decimal("7.00")


def test_it_refuses_a_file_without_a_code_column(coded):
    with pytest.raises(InvalidInput, match="ستون «کد» پیدا نشد"):
        _import("نام\nروستا\n")


def test_the_command_reports_and_honours_unmark_and_dry_run(coded, tmp_path, capsys):
    path = tmp_path / "deprived.csv"
    path.write_text("کد\n2806010001000002\n999\n", encoding="utf-8")

    call_command("import_deprived", str(path), "--dry-run")
    assert not Village.objects.get(pk=2).is_deprived
    call_command("import_deprived", str(path))
    assert Village.objects.get(pk=2).is_deprived
    call_command("import_deprived", str(path), "--unmark")
    assert not Village.objects.get(pk=2).is_deprived

    out = capsys.readouterr()
    assert "ردیف ۳: کد «۹۹۹»" in out.err
    with pytest.raises(CommandError):
        call_command("import_deprived", str(tmp_path / "missing.csv"))
