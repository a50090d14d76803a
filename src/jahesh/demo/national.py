"""Scenario-like data for the whole country (issue 7, item 7: speed at national scale).

``generate_nation(scale=1.0)`` fills every province that has no production
units yet (so the Markazi demo, loaded first, stays exactly as kpis.md fixes
it) with what the Markazi scenario makes, sized so that at ``scale=1.0`` the
country holds about:

- 90,000 production units (2,900 a province) with monitoring visits, status
  changes and risk assessments computed by ``jahesh.units.risk``;
- clinic cases for the units that went through a crisis, working groups,
  sessions and resolutions;
- 22,000 loan funds (710 a province) with members, loans, installments from
  ``jahesh.funds.schedule``, repayments, ledger entries and verification visits;
- 800,000 volunteers (25,800 a province) with groups, camps and rosters;
- 50,000 projects (1,610 a province) with funding rows, and direct services.

It does not write rows of its own design: for each province it runs the apps'
own scenario builders (``<app>/scenario.py``) with the province and the sizes
swapped in. Those builders read their sizes and their province from module
constants (``PROVINCE_ID``, ``CODE_PREFIX``, ``COMPLETED`` …), so the swap is a
temporary patch of those constants (``_patched``), undone after each province;
everything they write keeps the invariants their selectors rely on (they are
the same code paths as ``jahesh demo``).

Speed (under 10 minutes for the country on SQLite on a quiet 2-core machine):
while it runs, the builders' ``bulk_create`` calls insert through one
multi-row statement per ~30,000 parameters (``fast_bulk_inserts``), their
row-heavy models are instantiated without Django's per-field ``__init__`` walk
(``_FastRows``), and SQLite skips fsync (``_sqlite_bulk_mode``). On
PostgreSQL the same rows go through COPY (psycopg's ``cursor.copy``; the ids
taken from each table's sequence first, in INSERT's order). Each writes
exactly the rows Django's path writes; ``fast_inserts=False`` runs Django's
path, ``USE_COPY = False`` the INSERT path on PostgreSQL, and
tests/demo/test_national.py compares them table by table.

It stays a bulk writer on purpose (issue 13, item 4): a single-row service
takes a row lock, a savepoint and an event per record, hours for millions of
rows. The builders it runs call the services' bulk forms where those exist
(``funds.bulk.paper_loans_create``: the same checks and derivations as one
imported loan), and it is those forms' ``bulk_create`` that the fast path
(and COPY) replaces, so the rows keep the services' rules.

Units get the code prefix ``NAT-<province>-``: that is the marker a second run
finds (it refuses to run twice on one database).
"""

from __future__ import annotations

import contextlib
import datetime
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from types import ModuleType
from typing import TYPE_CHECKING, Any

from django.db import connections, router, transaction
from django.utils import timezone

from jahesh.core.errors import Conflict, InvalidInput
from jahesh.demo.registry import ScenarioContext

if TYPE_CHECKING:
    from django.db.models import Model

UNIT_PREFIX = "NAT-"  # units.code of generated units: NAT-<province id>-<n>

# Per province at scale 1.0 (the country is 31 of these).
PER_PROVINCE = {
    "units": 2_900,
    "funds_active": 700,
    "funds_closed": 18,
    "volunteers_active": 25_800,
    "volunteers_left": 1_400,
    "volunteer_groups": 320,
    "camps": 650,
    "projects_completed": 1_330,
    "projects_completed_before": 50,
    "services": 6_000,
}
# Shares taken from the Markazi scenario (1,100 units: 760 monitored, 80 visited
# only before the window, 250 through a crisis; 110 of those saved by the clinic).
MONITORED_SHARE = 760 / 1100
BEFORE_ONLY_SHARE = 80 / 1100
CRISIS_SHARE = 250 / 1100
PREVENTED_SHARE = 110 / 250
JOBS_PER_FUND = 2.5  # the Markazi scenario verifies 2,146 jobs for 700 funds
PROJECTS_VALUE_PER_COMPLETED = 1_553_000_000_000 / 1_642  # rials, as in Markazi
SERVICES_VALUE_PER_SERVICE = 4_742_000_000_000 / 6_000


