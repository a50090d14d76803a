"""Reading notifications: a user's own, through the scoping mechanism."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from jahesh.accounts.scoping import get_scoped_or_404, scoped
from jahesh.notifications.models import BulkMessage, Delivery, Notification


def notification_list(*, user: Any, unread: bool = False) -> QuerySet[Notification]:
    """The user's notifications, newest first (an admin's too: only their own)."""
    qs = scoped(user, Notification.objects.filter(recipient=user))
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def unread_count(*, user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return notification_list(user=user, unread=True).count()


def notification_get(*, user: Any, pk: int) -> Notification:
    return get_scoped_or_404(user, Notification.objects.filter(recipient=user), pk=pk)


def bulk_list(*, user: Any) -> QuerySet[BulkMessage]:
    return scoped(user, BulkMessage).select_related("sender").order_by("-created_at", "-id")


def bulk_get(*, user: Any, pk: int) -> BulkMessage:
    return get_scoped_or_404(user, BulkMessage.objects.select_related("sender"), pk=pk)


def bulk_delivery_counts(*, bulk: BulkMessage) -> dict[str, int]:
    counts = dict.fromkeys(Delivery.Status.values, 0)
    for status in bulk.deliveries.values_list("status", flat=True):
        counts[status] += 1
    return counts
