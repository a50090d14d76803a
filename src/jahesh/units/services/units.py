"""Units: create, update, delete, and their status workflow (``UNIT_FLOW``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from jahesh.core.errors import Conflict
from jahesh.core.models import recorded_user
from jahesh.core.text import clean_text
from jahesh.core.workflow import Move, Refusals, Rule, Workflow
from jahesh.units.models import (
    StatusChange,
    Unit,
    UnitStatus,
)
from jahesh.units.services.fields import (
    UNIT_EDIT_FIELDS,
    UNIT_FIELDS,
    UnitLookups,
    _reject_unknown,
    _validate_unit,
    clean_status,
)
from jahesh.units.services.risk import unit_reassess


def unit_build(
    *, user: Any, now: datetime | None = None, lookups: UnitLookups | None = None, **fields: Any
) -> Unit:
    """A checked unit, not saved: :func:`unit_create`'s rules (``lookups`` from
    ``bulk.units_build`` for a batch). Raises ``ValidationError`` keyed by field."""
    now = now or timezone.now()
    _reject_unknown(fields, UNIT_FIELDS)
    fields.setdefault("sector", "")
    fields.setdefault("name", "")
    values = _validate_unit(
        fields, instance=None, user=user, today=timezone.localdate(now), lookups=lookups
    )
    return Unit(**values, created_by=recorded_user(user))


def unit_create(*, user: Any, now: datetime | None = None, **fields: Any) -> Unit:
    """Register a unit. Required: name, sector, county; the rest as ``UNIT_FIELDS``."""
    unit = unit_build(user=user, now=now, **fields)
    unit._history_user = recorded_user(user)
    unit.save()
    return unit


def unit_update(*, unit: Unit, user: Any, now: datetime | None = None, **fields: Any) -> Unit:
    """Change a unit's fields (``UNIT_EDIT_FIELDS``): never its status, which
    moves only through :func:`unit_change_status`."""
    now = now or timezone.now()
    _reject_unknown(fields, UNIT_EDIT_FIELDS)
    values = _validate_unit(fields, instance=unit, user=user, today=timezone.localdate(now))
    employees_changed = "employees" in values and values["employees"] != unit.employees
    with transaction.atomic():
        for name, value in values.items():
            setattr(unit, name, value)
        unit._history_user = recorded_user(user)
        unit.save()
        if employees_changed and unit.last_visit_on is not None:
            unit_reassess(unit=unit, on=timezone.localdate(now))
    return unit


def unit_delete(*, unit: Unit, user: Any) -> None:

    unit._history_user = recorded_user(user)
    try:
        unit.delete()
    except ProtectedError:
        raise Conflict(
            _("این واحد پروندهٔ کلینیک یا سوابق وابسته دارد و حذف نمی‌شود؛ وضعیت آن را تغییر دهید.")
        ) from None


# --- Status workflow -----------------------------------------------------------
# A unit may move between any two statuses (a closed unit can reopen); every move
# needs a reason, because the history of changes and their reasons is what the
# headquarters reads when it decides where to intervene.


def _needs_reason(move: Move[Unit]) -> None:
    if not move.reason.strip():
        raise ValidationError({"reason": [_("دلیل تغییر وضعیت را بنویسید.")]})


_REASONED = Rule[Unit](guard=_needs_reason)
TRANSITIONS: dict[tuple[str, str], Rule[Unit]] = {
    (a, b): _REASONED for a in UnitStatus.values for b in UnitStatus.values if a != b
}


def _status_row(move: Move[Unit]) -> StatusChange:
    """The move's row dated ``move.data``, not saved (``UNIT_FLOW.history`` answers many)."""
    return StatusChange(
        unit=move.record,
        changed_on=move.data,
        from_status=move.from_status,
        to_status=move.to_status,
        reason=move.reason,
        changed_by=recorded_user(move.user),
    )


UNIT_FLOW: Workflow[Unit] = Workflow(
    model=Unit,
    rules=TRANSITIONS,
    row=_status_row,
    refuse=Refusals(
        no_move=lambda frm, to: Conflict(
            _("واحد هم‌اکنون «%(status)s» است.") % {"status": UnitStatus(frm).label},
            field="to_status",
        ),
        lost=lambda: Conflict(_("وضعیت واحد هم‌زمان تغییر کرد؛ صفحه را تازه کنید.")),
    ),
    save=True,  # the unit's history row, by the user who moved it
)


def unit_change_status(
    *,
    unit: Unit,
    to_status: str,
    reason: str,
    user: Any,
    changed_on: date | None = None,
    now: datetime | None = None,
) -> Unit:
    """Move ``unit`` to ``to_status`` through ``UNIT_FLOW`` (core.workflow: lock the
    row, check the transition, append a ``StatusChange`` dated ``changed_on``,
    default today) and re-assess the risk as of that day."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    changed_on = changed_on or today
    to_status = clean_status(to_status)
    reason = clean_text(reason)
    if changed_on > today:
        raise ValidationError({"changed_on": [_("تاریخ تغییر وضعیت نمی‌تواند در آینده باشد.")]})
    with transaction.atomic():
        locked = UNIT_FLOW.transition(
            unit, to_status, user=user, data=changed_on, reason=reason, now=now
        )
        unit_reassess(unit=locked, on=changed_on)
    unit.status = locked.status
    unit.risk_score, unit.risk_level, unit.risk_assessed_on = (
        locked.risk_score,
        locked.risk_level,
        locked.risk_assessed_on,
    )
    return unit
