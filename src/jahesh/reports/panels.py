"""What apps above reports add to the dashboard (``/reports/``) and the KPI
page. Reports may not import them (docs/architecture.md), so they fill these
hooks from their ``AppConfig.ready()``; the portal fills both:

* ``SECTIONS``: sections shown below the table by place. Each is called with
  ``(request=, area=, period=)`` and answers ``None`` (nothing to show),
  ``{"template": str, "context": dict}`` or ``{"html": str}`` (rendered
  already: a section kept in the cache with ``selectors.cached_html``, whose
  tables must then move the data version: ``reports.wiring.add_source``); it
  reads its records through the scoping mechanism (the ``Area`` it is given,
  which ``area_for`` clamped).
* ``PUBLISHED``: ``(area=, period=, values=)`` → the figures among ``values``
  (code → the value shown) that belong to a published snapshot and differ from
  it now, each ``{"code", "published", "current", "difference", "magnitude_text",
  "unit", ...}``; ``[]`` when none.

The dashboard calls ``dashboard_sections`` (on every request, inside its one
data version: ``selectors.one_data_version``) and ``published_changes`` (with
its cached figures).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from jahesh.accounts.scoping import Area
from jahesh.reports.periods import Period

SECTIONS: list[Callable[..., dict[str, Any] | None]] = []
PUBLISHED: list[Callable[..., list[dict[str, Any]]]] = []


def published_changes(
    *, area: Area, period: Period, values: dict[str, Any]
) -> list[dict[str, Any]]:
    """The shown figures that changed since their publication (``PUBLISHED``)."""
    return [
        change for hook in PUBLISHED for change in hook(area=area, period=period, values=values)
    ]


def dashboard_sections(*, request: HttpRequest, area: Area, period: Period) -> list[str]:
    """The dashboard's contributed sections (``SECTIONS``), rendered, in
    registration order."""
    sections: list[str] = []
    for hook in SECTIONS:
        found = hook(request=request, area=area, period=period)
        if found and "html" in found:
            sections.append(found["html"])
        elif found:
            context = {**found["context"], "area": area, "period": period}
            sections.append(render_to_string(found["template"], context, request=request))
    return sections
