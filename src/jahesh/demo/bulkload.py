"""Fast bulk inserts for the national generator (``jahesh.demo.national``).

While the generator runs, the builders' ``bulk_create`` calls insert through one
multi-row statement per ~30,000 parameters (``fast_bulk_inserts``), their
models are instantiated without Django's per-field ``__init__`` walk
(``fast_rows``); the databases' own bulk modes (SQLite without fsync,
PostgreSQL without per-row foreign-key triggers, index insertions and nested
loops) are in :mod:`jahesh.demo.bulkmode`. On PostgreSQL
the same rows go through COPY (psycopg's ``cursor.copy``; the ids taken from
each table's sequence first, in INSERT's order). Each writes exactly the rows
Django's path writes; ``USE_COPY = False`` runs the INSERT path on PostgreSQL,
and tests/demo/test_national.py compares them table by table.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import importlib
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from itertools import chain
from operator import attrgetter, itemgetter
from types import ModuleType
from typing import Any

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import NOT_PROVIDED, AutoField, DateField, DateTimeField, Field, Model
from django.db.models.base import ModelState
from django.db.models.fields.files import FileDescriptor
from django.db.models.fields.related_descriptors import (
    ForeignKeyDeferredAttribute,
    ForwardManyToOneDescriptor,
    ForwardOneToOneDescriptor,
)
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init
from django.utils import timezone

from jahesh.core.sql import quote_table


@contextlib.contextmanager
def patched(module: ModuleType, **values: Any) -> Iterator[None]:
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


Column = tuple[Any, ...] | list[Any]


def _column_converter(
    field: Any, connection: Any, *, copy: bool = False
) -> Callable[[Column], Column]:
    """A column of values → what ``field.get_db_prep_save(value, connection)`` gives
    for each. Where that is the value itself (integers on SQLite, text, booleans)
    or a plain function of it (dates), a check of the column's types in C stands
    in for a call per value; any other type takes Django's call. ``copy``: for
    COPY, whose text rows hold an int as its digits whatever its type, integers
    stay plain ints (PostgreSQL's ``adapt_integerfield_value`` only wraps each in
    a typed parameter class, which COPY does not need: a million wrappers)."""
    last = [object(), None]  # the builders pass one ``now`` to many rows: convert it once

    def one(value: Any) -> Any:
        if value is last[0]:
            return last[1]
        if hasattr(value, "resolve_expression"):
            raise _UseDjango
        converted = field.get_db_prep_save(value, connection)
        if type(value) in (datetime.datetime, Decimal):  # immutable: safe to reuse
            last[:] = value, converted
        return converted

    def each(column: Column) -> Column:
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
        adapted = (
            ops.adapt_integerfield_value is not BaseDatabaseOperations.adapt_integerfield_value
        )
        if adapted and not copy:
            adapt = connection.ops.adapt_integerfield_value  # PostgreSQL: typed adapters

            def integers(column: Column) -> Column:
                if not set(map(type, column)) <= {int, _NONE}:
                    return each(column)
                return [None if v is None else adapt(v, kind) for v in column]

            return integers
        allowed = {int, _NONE}
    elif kind == "BooleanField":
        allowed = {bool, _NONE}
    elif kind in _TEXT_TYPES:
        # to_python returns any str (a TextChoices member too) unchanged

        def text(column: Column) -> Column:
            types = set(map(type, column))
            return column if all(t is _NONE or issubclass(t, str) for t in types) else each(column)

        return text
    elif isinstance(field, DateField) and not isinstance(field, DateTimeField):
        adapt = connection.ops.adapt_datefield_value
        plain = ops.adapt_datefield_value is BaseDatabaseOperations.adapt_datefield_value

        def dates(column: Column) -> Column:
            if not set(map(type, column)) <= {datetime.date, _NONE}:
                return each(column)
            if plain:  # str(date), None for None
                return [None if v is None else str(v) for v in column]
            return list(map(adapt, column))

        return dates
    else:
        return each

    def checked(column: Column) -> Column:
        return column if set(map(type, column)) <= allowed else each(column)

    return checked


def _column_values(field: Any, objs: list[Any]) -> Column | None:
    """The ``pre_save`` values of a field whose ``pre_save`` is not just the
    attribute (None for those). auto_now(_add) stamps one ``now`` per statement."""
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


def _fast_bulk_create(model: type[Model], original: Callable[..., Any]) -> Callable[..., Any]:
    opts = model._meta
    pk = opts.pk

    def bulk_create(
        objs: Iterable[Model],
        batch_size: int | None = None,
        ignore_conflicts: bool = False,
        update_conflicts: bool = False,
        update_fields: Any = None,
        unique_fields: Any = None,
    ) -> list[Model]:
        rows: list[Any] = list(objs)
        usable = (
            not (ignore_conflicts or update_conflicts or update_fields or unique_fields)
            and not pk.has_default()
            and list(opts.db_returning_fields) == [pk]
            and all(p._meta.concrete_model is opts.concrete_model for p in opts.all_parents)
        )
        if not usable or not rows:
            return original(rows, batch_size=batch_size, ignore_conflicts=ignore_conflicts,
                            update_conflicts=update_conflicts, update_fields=update_fields,
                            unique_fields=unique_fields)  # fmt: skip
        alias = router.db_for_write(model)
        connection = connections[alias]
        if not connection.features.can_return_rows_from_bulk_insert:
            return original(rows, batch_size=batch_size)
        # each relation's cache name, attname, target's attname (asked once, not per row)
        relations: list[tuple[str, str, str, Any]] = []
        for field in opts.concrete_fields:
            f: Any = field  # a relation (django-stubs types it as Field)
            if f.is_relation:
                relations.append((f.name, f.attname, f.target_field.attname, f))
        for obj in rows:  # as Model._prepare_related_fields_for_save
            cache = obj._state.fields_cache
            for name, attname, target, f in relations:
                related = cache.get(name)  # not cached, or cached as None: nothing to do
                if related is None:
                    continue
                if related.pk is None:
                    obj._prepare_related_fields_for_save(operation_name="bulk_create")
                elif getattr(obj, attname) is None:
                    setattr(obj, attname, related.pk)
                if getattr(related, target) != getattr(obj, attname):
                    f.delete_cached_value(obj)
        pk_attname = pk.attname  # what Model.pk reads
        with_pk = [o for o in rows if getattr(o, pk_attname) is not None]
        without_pk = [o for o in rows if getattr(o, pk_attname) is None]
        fields = [f for f in opts.concrete_fields if not f.generated]
        try:
            with transaction.atomic(using=alias, savepoint=True):
                if with_pk:
                    _insert(connection, model, fields, with_pk, returning=None)
                if without_pk:
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
            return original(rows, batch_size=batch_size)  # type: ignore[no-any-return]
        for obj in rows:
            obj._state.adding = False
            obj._state.db = alias
        return rows

    return bulk_create


def _columns(
    fields: list[Any], objs: list[Any], convert: list[Callable[[Column], Column]]
) -> list[Column]:
    """The rows of ``objs`` as one converted column per field (pre_save stamps
    applied), as both the INSERT and the COPY path send them."""
    stamped = [_column_values(f, objs) for f in fields]
    names = [f.attname for f in fields]
    raw: list[Column]
    try:  # from the instances' __dict__: a foreign key's attribute is a Python descriptor
        if len(fields) == 1:
            raw = [[vars(obj)[names[0]] for obj in objs]]
        else:
            raw = list(zip(*map(itemgetter(*names), map(vars, objs)), strict=True))
    except KeyError:  # a deferred attribute: its descriptor loads it
        get = attrgetter(*names)
        raw = (
            [[get(obj) for obj in objs]]
            if len(fields) == 1
            else list(zip(*map(get, objs), strict=True))
        )
    return [
        c(column if s is None else s) for c, column, s in zip(convert, raw, stamped, strict=True)
    ]


def _insert(
    connection: Any,
    model: type[Model],
    fields: list[Any],
    objs: list[Any],
    *,
    returning: Any | None,
) -> None:
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
        limit = min(limit, connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
    per_statement = max(1, limit // len(fields))
    convert = [_column_converter(f, connection) for f in fields]
    head = f"INSERT INTO {quote_table(model, connection)} ({columns}) VALUES "
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
            table = _columns(fields, chunk, convert)
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


def _copy(
    connection: Any,
    model: type[Model],
    fields: list[Any],
    objs: list[Any],
    *,
    returning: Any | None,
) -> None:
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


def _copy_rows(
    cursor: Any,
    model: type[Model],
    fields: list[Any],
    objs: list[Any],
    connection: Any,
) -> None:
    qn = connection.ops.quote_name
    convert = [_column_converter(f, connection, copy=True) for f in fields]
    columns = ", ".join(qn(f.column) for f in fields)
    statement = f"COPY {quote_table(model, connection)} ({columns}) FROM STDIN"
    for i in range(0, len(objs), COPY_ROWS):
        chunk = objs[i : i + COPY_ROWS]
        table = _columns(fields, chunk, convert)
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
    "jahesh.funds.services.ledger": ("LedgerEntry",),  # _entry: the *_build functions' rows
    "jahesh.funds.services.repayments": ("Repayment",),  # repayment_build
    "jahesh.funds.services.loans": ("Guarantor", "GuaranteeDocument"),  # their *_build
    "jahesh.funds.scenario": ("Member",),
    "jahesh.funds.services.members": ("Member",),  # member_build: members_create's rows
    "jahesh.volunteers.services.certificates": ("Certificate",),  # certificate_build
    "jahesh.funds.services.loan_flow": ("LoanEvent",),  # _loan_row: LOAN_FLOW.history's rows
    "jahesh.units.scenario": ("Visit", "RiskAssessment", "StatusChange"),
    "jahesh.projects.scenario": ("ProjectEvent", "ProjectFunding"),
    "jahesh.projects.services": ("DirectService", "ServiceBeneficiary"),  # service_build, bulk
    "jahesh.volunteers.scenario": ("Membership",),
    # the *_build functions' rows and VOLUNTEER_FLOW.history's (not Volunteer nor
    # RosterEntry: those modules pass them to scoped() and simple-history as models)
    "jahesh.volunteers.services.people": ("VolunteerSkill", "Credential", "VolunteerStatusEvent"),
}  # fmt: skip


# (attname, cache name, related model, target attname, reverse cache name or None)
_Forward = tuple[str, str, Any, str, str | None]
# (computed defaults the call leaves, its keywords that name a relation)
_Plan = tuple[tuple[tuple[str, Callable[[], Any]], ...], tuple[tuple[str, _Forward | None], ...]]


class _FastRows:
    """Calls make an instance of ``model`` as ``model(**kwargs)`` would; every
    other attribute is the model's."""

    def __init__(self, model: type[Model]) -> None:
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
        # foreign keys whose descriptor's __set__ _set_related repeats (no
        # routers): (attname, cache name, related model, its target attname, and
        # for a one-to-one, the reverse cache name the descriptor fills)
        self._forward: dict[str, _Forward] = {}
        for f in fields:
            key: Any = f
            if not key.is_relation or len(key.related_fields) != 1 or router.routers:
                continue
            descriptor = type(model.__dict__.get(key.name))
            many_to_one = descriptor is ForwardManyToOneDescriptor and key.remote_field.multiple
            # a one-to-one that is no parent link (its __set__ adds nothing then)
            one_to_one = (
                descriptor is ForwardOneToOneDescriptor
                and not key.remote_field.multiple
                and not key.primary_key
            )
            if many_to_one or one_to_one:
                self._forward[key.name] = (
                    key.attname,
                    key.cache_name,
                    key.remote_field.model._meta.concrete_model,
                    key.related_fields[0][1].attname,
                    key.remote_field.cache_name if one_to_one else None,
                )
        # a call's keywords, in their order → what fill does for them (see _plan)
        self._plans: dict[tuple[str, ...], _Plan | None] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._model, name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        model = self._model
        if args or not self._usable:
            return model(*args, **kwargs)
        obj = model.__new__(model)
        if not self.fill(obj, kwargs):
            return model(**kwargs)
        return obj

    def _plan(self, keys: tuple[str, ...]) -> _Plan | None:
        """What a call with these keywords needs beyond copying them: the
        defaults it leaves to compute, and its keywords that name a relation
        (set by ``_set_related``, else by the descriptor); None when only
        ``Model.__init__`` handles it."""
        related: list[tuple[str, _Forward | None]] = []
        for key in keys:
            if key in self._attnames:
                continue
            attname = self._by_name.get(key)
            if attname is None or attname in keys:
                return None  # a property, a typo, or both a name and its id
            related.append((key, self._forward.get(key)))
        computed = tuple((a, get) for a, get in self._computed if a not in keys)
        return computed, tuple(related)

    def fill(self, obj: Any, kwargs: dict[str, Any]) -> bool:
        """Make the new, empty ``obj`` what ``Model.__init__(obj, **kwargs)`` makes
        it; False (``obj`` untouched) for what only that handles."""
        if not self._usable:
            return False
        keys = tuple(kwargs)
        try:
            plan = self._plans[keys]
        except KeyError:
            plan = self._plans[keys] = self._plan(keys)
        if plan is None:
            return False
        computed, related = plan
        obj._state = ModelState()
        values = obj.__dict__
        values.update(self._constant)
        for attname, get_default in computed:
            values[attname] = get_default()
        values.update(kwargs)
        for key, known in related:
            rel = values.pop(key)
            if known is None or not _set_related(obj, values, rel, *known):
                setattr(obj, key, rel)  # the descriptor: the id and the cached object
        return True


