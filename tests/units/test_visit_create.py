"""Monitoring visits: validated ranges, no future dates, and the risk they set."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from jahesh.units import services
from jahesh.units.models import RiskAssessment, Visit
from jahesh.units.risk import current_settings


def test_it_records_a_visit_and_assesses_the_risk(make_unit, make_visit, users):
    unit = make_unit(employees=40)
    visit = make_visit(
        unit,
        visited_on="۱۴۰۴/۰۷/۰۹",
        capacity_utilization="۲۰",
        unpaid_wage_months=4,
        social_security_debt_rial="1,500,000,000",
        sales_trend="رو به کاهش",
    )
    unit.refresh_from_db()
    assert visit.visited_on == date(2025, 10, 1)
    assert visit.visitor == users["admin"] and visit.visitor_name == str(users["admin"])
    assert unit.last_visit_on == date(2025, 10, 1)
    # 14.29 (capacity 20 %) + 10 (4 months) + 8 (social security) + 4 (sales down) = 36.29
    assert (unit.risk_score, unit.risk_level) == (36, "watch")
    row = RiskAssessment.objects.get(visit=visit)
    assert [d["text"] for d in row.drivers] == [
        "ظرفیت ۲۰٪",
        "۴ ماه حقوق معوق",
        "بدهی تأمین اجتماعی (۱۵۰ میلیون تومان)",
        "فروش رو به کاهش",
    ]


def test_it_refuses_a_visit_in_the_future(make_unit, make_visit):
    unit = make_unit()
    with pytest.raises(ValidationError) as exc:
        make_visit(unit, visited_on=date(2025, 11, 28))
    assert exc.value.message_dict["visited_on"] == ["تاریخ بازدید نمی‌تواند در آینده باشد."]
    make_visit(unit, visited_on=date(2025, 11, 27))  # today is fine


def test_it_requires_the_visit_date(make_unit, make_visit):
    with pytest.raises(ValidationError) as exc:
        make_visit(make_unit(), visited_on="")
    assert exc.value.message_dict["visited_on"] == ["تاریخ بازدید را وارد کنید."]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("capacity_utilization", 101, "ظرفیت به‌کارگرفته (٪) نمی‌تواند بیشتر از 100 باشد."),
        ("capacity_utilization", -1, "ظرفیت به‌کارگرفته (٪) نمی‌تواند کمتر از 0 باشد."),
        ("bank_arrears_rial", -5, "معوقات بانکی نمی‌تواند کمتر از 0 باشد."),
        ("tax_debt_rial", "-1", "بدهی مالیاتی نمی‌تواند کمتر از 0 باشد."),
        ("social_security_debt_rial", -1, "بدهی تأمین اجتماعی نمی‌تواند کمتر از 0 باشد."),
        ("utility_debt_rial", -1, "بدهی آب، برق و گاز نمی‌تواند کمتر از 0 باشد."),
        ("unpaid_wage_months", -1, "ماه‌های حقوق معوق نمی‌تواند کمتر از 0 باشد."),
        ("court_cases", "x", "پرونده‌های قضایی باید یک عدد صحیح باشد؛ «x» عدد نیست."),
        ("order_book_months", "-0.5", "سفارش‌های در دست (ماه) نمی‌تواند کمتر از 0 باشد."),
        ("raw_material_days", "1.5", "موجودی مواد اولیه (روز) باید عدد صحیح باشد، نه «1.5»."),
    ],
)
def test_it_refuses_values_out_of_range(make_unit, make_visit, field, value, message):
    with pytest.raises(ValidationError) as exc:
        make_visit(make_unit(), **{field: value})
    assert exc.value.message_dict[field] == [message]
    assert Visit.objects.count() == 0


def test_the_database_refuses_out_of_range_visits_too(make_unit):
    unit = make_unit()
    with pytest.raises(IntegrityError), transaction.atomic():
        Visit.objects.create(unit=unit, visited_on=date(2025, 1, 1), capacity_utilization=120)
    with pytest.raises(IntegrityError), transaction.atomic():
        Visit.objects.create(unit=unit, visited_on=date(2025, 1, 1), tax_debt_rial=-1)


def test_an_older_visit_does_not_replace_the_latest_risk(make_unit, make_visit):
    unit = make_unit()
    make_visit(unit, visited_on=date(2025, 10, 1), capacity_utilization=90)
    make_visit(unit, visited_on=date(2024, 1, 1), capacity_utilization=0, unpaid_wage_months=12)
    unit.refresh_from_db()
    assert (unit.last_visit_on, unit.risk_score) == (date(2025, 10, 1), 0)


def test_a_status_change_reassesses_with_the_latest_visit(make_unit, make_visit, users):
    unit = make_unit()
    make_visit(unit, capacity_utilization=0, unpaid_wage_months=6)  # 20 + 15 = 35: watch
    unit.refresh_from_db()
    assert (unit.risk_score, unit.risk_level) == (35, "watch")
    services.unit_change_status(
        unit=unit, to_status="stalled", reason="تعطیلی خط تولید", user=users["arak"]
    )
    unit.refresh_from_db()
    assert (unit.risk_score, unit.risk_level, unit.status) == (45, "watch", "stalled")
    assert unit.risk_assessments.count() == 2


def test_visit_update_recomputes_the_risk(make_unit, make_visit, users):
    unit = make_unit()
    visit = make_visit(unit, capacity_utilization=0)
    services.visit_update(visit=visit, user=users["admin"], capacity_utilization=70)
    unit.refresh_from_db()
    assert unit.risk_score == 0 and visit.risk_assessments.count() == 1


def test_the_builds_give_the_visit_and_risk_the_service_writes(make_unit, make_visit, users):
    # The demo's bulk rows come from visit_build and risk_assessment_build: the
    # same checked fields and the same assessment as visit_create saves.
    unit = make_unit(employees=40)
    fields = {"visited_on": "۱۴۰۴/۰۷/۰۹", "capacity_utilization": "۲۰", "unpaid_wage_months": 4}
    built = services.visit_build(unit=unit, user=users["admin"], now=timezone.now(), **fields)
    row = services.risk_assessment_build(
        unit=unit, visit=built, on=built.visited_on, status=unit.status,
        weights=current_settings(),
    )  # fmt: skip
    saved = make_visit(unit, **fields)
    assert (built.pk, built.visited_on, built.capacity_utilization, built.visitor) == (
        None, saved.visited_on, saved.capacity_utilization, users["admin"]
    )  # fmt: skip
    kept = RiskAssessment.objects.get(visit=saved)
    assert (row.score, row.level, row.drivers) == (kept.score, kept.level, kept.drivers)
    with pytest.raises(ValidationError) as exc:
        services.visit_build(unit=unit, user=None, now=timezone.now(), visited_on="")
    assert exc.value.message_dict["visited_on"] == ["تاریخ بازدید را وارد کنید."]
