"""Domain events: what happened, for whoever listens (notifications).

A domain service that moves a record (a loan approved, a case assigned, a
resolution passed, an import finished) calls :func:`emit` inside its
transaction; the event reaches the subscribers only once that transaction
commits (a rolled-back move tells nobody). Apps below may not import the apps
that listen (``notifications`` sits above every domain app), so the listeners
put themselves in :data:`subscribers` in their ``AppConfig.ready()``, as
``core.hooks`` does for pages and jobs.

An event's ``key`` names it once and for ever (``loan:12:approved:345``, the
id of the event row the move appended): a listener that acts twice on one key
must do nothing the second time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    kind: str  # "loan.requested", "case.assigned", …
    key: str  # unique for this occurrence
    actor_id: int | None = None  # the user who caused it (not told about their own act)
    data: dict[str, Any] = field(default_factory=dict)


subscribers: list[Callable[[Event], None]] = []


def emit(kind: str, *, key: str, actor: Any = None, **data: Any) -> None:
    """Tell the subscribers about ``kind`` once the current transaction commits."""
    event = Event(kind=kind, key=key, actor_id=getattr(actor, "pk", None), data=data)
    transaction.on_commit(lambda: dispatch(event))


def dispatch(event: Event) -> None:
    """Hand ``event`` to each subscriber; a failing subscriber is logged and does
    not undo the committed move nor stop the others."""
    for subscriber in list(subscribers):
        try:
            subscriber(event)
        except Exception:
            logger.exception(
                "event %s (%s): subscriber %s failed", event.kind, event.key, subscriber
            )
