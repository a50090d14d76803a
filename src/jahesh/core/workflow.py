"""One workflow engine for every record that moves between statuses.

An app declares its machine as a :class:`Workflow`: the table of allowed moves
(``(from, to) → Rule``: the roles that may make it, or ``None`` when the app
checks permission at its edges, and a guard that checks what the move needs and
answers the fields it sets), how to build the move's event row (``row``: a
machine that also announces the move, or keeps no rows, gives ``event``), the
refusals in the app's own words, and, when some roles decide, how to read a
user's role (core may not import ``accounts``: the app passes
``accounts.scoping.effective_role`` in). Then:

- :meth:`Workflow.transition` is the one way a record's status changes:
  1. lock the row (``select_for_update``) and re-read it; when its status is no
     longer the one the caller saw, a concurrent move won: ``refuse.stale``
     (machines whose callers already hold the lock pass ``locked=True``);
  2. find the move in the table, check the role and the record's own rule
     (``may_act``: an expert moves only the cases assigned to them), run the
     guard;
  3. ``UPDATE … WHERE status = old``: a move that lost a race (no row locks on
     SQLite) is refused with ``refuse.lost``, never written twice; models whose
     ``save()`` must run (history rows, ``auto_now``, signals) are then saved
     with the changed fields (``save=True``), unless the move changed nothing
     (it keeps the status and its guard sets no field: a follow-up that keeps
     a resolution open is its event row alone);
  4. append the event row (``row``'s, saved, or ``event``, which also emits
     the domain event).
  A refused move raises before anything is written. :meth:`Workflow.move` is
  ``transition`` answering the event row too (when the row is what the caller
  returns: a resolution's follow-up).
- :meth:`Workflow.allowed_moves` lists the statuses a user may move a record to,
  from the same table (guards are not run: the form asks for what they need;
  moves the system makes, ``Rule(chosen=False)``, are not listed); pages and
  the API read it (:meth:`Workflow.move_choices`: with their labels, for a
  page's select or buttons).
- :meth:`Workflow.check` is steps 2's refusals alone, for moves written in bulk.
- :meth:`Workflow.created` appends the event of a record's first status.
- :meth:`Workflow.history` is the bulk form of ``created`` then ``transition``
  for a record entered with its past (an import, the demo), not saved yet: each
  move checked and guarded as ``transition`` does, its event row built by the
  machine's ``row`` (the one a move saves), for the caller to write in bulk.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypedDict, TypeVar, Unpack

from django.db import models, transaction
from django.utils import timezone

from jahesh.core.errors import ApplicationError
from jahesh.core.models import recorded_user

R = TypeVar("R", bound=models.Model)


@dataclass(frozen=True)
class Move(Generic[R]):
    """One move as its guard and its event see it."""

    record: R
    from_status: str
    to_status: str
    user: Any
    now: datetime.datetime
    data: Any = None  # what the app's move carries (a form's fields)
    reason: str = ""
    announce: bool = True  # False: write the event row, emit no domain event

    @property
    def today(self) -> datetime.date:
        return timezone.localdate(self.now)

    def row(self, **fields: Any) -> dict[str, Any]:
        """The fields of the move's event row: from, to, when and by whom (no
        one for a system move), with the record's own ``fields``."""
        return {
            "from_status": self.from_status,
            "to_status": self.to_status,
            "at": self.now,
            "by": recorded_user(self.user),
            **fields,
        }


def status_label(statuses: type[models.TextChoices], value: str) -> str:
    """A status's name for a refusal (the value itself when it names none: a
    client's typo is quoted back as typed)."""
    return str(statuses(value).label) if value in statuses.values else value


def refuse_if(refusal: ApplicationError | None) -> None:
    """Raise ``refusal`` when there is one: a machine's ``may_act`` checked at an
    app's edge, before the record is read or anything is made."""
    if refusal is not None:
        raise refusal


def no_guard(move: Move[Any]) -> Mapping[str, Any]:
    """A move that needs nothing and sets nothing but the status."""
    return {}


_CALLER = object()  # Step.user's default: the user given to Workflow.history


@dataclass(frozen=True)
class Step:
    """One move of a record's past, for :meth:`Workflow.history`: the status it
    moved to, when, what the move carried and, when not ``history``'s user,
    who made it (a case's manager triages it, its expert works on it)."""

    to_status: str
    now: datetime.datetime
    data: Any = None
    reason: str = ""
    user: Any = _CALLER


