"""Reads of the clinic: case lists, the board, overdue lists, workload,
suggestions, the resolutions register, the agency scoreboard and the KPIs."""

from __future__ import annotations

from django.db.models import QuerySet

from jahesh.clinic.models import OPEN_STATUSES, Case


def open_case_unit_ids() -> QuerySet:
    """Ids of units under an open case (the units watch list may leave them out)."""
    return Case.objects.filter(status__in=OPEN_STATUSES).values_list("unit_id", flat=True)
