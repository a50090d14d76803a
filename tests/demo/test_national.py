"""The national generator on the small test geography (two provinces, scale 0.01)."""

from __future__ import annotations

import datetime
import importlib
import itertools

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone

from jahesh.accounts.scoping import Area
from jahesh.core.errors import Conflict
from jahesh.core.jalali import last_jalali_years
from jahesh.demo import bulkload, bulkmode
from jahesh.demo.bulkload import FAST_ROW_MODELS, GENERATED_APPS, _FastRows
from jahesh.demo.national import PER_PROVINCE, UNIT_PREFIX, generate_nation, table_counts
from jahesh.reports.figures import kpi_values
from jahesh.reports.kpis import CODES
from jahesh.units.models import Unit
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
