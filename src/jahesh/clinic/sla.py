"""The time limit of a case (SLA), computed from its events.

The clock runs from the case's opening; it is paused while the case waits on
an agency (as in Odoo Helpdesk's SLA policies, the time a third party holds a
case is not the clinic's) and stopped while the case is closed (a reopened case
continues from where it stood). Pure functions: the caller passes ``now``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from jahesh.clinic.models import CLOSED_STATUSES, CaseStatus

# Statuses in which the clock does not run.
_NOT_COUNTING = frozenset({CaseStatus.WAITING, *CLOSED_STATUSES})


@dataclass(frozen=True)
class SlaState:
    limit: datetime.timedelta
    elapsed: datetime.timedelta  # time the clock ran
    paused: datetime.timedelta  # time the clock stood: waiting on an agency, or closed
    waiting: datetime.timedelta  # of which waiting on an agency
    due_at: datetime.datetime | None  # None while paused or closed
    is_running: bool

    @property
    def remaining(self) -> datetime.timedelta:
        return self.limit - self.elapsed

    @property
    def is_overdue(self) -> bool:
        return self.elapsed > self.limit


def sla_state(
    *,
    opened_at: datetime.datetime,
    limit_days: int,
    events: Iterable[tuple[datetime.datetime, str]],
    now: datetime.datetime,
) -> SlaState:
    """The case's clock at ``now``.

    ``events`` are ``(at, to_status)`` of the case's moves after opening, in the
    order they were made (a stable sort by time keeps moves of the same instant
    in that order); events after ``now`` are ignored. The status before the first move
    is ``new``.
    """
    limit = datetime.timedelta(days=limit_days)
    status, since = CaseStatus.NEW, opened_at
    paused = waiting = datetime.timedelta(0)
    for at, to_status in sorted((e for e in events if e[0] <= now), key=lambda e: e[0]):
        at = max(at, opened_at)
        if status in _NOT_COUNTING:
            paused += at - since
            waiting += at - since if status == CaseStatus.WAITING else datetime.timedelta(0)
        status, since = to_status, at
    running = status not in _NOT_COUNTING
    if not running:
        paused += now - since
        waiting += now - since if status == CaseStatus.WAITING else datetime.timedelta(0)
    elapsed = max(now - opened_at - paused, datetime.timedelta(0))
    due_at = opened_at + limit + paused if running else None
    return SlaState(
        limit=limit,
        elapsed=elapsed,
        paused=paused,
        waiting=waiting,
        due_at=due_at,
        is_running=running,
    )
