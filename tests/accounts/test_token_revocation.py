"""Logout and a password change revoke the user's API tokens, by every path."""

from __future__ import annotations

from django.core.management import call_command
from django.test import Client

from jahesh.accounts.models import ApiToken, User
from jahesh.accounts.services import api_token_issue


def _works(raw: str) -> bool:
    return (
        Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/auth/me").status_code == 200
    )


def test_it_revokes_the_users_tokens_on_web_logout(users, client_for):
    mine, theirs = api_token_issue(user=users["hq"]), api_token_issue(user=users["arak"])
    resp = client_for(users["hq"]).post("/accounts/logout/")
    assert resp.status_code == 302
    assert not _works(mine)
    assert _works(theirs)


def test_it_revokes_the_users_tokens_on_set_password(users):
    raw = api_token_issue(user=users["hq"])
    user = User.objects.get(pk=users["hq"].pk)
    user.set_password("another-pass-5678")
    user.save()
    assert not _works(raw)
    assert ApiToken.objects.get().revoked_at is not None


def test_it_revokes_the_users_tokens_on_the_password_change_form(users, client_for):
    raw = api_token_issue(user=users["admin"])
    resp = client_for(users["admin"]).post(
        "/admin/password_change/",
        {
            "old_password": "pass-1234-word",
            "new_password1": "another-pass-5678",
            "new_password2": "another-pass-5678",
        },
    )
    assert resp.status_code == 302
    assert not _works(raw)


def test_it_revokes_the_users_tokens_when_an_admin_sets_the_password(users, client_for):
    raw = api_token_issue(user=users["hq"])
    resp = client_for(users["admin"]).post(
        f"/admin/accounts/user/{users['hq'].pk}/password/",
        {"password1": "another-pass-5678", "password2": "another-pass-5678"},
    )
    assert resp.status_code == 302
    assert not _works(raw)


def test_it_revokes_the_users_tokens_when_password_login_is_disabled(users):
    raw = api_token_issue(user=users["hq"])
    user = User.objects.get(pk=users["hq"].pk)
    user.set_unusable_password()
    user.save()
    assert not _works(raw)


def test_it_revokes_the_users_tokens_on_changepassword(users, monkeypatch):
    raw = api_token_issue(user=users["hq"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "another-pass-5678")
    call_command("changepassword", "hq")
    assert not _works(raw)


def test_it_keeps_tokens_on_saves_that_do_not_change_the_password(users, settings):
    raw = api_token_issue(user=users["hq"])
    user = User.objects.get(pk=users["hq"].pk)
    user.first_name = "مریم"
    user.save()
    # a login stamps last_login and upgrades an old hash: neither is a password change
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    resp = Client().post("/accounts/login/", {"username": "hq", "password": "pass-1234-word"})
    assert resp.status_code == 302
    assert User.objects.get(pk=user.pk).password.startswith("pbkdf2_sha256$")
    assert _works(raw)
