"""The shape of what awaits a user (the inbox): one :class:`Item` per record,
and the :class:`Provider` each app declares for one kind of item in its own
``inbox.py``. The ``inbox`` app lists the providers explicitly and merges their
items; core only holds the shape, since every app may build on it.

A provider declares its ``rows`` (one query through the scoping mechanism, in
the kind's order) and the ``entry`` one row shows; the provider reads them
bounded (``limit`` rows at most) for the inbox, and the home page counts a kind
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


# What a provider shows of one row: its title, its url and its due day.
Entry = tuple[str, str, datetime.date | None]


@dataclass(frozen=True)
class Provider:
    """kind: the item's code (``loan_approval``); label: its lazy Persian name;
    module: the module a role must use for the provider to run (``None``: any
    signed-in user); rows: ``(user=, today=) -> QuerySet``, what awaits in the
    kind's order; entry: ``(row, today) -> Entry``, what one row shows."""

    kind: str
    label: Any
    module: str | None
    rows: Callable[..., QuerySet[Any]]
    entry: Callable[[Any, datetime.date], Entry]

    def items(self, *, user: Any, today: datetime.date, limit: int) -> list[Item]:
        """The first ``limit`` items awaiting ``user``, one query."""
        return [
            Item(self.kind, *self.entry(row, today))
            for row in self.rows(user=user, today=today)[:limit]
        ]

    def first_and_count(
        self, *, user: Any, today: datetime.date, cap: int
    ) -> tuple[Item | None, int]:
        """The first item of this kind awaiting ``user`` and how many await (``cap``
        at most): the first item and one ``COUNT``."""
        first = self.items(user=user, today=today, limit=1)
        if not first:
            return None, 0
        return first[0], self.rows(user=user, today=today)[:cap].count()


# --- core's own kind: imports that finished ------------------------------------

IMPORTS_DAYS = 7


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


def _import_entry(job: ImportJob, today: datetime.date) -> Entry:
    done = job.status == ImportJob.Status.DONE
    title = _("درون‌ریزی «%(file)s» انجام شد") if done else _("درون‌ریزی «%(file)s» ناموفق بود")
    return (
        title % {"file": job.filename},
        reverse("core:import_job", args=[job.pk]),
        timezone.localdate(job.finished_at),
    )


# The user's background imports that finished (done or failed) in the last
# week, newest first; scoped to their owner like every read of import jobs.
IMPORTS_FINISHED = Provider(
    "import_finished",
    gettext_lazy("درون‌ریزی پایان‌یافته"),
    None,
    imports_finished_rows,
    _import_entry,
)
