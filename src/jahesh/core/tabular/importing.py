"""The import driver: rows from a :class:`TableReader` through the app's handler,
in batches, each batch in a transaction, with a report of what was created,
updated, left unchanged and refused (and why, cell by cell).

An app writes one handler and gets the CLI, the web preview (``dry_run``)
and the API from the same code:

    def handle(rows: list[Row]) -> list[Outcome]:   # or handle_row(row) -> Outcome
        ...

A handler refuses a row by raising ``ValidationError``/``ApplicationError``
(the field named in the error becomes the column) or by calling
``row.refuse(message, key=...)`` and returning ``Outcome.REFUSED``. When a
batch handler raises, its batch is rolled back and replayed one row at a time,
so only the bad row is refused and the others still go in.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jahesh.core.errors import ApplicationError
from jahesh.core.money import group_digits
from jahesh.core.tabular.columns import _message
from jahesh.core.tabular.reading import (
    REASON_HEADER,
    SOURCE_ROW_HEADER,
    CellError,
    Row,
    TableReader,
)
from jahesh.core.tabular.writing import sheet
from jahesh.core.tabular.xlsx import write_workbook
from jahesh.core.text import listed

Progress = Callable[[int, int | None], None]

# Set by ``preview_sample``: a dry run stops after this many data rows.
_SAMPLE_ROWS: ContextVar[int | None] = ContextVar("import_sample_rows", default=None)


@contextmanager
def preview_sample(rows: int) -> Iterator[None]:
    """Dry runs inside this block read only the first ``rows`` data rows: the
    web preview of a file too large to dry-run whole in a request (it will run
    as a job) shows what its first rows would do. Real imports read all."""
    token = _SAMPLE_ROWS.set(rows)
    try:
        yield
    finally:
        _SAMPLE_ROWS.reset(token)


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REFUSED = "refused"


@dataclass(slots=True)
class RefusedRow:
    number: int
    cells: Sequence[Any]
    errors: list[CellError]


@dataclass
class ImportReport:
    """What an import did (or, with ``dry_run``, would do).

    ``as_dict()`` is the API's answer; ``error_rows_xlsx()`` gives the refused
    rows back as a spreadsheet with a reason column, to fix and upload again.
    """

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: int = 0
    skipped_blank: int = 0
    errors: list[CellError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False
    seconds: float = 0.0
    filename: str = ""
    headers: list[str] = field(default_factory=list)
    refused_rows: list[RefusedRow] = field(default_factory=list)

    @property
    def rows(self) -> int:
        """Non-blank data rows read."""
        return self.created + self.updated + self.unchanged + self.refused

    def as_dict(self, *, error_limit: int | None = None) -> dict[str, Any]:
        errors = self.errors if error_limit is None else self.errors[:error_limit]
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "refused": self.refused,
            "skipped_blank": self.skipped_blank,
            "errors": [e.as_dict() for e in errors],
            "error_count": len(self.errors),
            "warnings": list(self.warnings),
            "dry_run": self.dry_run,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportReport:
        """The counts of an ``as_dict()`` kept as JSON (a background job's
        report), enough for ``summary()``."""
        fields = ("created", "updated", "unchanged", "refused", "skipped_blank", "dry_run")
        return cls(**{name: data[name] for name in fields if name in data})

    def summary(self) -> str:
        """One Persian sentence, e.g. for the CLI and the preview page."""
        parts = [
            (_("%(n)s ردیف ساخته می‌شود") if self.dry_run else _("%(n)s ردیف ساخته شد"))
            % {"n": group_digits(self.created)},
            (_("%(n)s ردیف به‌روز می‌شود") if self.dry_run else _("%(n)s ردیف به‌روز شد"))
            % {"n": group_digits(self.updated)},
            _("%(n)s ردیف بی‌تغییر") % {"n": group_digits(self.unchanged)},
            _("%(n)s ردیف رد شد") % {"n": group_digits(self.refused)},
        ]
        if self.skipped_blank:
            parts.append(
                _("%(n)s ردیف خالی نادیده گرفته شد") % {"n": group_digits(self.skipped_blank)}
            )
        return listed(parts) + "."

    def error_rows_xlsx(self) -> bytes:
        """The refused rows as they were read, after two columns: the row number in
        the original file and the reasons. Reading this file back ignores those two
        columns, so a user fixes the cells and uploads it again."""

        width = len(self.headers)
        headers = [SOURCE_ROW_HEADER, REASON_HEADER, *self.headers]

        def rows() -> Iterable[list[Any]]:
            for refused in self.refused_rows:
                cells = list(refused.cells)[:width]
                cells += [None] * (width - len(cells))
                yield [refused.number, _reasons(refused.errors), *cells]

        # Cells go back as they were read (a date cell as Jalali text, which
        # the importer reads again); the reasons column wraps.
        refused = sheet(headers, rows(), title=_("ردیف‌های ردشده"), wrap_columns=(1,))
        refused.widths = [12, 50, *refused.widths[2:]]
        return write_workbook([refused])


def _reasons(errors: list[CellError]) -> str:
    return "\n".join(f"{e.column}: {e.message}" if e.column else e.message for e in errors)


def run_import(
    reader: TableReader,
    *,
    handle_row: Callable[[Row], Outcome | str] | None = None,
    handle_batch: Callable[[list[Row]], Sequence[Outcome | str]] | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    batch_size: int = 1000,
    using: str | None = None,
) -> ImportReport:
    """Import every row of ``reader`` through ``handle_row`` or ``handle_batch``.

    1. Rows whose cells did not parse are refused without calling the handler.
    2. The other rows go to the handler ``batch_size`` at a time, each batch in
       its own transaction, so a large import commits as it goes and a re-run
       after a crash redoes only what is missing (handlers are idempotent:
       matching on a natural key, they update rather than duplicate).
    3. With ``dry_run`` the whole run is one transaction rolled back at the
       end: the report says exactly what would happen (a row that matches an
       earlier row of the same file is reported as an update), nothing stays.
    4. Any other exception is a bug, not a refusal: it propagates; its batch is
       rolled back, earlier batches stay committed (all of it with ``dry_run``),
       and the exception carries their report as ``import_report`` (what a
       background job shows for a failed run).

    ``progress(done, total)`` is called after each batch and once at the end
    (``done == total``), ``done`` counting data rows read, blank ones included.
    """
    if handle_row is not None and handle_batch is None:
        process = _row_by_row(handle_row, using)
    elif handle_batch is not None and handle_row is None:
        process = _batched(handle_batch, using)
    else:
        raise TypeError("pass exactly one of handle_row or handle_batch")
    started = time.perf_counter()
    report = ImportReport(dry_run=dry_run, filename=reader.filename, headers=list(reader.headers))
    outer = transaction.atomic(using=using) if dry_run else nullcontext()
    sample = _SAMPLE_ROWS.get() if dry_run else None
    try:
        with outer:
            _run_rows(reader, process, report, using, batch_size, progress, sample)
            if dry_run:
                transaction.set_rollback(True, using=using)
    except Exception as error:
        error.import_report = _finish(report, reader, started)  # type: ignore[attr-defined]
        raise
    _finish(report, reader, started)
    if progress:
        progress(reader.rows_read, reader.rows_read)
    return report


def _run_rows(
    reader: TableReader,
    process: Callable[[list[Row]], list[Outcome]],
    report: ImportReport,
    using: str | None,
    batch_size: int,
    progress: Progress | None,
    sample: int | None,
) -> None:
    batch: list[Row] = []
    for row in reader:
        if row.errors:
            _refuse(report, row)
        else:
            batch.append(row)
        if len(batch) >= batch_size:
            _run_batch(batch, process, report, using)
            batch = []
            if progress:
                progress(reader.rows_read, reader.total_rows)
        if sample is not None and reader.rows_read >= sample:
            break
    if batch:
        _run_batch(batch, process, report, using)


def _finish(report: ImportReport, reader: TableReader, started: float) -> ImportReport:
    # Rows refused while parsing are recorded at once, rows refused by the
    # handler when their batch runs: put both back in the file's order.
    report.errors.sort(key=lambda e: e.row)
    report.refused_rows.sort(key=lambda r: r.number)
    report.skipped_blank = reader.blank_rows
    report.warnings = list(reader.warnings)
    report.seconds = time.perf_counter() - started
    return report


def _run_batch(
    batch: list[Row],
    process: Callable[[list[Row]], list[Outcome]],
    report: ImportReport,
    using: str | None,
) -> None:
    with transaction.atomic(using=using):
        outcomes = process(batch)
    for row, outcome in zip(batch, outcomes, strict=True):
        if outcome == Outcome.REFUSED or row.errors:
            _refuse(report, row)
        elif outcome == Outcome.CREATED:
            report.created += 1
        elif outcome == Outcome.UPDATED:
            report.updated += 1
        elif outcome == Outcome.UNCHANGED:
            report.unchanged += 1
        else:
            raise ValueError(f"handler returned {outcome!r} for row {row.number}")


def _refuse(report: ImportReport, row: Row) -> None:
    report.refused += 1
    report.errors.extend(row.errors)
    report.refused_rows.append(RefusedRow(row.number, row.cells, list(row.errors)))


def _row_by_row(
    handle_row: Callable[[Row], Outcome | str], using: str | None
) -> Callable[[list[Row]], list[Outcome]]:
    def process(batch: list[Row]) -> list[Outcome]:
        outcomes = []
        for row in batch:
            try:
                # A savepoint per row: a handler that wrote half a row and then
                # refused it leaves nothing behind.
                with transaction.atomic(using=using):
                    outcomes.append(Outcome(handle_row(row)))
            except (ValidationError, ApplicationError) as error:
                refuse_with(row, error)
                outcomes.append(Outcome.REFUSED)
        return outcomes

    return process


def _batched(
    handle_batch: Callable[[list[Row]], Sequence[Outcome | str]], using: str | None
) -> Callable[[list[Row]], list[Outcome]]:
    def process(batch: list[Row]) -> list[Outcome]:
        try:
            with transaction.atomic(using=using):
                outcomes = [Outcome(o) for o in handle_batch(batch)]
            if len(outcomes) != len(batch):
                raise ValueError(
                    f"handle_batch returned {len(outcomes)} outcomes for {len(batch)} rows"
                )
            return outcomes
        except (ValidationError, ApplicationError):
            pass
        # The batch was rolled back: replay it one row at a time to find the bad row.
        outcomes = []
        for row in batch:
            del row.errors[:]
            try:
                with transaction.atomic(using=using):
                    outcomes.append(Outcome(handle_batch([row])[0]))
            except (ValidationError, ApplicationError) as error:
                refuse_with(row, error)
                outcomes.append(Outcome.REFUSED)
        return outcomes

    return process


def refuse_with(row: Row, error: ValidationError | ApplicationError) -> None:
    """Record ``error`` on ``row``: one CellError per field it names (the field's
    column when it is one of the table's columns), or one for the whole row."""
    for key, message in _error_items(error):
        column_key = key if row.reader is not None and key in row.reader.columns else None
        row.errors.append(CellError(row.number, row.header(column_key), message))


def _error_items(error: ValidationError | ApplicationError) -> list[tuple[str | None, str]]:
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return [
                (None if key == NON_FIELD_ERRORS else key, str(message))
                for key, messages in error.message_dict.items()
                for message in messages
            ]
        return [(None, str(m)) for m in error.messages]
    if error.errors:
        return [(e.get("field"), str(e["message"])) for e in error.errors]
    return [(error.field, _message(error))]
