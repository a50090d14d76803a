"""The demo part on the test geography, scaled down (the full size is checked in
CI by bench/reports_demo_figures.py, and runs in bench/funds_scenario.py, whose
smoke run at this file's size runs with the tests): the KPI figures come out
exactly as asked."""

from __future__ import annotations

import datetime

import pytest

from jahesh.accounts.scoping import Area
from jahesh.core.identifiers import normalize_national_code
from jahesh.core.jalali import last_jalali_years
from jahesh.demo.registry import ScenarioContext
from jahesh.funds import books, scenario, selectors
from jahesh.funds.models import Fund, Loan, Member, Verification
from jahesh.reports.figures import kpi_value

from ..conftest import MARKAZI, geo_make, shared_data, users_make

AS_OF = datetime.date(2025, 10, 1)


def _build() -> ScenarioContext:
    users = users_make(geo_make())
    lines: list[str] = []
    ctx = ScenarioContext(name="markazi", as_of=AS_OF, log=lines.append)
    scenario.build(ctx)
    ctx.users = users
    ctx.lines = lines
    return ctx


@pytest.fixture(scope="module")
def _small_once(django_db_setup, django_db_blocker):
    # Made once for the module, each test in a savepoint of it
    # (tests.conftest.shared_data); the sizes stay patched for the module's tests.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(scenario, "ACTIVE_FUNDS", 16)
        patch.setattr(scenario, "CLOSED_FUNDS", 2)
        patch.setattr(scenario, "JOBS_TARGET", 36)
        yield from shared_data(django_db_blocker, _build)


@pytest.fixture
def small(_small_once, db):
    return _small_once


def test_its_line_says_what_it_made_in_a_sentence(small):
    """Persian by default (the operator's language, demo.services), numbers plain."""
    members, loans = Member.objects.count(), Loan.objects.count()
    visits = Verification.objects.count()
    assert small.lines == [f"  صندوق‌ها: 18 صندوق، {members} عضو، {loans} وام، {visits} بازدید"]


def test_it_makes_the_kpis_exact(small):
    start, end = last_jalali_years(AS_OF, 5)
    area = Area(province_id=MARKAZI)
    assert kpi_value("funds_active", area=area, start=start, end=end) == 16
    assert kpi_value("jobs_created", area=area, start=start, end=end) == 36
    assert Fund.objects.count() == 18
    # Every dated record of the window lies at least 7 days inside its ends.
    margin = datetime.timedelta(days=7)
    in_window = Loan.objects.filter(disbursed_on__gte=start, disbursed_on__lt=end)
    assert not in_window.filter(disbursed_on__lt=start + margin).exists()
    assert not in_window.filter(disbursed_on__gt=end - margin).exists()
    assert not Verification.objects.filter(visited_on__gt=end - margin).exists()
    assert not Fund.objects.filter(closed_on__gt=end - margin).exists()
    assert kpi_value("loans_disbursed", area=area, start=start, end=end) == in_window.count() > 0


def test_it_creates_realistic_valid_records(small):
    codes = list(Member.objects.values_list("national_code", flat=True))
    assert all(normalize_national_code(c) == c for c in codes[:500])
    assert len(set(codes)) < len(codes)  # some people are members of two funds
    statuses = set(Loan.objects.values_list("status", flat=True))
    assert {"repaid", "disbursed"} <= statuses
    assert not Loan.objects.filter(member__board_role__gt="").exists()  # the board-member ban
    for fund in Fund.objects.order_by("pk")[:5]:
        assert [c.label for c in books.fund_reconciliation(fund=fund) if not c.ok] == []
    outstanding = selectors.kpi_par30_outstanding(
        area=Area(province_id=MARKAZI), start=AS_OF, end=AS_OF
    )
    assert outstanding[None] > 0


def test_it_is_idempotent_and_links_the_demo_manager(small):
    users = small.users
    counts = (Fund.objects.count(), Loan.objects.count(), Verification.objects.count())
    scenario.build(small)
    assert (Fund.objects.count(), Loan.objects.count(), Verification.objects.count()) == counts
    managed = list(users["fund"].managed_funds.values_list("code", flat=True))
    assert managed == ["MKZ-F0001"]
