"""The shape of what awaits a user (the inbox): one :class:`Item` per record,
and the :class:`Provider` each app declares for one kind of item in its own
``inbox.py``. The ``inbox`` app lists the providers explicitly and merges their
items; core only holds the shape, since every app may build on it.

A provider reads one bounded query through the scoping mechanism
(``limit`` rows at most) and answers items ordered by ``due_on``. Its
``rows`` (the same query, unbounded and lazy) lets the home page count a kind
with one ``COUNT`` instead of building every item to show one.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
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
    signed-in user); items: ``(user=, today=, limit=) -> list[Item]``; rows:
    ``(user=, today=) -> QuerySet``, the query ``items`` reads (none: counted by
    building the items)."""

    kind: str
    label: Any
    module: str | None
    items: Callable[..., list[Item]]
    rows: Callable[..., QuerySet[Any]] | None = None

    def first_and_count(
        self, *, user: Any, today: datetime.date, cap: int
    ) -> tuple[Item | None, int]:
        """The first item of this kind awaiting ``user`` and how many await (``cap``
        at most): with ``rows``, the first item and one ``COUNT``; without (a
        provider whose items are cheap, such as one grouped row a camp), its items."""
        if self.rows is None:
            items = self.items(user=user, today=today, limit=cap)
            return (items[0] if items else None), len(items)
        first = self.items(user=user, today=today, limit=1)
        if not first:
            return None, 0
        return first[0], self.rows(user=user, today=today)[:cap].count()


# --- core's own kind: imports that finished ------------------------------------

IMPORTS_DAYS = 7
IMPORTS_LABEL = gettext_lazy("درون‌ریزی پایان‌یافته")


def imports_finished_rows(*, user: Any, today: datetime.date) -> QuerySet[ImportJob]:
    if hooks.scoped is None:  # the accounts app sets it: nothing is readable without it
        return ImportJob.objects.none()
    since = timezone.now() - datetime.timedelta(days=IMPORTS_DAYS)
    jobs: QuerySet[ImportJob] = (
        hooks.scoped(user, ImportJob)
        .filter(user=user, finished_at__gte=since)
        .filter(status__in=(ImportJob.Status.DONE, ImportJob.Status.FAILED))
        .order_by("-finished_at", "-pk")
    )
    return jobs


def imports_finished(*, user: Any, today: datetime.date, limit: int) -> list[Item]:
    """The user's background imports that finished (done or failed) in the last
    week, newest first; scoped to their owner like every read of import jobs."""
    jobs = imports_finished_rows(user=user, today=today)[:limit]
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
