"""Cases and their workflow, and experts' conflicts.

The case workflow is one table, ``TRANSITIONS``: (from, to) → ``Rule`` (the
roles that may make the move and a guard that checks what must be filled in
and returns the fields the move sets), run by ``CASE_FLOW``, the case's
``core.workflow.Workflow``. Only :func:`case_transition` moves a case; it
locks the row, refuses a move made from a stale status (``Conflict``) and
appends a ``CaseEvent``."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jahesh.accounts.roles import Role
from jahesh.clinic.models import (
    CLOSED_STATUSES,
    FOLLOWED_UP,
    OPEN_STATUSES,
    Agency,
    Case,
    CaseEvent,
    CaseStatus,
    ClinicSettings,
    Expert,
    ExpertConflict,
    ObstacleCategory,
    WorkingGroup,
)
from jahesh.clinic.services.common import MANAGERS, WORKERS, _today, clinic_settings, user_role
from jahesh.clinic.sla import add_working_time, calendar_for, sla_state
from jahesh.core import events
from jahesh.core.daily import once
from jahesh.core.errors import Conflict, Forbidden, InvalidInput
from jahesh.core.jalali import add_jalali_months
from jahesh.core.models import recorded_user
from jahesh.core.text import clean_text, required_text
from jahesh.core.workflow import Move, Refusals, Rule, Workflow, no_guard, status_label
from jahesh.units.models import RiskLevel, Unit, UnitStatus
from jahesh.units.selectors import unit_risk_at, unit_status_at

S = CaseStatus
O = Case.Outcome  # noqa: E741


def case_build(
    *,
    user: Any,
    unit: Unit,
    category: ObstacleCategory,
    severity: int,
    title: str,
    source: str,
    description: str = "",
    agency: Agency | None = None,
    parent: Case | None = None,
    now: datetime.datetime,
    settings: ClinicSettings,
    unit_status_at_open: str,
    unit_risk_at_open: str,
) -> Case:
    """A checked new case, not saved: :func:`case_create`'s rules of the row,
    with the taxonomy version and the first deadline of ``settings``; the unit's
    status and risk level on the day are the caller's (the service reads them
    from the unit's history)."""
    title = required_text(
        title, _("عنوان پرونده را بنویسید؛ مثلاً «قطع برق به دلیل بدهی»."), field="title"
    )
    if not 0 <= severity <= 4:
        raise InvalidInput(_("شدت مانع عددی از ۰ تا ۴ است."), field="severity")
    if source not in Case.Source.values:
        raise InvalidInput(_("منبع پرونده نامعتبر است."), field="source")
    if not category.is_active:
        raise InvalidInput(
            _("این دستهٔ مانع غیرفعال است؛ دستهٔ دیگری انتخاب کنید."), field="category"
        )
    if parent is not None:
        _check_parent(parent=parent, category=category)
    return Case(
        unit=unit,
        county=unit.county,
        parent=parent,
        category=category,
        taxonomy_version=settings.taxonomy_version,
        severity=severity,
        title=title,
        description=clean_text(description),
        source=source,
        agency=agency,
        opened_at=now,
        opened_on=_today(now),
        due_at=add_working_time(
            now,
            datetime.timedelta(days=settings.sla_days(severity)),
            calendar_for(unit.county.province_id),
        ),
        unit_status_at_open=unit_status_at_open,
        unit_risk_at_open=unit_risk_at_open,
        created_by=recorded_user(user),
    )


def case_create(
    *, user: Any, unit: Unit, now: datetime.datetime | None = None, **fields: Any
) -> Case:
    """Open a case for ``unit``: :func:`case_build`'s arguments but the settings
    and the unit's status and risk level on the day, which it reads.

    Records the taxonomy version, the unit's status and risk level on the day
    (the closure-prevented rule reads them later) and the first deadline.
    """
    now = now or timezone.now()
    if user_role(user) not in MANAGERS:
        raise Forbidden(_("فقط مدیر قرارگاه یا کارشناس شهرستان پرونده باز می‌کند."))
    today = _today(now)
    risk = unit_risk_at(unit=unit, when=today)
    with transaction.atomic():  # a refused case leaves no settings row behind
        case = case_build(
            user=user,
            unit=unit,
            now=now,
            settings=clinic_settings(),
            unit_status_at_open=unit_status_at(unit=unit, when=today),
            unit_risk_at_open=risk.level if risk else "",
            **fields,
        )
        case.save()
        CASE_FLOW.created(case, user=user, now=now)
    return case


