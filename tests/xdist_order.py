"""The suite under pytest-xdist (``-n 2``) in the order one process runs it.

pytest-django runs a process's plain database tests before its transactional
ones: a transactional test empties the database when it ends (the migrations'
rows too, the clinic's obstacle taxonomy), and one with ``serialized_rollback``
loads them back over whatever is there. Handing out whole files, xdist would
let a worker run one file's transactional test and then another file's plain
tests, or reload the content types a flush had made again (PostgreSQL: a
duplicate key on ``django_content_type``).

So every worker writes which of its collected tests are transactional (the same
rule as pytest-django's ordering) to a directory the controller gave it, and the
controller's scheduler hands the plain tests out by file and all transactional
tests as one last unit: one worker runs them, after its plain tests, in the
order one process would. A worker's collection is finished, and so written,
before the controller schedules anything."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.test import TestCase, TransactionTestCase
from xdist.scheduler import LoadFileScheduling

TRANSACTIONAL = "transactional tests (one worker, last)"
_KEY = "jahesh_transactional_dir"


def transactional(item: pytest.Item) -> bool:
    """pytest-django's rule for what runs after the plain database tests."""
    cls = getattr(item, "cls", None)
    if cls and issubclass(cls, TransactionTestCase):
        return not issubclass(cls, TestCase)
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    fixtures = getattr(item, "fixturenames", ())
    return "transactional_db" in fixtures or "live_server" in fixtures


def _uses_db(item: pytest.Item) -> bool:
    cls = getattr(item, "cls", None)
    if cls and issubclass(cls, TransactionTestCase):
        return True
    return bool(item.get_closest_marker("django_db")) or "db" in getattr(item, "fixturenames", ())


def worker_writes(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On a worker: write the nodeids of its transactional tests for the controller."""
    folder = getattr(config, "workerinput", {}).get(_KEY)
    if not folder:
        return
    # pytest-django sorted them: plain database tests, transactional, none. If its
    # rule and ours part ways, stop rather than run tests on an emptied database.
    marks = [transactional(item) for item in items]
    first = marks.index(True) if True in marks else len(items)
    late = [
        item.nodeid
        for item, mark in zip(items[first:], marks[first:], strict=True)
        if not mark and _uses_db(item)
    ]
    if late:
        raise pytest.UsageError(
            f"xdist_order: plain database tests after transactional: {late[:3]}"
        )
    worker = config.workerinput["workerid"]
    path = Path(folder) / worker
    path.with_suffix(".part").write_text(
        "\n".join(item.nodeid for item in items if transactional(item)), encoding="utf-8"
    )
    os.replace(path.with_suffix(".part"), path)  # whole, or not there


def node_configured(node, folder: Path) -> None:
    """On the controller: tell a worker where to write."""
    node.workerinput[_KEY] = str(folder)


class TransactionalLast(LoadFileScheduling):
    """Whole files, and the transactional tests as one unit handed out last (it
    comes last in the collection, as pytest-django sorted it)."""

    def __init__(self, config: pytest.Config, log, folder: Path) -> None:
        super().__init__(config, log)
        self._folder = folder
        self._transactional: frozenset[str] = frozenset()

    def schedule(self) -> None:
        if self.collection is None:  # the first call: every worker has collected
            written = [p for p in self._folder.iterdir() if not p.name.endswith(".part")]
            if len(written) < len(self.registered_collections):
                raise RuntimeError(f"xdist: {len(written)} workers wrote their transactional tests")
            self._transactional = frozenset(
                line for p in written for line in p.read_text(encoding="utf-8").splitlines()
            )
        super().schedule()

    def _split_scope(self, nodeid: str) -> str:
        if nodeid in self._transactional:
            return TRANSACTIONAL
        return super()._split_scope(nodeid)
