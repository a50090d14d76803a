"""Sessions of a working group, their resolutions and the resolutions' follow-ups.

A resolution's follow-ups run on ``RESOLUTION_TRANSITIONS`` (``RESOLUTION_FLOW``,
``core.workflow``): each follow-up is its move's event row."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jahesh.clinic.models import (
    Agency,
    Case,
    Expert,
    Resolution,
    ResolutionFollowUp,
    ResolutionStatus,
    Session,
    WorkingGroup,
)
from jahesh.clinic.services.common import MANAGERS, WORKERS, _today, clinic_settings, user_role
from jahesh.clinic.sla import calendar_for
from jahesh.core import events
from jahesh.core.digits import to_persian_digits
from jahesh.core.errors import Conflict, Forbidden, InvalidInput
from jahesh.core.models import recorded_user
from jahesh.core.text import clean_text, required_text
from jahesh.core.workflow import Move, Refusals, Rule, Step, Workflow, refuse_if, status_label


def session_build(
    *,
    group: WorkingGroup,
    number: int,
    held_on: datetime.date,
    place: str = "",
    other_attendees: str = "",
    minutes: str = "",
) -> Session:
    """A session's row, not saved: :func:`session_create`'s row (its texts
    cleaned). ``number`` is the group's next, which the service counts under
    the group's lock; a record entered with its past (the demo) numbers its own."""
    return Session(
        group=group,
        number=number,
        held_on=held_on,
        place=clean_text(place),
        other_attendees=other_attendees.strip(),
        minutes=minutes.strip(),
    )


def session_links_build(
    session: Session, *, attendees: Iterable[Expert] = (), agenda: Iterable[Case] = ()
) -> tuple[list[Any], list[Any]]:
    """The attendance and agenda rows of a saved ``session``, not saved: each
    expert and each case once (what ``set()`` on a new session writes). The rows
    are of the many-to-many fields' generated models, hence ``Any``."""
    attend, on_agenda = Session.attendees.through, Session.agenda.through
    expert_ids = dict.fromkeys(e.pk for e in attendees)
    case_ids = dict.fromkeys(c.pk for c in agenda)
    return (
        [attend(session_id=session.pk, expert_id=pk) for pk in expert_ids],
        [on_agenda(session_id=session.pk, case_id=pk) for pk in case_ids],
    )


def session_links_create(
    rows: tuple[list[Any], list[Any]], *, batch_size: int | None = None
) -> None:
    """Write attendance and agenda rows built by :func:`session_links_build`."""
    attendance, agenda = rows
    Session.attendees.through.objects.bulk_create(attendance, batch_size=batch_size)
    Session.agenda.through.objects.bulk_create(agenda, batch_size=batch_size)


def session_create(
    *,
    user: Any,
    group: WorkingGroup,
    attendees: Iterable[Expert] = (),
    agenda: Iterable[Case] = (),
    **fields: Any,
) -> Session:
    """Record a session, :func:`session_build`'s arguments but its number (the
    group's next), with who attended and the cases on its agenda."""
    if user_role(user) not in MANAGERS:
        raise Forbidden(_("فقط مدیر قرارگاه یا کارشناس شهرستان جلسه ثبت می‌کند."))
    with transaction.atomic():
        WorkingGroup.objects.select_for_update().get(pk=group.pk)  # serialises numbering
        last = group.sessions.order_by("-number").values_list("number", flat=True).first() or 0
        session = session_build(group=group, number=last + 1, **fields)
        session.save()
        session_links_create(session_links_build(session, attendees=attendees, agenda=agenda))
    return session


# The longest deadline a resolution may be given in working days (about two years).
MAX_DUE_DAYS = 500


