"""Writing tables: XLSX (openpyxl write-only, right-to-left), CSV (UTF-8 with a
BOM), the import template with its «راهنما» sheet, and the Django responses.

Digits in data cells are Latin (ASCII), on purpose: a number written with
Persian digits is text to Excel and LibreOffice, so it cannot be summed,
filtered by value or sorted numerically; a Latin-digit number is a real
number, and a Persian-locale Excel shows it with Persian digits anyway.
Dates are Jalali text ``1403/01/15`` (zero-padded, Latin digits): Excel has
no Jalali date type, and zero-padded year/month/day text sorts in date order
and is read back by the importer. Headers and labels are Persian.
"""

from __future__ import annotations

import csv
import datetime
import enum
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from jahesh.core.tabular.columns import Column

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_MIN_WIDTH, _MAX_WIDTH = 10, 60
_jalali_cache: dict[datetime.date, str] = {}


def jalali_cell(value: datetime.date) -> str:
    """``1403/01/15`` (Latin digits; see the module docstring)."""
    if isinstance(value, datetime.datetime):
        from jahesh.core.jalali import format_jalali

        return format_jalali(value, with_time=True, persian_digits=False)
    text = _jalali_cache.get(value)
    if text is None:
        from jahesh.core.jalali import format_jalali

        text = format_jalali(value, persian_digits=False)
        if len(_jalali_cache) < 100_000:
            _jalali_cache[value] = text
    return text


def cell_value(value: Any) -> Any:
    """A Python value as an XLSX/CSV cell: numbers stay numbers, dates become
    Jalali text, booleans «بله»/«خیر», choices their label, the rest text."""
    kind = type(value)
    if value is None or kind is str or kind is int or kind is float or kind is Decimal:
        return value
    if kind is bool:
        return _("بله") if value else _("خیر")
    if isinstance(value, enum.Enum):  # a TextChoices/IntegerChoices member
        return str(getattr(value, "label", value.value))
    if isinstance(value, datetime.date):
        return jalali_cell(value)
    if isinstance(value, int | float | Decimal):
        return value
    return str(value)  # lazy translations, UUIDs, model instances


def _headers(columns: Sequence[Column | str]) -> list[str]:
    return [c.fa if isinstance(c, Column) else str(c) for c in columns]


def _row_cells(
    columns: Sequence[Column | str], row: Mapping[str, Any] | Sequence[Any]
) -> list[Any]:
    if isinstance(row, Mapping):
        return [
            c.to_cell(row.get(c.key)) if isinstance(c, Column) else cell_value(row.get(c))
            for c in columns
        ]
    return [
        c.to_cell(v) if isinstance(c, Column) else cell_value(v)
        for c, v in zip(columns, row, strict=False)
    ]


def _width(column: Column | str) -> float:
    if isinstance(column, Column) and column.width:
        return column.width
    header = column.fa if isinstance(column, Column) else str(column)
    example = str(column.example) if isinstance(column, Column) else ""
    return min(max(len(header) + 4, len(example) + 2, _MIN_WIDTH), _MAX_WIDTH)


def sheet_title(title: str) -> str:
    """A valid sheet name: at most 31 characters, none of []:*?/\\."""
    return _SHEET_TITLE_FORBIDDEN.sub(" ", str(title)).strip()[:31] or "Sheet1"


def _add_sheet(
    workbook: Any, columns: Sequence[Column | str], rows: Iterable[Any], *, title: str, rtl: bool
) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(sheet_title(title))
    sheet.sheet_view.rightToLeft = rtl
    sheet.freeze_panes = "A2"
    # Write-only sheets take their column widths before the first row.
    for i, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = _width(column)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="E8EEF7")
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    header_cells = []
    for header in _headers(columns):
        cell = _text_cell(sheet, header, WriteOnlyCell)
        cell.font, cell.fill, cell.alignment = bold, fill, centre
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        cells = _row_cells(columns, row)
        for i, value in enumerate(cells):
            if type(value) is str and value[:1] == "=":
                cells[i] = _text_cell(sheet, value, WriteOnlyCell)
        sheet.append(cells)