def _models() -> list:
    from jahesh.clinic.models import Case, CaseEvent, Resolution, Session, WorkingGroup
    from jahesh.funds.models import (
        Fund,
        Installment,
        LedgerEntry,
        Loan,
        LoanEvent,
        Member,
        Repayment,
        Verification,
    )
    from jahesh.projects.models import DirectService, Project, ProjectFunding, ServiceBeneficiary
    from jahesh.units.models import RiskAssessment, StatusChange, Unit, Visit
    from jahesh.volunteers.models import Camp, Group, Membership, RosterEntry, Volunteer

    return [
        Unit, Visit, RiskAssessment, StatusChange,
        Case, CaseEvent, WorkingGroup, Session, Resolution,
        Fund, Member, Loan, LoanEvent, Installment, Repayment, LedgerEntry, Verification,
        Volunteer, Group, Membership, Camp, RosterEntry,
        Project, ProjectFunding, DirectService, ServiceBeneficiary,
    ]  # fmt: skip


def table_counts() -> dict[str, int]:
    """Rows per table of the generated kinds (``app.Model`` → count)."""
    return {m._meta.label: m.objects.count() for m in _models()}


@dataclass
class NationReport:
    """What a run made: provinces filled and skipped, rows added per table,
    seconds per app part and in all."""

    provinces: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    added: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    total_seconds: float = 0.0


@contextlib.contextmanager
def _patched(module: ModuleType, **values: Any) -> Iterator[None]:
    """Swap module constants for one call of a scenario builder; always restore."""
    saved = {name: getattr(module, name) for name in values}
    try:
        for name, value in values.items():
            setattr(module, name, value)
        yield
    finally:
        for name, value in saved.items():
            setattr(module, name, value)


# --- Fast bulk inserts --------------------------------------------------------------
#
# The builders write with ``Model.objects.bulk_create``. Django builds each
# batch's SQL field by field and row by row (and SQLite batches hold at most
# 999 parameters), which was most of a national run's time. While the generator
# runs, the managers of the generated apps' models get a ``bulk_create`` that
# inserts the same rows, columns and values as Django's (the same ``pre_save``
# and ``get_db_prep_save`` per field, with shortcuts only where those return the
# value unchanged; auto_now fields get one ``now`` per statement rather than one
# per row), in statements of up to ~30,000 parameters, and sets the
# primary keys from ``RETURNING`` just as Django does. Anything it does not
# handle (conflict options, primary keys with defaults, expressions as values,
# other returning fields) goes to Django's own ``bulk_create``.

GENERATED_APPS = ("units", "clinic", "funds", "volunteers", "projects")
_AUTO_TYPES = {"AutoField", "BigAutoField", "SmallAutoField"}
_INTEGER_TYPES = {
    "IntegerField", "BigIntegerField", "SmallIntegerField", "PositiveIntegerField",
    "PositiveBigIntegerField", "PositiveSmallIntegerField",
}  # fmt: skip
_TEXT_TYPES = {"CharField", "TextField", "SlugField"}
_NONE = type(None)


class _UseDjango(Exception):
    """A value the fast path does not handle: insert with Django's bulk_create."""


