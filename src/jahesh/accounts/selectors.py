"""Reads about users and their tokens."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from jahesh.accounts.models import ApiToken, User


def api_token_list(*, user: User, now: datetime) -> QuerySet[ApiToken]:
    """``user``'s own tokens that still authenticate, newest first. Tokens belong to
    one person, so ownership (not a geographic scope) decides who sees them."""
    return ApiToken.objects.active(now=now).filter(user=user).order_by("-created_at", "-pk")