def _text_cell(sheet: Any, value: str, cell_class: Any) -> Any:
    """A string that starts with «=» kept as text: openpyxl would otherwise write
    it as a formula, and a name typed on the public portal as
    ``=HYPERLINK(…)`` would run in the officer's Excel (formula injection)."""
    cell = cell_class(sheet, value=value)
    cell.data_type = "s"
    return cell


def write_xlsx(
    columns: Sequence[Column | str],
    rows: Iterable[Mapping[str, Any] | Sequence[Any]],
    *,
    sheet_title: str = "داده‌ها",
    rtl: bool = True,
) -> bytes:
    """An XLSX of ``rows`` under Persian headers, right-to-left, header frozen.

    ``columns`` are :class:`Column` (cells through ``Column.to_cell``, so the
    file imports back) or plain header strings; each row is a mapping by
    column key (or header) or a sequence in column order. Rows are streamed
    (openpyxl write-only), so a 100,000-row export does not hold cell objects.
    """
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    _add_sheet(workbook, columns, rows, title=sheet_title, rtl=rtl)
    return _save(workbook)


def _save(workbook: Any) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_csv(
    columns: Sequence[Column | str], rows: Iterable[Mapping[str, Any] | Sequence[Any]]
) -> bytes:
    """A CSV of ``rows``: UTF-8 with a BOM (without it Excel shows Persian as
    mojibake), comma-separated, CRLF line ends, the same cells as ``write_xlsx``
    (text that would start a formula gets a leading apostrophe)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(_headers(columns))
    for row in rows:
        writer.writerow([_csv_cell(v) for v in _row_cells(columns, row)])
    return buffer.getvalue().encode("utf-8")


# Spreadsheet programs run a CSV cell starting with one of these as a formula
# (OWASP "CSV injection"); a leading apostrophe makes it text, and read_table
# takes the apostrophe off again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if type(value) is str and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_template(columns: Sequence[Column], *, sheet_title: str = "داده‌ها") -> bytes:
    """The import template: the headers and one example row, then a «راهنما» sheet
    saying, column by column, what each cell accepts."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    example = {c.key: c.example for c in columns}
    _add_sheet(
        workbook,
        [c.fa for c in columns],
        [[example[c.key] for c in columns]],
        title=sheet_title,
        rtl=True,
    )
    guide_headers = [_("ستون"), _("عنوان انگلیسی"), _("الزامی"), _("چه بنویسید"), _("نمونه")]
    guide_rows: list[list[Any]] = [
        [c.fa, c.en, _("بله") if c.required else _("خیر"), c.hint(), c.example] for c in columns
    ]
    guide_rows += [
        [],
        [_("نکته‌ها")],
        [_("سطر اول برگه «%(sheet)s» عنوان ستون‌هاست؛ داده‌ها از سطر دوم.") % {"sheet": sheet_title}],
        [_("عنوان ستون را فارسی یا انگلیسی بنویسید؛ ترتیب ستون‌ها مهم نیست.")],
        [_("رقم‌ها را فارسی، عربی یا انگلیسی بنویسید؛ جداکننده هزارگان مجاز است.")],
        [_("تاریخ‌ها شمسی‌اند، مانند 1403/01/15 یا ۱۴۰۳/۱/۱۵.")],
        [_("ردیف‌های خالی نادیده گرفته می‌شوند؛ ردیف‌های نادرست با شماره ردیف و دلیل گزارش می‌شوند.")],
        [_("بارگذاری دوباره همان پرونده چیز تازه‌ای نمی‌سازد؛ ردیف‌های موجود به‌روز می‌شوند.")],
    ]
    _add_sheet(workbook, guide_headers, guide_rows, title=_("راهنما"), rtl=True)
    return _save(workbook)


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    """A download of ``data`` as ``filename`` (Persian names via RFC 5987 ``filename*``)."""
    return _download(data, filename, XLSX_CONTENT_TYPE)


def csv_response(data: bytes, filename: str) -> HttpResponse:
    return _download(data, filename, CSV_CONTENT_TYPE)


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Content-Length"] = str(len(data))
    return response
