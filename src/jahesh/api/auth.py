"""API authentication: a bearer token (``Authorization: Bearer <token>``), or the
browser's session (with its CSRF check) for pages that call the API."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, django_auth

from jahesh.accounts.models import ApiToken


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        now = timezone.now()
        found = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.hash(token), user__is_active=True)
            .first()
        )
        if found is None or (found.expires_at and found.expires_at <= now):
            return None
        # Touch at most once a minute, so a busy client does not write on every call.
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


AUTH = [BearerToken(), django_auth]
