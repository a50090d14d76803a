"""Foreign ids in API input: the one way a route turns an id a client sent into a
record. The record is read through ``accounts.scoping`` (reference data such as
geography, agencies and skills is registered there as public), so an id that does
not exist and one outside the caller's scope give the same answer: a 422 naming
the field, never a 500 from the database's foreign key and never a hint of which.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from jahesh.accounts.scoping import scoped
from jahesh.core.errors import InvalidInput

M = TypeVar("M", bound=models.Model)


def missing_ref(field: str) -> InvalidInput:
    """The 422 for a foreign id that is not there for this user (said the same either way)."""
    return InvalidInput(
        _("ورودی نامعتبر است؛ خطاهای زیر را اصلاح کنید."),
        errors=[
            {
                "field": field,
                "message": _("رکوردی با این شناسه نیست یا در حوزهٔ دسترسی شما نیست."),
            }
        ],
    )


def resolve_ref(
    user: Any, source: QuerySet[M] | type[M], value: Any, *, field: str, lookup: str = "pk"
) -> M | None:
    """The record of ``source`` whose ``lookup`` is ``value`` that ``user`` may see;
    None for None; InvalidInput (422 on ``field``) when there is none in scope."""
    if value is None:
        return None
    found = scoped(user, source).filter(**{lookup: value}).first()
    if found is None:
        raise missing_ref(field)
    return found


def resolve_refs(
    user: Any, source: QuerySet[M] | type[M], pks: Iterable[int], *, field: str
) -> list[M]:
    """The records ``pks`` (in the order given, duplicates once); InvalidInput
    naming ``field.<i>`` for the first id that is missing or out of scope."""
    given = list(pks)
    found = scoped(user, source).in_bulk(set(given))
    for i, pk in enumerate(given):
        if pk not in found:
            raise missing_ref(f"{field}.{i}")
    return [found[pk] for pk in dict.fromkeys(given)]