def _check_parent(*, parent: Case, category: ObstacleCategory) -> None:
    if parent.parent_id is not None:
        raise InvalidInput(_("پروندهٔ مادر خودش زیرمجموعهٔ پروندهٔ دیگری است."), field="parent")
    if not parent.is_open:
        raise InvalidInput(_("پروندهٔ مادر بسته است؛ پروندهٔ باز انتخاب کنید."), field="parent")
    if parent.category_id != category.pk:
        raise InvalidInput(
            _("پروندهٔ مادر همان مانع را گروه می‌کند؛ دستهٔ مانع باید «%(c)s» باشد.")
            % {"c": parent.category.name},
            field="category",
        )


@dataclass(frozen=True)
class MoveInput:
    """What a move may carry; each guard reads the fields it needs."""

    reason: str = ""
    expert: Expert | None = None
    agency: Agency | None = None
    escalated_to: str = ""
    working_group: WorkingGroup | None = None
    outcome: str = ""
    outcome_note: str = ""
    financing_rial: int | None = None
    jobs_preserved: int | None = None


_Move = Move[Case]


def _rule(
    roles: frozenset[str], guard: Callable[[_Move], dict[str, Any]] | None = None
) -> Rule[Case]:
    return Rule(guard=guard or no_guard, roles=roles)


def _needs_reason(move: _Move) -> dict[str, Any]:
    if not clean_text(move.data.reason):
        raise InvalidInput(_("دلیل این تغییر را بنویسید."), field="reason")
    return {}


def _conflicted_units(expert_id: int) -> frozenset[int]:
    """The units an expert declared a conflict with (read once per ``shared``
    block: a bulk writer assigns thousands of cases to a few experts)."""
    return frozenset(
        ExpertConflict.objects.filter(expert_id=expert_id).values_list("unit_id", flat=True)
    )


def _guard_assign(move: _Move) -> dict[str, Any]:
    """Assigning needs an active expert who has declared no conflict with the unit."""
    expert = move.data.expert or move.record.expert
    if expert is None:
        raise InvalidInput(_("برای ارجاع، کارشناس مسئول را انتخاب کنید."), field="expert")
    if not expert.is_active:
        raise InvalidInput(_("کارشناس «%(e)s» غیرفعال است.") % {"e": expert}, field="expert")
    if move.record.unit_id in once(_conflicted_units, expert.pk):
        raise InvalidInput(
            _("کارشناس «%(e)s» با این واحد تعارض منافع اعلام کرده است؛ کارشناس دیگری انتخاب کنید.")
            % {"e": expert},
            field="expert",
        )
    return {"expert": expert}


def _guard_reassign(move: _Move) -> dict[str, Any]:
    _needs_reason(move)
    if move.data.expert is None:
        raise InvalidInput(_("کارشناس جدید را انتخاب کنید."), field="expert")
    return _guard_assign(move)


def _guard_wait(move: _Move) -> dict[str, Any]:
    agency = move.data.agency or move.record.agency
    if agency is None:
        raise InvalidInput(_("دستگاهی را که پرونده در انتظار آن است انتخاب کنید."), field="agency")
    return {"agency": agency}


def _guard_escalate(move: _Move) -> dict[str, Any]:
    _needs_reason(move)
    target = move.data.escalated_to
    if target == Case.Escalation.WORKING_GROUP:
        group = move.data.working_group
        if group is None:
            raise InvalidInput(
                _("کارگروه ویژه‌ای را که پرونده به آن می‌رود انتخاب کنید."), field="working_group"
            )
        return {"escalated_to": target, "working_group": group}
    if target == Case.Escalation.PROVINCE:
        return {"escalated_to": target, "working_group": None}
    raise InvalidInput(_("مقصد ارجاع را انتخاب کنید: کارگروه ویژه یا استان."), field="escalated_to")


