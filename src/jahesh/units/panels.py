"""Extra sections of the unit detail page, contributed by other apps.

Each entry of ``PANELS`` is called with ``(request, unit)`` and returns ``None``
(nothing to show) or ``{"title": str, "template": str, "context": dict}``; the
detail page renders ``template`` with ``context`` (plus ``unit`` and
``request``) under ``title``. The clinic appends a panel listing the unit's
cases from its ``ready()``:

    from jahesh.units.panels import PANELS
    PANELS.append(unit_cases_panel)

The callable must scope what it reads (``jahesh.accounts.scoping.scoped``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.template.loader import render_to_string

if TYPE_CHECKING:
    from jahesh.units.models import Unit

PANELS: list[Callable[[HttpRequest, Unit], dict | None]] = []


def panels_for(request: HttpRequest, unit: Unit) -> list[dict]:
    """The panels to show on ``unit``'s page, in registration order, each
    rendered: ``{"title", "html"}``."""

    found = []
    for panel in PANELS:
        result = panel(request, unit)
        if not result:
            continue
        context = {**(result.get("context") or {}), "unit": unit}
        html = render_to_string(result["template"], context, request=request)
        found.append({"title": result["title"], "html": html})
    return found
