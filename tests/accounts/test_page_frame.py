"""The page frame's top bar is rendered once per user, language, day and active
entry and kept (``accounts.frame``); the signed-in user, their session and their
API token are read again on every request (``core.prepared``). A change to the
user shows on their next page, a revoked token or a deactivated user is refused
on the next request, and what differs per response (CSRF token, path) is never
taken from another response."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from jahesh.accounts import frame
from jahesh.accounts.models import ApiToken, User
from jahesh.accounts.roles import Role
from jahesh.accounts.services import api_token_issue, api_token_revoke


@pytest.fixture(autouse=True)
def _empty_frames():
    frame.forget()
    yield
    frame.forget()


def _bar(response) -> str:
    """The top bar of a page (the <header>)."""
    found = re.search(r'<header class="jh-header.*?</header>', response.content.decode(), re.S)
    assert found is not None
    return found.group(0)


def _menu_urls(response) -> list[str]:
    found = re.search(r'<nav class="jh-modnav.*?</nav>', _bar(response), re.S)
    return re.findall(r'href="([^"]+)"', found.group(0)) if found else []


def _reload(user: User) -> User:
    return User.objects.get(pk=user.pk)


def test_the_bar_follows_a_role_change(users, client_for):
    # given Markazi's manager read a page (their bar kept: every module)
    client = client_for(users["hq"])
    before = client.get("/reports/")
    assert "/units/" in _menu_urls(before) and "/accounts/people/" in _menu_urls(before)
    # when an admin makes them a viewer of the same province
    user = _reload(users["hq"])
    user.role = Role.VIEWER
    user.save()
    # then their next page shows a viewer's bar: the dashboard only, the viewer's role
    after = client.get("/reports/")
    assert after.status_code == 200
    assert "/units/" not in _menu_urls(after) and "/accounts/people/" not in _menu_urls(after)
    assert "/reports/" in _menu_urls(after)
    assert str(Role.VIEWER.label) in _bar(after) and str(Role.HQ_MANAGER.label) not in _bar(after)


def test_the_bar_follows_a_change_of_name_and_county(users, geo, client_for):
    client = client_for(users["arak"])
    assert "اراک" in _bar(client.get("/units/"))
    user = _reload(users["arak"])
    user.first_name, user.county = "نام‌تازه", geo["saveh"]
    user.save()
    bar = _bar(client.get("/units/"))
    assert "نام‌تازه" in bar and "ساوه" in bar and "اراک" not in bar


def test_each_response_has_its_own_csrf_token_and_path(users, client_for):
    # given two browsers of one user, on two pages with the same active entry
    first, second = client_for(users["hq"]), client_for(users["hq"])
    one = first.get("/units/")
    two = second.get("/units/?page=1&status=active")
    assert _menu_urls(one) == _menu_urls(two)  # one kept bar serves both
    # then the language form goes back to each page
    assert 'name="next" value="/units/"' in _bar(one)
    assert 'name="next" value="/units/?page=1&amp;status=active"' in _bar(two)
    # and each browser's logout form carries a token its own session accepts
    for client, page in ((first, one), (second, two)):
        tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', _bar(page))
        assert len(tokens) == 2 and "jhcsrf" not in tokens[0]
        checked = Client(enforce_csrf_checks=True)
        checked.cookies = client.cookies
        assert (
            checked.post("/accounts/logout/", {"csrfmiddlewaretoken": tokens[0]}).status_code == 302
        )
        assert checked.get("/units/").status_code == 302  # signed out


def test_a_deactivated_user_is_signed_out_on_the_next_request(users, client_for):
    client = client_for(users["arak"])
    assert client.get("/units/").status_code == 200
    User.objects.filter(pk=users["arak"].pk).update(is_active=False)  # no signal
    response = client.get("/units/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_session_from_before_the_upgrade_stays_signed_in_and_is_not_rewritten(users):
    # Given a session signed in before accounts.backends existed: it names Django's backend
    client = Client()
    client.force_login(users["arak"], backend="django.contrib.auth.backends.ModelBackend")
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    before = Session.objects.get(session_key=key)
    # Then its user is still signed in, and reading the page leaves the session row as it was
    response = client.get("/units/")
    assert response.status_code == 200
    assert response.wsgi_request.user == users["arak"]
    after = Session.objects.get(session_key=key)
    assert (after.session_data, after.expire_date) == (before.session_data, before.expire_date)


def test_an_anonymous_client_gets_the_sign_in_page_and_the_bare_bar(db, client):
    response = client.get("/units/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    login = client.get("/accounts/login/")
    assert login.status_code == 200 and "jhcsrf" not in login.content.decode()


def _kpis(raw: str) -> int:
    return Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/kpis").status_code


def test_a_token_works_until_it_is_revoked(users):
    raw = api_token_issue(user=users["hq"])
    assert _kpis(raw) == 200
    token = ApiToken.objects.get()
    api_token_revoke(user=users["hq"], token_id=token.pk, now=timezone.now())
    assert _kpis(raw) == 401


def test_a_token_stops_at_its_expiry_and_with_its_users_deactivation(users):
    raw = api_token_issue(user=users["hq"])
    other = api_token_issue(user=users["arak"])
    assert _kpis(raw) == 200 and _kpis(other) == 200
    ApiToken.objects.filter(user=users["hq"]).update(expires_at=timezone.now())
    User.objects.filter(pk=users["arak"].pk).update(is_active=False)
    assert _kpis(raw) == 401 and _kpis(other) == 401


def test_a_token_reads_in_its_users_scope_after_a_change_of_province(users, geo):
    # the token's user is read with it on each request: a move to Tehran answers Tehran
    raw = api_token_issue(user=users["hq"])
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert client.get("/api/v1/kpis").json()["scope"]["province"] == geo["markazi"].pk
    User.objects.filter(pk=users["hq"].pk).update(province=geo["tehran"])
    assert client.get("/api/v1/kpis").json()["scope"]["province"] == geo["tehran"].pk
    assert (
        client.get(f"/api/v1/kpis?province={geo['markazi'].pk}").json()["scope"]["province"]
        == geo["tehran"].pk
    )
    assert Client().get("/api/v1/kpis").status_code == 401
