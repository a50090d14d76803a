"""Django's authentication middleware, whose user is read with the session's
help: the auth backend takes the user row read beside the session in the same
statement (``core.sessions``), so a signed-in request reads both in one round
trip. Same checks as Django's (``django.contrib.auth.get_user``: the session's
user, active, its session hash)."""

from __future__ import annotations

from typing import Any

from django.contrib import auth
from django.contrib.auth.middleware import (
    AuthenticationMiddleware as DjangoAuthenticationMiddleware,
)
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from jahesh.core.sessions import reading_user


def _user(request: HttpRequest) -> Any:
    with reading_user(request.session):
        return auth.get_user(request)


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _user(request))  # type: ignore[assignment]
