"""The national generator on the small test geography (two provinces, scale 0.01)."""

from __future__ import annotations

import datetime
import hashlib
import importlib
import itertools
from collections import Counter

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone

from jahesh.accounts.scoping import Area
from jahesh.core.errors import Conflict, InvalidInput
from jahesh.core.jalali import last_jalali_years
from jahesh.demo import bulkload, bulkmode
from jahesh.demo.bulkload import FAST_ROW_MODELS, GENERATED_APPS, _FastRows
from jahesh.demo.national import (
    MAX_WORKERS,
    PER_PROVINCE,
    UNIT_PREFIX,
    generate_nation,
    table_counts,
)
from jahesh.reports.figures import kpi_values
from jahesh.reports.kpis import CODES
from jahesh.units.models import Unit
from jahesh.volunteers.models import Volunteer
from jahesh.volunteers.national_codes import national_code_for
from tests.conftest import MARKAZI, TEHRAN

AS_OF = datetime.date(2026, 11, 27)
SCALE = 0.01


@pytest.fixture
def nation(geo):
    return generate_nation(
        scale=SCALE, seed=7, as_of=AS_OF, province_ids=[MARKAZI, TEHRAN], log=lambda _l: None
    )


def test_it_reports_its_rows_and_every_kpi_has_figures(nation):
    """One generator run (about 5 s) for both checks: the counts it reports, then
    the KPI selectors on its data."""
    assert sorted(nation.provinces) == sorted(["مرکزی", "تهران"])
    counts = table_counts()
    assert nation.added == counts  # the database was empty: every row is the generator's
    units = round(PER_PROVINCE["units"] * SCALE)
    assert counts["units.Unit"] == 2 * units
    assert not Unit.objects.filter(latitude__isnull=True).exists()  # all on the map (issue 17)
    assert counts["funds.Fund"] == 2 * round(PER_PROVINCE["funds_active"] * SCALE)
    assert counts["volunteers.Volunteer"] == 2 * (
        round(PER_PROVINCE["volunteers_active"] * SCALE)
        + round(PER_PROVINCE["volunteers_left"] * SCALE)
    )
    assert counts["funds.Installment"] > counts["funds.Loan"] > 0
    assert counts["clinic.Case"] > 0
    assert counts["projects.ProjectFunding"] > 0
    assert counts["projects.DirectService"] == 2 * round(PER_PROVINCE["services"] * SCALE)

    start, end = last_jalali_years(AS_OF, 5)
    markazi = kpi_values(area=Area(province_id=MARKAZI), start=start, end=end)
    tehran = kpi_values(area=Area(province_id=TEHRAN), start=start, end=end)
    country = kpi_values(area=Area(), start=start, end=end)
    assert set(country) == set(CODES)
    for values in (markazi, tehran):
        assert values["units_monitored"] == 20  # round(29 × 760/1100)
        assert values["funds_active"] == 7
        assert values["volunteers"] == 258
        assert values["projects_completed"] == 13
        assert values["closures_prevented"] == 3  # int(7 crisis units × 110/250)
        for code in ("cases_opened", "loans_disbursed", "loans_disbursed_rial", "jobs_created",
                     "volunteer_hours", "projects_value_rial", "services_value_rial"):  # fmt: skip
            assert values[code] > 0, code
    for code in CODES:
        if code not in ("par30", "resolutions_executed_pct"):  # ratios do not add up
            assert country[code] == markazi[code] + tehran[code], code


def test_it_refuses_to_run_twice(geo):
    from jahesh.units.models import Unit

    Unit.objects.create(
        code=f"{UNIT_PREFIX}28-0001", name="واحد", name_key="واحد", sector="industry",
        county=geo["arak"],
    )  # fmt: skip
    with pytest.raises(Conflict):
        generate_nation(scale=SCALE, as_of=AS_OF, province_ids=[MARKAZI], log=lambda _l: None)
    assert Unit.objects.count() == 1


def _dump() -> dict[str, list[tuple]]:
    """Every row of the generated apps' tables (history and many-to-many tables
    too), ids counted from each table's first id so that two runs compare on any
    database (PostgreSQL sequences do not roll back)."""
    models = [
        m for label in GENERATED_APPS
        for m in apps.get_app_config(label).get_models(include_auto_created=True)
    ]  # fmt: skip
    base = {}
    for model in models:
        first = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
        base[model._meta.concrete_model] = first if isinstance(first, int) else 0
    dump = {}
    for model in models:
        fields = model._meta.concrete_fields
        history_of = getattr(model, "instance_type", None)  # simple_history's own id column
        rows = []
        for row in model._default_manager.order_by("pk").values_list(*(f.attname for f in fields)):
            out = []
            for f, value in zip(fields, row, strict=True):
                target = f.related_model if f.is_relation else model if f.primary_key else None
                if history_of is not None and f.attname == history_of._meta.pk.attname:
                    target = history_of
                shift = base.get(target._meta.concrete_model, 0) if target else 0
                out.append(value - shift if shift and value is not None else value)
            rows.append(tuple(out))
        if model._meta.auto_created:
            # many-to-many rows: Django adds them in the order of a set of ids,
            # which depends on the ids' values (PostgreSQL's differ between runs)
            rows = sorted(row[1:] for row in rows)
        dump[model._meta.label] = rows
    return dump


