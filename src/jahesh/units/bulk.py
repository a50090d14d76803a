"""The bulk form of registering units (the demo scenario's, an import's): every
row through :func:`services.unit_build`, the same rules as a person's form
(``unit_create``), with the database asked once for the batch; then one insert
and the units' "created" history rows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connections, transaction

from jahesh.core.sql import quote_table
from jahesh.units.models import Unit
from jahesh.units.selectors import unit_writable_counties
from jahesh.units.services import UnitLookups, unit_build


def units_build(
    rows: list[dict[str, Any]], *, user: Any, now: datetime
) -> list[Unit | ValidationError]:
    """The bulk form of :func:`unit_build`: every row through the same rules, the
    database asked once for the batch (the user's counties, the national IDs and
    codes already taken, and those of earlier rows). Answers, row by row, the
    checked unit (not saved) or the row's ``ValidationError``."""
    writable = set(unit_writable_counties(user).values_list("pk", flat=True))
    nids = {str(r["national_id"]) for r in rows if r.get("national_id")}
    codes = {str(r["code"]) for r in rows if r.get("code")}
    taken_nids = set(
        Unit.objects.filter(national_id__in=nids).values_list("national_id", flat=True)
    )
    taken_codes = set(Unit.objects.filter(code__in=codes).values_list("code", flat=True))
    lookups = UnitLookups(
        writable=lambda county: county.pk in writable,
        nid_taken=lambda value, _instance: value in taken_nids,
        code_taken=lambda value, _instance: value in taken_codes,
    )
    built: list[Unit | ValidationError] = []
    for row in rows:
        try:
            unit = unit_build(user=user, now=now, lookups=lookups, **row)
        except ValidationError as exc:
            built.append(exc)
            continue
        if unit.national_id:
            taken_nids.add(unit.national_id)
        if unit.code:
            taken_codes.add(unit.code)
        built.append(unit)
    return built


@transaction.atomic
def units_create(
    units: list[Unit], *, user: Any, reason: str, now: datetime, batch_size: int = 500
) -> list[Unit]:
    """Write units built by :func:`unit_build` / :func:`units_build` in bulk,
    with their "created" history rows (``user`` and ``reason`` on each)."""
    Unit.place_all(units)
    Unit.objects.bulk_create(units, batch_size=batch_size)
    _history_insert(units, user_id=getattr(user, "pk", None), reason=reason, when=now)
    return units


def _history_insert(units: list[Unit], *, user_id: int | None, reason: str, when: datetime) -> None:
    """The "created" history row of each new unit, as django-simple-history
    writes it, in one ``executemany``.

    ``bulk_create_with_history`` builds a model instance per history row and
    compiles every field through the ORM: half of a large import's time. The
    rows are the same (the tests read them back through ``unit.history``).
    """

    history = Unit.history.model
    connection = connections[Unit.objects.db]
    fields = [f for f in history._meta.concrete_fields if not f.primary_key]
    fixed = {"history_date": when, "history_change_reason": reason, "history_type": "+",
             "history_user_id": user_id}  # fmt: skip
    plain = (str, int, type(None))
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = (
        f"INSERT INTO {quote_table(history, connection)} ({columns}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    plan = [(f.attname, f, f.attname in fixed) for f in fields]
    rows: list[list[Any]] = []
    for unit in units:
        row: list[Any] = []
        for attname, field, is_fixed in plan:
            value = fixed[attname] if is_fixed else getattr(unit, attname)
            row.append(value if type(value) in plain else field.get_db_prep_save(value, connection))
        rows.append(row)
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
