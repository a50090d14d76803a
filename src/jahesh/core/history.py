"""The audit trail of a record (django-simple-history), ready for a detail page.

Every domain model keeps ``history = HistoricalRecords()``; detail pages call
:func:`history_entries` and include ``core/partials/history.html``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

_ACTIONS = {"+": _("ایجاد"), "~": _("ویرایش"), "-": _("حذف")}


@dataclass
class Change:
    field: str
    old: Any
    new: Any


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    action: str
    reason: str
    changes: list[Change] = field(default_factory=list)


def _label(model: type[models.Model], name: str) -> str:
    try:
        return str(getattr(model._meta.get_field(name), "verbose_name", name))
    except Exception:  # a field removed since the change was recorded
        return name


def history_entries(obj: models.Model, *, limit: int = 50) -> list[HistoryEntry]:
    """Newest first: who changed what and when, with old and new values."""
    records = list(
        # HistoricalRecords adds `history` to the model class; models.Model declares none.
        obj.history.select_related(  # type: ignore[attr-defined]
            "history_user"
        ).order_by("-history_date")[: limit + 1]
    )
    entries = []
    for i, record in enumerate(records[:limit]):
        previous = records[i + 1] if i + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            changes = [
                Change(_label(type(obj), c.field), c.old, c.new)
                for c in delta.changes
                if c.field not in ("updated_at", "created_at")
            ]
        user = record.history_user
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=(user.get_full_name() or user.username) if user else str(_("سامانه")),
                action=_ACTIONS.get(record.history_type, record.history_type),
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return entries
