"""Maker-checker: a step that someone other than the record's maker must take.

One :class:`MakerChecker` per step says who made the record and at which
statuses a checker is awaited. Its three readings come from that one rule: the
service refuses the maker (:meth:`MakerChecker.refusal`), the queue of what
awaits a user leaves out their own records (:meth:`MakerChecker.awaiting`), and
the record's page disables the button with the same reason and names the people
who may take the step (:meth:`MakerChecker.checkers`). An app declares its rule
beside its selectors (``funds.selectors.LOAN_CHECK``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet


@dataclass(frozen=True)
class MakerChecker:
    """maker: the foreign key to the user who made the record (``requested_by``);
    steps: the statuses at which the record awaits a checker;
    reason: the (lazy, translatable) refusal the maker reads."""

    maker: str
    steps: frozenset[str]
    reason: Any
    status_field: str = "status"

    def is_maker(self, record: Model, user: Any) -> bool:
        maker_id = getattr(record, f"{self.maker}_id")
        return maker_id is not None and maker_id == getattr(user, "pk", None)

    def refusal(self, record: Model, user: Any) -> str | None:
        """Why ``user`` may not check ``record`` (None: they may)."""
        return str(self.reason) if self.is_maker(record, user) else None

    def awaiting(self, qs: QuerySet, user: Any) -> QuerySet:
        """The records of ``qs`` (already scoped to ``user``) at a checker's step
        that ``user`` may check: every one but those they made."""
        qs = qs.filter(**{f"{self.status_field}__in": self.steps})
        if getattr(user, "pk", None) is None:
            return qs.none()
        return qs.exclude(**{self.maker: user.pk})

    def checkers(self, record: Model, users: QuerySet) -> QuerySet:
        """Of ``users`` (those who may open the record), the ones who may check it."""
        maker_id = getattr(record, f"{self.maker}_id")
        return users.exclude(pk=maker_id) if maker_id is not None else users

    def at_step(self, record: Model) -> bool:
        return getattr(record, self.status_field) in self.steps
