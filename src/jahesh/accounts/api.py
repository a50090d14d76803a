from __future__ import annotations

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from jahesh.accounts.services import LOCKED_OUT_MESSAGE, api_token_issue
from jahesh.api.schemas import ERRORS
from jahesh.core.errors import Forbidden, Unauthorized

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str


class MeOut(Schema):
    username: str
    full_name: str
    role: str
    role_label: str
    province_id: int | None
    county_id: int | None
    nationwide: bool


@router.get("/me", response={200: MeOut, **ERRORS})
def me(request: HttpRequest):
    """Who the token or session belongs to, and the scope they work in."""
    u = request.auth
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
def token(request: HttpRequest, payload: TokenIn):
    """Exchange a username and password for a bearer token (shown once)."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        raise Forbidden(LOCKED_OUT_MESSAGE)
    if user is None:
        raise Unauthorized(_("نام کاربری یا گذرواژه درست نیست."))
    return {"token": api_token_issue(user=user, name="api")}
