"""What higher apps plug into pages that belong to no module.

``core`` may not import ``reports`` (DESIGN.md §2), yet the home page shows the
dashboard's headline figures: the reports app sets :data:`home_figures` in its
``AppConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# (user=...) -> the figures block of the home page, or None for roles without one.
home_figures: Callable[..., dict[str, Any] | None] | None = None

# Jobs ``jahesh serve`` runs at start and then every ``PERIODIC_SECONDS`` in a
# background thread of each server worker (reports: keep the analytics
# table of today's standard periods).
PERIODIC_SECONDS = 600
periodic: list[Callable[[], Any]] = []

# ``accounts.scoping.scoped``, set by the accounts app: core's own records
# (import jobs) are scoped by the one mechanism, which core may not import.
scoped: Callable[..., Any] | None = None
