"""Reading an uploaded spreadsheet or CSV into parsed rows.

``read_table`` decides the format from the file's first bytes (a ZIP is
xlsx/ods, an OLE container is xls, anything else is text) and its extension,
finds the header row, maps headers to columns, and returns a
:class:`TableReader`. Iterating the reader yields one :class:`Row` per
non-blank data row, its cells parsed, its problems listed as
:class:`CellError` with the row number the spreadsheet shows (the header is
row 1 in a normal file).

Spreadsheets are read with python-calamine (Rust; 10–20× faster than
openpyxl's reader), row by row, so a 100,000-row file never becomes
100,000 ``Row`` objects at once.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any, BinaryIO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook, PasswordError

from jahesh.core.digits import to_persian_digits
from jahesh.core.errors import ApplicationError, InvalidInput
from jahesh.core.tabular.columns import Column, _message, header_key
from jahesh.core.tabular.limits import rows_check, unreadable, workbook_check
from jahesh.core.text import listed, normalize_key

SPREADSHEET_EXTENSIONS = frozenset({"xlsx", "xlsm", "xlsb", "xls", "ods"})
TEXT_EXTENSIONS = frozenset({"csv", "tsv", "txt"})
ACCEPT = ".xlsx,.xls,.ods,.csv"  # for <input type="file" accept=…>

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CSV_DELIMITERS = (",", ";", "\t", "|")
# How many rows above the header we accept (a title, a date, a blank line).
_HEADER_SEARCH_ROWS = 10

# Columns that error_rows_xlsx adds in front of the refused rows; a fixed
# file read back ignores them without a warning.
SOURCE_ROW_HEADER = "ردیف در پرونده اصلی"
REASON_HEADER = "دلیل رد"
_META_HEADERS = frozenset({header_key(SOURCE_ROW_HEADER), header_key(REASON_HEADER)})


@dataclass(frozen=True, slots=True)
class CellError:
    """A refused cell or row: ``column`` is the header as written in the file
    (``""`` when the problem is the row as a whole)."""

    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


class Row:
    """One data row. ``values`` holds the parsed value of every column present in
    the file (``None`` for a blank cell; a column missing from the file is
    absent, so an update can leave that field alone)."""

    __slots__ = ("number", "values", "cells", "errors", "reader")

    def __init__(
        self,
        number: int,
        values: dict[str, Any],
        cells: Sequence[Any],
        errors: list[CellError],
        reader: TableReader | None = None,
    ) -> None:
        self.number = number
        self.values = values
        self.cells = cells
        self.errors = errors
        self.reader = reader

    def __repr__(self) -> str:
        return f"Row({self.number}, {self.values!r}, errors={self.errors!r})"

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def raw(self) -> dict[str, Any]:
        """The cells as read, by column key."""
        if self.reader is None:
            return {}
        n = len(self.cells)
        return {
            key: (self.cells[i] if i < n else "") for key, i in self.reader.column_index.items()
        }

    def header(self, key: str | None) -> str:
        """The header of column ``key`` as written in the file (``""`` if none)."""
        if key is None or self.reader is None:
            return ""
        return self.reader.present.get(key) or self.reader.column_label(key)

    def refuse(self, message: Any, *, key: str | None = None) -> None:
        """Record why this row cannot be imported (``key``: the column at fault)."""
        self.errors.append(CellError(self.number, self.header(key), str(message)))


class TableReader:
    """An opened table: its header mapping, then its rows when iterated (once).

    Attributes: ``format`` ("xlsx", "xls", "ods", "csv"…), ``header_row``
    (spreadsheet number of the header row), ``headers`` (header cells as
    written), ``present`` ({key: header as written}), ``warnings`` (Persian),
    ``total_rows`` (data rows below the header, blank ones included; an
    estimate for CSV, for progress bars), and while/after iterating
    ``rows_read`` and ``blank_rows``.
    """

    def __init__(
        self,
        rows: Iterator[tuple[int, Sequence[Any]]],
        *,
        columns: Sequence[Column],
        filename: str,
        format: str,
        total_height: int | None,
    ) -> None:
        self.filename = filename
        self.format = format
        self.columns = {c.key: c for c in columns}
        self.warnings: list[str] = []
        self.rows_read = 0
        self.blank_rows = 0
        self._consumed = False
        header_number, header_cells, rest = _find_header(rows, columns)
        self.header_row = header_number
        self.headers = [_header_text(c) for c in header_cells]
        self.column_index = self._map_headers(columns)
        self.present = {key: self.headers[i] for key, i in self.column_index.items()}
        self.total_rows = None if total_height is None else max(total_height - header_number, 0)
        self._rows = rest
        rows_check(self.total_rows, filename=filename)
        self._check_required(columns)

    # -- header mapping --------------------------------------------------------

    def _map_headers(self, columns: Sequence[Column]) -> dict[str, int]:
        by_key = _header_lookup(columns)
        index: dict[str, int] = {}
        for i, header in enumerate(self.headers):
            hkey = header_key(header)
            if not hkey or hkey in _META_HEADERS:
                continue
            column = by_key.get(hkey)
            if column is None:
                self.warnings.append(
                    _("ستون «%(header)s» شناخته نشد و خوانده نشد.") % {"header": header}
                )
            elif column.key in index:
                self.warnings.append(
                    _("ستون «%(header)s» دو بار آمده است؛ فقط اولی خوانده شد.") % {"header": header}
                )
            else:
                index[column.key] = i
        return index

    def _check_required(self, columns: Sequence[Column]) -> None:
        missing = [c for c in columns if c.required and c.key not in self.column_index]
        if not missing:
            return
        names = listed(f"«{c.fa}»" for c in missing)
        raise InvalidInput(
            _(
                "این ستون‌های الزامی در پرونده نیست: %(names)s. آن‌ها را به سطر عنوان‌ها "
                "(سطر %(row)s) اضافه کنید یا قالب را دریافت کنید و داده‌ها را در آن بنویسید."
            )
            % {"names": names, "row": to_persian_digits(self.header_row)},
            errors=[
                {"field": c.key, "message": _("ستون «%(name)s» الزامی است.") % {"name": c.fa}}
                for c in missing
            ],
        )

    def column_label(self, key: str) -> str:
        column = self.columns.get(key)
        return column.fa if column else key

    # -- rows ------------------------------------------------------------------

    def __iter__(self) -> Iterator[Row]:
        if self._consumed:
            raise RuntimeError("a TableReader can be iterated once")
        self._consumed = True
        # (position in file row, key, header, parser, required), in file order so
        # a row's errors come in the order the user reads the columns.
        plan = sorted(
            (i, key, self.headers[i], self.columns[key].parse, self.columns[key].required)
            for key, i in self.column_index.items()
        )
        for number, cells in self._rows:
            self.rows_read += 1
            row = _parse_row(number, cells, plan)
            if row is None:
                self.blank_rows += 1
                continue
            row.reader = self
            yield row


def _parse_row(
    number: int, cells: Sequence[Any], plan: list[tuple[int, str, str, Any, bool]]
) -> Row | None:
    """Parse one row's cells; ``None`` when every mapped cell is blank."""
    n = len(cells)
    values: dict[str, Any] = {}
    errors: list[CellError] = []
    missing: list[str] = []
    blank = True
    for i, key, header, parse, required in plan:
        value = cells[i] if i < n else None
        # calamine gives "" for an empty cell; test the type first (comparing a
        # float with "" is the slow path of ==).
        if type(value) is str:
            value = value.strip()
            if not value:
                values[key] = None
                if required:
                    missing.append(header)
                continue
        elif value is None:
            values[key] = None
            if required:
                missing.append(header)
            continue
        blank = False
        try:
            values[key] = parse(value)
        except (ValueError, ValidationError, ApplicationError) as error:
            values[key] = None
            errors.append(CellError(number, header, _message(error)))
    if blank:
        return None
    if missing:
        errors.extend(
            CellError(
                number,
                header,
                _("«%(header)s» الزامی است؛ این خانه را پر کنید.") % {"header": header},
            )
            for header in missing
        )
        order = {p[2]: p[0] for p in plan}
        errors.sort(key=lambda e: order.get(e.column, 0))
    return Row(number, values, cells, errors)