def _set_related(
    obj: Any,
    values: dict[str, Any],
    rel: Any,
    attname: str,
    cache_name: str,
    model: Any,
    target: str,
    reverse: str | None,
) -> bool:
    """``ForwardManyToOneDescriptor.__set__`` (or a one-to-one's, with
    ``reverse``: it caches the instance on the related object too) on a new
    instance without routers (their databases settled as the router would: the
    other's, else the default), inline; False (nothing done) for what the
    descriptor should refuse itself."""
    state = obj._state
    if rel is None:
        values[attname] = None
    else:
        if not isinstance(rel, model):
            return False
        rel_state = rel._state
        if state.db is None:
            state.db = rel_state.db or DEFAULT_DB_ALIAS
        if rel_state.db is None:
            rel_state.db = state.db
        if rel_state.db != state.db:
            return False
        values[attname] = getattr(rel, target)
        if reverse is not None:
            rel_state.fields_cache[reverse] = obj
    state.fields_cache[cache_name] = rel
    return True


def _plain_descriptors(deferred: type) -> tuple[type, ...]:
    """The field descriptors whose __set__ (if any) only stores the value in the
    instance's __dict__ (on a new instance, with nothing cached yet)."""
    return (deferred, ForeignKeyDeferredAttribute, FileDescriptor)


