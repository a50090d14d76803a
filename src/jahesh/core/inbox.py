"""The shape of what awaits a user (the inbox): one :class:`Item` per record,
and the :class:`Provider` each app declares for one kind of item in its own
``inbox.py``. The ``inbox`` app lists the providers explicitly and merges their
items; core only holds the shape, since every app may build on it.

A provider reads one bounded query through the scoping mechanism
(``limit`` rows at most) and answers items ordered by ``due_on``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jahesh.core import hooks
from jahesh.core.models import ImportJob


@dataclass(frozen=True)
class Item:
    kind: str
    title: str
    url: str
    due_on: datetime.date | None  # the deadline, or the day it started waiting


@dataclass(frozen=True)
class Provider:
    """kind: the item's code (``loan_approval``); label: its lazy Persian name;
    module: the module a role must use for the provider to run (``None``: any
    signed-in user); items: ``(user=, today=, limit=) -> list[Item]``."""

    kind: str
    label: Any
    module: str | None
    items: Callable[..., list[Item]]


# --- core's own kind: imports that finished ------------------------------------

IMPORTS_DAYS = 7
IMPORTS_LABEL = gettext_lazy("درون‌ریزی پایان‌یافته")


def imports_finished(*, user: Any, today: datetime.date, limit: int) -> list[Item]:
    """The user's background imports that finished (done or failed) in the last
    week, newest first; scoped to their owner like every read of import jobs."""
    if hooks.scoped is None:  # the accounts app sets it: nothing is readable without it
        return []
    since = timezone.now() - datetime.timedelta(days=IMPORTS_DAYS)
    jobs = (
        hooks.scoped(user, ImportJob)
        .filter(user=user, finished_at__gte=since)
        .filter(status__in=(ImportJob.Status.DONE, ImportJob.Status.FAILED))
        .order_by("-finished_at", "-pk")[:limit]
    )
    return [
        Item(
            kind="import_finished",
            title=(
                _("درون‌ریزی «%(file)s» انجام شد")
                if job.status == ImportJob.Status.DONE
                else _("درون‌ریزی «%(file)s» ناموفق بود")
            )
            % {"file": job.filename},
            url=reverse("core:import_job", args=[job.pk]),
            due_on=timezone.localdate(job.finished_at),
        )
        for job in jobs
    ]
