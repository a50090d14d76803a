"""API authentication: a bearer token (``Authorization: Bearer <token>``), or the
browser's session (with its CSRF check) for pages that call the API."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, django_auth

from jahesh.accounts.services import api_token_authenticate

READS = frozenset({"GET", "HEAD", "OPTIONS"})


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        # An expired or revoked token raises Unauthorized (401 with a message that
        # says to get a new one) instead of falling back to the session.
        # A read (GET, HEAD, OPTIONS) never writes, its last use included.
        found = api_token_authenticate(
            raw=token, now=timezone.now(), writes=request.method not in READS
        )
        if found is None:
            return None
        # The token routes (revoke "this one", list "which is this one") need it.
        request.api_token = found
        request.user = found.user
        return found.user


AUTH = [BearerToken(), django_auth]
