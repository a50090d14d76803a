"""A signed-in request reads its session and its user in one statement once
this process has read that session (``core.sessions``): the same rows, read
again on every request, so a deactivation, a deleted user, a new password or a
signed-out session counts on the next request, and scoping is unchanged."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jahesh.accounts.models import User
from jahesh.core import sessions

KPIS = "/api/v1/kpis"


@pytest.fixture(autouse=True)
def _no_memo():
    sessions._users_of.clear()
    yield
    sessions._users_of.clear()


def _reads(client, url: str = KPIS, **settings_) -> tuple[object, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return response, [q["sql"] for q in ctx.captured_queries]


def _auth_reads(sqls: list[str]) -> list[str]:
    return [s for s in sqls if "django_session" in s or 'FROM "accounts_user"' in s]


def test_the_second_request_reads_session_and_user_in_one_statement(users, client_for):
    client = client_for(users["hq"])
    first, sqls = _reads(client)
    assert first.status_code == 200
    assert len(_auth_reads(sqls)) == 2  # the session, then its user
    second, sqls = _reads(client)
    assert second.status_code == 200 and second.json() == first.json()
    (read,) = _auth_reads(sqls)
    assert "django_session" in read and "accounts_user" in read
    assert second.wsgi_request.user == users["hq"]


def test_a_session_naming_another_user_than_remembered_reads_its_own(users, client_for):
    client = client_for(users["arak"])
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    sessions._users_of[key] = users["hq"].pk  # as if the key had named Markazi's manager
    response, sqls = _reads(client)
    assert response.wsgi_request.user == users["arak"]
    assert response.json()["scope"] == {
        "kind": "county", "province": users["arak"].county.province_id,
        "county": users["arak"].county_id,
    }  # fmt: skip
    assert len(_auth_reads(sqls)) == 2  # the row read beside was not used: the user read again


@pytest.mark.parametrize("change", ["deactivated", "deleted", "new password", "signed out"])
def test_a_change_counts_on_the_next_request(users, client_for, change):
    client = client_for(users["arak"])
    assert client.get("/units/").status_code == 200
    assert client.get("/units/").status_code == 200  # the memo holds the session's user
    user = User.objects.get(pk=users["arak"].pk)
    if change == "deactivated":
        User.objects.filter(pk=user.pk).update(is_active=False)
    elif change == "deleted":
        user.delete()
    elif change == "new password":
        user.set_password("another-long-passphrase")
        user.save()
    else:
        client.logout()
    response = client.get("/units/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(KPIS).status_code == 401


def test_the_kpi_api_by_session_keeps_its_scope(users, client_for, geo):
    # in scope: Markazi's manager reads Markazi, twice (the second by one statement)
    hq = client_for(users["hq"])
    for _ in range(2):
        scope = hq.get(f"{KPIS}?province={geo['markazi'].pk}").json()["scope"]
        assert scope == {"kind": "province", "province": geo["markazi"].pk, "county": None}
    # out of scope: Tehran asked, Markazi answered; Arak's officer gets Arak
    for _ in range(2):
        assert hq.get(f"{KPIS}?province={geo['tehran'].pk}").json()["scope"]["province"] == (
            geo["markazi"].pk
        )
        arak = client_for(users["arak"]).get(f"{KPIS}?province={geo['markazi'].pk}").json()
        assert arak["scope"]["county"] == geo["arak"].pk
    # a role without an area: 404; anonymous: 401
    expert = client_for(users["expert"])
    assert [expert.get(KPIS).status_code for _ in range(2)] == [404, 404]
    assert client_for(None).get(KPIS).status_code == 401
