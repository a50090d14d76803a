"""A risk driver's words show in the reader's language: an assessment keeps each
driver's phrase (``core.phrases``) beside its Persian words, and the pages, the
watch list and the API render it when read. An assessment kept before phrases
were shows its Persian words as stored."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.conf import settings
from django.utils import translation

from jahesh.units import selectors
from jahesh.units.models import RiskAssessment, RiskSettings
from jahesh.units.risk import compute_risk
from tests.units.test_risk_index import HEALTHY


def test_each_driver_reads_in_english_and_in_persian():
    visit = SimpleNamespace(**{
        **HEALTHY, "capacity_utilization": 35, "unpaid_wage_months": 4, "tax_debt_rial": 25_000_000,
        "order_book_months": Decimal("1.5"), "sales_trend": "down", "employees_now": 30,
    })  # fmt: skip
    result = compute_risk(
        visit=visit, status="partial", registered_employees=40, settings=RiskSettings()
    )
    with translation.override("en"):
        english = sorted(d.text for d in result.drivers)
    with translation.override("fa"):
        persian = sorted(d.text for d in result.drivers)
    assert english == sorted([
        "Capacity 35%", "Months of unpaid wages: 4", "Tax debt (2.5 million tomans)",
        "Months of orders on the book: 1.5", "Falling sales", "Workforce down 25%",
        "Status: Partly active",
    ])  # fmt: skip
    assert persian == sorted([
        "ظرفیت ۳۵٪", "۴ ماه حقوق معوق", "بدهی مالیاتی (۲٫۵ میلیون تومان)", "سفارش برای ۱٫۵ ماه",
        "فروش رو به کاهش", "کاهش ۲۵٪ کارکنان", "وضعیت: نیمه‌فعال",
    ])  # fmt: skip


def test_a_stored_assessment_shows_its_drivers_in_the_readers_language(
    client_for, users, units, api_client_for
):
    unit = units["arak"]  # its visit: six months of unpaid wages
    row = unit.risk_assessments.order_by("-assessed_on", "-id").first()
    wages = next(d for d in row.drivers if d["code"] == "wages")
    assert wages["text"] == "۶ ماه حقوق معوق" and wages["phrase"]["values"] == {
        "months": {"number": "6"}
    }
    client = client_for(users["arak"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Months of unpaid wages: 6" in client.get("/units/watchlist/").content.decode()
    assert "Months of unpaid wages: 6" in client.get(f"/units/{unit.pk}/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fa"
    assert "۶ ماه حقوق معوق" in client.get("/units/watchlist/").content.decode()
    api = api_client_for(users["arak"])
    english = api.get(f"/api/v1/units/{unit.pk}", headers={"Accept-Language": "en"}).json()
    assert {"code": "wages", "points": 15, "text": "Months of unpaid wages: 6"} in english[
        "risk_drivers"
    ]
    persian = api.get(f"/api/v1/units/{unit.pk}").json()
    assert {"code": "wages", "points": 15, "text": "۶ ماه حقوق معوق"} in persian["risk_drivers"]


def test_an_assessment_kept_before_phrases_shows_its_words_as_stored(units):
    unit = units["arak"]
    old = RiskAssessment.objects.create(
        unit=unit, assessed_on=datetime.date(2026, 1, 1), score=15, level="low", status="active",
        drivers=[{"code": "wages", "points": 15, "text": "متن کهنهٔ عامل"}],
    )  # fmt: skip
    with translation.override("en"):
        assert old.shown_drivers == [{"code": "wages", "points": 15, "text": "متن کهنهٔ عامل"}]
        assert selectors.latest_drivers(unit_ids=[unit.pk])[unit.pk] == old.shown_drivers