def resolution_build(
    *,
    session: Session,
    number: int,
    text: str,
    agency: Agency,
    objection_days: int,
    due_on: datetime.date | None = None,
    due_days: int | None = None,
    responsible_person: str = "",
    case: Case | None = None,
) -> Resolution:
    """A checked resolution, open, not saved: :func:`resolution_create`'s rules
    of the row. Its deadline is a day (``due_on``) or a number of working days
    after the session (``due_days``) of the group's province; objections are
    accepted for ``objection_days`` working days after the session's date
    (reference/calendar.md). ``number`` is the session's next, which the
    service counts under the session's lock."""
    text = text.strip()
    if not text:
        raise InvalidInput(_("متن مصوبه را بنویسید."), field="text")
    calendar = calendar_for(session.group.province_id)
    if due_on is None and due_days is None:
        raise InvalidInput(
            _("مهلت اجرا را با تاریخ یا با شمار روزهای کاری بنویسید."), field="due_on"
        )
    if due_days is not None:
        if due_on is not None:
            raise InvalidInput(
                _("مهلت اجرا را یا با تاریخ بنویسید یا با روز کاری، نه هر دو."), field="due_days"
            )
        if not 1 <= due_days <= MAX_DUE_DAYS:
            raise InvalidInput(
                _("مهلت اجرا از ۱ تا %(n)s روز کاری است.") % {"n": to_persian_digits(MAX_DUE_DAYS)},
                field="due_days",
            )
        due_on = calendar.add(session.held_on, due_days)
    assert due_on is not None  # given, or counted from due_days just above
    if due_on < session.held_on:
        raise InvalidInput(_("مهلت اجرا پیش از تاریخ جلسه است."), field="due_on")
    return Resolution(
        session=session,
        number=number,
        text=text,
        agency=agency,
        case=case,
        responsible_person=clean_text(responsible_person),
        passed_on=session.held_on,
        due_on=due_on,
        objection_until=calendar.add(session.held_on, objection_days),
    )


def resolution_create(*, user: Any, session: Session, **fields: Any) -> Resolution:
    """Pass a resolution in ``session``: :func:`resolution_build`'s arguments but
    its number (the session's next) and the objection window (the configured
    one, 15 working days by default)."""
    if user_role(user) not in MANAGERS:
        raise Forbidden(_("فقط مدیر قرارگاه یا کارشناس شهرستان مصوبه ثبت می‌کند."))
    with transaction.atomic():
        Session.objects.select_for_update().get(pk=session.pk)
        last = session.resolutions.order_by("-number").values_list("number", flat=True).first() or 0
        resolution = resolution_build(
            session=session,
            number=last + 1,
            objection_days=clinic_settings().objection_days,
            **fields,
        )
        resolution.save()
        events.emit(
            "resolution.created",
            key=f"resolution:{resolution.pk}",
            actor=user,
            resolution_id=resolution.pk,
        )
        return resolution


R = ResolutionStatus
_Follow = Move[Resolution]


def _done(move: _Follow) -> dict[str, Any]:
    return {"done_on": move.data}


def _not_done(move: _Follow) -> dict[str, Any]:
    return {"done_on": None}


def _within_window(move: _Follow) -> dict[str, Any]:
    if move.data > move.record.objection_until:
        raise InvalidInput(_("مهلت اعتراض به این مصوبه گذشته است."), field="status_after")
    return _not_done(move)


def _after_due(move: _Follow) -> dict[str, Any]:
    if move.data <= move.record.due_on:
        raise InvalidInput(_("مهلت اجرای مصوبه هنوز نگذشته است."), field="status_after")
    return _not_done(move)


# (from, to) → Rule: a resolution's moves, each made with a follow-up (its event
# row); the move's data is the follow-up's date, its reason the note. A
# follow-up that keeps a resolution open sets nothing. Who may follow up
# (``WORKERS``, any move) is the machine's ``may_act``, also checked at the
# service's edge, before the form is read.
RESOLUTION_TRANSITIONS: dict[tuple[str, str], Rule[Resolution]] = {
    (R.OPEN, R.OPEN): Rule(),
    (R.OPEN, R.DONE): Rule(_done),
    (R.OPEN, R.OBJECTED): Rule(_within_window),
    (R.OPEN, R.NOT_EXECUTED): Rule(_after_due),
    (R.OBJECTED, R.OPEN): Rule(_not_done),
    (R.OBJECTED, R.NOT_EXECUTED): Rule(_not_done),
    (R.NOT_EXECUTED, R.DONE): Rule(_done),
}

# The statuses a follow-up may leave a resolution in (the form's choices).
FOLLOW_UP_STATUSES = [s for s in R if any(to == s for _, to in RESOLUTION_TRANSITIONS)]


