"""Hooks that apps building on units (the clinic) set from their ``ready()``.

``open_case_unit_ids``: a callable returning the ids (a queryset of ids or any
iterable of ints) of units that are under an open clinic case. The watch list
offers "leave out units already under an open case" only when it is set.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db.models import QuerySet

open_case_unit_ids: Callable[[], QuerySet | Iterable[int]] | None = None
