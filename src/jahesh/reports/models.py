"""The analytics table (DHIS2's idea): the KPI parts of the standard periods,
precomputed per place, so that a figure for the whole country is a sum over a
few hundred rows instead of a scan of millions of records.

Kept by ``reports.facts``; database triggers on the source tables mark the
places a write touched (``StalePlace``); reads recompute them in memory and
the writer (``facts.refresh_stale``) stores them.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


class FactPeriod(models.Model):
    """A period whose KPI parts are materialized in ``Fact``."""

    start = models.DateField()
    end = models.DateField()  # exclusive
    computed_at = models.DateTimeField()
    seconds = models.FloatField(default=0)

    class Meta:
        verbose_name = _("دورهٔ محاسبه‌شدهٔ شاخص‌ها")
        verbose_name_plural = _("دوره‌های محاسبه‌شدهٔ شاخص‌ها")
        constraints = [
            models.UniqueConstraint(fields=["start", "end"], name="reports_factperiod_unique"),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="reports_factperiod_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start} – {self.end}"


class PartValue(models.Model):
    """A KPI part's value for one place (``province_id``, ``county_id``: plain
    integers, no foreign keys: the tables are rebuilt, never edited by hand)
    at one time (``when_field``: the field naming the period's level, the day
    or the month)."""

    when_field: str
    part = models.CharField(max_length=40)
    province_id = models.IntegerField(null=True)
    county_id = models.IntegerField(null=True)
    value = models.BigIntegerField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        when = getattr(self, self.when_field)
        return f"{self.part} {when} {self.province_id}/{self.county_id} = {self.value}"


class Fact(PartValue):
    """One part's value for one place in one period.

    ``level`` is the place's kind: "county" rows carry additive county parts,
    "province" rows carry province parts (working groups) and the per-province
    value of non-additive parts, and the "country" row the non-additive parts'
    national value. Place ids are plain integers (no foreign keys): the table is
    rebuilt, never edited by hand.
    """

    COUNTY, PROVINCE, COUNTRY = "county", "province", "country"
    when_field = "level"

    period = models.ForeignKey(FactPeriod, on_delete=models.CASCADE, related_name="facts")
    level = models.CharField(max_length=8)

    class Meta:
        verbose_name = _("شاخص محاسبه‌شده")
        verbose_name_plural = _("شاخص‌های محاسبه‌شده")
        indexes = [
            models.Index(
                fields=["period", "level", "province_id", "part", "county_id", "value"],
                name="reports_fact_read_idx",
            ),
        ]


class DayFact(PartValue):
    """One flow part's value for one place on one day (``reports.facts``): the
    parts whose value for a period is the sum of its days' (cases opened,
    principal disbursed, hours logged), so a figure for any period is a sum
    over an index range. ``county_id`` is None for province parts (working
    groups) and on the rows above a part's own places: a province's
    (``province_id`` set) and the country's (``province_id`` None too) rows,
    the sums of the places below for a part that adds up (so a province or the
    country reads its own few rows, whatever its number of counties) and
    computed per area for one that does not (distinct beneficiaries). Rows
    exist only for days with records; a write recomputes the rows of its own
    place (only those that changed are rewritten) and adds what changed to
    the sums above it."""

    when_field = "day"
    day = models.DateField()
    # The row counts for [start, end) when since < start and lo < end <= hi: a
    # unit's visit counts where the unit's previous visit day (since) is before
    # the period (distinct units); a unit's latest visit in the period is the one
    # whose next visit (hi) is on or after its end; a loan's latest verification
    # before the end is the one visited (lo) before it whose next is not.
    since = models.DateField(default=datetime.date(1, 1, 1))
    lo = models.DateField(default=datetime.date(1, 1, 1))
    hi = models.DateField(default=datetime.date(9999, 12, 31))

    class Meta:
        verbose_name = _("شاخص روزانهٔ محاسبه‌شده")
        verbose_name_plural = _("شاخص‌های روزانهٔ محاسبه‌شده")
        indexes = [
            models.Index(fields=["part", "day", "province_id", "county_id", "since", "lo", "hi",
                                 "value"], name="reports_dayfact_day_idx"),
            # The places' own rows (a county's; a province's for province parts
            # sit in the level index) and the rows above them are in separate
            # partial indexes, so a read of either can only take its own: SQLite's
            # statistics average the county_id NULL group (every row above the
            # places) with the counties', and took the county index, reading every
            # province's rows from the table, for the country's custom period.
            # A county's rows are few: the range is read from the table (narrow:
            # every row a refresh writes pays for each index).
            models.Index(fields=["county_id", "part", "day"], name="reports_dayfact_county_idx",
                         condition=models.Q(county_id__isnull=False)),
            models.Index(fields=["province_id", "part", "day", "county_id", "since", "lo", "hi",
                                 "value"], name="reports_dayfact_province_idx",
                         condition=models.Q(county_id__isnull=False)),
            # The rows above the places (a province's, the country's): what a
            # province or the country reads, a range of days each. It holds
            # county_id (null) so the read is covered: SQLite reads a column of
            # the index's condition from the table.
            models.Index(fields=["province_id", "part", "day", "since", "lo", "hi", "value",
                                 "county_id"],
                         name="reports_dayfact_level_idx",
                         condition=models.Q(county_id__isnull=True)),
        ]  # fmt: skip


class MonthBalance(PartValue):
    """A stock part's value for one place at the start of a month (the sum of
    its day changes before ``month``), from the month after the place's first
    change to the horizon (the row with part "" holds it): a stock at any date
    is its month's balance plus the changes of at most a month of days."""

    when_field = "month"
    month = models.DateField()  # the first day of a month

    class Meta:
        verbose_name = _("ماندهٔ ماهانهٔ شاخص")
        verbose_name_plural = _("مانده‌های ماهانهٔ شاخص‌ها")
        indexes = [
            models.Index(fields=["part", "month", "province_id", "county_id", "value"],
                         name="reports_monthbal_month_idx"),
            models.Index(fields=["county_id", "part", "month"], name="reports_monthbal_county_idx"),
        ]  # fmt: skip