def _header_text(cell: Any) -> str:
    if cell is None:
        return ""
    if type(cell) is float and cell.is_integer():
        cell = int(cell)
    return " ".join(str(cell).split())


def _header_lookup(columns: Iterable[Column]) -> dict[str, Column]:
    lookup: dict[str, Column] = {}
    for column in columns:
        for hkey in column.header_keys():
            lookup.setdefault(hkey, column)
    return lookup


def _find_header(
    rows: Iterator[tuple[int, Sequence[Any]]], columns: Sequence[Column]
) -> tuple[int, Sequence[Any], Iterator[tuple[int, Sequence[Any]]]]:
    """The header row: among the first non-blank rows, the one naming the most
    columns (a title or a date above the header is skipped)."""
    lookup = _header_lookup(columns)
    seen: list[tuple[int, Sequence[Any]]] = []
    best: tuple[int, int] | None = None  # (columns named, index in seen)
    non_blank = 0
    for number, cells in rows:
        seen.append((number, cells))
        texts = [_header_text(c) for c in cells]
        if not any(texts):
            continue
        non_blank += 1
        named = len({lookup[k].key for k in map(header_key, texts) if k in lookup})
        if named and (best is None or named > best[0]):
            best = (named, len(seen) - 1)
        if (best is not None and best[0] == len(columns)) or non_blank >= _HEADER_SEARCH_ROWS:
            break
    if best is None:
        if not non_blank:
            raise InvalidInput(
                _("پرونده خالی است؛ سطر اول باید عنوان ستون‌ها باشد و پس از آن داده‌ها.")
            )
        expected = listed(f"«{c.fa}»" for c in columns)
        raise InvalidInput(
            _(
                "عنوان ستون‌ها پیدا نشد؛ سطر اول پرونده باید عنوان ستون‌ها باشد، مانند: %(expected)s. "
                "قالب را دریافت کنید و داده‌ها را در آن بنویسید."
            )
            % {"expected": expected}
        )
    number, header = seen[best[1]]
    return number, header, chain(seen[best[1] + 1 :], rows)


