"""Two-step sign-in (TOTP) for admins and headquarters managers."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from jahesh.accounts import twofactor
from jahesh.accounts.models import UserChange

pytestmark = pytest.mark.django_db

PASSWORD = "pass-1234-word"  # conftest's make_user


def _code(device: TOTPDevice, shift: int = 0) -> str:
    # The code the authenticator app shows now (``shift`` steps later).
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=shift):06d}"


def _turn_on(user) -> TOTPDevice:
    device = twofactor.start(user)
    twofactor.confirm(user, _code(device))
    device.refresh_from_db()
    return device


def test_turning_it_on_needs_a_code_from_the_scanned_secret(users, client_for):
    client = client_for(users["hq"])
    assert client.post("/accounts/two-factor/start/").status_code == 302
    device = TOTPDevice.objects.get(user=users["hq"])
    assert not device.confirmed
    qr = client.get("/accounts/two-factor/qr.svg")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"
    assert b"<svg" in qr.content
    wrong = client.post(
        "/accounts/two-factor/confirm/",
        {"token": "000000" if _code(device) != "000000" else "111111"},
    )
    assert wrong.status_code == 400 and "کد درست نیست" in wrong.content.decode()
    assert client.post("/accounts/two-factor/confirm/", {"token": _code(device)}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert UserChange.objects.get(user=users["hq"]).action == UserChange.Action.TWO_FACTOR_ON
    # No QR once it is on: the secret is never shown again.
    assert client.get("/accounts/two-factor/qr.svg").status_code == 404


@pytest.mark.parametrize(
    ("reader", "status"), [("admin", 200), ("hq", 200), ("arak", 403), ("fund", 403), (None, 302)]
)
def test_the_page_is_for_admins_and_headquarters_managers(users, client_for, reader, status):
    assert client_for(users.get(reader)).get("/accounts/two-factor/").status_code == status


def test_someone_elses_qr_is_never_served(users, client_for):
    twofactor.start(users["hq"])
    assert client_for(users["hq_other"]).get("/accounts/two-factor/qr.svg").status_code == 404
    assert Client().get("/accounts/two-factor/qr.svg").status_code == 302


def test_signing_in_asks_for_the_code_after_the_password(users, settings):
    # A wrong code slows the next try down (django-otp's throttling); not here.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = _turn_on(users["hq"])
    client = Client()
    first = client.post("/accounts/login/", {"username": "hq", "password": PASSWORD})
    assert first.status_code == 302 and first["Location"] == "/accounts/login/verify/"
    assert client.get("/").status_code == 302  # not signed in yet
    assert client.post("/accounts/login/verify/", {"token": "12"}).status_code == 200
    done = client.post("/accounts/login/verify/", {"token": _code(device, shift=1)})
    assert done.status_code == 302 and done["Location"] == "/"
    assert client.get("/").status_code == 200


def test_five_wrong_codes_send_the_user_back_to_the_password(users):
    _turn_on(users["hq"])
    client = Client()
    client.post("/accounts/login/", {"username": "hq", "password": PASSWORD})
    for _ in range(4):
        assert client.post("/accounts/login/verify/", {"token": "999999"}).status_code == 200
    fifth = client.post("/accounts/login/verify/", {"token": "999999"})
    assert fifth.status_code == 302 and fifth["Location"] == "/accounts/login/"
    assert client.get("/accounts/login/verify/")["Location"] == "/accounts/login/"


def test_an_api_token_needs_the_code_too(users):
    device = _turn_on(users["hq"])
    body = {"username": "hq", "password": PASSWORD}
    refused = Client().post("/api/v1/auth/token", body, content_type="application/json")
    assert refused.status_code == 401 and "otp" in refused.json()["message"]
    given = Client().post(
        "/api/v1/auth/token",
        {**body, "otp": _code(device, shift=1)},
        content_type="application/json",
    )
    assert given.status_code == 200 and given.json()["token"]


def test_turning_it_off_needs_a_current_code(users, client_for):
    device = _turn_on(users["hq"])
    client = client_for(users["hq"])
    assert client.post("/accounts/two-factor/disable/", {"token": "999999"}).status_code == 400
    assert (
        client.post("/accounts/two-factor/disable/", {"token": _code(device, shift=1)}).status_code
        == 302
    )
    assert not TOTPDevice.objects.filter(user=users["hq"]).exists()
    assert [c.action for c in UserChange.objects.filter(user=users["hq"]).order_by("id")] == [
        UserChange.Action.TWO_FACTOR_ON,
        UserChange.Action.TWO_FACTOR_OFF,
    ]
