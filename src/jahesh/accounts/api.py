from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema

from jahesh.accounts import twofactor
from jahesh.accounts.models import User
from jahesh.accounts.selectors import api_token_last_used, api_token_list
from jahesh.accounts.services import (
    LOCKED_OUT_MESSAGE,
    api_token_issue,
    api_token_revoke,
    api_token_revoke_all,
)
from jahesh.api.schemas import ERRORS, ListOut
from jahesh.core.errors import ApplicationError, Forbidden, Unauthorized

router = Router(tags=["auth"])


def _caller(request: HttpRequest) -> User:
    """The user ninja's authentication put on ``request.auth`` (a bearer token's
    or the session's). Ninja answers 401 before a route runs when none did, so
    only a route with ``auth=None`` (which does not call this) could have none."""
    user = getattr(request, "auth", None)
    assert isinstance(user, User)
    return user


class TokenIn(Schema):
    username: str
    password: str
    # Optional: names the token in GET /auth/tokens (which script holds it).
    label: str = Field("api", max_length=100)
    # The authenticator's code, for an account with two-step sign-in on.
    otp: str = Field("", max_length=12)


class TokenOut(Schema):
    token: str


class TokenInfoOut(Schema):
    id: int
    prefix: str
    label: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    current: bool


class RevokedOut(Schema):
    revoked: int


class MeOut(Schema):
    username: str
    full_name: str
    role: str
    role_label: str
    province_id: int | None
    county_id: int | None
    nationwide: bool


@router.get("/me", response={200: MeOut, **ERRORS})
def me(request: HttpRequest) -> dict[str, Any]:
    """Who the token or session belongs to, and the scope they work in."""
    u = _caller(request)
    return {
        "username": u.username,
        "full_name": u.get_full_name(),
        "role": u.role,
        "role_label": str(u.get_role_display()),
        "province_id": u.province_id,
        "county_id": u.county_id,
        "nationwide": u.nationwide,
    }


@router.post("/token", auth=None, response={200: TokenOut, **ERRORS})
def token(request: HttpRequest, payload: TokenIn) -> dict[str, Any]:
    """Exchange a username and password for a bearer token (shown once)."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        raise Forbidden(LOCKED_OUT_MESSAGE)
    if user is None:
        raise Unauthorized(_("نام کاربری یا گذرواژه درست نیست."))
    if twofactor.device(user) is not None and not twofactor.verify(user, payload.otp):
        raise Unauthorized(
            _("این حساب ورود دومرحله‌ای دارد؛ کد شش‌رقمی برنامهٔ احراز هویت را در otp بفرستید.")
        )
    return {"token": api_token_issue(user=user, name=payload.label)}


@router.get("/tokens", response={200: ListOut[TokenInfoOut], **ERRORS})
def tokens(request: HttpRequest) -> dict[str, Any]:
    """Your own tokens that still work (never the token itself: only its first
    characters); `current` marks the one this request is sent with."""
    current = getattr(request, "api_token", None)
    found = list(api_token_list(user=_caller(request), now=timezone.now()))
    last_used = api_token_last_used(found)  # a read's use waits in the cache
    items = [
        {
            "id": t.pk,
            "prefix": t.prefix,
            "label": t.name,
            "created_at": t.created_at,
            "expires_at": t.expires_at,
            "last_used_at": last_used[t.pk],
            "current": current is not None and current.pk == t.pk,
        }
        for t in found
    ]
    return {"items": items, "count": len(items)}


@router.post("/token/revoke", response={200: RevokedOut, **ERRORS})
def token_revoke(request: HttpRequest) -> dict[str, Any]:
    """Revoke the token this request is sent with (a script's logout)."""
    current = getattr(request, "api_token", None)
    if current is None:
        raise ApplicationError(
            _("این درخواست با توکن فرستاده نشده است؛ توکنی برای ابطال نیست."),
            field="Authorization",
        )
    api_token_revoke(user=_caller(request), token_id=current.pk, now=timezone.now())
    return {"revoked": 1}


@router.post("/tokens/{token_id}/revoke", response={200: RevokedOut, **ERRORS})
def tokens_revoke_one(
    request: HttpRequest,
    # Bounded to a database id, so a 30-digit id is a 422 and not an overflow.
    token_id: int = Path(..., ge=1, le=2**63 - 1),
) -> dict[str, Any]:
    """Revoke one of your own tokens by its id (another user's answers 404)."""
    api_token_revoke(user=_caller(request), token_id=token_id, now=timezone.now())
    return {"revoked": 1}


@router.post("/logout", response={200: RevokedOut, **ERRORS})
def logout(request: HttpRequest) -> dict[str, Any]:
    """Revoke every token of yours, as signing out of the web pages does."""
    return {"revoked": api_token_revoke_all(user=_caller(request), now=timezone.now())}