def _no_open_children(case: Case) -> None:
    open_children = case.children.filter(status__in=OPEN_STATUSES).count()
    if open_children:
        raise InvalidInput(
            _(
                "%(n)s پروندهٔ زیرمجموعهٔ این پرونده هنوز باز است؛ پروندهٔ مادر پس از بستن آن‌ها بسته می‌شود."
            )
            % {"n": open_children},
            field="status",
        )


def _guard_close(move: _Move) -> dict[str, Any]:
    _needs_reason(move)
    _no_open_children(move.record)
    return {}


def closure_prevented_allowed(case: Case) -> bool:
    """The rule of kpis.md: the unit was stalled or at high risk when the case opened."""
    return (
        case.unit_status_at_open == UnitStatus.STALLED or case.unit_risk_at_open == RiskLevel.HIGH
    )


def _guard_resolve(move: _Move) -> dict[str, Any]:
    """Resolving needs an outcome; each outcome its evidence (see Case.Outcome)."""
    case, data = move.record, move.data
    _no_open_children(case)
    outcome = data.outcome
    if outcome not in O.values or outcome == O.NONE:
        raise InvalidInput(_("نتیجهٔ رفع مانع را انتخاب کنید."), field="outcome")
    note = clean_text(data.outcome_note)
    changes: dict[str, Any] = {
        "outcome": outcome,
        "outcome_note": note,
        "resolved_on": move.today,
        "financing_rial": None,
        "followup_due_on": None,
        "followup_on": None,
        "followup_confirmed": None,
        "followup_note": "",
    }
    employees = data.jobs_preserved if data.jobs_preserved is not None else case.unit.employees
    if employees is not None and employees < 0:
        raise InvalidInput(_("شمار کارکنان نمی‌تواند منفی باشد."), field="jobs_preserved")
    changes["jobs_preserved"] = employees
    if outcome == O.CLOSURE_PREVENTED:
        if not closure_prevented_allowed(case):
            raise InvalidInput(
                _(
                    "«جلوگیری از تعطیلی» فقط برای واحدی ثبت می‌شود که هنگام گشایش پرونده راکد یا "
                    "پرخطر بوده است؛ این واحد «%(status)s» و با ریسک «%(risk)s» بود. نتیجهٔ دیگری "
                    "انتخاب کنید."
                )
                % {
                    "status": UnitStatus(case.unit_status_at_open).label
                    if case.unit_status_at_open in UnitStatus.values
                    else "—",
                    "risk": RiskLevel(case.unit_risk_at_open).label
                    if case.unit_risk_at_open in RiskLevel.values
                    else _("ارزیابی‌نشده"),
                },
                field="outcome",
            )
        if not note:
            raise InvalidInput(
                _(
                    "برای «جلوگیری از تعطیلی» مستندات را بنویسید (مثلاً شمارهٔ نامهٔ بانک یا گزارش بازدید)."
                ),
                field="outcome_note",
            )
        months = clinic_settings().followup_months
        changes["followup_due_on"] = add_jalali_months(move.today, months)
    if outcome == O.FINANCING:
        if not data.financing_rial or data.financing_rial <= 0:
            raise InvalidInput(_("مبلغ تأمین مالی تسهیل‌شده را وارد کنید."), field="financing_rial")
        changes["financing_rial"] = data.financing_rial
    return changes


def _guard_reopen(move: _Move) -> dict[str, Any]:
    _needs_reason(move)
    if move.record.expert_id is None:
        raise InvalidInput(
            _("پرونده کارشناس مسئول ندارد؛ پیش از بازگشایی کارشناس تعیین کنید."), field="expert"
        )
    return {
        "outcome": O.NONE, "outcome_note": "", "resolved_on": None, "financing_rial": None,
        "jobs_preserved": None, "followup_due_on": None, "followup_on": None,
        "followup_confirmed": None, "followup_note": "", "closed_at": None,
    }  # fmt: skip


_M, _W = MANAGERS, WORKERS