# -- opening files --------------------------------------------------------------


def read_table(
    file: Any,
    *,
    filename: str,
    columns: Sequence[Column],
    sheet: str | int | None = None,
) -> TableReader:
    """Open ``file`` (bytes, a path, or a binary file object such as an
    ``UploadedFile``) as a table of ``columns``.

    Raises InvalidInput (Persian) for an unreadable file, a missing header row,
    a missing sheet or missing required columns.
    """
    extension = Path(filename).suffix.lower().lstrip(".")
    stream = _as_stream(file)
    head = stream.read(8)
    stream.seek(0)
    if not head:
        raise InvalidInput(_("پرونده «%(name)s» خالی است.") % {"name": filename})
    if head.startswith(_ZIP_MAGIC):
        workbook_check(stream, filename=filename)
    if head.startswith(_ZIP_MAGIC) or head.startswith(_OLE_MAGIC):
        return _read_spreadsheet(
            stream, filename=filename, extension=extension, columns=columns, sheet=sheet
        )
    if extension in SPREADSHEET_EXTENSIONS or extension not in TEXT_EXTENSIONS | {""}:
        data = stream.read(512).lower()
        if extension in SPREADSHEET_EXTENSIONS and not (b"<html" in data or b"<table" in data):
            # A CSV renamed to .xls (some systems export that way): read it as CSV.
            stream.seek(0)
            return _read_csv(stream.read(), filename=filename, columns=columns)
        raise InvalidInput(
            _(
                "پرونده «%(name)s» اکسل یا CSV نیست؛ آن را در اکسل باز کنید و با قالب "
                "«Excel Workbook (xlsx)» یا «CSV UTF-8» ذخیره کنید و دوباره بفرستید."
            )
            % {"name": filename}
        )
    return _read_csv(stream.read(), filename=filename, columns=columns)


def _as_stream(file: Any) -> BinaryIO:
    if isinstance(file, bytes | bytearray | memoryview):
        return io.BytesIO(bytes(file))
    if isinstance(file, str | os.PathLike):
        # Read into memory (an upload-sized file): no handle is left open
        # while the rows are iterated later.
        return io.BytesIO(Path(file).read_bytes())
    if hasattr(file, "seek"):
        file.seek(0)
    stream: BinaryIO = file
    return stream


