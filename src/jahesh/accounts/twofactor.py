"""Optional two-step sign-in (TOTP, django-otp) for admins and headquarters
managers: an authenticator app's six-digit code after the password, on the
login page and for an API token. A user turns it on by scanning a QR code and
typing one code (so a wrongly scanned secret never locks them out), and off by
typing a current code. Both leave a ``UserChange`` row."""

from __future__ import annotations

import io
from base64 import b32encode
from typing import Any

import qrcode
import qrcode.image.svg
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from jahesh.accounts.models import UserChange
from jahesh.accounts.roles import Role
from jahesh.accounts.scoping import effective_role
from jahesh.core.digits import to_ascii_digits
from jahesh.core.errors import ApplicationError, Forbidden

# Roles whose accounts reach a whole province or the country.
ROLES = frozenset({Role.ADMIN, Role.HQ_MANAGER})


def may_use(user: Any) -> bool:
    return bool(user.is_authenticated and effective_role(user) in ROLES)


def device(user: Any) -> TOTPDevice | None:
    """The user's working (confirmed) device; None when two-step sign-in is off."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def pending(user: Any) -> TOTPDevice | None:
    """The device being set up (scanned, not yet confirmed with a code)."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


def _token(value: str) -> str:
    return to_ascii_digits(value or "").strip().replace(" ", "")


def verify(user: Any, token: str) -> bool:
    """Whether ``token`` is a current code of the user's device (a used code is
    not accepted twice: django-otp keeps the last one)."""
    token = _token(token)
    if not token:  # nothing typed: not a failed try (those slow the next ones down)
        return False
    found = device(user)
    return bool(found and found.verify_token(token))


@transaction.atomic
def start(user: Any) -> TOTPDevice:
    if not may_use(user):
        raise Forbidden(_("ورود دومرحله‌ای برای نقش شما نیست."))
    if device(user) is not None:
        raise ApplicationError(_("ورود دومرحله‌ای پیش‌تر روشن شده است."))
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="jahesh", confirmed=False)


@transaction.atomic
def confirm(user: Any, token: str) -> None:
    found = pending(user)
    if found is None:
        raise ApplicationError(_("نخست «روشن کردن» را بزنید و رمزینه را بخوانید."))
    if not found.verify_token(_token(token)):
        raise ApplicationError(_("کد درست نیست؛ کد تازهٔ برنامه را بنویسید."), field="token")
    found.confirmed = True
    found.save(update_fields=["confirmed"])
    UserChange.objects.create(actor=user, user=user, action=UserChange.Action.TWO_FACTOR_ON)


@transaction.atomic
def disable(user: Any, token: str) -> None:
    if not verify(user, token):
        raise ApplicationError(_("کد درست نیست؛ کد تازهٔ برنامه را بنویسید."), field="token")
    TOTPDevice.objects.filter(user=user).delete()
    UserChange.objects.create(actor=user, user=user, action=UserChange.Action.TWO_FACTOR_OFF)


def qr_svg(found: TOTPDevice) -> bytes:
    """The device's otpauth:// address as an SVG QR code (drawn here: no outside
    service ever sees the secret)."""
    image = qrcode.make(found.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue()


def secret_text(found: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    raw = b32encode(found.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))
