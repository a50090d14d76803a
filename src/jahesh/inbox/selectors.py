"""The inbox: what awaits a user, from every app, newest deadline first.

Each app declares its kinds in its own ``inbox.py`` (``PROVIDERS``: a
``core.inbox.Provider`` per kind); this list wires them explicitly. A provider
runs only for roles that may use its module, reads one query through the
scoping mechanism and answers at most ``PER_KIND`` items (its newest), so the
inbox costs one bounded query per kind. Units due for a monitoring visit will join from
``units.selectors.visits_due`` (not here yet).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from jahesh.accounts.scoping import can_use_module
from jahesh.clinic import inbox as clinic_inbox
from jahesh.core import inbox as core_inbox
from jahesh.core.inbox import Item, Provider
from jahesh.funds import inbox as funds_inbox
from jahesh.units import inbox as units_inbox
from jahesh.volunteers import inbox as volunteers_inbox

PROVIDERS: tuple[Provider, ...] = (
    *funds_inbox.PROVIDERS,
    *clinic_inbox.PROVIDERS,
    *volunteers_inbox.PROVIDERS,
    *units_inbox.PROVIDERS,
    core_inbox.IMPORTS_FINISHED,
)
KINDS = {p.kind: p for p in PROVIDERS}

# The most items one kind contributes (the API's count is then "at least").
PER_KIND = 200


def providers_for(user: Any, kinds: set[str] | None = None) -> list[Provider]:
    if not getattr(user, "is_authenticated", False):
        return []
    return [
        p
        for p in PROVIDERS
        if (kinds is None or p.kind in kinds)
        and (p.module is None or can_use_module(user, p.module))
    ]


def _sort_key(item: Item) -> tuple[bool, int]:
    # Newest deadline first (issue 15: the latest day on top, so this week's
    # installments and today's requests come before last year's arrears);
    # items without a date last.
    return (item.due_on is None, -(item.due_on or datetime.date.min).toordinal())


def inbox_items(
    *,
    user: Any,
    today: datetime.date | None = None,
    kinds: set[str] | None = None,
    per_kind: int = PER_KIND,
) -> list[Item]:
    """Every item awaiting ``user`` (at most ``per_kind`` of each kind), sorted."""
    today = today or timezone.localdate()
    items: list[Item] = []
    for provider in providers_for(user, kinds):
        items += provider.items(user=user, today=today, limit=per_kind)
    return sorted(items, key=_sort_key)


def kind_labels() -> dict[str, str]:
    return {p.kind: str(p.label) for p in PROVIDERS}


def home_inbox(*, user: Any) -> dict[str, Any]:
    """The home page's block: per kind, how many items await and the first one
    in the kind's own order (a county's hq has hundreds of installments; one line
    each would bury a loan awaiting their approval), kinds in the order of their
    first item. Two small reads a kind (its first item and a capped ``COUNT``),
    not every item built to show one."""
    today = timezone.localdate()
    kinds: list[dict[str, Any]] = []
    for provider in providers_for(user):
        first, count = provider.first_and_count(user=user, today=today, cap=PER_KIND)
        if first is None:
            continue
        kinds.append(
            {
                "kind": provider.kind,
                "label": str(provider.label),
                "first": first,
                "count": count,
                "capped": count >= PER_KIND,  # more may wait than one kind reads
            }
        )
    kinds.sort(key=lambda k: _sort_key(k["first"]))
    return {"kinds": kinds, "count": sum(k["count"] for k in kinds), "today": today}
