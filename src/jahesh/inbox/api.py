"""``GET /api/v1/inbox``: what awaits the signed-in user, newest deadline first."""

from __future__ import annotations

import datetime
import enum
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_noop
from ninja import Field, Query, Router, Schema

from jahesh.api.schemas import ERRORS, Page
from jahesh.inbox import selectors

router = Router(tags=["inbox"])

# mypy cannot list the members of an enum built from a computed dict.
InboxKind = enum.StrEnum("InboxKind", {k: k for k in selectors.KINDS})  # type: ignore[misc]


class InboxFilters(Page):
    kind: InboxKind | None = Field(None, description=gettext_noop("تنها این نوع"))


class InboxItemOut(Schema):
    kind: str
    title: str
    url: str
    due_on: datetime.date | None


class InboxOut(Schema):
    items: list[InboxItemOut]
    count: int


@router.get(
    "",
    response={200: InboxOut, **ERRORS},
    url_name="inbox",
    summary=gettext_noop("کارهای در انتظار من"),
)
def inbox(request: HttpRequest, filters: Query[InboxFilters]) -> dict[str, Any]:
    """Items of every kind the user's role reaches (at most 200 of each kind,
    so ``count`` is at most 200 per kind), newest deadline first; ``due_on``
    is an ISO Gregorian date like every date the API answers."""
    kinds = {filters.kind.value} if filters.kind else None
    return filters.of(selectors.inbox_items(user=request.user, kinds=kinds))
