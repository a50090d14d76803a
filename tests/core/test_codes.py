"""The one check of a one-time code (core.codes.code_spend), on both apps' rows:
the portal's SMS codes (counter ``attempts``) and the password-reset codes
(counter ``tries``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from jahesh.accounts.models import PasswordResetCode
from jahesh.core.codes import code_spend
from jahesh.portal.models import OtpCode

NOW = dt.datetime(2025, 9, 1, 10, tzinfo=dt.UTC)
MOBILE = "09121234567"


def _otp(code_hash: str, *, minutes_ago: int = 0, expires_in: int = 5, **fields) -> OtpCode:
    return OtpCode.objects.create(
        mobile=MOBILE, purpose=OtpCode.Purpose.REPORT, code_hash=code_hash,
        created_at=NOW - dt.timedelta(minutes=minutes_ago),
        expires_at=NOW + dt.timedelta(minutes=expires_in), **fields,
    )  # fmt: skip


def _spend(code_hash: str, limit: int = 3) -> bool:
    with transaction.atomic():
        return code_spend(
            OtpCode.objects.filter(mobile=MOBILE), code_hash=code_hash, now=NOW,
            tries="attempts", limit=limit,
        )  # fmt: skip


def _row(otp: OtpCode) -> tuple:
    otp.refresh_from_db()
    return otp.attempts, otp.used_at


@pytest.mark.django_db
def test_the_newest_live_code_is_spent_once():
    older = _otp("a", minutes_ago=2)
    newest = _otp("b", minutes_ago=1)
    assert _spend("a") is False  # only the newest counts: a wrong try of it
    assert (_row(older), _row(newest)) == ((0, None), (1, None))
    assert _spend("b") is True
    assert _row(newest) == (1, NOW)
    assert _spend("b") is False  # spent: the older is now the newest live code, a wrong try
    assert _row(older) == (1, None)


@pytest.mark.django_db
def test_a_code_is_dead_after_its_wrong_tries_and_when_expired():
    otp = _otp("right")
    for tries in (1, 2, 3):
        assert _spend("wrong") is False
        assert _row(otp) == (tries, None)
    assert _spend("right") is False  # three wrong tries: dead, the counter stays
    assert _row(otp) == (3, None)
    OtpCode.objects.all().delete()
    expired = _otp("right", expires_in=0)  # expires at NOW: no longer live
    assert _spend("right") is False and _row(expired) == (0, None)


@pytest.mark.django_db
def test_the_reset_codes_count_their_own_counter(users):
    code = PasswordResetCode.objects.create(
        user=users["saveh"], code_hash="h", expires_at=NOW + dt.timedelta(minutes=15)
    )
    spend = {"code_hash": "x", "now": NOW, "tries": "tries", "limit": 5}
    with transaction.atomic():
        assert code_spend(PasswordResetCode.objects.filter(user=users["saveh"]), **spend) is False
    code.refresh_from_db()
    assert (code.tries, code.used_at) == (1, None)
    with transaction.atomic():
        other = PasswordResetCode.objects.filter(user=users["hq"])
        assert code_spend(other, **{**spend, "code_hash": "h"}) is False  # not their code
        mine = PasswordResetCode.objects.filter(user=users["saveh"])
        assert code_spend(mine, **{**spend, "code_hash": "h"}) is True
    code.refresh_from_db()
    assert (code.tries, code.used_at) == (1, NOW)
