from __future__ import annotations

import datetime as dt

import pytest

from jahesh.clinic import services
from jahesh.clinic.models import Case, CaseStatus, Resolution, Session

S = CaseStatus


@pytest.fixture
def arak_case(make_case):
    return make_case(S.ASSIGNED)  # assigned to the ``expert`` user


@pytest.fixture
def saveh_case(make_case, make_unit, geo, other_expert, users):
    case = make_case(S.TRIAGED, unit=make_unit(county=geo["saveh"]))
    return services.case_transition(
        case=case,
        to_status=S.ASSIGNED,
        user=users["admin"],
        data=services.MoveInput(expert=other_expert),
    )


def test_it_lists_cases_by_scope(api_client_for, users, arak_case, saveh_case):
    def ids(user, **params):
        r = api_client_for(user).get("/api/v1/cases", params)
        assert r.status_code == 200, r.content
        body = r.json()
        assert body["count"] == len(body["items"])
        return sorted(c["id"] for c in body["items"])

    assert ids(users["hq"]) == sorted([arak_case.pk, saveh_case.pk])
    assert ids(users["arak"]) == [arak_case.pk]
    assert ids(users["saveh"]) == [saveh_case.pk]
    assert ids(users["expert"]) == [arak_case.pk]
    assert ids(users["hq_other"]) == []
    assert ids(users["viewer"]) == []
    assert ids(users["hq"], county_id=236) == [saveh_case.pk]
    assert ids(users["hq"], status="open", category="finance") == sorted(
        [arak_case.pk, saveh_case.pk]
    )
    assert ids(users["hq"], q=f"#{arak_case.pk}") == [arak_case.pk]


