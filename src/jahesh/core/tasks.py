"""The periodic jobs (``core.hooks.periodic``) as one chain of tasks on the task
worker (django-tasks, the database backend).

Each run first enqueues the next one, so the chain survives a failing job or a
worker restart, and runs in exactly one place however many app servers share
the database: a task is claimed by one worker, and :func:`periodic_schedule`
enqueues a run only when none is waiting.
"""

from __future__ import annotations

import datetime
import logging

from django.db import connection, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from jahesh.core import hooks

logger = logging.getLogger(__name__)

# A PostgreSQL advisory lock key ("jahesh" and 2): scheduling the periodic chain.
SCHEDULE_LOCK = 0x6A61686573680002


@task()
def periodic() -> None:
    """Run every periodic job once (each failure logged, never fatal), the next
    run enqueued first."""
    periodic_schedule(after=hooks.PERIODIC_SECONDS)
    for job in list(hooks.periodic):
        try:
            job()
        except Exception:  # a failed job must not stop the others or the chain
            logger.exception("periodic job %s failed", getattr(job, "__name__", job))
    _forget_routine_results(now=timezone.now())


def periodic_schedule(*, after: float = 0) -> bool:
    """Enqueue a run of :func:`periodic` ``after`` seconds from now unless one is
    waiting; True when it enqueued one. The check and the enqueue are one
    transaction taken one at a time (SQLite: its write lock; PostgreSQL: an
    advisory lock), so two servers starting together start one chain."""

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SCHEDULE_LOCK])
        waiting = DBTaskResult.objects.filter(
            task_path=periodic.module_path, status=TaskResultStatus.READY
        )
        if waiting.exists():
            return False
        run_after = timezone.now() + datetime.timedelta(seconds=after)
        periodic.using(run_after=run_after).enqueue()
    return True


def _forget_routine_results(*, now: datetime.datetime) -> None:

    DBTaskResult.objects.filter(
        task_path__in=[periodic.module_path, *hooks.routine_tasks],
        status=TaskResultStatus.SUCCESSFUL,
        finished_at__lt=now - datetime.timedelta(days=1),
    ).delete()
