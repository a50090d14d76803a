"""What awaits a user among the volunteers (the inbox's provider): hours that
volunteers logged and that wait for approval, one item per camp."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jahesh.accounts.roles import Module
from jahesh.core.digits import to_persian_digits
from jahesh.core.inbox import Entry, Provider
from jahesh.volunteers import selectors


def _pending_rows(*, user: Any, today: datetime.date) -> QuerySet[Any]:
    """One row a camp with hours awaiting approval: its count of rows."""
    return (
        selectors.pending_hours(user=user)
        .order_by()
        .values("camp_id", "camp__title", "camp__end_date")
        .annotate(n=Count("id"))
        .order_by("-camp__end_date", "-camp_id")
    )


def _pending_entry(row: dict[str, Any], today: datetime.date) -> Entry:
    return (
        _("%(n)s ردیف ساعت در انتظار تأیید، %(camp)s")
        % {"n": to_persian_digits(row["n"]), "camp": row["camp__title"]},
        f"{reverse('volunteers:hours')}?camp={row['camp_id']}",
        row["camp__end_date"],
    )


PROVIDERS = (
    Provider(
        "hours_approval",
        gettext_lazy("ساعت در انتظار تأیید"),
        Module.VOLUNTEERS,
        _pending_rows,
        _pending_entry,
    ),
)