# The one table of allowed moves: (from, to) → who may, and what must be filled in.
TRANSITIONS: dict[tuple[str, str], Rule[Case]] = {
    (S.NEW, S.TRIAGED): _rule(_M),
    (S.NEW, S.WITHDRAWN): _rule(_M, _guard_close),
    (S.TRIAGED, S.ASSIGNED): _rule(_M, _guard_assign),
    (S.TRIAGED, S.WITHDRAWN): _rule(_M, _guard_close),
    (S.TRIAGED, S.NOT_RESOLVABLE): _rule(_M, _guard_close),
    (S.ASSIGNED, S.IN_PROGRESS): _rule(_W),
    (S.ASSIGNED, S.ASSIGNED): _rule(_M, _guard_reassign),
    (S.ASSIGNED, S.WITHDRAWN): _rule(_M, _guard_close),
    (S.IN_PROGRESS, S.WAITING): _rule(_W, _guard_wait),
    (S.IN_PROGRESS, S.ASSIGNED): _rule(_M, _guard_reassign),
    (S.IN_PROGRESS, S.ESCALATED): _rule(_W, _guard_escalate),
    (S.IN_PROGRESS, S.RESOLVED): _rule(_W, _guard_resolve),
    (S.IN_PROGRESS, S.NOT_RESOLVABLE): _rule(_W, _guard_close),
    (S.IN_PROGRESS, S.WITHDRAWN): _rule(_M, _guard_close),
    (S.WAITING, S.IN_PROGRESS): _rule(_W),
    (S.WAITING, S.ESCALATED): _rule(_W, _guard_escalate),
    (S.WAITING, S.WITHDRAWN): _rule(_M, _guard_close),
    (S.ESCALATED, S.IN_PROGRESS): _rule(_M),
    (S.ESCALATED, S.RESOLVED): _rule(_W, _guard_resolve),
    (S.ESCALATED, S.NOT_RESOLVABLE): _rule(_W, _guard_close),
    (S.ESCALATED, S.WITHDRAWN): _rule(_M, _guard_close),
    (S.RESOLVED, S.IN_PROGRESS): _rule(_M, _guard_reopen),
    (S.NOT_RESOLVABLE, S.IN_PROGRESS): _rule(_M, _guard_reopen),
    (S.WITHDRAWN, S.IN_PROGRESS): _rule(_M, _guard_reopen),
}


def _not_assigned(case: Case, user: Any) -> Forbidden | None:
    """An expert moves only the cases assigned to them."""
    if user_role(user) == Role.CLINIC_EXPERT and (
        case.expert is None or case.expert.user_id != user.pk
    ):
        return Forbidden(_("این پرونده به شما ارجاع نشده است."))
    return None


def _deadline(move: _Move) -> dict[str, Any]:
    """What every move sets: the closing time, and the deadline recomputed from the
    events (the clock pauses while waiting)."""
    case, now = move.record, move.now
    changes: dict[str, Any] = {}
    if move.to_status in CLOSED_STATUSES:
        changes["closed_at"] = now
    timeline = [(e.at, e.to_status) for e in case.events.all()] + [(now, move.to_status)]
    state = sla_state(
        opened_at=case.opened_at,
        limit_days=clinic_settings().sla_days(case.severity),
        events=timeline,
        now=now,
        calendar=calendar_for(case.province_id),
    )
    changes["due_at"] = state.due_at
    changes["updated_at"] = now
    return changes


def _case_row(move: _Move) -> CaseEvent:
    """The move's event row, not saved (``CASE_FLOW.history`` answers many)."""
    return CaseEvent(**move.row(case=move.record, reason=move.reason))


def _case_event(move: _Move) -> CaseEvent:
    event = _case_row(move)
    event.save()
    if move.from_status:  # a case's opening is not a move
        events.emit(
            "case.moved",
            key=f"case-event:{event.pk}",
            actor=move.user,
            case_id=move.record.pk,
            from_status=move.from_status,
            to_status=move.to_status,
        )
    return event


