"""Reads about users and their tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db.models import Q, QuerySet

from jahesh.accounts.models import ApiToken, User, UserChange
from jahesh.accounts.people import manageable
from jahesh.core.text import clean_text


def api_token_list(*, user: User, now: datetime) -> QuerySet[ApiToken]:
    """``user``'s own tokens that still authenticate, newest first. Tokens belong to
    one person, so ownership (not a geographic scope) decides who sees them."""
    return ApiToken.objects.active(now=now).filter(user=user).order_by("-created_at", "-pk")


def token_use_key(token_id: int) -> str:
    """The cache key of a token's last use by a read (``services.api_token_authenticate``:
    a GET never writes, so its use waits there for a write or the periodic job)."""
    return f"accounts:token-used:{token_id}"


def api_token_last_used(tokens: list[ApiToken]) -> dict[int, datetime | None]:
    """Each token's last use: its row's, or the later one a read left in the
    cache (one ``get_many``) and nobody has written yet."""
    cached = cache.get_many([token_use_key(t.pk) for t in tokens])
    found: dict[int, datetime | None] = {}
    for t in tokens:
        seen = cached.get(token_use_key(t.pk))
        found[t.pk] = seen if seen and (t.last_used_at is None or seen > t.last_used_at) else (
            t.last_used_at)  # fmt: skip
    return found


def people_list(*, manager: Any, q: str = "", role: str = "", active: str = "") -> QuerySet[User]:
    """The users ``manager`` manages, filtered as the people page asks, by name."""
    qs = manageable(manager)
    if q:
        q = clean_text(q)
        qs = qs.filter(
            Q(username__icontains=q)
            | Q(first_name__icontains=q)
            | Q(last_name__icontains=q)
            | Q(mobile__contains=q)
        )
    if role:
        qs = qs.filter(role=role)
    if active in ("0", "1"):
        qs = qs.filter(is_active=active == "1")
    return qs.order_by("last_name", "first_name", "username")


@dataclass(frozen=True)
class PersonChange:
    """One row of a user's audit trail as the page shows it."""

    action: str
    action_label: str
    actor: User | None
    at: datetime
    field_labels: list[str]  # the edited fields, by their labels in the page's language


def person_changes(user: User, limit: int = 50) -> list[PersonChange]:
    """The audit trail of ``user``, newest first."""
    out = []
    for change in user.changes.select_related("actor")[:limit]:
        labels = (
            [
                str(getattr(User._meta.get_field(name), "verbose_name", name))
                for name in change.changes
            ]
            if change.action == UserChange.Action.UPDATE
            else []
        )
        out.append(
            PersonChange(
                action=change.action,
                action_label=str(change.get_action_display()),
                actor=change.actor,
                at=change.at,
                field_labels=labels,
            )
        )
    return out
