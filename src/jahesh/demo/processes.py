"""Work items spread over forked processes, for the national generator
(``jahesh.demo.national``): on PostgreSQL its provinces are filled two at a time,
each process on a connection of its own, since a province's time is almost all
Python on one core while the server waits.

``in_processes(items, work, ...)`` forks ``count`` children (the ``fork`` start
method: a child starts with the parent's memory, its items and its patched
fast paths included; nothing is pickled but the results); each takes the next
item not yet taken and runs ``work(item)`` inside ``setup()`` (what a session
needs, e.g. the bulk mode's settings: those are per connection). The parent
gets each result as it comes (``on_result``, in this process). A failure in a
child stops the others and is raised here with the child's traceback; rows the
children committed stay, as after a failure of a one-process run.

Django's connections are closed before the fork (a child must never use the
parent's socket) and each child opens its own; the parent reconnects on its
next query, with a new session (a session's settings do not come back).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import traceback
from collections.abc import Callable, Sequence
from multiprocessing.connection import wait
from typing import Any, TypeVar

from django.db import connection as default_connection
from django.db import connections

T = TypeVar("T")
R = TypeVar("R")


def in_processes(
    items: Sequence[T],
    work: Callable[[T], R],
    *,
    count: int,
    on_result: Callable[[T, R], None],
    setup: Callable[[], contextlib.AbstractContextManager[Any]] = contextlib.nullcontext,
    label: Callable[[T], str] = str,
) -> None:
    """``work(item)`` for every item in ``count`` forked processes; ``on_result``
    here as each ends (in the order they end). Raises RuntimeError (naming the
    item, with the child's traceback) when a child fails or dies; refuses to
    run inside a transaction (the children could not see its rows)."""
    if default_connection.in_atomic_block:
        raise RuntimeError("in_processes: not inside a transaction")
    if not items:
        return
    context = multiprocessing.get_context("fork")
    taken = context.Value("i", 0)
    connections.close_all()
    children: list[tuple[Any, Any]] = []
    try:
        for _ in range(min(count, len(items))):
            reader, writer = context.Pipe(duplex=False)
            child = context.Process(
                target=_child, args=(items, work, setup, taken, writer), daemon=True
            )
            child.start()
            writer.close()
            children.append((child, reader))
        running: dict[Any, Any] = {reader: child for child, reader in children}
        while running:
            ready: Any
            for ready in wait(list(running)):  # (the readers passed)
                try:
                    kind, index, payload = ready.recv()
                except EOFError:  # the child has ended
                    child = running.pop(ready)
                    child.join()
                    if child.exitcode != 0:
                        raise RuntimeError(
                            f"a worker process ended with exit code {child.exitcode}"
                        ) from None
                    continue
                if kind == "error":
                    what = label(items[index]) if 0 <= index < len(items) else "its setup"
                    raise RuntimeError(f"a worker process failed on {what}:\n{payload}")
                on_result(items[index], payload)
    finally:
        for child, reader in children:
            if child.is_alive():
                child.terminate()  # its open transaction is rolled back with its connection
            child.join()
            reader.close()


def _child(
    items: Sequence[Any],
    work: Callable[[Any], Any],
    setup: Callable[[], contextlib.AbstractContextManager[Any]],
    taken: Any,
    writer: Any,
) -> None:
    """One forked process: items until none is left, each result (or the first
    failure, formatted) sent to the parent."""
    index = -1
    try:
        with setup():
            while True:
                with taken.get_lock():
                    index = taken.value
                    taken.value += 1
                if index >= len(items):
                    break
                writer.send(("done", index, work(items[index])))
    except BaseException:  # for the parent to raise, with the traceback as text
        writer.send(("error", index, traceback.format_exc()))
        raise SystemExit(1) from None
    finally:
        connections.close_all()
        writer.close()