def test_fast_inserts_write_the_same_rows_as_django(geo, monkeypatch):
    """The generator's fast bulk_create against Django's own, on one frozen clock:
    every table, row for row, value for value (ids, foreign keys, dates, decimals,
    JSON, history rows); the managers get their own bulk_create back afterwards."""
    from jahesh.funds.models import Installment
    from jahesh.units.models import Unit

    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now)
    runs = {}
    for fast in (False, True):
        codes = itertools.count()  # certificate codes: the same sequence in both runs
        monkeypatch.setattr("secrets.token_urlsafe", lambda _n=None, c=codes: f"code-{next(c)}")
        with transaction.atomic():
            report = generate_nation(
                scale=SCALE, seed=11, as_of=AS_OF, province_ids=[MARKAZI, TEHRAN],
                log=lambda _l: None, fast_inserts=fast,
            )  # fmt: skip
            runs[fast] = _dump()
            transaction.set_rollback(True)
        assert report.added["funds.Installment"] > 0
    slow, fast = runs[False], runs[True]
    assert slow.keys() == fast.keys()
    assert len(slow["units.HistoricalUnit"]) == len(slow["units.Unit"]) > 0
    assert len(slow["funds.LedgerEntry"]) > len(slow["funds.Repayment"]) > 0
    for label in slow:
        assert fast[label] == slow[label], label
    assert "bulk_create" not in vars(Installment.objects)
    assert "bulk_create" not in vars(Unit.objects)
    for dotted, names in FAST_ROW_MODELS.items():  # the stand-ins made instances themselves
        module = importlib.import_module(dotted)
        for name in names:
            assert isinstance(getattr(module, name), type)  # the model again
            assert _FastRows(getattr(module, name))._usable, name


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="COPY is the PostgreSQL path of the fast inserts"
)
def test_copy_writes_the_same_rows_and_figures_as_insert(geo, monkeypatch):
    """On PostgreSQL the fast path sends the bulk tables through COPY: the same
    rows (ids included) and the same KPI figures as its INSERT … VALUES path."""
    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now)
    copied = []
    real_copy = bulkload._copy

    def counting_copy(connection_, model, fields, objs, *, returning):
        copied.append(len(objs))
        return real_copy(connection_, model, fields, objs, returning=returning)

    monkeypatch.setattr(bulkload, "_copy", counting_copy)
    start, end = last_jalali_years(AS_OF, 5)
    runs, figures, counts = {}, {}, {}
    for use_copy in (False, True):
        monkeypatch.setattr(bulkload, "USE_COPY", use_copy)
        codes = itertools.count()
        monkeypatch.setattr("secrets.token_urlsafe", lambda _n=None, c=codes: f"code-{next(c)}")
        with transaction.atomic():
            generate_nation(
                scale=SCALE, seed=5, as_of=AS_OF, province_ids=[MARKAZI, TEHRAN],
                log=lambda _l: None,
            )  # fmt: skip
            runs[use_copy] = _dump()
            counts[use_copy] = table_counts()
            figures[use_copy] = kpi_values(area=Area(), start=start, end=end)
            transaction.set_rollback(True)
        if not use_copy:
            assert copied == []
    assert sum(copied) > counts[True]["funds.Installment"] > 0  # COPY wrote the bulk tables
    assert counts[True] == counts[False]
    assert figures[True] == figures[False]
    assert figures[True]["loans_disbursed"] > 0
    for label in runs[False]:
        assert runs[True][label] == runs[False][label], label


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the PostgreSQL bulk mode of the generator"
)
def test_postgresql_bulk_mode_checks_every_foreign_key_at_the_end(geo):
    """Without per-row foreign-key triggers during the load (the stale-place
    triggers paused, as ``generate_nation`` runs), a dangling reference still
    fails the run, when the mode ends; the session's settings come back."""
    from jahesh.reports import facts
    from jahesh.volunteers.models import Membership

    def setting(name):
        with connection.cursor() as cursor:
            cursor.execute(f"SHOW {name}")
            return cursor.fetchone()[0]

    before = setting("session_replication_role"), setting("synchronous_commit")
    with (
        pytest.raises(
            RuntimeError, match=r"volunteers_membership\.(group|volunteer)_id = 999999999: no such"
        ),
        facts.paused(),
        bulkmode.postgresql_bulk_mode(),
    ):
        assert setting("session_replication_role") == "replica"
        assert setting("synchronous_commit") == "off"
        Membership.objects.bulk_create(
            [Membership(group_id=999_999_999, volunteer_id=999_999_999, joined_on=AS_OF)]
        )
    assert (setting("session_replication_role"), setting("synchronous_commit")) == before
    assert before[0] == "origin"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the PostgreSQL bulk mode of the generator"
)
def test_deferred_indexes_come_back_as_they_were(geo):
    """The plain indexes of the generated tables are gone during the load and
    back afterwards with the same definitions; unique ones never leave."""
    tables = ["volunteers_volunteer", "funds_installment"]

    def indexes(unique):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index"
                " WHERE indrelid::regclass::text = ANY(%s) AND indisunique = %s ORDER BY 1",
                [tables, unique],
            )
            return cursor.fetchall()

    plain, unique = indexes(False), indexes(True)
    assert any("gin_trgm_ops" in d for _n, d in plain)
    seconds: dict[str, float] = {}
    with bulkmode.deferred_indexes(tables, seconds):
        assert indexes(False) == []
        assert indexes(True) == unique
    assert indexes(False) == plain
    assert indexes(True) == unique
    assert list(seconds) == ["indexes"] and seconds["indexes"] > 0  # the build's time


