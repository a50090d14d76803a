"""The language a user picks is kept on their profile, and signing in applies it
(on any browser); the switch still works for anonymous visitors (the cookie)."""

from __future__ import annotations

import pytest
from django.test import Client

from jahesh.accounts.services import user_set_language
from jahesh.core.errors import InvalidInput

EN_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


def _sign_in(client: Client, username: str):
    return client.post(
        "/accounts/login/", {"username": username, "password": "pass-1234-word"}, **EN_BROWSER
    )


def test_it_remembers_the_language_picked_while_signed_in(users, client_for):
    client = client_for(users["hq"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    users["hq"].refresh_from_db()
    assert users["hq"].language == "en"


def test_it_applies_the_profile_language_when_signing_in_on_another_browser(users):
    user_set_language(user=users["arak"], language="en")
    # A fresh browser (no cookie) signs in: the profile's English is applied
    client = Client()
    response = _sign_in(client, "arak")
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "en"
    assert '<html lang="en"' in client.get("/").content.decode()


def test_it_keeps_persian_for_a_user_who_never_picked(users):
    client = Client()
    _sign_in(client, "saveh")
    assert "django_language" not in client.cookies
    assert '<html lang="fa"' in client.get("/", **EN_BROWSER).content.decode()


def test_it_switches_anonymous_visitors_by_the_cookie_alone(db):
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302 and client.cookies["django_language"].value == "en"


def test_it_leaves_the_profile_alone_for_an_unknown_language(users, client_for):
    client_for(users["hq"]).post("/i18n/setlang/", {"language": "de", "next": "/"})
    users["hq"].refresh_from_db()
    assert users["hq"].language == ""
    with pytest.raises(InvalidInput):
        user_set_language(user=users["hq"], language="de")
    assert client_for(users["hq"]).get("/i18n/setlang/").status_code == 405
