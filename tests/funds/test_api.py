"""The funds and loans API: scoped reads, the calculator, repayments, errors."""

from __future__ import annotations

import datetime

import pytest

from jahesh.funds.models import Loan, Repayment

PAID = "2023-07-23"


def test_it_returns_the_schedule_of_the_worked_example(api_client_for, users):
    response = api_client_for(users["viewer"]).get(
        "/api/v1/loans/schedule",
        {"principal": 100_000_000, "fee_rate": 4, "months": 24, "disbursed_on": "2024-09-21"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["fee"] == 4_166_667
    assert [i["amount"] for i in body["installments"]][-2:] == [4_340_000, 4_346_667]
    first = body["installments"][0]
    assert first == {
        "number": 1,
        "due_on": "2024-10-21",
        "amount": 4_340_000,
        "fee_part": 173_611,
        "principal_part": 4_166_389,
    }  # 31 Shahrivar 1403 → 30 Mehr 1403


@pytest.mark.parametrize(
    ("params", "field"),
    [({"fee_rate": 5}, "fee_rate"), ({"months": 61}, "months"), ({"principal": 0}, "principal")],
)
def test_it_refuses_terms_outside_the_rules_with_422(api_client_for, users, params, field):
    query = {
        "principal": 100_000_000,
        "fee_rate": 4,
        "months": 24,
        "disbursed_on": "2024-09-21",
        **params,
    }
    response = api_client_for(users["fund"]).get("/api/v1/loans/schedule", query)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert any("\u0600" <= c <= "\u06ff" for c in response.json()["message"])


def test_it_asks_anonymous_callers_to_sign_in(api_client_for, disbursed_loan):
    loan = disbursed_loan()
    client = api_client_for(None)
    assert (
        client.get(
            "/api/v1/loans/schedule?principal=1000000&fee_rate=4&months=2&disbursed_on=2024-01-01"
        ).status_code
        == 401
    )
    assert client.get(f"/api/v1/loans/{loan.pk}").status_code == 401
    assert client.get("/api/v1/funds").status_code == 401


def test_it_answers_the_fund_detail_with_its_figures(api_client_for, users, funded, member):
    # The detail used to answer 500 for every fund (its county lost on the way).
    response = api_client_for(users["fund"]).get(f"/api/v1/funds/{funded.pk}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["code"], body["county"]) == (funded.pk, "ARK-001", "اراک")
    # 2 billion of sponsor capital plus the member's 100 million of savings, nothing lent.
    assert (body["members"], body["savings"]) == (1, 100_000_000)
    assert (body["cash"], body["outstanding"], body["jobs_created"]) == (2_100_000_000, 0, 0)


def test_it_lists_only_the_managers_funds(api_client_for, users, fund, other_fund, other_manager):
    body = api_client_for(users["fund"]).get("/api/v1/funds").json()
    assert [f["code"] for f in body["items"]] == ["ARK-001"] and body["count"] == 1
    body = api_client_for(users["hq"]).get("/api/v1/funds").json()
    assert body["count"] == 2
    assert api_client_for(users["saveh"]).get("/api/v1/funds").json()["count"] == 1
    assert api_client_for(users["viewer"]).get("/api/v1/funds").status_code == 403


def test_it_hides_another_funds_records_with_404(
    api_client_for, other_manager, disbursed_loan, member, fund
):
    loan = disbursed_loan()
    client = api_client_for(other_manager)
    assert client.get(f"/api/v1/loans/{loan.pk}").status_code == 404
    assert client.get(f"/api/v1/funds/{fund.pk}").status_code == 404
    assert client.get(f"/api/v1/funds/members/{member.pk}").status_code == 404
    assert client.get(f"/api/v1/funds/{fund.pk}/members").status_code == 404
    assert client.get(f"/api/v1/loans/{loan.pk}/repayments").status_code == 404
    # A filter naming a record out of scope is a field error, as a missing one is.
    r = client.get("/api/v1/loans", {"fund_id": fund.pk})
    assert (r.status_code, r.json()["errors"][0]["field"]) == (422, "fund_id")
    assert client.get("/api/v1/loans").json() == {"items": [], "count": 0}
    response = client.post(
        f"/api/v1/loans/{loan.pk}/repayments",
        {"amount": 1000, "paid_on": PAID, "key": "z"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not Repayment.objects.exists()
    assert api_client_for(None).get("/api/v1/loans/999999").status_code == 401
    assert api_client_for(other_manager).get("/api/v1/loans/999999").status_code == 404
    assert api_client_for(other_manager).get("/api/v1/loans/abc").status_code == 404


def test_it_shows_a_loan_with_its_schedule(api_client_for, users, disbursed_loan):
    loan = disbursed_loan()
    body = api_client_for(users["fund"]).get(f"/api/v1/loans/{loan.pk}").json()
    assert (body["fee"], len(body["installments"]), body["outstanding_principal"]) == (
        4_166_667,
        24,
        100_000_000,
    )
    assert body["installments"][0]["due_on"] == "2023-07-23"


def test_it_records_a_repayment_once_per_key(api_client_for, users, disbursed_loan):
    loan = disbursed_loan()
    client = api_client_for(users["fund"])
    url = f"/api/v1/loans/{loan.pk}/repayments"
    payload = {"amount": 4_340_000, "paid_on": PAID, "key": "mobile-7f3a"}
    first = client.post(url, payload, content_type="application/json")
    retry = client.post(url, payload, content_type="application/json")
    assert (first.status_code, retry.status_code) == (201, 200)
    assert first.json()["id"] == retry.json()["id"]
    assert Repayment.objects.filter(loan=loan).count() == 1
    too_much = client.post(
        url, {**payload, "key": "other", "amount": 200_000_000}, content_type="application/json"
    )
    assert too_much.status_code == 422 and too_much.json()["errors"][0]["field"] == "amount"
    assert client.get(url).json()[0]["amount"] == 4_340_000
    assert client.delete(url).status_code == 405


def test_it_enforces_maker_checker_through_the_api(api_client_for, users, clerk, funded, member):
    maker, checker = api_client_for(users["fund"]), api_client_for(clerk)
    created = maker.post(
        "/api/v1/loans",
        {
            "fund_id": funded.pk,
            "member_id": member.pk,
            "principal": 50_000_000,
            "months": 12,
            "purpose": "قالی‌بافی",
            "requested_on": "2023-06-01",
            "planned_jobs": 2,
            "planned_women_jobs": 2,
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    loan_id = created.json()["id"]
    assert (
        maker.post(
            f"/api/v1/loans/{loan_id}/approve",
            {"on": "2023-06-02"},
            content_type="application/json",
        ).status_code
        == 403
    )
    assert (
        checker.post(
            f"/api/v1/loans/{loan_id}/approve",
            {"on": "2023-06-02"},
            content_type="application/json",
        ).status_code
        == 200
    )
    response = checker.post(
        f"/api/v1/loans/{loan_id}/disburse", {"on": "2023-06-03"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "disbursed"
    assert Loan.objects.get(pk=loan_id).installments.count() == 12


def test_it_records_a_verification(api_client_for, users, disbursed_loan):
    loan = disbursed_loan()
    client = api_client_for(users["fund"])
    url = f"/api/v1/loans/{loan.pk}/verifications"
    response = client.post(
        url,
        {
            "visited_on": "2024-01-10",
            "verifier": "علی رضایی",
            "business_running": True,
            "jobs_found": 3,
            "women_jobs": 2,
        },
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["jobs_found"] == 3
    bad = client.post(
        url,
        {"visited_on": "2024-01-10", "verifier": "x", "business_running": False, "jobs_found": 3},
        content_type="application/json",
    )
    assert bad.status_code == 422


def test_it_reconciles_a_fund(api_client_for, users, disbursed_loan, fund):
    disbursed_loan()
    checks = api_client_for(users["hq"]).get(f"/api/v1/funds/{fund.pk}/reconciliation").json()
    assert len(checks) == 5 and all(c["ok"] for c in checks)


def test_it_creates_a_member_with_a_validated_national_code(api_client_for, users, fund):
    client = api_client_for(users["fund"])
    payload = {
        "national_code": "۰۰۸۱۲۳۴۵۶۲",
        "first_name": "مریم",
        "last_name": "کریمی",
        "gender": "f",
        "joined_on": str(datetime.date(2023, 1, 1)),
    }
    response = client.post(
        f"/api/v1/funds/{fund.pk}/members", payload, content_type="application/json"
    )
    assert response.status_code == 201 and response.json()["national_code"] == "0081234562"
    dup = client.post(f"/api/v1/funds/{fund.pk}/members", payload, content_type="application/json")
    assert dup.status_code == 409
    bad = client.post(
        f"/api/v1/funds/{fund.pk}/members",
        {**payload, "national_code": "0081234561"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "national_code"


def test_it_draws_a_lottery_anyone_can_replay(
    api_client_for, users, clerk, funded, add_member, other_manager
):
    from jahesh.funds import services

    for _ in range(5):
        services.loan_request(
            fund=funded,
            member=add_member(funded),
            principal=20_000_000,
            months=12,
            purpose="قالی",
            requested_on=datetime.date(2023, 6, 1),
            user=users["fund"],
            in_queue=True,
        )
    response = api_client_for(clerk).post(
        f"/api/v1/funds/{funded.pk}/lottery",
        {"slots": 2, "seed": "s-1402"},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert len(body["entrants"]) == 5 and len(body["winners"]) == 2 and body["replays"] is True
    again = api_client_for(users["hq"]).get(f"/api/v1/funds/draws/{body['id']}").json()
    assert again["winners"] == body["winners"] and again["replays"] is True
    assert api_client_for(other_manager).get(f"/api/v1/funds/draws/{body['id']}").status_code == 404


def test_it_reverses_a_repayment_through_the_api(
    api_client_for, users, clerk, disbursed_loan, other_manager
):
    loan = disbursed_loan()
    rep = (
        api_client_for(users["fund"])
        .post(
            f"/api/v1/loans/{loan.pk}/repayments",
            {"amount": 4_340_000, "paid_on": PAID, "key": "r1"},
            content_type="application/json",
        )
        .json()
    )
    url = f"/api/v1/loans/{loan.pk}/repayments/{rep['id']}/reverse"
    assert (
        api_client_for(other_manager)
        .post(url, {"reason": "x"}, content_type="application/json")
        .status_code
        == 404
    )
    response = api_client_for(clerk).post(
        url, {"reason": "چک برگشتی"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["reversed_at"] is not None
    assert (
        api_client_for(clerk)
        .post(url, {"reason": "باز"}, content_type="application/json")
        .status_code
        == 409
    )


def test_it_documents_the_routes_in_openapi(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {
        "/api/v1/loans/schedule",
        "/api/v1/loans/{loan_id}/repayments",
        "/api/v1/funds/{fund_id}/members",
    } <= set(paths)
