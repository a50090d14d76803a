"""Writing tables: XLSX (right-to-left, through the streaming writer of
``xlsx``), CSV (UTF-8 with a BOM), the import template with its «راهنما»
sheet, and the Django responses.

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
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from jahesh.core.tabular.columns import Column, cell_value
from jahesh.core.tabular.xlsx import Sheet, write_workbook

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_MIN_WIDTH, _MAX_WIDTH = 10, 60


def _headers(columns: Sequence[Column | str]) -> list[str]:
    return [c.fa if isinstance(c, Column) else str(c) for c in columns]


def _row_writer(columns: Sequence[Column | str]) -> Callable[[Any], list[Any]]:
    """row → list of cells, with each column's converter looked up once."""
    keys = [c.key if isinstance(c, Column) else c for c in columns]
    writers = [c.cell_writer() if isinstance(c, Column) else cell_value for c in columns]
    pairs = list(zip(keys, writers, strict=True))

    def cells(row: Mapping[str, Any] | Sequence[Any]) -> list[Any]:
        if isinstance(row, Mapping):
            get = row.get
            return [write(get(key)) for key, write in pairs]
        return [write(v) for write, v in zip(writers, row, strict=False)]

    return cells


def _width(column: Column | str) -> float:
    if isinstance(column, Column) and column.width:
        return column.width
    header = column.fa if isinstance(column, Column) else str(column)
    example = str(column.example) if isinstance(column, Column) else ""
    return min(max(len(header) + 4, len(example) + 2, _MIN_WIDTH), _MAX_WIDTH)


def sheet_title(title: str) -> str:
    """A valid sheet name: at most 31 characters, none of []:*?/\\."""
    return _SHEET_TITLE_FORBIDDEN.sub(" ", str(title)).strip()[:31] or "Sheet1"


def sheet(
    columns: Sequence[Column | str],
    rows: Iterable[Mapping[str, Any] | Sequence[Any]],
    *,
    title: str,
    rtl: bool = True,
    wrap_columns: Iterable[int] = (),
) -> Sheet:
    """A sheet of ``rows`` under the Persian headers of ``columns`` (for
    ``write_workbook`` when an export needs more than one sheet)."""
    return Sheet(
        title=sheet_title(title),
        headers=_headers(columns),
        rows=map(_row_writer(columns), rows),
        widths=[_width(c) for c in columns],
        rtl=rtl,
        wrap_columns=frozenset(wrap_columns),
    )


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
    into the file (``xlsx.write_workbook``), so a queryset's ``iterator()``
    exports 100,000 rows without holding them. Text is written as text, never
    as a formula, whatever it starts with.
    """
    return write_workbook([sheet(columns, rows, title=sheet_title, rtl=rtl)])


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
    for cells in map(_row_writer(columns), rows):
        writer.writerow([_csv_cell(v) for v in cells])
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
    example = [[cell_value(c.example) if c.example != "" else None for c in columns]]
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
    guide = sheet(guide_headers, guide_rows, title=_("راهنما"), wrap_columns=(3,))
    guide.widths = [24, 20, 8, 50, 24]
    return write_workbook([sheet([c.fa for c in columns], example, title=sheet_title), guide])


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    """A download of ``data`` as ``filename`` (Persian names via RFC 5987 ``filename*``)."""
    return _download(data, filename, XLSX_CONTENT_TYPE)


def csv_response(data: bytes, filename: str) -> HttpResponse:
    return _download(data, filename, CSV_CONTENT_TYPE)


def table_response(
    columns: Sequence[Column | str], rows: Any, *, fmt: str, name: str, sheet_title: str
) -> HttpResponse:
    """The table as a download: CSV when ``fmt`` is ``"csv"``, else XLSX (one
    sheet, ``sheet_title``); the file is ``name`` with the format's extension."""
    if fmt == "csv":
        return csv_response(write_csv(columns, rows), f"{name}.csv")
    return xlsx_response(write_xlsx(columns, rows, sheet_title=sheet_title), f"{name}.xlsx")


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Content-Length"] = str(len(data))
    return response
