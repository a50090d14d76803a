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
from jahesh.core.inbox import Entry, Provider
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


def _case_entry(case: Case, today: datetime.date) -> Entry:
    return (
        _("پروندهٔ %(id)s، %(unit)s: %(title)s")
        % {"id": to_persian_digits(case.pk), "unit": case.unit.name, "title": case.title},
        reverse("clinic:case_detail", args=[case.pk]),
        timezone.localdate(case.due_at),
    )


def _resolution_rows(*, user: Any, today: datetime.date) -> QuerySet[Resolution]:
    return (
        scoped(user, Resolution)
        .filter(status=ResolutionStatus.OPEN, due_on__lt=today + WEEK)
        .select_related("session__group", "agency")
        .order_by("-due_on", "-pk")
    )


def _resolution_entry(r: Resolution, today: datetime.date) -> Entry:
    return (
        _("مصوبهٔ %(n)s %(group)s، %(agency)s")
        % {
            "n": to_persian_digits(r.number),
            "group": r.session.group.name,
            "agency": r.agency.name,
        },
        reverse("clinic:session_detail", args=[r.session_id]),
        r.due_on,
    )


PROVIDERS = (
    Provider(
        "case_due",
        gettext_lazy("پرونده نزدیک یا گذشته از مهلت"),
        Module.CLINIC,
        _near_rows,
        _case_entry,
    ),
    Provider(
        "resolution_due",
        gettext_lazy("مصوبهٔ سررسیدشده"),
        Module.CLINIC,
        _resolution_rows,
        _resolution_entry,
    ),
)