# CPython's cyclic collector makes a full pass over every live object each time
# the objects that outlived its young passes have grown by a quarter: with a
# province's hundreds of thousands of rows alive in the builders' lists, that
# was ~25 full passes a province, a third of the volunteers part's CPU and a
# fifth of the funds part's. The rows make no reference cycles (reference
# counting frees them), so while the generator runs a full pass waits for
# FULL_PASS_AFTER young-generation passes (about one a province or two at scale
# 1.0, so what cycles there are still go); the young passes run as usual.
FULL_PASS_AFTER = 1000


@contextlib.contextmanager
def fewer_full_collections() -> Iterator[None]:
    """The collector's full passes spaced out (above); its thresholds restored."""
    saved = gc.get_threshold()
    gc.set_threshold(saved[0], saved[1], max(saved[2], FULL_PASS_AFTER))
    try:
        yield
    finally:
        gc.set_threshold(*saved)


@contextlib.contextmanager
def fast_rows(app_labels: Iterable[str] = GENERATED_APPS) -> Iterator[None]:
    """The stand-ins above in their modules; and every other model of these apps
    (Volunteer, RosterEntry, the history rows …, which their modules also use as
    classes) gets, for the run, an ``__init__`` that fills a keyword-only call
    the same way (``_FastRows.fill``; anything else, and subclasses, go to
    ``Model.__init__``); the collector's full passes spaced out
    (``fewer_full_collections``). Restored on the way out."""
    patches = []
    for dotted, names in FAST_ROW_MODELS.items():
        module = importlib.import_module(dotted)
        patches.append(patched(module, **{n: _FastRows(getattr(module, n)) for n in names}))
    inits = []
    for label in app_labels:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            rows = _FastRows(model)
            if "__init__" not in vars(model) and model.__init__ is Model.__init__ and rows._usable:
                inits.append((model, rows))
    with contextlib.ExitStack() as stack:
        stack.enter_context(fewer_full_collections())
        for patch in patches:
            stack.enter_context(patch)
        try:
            for model, rows in inits:
                setattr(model, "__init__", _fast_init(rows))  # noqa: B010  # (mypy: a method)
            yield
        finally:
            for model, _rows in inits:
                if "__init__" in vars(model):
                    delattr(model, "__init__")


def _fast_init(rows: _FastRows) -> Callable[..., None]:
    model = rows._model

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if args or type(self) is not model or not rows.fill(self, kwargs):
            Model.__init__(self, *args, **kwargs)

    return __init__


@contextlib.contextmanager
def fast_bulk_inserts(app_labels: Iterable[str] = GENERATED_APPS) -> Iterator[None]:
    """While inside, ``bulk_create`` of these apps' models (their history and
    many-to-many tables too) takes the fast path above; restored on the way out."""
    managers = []
    for label in app_labels:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            found = (model._default_manager, getattr(model, "objects", None))
            for manager in {id(m): m for m in found if m is not None}.values():
                if "bulk_create" not in vars(manager):
                    managers.append(manager)
    try:
        for manager in managers:
            manager.bulk_create = _fast_bulk_create(  # type: ignore[method-assign]  # the speed-up is a patch of the manager, undone below
                manager.model, manager.bulk_create
            )
        yield
    finally:
        for manager in managers:
            vars(manager).pop("bulk_create", None)