def _read_spreadsheet(
    stream: BinaryIO,
    *,
    filename: str,
    extension: str,
    columns: Sequence[Column],
    sheet: str | int | None,
) -> TableReader:
    data_sheet = _open_sheet(stream, filename=filename, sheet=sheet)
    # python-calamine's iter_rows() starts at the sheet's first row (A1) even
    # when the data starts lower, so enumerate gives the row numbers Excel shows
    # (tests/core/test_tabular_read.py pins this).
    end = data_sheet.end
    rows = enumerate(data_sheet.iter_rows(), start=1)
    fmt = extension if extension in SPREADSHEET_EXTENSIONS else "xlsx"
    return TableReader(
        rows,
        columns=columns,
        filename=filename,
        format=fmt,
        total_height=(end[0] + 1) if end else 0,
    )


def _open_sheet(stream: BinaryIO, *, filename: str, sheet: str | int | None) -> Any:

    try:
        return _pick_sheet(CalamineWorkbook.from_filelike(stream), sheet)
    except PasswordError:
        raise InvalidInput(
            _("پرونده «%(name)s» رمز دارد؛ رمز را بردارید و دوباره بفرستید.") % {"name": filename}
        ) from None
    except (CalamineError, ValueError, OSError):
        raise unreadable(filename) from None


def count_rows(file: Any, *, filename: str) -> int:
    """How many rows ``file`` has below a one-row header (blank ones counted; for
    CSV, lines), without parsing a cell: what decides whether an import answers
    in the request or runs as a job. The size limits are checked first."""
    stream = _as_stream(file)
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(_ZIP_MAGIC):
        workbook_check(stream, filename=filename)
    if head.startswith(_ZIP_MAGIC) or head.startswith(_OLE_MAGIC):
        end = _open_sheet(stream, filename=filename, sheet=None).end
        height = (end[0] + 1) if end else 0
    else:
        data = stream.read()
        height = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
    stream.seek(0)
    rows = max(height - 1, 0)
    rows_check(rows, filename=filename)
    return rows


def _pick_sheet(workbook: Any, sheet: str | int | None) -> Any:
    if isinstance(sheet, int):
        return workbook.get_sheet_by_index(sheet)
    if sheet is None:
        for index, meta in enumerate(workbook.sheets_metadata):
            if str(meta.visible).endswith("Visible") and str(meta.typ).endswith("WorkSheet"):
                return workbook.get_sheet_by_index(index)
        return workbook.get_sheet_by_index(0)

    wanted = normalize_key(sheet)
    for name in workbook.sheet_names:
        if normalize_key(name) == wanted:
            return workbook.get_sheet_by_name(name)
    raise InvalidInput(
        _("برگه «%(sheet)s» در پرونده نیست؛ برگه‌های پرونده: %(names)s.")
        % {"sheet": sheet, "names": listed(f"«{n}»" for n in workbook.sheet_names)}
    )


def decode_text(data: bytes) -> str:
    """CSV bytes as text: UTF-8 (with or without BOM), UTF-16 with a BOM (Excel's
    «Unicode Text»), else Windows-1256 (Excel's «CSV» on a Persian Windows)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1256", errors="replace")


def sniff_delimiter(text: str) -> str:
    """The delimiter of the first non-blank line among , ; tab | (comma on a tie)."""
    line = next((ln for ln in text.splitlines() if ln.strip()), "")
    counts = {d: line.count(d) for d in _CSV_DELIMITERS}
    best = max(_CSV_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


_ESCAPED_FORMULA_STARTS = frozenset("=+-@\t\r")


def _unescape_formulas(cells: list[str]) -> list[str]:
    """Take off the apostrophe write_csv puts before text that starts like a formula."""
    for i, cell in enumerate(cells):
        if cell[:1] == "'" and cell[1:2] in _ESCAPED_FORMULA_STARTS and len(cell) > 1:
            cells[i] = cell[1:]
    return cells


def _read_csv(data: bytes, *, filename: str, columns: Sequence[Column]) -> TableReader:
    text = decode_text(data)
    delimiter = sniff_delimiter(text)
    rows = enumerate(
        map(_unescape_formulas, csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)),
        start=1,
    )
    return TableReader(
        rows,
        columns=columns,
        filename=filename,
        format="csv",
        total_height=text.count("\n") + (0 if text.endswith("\n") else 1),
    )