def _column_converter(field, connection) -> Callable[[tuple], tuple | list]:
    """A column of values → what ``field.get_db_prep_save(value, connection)`` gives
    for each. Where that is the value itself (integers on SQLite, text, booleans)
    or a plain function of it (dates), a check of the column's types in C stands
    in for a call per value; any other type takes Django's call."""
    from django.db.backends.base.operations import BaseDatabaseOperations
    from django.db.models import DateField, DateTimeField

    last = [object(), None]  # the builders pass one ``now`` to many rows: convert it once

    def one(value):
        if value is last[0]:
            return last[1]
        if hasattr(value, "resolve_expression"):
            raise _UseDjango
        converted = field.get_db_prep_save(value, connection)
        if type(value) in (datetime.datetime, Decimal):  # immutable: safe to reuse
            last[:] = value, converted
        return converted

    def each(column):
        return list(map(one, column))

    target = field.target_field if field.is_relation else field
    kind = target.get_internal_type()
    if field.is_relation and not target.primary_key:
        return each
    ops = type(connection.ops)
    if kind in _AUTO_TYPES:  # ids, and the foreign keys that point at them
        if ops.validate_autopk_value is not BaseDatabaseOperations.validate_autopk_value:
            return each
        allowed = {int, _NONE}
    elif kind in _INTEGER_TYPES:
        if ops.adapt_integerfield_value is not BaseDatabaseOperations.adapt_integerfield_value:
            adapt = connection.ops.adapt_integerfield_value  # PostgreSQL: typed adapters

            def integers(column):
                if not set(map(type, column)) <= {int, _NONE}:
                    return each(column)
                return [None if v is None else adapt(v, kind) for v in column]

            return integers
        allowed = {int, _NONE}
    elif kind == "BooleanField":
        allowed = {bool, _NONE}
    elif kind in _TEXT_TYPES:
        # to_python returns any str (a TextChoices member too) unchanged

        def text(column):
            types = set(map(type, column))
            return column if all(t is _NONE or issubclass(t, str) for t in types) else each(column)

        return text
    elif isinstance(field, DateField) and not isinstance(field, DateTimeField):
        adapt = connection.ops.adapt_datefield_value
        plain = ops.adapt_datefield_value is BaseDatabaseOperations.adapt_datefield_value

        def dates(column):
            if not set(map(type, column)) <= {datetime.date, _NONE}:
                return each(column)
            if plain:  # str(date), None for None
                return [None if v is None else str(v) for v in column]
            return list(map(adapt, column))

        return dates
    else:
        return each

    def checked(column):
        return column if set(map(type, column)) <= allowed else each(column)

    return checked


def _column_values(field, objs) -> tuple | list | None:
    """The ``pre_save`` values of a field whose ``pre_save`` is not just the
    attribute (None for those). auto_now(_add) stamps one ``now`` per statement."""
    from django.db.models import DateField, DateTimeField, Field
    from django.utils import timezone

    if isinstance(field, DateField):
        if not (field.auto_now or field.auto_now_add):
            return None
        now = timezone.now() if isinstance(field, DateTimeField) else datetime.date.today()
        for obj in objs:
            setattr(obj, field.attname, now)
        return (now,) * len(objs)
    if type(field).pre_save is Field.pre_save:
        return None
    return [field.pre_save(obj, True) for obj in objs]


def _fast_bulk_create(model, original: Callable) -> Callable:
    opts = model._meta
    pk = opts.pk

    def bulk_create(objs, batch_size=None, ignore_conflicts=False, update_conflicts=False,
                    update_fields=None, unique_fields=None):  # fmt: skip
        objs = list(objs)
        usable = (
            not (ignore_conflicts or update_conflicts or update_fields or unique_fields)
            and not pk.has_default()
            and list(opts.db_returning_fields) == [pk]
            and all(p._meta.concrete_model is opts.concrete_model for p in opts.all_parents)
        )
        if not usable or not objs:
            return original(objs, batch_size=batch_size, ignore_conflicts=ignore_conflicts,
                            update_conflicts=update_conflicts, update_fields=update_fields,
                            unique_fields=unique_fields)  # fmt: skip
        alias = router.db_for_write(model)
        connection = connections[alias]
        if not connection.features.can_return_rows_from_bulk_insert:
            return original(objs, batch_size=batch_size)
        relations = [f for f in opts.concrete_fields if f.is_relation]
        for obj in objs:  # as Model._prepare_related_fields_for_save
            cache = obj._state.fields_cache
            for f in relations:
                if f.name in cache:
                    related = cache[f.name]
                    if related is None:
                        continue
                    if related.pk is None:
                        obj._prepare_related_fields_for_save(operation_name="bulk_create")
                    elif getattr(obj, f.attname) is None:
                        setattr(obj, f.attname, related.pk)
                    if getattr(related, f.target_field.attname) != getattr(obj, f.attname):
                        f.delete_cached_value(obj)
        with_pk = [o for o in objs if o.pk is not None]
        without_pk = [o for o in objs if o.pk is None]
        fields = [f for f in opts.concrete_fields if not f.generated]
        try:
            with transaction.atomic(using=alias, savepoint=True):
                if with_pk:
                    _insert(connection, model, fields, with_pk, returning=None)
                if without_pk:
                    from django.db.models import AutoField

                    _insert(
                        connection,
                        model,
                        [f for f in fields if not isinstance(f, AutoField)],
                        without_pk,
                        returning=pk,
                    )
        except _UseDjango:
            for obj in without_pk:
                obj.pk = None
            return original(objs, batch_size=batch_size)
        for obj in objs:
            obj._state.adding = False
            obj._state.db = alias
        return objs

    return bulk_create