def test_it_refuses_bad_worker_counts(geo):
    """Workers from 1 to MAX_WORKERS; more than one only on PostgreSQL outside a
    transaction (here: the test's), with a message that says so."""
    for workers in (0, -1, MAX_WORKERS + 1):
        with pytest.raises(InvalidInput, match="از ۱ تا") as found:
            generate_nation(scale=SCALE, province_ids=[MARKAZI], workers=workers, log=print)
        assert found.value.field == "workers"
    with pytest.raises(InvalidInput, match="فقط روی PostgreSQL و بیرون از تراکنش"):
        generate_nation(scale=SCALE, province_ids=[MARKAZI], workers=2, log=print)
    assert Unit.objects.count() == 0


# Columns whose values are drawn at random in every run (not by the seed).
RANDOM_COLUMNS = {("volunteers.Certificate", "code")}


def _by_natural_keys() -> dict[str, Counter]:
    """Every row of the project's tables (history and many-to-many tables too)
    as a digest of its values without its id, each reference to another row
    replaced by that row's digest (so two runs whose ids differ, or interleave,
    compare row for row, and a shared row made twice shows); per table, how
    many rows have each."""
    models = [
        m for config in apps.get_app_configs() if config.name.startswith("jahesh.")
        for m in config.get_models(include_auto_created=True)
    ]  # fmt: skip
    rows: dict[type, dict[object, tuple]] = {}
    targets: dict[type, list] = {}
    for model in models:
        history_of = getattr(model, "instance_type", None)  # simple_history's own id column
        fields = [
            f for f in model._meta.concrete_fields
            if not f.primary_key and (model._meta.label, f.attname) not in RANDOM_COLUMNS
        ]  # fmt: skip
        targets[model] = [
            history_of
            if history_of is not None and f.attname == history_of._meta.pk.attname
            else f.related_model._meta.concrete_model
            if f.is_relation
            else None
            for f in fields
        ]
        rows[model] = dict(
            (pk, values)
            for pk, *values in model._default_manager.values_list(
                "pk", *(f.attname for f in fields)
            )
        )
    digests: dict[tuple[type, object], str] = {}

    def digest(model: type, pk: object) -> str:
        if (model, pk) not in digests:
            values = [
                digest(target, value) if target in rows and value is not None else value
                for target, value in zip(targets[model], rows[model][pk], strict=True)
            ]
            digests[model, pk] = hashlib.sha256(repr(values).encode()).hexdigest()
        return digests[model, pk]

    return {m._meta.label: Counter(digest(m, pk) for pk in rows[m]) for m in models}


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="provinces are filled by several processes only on PostgreSQL (SQLite has one writer)",
)
@pytest.mark.django_db(transaction=True)
def test_two_workers_write_the_rows_of_one(geo, monkeypatch):
    """Two worker processes, each filling a province on its own connection, write
    the rows one process writes (the same values and references; only the ids
    differ), the volunteers' made-up national codes numbered without a gap, and
    the progress line of each province comes back to this process."""
    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now)  # (the forked workers' clock too)
    run = {"scale": SCALE, "seed": 3, "as_of": AS_OF, "province_ids": [MARKAZI, TEHRAN]}
    with transaction.atomic():
        one = generate_nation(workers=1, log=lambda _l: None, **run)
        rows_one = _by_natural_keys()
        transaction.set_rollback(True)
    lines: list[str] = []
    two = generate_nation(workers=2, log=lines.append, **run)
    rows_two = _by_natural_keys()
    assert (one.workers, two.workers) == (1, 2)
    assert sorted(two.provinces) == sorted(one.provinces) == sorted(["مرکزی", "تهران"])
    assert two.added == one.added
    assert two.added["volunteers.Volunteer"] > 0 and two.added["funds.Installment"] > 0
    assert sorted(line.split(":")[0] for line in lines) == ["[1/2] تهران", "[2/2] مرکزی"]
    parts = ["units", "clinic", "funds", "volunteers", "projects"]
    assert all(two.seconds[part] > 0 for part in parts)
    assert two.seconds["provinces"] > 0 and "indexes" in two.seconds
    assert rows_two.keys() == rows_one.keys()
    assert sum(rows_two["volunteers.Volunteer"].values()) == two.added["volunteers.Volunteer"]
    for label in rows_one:
        assert rows_two[label] == rows_one[label], label
    codes = sorted(Volunteer.objects.values_list("national_code", flat=True))
    assert codes == [national_code_for(n) for n in range(1, len(codes) + 1)]