class MoveOptions(TypedDict, total=False):
    """What a move may carry beside its user (see :meth:`Workflow.move`)."""

    data: Any
    reason: str
    now: datetime.datetime | None
    locked: bool
    fields: Mapping[str, Any] | None


@dataclass(frozen=True)
class Moved(Generic[R]):
    """What :meth:`Workflow.move` answers: the moved record and the event row
    its ``event`` appended (what ``event`` returns)."""

    record: R
    event: object


@dataclass(frozen=True)
class Rule(Generic[R]):
    """An allowed move: who may make it (``None``: the app's edges decide) and its guard.

    ``chosen``: a person may choose the move (a page offers it as a button, the
    API lists it); ``False`` for a move the system makes as the consequence of
    something else (a loan settled by its last repayment, reopened by a reversal),
    which :meth:`Workflow.allowed_moves` never offers."""

    guard: Callable[[Move[R]], Mapping[str, Any] | None] = no_guard
    roles: frozenset[str] | None = None
    chosen: bool = True


@dataclass(frozen=True)
class Refusals:
    """A machine's refusals, each an error built in the app's words.

    ``no_move(from, to)``: the table has no such move; ``lost()``: the
    conditional update found the status changed; ``stale(current)``: the
    status the caller saw is not the locked row's (``None``: the machine does
    not compare); ``role(to)``: the user's role may not make the move.
    """

    no_move: Callable[[str, str], ApplicationError]
    lost: Callable[[], ApplicationError]
    stale: Callable[[str], ApplicationError] | None = None
    role: Callable[[str], ApplicationError] | None = None


def _any_role(user: Any) -> str:
    return ""


def _may(record: Any, user: Any) -> ApplicationError | None:
    return None


def _no_more(move: Move[Any]) -> Mapping[str, Any]:
    return {}


