"""The units API: scoped CRUD, visits, the watch list and the import."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from jahesh.units.models import Unit

API = "/api/v1/units"


@pytest.fixture
def two_units(make_unit, geo):
    return {
        "arak": make_unit(
            name="شرکت فولاد اراک", county=geo["arak"], national_id="10380284790", employees=120
        ),
        "saveh": make_unit(name="کارخانه قند ساوه", county=geo["saveh"], employees=30),
    }


def test_it_lists_only_the_units_in_scope(api_client_for, users, two_units):
    body = api_client_for(users["arak"]).get(API).json()
    assert body["count"] == 1
    assert [u["name"] for u in body["items"]] == ["شرکت فولاد اراک"]
    assert body["items"][0]["county"] == "اراک"
    assert api_client_for(users["hq"]).get(API).json()["count"] == 2
    assert api_client_for(users["hq_other"]).get(API).json()["count"] == 0


def test_it_searches_with_the_normalised_key(api_client_for, users, two_units):
    body = api_client_for(users["hq"]).get(API, {"q": "فولاد اراك"}).json()
    assert [u["id"] for u in body["items"]] == [two_units["arak"].pk]


def test_anonymous_gets_401_and_roles_without_the_module_403(api_client_for, users, two_units):
    assert api_client_for(None).get(API).status_code == 401
    assert api_client_for(None).get(f"{API}/{two_units['arak'].pk}").status_code == 401
    response = api_client_for(users["viewer"]).get(API)
    assert response.status_code == 403 and response.json()["message"]


def test_a_unit_out_of_scope_is_404(api_client_for, users, two_units):
    client = api_client_for(users["arak"])
    saveh = two_units["saveh"].pk
    assert client.get(f"{API}/{saveh}").status_code == 404
    assert (
        client.patch(
            f"{API}/{saveh}", {"employees": 1}, content_type="application/json"
        ).status_code
        == 404
    )
    assert client.delete(f"{API}/{saveh}").status_code == 404
    assert client.get(f"{API}/{saveh}/visits").status_code == 404
    assert (
        client.post(
            f"{API}/{saveh}/visits", {"visited_on": "2025-10-01"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert client.get(f"{API}/999999").status_code == 404
    assert client.get(f"{API}/abc").status_code == 404
    assert Unit.objects.get(pk=saveh).employees == 30


def test_it_creates_a_unit_and_refuses_bad_fields_in_persian(api_client_for, users, geo):
    client = api_client_for(users["arak"])
    response = client.post(
        API,
        {
            "name": "شركت مي‌سازان",
            "sector": "industry",
            "county_id": geo["arak"].pk,
            "isic_code": "0111",
            "owner_mobile": "۰۹۱۲۱۲۳۴۵۶۷",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["name"], body["isic_section"], body["owner_mobile"], body["risk_drivers"]) == (
        "شرکت می‌سازان",
        "A",
        "09121234567",
        [],
    )
    bad = client.post(
        API,
        {
            "name": "x",
            "sector": "industry",
            "county_id": geo["saveh"].pk,
            "isic_code": "3410",
            "founded_on": "2030-01-01",
        },
        content_type="application/json",
    )
    assert bad.status_code == 422
    fields = {e["field"]: e["message"] for e in bad.json()["errors"]}
    assert fields["county"] == "شهرستان «ساوه» در حوزهٔ کاری شما نیست."
    assert fields["founded_on"] == "تاریخ تأسیس نمی‌تواند در آینده باشد."
    assert "کد آیسیک" in fields["isic_code"]


def test_a_patch_never_moves_the_status(api_client_for, users, two_units):
    """A PATCH naming a status is refused whole (nothing saved), its message
    naming the route that moves it; a client must not read a quiet 200 as done."""
    unit = two_units["arak"]
    client = api_client_for(users["arak"])
    response = client.patch(
        f"{API}/{unit.pk}",
        {"status": "stalled", "status_reason": "قطع گاز", "employees": 40},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "status",
            "message": "وضعیت واحد با ویرایش تغییر نمی‌کند؛ آن را با POST "
            "/units/{id}/transitions تغییر دهید.",
        }
    ]
    english = client.patch(
        f"{API}/{unit.pk}",
        {"status": "stalled"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert english.json()["errors"][0]["message"] == (
        "A unit's status does not change by editing; change it with POST /units/{id}/transitions."
    )
    unit.refresh_from_db()
    assert (unit.status, unit.employees, unit.status_changes.count()) == ("active", 120, 0)
    ok = client.patch(f"{API}/{unit.pk}", {"employees": 40}, content_type="application/json")
    assert (ok.status_code, ok.json()["status"], ok.json()["employees"]) == (200, "active", 40)


def test_the_status_moves_through_the_transitions_route(api_client_for, users, two_units):
    client = api_client_for(users["arak"])
    unit = two_units["arak"]
    url = f"{API}/{unit.pk}/transitions"
    assert client.get(f"{API}/{unit.pk}").json()["allowed_transitions"] == [
        "partial",
        "stalled",
        "closed",
    ]
    no_reason = client.post(url, {"to_status": "stalled", "reason": " "}, "application/json")
    assert no_reason.status_code == 422
    assert no_reason.json()["errors"] == [
        {"field": "reason", "message": "دلیل تغییر وضعیت را بنویسید."}
    ]
    same = client.post(url, {"to_status": "active", "reason": "x"}, "application/json")
    assert same.status_code == 409
    assert same.json()["errors"] == [{"field": "to_status", "message": "واحد هم‌اکنون «فعال» است."}]
    ok = client.post(url, {"to_status": "stalled", "reason": "قطع گاز"}, "application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "stalled"
    assert ok.json()["risk_drivers"] == [{"code": "status", "points": 10, "text": "وضعیت: راکد"}]
    assert "stalled" not in ok.json()["allowed_transitions"]
    unit.refresh_from_db()
    assert (unit.status, unit.status_changes.get().reason) == ("stalled", "قطع گاز")


def test_the_transitions_route_is_scoped(api_client_for, users, two_units):
    body = {"to_status": "closed", "reason": "ورشکستگی"}
    saveh = f"{API}/{two_units['saveh'].pk}/transitions"
    assert api_client_for(users["arak"]).post(saveh, body, "application/json").status_code == 404
    assert (
        api_client_for(users["hq_other"]).post(saveh, body, "application/json").status_code == 404
    )
    assert api_client_for(None).post(saveh, body, "application/json").status_code == 401
    assert api_client_for(users["fund"]).post(saveh, body, "application/json").status_code == 403
    assert Unit.objects.filter(status="closed").count() == 0


def test_it_records_and_lists_visits(api_client_for, users, two_units):
    client = api_client_for(users["arak"])
    url = f"{API}/{two_units['arak'].pk}/visits"
    created = client.post(
        url,
        {
            "visited_on": "2025-10-01",
            "capacity_utilization": 0,
            "unpaid_wage_months": 6,
            "tax_debt_rial": 1,
            "bank_arrears_rial": 1,
            "sales_trend": "down",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    listed = client.get(url).json()
    assert listed["count"] == 1 and listed["items"][0]["capacity_utilization"] == 0
    detail = client.get(f"{API}/{two_units['arak'].pk}").json()
    assert (detail["risk_score"], detail["risk_level"]) == (54, "watch")  # 20 + 15 + 7 + 8 + 4
    future = client.post(url, {"visited_on": "2025-12-01"}, content_type="application/json")
    assert future.status_code == 422
    assert future.json()["errors"] == [
        {"field": "visited_on", "message": "تاریخ بازدید نمی‌تواند در آینده باشد."}
    ]
    over = client.post(
        url,
        {"visited_on": "2025-10-01", "capacity_utilization": 120},
        content_type="application/json",
    )
    assert over.status_code == 422


def test_the_watch_list_is_scoped_and_riskiest_first(
    api_client_for, users, two_units, make_visit, make_unit, geo
):
    make_visit(
        two_units["arak"], capacity_utilization=0, unpaid_wage_months=6, tax_debt_rial=1
    )  # 42 watch
    make_visit(
        two_units["saveh"],
        capacity_utilization=0,
        unpaid_wage_months=6,
        tax_debt_rial=1,
        bank_arrears_rial=1,
        court_cases=2,
        sales_trend="down",
    )  # 61 high
    fine = make_unit(county=geo["arak"])
    make_visit(fine, capacity_utilization=90)
    hq = api_client_for(users["hq"]).get(f"{API}/watchlist").json()
    assert [(u["name"], u["risk_score"], u["risk_level"]) for u in hq["items"]] == [
        ("کارخانه قند ساوه", 61, "high"),
        ("شرکت فولاد اراک", 42, "watch"),
    ]
    arak = api_client_for(users["arak"]).get(f"{API}/watchlist").json()
    assert [u["name"] for u in arak["items"]] == ["شرکت فولاد اراک"]
    high = api_client_for(users["hq"]).get(f"{API}/watchlist", {"level": "high"}).json()
    assert high["count"] == 1
    saveh = api_client_for(users["hq"]).get(f"{API}/watchlist", {"county_id": geo["saveh"].pk})
    assert [u["name"] for u in saveh.json()["items"]] == ["کارخانه قند ساوه"]


def test_the_watch_list_can_leave_out_units_under_an_open_case(
    api_client_for, users, two_units, make_visit, monkeypatch
):
    from jahesh.units import hooks

    make_visit(two_units["arak"], capacity_utilization=0, unpaid_wage_months=6, tax_debt_rial=1)
    monkeypatch.setattr(hooks, "open_case_unit_ids", lambda: [two_units["arak"].pk])
    body = (
        api_client_for(users["arak"]).get(f"{API}/watchlist", {"exclude_open_cases": "true"}).json()
    )
    assert body["count"] == 0


def _xlsx(rows) -> bytes:
    book = Workbook()
    book.active.append(["نام واحد", "شهرستان", "بخش اقتصادی", "شناسه ملی"])
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_import_route_answers_counts_and_row_errors(api_client_for, users, two_units):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = api_client_for(users["arak"])
    data = _xlsx(
        [
            ["کارگاه نو", "اراک", "صنعت", None],
            ["فولاد", "ساوه", "صنعت", None],
            ["شرکت فولاد اراك (بزرگ)", "اراک", "صنعت", "10380284790"],
        ]
    )
    dry = client.post(
        f"{API}/import", {"file": SimpleUploadedFile("u.xlsx", data), "dry_run": "true"}
    )
    assert dry.status_code == 200, dry.json()
    body = dry.json()
    assert (body["created"], body["updated"], body["unchanged"], body["dry_run"]) == (1, 1, 0, True)
    assert body["errors"] == [
        {
            "row": 3,
            "column": "شهرستان",
            "message": "شهرستان «ساوه» پیدا نشد یا در حوزهٔ کاری شما نیست.",
        }
    ]
    assert Unit.objects.count() == 2
    real = client.post(f"{API}/import", {"file": SimpleUploadedFile("u.xlsx", data)}).json()
    assert (real["created"], real["updated"]) == (1, 1)
    assert Unit.objects.get(national_id="10380284790").name == "شرکت فولاد اراک (بزرگ)"
    assert (
        api_client_for(None)
        .post(f"{API}/import", {"file": SimpleUploadedFile("u.xlsx", data)})
        .status_code
        == 401
    )


def test_wrong_methods_are_refused(api_client_for, users, two_units):
    client = api_client_for(users["arak"])
    assert (
        client.put(f"{API}/{two_units['arak'].pk}", {}, content_type="application/json").status_code
        == 405
    )
    assert client.get(f"{API}/import").status_code == 405
    assert client.delete(f"{API}/watchlist").status_code == 405


def test_delete_removes_a_unit_in_scope(api_client_for, users, two_units):
    assert api_client_for(users["arak"]).delete(f"{API}/{two_units['arak'].pk}").status_code == 204
    assert not Unit.objects.filter(pk=two_units["arak"].pk).exists()
