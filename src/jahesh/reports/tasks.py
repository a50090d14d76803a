"""The analytics table's background work: the writer's half of "reads never
write" (``reports.facts``)."""

from __future__ import annotations

from django.db import connection, transaction
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from jahesh.reports import facts


@task()
def refresh_stale() -> int:
    """Store the rows that writes made stale and forget their marks
    (``facts.refresh_stale``); returns how many places were marked."""

    return facts.refresh_stale()


def refresh_soon() -> None:
    """Enqueue :func:`refresh_stale` unless a run is waiting already: that run
    starts after this write committed, so it sees the write's marks."""

    waiting = DBTaskResult.objects.filter(
        task_path=refresh_stale.module_path, status=TaskResultStatus.READY
    )
    if not waiting.exists():
        refresh_stale.enqueue()


def refresh_after_commit() -> None:
    """Once per transaction that writes a source table: :func:`refresh_soon`
    when it commits (failures logged, never the writer's: its data is in)."""

    if any(func is refresh_soon for _ids, func, _robust in connection.run_on_commit):
        return
    transaction.on_commit(refresh_soon, robust=True)