@dataclass(frozen=True)
class Workflow(Generic[R]):
    """A record's state machine: its table, its event, its refusals."""

    model: type[R]
    rules: Mapping[tuple[str, str], Rule[R]]
    refuse: Refusals
    role_of: Callable[[Any], str] = _any_role
    # The record's own rule beyond the role (an error to raise, or None).
    may_act: Callable[[R, Any], ApplicationError | None] = _may
    # Fields every move sets beyond its guard's (a deadline, a closing time).
    also: Callable[[Move[R]], Mapping[str, Any]] = _no_more
    # How to lock and re-read the row (default: select_for_update by pk).
    lock: Callable[[R], R] | None = None
    # Run the model's save() after the conditional update (history, auto_now, signals).
    save: bool = False
    # With ``save``: the history row's change reason is the move's reason.
    history_reason: bool = False
    status_field: str = field(default="status")
    # The move's event row, not saved (``history`` answers it).
    row: Callable[[Move[R]], models.Model] | None = None
    # Appends the move's event (and emits the domain event); ``None``: saves
    # ``row``'s, which is all a machine that announces nothing needs.
    event: Callable[[Move[R]], object] | None = None

    def _status(self, record: R) -> str:
        return str(getattr(record, self.status_field))

    def _append(self, move: Move[R]) -> object:
        if self.event is not None:
            return self.event(move)
        assert self.row is not None, "a machine says how to append its event row"
        row = self.row(move)
        row.save()
        return row

    def allowed_moves(self, record: R, user: Any) -> list[str]:
        """The statuses ``user`` may choose to move ``record`` to, in the table's order."""
        if self.may_act(record, user) is not None:
            return []
        role = self.role_of(user)
        status = self._status(record)
        return [
            to
            for (frm, to), rule in self.rules.items()
            if frm == status and rule.chosen and (rule.roles is None or role in rule.roles)
        ]

    def move_choices(self, record: R, user: Any) -> list[tuple[str, str]]:
        """:meth:`allowed_moves` with each status's label, as (status, label): a
        page's select or buttons (the API lists the statuses alone)."""
        field = self.model._meta.get_field(self.status_field)
        labels = dict(field.flatchoices)  # type: ignore[union-attr]
        return [(to, str(labels.get(to, to))) for to in self.allowed_moves(record, user)]

    def check(self, record: R, to_status: str, user: Any) -> Rule[R]:
        """The move's rule, or the refusal: no such move, the role, the record's own rule."""
        rule = self.rules.get((self._status(record), to_status))
        if rule is None:
            raise self.refuse.no_move(self._status(record), to_status)
        if rule.roles is not None and self.role_of(user) not in rule.roles:
            assert self.refuse.role is not None, "a machine with roles says how it refuses them"
            raise self.refuse.role(to_status)
        refusal = self.may_act(record, user)
        if refusal is not None:
            raise refusal
        return rule

    def _locked(self, record: R) -> R:
        if self.lock is not None:
            return self.lock(record)
        return self.model._default_manager.select_for_update().get(pk=record.pk)

    def transition(
        self, record: R, to_status: str, *, user: Any, **options: Unpack[MoveOptions]
    ) -> R:
        """Move ``record`` to ``to_status`` (see the module's steps); answers the
        moved row (``record`` itself when the caller held the lock), its fields
        set. ``fields`` are set with the guard's (the caller's own values)."""
        return self.move(record, to_status, user=user, **options).record

    def move(
        self,
        record: R,
        to_status: str,
        *,
        user: Any,
        data: Any = None,
        reason: str = "",
        now: datetime.datetime | None = None,
        locked: bool = False,
        fields: Mapping[str, Any] | None = None,
    ) -> Moved[R]:
        """:meth:`transition`, answering the moved row and the event row appended;
        ``data``: what the move carries (a form's fields), ``reason``: its note,
        ``locked``: the caller holds the row's lock, ``fields``: set with the
        guard's."""
        now = now or timezone.now()
        with transaction.atomic():
            row = record if locked else self._locked(record)
            old = self._status(row)
            if not locked and self.refuse.stale is not None and old != self._status(record):
                raise self.refuse.stale(old)
            rule = self.check(row, to_status, user)
            move = Move(row, old, to_status, user, now, data, reason)
            changes = dict(rule.guard(move) or {})
            changes.update(self.also(move))
            changes.update(fields or {})
            changes[self.status_field] = to_status
            claimed = self.model._default_manager.filter(
                pk=row.pk, **{self.status_field: old}
            ).update(**changes)
            if claimed != 1:
                raise self.refuse.lost()
            for name, value in changes.items():
                setattr(row, name, value)
            if self.save and changes != {self.status_field: old}:
                # The history row names who moved it and why, as a save by a view would.
                row._history_user = recorded_user(user)  # type: ignore[attr-defined]
                if self.history_reason:
                    row._change_reason = reason or None  # type: ignore[attr-defined]
                row.save(update_fields=[*changes, *_auto_now(self.model)])
            return Moved(row, self._append(move))

    def created(
        self,
        record: R,
        *,
        user: Any,
        now: datetime.datetime | None = None,
        data: Any = None,
        reason: str = "",
        announce: bool = True,
    ) -> object:
        """Append the event of ``record``'s first status (from "" to its status)."""
        move = Move(
            record, "", self._status(record), user, now or timezone.now(), data, reason, announce
        )
        return self._append(move)

    def history(self, record: R, steps: Sequence[Step], *, user: Any) -> list[models.Model]:
        """The bulk form of :meth:`created` then :meth:`transition` for ``record``
        entered with its past and not saved yet: the first step is its first
        status; each next one, by ``user`` unless the step names its own, is
        refused as ``transition`` refuses it (the table,
        the role, the record's own rule, the guard), and the guard's fields are
        set on ``record``, which ends in the last step's status. Answers the event
        rows, not saved (nothing is announced): the caller writes them in bulk
        after the record."""
        assert self.row is not None, "a machine written in bulk says how to build its event row"
        rows = []
        old = ""
        for i, step in enumerate(steps):
            who = user if step.user is _CALLER else step.user
            move = Move(record, old, step.to_status, who, step.now, step.data, step.reason, False)
            if i:
                rule = self.check(record, step.to_status, who)
                changes = dict(rule.guard(move) or {})
                changes.update(self.also(move))
                for name, value in changes.items():
                    setattr(record, name, value)
            setattr(record, self.status_field, step.to_status)
            rows.append(self.row(move))
            old = step.to_status
        return rows


def _auto_now(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
