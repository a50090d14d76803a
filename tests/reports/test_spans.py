"""The jobs parts read through their running totals and the rows after the
period's end (``reports.facts.spans``): any period equals the brute-force
recount whatever the order of a loan's disbursement and its visits (a visit
before the disbursement, one that a later visit ends, one deleted and one
added after the table was built), and the writer's rewrite of a marked place
stores what a full refresh stores."""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db.models import Q

from jahesh.accounts.scoping import Area
from jahesh.core.text import normalize_key
from jahesh.funds.models import Fund, Loan, Member, Verification
from jahesh.reports import facts
from jahesh.reports.facts.spans import AFTER, CLASSES, PENDING, RUNNING, after_code
from jahesh.reports.figures import kpi_beside, kpi_values
from jahesh.reports.kpis import PARTS
from jahesh.reports.models import DayFact, MonthBalance, StalePlace
from tests.reports.oracle import Tables, recount

D = datetime.date
TODAY = D(2025, 3, 21)
CODES = ("jobs_created", "jobs_planned_unverified")


def _loan(fund: Fund, n: int, disbursed: datetime.date, planned: int, visits=()) -> Loan:
    member = Member.objects.create(
        fund=fund, national_code=f"{n:010d}", first_name="مریم", last_name=f"کریمی {n}",
        name_key=normalize_key(f"مریم کریمی {n}"), gender="f", joined_on=D(2022, 3, 21),
    )  # fmt: skip
    loan = Loan.objects.create(
        fund=fund, member=member, number=n, purpose="کارگاه", principal=10_000_000,
        fee_rate=Decimal("4"), months=12, status="disbursed", requested_on=disbursed,
        approved_on=disbursed, disbursed_on=disbursed, planned_jobs=planned,
    )  # fmt: skip
    for on, jobs in visits:
        _visit(loan, on, jobs)
    return loan


def _visit(loan: Loan, on: datetime.date, jobs: int) -> Verification:
    return Verification.objects.create(
        loan=loan, visited_on=on, verifier="کارشناس", business_running=bool(jobs), jobs_found=jobs
    )


@pytest.fixture
def loans(geo) -> dict[str, Loan]:
    def fund(code: str, county) -> Fund:
        return Fund.objects.create(
            name=f"صندوق {code}", name_key=normalize_key(f"صندوق {code}"), code=code,
            county=county, founded_on=D(2022, 3, 21), status="active",
        )  # fmt: skip

    arak, saveh, tehran = (
        fund("S1", geo["arak"]),
        fund("S2", geo["saveh"]),
        fund("S3", geo["tehran_county"]),
    )
    return {
        # visited before its disbursement (2 jobs), then on it (1, ended by the next), then 3
        "early": _loan(arak, 901, D(2024, 6, 10), 2,
                       [(D(2024, 5, 20), 2), (D(2024, 6, 10), 1), (D(2024, 11, 3), 3)]),
        # visited twice before its disbursement only: counts from its disbursement on
        "before": _loan(saveh, 902, D(2024, 9, 15), 4, [(D(2024, 7, 1), 1), (D(2024, 8, 1), 5)]),
        # planned jobs until its first visit, which finds the business closed
        "closed": _loan(saveh, 903, D(2024, 8, 1), 3, [(D(2024, 12, 1), 0), (D(2025, 2, 2), 2)]),
        # never visited: planned jobs in every period holding its disbursement
        "planned": _loan(tehran, 904, D(2024, 10, 20), 5),
        "later": _loan(tehran, 905, D(2024, 5, 31), 1, [(D(2025, 3, 1), 4)]),
    }  # fmt: skip


def _edges() -> list[datetime.date]:
    days = {visit.visited_on for visit in Verification.objects.all()}
    days |= {loan.disbursed_on for loan in Loan.objects.all()}
    return sorted({d + datetime.timedelta(days=k) for d in days for k in (0, 1)})


AREAS = {
    "country": lambda geo: Area(),
    "Markazi": lambda geo: Area(province_id=geo["markazi"].pk),
    "Saveh": lambda geo: Area(province_id=geo["markazi"].pk, county_id=geo["saveh"].pk),
    "Tehran": lambda geo: Area(province_id=geo["tehran"].pk),
}


def _mismatches(geo, edges: list[datetime.date], step: int = 3) -> list[str]:
    """Each jobs part that differs from its recount, for every area and every
    period between two of ``edges`` (``step`` apart at most)."""
    tables = Tables.load()
    found = []
    for i, start in enumerate(edges):
        for end in edges[i + 1 :: step]:
            for name, area in ((name, of(geo)) for name, of in AREAS.items()):
                got = {
                    **kpi_values(area=area, start=start, end=end, codes=["jobs_created"]),
                    **kpi_beside(area=area, start=start, end=end),
                }
                want = recount(tables, area=area, start=start, end=end, codes=CODES)
                found += [f"{code} in {name} [{start}, {end}): {got[code]}, recount {want[code]}"
                          for code in CODES if got[code] != want[code]]  # fmt: skip
    return found