class DayDigest(models.Model):
    """A digest of the rows ``refresh_kpis`` wrote for one series (``part``) of
    a day table (``table``: ``DayFact``'s or ``MonthBalance``'s), and how many:
    the next refresh compares it with a digest of the rows it computes and reads
    back, row by row, only the series whose digests differ. Each writer of a
    day table removes the digests of the series it changes (the writer of
    marked places, bulk loads, migrations), so a digest stands for rows as
    written; the tables are never edited by hand."""

    table = models.CharField(max_length=40)
    part = models.CharField(max_length=40)
    rows = models.BigIntegerField()
    digest = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("چکیدهٔ سطرهای روزانهٔ نوشته‌شده")
        verbose_name_plural = _("چکیده‌های سطرهای روزانهٔ نوشته‌شده")
        constraints = [
            models.UniqueConstraint(fields=["table", "part"], name="reports_daydigest_part"),
        ]

    def __str__(self) -> str:
        return f"{self.table} {self.part}: {self.rows} rows {self.digest[:12]}"


class StalePlace(models.Model):
    """A county (or, with county 0, a whole province) whose facts a write has made
    stale: one row per written row, appended by triggers on the source tables
    (``reports.facts.SOURCES``), so bulk inserts, queryset updates, the admin and
    plain SQL are all seen. A refresh removes exactly the rows it has read, so a
    write that lands during a refresh stays marked."""

    province_id = models.IntegerField(default=0)
    county_id = models.IntegerField(default=0)
    source = models.CharField(max_length=40, default="")  # "units.Visit": which parts to recompute

    def __str__(self) -> str:
        return f"{self.province_id}/{self.county_id} {self.source}"


class FactVersion(models.Model):
    """How many stale marks the table's writers have removed, per place: a county's
    marks under (its province, the county), a province's (working groups) under
    (the province, 0), and a bulk load's bump under (0, 0).

    With the marks still present it counts every write the triggers have seen in
    a place, so a place's count only grows, and a write raises it (and its
    province's and the country's) when it commits: the data version the
    dashboards' cache keys carry (``reports.facts.data_version``), so a write
    invalidates only the figures it can change. Kept by the writers, not by the
    triggers, so writes never queue on hot rows.
    """

    province_id = models.IntegerField(default=0)
    county_id = models.IntegerField(default=0)
    forgotten = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("نسخهٔ داده‌های شاخص‌ها")
        verbose_name_plural = _("نسخه‌های داده‌های شاخص‌ها")
        constraints = [
            models.UniqueConstraint(
                fields=["province_id", "county_id"], name="reports_factversion_place"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.province_id}/{self.county_id}: {self.forgotten}"
