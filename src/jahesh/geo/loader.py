"""Loading Iran's divisions from django-iranian-cities' CSV files.

The files' ids become our primary keys, so a reload finds each row again and
references from other tables stay valid. Each level is read, checked against
the levels above it, compared with what the database holds, and only new or
changed rows are written (one upsert per batch). A second load therefore
writes nothing, and the columns Jahesh adds (``is_deprived``,
``deprivation_index``) are never in the upsert's update list, so a reload can
never reset them.

Dirty data is repaired rather than refused (django-iranian-cities 2.0 has none:
a load reports ``fixed = skipped = 0``; the rules are for other releases and
hand-edited files):

* a row whose id is empty or not a number is skipped (``skipped_bad_id``);
* a second row with an id already seen is skipped, the first one wins
  (``skipped_duplicate_id``);
* the county is authoritative: a row whose county is empty or unknown takes
  the county of its district or rural district; when none is known the row is
  skipped (``skipped_no_county``), because every level below the province
  must belong to a county;
* the province always follows the county (``fixed_province``);
* a district or rural district that does not exist, or belongs to another
  county, becomes null (``fixed_district``, ``fixed_rural_district``) — e.g.
  a placeholder district id of 1, which is a real district of another
  province;
* a village with a rural district but no district takes the rural district's
  district (``fixed_district``).

Rows in the database that are no longer in the files are left alone (other
tables may point at them) and counted as ``stale``.
"""

from __future__ import annotations

import csv
import logging
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.resources import files

from django.db import connection, transaction

from jahesh.core.sql import quote_table
from jahesh.core.text import clean_text, normalize_key
from jahesh.geo.models import City, County, District, Province, RuralDistrict, Village

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Level:
    file: str  # the CSV file's stem in iranian_cities/data
    key: str  # the key of its count in the report
    model: type
    parents: tuple[str, ...]  # foreign-key columns, in the order they are checked


LEVELS: tuple[Level, ...] = (
    Level("province", "provinces", Province, ()),
    Level("county", "counties", County, ("province",)),
    Level("district", "districts", District, ("province", "county")),
    Level("city", "cities", City, ("province", "county", "district")),
    Level("rural_district", "rural_districts", RuralDistrict, ("province", "county", "district")),
    Level("village", "villages", Village, ("province", "county", "district", "rural_district")),
)

# The fields a load owns. Anything else on these models (is_deprived,
# deprivation_index) belongs to the people who maintain it.
_OWN_FIELDS = ("name", "name_key", "code")
# Rows per INSERT (see _upsert_values and _upsert_unnest).
_BATCH = 500
_PG_BATCH = 20_000
# Names that clean_text would change (Arabic yeh/kaf, ZWNJ, doubled or outer
# spaces); the other 99% skip it, a third of a load's Python time.
_NEEDS_CLEANING = re.compile("[\u064a\u0649\u0643\u200c\r\n\t\u00a0]|\\s\\s|^\\s|\\s$")


def data_rows(file: str) -> Iterator[dict[str, str]]:
    """The rows of one of django-iranian-cities' data files."""
    path = files("iranian_cities") / "data" / f"{file}.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        yield from csv.DictReader(handle)


