"""Reading a file of deprived villages and cities, and the report of an import.

The file is what a provincial planning office sends: one code per row under a
header «کد» (or "code"), optionally a «شاخص محرومیت» ("deprivation_index")
column. CSV (UTF-8, or Windows-1256 as Persian Excel saves it; comma,
semicolon or tab) and spreadsheets (XLSX, XLS, ODS) are read. A file without a
header row (its first cell is already a code) is read as codes in the first
column.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from jahesh.core.digits import to_ascii_digits, to_persian_digits
from jahesh.core.errors import InvalidInput
from jahesh.core.text import normalize_key

CODE_HEADERS = {normalize_key(h) for h in ("کد", "code", "کد روستا", "کد آبادی", "کد شهر")}
INDEX_HEADERS = {normalize_key(h) for h in ("شاخص محرومیت", "deprivation_index", "شاخص")}
SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".ods")
# The model's DecimalField(max_digits=6, decimal_places=2).
INDEX_LIMIT = Decimal("10000")


@dataclass
class DeprivedRow:
    number: int  # the row's number as a spreadsheet shows it (the header is row 1)
    code: str
    index: Decimal | None
    place_ids: dict[type, int] = field(default_factory=dict)


@dataclass
class DeprivedImportReport:
    mark: bool = True
    dry_run: bool = False
    rows: int = 0  # data rows with a code
    villages: int = 0  # rows found among villages
    cities: int = 0  # rows found among cities
    changed: int = 0  # places whose flag or index changed (or would, in a dry run)
    duplicates: int = 0  # a code listed again further down (the first row counts)
    unknown: list[tuple[int, str]] = field(default_factory=list)  # (row, code)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row, Persian message)

    @property
    def ok(self) -> bool:
        return not self.unknown and not self.errors

    def summary(self) -> str:
        """One Persian sentence for a message box or a console."""
        if self.dry_run:
            action = _("علامت محرومیت زده می‌شود") if self.mark else _("علامت محرومیت برداشته می‌شود")
        else:
            action = _("علامت محرومیت زده شد") if self.mark else _("علامت محرومیت برداشته شد")
        text = _(
            "{rows} ردیف خوانده شد؛ {villages} روستا و {cities} شهر پیدا شد؛ "
            "برای {changed} مورد {action}؛ {unknown} کد ناشناخته، {errors} ردیف نامعتبر"
        ).format(
            rows=fa(self.rows),
            villages=fa(self.villages),
            cities=fa(self.cities),
            changed=fa(self.changed),
            action=action,
            unknown=fa(len(self.unknown)),
            errors=fa(len(self.errors)),
        )
        if self.duplicates:
            text += _("، {n} کد تکراری").format(n=fa(self.duplicates))
        text += "."
        if self.dry_run:
            text = _("آزمایشی، چیزی ذخیره نشد: ") + text
        return text

    def messages(self) -> list[str]:
        """One Persian line per problem, in row order."""
        lines = [
            (
                number,
                _("ردیف {row}: کد «{code}» در روستاها و شهرها پیدا نشد.").format(
                    row=fa(number), code=fa(code)
                ),
            )
            for number, code in self.unknown
        ]
        lines += [(number, message) for number, message in self.errors]
        return [line for _number, line in sorted(lines, key=lambda item: item[0])]


def fa(value: Any) -> str:
    return to_persian_digits(value)


def read_deprived_rows(
    *, file: IO[bytes], filename: str, report: DeprivedImportReport
) -> list[DeprivedRow]:
    """The file's rows with a valid code; problems go into ``report.errors``."""
    table = _read_table(file, filename)
    if not table:
        raise InvalidInput(_("پرونده خالی است؛ ستونی با عنوان «کد» و یک کد در هر ردیف بفرستید."))
    code_col, index_col, first = _columns(table[0])
    rows: list[DeprivedRow] = []
    seen: set[str] = set()
    for number, cells in enumerate(table[first:], start=first + 1):
        row = _parse_row(number, cells, code_col, index_col, report)
        if row is None:
            continue
        report.rows += 1
        if row.code in seen:
            report.duplicates += 1
            continue
        seen.add(row.code)
        rows.append(row)
    return rows


def _read_table(file: IO[bytes], filename: str) -> list[list[Any]]:
    data = file.read()
    if filename.lower().endswith(SPREADSHEETS):
        try:
            sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
            return sheet.to_python(skip_empty_area=False)
        except Exception as exc:  # calamine raises its own error types for corrupt files
            raise InvalidInput(_("پروندهٔ صفحه‌گسترده خوانده نشد؛ آن را دوباره ذخیره کنید.")) from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1256", errors="replace")  # Excel's "CSV" in a Persian Windows
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count) if any(d in first_line for d in ",;\t") else ","
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _columns(header: list[Any]) -> tuple[int, int | None, int]:
    """(code column, index column or None, index of the first data row)."""
    keys = [normalize_key(str(cell)) for cell in header]
    code_col = next((i for i, key in enumerate(keys) if key in CODE_HEADERS), None)
    index_col = next((i for i, key in enumerate(keys) if key in INDEX_HEADERS), None)
    if code_col is not None:
        return code_col, index_col, 1
    if header and _code(header[0]):
        return 0, None, 0  # no header row: codes from the first line on
    raise InvalidInput(
        _(
            "ستون «کد» پیدا نشد؛ ردیف اول باید عنوان ستون‌ها باشد («کد» و در صورت نیاز «شاخص محرومیت»)."
        )
    )


def _parse_row(number, cells, code_col, index_col, report) -> DeprivedRow | None:
    raw = cells[code_col] if code_col < len(cells) else ""
    code = _code(raw)
    if code is None:
        if str(raw).strip():
            report.errors.append(
                (
                    number,
                    _("ردیف {row}: «{value}» کد نیست؛ کد فقط رقم است.").format(
                        row=fa(number), value=str(raw).strip()
                    ),
                )
            )
        return None  # an empty row is no error
    index = None
    if index_col is not None and index_col < len(cells) and str(cells[index_col]).strip():
        index = _index(cells[index_col])
        if index is None:
            report.errors.append(
                (
                    number,
                    _(
                        "ردیف {row}: شاخص محرومیت «{value}» عدد نیست یا بزرگ‌تر از ۹۹۹۹٫۹۹ است."
                    ).format(row=fa(number), value=str(cells[index_col]).strip()),
                )
            )
            return None
    return DeprivedRow(number=number, code=code, index=index)


def _code(value: Any) -> str | None:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a spreadsheet keeps a long code as a number
    text = to_ascii_digits(value).strip().replace(" ", "").replace("\u200c", "")
    return text if text.isdigit() else None


def _index(value: Any) -> Decimal | None:
    try:
        number = Decimal(to_ascii_digits(value).strip().replace(",", ""))
    except InvalidOperation:
        return None
    if not number.is_finite() or abs(number) >= INDEX_LIMIT:
        return None
    return number.quantize(Decimal("0.01"))
