"""The risk index: each driver moves the score the way docs/risk-index.md says."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jahesh.units.models import RiskLevel, RiskSettings
from jahesh.units.risk import compute_risk, level_for

DEFAULTS = RiskSettings()  # the documented default weights and thresholds

HEALTHY = dict(
    capacity_utilization=85, employees_now=40, unpaid_wage_months=0, bank_arrears_rial=0,
    tax_debt_rial=0, social_security_debt_rial=0, utility_debt_rial=0, utility_cutoff_notice=False,
    raw_material_days=60, order_book_months=Decimal("6"), sales_trend="up", owner_issue=False, court_cases=0,
)  # fmt: skip


def _score(status="active", registered=40, **changes):
    visit = SimpleNamespace(**{**HEALTHY, **changes})
    return compute_risk(
        visit=visit, status=status, registered_employees=registered, settings=DEFAULTS
    )


def test_the_default_weights_add_up_to_100():
    weights = [f.name for f in RiskSettings._meta.fields if f.name.startswith("w_")]
    assert sum(getattr(DEFAULTS, w) for w in weights) == 100
    assert (DEFAULTS.watch_threshold, DEFAULTS.high_threshold) == (35, 60)


def test_a_healthy_unit_scores_zero_with_no_drivers():
    result = _score()
    assert (result.score, result.level, result.drivers) == (0, RiskLevel.LOW, [])


@pytest.mark.parametrize(
    ("changes", "code", "points", "text"),
    [
        ({"capacity_utilization": 70}, None, 0, None),
        ({"capacity_utilization": 35}, "capacity", 10, "ظرفیت ۳۵٪"),
        ({"capacity_utilization": 20}, "capacity", 14, "ظرفیت ۲۰٪"),  # 20 × 50/70 = 14.3
        ({"capacity_utilization": 0}, "capacity", 20, "ظرفیت ۰٪"),
        ({"unpaid_wage_months": 4}, "wages", 10, "۴ ماه حقوق معوق"),
        ({"unpaid_wage_months": 6}, "wages", 15, "۶ ماه حقوق معوق"),
        ({"unpaid_wage_months": 11}, "wages", 15, "۱۱ ماه حقوق معوق"),
        (
            {"social_security_debt_rial": 1_500_000_000},
            "social_security",
            8,
            "بدهی تأمین اجتماعی (۱۵۰ میلیون تومان)",
        ),
        ({"tax_debt_rial": 10}, "tax", 7, None),
        ({"bank_arrears_rial": 10}, "bank", 8, None),
        ({"court_cases": 1}, "court", 4, "۱ پروندهٔ قضایی"),  # 3.5 rounds half up
        ({"court_cases": 5}, "court", 7, "۵ پروندهٔ قضایی"),
        ({"utility_debt_rial": 10}, "utility", 3, None),  # debt only: half of 5, half up
        (
            {"utility_cutoff_notice": True, "utility_debt_rial": 10},
            "utility",
            5,
            "اخطار قطع انشعاب",
        ),
        ({"raw_material_days": 30}, None, 0, None),
        ({"raw_material_days": 15}, "raw_material", 2, "مواد اولیه برای ۱۵ روز"),
        ({"raw_material_days": 0}, "raw_material", 4, None),
        ({"order_book_months": Decimal("1.5")}, "orders", 3, "سفارش برای ۱٫۵ ماه"),  # 2.5 half up
        ({"order_book_months": Decimal("0")}, "orders", 5, None),
        ({"sales_trend": "flat"}, None, 0, None),
        ({"sales_trend": "down"}, "sales", 4, "فروش رو به کاهش"),
        ({"owner_issue": True}, "owner", 3, "بیماری یا اختلاف مالکان"),
        ({"employees_now": 30}, "workforce", 2, "کاهش ۲۵٪ کارکنان"),
        ({"employees_now": 20}, "workforce", 4, "کاهش ۵۰٪ کارکنان"),
        ({"employees_now": 0}, "workforce", 4, "کاهش ۱۰۰٪ کارکنان"),
        ({"employees_now": 55}, None, 0, None),
    ],
)
def test_each_driver_adds_its_documented_points(changes, code, points, text):
    result = _score(**changes)
    if code is None:
        assert (result.score, result.drivers) == (0, [])
        return
    [driver] = result.drivers
    assert (driver.code, driver.points, result.score) == (code, points, points)
    if text:
        assert driver.text == text


@pytest.mark.parametrize(
    ("status", "points"), [("active", 0), ("partial", 5), ("stalled", 10), ("closed", 10)]
)
def test_the_status_adds_its_points(status, points):
    assert _score(status=status).score == points


def test_a_unit_heading_for_closure_is_high_risk_with_its_drivers_in_order():
    result = _score(
        status="partial",
        capacity_utilization=20,
        unpaid_wage_months=4,
        social_security_debt_rial=5,
        tax_debt_rial=5,
        bank_arrears_rial=5,
        sales_trend="down",
    )
    # 14.29 + 10 + 8 + 7 + 8 + 4 + 5 (partial) = 56.29 → 56: watch, not yet high
    assert (result.score, result.level) == (56, RiskLevel.WATCH)
    assert [d.code for d in result.drivers][:2] == ["capacity", "wages"]
    worse = _score(
        status="stalled",
        capacity_utilization=20,
        unpaid_wage_months=4,
        social_security_debt_rial=5,
        tax_debt_rial=5,
        bank_arrears_rial=5,
        sales_trend="down",
    )
    assert (worse.score, worse.level) == (61, RiskLevel.HIGH)


def test_without_a_visit_only_the_status_counts():
    result = compute_risk(visit=None, status="stalled", registered_employees=10, settings=DEFAULTS)
    assert (result.score, [d.text for d in result.drivers]) == (10, ["وضعیت: راکد"])


def test_edited_weights_and_thresholds_change_score_and_level():
    settings = RiskSettings(w_wages=50, watch_threshold=20, high_threshold=40)
    visit = SimpleNamespace(**{**HEALTHY, "unpaid_wage_months": 3})
    result = compute_risk(visit=visit, status="active", registered_employees=40, settings=settings)
    assert (result.score, result.level) == (25, RiskLevel.WATCH)


@pytest.mark.parametrize(
    ("score", "level"),
    [(0, "low"), (34, "low"), (35, "watch"), (59, "watch"), (60, "high"), (100, "high")],
)
def test_the_thresholds_split_the_levels(score, level):
    assert level_for(score, DEFAULTS) == level


@given(
    capacity=st.one_of(st.none(), st.integers(0, 100)),
    wages=st.integers(0, 120),
    debts=st.lists(st.integers(0, 10**13), min_size=4, max_size=4),
    cutoff=st.booleans(),
    days=st.one_of(st.none(), st.integers(0, 400)),
    orders=st.one_of(st.none(), st.decimals(0, 99, places=1)),
    trend=st.sampled_from(["", "up", "flat", "down"]),
    owner=st.booleans(),
    court=st.integers(0, 50),
    now=st.one_of(st.none(), st.integers(0, 5000)),
    registered=st.one_of(st.none(), st.integers(0, 5000)),
    status=st.sampled_from(["active", "partial", "stalled", "closed"]),
)
def test_the_score_stays_in_0_100_and_is_monotone_in_wage_arrears(
    capacity, wages, debts, cutoff, days, orders, trend, owner, court, now, registered, status
):
    fields = dict(
        capacity_utilization=capacity, employees_now=now, unpaid_wage_months=wages,
        bank_arrears_rial=debts[0], tax_debt_rial=debts[1], social_security_debt_rial=debts[2],
        utility_debt_rial=debts[3], utility_cutoff_notice=cutoff, raw_material_days=days,
        order_book_months=orders, sales_trend=trend, owner_issue=owner, court_cases=court,
    )  # fmt: skip
    base = compute_risk(
        visit=SimpleNamespace(**fields),
        status=status,
        registered_employees=registered,
        settings=DEFAULTS,
    )
    assert 0 <= base.score <= 100
    assert base.score <= sum(d.points for d in base.drivers) + len(base.drivers)
    more = compute_risk(
        visit=SimpleNamespace(**{**fields, "unpaid_wage_months": wages + 1}),
        status=status,
        registered_employees=registered,
        settings=DEFAULTS,
    )
    assert more.score >= base.score