def _int(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


class _Resolver:
    """Checks each row's parents against the rows already accepted above it."""

    def __init__(self, stats: Counter[str]) -> None:
        self.stats = stats
        self.provinces: set[int] = set()
        self.county_province: dict[int, int] = {}
        self.district_county: dict[int, int] = {}
        self.rural_parent: dict[int, tuple[int, int | None]] = {}  # id → (county, district)

    def parents(self, level: Level, row: dict[str, str]) -> dict[str, int | None] | None:
        if not level.parents:
            return {}
        if level.file == "county":
            return self._county_parents(row)
        district = _int(row.get("district"))
        rural = _int(row.get("rural_district")) if "rural_district" in level.parents else None
        county = self._county(row, district, rural)
        if county is None:
            self.stats["skipped_no_county"] += 1
            return None
        province = self.county_province[county]
        if _int(row.get("province")) != province:
            self.stats["fixed_province"] += 1
        found = {"province": province, "county": county}
        if "district" in level.parents:
            found["district"] = self._district(district, county)
        if "rural_district" in level.parents:
            found["rural_district"] = self._rural(rural, county, found)
        return found

    def _county_parents(self, row: dict[str, str]) -> dict[str, int | None] | None:
        province = _int(row.get("province"))
        if province not in self.provinces:
            self.stats["skipped_no_province"] += 1
            return None
        return {"province": province}

    def _county(self, row: dict[str, str], district: int | None, rural: int | None) -> int | None:
        county = _int(row.get("county"))
        if county in self.county_province:
            return county
        # Recover the county from a lower level when the column is empty or wrong.
        if rural in self.rural_parent:
            county = self.rural_parent[rural][0]
        elif district in self.district_county:
            county = self.district_county[district]
        else:
            return None
        self.stats["fixed_county"] += 1
        return county

    def _district(self, district: int | None, county: int) -> int | None:
        if district is None:
            return None
        if self.district_county.get(district) != county:
            self.stats["fixed_district"] += 1
            return None
        return district

    def _rural(self, rural: int | None, county: int, found: dict[str, int | None]) -> int | None:
        if rural is None:
            return None
        parent = self.rural_parent.get(rural)
        if parent is None or parent[0] != county:
            self.stats["fixed_rural_district"] += 1
            return None
        if found["district"] is None and parent[1] is not None:
            found["district"] = parent[1]
            self.stats["fixed_district"] += 1
        return rural

    def accept(self, level: Level, pk: int, parents: dict[str, int | None]) -> None:
        if level.file == "province":
            self.provinces.add(pk)
        elif level.file == "county":
            self.county_province[pk] = parents["province"]
        elif level.file == "district":
            self.district_county[pk] = parents["county"]
        elif level.file == "rural_district":
            self.rural_parent[pk] = (parents["county"], parents["district"])


def _upsert(model: type, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """INSERT … ON CONFLICT (id) DO UPDATE for ``rows`` (id first, then ``columns``).

    Plain SQL, because the ORM's bulk_create spends most of a load preparing
    100,000 model instances value by value (it took more than twice as long). Both
    SQLite (≥ 3.24) and PostgreSQL speak this dialect. New villages and cities
    get ``is_deprived = false`` (the column has no database default); it is
    never in the update list, so a reload keeps the flags.
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    extra = (
        {"is_deprived": False} if any(f.name == "is_deprived" for f in model._meta.fields) else {}
    )
    names = ["id", *columns, *extra]
    head = "INSERT INTO {table} ({cols}) ".format(
        table=quote_table(model), cols=", ".join(quote(n) for n in names)
    )
    tail = " ON CONFLICT (id) DO UPDATE SET " + ", ".join(
        f"{quote(c)} = EXCLUDED.{quote(c)}" for c in columns
    )
    rows = [(*row, *extra.values()) for row in rows]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _upsert_unnest(cursor, model, names, head, tail, rows)
        else:
            _upsert_values(cursor, names, head, tail, rows)


def _upsert_values(cursor, names: list[str], head: str, tail: str, rows: list[tuple]) -> None:
    # Multi-row VALUES: 500 rows × 11 parameters stays far below SQLite's
    # limit (32,766 since 3.32).
    row_marks = "(" + ", ".join(["%s"] * len(names)) + ")"
    for start in range(0, len(rows), _BATCH):
        batch = rows[start : start + _BATCH]
        params = [value for row in batch for value in row]
        cursor.execute(head + "VALUES " + ", ".join([row_marks] * len(batch)) + tail, params)


def _upsert_unnest(
    cursor, model, names: list[str], head: str, tail: str, rows: list[tuple]
) -> None:
    # PostgreSQL: one array per column and unnest(), so each statement is short
    # (psycopg re-parses a long statement's placeholders on every execute,
    # which made multi-row VALUES three times slower here).
    fields = {f.column: f for f in model._meta.fields}
    casts = ", ".join(f"%s::{fields[n].db_type(connection)}[]" for n in names)
    sql = head + f"SELECT * FROM unnest({casts})" + tail
    for start in range(0, len(rows), _PG_BATCH):
        batch = rows[start : start + _PG_BATCH]
        cursor.execute(sql, [list(column) for column in zip(*batch, strict=True)])


def _load_level(level: Level, resolver: _Resolver, stats: Counter[str]) -> int:
    """Read one file, write its new and changed rows; return how many rows it has."""
    columns = (*_OWN_FIELDS, *(f"{p}_id" for p in level.parents))
    existing = {
        row[0]: row[1:] for row in level.model.objects.values_list("id", *columns).iterator(5000)
    }
    keys: dict[str, str] = {}  # names repeat a lot (villages): normalise each once
    seen: set[int] = set()
    to_write = []
    for row in data_rows(level.file):
        pk = _int(row.get("id"))
        if pk is None:
            stats["skipped_bad_id"] += 1
            continue
        if pk in seen:
            stats["skipped_duplicate_id"] += 1
            continue
        parents = resolver.parents(level, row)
        if parents is None:
            continue
        seen.add(pk)
        resolver.accept(level, pk, parents)
        name = row.get("name") or ""
        if _NEEDS_CLEANING.search(name):
            name = clean_text(name)
        if name not in keys:
            keys[name] = normalize_key(name)
        values = (name, keys[name], (row.get("code") or "").strip(), *parents.values())
        old = existing.get(pk)
        if old == values:
            stats["unchanged"] += 1
            continue
        stats["updated" if old is not None else "created"] += 1
        to_write.append((pk, *values))
    _upsert(level.model, columns, to_write)
    stats["stale"] += len(existing.keys() - seen)
    return len(seen)


def load_all(*, progress: Progress | None = None) -> dict[str, int]:
    """Load every level, parents first, in one transaction (see the module docstring)."""
    stats: Counter[str] = Counter()
    report: dict[str, int] = {}
    resolver = _Resolver(stats)
    with transaction.atomic():
        for level in LEVELS:
            started = time.perf_counter()
            report[level.key] = _load_level(level, resolver, stats)
            if progress is not None:
                seconds = time.perf_counter() - started
                progress(f"{level.key}: {report[level.key]} ({seconds:.1f}s)")
    for name in ("created", "updated", "unchanged", "stale"):
        report[name] = stats.pop(name, 0)
    report.update(sorted(stats.items()))
    report["skipped"] = sum(v for k, v in stats.items() if k.startswith("skipped_"))
    report["fixed"] = sum(v for k, v in stats.items() if k.startswith("fixed_"))
    if report["skipped"] or report["fixed"]:
        logger.warning("geo load repaired the data: %s", dict(stats))
    return report
