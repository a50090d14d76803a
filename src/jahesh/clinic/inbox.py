"""What awaits a user in the clinic (the inbox's providers): open cases near or
past their time limit (an expert's own cases, an officer's cases in their
scope), and open resolutions of their working groups due within a week or
overdue."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jahesh.accounts.roles import Module
from jahesh.accounts.scoping import scoped
from jahesh.clinic.models import OPEN_STATUSES, Case, Resolution, ResolutionStatus
from jahesh.core.digits import to_persian_digits
from jahesh.core.inbox import Item, Provider
from jahesh.geo.workdays import add_working_days

# A case is "near" its limit when it falls due within this many working days.
NEAR_WORKING_DAYS = 3
WEEK = datetime.timedelta(days=7)


def _near_rows(*, user: Any, today: datetime.date) -> QuerySet[Case]:
    near = add_working_days(today, NEAR_WORKING_DAYS)
    end = timezone.make_aware(
        datetime.datetime.combine(near + datetime.timedelta(days=1), datetime.time())
    )
    return (
        scoped(user, Case)
        .filter(status__in=OPEN_STATUSES, due_at__lt=end)
        .select_related("unit")
        .order_by("-due_at", "-pk")
    )


def cases_near_limit(*, user: Any, today: datetime.date, limit: int) -> list[Item]:
    rows = _near_rows(user=user, today=today)[:limit]
    return [
        Item(
            kind="case_due",
            title=_("پروندهٔ %(id)s، %(unit)s: %(title)s")
            % {"id": to_persian_digits(case.pk), "unit": case.unit.name, "title": case.title},
            url=reverse("clinic:case_detail", args=[case.pk]),
            due_on=timezone.localdate(case.due_at),
        )
        for case in rows
    ]


def _resolution_rows(*, user: Any, today: datetime.date) -> QuerySet[Resolution]:
    return (
        scoped(user, Resolution)
        .filter(status=ResolutionStatus.OPEN, due_on__lt=today + WEEK)
        .select_related("session__group", "agency")
        .order_by("-due_on", "-pk")
    )


def resolutions_due(*, user: Any, today: datetime.date, limit: int) -> list[Item]:
    rows = _resolution_rows(user=user, today=today)[:limit]
    return [
        Item(
            kind="resolution_due",
            title=_("مصوبهٔ %(n)s %(group)s، %(agency)s")
            % {
                "n": to_persian_digits(r.number),
                "group": r.session.group.name,
                "agency": r.agency.name,
            },
            url=reverse("clinic:session_detail", args=[r.session_id]),
            due_on=r.due_on,
        )
        for r in rows
    ]


PROVIDERS = (
    Provider(
        "case_due",
        gettext_lazy("پرونده نزدیک یا گذشته از مهلت"),
        Module.CLINIC,
        cases_near_limit,
        _near_rows,
    ),
    Provider(
        "resolution_due",
        gettext_lazy("مصوبهٔ سررسیدشده"),
        Module.CLINIC,
        resolutions_due,
        _resolution_rows,
    ),
)
