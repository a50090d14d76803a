"""Arak's officer never sees Saveh's units: pages, API, exports, import matches,
and every model of the app is registered with the scoping mechanism."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from jahesh.accounts.scoping import policy_for, scoped
from jahesh.units.importers import import_units
from jahesh.units.models import RiskAssessment, StatusChange, Unit, Visit, VisitPhoto


@pytest.fixture
def saveh_unit(make_unit, make_visit, geo, users):
    from jahesh.units import services

    unit = make_unit(
        name="کارخانه قند ساوه", county=geo["saveh"], national_id="10860224318", employees=50
    )
    make_visit(
        unit,
        capacity_utilization=0,
        unpaid_wage_months=6,
        tax_debt_rial=1,
        bank_arrears_rial=1,
        court_cases=2,
    )
    services.unit_change_status(unit=unit, to_status="stalled", reason="x", user=users["saveh"])
    return unit


@pytest.mark.parametrize("model", [Unit, Visit, StatusChange, RiskAssessment, VisitPhoto])
def test_every_model_is_scoped_by_county(model):
    policy = policy_for(model)
    assert policy.module == "units" and policy.county.endswith("county")


@pytest.mark.parametrize("model", [Unit, Visit, StatusChange, RiskAssessment])
def test_no_record_of_saveh_reaches_arak(users, saveh_unit, model):
    assert scoped(users["arak"], model).count() == 0
    assert scoped(users["saveh"], model).count() >= 1
    assert scoped(users["hq"], model).count() >= 1
    assert scoped(users["hq_other"], model).count() == 0
    assert scoped(users["viewer"], model).count() == 0


def test_pages_api_and_exports_hide_saveh_from_arak(client_for, api_client_for, users, saveh_unit):
    page, api = client_for(users["arak"]), api_client_for(users["arak"])
    for url in ("/units/", "/units/watchlist/", "/units/export.csv", "/units/?q=قند"):
        assert "کارخانه قند ساوه" not in page.get(url).content.decode(), url
    for url in (
        f"/units/{saveh_unit.pk}/",
        f"/units/{saveh_unit.pk}/edit/",
        f"/units/{saveh_unit.pk}/visits/new/",
    ):
        assert page.get(url).status_code == 404, url
    assert api.get("/api/v1/units", {"q": "قند"}).json() == {"items": [], "count": 0}
    assert api.get("/api/v1/units/watchlist").json()["count"] == 0
    assert api.get(f"/api/v1/units/{saveh_unit.pk}").status_code == 404
    # and Saveh's officer does see it
    assert (
        "کارخانه قند ساوه" in client_for(users["saveh"]).get("/units/export.csv").content.decode()
    )


def test_an_import_by_arak_never_matches_or_changes_savehs_unit(users, saveh_unit):
    book = Workbook()
    book.active.append(["نام واحد", "شناسه ملی", "شهرستان", "بخش اقتصادی", "تعداد کارکنان"])
    book.active.append(["کارخانه قند ساوه", None, "اراک", "صنعت", 1])  # same name, Arak: a new unit
    book.active.append(
        ["هر نامی", "10860224318", "اراک", "صنعت", 2]
    )  # Saveh's national ID: refused
    out = io.BytesIO()
    book.save(out)
    report = import_units(out.getvalue(), "u.xlsx", user=users["arak"])
    assert (report.created, report.updated, report.refused) == (1, 0, 1)
    assert "کارخانه قند ساوه" not in report.errors[0].message
    saveh_unit.refresh_from_db()
    assert saveh_unit.employees == 50 and saveh_unit.name == "کارخانه قند ساوه"
