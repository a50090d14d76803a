"""What awaits a user among the volunteers (the inbox's provider): hours that
volunteers logged and that wait for approval, one item per camp."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jahesh.accounts.roles import Module
from jahesh.core.digits import to_persian_digits
from jahesh.core.inbox import Item, Provider
from jahesh.volunteers import selectors


def hours_awaiting_approval(*, user: Any, today: datetime.date, limit: int) -> list[Item]:
    rows = (
        selectors.pending_hours(user=user)
        .order_by()
        .values("camp_id", "camp__title", "camp__end_date")
        .annotate(n=Count("id"))
        .order_by("-camp__end_date", "-camp_id")[:limit]
    )
    url = reverse("volunteers:hours")
    return [
        Item(
            kind="hours_approval",
            title=_("%(n)s ردیف ساعت در انتظار تأیید، %(camp)s")
            % {"n": to_persian_digits(row["n"]), "camp": row["camp__title"]},
            url=f"{url}?camp={row['camp_id']}",
            due_on=row["camp__end_date"],
        )
        for row in rows
    ]


PROVIDERS = (
    Provider(
        "hours_approval",
        gettext_lazy("ساعت در انتظار تأیید"),
        Module.VOLUNTEERS,
        hours_awaiting_approval,  # one grouped row a camp: counted from its items, one read
    ),
)