CASE_FLOW: Workflow[Case] = Workflow(
    model=Case,
    rules=TRANSITIONS,
    event=_case_event,
    row=_case_row,
    refuse=Refusals(
        stale=lambda status: Conflict(
            _("وضعیت این پرونده هم‌زمان به «%(s)s» تغییر کرده است؛ صفحه را دوباره باز کنید.")
            % {"s": status_label(S, status)}
        ),
        no_move=lambda frm, to: InvalidInput(
            _("پروندهٔ «%(from)s» را نمی‌توان به «%(to)s» برد.")
            % {"from": status_label(S, frm), "to": status_label(S, to)},
            field="to_status",
        ),
        role=lambda to: Forbidden(
            _("نقش شما اجازهٔ بردن پرونده به «%(to)s» را ندارد.") % {"to": status_label(S, to)}
        ),
        lost=lambda: Conflict(
            _("وضعیت این پرونده هم‌زمان تغییر کرده است؛ صفحه را دوباره باز کنید.")
        ),
    ),
    role_of=user_role,
    may_act=_not_assigned,
    also=_deadline,
    lock=lambda case: (
        Case.objects.select_for_update(of=("self",))
        .select_related("unit", "expert")
        .get(pk=case.pk)
    ),
)


# The statuses a user may move a case to (guards not run: the form asks for them).
allowed_transitions = CASE_FLOW.allowed_moves


def case_transition(
    *,
    case: Case,
    to_status: str,
    user: Any,
    data: MoveInput | None = None,
    now: datetime.datetime | None = None,
) -> Case:
    """Move ``case`` to ``to_status`` through ``CASE_FLOW`` (core.workflow): lock,
    refuse a stale status (``Conflict``), check the role and the guard, set the
    guard's fields, the closing time and the deadline recomputed from the events
    (``_deadline``), save on the old status and append the event.
    A refused move raises before anything is written."""
    data = data or MoveInput()
    moved = CASE_FLOW.transition(
        case, to_status, user=user, data=data, reason=clean_text(data.reason), now=now
    )
    moved.refresh_from_db()
    return moved


def case_followup_build(
    *,
    case: Case,
    confirmed: bool,
    on: datetime.date,
    note: str = "",
    now: datetime.datetime,
) -> Case:
    """The follow-up check of a prevented closure set on ``case``, not saved:
    :func:`case_followup_record`'s rules (a case resolved with "closure
    prevented", checked on a day from its resolution to today)."""
    if case.status != S.RESOLVED or case.outcome != O.CLOSURE_PREVENTED:
        raise InvalidInput(
            _("پیگیری فقط برای پرونده‌ای با نتیجهٔ «جلوگیری از تعطیلی» است."), field="confirmed"
        )
    if on > _today(now):
        raise InvalidInput(_("تاریخ پیگیری نمی‌تواند بعد از امروز باشد."), field="on")
    if case.resolved_on is not None and on < case.resolved_on:  # set when resolved
        raise InvalidInput(_("تاریخ پیگیری پیش از تاریخ رفع مانع است."), field="on")
    case.followup_on = on
    case.followup_confirmed = confirmed
    case.followup_note = clean_text(note)
    return case


def case_followup_record(*, user: Any, now: datetime.datetime | None = None, **fields: Any) -> Case:
    """Record the follow-up check of a prevented closure (does the unit still
    run?): :func:`case_followup_build`'s arguments."""
    if user_role(user) not in WORKERS:
        raise Forbidden(_("نقش شما اجازهٔ ثبت پیگیری را ندارد."))
    case = case_followup_build(now=now or timezone.now(), **fields)
    case._change_reason = FOLLOWED_UP  # type: ignore[attr-defined]
    case.save(update_fields=["followup_on", "followup_confirmed", "followup_note", "updated_at"])
    return case


def expert_conflict_declare(
    *, expert: Expert, unit: Unit, note: str = "", now: datetime.datetime | None = None
) -> ExpertConflict:
    now = now or timezone.now()
    conflict, _created = ExpertConflict.objects.get_or_create(
        expert=expert,
        unit=unit,
        defaults={"note": clean_text(note), "declared_on": _today(now)},
    )
    return conflict