@pytest.mark.parametrize("spans", [True, False])
def test_every_period_equals_the_recount(spans, loans, geo, monkeypatch):
    StalePlace.objects.all().delete()
    facts.refresh(today=TODAY)
    monkeypatch.setattr(facts.days, "_by_opened", lambda start, end: spans)
    edges = _edges()
    assert _mismatches(geo, edges) == []
    # The periods read something: each part non-zero in some of them.
    tables = Tables.load()
    assert recount(tables, area=Area(), start=D(2024, 6, 1), end=D(2024, 11, 4), codes=CODES) == {
        "jobs_created": 3 + 5, "jobs_planned_unverified": 3 + 5}  # fmt: skip


def test_the_country_reads_its_running_totals_and_the_rows_after_the_end(loans, monkeypatch):
    StalePlace.objects.all().delete()
    facts.refresh(today=TODAY)
    monkeypatch.setattr(facts.days, "_by_opened", lambda start, end: True)
    start, end = D(2024, 6, 1), D(2024, 11, 4)
    got = kpi_values(area=Area(), start=start, end=end, codes=["jobs_created"])
    assert got["jobs_created"] == 3 + 5  # "early": 3 from 2024-11-03; "before": 5 from 2024-08-01
    # The statement reads the part's two series, not its own rows of the period.
    part = PARTS["jobs_created"]
    sql, _params = facts.days._sums_sql(
        start=start, end=end, selects=[([part], *facts.days._place_sql(None, None, None))]
    )
    # Its events from the end on are those pending at the end, less those of the
    # rows before the start: more than 156 days after them, distance classes 7 on
    # (the codes are written into the statement, the dates its only parameters).
    assert set(re.findall(r"'(jobs[^']*)'", sql)) == {
        f"jobs_created{RUNNING}", f"jobs_created{PENDING}",
        *(after_code("jobs_created", k) for k in CLASSES if k >= 7)}  # fmt: skip
    # "early" (disbursed 2024-06-10): its visit before (2 jobs) ended on that day and
    # never counts; the one on it (1 job) ends on 2024-11-03 (+1) when the latest (3)
    # opens (-3), whose 3 never end: +3 on 2024-06-10 in the running totals.
    rows = DayFact.objects.filter(province_id__isnull=True, county_id__isnull=True,
                                  since=D(2024, 6, 10))  # fmt: skip
    # (146 days after it: distance class 7, 128 to 255 days)
    assert dict(rows.filter(part=after_code("jobs_created", 7)).values_list("day", "value")) == {
        D(2024, 11, 3): 1 - 3}  # fmt: skip
    assert not rows.filter(part__startswith=f"jobs_created{AFTER}").exclude(
        part=after_code("jobs_created", 7)).exists()  # fmt: skip
    running = DayFact.objects.filter(part=f"jobs_created{RUNNING}", province_id__isnull=True,
                                     county_id__isnull=True, day=D(2024, 6, 10))  # fmt: skip
    assert list(running.values_list("value", flat=True)) == [3]


def _series() -> dict[tuple, int]:
    """The spans parts' stored series, summed per key (a rewrite may split a key)."""
    found: dict[tuple, int] = defaultdict(int)
    spans = Q(part__endswith=RUNNING) | Q(part__endswith=PENDING) | Q(part__contains=AFTER)
    for part, *key, value in DayFact.objects.filter(spans).values_list(
        "part", "day", "since", "lo", "hi", "province_id", "county_id", "value"
    ):
        found[("day", part, *key)] += value
    for part, month, *key, value in MonthBalance.objects.filter(spans).values_list(
        "part", "month", "province_id", "county_id", "value"
    ):
        found[("month", part, month, *key)] += value
    return {key: v for key, v in found.items() if v}


@pytest.mark.parametrize("spans", [True, False])
def test_revoked_and_reverified_visits_read_and_rewrite_exactly(spans, loans, geo, monkeypatch):
    StalePlace.objects.all().delete()
    facts.refresh(today=TODAY)
    monkeypatch.setattr(facts.days, "_by_opened", lambda start, end: spans)
    # A visit revoked (deleted), another added before the disbursement, one that
    # ends "closed"'s planned jobs earlier, and "planned" verified at last.
    Verification.objects.filter(loan=loans["early"], visited_on=D(2024, 11, 3)).delete()
    _visit(loans["before"], D(2024, 9, 1), 2)
    _visit(loans["closed"], D(2024, 9, 20), 1)
    _visit(loans["planned"], D(2024, 10, 20), 6)
    assert StalePlace.objects.exists()
    edges = _edges()
    assert _mismatches(geo, edges) == []  # the marked places from their records
    facts.refresh_stale()
    assert not StalePlace.objects.exists()
    assert _mismatches(geo, edges) == []  # the rewritten rows
    rewritten = _series()
    facts.refresh(today=TODAY)
    assert _series() == rewritten
