"""Writes to geography: the load from django-iranian-cities' files and the
deprivation flags Jahesh adds to villages and cities."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import IO

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from jahesh.core.errors import InvalidInput
from jahesh.core.text import clean_text, normalize_key, required_text
from jahesh.geo.deprivation import DeprivedImportReport, DeprivedRow, read_deprived_rows
from jahesh.geo.loader import Progress, load_all
from jahesh.geo.models import City, Closure, Province, Village

# SQLite binds at most 999 parameters per statement in older builds.
_CHUNK = 500


def geo_load(*, progress: Progress | None = None) -> dict[str, int]:
    """Load (or reload) all six levels from django-iranian-cities' data files.

    Idempotent: a second run writes nothing unless the files changed, and it
    never touches ``is_deprived`` / ``deprivation_index``. Returns the number
    of rows per level (``provinces`` … ``villages``), ``created``,
    ``updated``, ``unchanged``, ``stale`` (in the database, no longer in the
    files), and what was repaired (``fixed``, ``skipped`` and their details;
    see :mod:`jahesh.geo.loader`).
    """
    return load_all(progress=progress)


def place_save(*, place):
    """Save a place edited by hand (the admin), keeping its search key in step."""
    place.name = clean_text(place.name)
    place.name_key = normalize_key(place.name)
    place.save()
    return place


def place_set_deprived(*, queryset: QuerySet, deprived: bool) -> int:
    """Mark (or unmark) every village or city of ``queryset``; return how many changed."""
    return queryset.exclude(is_deprived=deprived).update(is_deprived=deprived)


def geo_import_deprived(
    *, file: IO[bytes], filename: str, mark: bool = True, dry_run: bool = False
) -> DeprivedImportReport:
    """Set ``is_deprived`` on the villages and cities whose codes a file lists.

    1. Read the file (CSV, or XLSX/ODS): a column «کد»/"code" and optionally
       «شاخص محرومیت»/"deprivation_index"; bad cells are reported by row.
    2. Find each code among villages, then cities (their codes do not
       overlap: 16 digits for a village, 10 for a city); report every unknown
       code with its row number.
    3. Unless ``dry_run``, set the flag (``mark``) or clear it, and the index
       where the file gives one, on everything found; the unknown rows are
       skipped, the rest are applied (run with ``dry_run`` first to check).
    """
    report = DeprivedImportReport(mark=mark, dry_run=dry_run)
    rows = read_deprived_rows(file=file, filename=filename, report=report)
    villages = _find(Village, rows)
    cities = _find(City, [row for row in rows if not row.place_ids])
    found = {Village: villages, City: cities}
    for row in rows:
        if not row.place_ids:
            report.unknown.append((row.number, row.code))
    report.villages = len(found[Village])
    report.cities = len(found[City])
    with transaction.atomic():
        for model, matched in found.items():
            report.changed += _apply(model, matched, mark=mark, dry_run=dry_run)
    return report


def _find(model, rows: list[DeprivedRow]) -> dict[int, tuple[DeprivedRow, bool, Decimal | None]]:
    """id → (row, current flag, current index) for the rows whose code ``model`` has."""
    by_code = {row.code: row for row in rows}
    matched = {}
    codes = list(by_code)
    for start in range(0, len(codes), _CHUNK):
        chunk = codes[start : start + _CHUNK]
        found = model.objects.filter(code__in=chunk).values_list(
            "id", "code", "is_deprived", "deprivation_index"
        )
        for pk, code, flag, index in found:
            row = by_code[code]
            row.place_ids[model] = pk
            matched[pk] = (row, flag, index)
    return matched


def _apply(model, matched: dict, *, mark: bool, dry_run: bool) -> int:
    """Write the flag (and the index, grouped by value: one UPDATE per value); return changes."""
    by_index: dict[Decimal | None, list[int]] = {}
    changed = 0
    for pk, (row, flag, index) in matched.items():
        new_index = row.index if row.index is not None else index
        if flag == mark and new_index == index:
            continue
        changed += 1
        by_index.setdefault(new_index, []).append(pk)
    if not dry_run:
        for index, ids in by_index.items():
            for chunk in _chunks(ids):
                model.objects.filter(pk__in=chunk).update(is_deprived=mark, deprivation_index=index)
    return changed


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def closure_add(*, on: datetime.date, province: Province | None = None, reason: str) -> Closure:
    """Close offices on ``on`` for a province (and its counties) or, with no
    province, the whole country. Who may do it is the caller's check (admin
    only); the history row records who did."""
    reason = required_text(reason, _("علت تعطیلی را بنویسید."), field="reason")
    if Closure.objects.filter(on=on, province=province).exists():
        raise InvalidInput(_("این روز برای همین محدوده پیش‌تر تعطیل شده است."), field="on")
    return Closure.objects.create(on=on, province=province, reason=reason)


def closure_remove(*, closure: Closure) -> None:
    """Reopen a closed day (the history row keeps what was removed)."""
    closure.delete()
