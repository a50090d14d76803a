"""The streaming XLSX writer: well-formed parts in the order Excel requires,
right-to-left sheets, text never written as a formula, numbers as numbers."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from xml.etree import ElementTree

from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from jahesh.core.tabular.xlsx import Sheet, column_letter, write_workbook

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def test_it_writes_well_formed_parts_that_excel_expects():
    data = write_workbook([Sheet("الف", ["a"], [[1]]), Sheet("ب", ["b"], [["x"]], rtl=False)])

    archive = zipfile.ZipFile(io.BytesIO(data))
    assert sorted(archive.namelist()) == [
        "[Content_Types].xml",
        "_rels/.rels",
        "xl/_rels/workbook.xml.rels",
        "xl/styles.xml",
        "xl/workbook.xml",
        "xl/worksheets/sheet1.xml",
        "xl/worksheets/sheet2.xml",
    ]
    for name in archive.namelist():
        ElementTree.fromstring(archive.read(name))  # raises if not well-formed
    sheet = ElementTree.fromstring(archive.read("xl/worksheets/sheet1.xml"))
    assert [child.tag.removeprefix(MAIN) for child in sheet] == [
        "sheetViews",
        "sheetFormatPr",
        "sheetData",
    ]
    assert sheet.find(f"{MAIN}sheetViews/{MAIN}sheetView").get("rightToLeft") == "1"
    other = ElementTree.fromstring(archive.read("xl/worksheets/sheet2.xml"))
    assert other.find(f"{MAIN}sheetViews/{MAIN}sheetView").get("rightToLeft") is None


def test_it_keeps_every_value_as_both_excel_readers_see_it():
    rows = [
        ["  فاصله‌دار ", 12, 2.5, Decimal("10.25"), None, "<b>&\"'", "=SUM(A1:A2)"],
        ["x\x00y\x1fz", 10**15, float("nan"), "", True, "خط۱\nخط۲", "x" * 40_000],
    ]
    data = write_workbook(
        [Sheet("داده‌ها", ["ا", "ب", "پ", "ت", "ث", "ج", "چ"], rows, widths=[30] * 7)]
    )

    sheet = load_workbook(io.BytesIO(data)).active
    got = [[c.value for c in row] for row in sheet.iter_rows()]
    assert got[1][:7] == ["  فاصله‌دار ", 12, 2.5, 10.25, None, "<b>&\"'", "=SUM(A1:A2)"]
    assert sheet["G2"].data_type == "s"
    assert got[2][:6] == ["xyz", 10**15, "nan", None, "True", "خط۱\nخط۲"]
    assert len(got[2][6]) == 32_767
    assert sheet.column_dimensions["A"].width == 30
    calamine = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    assert calamine.to_python()[1][:4] == ["  فاصله‌دار ", 12, 2.5, 10.25]


def test_it_names_columns_as_excel_does():
    assert [column_letter(i) for i in (0, 25, 26, 51, 52, 701, 702)] == [
        "A", "Z", "AA", "AZ", "BA", "ZZ", "AAA",
    ]  # fmt: skip
