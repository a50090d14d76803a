"""What higher apps plug into pages and jobs that belong to no module.

``core`` may not import ``reports`` (DESIGN.md §2), yet the home page shows the
dashboard's headline figures: the reports app sets :data:`home_figures` in its
``AppConfig.ready()``; likewise it adds its periodic jobs to :data:`periodic`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# (user=...) -> the figures block of the home page, or None for roles without one.
home_figures: Callable[..., dict[str, Any] | None] | None = None

# (user=...) -> the inbox block of the home page (what awaits the user), set by
# the inbox app, which reads every app.
home_inbox: Callable[..., dict[str, Any]] | None = None

# Jobs the task worker runs every ``PERIODIC_SECONDS`` (``core.tasks.periodic``:
# one chain of tasks, so each runs in one place however many app servers there
# are). Reports: store the rows writes made stale, keep today's standard periods.
PERIODIC_SECONDS = 60
periodic: list[Callable[[], Any]] = []

# ``accounts.scoping.scoped``, set by the accounts app: core's own records
# (import jobs) are scoped by the one mechanism, which core may not import.
scoped: Callable[..., Any] | None = None

# Tasks that run often and whose results nobody reads once they succeeded: the
# periodic job forgets them a day later (``core.tasks.periodic``).
routine_tasks: list[str] = []