def _insert(connection, model, fields, objs, *, returning) -> None:
    from itertools import chain
    from operator import attrgetter

    if not fields:
        raise _UseDjango
    if connection.vendor == "postgresql" and USE_COPY:
        _copy(connection, model, fields, objs, returning=returning)
        return
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    # SQLite: sqlite3's own cursor with its "?" (Django's wrapper rewrites every
    # "%s" of a 30,000-parameter statement), inside the same transaction.
    raw = connection.vendor == "sqlite"
    one = "(" + ", ".join(["?" if raw else "%s"] * len(fields)) + ")"
    limit = 30_000
    if connection.vendor == "sqlite":
        import sqlite3

        limit = min(limit, connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
    per_statement = max(1, limit // len(fields))
    convert = [_column_converter(f, connection) for f in fields]
    if len(fields) == 1:
        values = attrgetter(fields[0].attname)

        def row_of(obj):
            return (values(obj),)
    else:
        row_of = attrgetter(*(f.attname for f in fields))
    head = f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES "
    tail = f" RETURNING {qn(returning.column)}" if returning is not None else ""
    connection.ensure_connection()
    with (
        connection.wrap_database_errors,
        (
            contextlib.closing(connection.connection.cursor()) if raw else connection.cursor()
        ) as cursor,
    ):
        for i in range(0, len(objs), per_statement):
            chunk = objs[i : i + per_statement]
            stamped = [_column_values(f, chunk) for f in fields]
            table = list(zip(*map(row_of, chunk), strict=True))  # one tuple per column
            table = [
                c(column if s is None else s)
                for c, column, s in zip(convert, table, stamped, strict=True)
            ]
            params = list(chain.from_iterable(zip(*table, strict=True)))
            cursor.execute(head + ", ".join([one] * len(chunk)) + tail, params)
            if returning is not None:
                ids = cursor.fetchall()
                if len(ids) != len(chunk):
                    raise RuntimeError(f"{model._meta.label}: {len(ids)} ids for {len(chunk)} rows")
                for obj, (pk_value,) in zip(chunk, ids, strict=True):
                    setattr(obj, returning.attname, pk_value)


# PostgreSQL: COPY (psycopg's ``cursor.copy``) instead of INSERT … VALUES. The
# rows that INSERT … RETURNING would number get their ids first, the same ids in
# the same order (``nextval`` of the table's sequence, once per row, then sorted:
# what the multi-row INSERT takes from the same sequence); the values are those
# of the INSERT path (the same converters), so the tables hold the same rows.
# ``USE_COPY = False`` runs the INSERT path (the tests compare the two).

USE_COPY = True
COPY_ROWS = 20_000  # rows converted and sent per COPY statement


def _sequence_of(connection: Any, model: type[Model], column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [model._meta.db_table, column])
        (sequence,) = cursor.fetchone()
    if sequence is None:
        raise _UseDjango
    return sequence


def _copy(connection, model, fields, objs, *, returning) -> None:
    connection.ensure_connection()
    with connection.wrap_database_errors, connection.cursor() as cursor:
        sequence = None
        if returning is not None:
            sequence = _sequence_of(connection, model, returning.column)
            cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [sequence, len(objs)])
            ids = sorted(row[0] for row in cursor.fetchall())
            for obj, pk_value in zip(objs, ids, strict=True):
                setattr(obj, returning.attname, pk_value)
            fields = [returning, *fields]
        try:
            _copy_rows(cursor, model, fields, objs, connection)
        except _UseDjango:
            if sequence is not None:  # give the ids back: Django's INSERT takes them
                cursor.execute("SELECT setval(%s, %s, false)", [sequence, ids[0]])
            raise


def _copy_rows(cursor, model, fields, objs, connection) -> None:
    from operator import attrgetter

    qn = connection.ops.quote_name
    convert = [_column_converter(f, connection) for f in fields]
    row_of = attrgetter(*(f.attname for f in fields))
    if len(fields) == 1:
        one = row_of

        def row_of(obj):
            return (one(obj),)

    columns = ", ".join(qn(f.column) for f in fields)
    statement = f"COPY {qn(model._meta.db_table)} ({columns}) FROM STDIN"
    for i in range(0, len(objs), COPY_ROWS):
        chunk = objs[i : i + COPY_ROWS]
        stamped = [_column_values(f, chunk) for f in fields]
        table = list(zip(*map(row_of, chunk), strict=True))  # one tuple per column
        table = [
            c(column if s is None else s)
            for c, column, s in zip(convert, table, stamped, strict=True)
        ]
        with cursor.cursor.copy(statement) as copy:
            for row in zip(*table, strict=True):
                copy.write_row(row)


# The builders make a few million model instances; Django's Model.__init__ walks
# every field and pops every keyword. For the row-heavy models below, while the
# generator runs, the builders' modules see a stand-in class whose call makes the
# same instance (the same attributes and related-object cache) directly; anything
# out of the ordinary (positional arguments, unknown keywords, a field with a
# descriptor of its own) goes to the model's own __init__.
FAST_ROW_MODELS = {
    "jahesh.funds.bulk": ("Installment", "LedgerEntry"),  # the service's bulk form of loans
    "jahesh.funds.scenario": (
        "Installment", "LedgerEntry", "Repayment", "Member", "LoanEvent", "Guarantor",
        "GuaranteeDocument",
    ),
    "jahesh.volunteers.scenario": (
        "Volunteer", "VolunteerSkill", "Credential", "Membership", "RosterEntry",
        "VolunteerStatusEvent",
    ),
}  # fmt: skip


class _FastRows:
    """Calls make an instance of ``model`` as ``model(**kwargs)`` would; every
    other attribute is the model's."""

    def __init__(self, model: type[Model]) -> None:
        from django.db.models import NOT_PROVIDED
        from django.db.models.query_utils import DeferredAttribute
        from django.db.models.signals import post_init, pre_init

        opts = model._meta
        self._model = model
        fields = [f for f in opts.fields if f.column is not None and not f.generated]
        plain = all(
            type(model.__dict__.get(f.attname)) in _plain_descriptors(DeferredAttribute)
            for f in fields
        ) and not (pre_init.has_listeners(model) or post_init.has_listeners(model))
        self._usable = plain and all(f.db_default is NOT_PROVIDED for f in fields)
        self._constant: dict[
            str, Any
        ] = {}  # attname → the default get_default() returns every time
        self._computed: list[
            tuple[str, Callable[[], Any]]
        ] = []  # (attname, get_default) for callable defaults
        for f in fields:
            if f.has_default() and callable(f.default):
                self._computed.append((f.attname, f.get_default))
            else:
                self._constant[f.attname] = f.get_default()
        self._attnames = frozenset(f.attname for f in fields)
        self._by_name = {f.name: f.attname for f in fields if f.is_relation}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._model, name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from django.db.models.base import ModelState

        model = self._model
        if args or not self._usable:
            return model(*args, **kwargs)
        related: dict[str, Any] = {}
        for key in kwargs:
            if key in self._attnames:
                continue
            attname = self._by_name.get(key)
            if attname is None or attname in kwargs:
                return model(**kwargs)  # a property, a typo, or both a name and its id
            related[key] = kwargs[key]
        obj = model.__new__(model)
        obj._state = ModelState()
        values = obj.__dict__
        values.update(self._constant)
        for attname, get_default in self._computed:
            if attname not in kwargs:
                values[attname] = get_default()
        if related:
            for key, rel in related.items():
                del kwargs[key]
                setattr(obj, key, rel)  # the descriptor: the id and the cached object
        values.update(kwargs)
        return obj


def _plain_descriptors(deferred: type) -> tuple[type, ...]:
    """The field descriptors whose __set__ (if any) only stores the value in the
    instance's __dict__ (on a new instance, with nothing cached yet)."""
    from django.db.models.fields.files import FileDescriptor
    from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute

    return (deferred, ForeignKeyDeferredAttribute, FileDescriptor)


@contextlib.contextmanager
def _fast_rows() -> Iterator[None]:
    import importlib

    patches = []
    for dotted, names in FAST_ROW_MODELS.items():
        module = importlib.import_module(dotted)
        patches.append(_patched(module, **{n: _FastRows(getattr(module, n)) for n in names}))
    with contextlib.ExitStack() as stack:
        for patch in patches:
            stack.enter_context(patch)
        yield


@contextlib.contextmanager
def fast_bulk_inserts(app_labels: Iterable[str] = GENERATED_APPS) -> Iterator[None]:
    """While inside, ``bulk_create`` of these apps' models (their history and
    many-to-many tables too) takes the fast path above; restored on the way out."""
    from django.apps import apps

    managers = []
    for label in app_labels:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            found = (model._default_manager, getattr(model, "objects", None))
            for manager in {id(m): m for m in found if m is not None}.values():
                if "bulk_create" not in vars(manager):
                    managers.append(manager)
    try:
        for manager in managers:
            manager.bulk_create = _fast_bulk_create(manager.model, manager.bulk_create)
        yield
    finally:
        for manager in managers:
            vars(manager).pop("bulk_create", None)


@contextlib.contextmanager
def _sqlite_bulk_mode() -> Iterator[None]:
    """On SQLite, for the run only: no fsync at WAL checkpoints (a crash may lose
    the last commits of this throwaway data, never corrupt the file) and a
    256 MB page cache for the growing indexes. Restores both settings."""
    from django.db import connection

    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield  # (SQLite refuses to change the safety level inside a transaction)
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        (synchronous,) = cursor.fetchone()
        cursor.execute("PRAGMA cache_size")
        (cache_size,) = cursor.fetchone()
        cursor.execute("PRAGMA synchronous = OFF")
        cursor.execute("PRAGMA cache_size = -262144")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA synchronous = {int(synchronous)}")
            cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")


def _n(base: int, scale: float) -> int:
    return max(0, round(base * scale))


def generate_nation(
    *,
    scale: float = 1.0,
    seed: int = 1,
    as_of: datetime.date | None = None,
    province_ids: list[int] | None = None,
    log: Callable[[str], None] = print,
    fast_inserts: bool = True,
) -> NationReport:
    """Fill every province (or those of ``province_ids``) that has no units yet.

    ``fast_inserts=False`` writes with Django's own ``bulk_create`` (the same
    rows, slower; the tests compare the two). Raises Conflict when a previous
    run's units exist (the ``NAT-`` marker)."""
    from jahesh.core.jalali import jalali_today
    from jahesh.geo.models import Province
    from jahesh.units.models import Unit

    if not 0 < scale <= 10:
        raise InvalidInput("مقیاس باید عددی بزرگ‌تر از صفر و حداکثر ۱۰ باشد.")
    if Unit.objects.filter(code__startswith=UNIT_PREFIX).exists():
        raise Conflict(
            "دادهٔ کشوری پیش‌تر در این پایگاه داده ساخته شده است (واحدهای با کد NAT-)؛ "
            "برای ساخت دوباره از یک پایگاه دادهٔ خالی استفاده کنید."
        )
    if Province.objects.count() < (len(province_ids) if province_ids else 31):
        from jahesh.geo.services import geo_load

        log("geography: loading provinces, counties, cities and villages …")
        geo_load()
    as_of = as_of or jalali_today()
    report = NationReport()
    before = table_counts()
    started = time.monotonic()
    provinces = Province.objects.order_by("id")
    if province_ids:
        provinces = provinces.filter(pk__in=province_ids)
    with_units = set(Unit.objects.values_list("province_id", flat=True).distinct())
    province_list = list(provinces)
    fast = (fast_bulk_inserts, _fast_rows) if fast_inserts else ()
    with _sqlite_bulk_mode(), contextlib.ExitStack() as stack:
        for speedup in fast:
            stack.enter_context(speedup())
        _fill(province_list, with_units, as_of, seed, scale, report, started, log)
    after = table_counts()
    report.added = {label: after[label] - before[label] for label in after}
    report.total_seconds = time.monotonic() - started
    return report


def _fill(provinces, with_units, as_of, seed, scale, report, started, log) -> None:
    from jahesh.geo.models import County

    for i, province in enumerate(provinces, start=1):
        if province.pk in with_units:
            report.skipped.append(province.name)
            log(f"[{i}/{len(provinces)}] {province.name}: has data already (the demo); skipped")
            continue
        counties = list(County.objects.filter(province=province).order_by("id"))
        if not counties:
            report.skipped.append(province.name)
            log(f"[{i}/{len(provinces)}] {province.name}: no counties; skipped")
            continue
        t0 = time.monotonic()
        ctx = ScenarioContext(
            name=f"nation-{province.pk}", as_of=as_of, seed=seed, log=lambda _line: None
        )
        for part, build in (
            ("units", _units),
            ("clinic", _clinic),
            ("funds", _funds),
            ("volunteers", _volunteers),
            ("projects", _projects),
        ):
            t = time.monotonic()
            with transaction.atomic():
                build(ctx, province, counties, scale)
            report.seconds[part] = report.seconds.get(part, 0.0) + time.monotonic() - t
        report.provinces.append(province.name)
        elapsed = time.monotonic() - started
        log(
            f"[{i}/{len(provinces)}] {province.name}: {time.monotonic() - t0:.1f} s "
            f"(elapsed {elapsed:.0f} s; "
            + ", ".join(f"{k} {v:.0f} s" for k, v in report.seconds.items())
            + ")"
        )


# --- One province, one app part ---------------------------------------------------


def _units(ctx, province, counties, scale: float) -> None:
    from jahesh.units import scenario

    total = _n(PER_PROVINCE["units"], scale)
    if total == 0:
        return
    monitored = round(total * MONITORED_SHARE)
    with _patched(scenario, CODE_PREFIX=f"{UNIT_PREFIX}{province.pk:02d}-"):
        scenario._create(
            ctx,
            counties,
            total=total,
            monitored=monitored,
            before_only=round(total * BEFORE_ONLY_SHARE),
            crisis=min(monitored, round(total * CRISIS_SHARE)),
        )
        scenario._publish(ctx)


def _clinic(ctx, province, counties, scale: float) -> None:
    from jahesh.clinic import scenario

    crisis_on = dict(ctx.shared.get("units_high_risk_on") or {})
    prevented = int(len(crisis_on) * PREVENTED_SHARE)
    if prevented < 1:
        return
    scenario.taxonomy_load()
    with _patched(scenario, PROVINCE_ID=province.pk, PREVENTED=prevented):
        scenario._Builder(ctx, crisis_on).run()


def _funds(ctx, province, counties, scale: float) -> None:
    """``funds.scenario.create``, step by step, so that finding the jobs target
    repeats only the visits: the builder wants exactly ``jobs_target`` verified
    jobs and says how many its loans reached ("163 jobs instead of 175"); the
    same draws (the random state before the visits, restored) then reach that
    many exactly. The rows are those of ``create`` with the target found."""
    from jahesh.core.jalali import last_jalali_years
    from jahesh.funds import scenario

    active = _n(PER_PROVINCE["funds_active"], scale)
    if active == 0:
        return
    target = max(1, int(active * JOBS_PER_FUND))
    with _patched(scenario, CODE_PREFIX=f"NAT{province.pk:02d}F"):
        rng, as_of = ctx.rng("funds"), ctx.as_of
        start, end = last_jalali_years(as_of, 5)
        first, last = start + scenario.MARGIN, end - scenario.MARGIN
        closed = _n(PER_PROVINCE["funds_closed"], scale)
        funds = scenario._create_funds(rng, counties, active, closed, first, last, as_of)
        members = scenario._create_members(rng, funds, as_of)
        now = timezone.now()
        plans = scenario._plan_loans(rng, funds, members, first, last, as_of, now)
        scenario._write_loans(rng, plans, as_of)
        before_visits = rng.getstate()
        for _attempt in range(3):
            rng.setstate(before_visits)
            try:
                scenario._create_visits(rng, plans, first, last, start, target)
                break
            except RuntimeError as exc:
                found = re.match(r"funds scenario: (\d+) jobs instead", str(exc))
                if not found or int(found.group(1)) < 1:
                    raise
                target = int(found.group(1))
        else:
            raise RuntimeError(f"funds: no jobs target fits in {province.name}")
        scenario._create_money(rng, funds, members, plans, now)


def _volunteers(ctx, province, counties, scale: float) -> None:
    from jahesh.core.digits import to_persian_digits
    from jahesh.core.jalali import last_jalali_years
    from jahesh.geo.models import Village
    from jahesh.volunteers import scenario
    from jahesh.volunteers.models import Camp, Group

    active = _n(PER_PROVINCE["volunteers_active"], scale)
    if active == 0:
        return
    rng = ctx.rng("volunteers")
    start, end = last_jalali_years(ctx.as_of, 5)
    scenario._flag_deprived_villages(rng, province)
    villages = list(
        Village.objects.filter(province=province, is_deprived=True).only("id", "county_id")
    ) or list(Village.objects.filter(province=province).only("id", "county_id"))
    skills = scenario._skills()
    people = scenario._volunteers(
        rng, counties, start, end, active=active, left=_n(PER_PROVINCE["volunteers_left"], scale)
    )
    scenario._skills_and_credentials(rng, people, skills, end)
    group_rows = scenario._groups(
        rng, counties, people, start, max(1, _n(PER_PROVINCE["volunteer_groups"], scale))
    )
    camps = _n(PER_PROVINCE["camps"], scale)
    if villages and camps:
        # Camp titles are numbered per province; the builder finds its camps by
        # title, so each province's titles carry its name.
        def numbered(n, _name=province.name):
            return f"{to_persian_digits(n)} {_name}"

        with _patched(scenario, to_persian_digits=numbered):
            scenario._camps(rng, group_rows, villages, skills, start, end, camps)
    ctx.shared["volunteer_group_ids"] = list(
        Group.objects.filter(county__province=province).values_list("id", flat=True)
    )
    ctx.shared["camp_ids"] = list(
        Camp.objects.filter(county__province=province).values_list("id", flat=True)
    )


def _projects(ctx, province, counties, scale: float) -> None:
    from jahesh.core.jalali import last_jalali_years
    from jahesh.projects import scenario

    completed = _n(PER_PROVINCE["projects_completed"], scale)
    services = _n(PER_PROVINCE["services"], scale)
    start, end = last_jalali_years(ctx.as_of, 5)
    first, last = start + scenario.MARGIN, end - scenario.MARGIN - datetime.timedelta(days=1)
    places = scenario._places(province)
    if not places:
        return
    rng = ctx.rng("projects")
    open_counts = {status: _n(n, scale) for status, n in scenario.OPEN.items()}
    with _patched(
        scenario,
        COMPLETED=completed,
        COMPLETED_BEFORE_WINDOW=_n(PER_PROVINCE["projects_completed_before"], scale),
        OPEN=open_counts,
        PROJECTS_VALUE_RIAL=round(completed * PROJECTS_VALUE_PER_COMPLETED / 10_000_000)
        * 10_000_000,
        SERVICES=services,
        SERVICES_VALUE_RIAL=round(services * SERVICES_VALUE_PER_SERVICE / 10_000_000) * 10_000_000,
    ):
        if completed:
            scenario._projects(ctx, rng, places, first, last)
        if services:
            scenario._services(ctx, rng, province, places, first, last)
