"""API of notifications (``/api/v1/notifications``): the caller's own, newest
first, and marking them read. Anyone else's notification answers 404."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_noop
from ninja import Query, Router, Schema

from jahesh.api.schemas import ERRORS, Page
from jahesh.notifications import selectors, services
from jahesh.notifications.models import Notification

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: datetime.datetime
    read_at: datetime.datetime | None

    # In the caller's language (a row written before phrases were kept: as stored).
    @staticmethod
    def resolve_title(obj: Notification) -> str:
        return obj.shown_title

    @staticmethod
    def resolve_body(obj: Notification) -> str:
        return obj.shown_body


class NotificationPage(Schema):
    items: list[NotificationOut]
    count: int
    unread: int


class NotificationFilters(Page):
    unread: bool = False


class ReadAllOut(Schema):
    marked: int


@router.get(
    "",
    response={200: NotificationPage, **ERRORS},
    url_name="notification_list",
    summary=gettext_noop("اعلان‌های من"),
)
def notification_list(request: HttpRequest, filters: Query[NotificationFilters]) -> dict[str, Any]:
    qs = selectors.notification_list(user=request.user, unread=filters.unread)
    return {**filters.of(qs), "unread": selectors.unread_count(user=request.user)}


@router.post(
    "/{int:notification_id}/read",
    response={200: NotificationOut, **ERRORS},
    url_name="notification_read",
    summary=gettext_noop("خوانده شد"),
)
def notification_read(request: HttpRequest, notification_id: int) -> Notification:
    notification = selectors.notification_get(user=request.user, pk=notification_id)
    return services.notification_mark_read(user=request.user, notification=notification)


@router.post(
    "/read-all",
    response={200: ReadAllOut, **ERRORS},
    url_name="notification_read_all",
    summary=gettext_noop("همه خوانده شد"),
)
def notification_read_all(request: HttpRequest) -> dict[str, int]:
    return {"marked": services.notifications_mark_all_read(user=request.user)}