def test_it_answers_401_404_405_and_422(api_client_for, users, arak_case):
    url = f"/api/v1/cases/{arak_case.pk}"
    assert api_client_for(None).get(url).status_code == 401
    assert api_client_for(None).get("/api/v1/cases").status_code == 401
    for user in ("saveh", "hq_other", "viewer", "fund"):
        r = api_client_for(users[user]).get(url)
        assert r.status_code == 404 and r.json()["message"]
    assert api_client_for(users["hq"]).get("/api/v1/cases/999999").status_code == 404
    assert api_client_for(users["hq"]).get("/api/v1/cases/abc").status_code == 404
    assert api_client_for(users["hq"]).delete(url).status_code == 405
    r = api_client_for(users["hq"]).get("/api/v1/cases", {"status": "bogus"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "status"


def test_it_shows_a_case_with_its_timeline_and_clock(api_client_for, users, arak_case):
    r = api_client_for(users["expert"]).get(f"/api/v1/cases/{arak_case.pk}")
    body = r.json()
    assert [e["to_status"] for e in body["events"]] == ["new", "triaged", "assigned"]
    assert body["allowed_transitions"] == ["in_progress"]
    assert body["sla"]["limit_days"] == 21 and body["sla"]["is_overdue"] is False
    assert body["category"] == "finance.bank_arrears" and body["county_id"] == 19


def test_it_creates_a_case_in_scope_only(api_client_for, users, make_unit, geo, category):
    unit = make_unit()
    payload = {
        "unit_id": unit.pk,
        "category": "electricity",
        "severity": 4,
        "title": "قطع برق",
        "source": "letter",
        "agency_id": None,
    }
    r = api_client_for(users["arak"]).post(
        "/api/v1/cases", payload, content_type="application/json"
    )
    assert r.status_code == 201, r.content
    assert (r.json()["status"], r.json()["taxonomy_version"]) == ("new", "wbes-m1a-1403")
    r = api_client_for(users["saveh"]).post(
        "/api/v1/cases", payload, content_type="application/json"
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "unit_id"
    bad = {**payload, "category": "nope"}
    r = api_client_for(users["arak"]).post("/api/v1/cases", bad, content_type="application/json")
    assert r.status_code == 422 and "طبقه‌بندی" in r.json()["message"]
    r = api_client_for(users["expert"]).post(
        "/api/v1/cases", payload, content_type="application/json"
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "unit_id"
    assert (
        api_client_for(None)
        .post("/api/v1/cases", payload, content_type="application/json")
        .status_code
        == 401
    )


def test_it_moves_a_case_and_refuses_in_persian(api_client_for, users, arak_case, agency):
    url = f"/api/v1/cases/{arak_case.pk}/transitions"
    client = api_client_for(users["expert"])
    r = client.post(
        url, {"to_status": "resolved", "outcome": "other"}, content_type="application/json"
    )
    assert r.status_code == 422 and "نمی‌توان" in r.json()["message"]
    r = client.post(url, {"to_status": "in_progress"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "in_progress"
    r = client.post(
        url, {"to_status": "waiting", "agency_id": agency.pk}, content_type="application/json"
    )
    assert r.json()["status"] == "waiting" and r.json()["sla"]["due_at"] is None
    assert (
        api_client_for(users["saveh"])
        .post(url, {"to_status": "in_progress"}, content_type="application/json")
        .status_code
        == 404
    )
    assert (
        api_client_for(None)
        .post(url, {"to_status": "in_progress"}, content_type="application/json")
        .status_code
        == 401
    )
    assert client.get(url).status_code == 405
    assert Case.objects.get(pk=arak_case.pk).events.count() == 5


def test_it_suggests_experts(api_client_for, users, arak_case, expert):
    r = api_client_for(users["hq"]).get(f"/api/v1/cases/{arak_case.pk}/suggestions")
    assert r.status_code == 200
    assert r.json()["items"][0]["expert_id"] == expert.pk


def test_it_records_sessions_and_resolutions(
    api_client_for, users, group, expert, arak_case, agency
):
    hq = api_client_for(users["hq"])
    r = hq.post(
        "/api/v1/sessions",
        {
            "group_id": group.pk,
            "held_on": "2025-11-20",
            "attendee_ids": [expert.pk],
            "agenda_case_ids": [arak_case.pk],
            "minutes": "بررسی پرونده",
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    session = r.json()
    assert (session["number"], session["agenda_case_ids"]) == (1, [arak_case.pk])
    r = hq.post(
        "/api/v1/resolutions",
        {
            "session_id": session["id"],
            "text": "امهال وام",
            "agency_id": agency.pk,
            "due_on": "2025-12-20",
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    res = r.json()
    # 15 working days after Thu 2025-11-20 (weekend thu,fri; 24 Nov a holiday)
    assert (res["objection_until"], res["status"]) == ("2025-12-13", "open")
    r = hq.post(
        f"/api/v1/resolutions/{res['id']}/followups",
        {"on": "2025-11-27", "note": "انجام شد", "status_after": "done"},
        content_type="application/json",
    )
    assert r.json()["status"] == "done" and r.json()["done_on"] == "2025-11-27"
    assert (
        api_client_for(users["expert"]).get(f"/api/v1/sessions/{session['id']}").status_code == 200
    )
    for user in ("hq_other", "viewer"):
        c = api_client_for(users[user])
        assert c.get(f"/api/v1/sessions/{session['id']}").status_code == 404
        assert c.get(f"/api/v1/resolutions/{res['id']}").status_code == 404
        assert c.get("/api/v1/resolutions").json()["count"] == 0
    assert api_client_for(users["arak"]).get("/api/v1/resolutions").json()["count"] == 1
    assert api_client_for(None).get("/api/v1/sessions").status_code == 401
    assert hq.get("/api/v1/resolutions/0").status_code == 404
    assert hq.delete(f"/api/v1/sessions/{session['id']}").status_code == 405
    assert Resolution.objects.get().status == "done" and Session.objects.count() == 1
    r = hq.post(
        "/api/v1/resolutions",
        {"session_id": session["id"], "text": "x", "agency_id": agency.pk, "due_on": "2025-01-01"},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "due_on"
    _ = dt