def _follow_up_row(move: _Follow) -> ResolutionFollowUp:
    """The move's follow-up, not saved (``RESOLUTION_FLOW.history`` answers many)."""
    return ResolutionFollowUp(
        resolution=move.record,
        on=move.data,
        note=move.reason,
        status_after=move.to_status,
        by=recorded_user(move.user),
    )


def _not_follower(resolution: Resolution | None, user: Any) -> Forbidden | None:
    """The refusal of a user who may not follow resolutions up (``RESOLUTION_FLOW.may_act``)."""
    if user_role(user) not in WORKERS:
        return Forbidden(_("نقش شما اجازهٔ ثبت پیگیری مصوبه را ندارد."))
    return None


def _check_follower(user: Any) -> None:
    refuse_if(_not_follower(None, user))


RESOLUTION_FLOW: Workflow[Resolution] = Workflow(
    model=Resolution,
    rules=RESOLUTION_TRANSITIONS,
    may_act=_not_follower,
    row=_follow_up_row,
    refuse=Refusals(
        no_move=lambda frm, to: InvalidInput(
            _("مصوبهٔ «%(from)s» را نمی‌توان «%(to)s» کرد.")
            % {"from": status_label(R, frm), "to": status_label(R, to)},
            field="status_after",
        ),
        lost=lambda: Conflict(_("وضعیت این مصوبه هم‌زمان تغییر کرده است؛ صفحه را دوباره باز کنید.")),
    ),
    save=True,  # the resolution's history row, the note its change reason
    history_reason=True,
)


@dataclass(frozen=True)
class FollowUpFields:
    """A follow-up as it is entered: its date, its note, the status it leaves."""

    on: datetime.date
    note: str
    status_after: str


def _follow_up_note(resolution: Resolution, fields: FollowUpFields, *, today: datetime.date) -> str:
    """The follow-up's cleaned note, or the refusal: no note, a day after today
    or before the resolution was passed."""
    note = required_text(fields.note, _("شرح پیگیری را بنویسید."), field="note")
    if fields.on > today:
        raise InvalidInput(_("تاریخ پیگیری نمی‌تواند بعد از امروز باشد."), field="on")
    if fields.on < resolution.passed_on:
        raise InvalidInput(_("تاریخ پیگیری پیش از تصویب مصوبه است."), field="on")
    return note


def resolution_follow_up(
    *,
    resolution: Resolution,
    user: Any,
    now: datetime.datetime | None = None,
    **fields: Any,
) -> ResolutionFollowUp:
    """Append a follow-up entry (:class:`FollowUpFields`) and move the resolution's
    status with it, through ``RESOLUTION_FLOW`` (core.workflow): the follow-up is
    the move's event row."""
    now = now or timezone.now()
    _check_follower(user)
    entry = FollowUpFields(**fields)
    note = _follow_up_note(resolution, entry, today=_today(now))
    moved = RESOLUTION_FLOW.move(
        resolution, entry.status_after, user=user, data=entry.on, reason=note, now=now
    )
    return cast(ResolutionFollowUp, moved.event)


def resolution_follow_ups_build(
    *,
    resolution: Resolution,
    user: Any,
    follow_ups: Sequence[FollowUpFields],
    now: datetime.datetime,
) -> list[ResolutionFollowUp]:
    """The bulk form of :func:`resolution_follow_up` for a resolution entered
    with its past and not saved yet (the demo): the user and each follow-up
    refused as the service refuses them, each move through
    ``RESOLUTION_FLOW.history`` (the table, the objection window, the due date),
    which sets its fields on ``resolution``. Answers the follow-ups, not saved,
    for the caller to write after the resolution."""
    _check_follower(user)
    today = _today(now)
    steps = [Step(resolution.status, now)]  # its first status: not a follow-up
    for entry in follow_ups:
        note = _follow_up_note(resolution, entry, today=today)
        steps.append(Step(entry.status_after, now, data=entry.on, reason=note))
    rows = RESOLUTION_FLOW.history(resolution, steps, user=user)
    return cast(list[ResolutionFollowUp], rows[1:])
