from __future__ import annotations

import json

import pytest
from django.test import Client

from jahesh.accounts.models import ApiToken


def _post(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def test_it_issues_a_token_that_authenticates_later_requests(users):
    client = Client()
    # given a correct username and password
    resp = _post(client, "/api/v1/auth/token", {"username": "hq", "password": "pass-1234-word"})
    assert resp.status_code == 200
    token = resp.json()["token"]
    # then only its hash is stored
    assert ApiToken.objects.get(user=users["hq"]).key_hash == ApiToken.hash(token)
    # and it identifies the user
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["username"] == "hq"
    assert me.json()["role"] == "hq_manager"
    assert me.json()["province_id"] == users["hq"].province_id


def test_it_refuses_a_wrong_password_in_persian(users):
    resp = _post(Client(), "/api/v1/auth/token", {"username": "hq", "password": "nope"})
    assert resp.status_code == 401
    assert resp.json() == {"message": "نام کاربری یا گذرواژه درست نیست.", "errors": []}


def test_it_answers_in_english_when_asked(users):
    resp = Client().post(
        "/api/v1/auth/token",
        data=json.dumps({"username": "hq", "password": "nope"}),
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )
    assert resp.status_code == 401
    assert resp.json()["message"] == "Wrong username or password."


def test_it_reports_missing_fields_by_name(users):
    resp = _post(Client(), "/api/v1/auth/token", {"username": "hq"})
    assert resp.status_code == 422
    body = resp.json()
    assert body["errors"] == [
        {"field": "payload.password", "message": "این مقدار لازم است."}
    ] or body["errors"] == [{"field": "password", "message": "این مقدار لازم است."}]


def test_it_locks_out_after_repeated_failures(users, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    for _ in range(3):
        _post(client, "/api/v1/auth/token", {"username": "hq", "password": "wrong"})
    # even the right password is refused while locked out
    resp = _post(client, "/api/v1/auth/token", {"username": "hq", "password": "pass-1234-word"})
    assert resp.status_code == 403
    assert "قفل" in resp.json()["message"]


@pytest.mark.parametrize("header", [None, "Bearer not-a-token", "Basic abc"])
def test_it_answers_401_without_a_valid_token(db, header):
    headers = {"Authorization": header} if header else {}
    resp = Client().get("/api/v1/auth/me", headers=headers)
    assert resp.status_code == 401
    assert resp.json()["message"] == "ابتدا وارد شوید یا توکن معتبر بفرستید."


def test_it_refuses_an_expired_token(users):
    from datetime import timedelta

    from django.utils import timezone

    from jahesh.accounts.services import api_token_issue

    raw = api_token_issue(user=users["hq"], expires_at=timezone.now() - timedelta(seconds=1))
    resp = Client().get("/api/v1/auth/me", headers={"Authorization": f"Bearer {raw}"})
    assert resp.status_code == 401


def test_it_refuses_a_token_of_a_deactivated_user(users, api_client_for):
    client = api_client_for(users["hq"])
    users["hq"].is_active = False
    users["hq"].save()
    assert client.get("/api/v1/auth/me").status_code == 401


def test_it_serves_the_openapi_document(db):
    resp = Client().get("/api/v1/openapi.json")
    assert resp.status_code == 200
    assert "/api/v1/auth/token" in resp.json()["paths"]


def test_healthz_answers_when_the_database_does(db):
    resp = Client().get("/healthz")
    assert resp.status_code == 200
    assert resp.json() == {"status": "ok", "database": "ok"}
