"""API tokens: expiry, listing, revoking, last use (DESIGN §3 "Tokens expire")."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jahesh.accounts import services
from jahesh.accounts.models import ApiToken
from jahesh.accounts.selectors import token_use_key
from jahesh.accounts.services import api_token_issue, api_token_uses_store
from tests.reports.test_reads import WRITES

START = "2025-11-27 10:00:00+03:30"


def _bearer(raw: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {raw}"})


def _login(username: str = "hq") -> str:
    resp = Client().post(
        "/api/v1/auth/token",
        data=json.dumps({"username": username, "password": "pass-1234-word"}),
        content_type="application/json",
    )
    assert resp.status_code == 200
    return resp.json()["token"]


def test_it_expires_a_token_after_the_configured_days(users, settings):
    settings.JAHESH_TOKEN_DAYS = 30
    with time_machine.travel(START, tick=False) as clock:
        raw = _login()
        token = ApiToken.objects.get(user=users["hq"])
        assert token.expires_at == timezone.now() + timedelta(days=30)
        # a day before the end it still works
        clock.shift(timedelta(days=29))
        assert _bearer(raw).get("/api/v1/auth/me").status_code == 200
        # and on the thirtieth day it is refused, in Persian, saying what to do
        clock.shift(timedelta(days=1))
        resp = _bearer(raw).get("/api/v1/auth/me")
    assert resp.status_code == 401
    assert resp.json() == {
        "message": "این توکن منقضی شده است؛ با نام کاربری و گذرواژه توکن تازه بگیرید.",
        "errors": [],
    }


def test_it_reads_the_lifetime_from_the_setting(users, settings):
    settings.JAHESH_TOKEN_DAYS = 2
    with time_machine.travel(START, tick=False):
        api_token_issue(user=users["hq"])
        assert ApiToken.objects.get().expires_at == timezone.now() + timedelta(days=2)


def test_it_revokes_the_token_the_request_is_sent_with(users):
    raw, other = _login(), _login()
    resp = _bearer(raw).post("/api/v1/auth/token/revoke")
    assert resp.status_code == 200
    assert resp.json() == {"revoked": 1}
    refused = _bearer(raw).get("/api/v1/auth/me")
    assert refused.status_code == 401
    assert refused.json()["message"] == (
        "این توکن باطل شده است؛ با نام کاربری و گذرواژه توکن تازه بگیرید."
    )
    # the user's other token goes on working
    assert _bearer(other).get("/api/v1/auth/me").status_code == 200


def test_it_refuses_to_revoke_this_token_for_a_session(users, client_for):
    resp = client_for(users["hq"]).post("/api/v1/auth/token/revoke")
    assert resp.status_code == 400
    assert resp.json()["errors"][0]["field"] == "Authorization"


def test_it_lists_only_the_users_own_working_tokens_without_the_secret(users):
    with time_machine.travel(START, tick=False) as clock:
        mine = _login()
        api_token_issue(user=users["hq"], name="گزارش شبانه")
        api_token_issue(user=users["arak"])  # someone else's
        dead = api_token_issue(user=users["hq"])
        _bearer(dead).post("/api/v1/auth/token/revoke")
        api_token_issue(user=users["hq"], expires_at=timezone.now() + timedelta(hours=1))
        clock.shift(timedelta(hours=2))  # ...that one has expired by now
        resp = _bearer(mine).get("/api/v1/auth/tokens")
    assert resp.status_code == 200
    body = resp.json()
    assert body["count"] == 2
    assert [t["label"] for t in body["items"]] == ["گزارش شبانه", "api"]
    assert [t["current"] for t in body["items"]] == [False, True]
    assert body["items"][1]["prefix"] == mine[:8]
    assert set(body["items"][0]) == {
        "id",
        "prefix",
        "label",
        "created_at",
        "expires_at",
        "last_used_at",
        "current",
    }
    assert mine not in resp.content.decode()


def test_it_labels_a_token_as_asked(users):
    resp = Client().post(
        "/api/v1/auth/token",
        data=json.dumps({"username": "hq", "password": "pass-1234-word", "label": "گزارش شبانه"}),
        content_type="application/json",
    )
    listed = _bearer(resp.json()["token"]).get("/api/v1/auth/tokens").json()
    assert [t["label"] for t in listed["items"]] == ["گزارش شبانه"]


def test_it_revokes_one_of_the_users_other_tokens_by_id(users):
    mine, spare = _login(), _login()
    spare_id = ApiToken.objects.get(key_hash=ApiToken.hash(spare)).pk
    resp = _bearer(mine).post(f"/api/v1/auth/tokens/{spare_id}/revoke")
    assert resp.status_code == 200
    assert _bearer(spare).get("/api/v1/auth/me").status_code == 401
    assert _bearer(mine).get("/api/v1/auth/me").status_code == 200
    # a second revoke finds nothing to revoke
    assert _bearer(mine).post(f"/api/v1/auth/tokens/{spare_id}/revoke").status_code == 404


def test_it_answers_404_to_another_user_revoking_a_token(users):
    victim = _login("hq")
    victim_id = ApiToken.objects.get(key_hash=ApiToken.hash(victim)).pk
    attacker = _login("arak")
    resp = _bearer(attacker).post(f"/api/v1/auth/tokens/{victim_id}/revoke")
    assert resp.status_code == 404
    assert resp.json() == {"message": "یافت نشد.", "errors": []}
    assert _bearer(victim).get("/api/v1/auth/me").status_code == 200


@pytest.mark.parametrize(
    "url", ["/api/v1/auth/tokens", "/api/v1/auth/token/revoke", "/api/v1/auth/tokens/1/revoke"]
)
def test_it_answers_401_to_anonymous_token_routes(users, url):
    api_token_issue(user=users["hq"])
    resp = Client().get(url) if url.endswith("tokens") else Client().post(url)
    assert resp.status_code == 401
    assert ApiToken.objects.filter(revoked_at__isnull=False).count() == 0


def test_it_answers_422_to_an_id_beyond_any_row(users):
    resp = _bearer(_login()).post(f"/api/v1/auth/tokens/{10**30}/revoke")
    assert resp.status_code == 422


def test_it_logs_out_every_token_of_the_user_through_the_api(users):
    first, second, theirs = _login(), _login(), _login("arak")
    resp = _bearer(first).post("/api/v1/auth/logout")
    assert resp.json() == {"revoked": 2}
    assert _bearer(second).get("/api/v1/auth/me").status_code == 401
    assert _bearer(theirs).get("/api/v1/auth/me").status_code == 200


def test_a_read_writes_no_last_use_and_a_write_keeps_it_at_most_every_five_minutes(
    users, django_assert_num_queries
):
    with time_machine.travel(START, tick=False) as clock:
        raw = _login()
        token = ApiToken.objects.get()
        assert token.last_used_at is None
        # a GET reads the token and writes nothing, not even its last use
        with CaptureQueriesContext(connection) as ctx:
            assert _bearer(raw).get("/api/v1/auth/me").status_code == 200
        assert [q["sql"] for q in ctx.captured_queries if WRITES.match(q["sql"])] == []
        token.refresh_from_db()
        assert token.last_used_at is None
        # a write request keeps it on the row
        _bearer(raw).post("/api/v1/notifications/read-all")
        token.refresh_from_db()
        assert token.last_used_at == timezone.now()
        first_use = token.last_used_at
        # a minute later: read only (one query for the token, none to write)
        clock.shift(timedelta(minutes=1))
        with django_assert_num_queries(1):
            _bearer(raw).get("/api/v1/auth/me")
        _bearer(raw).post("/api/v1/notifications/read-all")
        token.refresh_from_db()
        assert token.last_used_at == first_use
        # five minutes after the recorded use a write request writes it again
        clock.shift(timedelta(minutes=4))
        _bearer(raw).post("/api/v1/notifications/read-all")
        token.refresh_from_db()
        assert token.last_used_at == first_use + timedelta(minutes=5)


def test_the_token_list_shows_a_reads_use_until_the_periodic_job_stores_it(users):
    with time_machine.travel(START, tick=False) as clock:
        raw, other = _login(), _login()
        clock.shift(timedelta(minutes=1))
        read_at = timezone.now()
        assert _bearer(raw).get("/api/v1/auth/me").status_code == 200
        assert ApiToken.objects.filter(last_used_at__isnull=False).count() == 0
        # the list (itself a read, within five minutes of the last: nothing new)
        clock.shift(timedelta(minutes=2))
        listed = _bearer(raw).get("/api/v1/auth/tokens").json()["items"]
        used = {item["prefix"]: item["last_used_at"] for item in listed}
        assert used == {raw[:8]: read_at.isoformat().replace("+00:00", "Z"), other[:8]: None}
        assert ApiToken.objects.filter(last_used_at__isnull=False).count() == 0
        # the periodic job puts the read's use on the row, once
        assert api_token_uses_store(now=timezone.now()) == 1
        assert api_token_uses_store(now=timezone.now()) == 0
        stored = dict(ApiToken.objects.values_list("prefix", "last_used_at"))
        assert stored == {raw[:8]: read_at, other[:8]: None}
        # a read six minutes after it: in the cache again, the list shows it
        clock.shift(timedelta(minutes=6))
        again = timezone.now()
        _bearer(raw).get("/api/v1/auth/me")
        assert ApiToken.objects.get(prefix=raw[:8]).last_used_at == read_at
        listed = _bearer(raw).get("/api/v1/auth/tokens").json()["items"]
        assert {item["prefix"]: item["last_used_at"] for item in listed}[raw[:8]] == (
            again.isoformat().replace("+00:00", "Z"))  # fmt: skip


def test_a_read_asks_the_cache_for_its_tokens_use_at_most_every_five_minutes(users, monkeypatch):
    asked: list[str] = []
    real = services.cache

    class Counting:
        def get(self, key, default=None):
            asked.append(key)
            return real.get(key, default)

        def set(self, key, value, timeout):
            real.set(key, value, timeout)

    monkeypatch.setattr(services, "cache", Counting())
    with time_machine.travel(START, tick=False) as clock:
        raw = _login()
        key = token_use_key(ApiToken.objects.get(prefix=raw[:8]).pk)
        first = timezone.now()
        assert _bearer(raw).get("/api/v1/auth/me").status_code == 200
        assert asked == [key] and real.get(key) == first
        # within five minutes of the use it put there: the cache is not asked
        for minutes in (1, 3):
            clock.shift(timedelta(minutes=minutes))
            assert _bearer(raw).get("/api/v1/auth/me").status_code == 200
        assert asked == [key] and real.get(key) == first
        # five minutes after it: asked, and the new use put there
        clock.shift(timedelta(minutes=1))
        assert _bearer(raw).get("/api/v1/auth/me").status_code == 200
        assert asked == [key, key] and real.get(key) == timezone.now()
        # another token is asked for on its own
        other = _login()
        assert _bearer(other).get("/api/v1/auth/me").status_code == 200
        assert len(asked) == 3
