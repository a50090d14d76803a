from __future__ import annotations

import copy

import pytest
from django.utils import timezone

from jahesh.clinic import services
from jahesh.clinic.models import Case, CaseEvent, CaseStatus, ExpertConflict
from jahesh.core.errors import Conflict, Forbidden, InvalidInput
from jahesh.core.workflow import Step

S = CaseStatus
ALLOWED = sorted(services.TRANSITIONS)
REFUSED = sorted((a, b) for a in S.values for b in S.values if (a, b) not in services.TRANSITIONS)


def _full(expert, agency, group, other_expert=None):
    return services.MoveInput(
        reason="دلیل",
        expert=other_expert or expert,
        agency=agency,
        escalated_to="working_group",
        working_group=group,
        outcome="other",
        outcome_note="شرح",
    )


@pytest.mark.parametrize(("frm", "to"), ALLOWED)
def test_it_makes_every_allowed_move_and_records_the_event(
    frm, to, make_case, users, expert, other_expert, agency, group
):
    case = make_case(frm)
    before = case.events.count()
    moved = services.case_transition(
        case=case,
        to_status=to,
        user=users["admin"],
        data=_full(
            expert, agency, group, other_expert if to == S.ASSIGNED and frm != S.TRIAGED else None
        ),
    )
    assert moved.status == to
    event = moved.events.order_by("-id").first()
    assert case.events.count() == before + 1
    assert (event.from_status, event.to_status, event.by) == (frm, to, users["admin"])
    assert (moved.closed_at is not None) == (to in (S.RESOLVED, S.NOT_RESOLVABLE, S.WITHDRAWN))


@pytest.mark.parametrize(("frm", "to"), REFUSED)
def test_it_refuses_every_other_move_in_persian_and_leaves_the_case(
    frm, to, make_case, users, expert, agency, group
):
    case = make_case(frm)
    before = (case.status, case.events.count(), case.due_at)
    with pytest.raises(InvalidInput) as exc:
        services.case_transition(
            case=case, to_status=to, user=users["admin"], data=_full(expert, agency, group)
        )
    assert "نمی‌توان" in str(exc.value)
    case.refresh_from_db()
    assert (case.status, case.events.count(), case.due_at) == before


def _refused(case, user, to, data, error=InvalidInput):
    before = (case.status, case.events.count(), case.expert_id, case.outcome)
    with pytest.raises(error) as exc:
        services.case_transition(case=case, to_status=to, user=user, data=data)
    case.refresh_from_db()
    assert (case.status, case.events.count(), case.expert_id, case.outcome) == before
    return str(exc.value)


def test_it_needs_an_expert_to_assign(make_case, users):
    msg = _refused(make_case(S.TRIAGED), users["admin"], S.ASSIGNED, services.MoveInput())
    assert msg == "برای ارجاع، کارشناس مسئول را انتخاب کنید."


def test_it_refuses_an_expert_with_a_declared_conflict(make_case, users, expert):
    case = make_case(S.TRIAGED)
    ExpertConflict.objects.create(expert=expert, unit=case.unit, declared_on=case.opened_on)
    msg = _refused(case, users["admin"], S.ASSIGNED, services.MoveInput(expert=expert))
    assert "تعارض منافع" in msg


def test_it_needs_an_agency_to_wait(make_case, users):
    case = make_case(S.IN_PROGRESS)
    Case.objects.filter(pk=case.pk).update(agency=None)
    case.refresh_from_db()
    msg = _refused(case, users["admin"], S.WAITING, services.MoveInput())
    assert msg == "دستگاهی را که پرونده در انتظار آن است انتخاب کنید."


def test_it_needs_an_outcome_to_resolve(make_case, users):
    msg = _refused(make_case(S.IN_PROGRESS), users["admin"], S.RESOLVED, services.MoveInput())
    assert msg == "نتیجهٔ رفع مانع را انتخاب کنید."


def test_it_needs_an_amount_for_financing(make_case, users):
    msg = _refused(
        make_case(S.IN_PROGRESS),
        users["admin"],
        S.RESOLVED,
        services.MoveInput(outcome="financing"),
    )
    # The form takes the amount in the display unit: the message names no unit.
    assert msg == "مبلغ تأمین مالی تسهیل‌شده را وارد کنید."


def test_it_records_financing_and_employees_at_resolution(make_case, users):
    case = make_case(S.IN_PROGRESS)
    moved = services.case_transition(
        case=case,
        to_status=S.RESOLVED,
        user=users["admin"],
        data=services.MoveInput(outcome="financing", financing_rial=5_000_000_000),
    )
    assert (moved.financing_rial, moved.jobs_preserved, moved.due_at) == (5_000_000_000, 40, None)
    assert moved.resolved_on.isoformat() == "2025-11-27"


def test_it_needs_a_target_and_a_reason_to_escalate(make_case, users, group):
    case = make_case(S.IN_PROGRESS)
    assert _refused(case, users["admin"], S.ESCALATED, services.MoveInput()) == (
        "دلیل این تغییر را بنویسید."
    )
    msg = _refused(
        case,
        users["admin"],
        S.ESCALATED,
        services.MoveInput(reason="نیاز به مصوبه", escalated_to="working_group"),
    )
    assert "کارگروه" in msg
    moved = services.case_transition(
        case=case,
        to_status=S.ESCALATED,
        user=users["admin"],
        data=services.MoveInput(
            reason="نیاز به مصوبه", escalated_to="working_group", working_group=group
        ),
    )
    assert (moved.escalated_to, moved.working_group) == ("working_group", group)


def test_it_needs_a_reason_to_withdraw_or_reopen(make_case, users):
    assert _refused(make_case(S.NEW), users["admin"], S.WITHDRAWN, services.MoveInput()) == (
        "دلیل این تغییر را بنویسید."
    )
    assert _refused(make_case(S.RESOLVED), users["admin"], S.IN_PROGRESS, services.MoveInput()) == (
        "دلیل این تغییر را بنویسید."
    )


def test_it_clears_the_outcome_on_reopen(make_case, users):
    case = make_case(S.RESOLVED)
    assert case.outcome == "other"
    moved = services.case_transition(
        case=case,
        to_status=S.IN_PROGRESS,
        user=users["admin"],
        data=services.MoveInput(reason="مانع دوباره پیدا شد"),
    )
    assert (moved.outcome, moved.resolved_on, moved.closed_at) == ("", None, None)
    assert moved.due_at is not None


def test_it_lets_only_the_assigned_expert_work_the_case(make_case, users, make_user, expert):
    case = make_case(S.ASSIGNED)
    stranger = make_user("expert2", "clinic_expert")
    msg = _refused(case, stranger, S.IN_PROGRESS, services.MoveInput(), error=Forbidden)
    assert msg == "این پرونده به شما ارجاع نشده است."
    moved = services.case_transition(case=case, to_status=S.IN_PROGRESS, user=users["expert"])
    assert moved.status == S.IN_PROGRESS
    assert services.allowed_transitions(moved, stranger) == []
    assert S.WAITING in services.allowed_transitions(moved, users["expert"])


def test_it_refuses_moves_to_roles_not_in_the_table(make_case, users):
    msg = _refused(
        make_case(S.NEW), users["expert"], S.TRIAGED, services.MoveInput(), error=Forbidden
    )
    assert "اجازه" in msg
    _refused(make_case(S.NEW), users["viewer"], S.TRIAGED, services.MoveInput(), error=Forbidden)


def test_it_refuses_a_move_from_a_stale_status(make_case, users):
    case = make_case(S.IN_PROGRESS)
    stale = Case.objects.get(pk=case.pk)
    services.case_transition(case=case, to_status=S.WAITING, user=users["admin"])
    with pytest.raises(Conflict) as exc:
        services.case_transition(
            case=stale,
            to_status=S.RESOLVED,
            user=users["admin"],
            data=services.MoveInput(outcome="other"),
        )
    assert "هم‌زمان" in str(exc.value)
    assert CaseEvent.objects.filter(case=case, to_status=S.RESOLVED).count() == 0


def test_it_records_the_taxonomy_version_and_the_unit_on_opening(make_case, make_unit, high_risk):
    unit = high_risk(make_unit(status="partial"))
    case = make_case(S.NEW, unit=unit)
    assert case.taxonomy_version == "wbes-m1a-1403"
    assert (case.unit_status_at_open, case.unit_risk_at_open) == ("partial", "high")
    assert case.events.get().to_status == S.NEW


def _refusal(call) -> tuple[type, str]:
    with pytest.raises((InvalidInput, Forbidden)) as exc:
        call()
    return type(exc.value), str(exc.value.message)


def test_the_bulk_form_refuses_what_case_transition_refuses(make_case, users, make_user, expert):
    """CASE_FLOW.history (the demo's trails) refuses a move the table lacks, a
    role the move's row lacks, an expert moving a case not assigned to them and
    a guard's refusal as case_transition does, same message; each step may be
    made by its own user, whom its event names."""
    admin, stranger = users["admin"], make_user("expert2", "clinic_expert")
    empty = services.MoveInput()

    def move(status: str, to: str, user, data=empty):
        return lambda: services.case_transition(
            case=make_case(status), to_status=to, user=user, data=data
        )

    named = services.MoveInput(expert=expert)

    def history(*moves: tuple[str, object], data=named):
        case = copy.copy(make_case(S.NEW))
        steps = [Step(S.NEW, timezone.now())]
        steps += [Step(to, timezone.now(), data=data, user=user) for to, user in moves]
        return services.CASE_FLOW.history(case, steps, user=admin)

    triage, assign = (S.TRIAGED, admin), (S.ASSIGNED, admin)
    assert _refusal(lambda: history((S.RESOLVED, admin))) == _refusal(
        move(S.NEW, S.RESOLVED, admin)
    )
    assert _refusal(lambda: history((S.TRIAGED, users["expert"]))) == _refusal(
        move(S.NEW, S.TRIAGED, users["expert"])
    )
    assert _refusal(lambda: history(triage, assign, (S.IN_PROGRESS, stranger))) == _refusal(
        move(S.ASSIGNED, S.IN_PROGRESS, stranger)
    )
    work = (S.IN_PROGRESS, users["expert"])
    assert _refusal(lambda: history(triage, assign, work, (S.RESOLVED, admin))) == _refusal(
        move(S.IN_PROGRESS, S.RESOLVED, admin)
    )
    resolved = services.MoveInput(expert=expert, outcome="other", outcome_note="شرح")
    rows = history(triage, assign, work, (S.RESOLVED, users["expert"]), data=resolved)
    assert [(r.from_status, r.to_status, r.by) for r in rows] == [
        ("", S.NEW, admin),
        (S.NEW, S.TRIAGED, admin),
        (S.TRIAGED, S.ASSIGNED, admin),
        (S.ASSIGNED, S.IN_PROGRESS, users["expert"]),
        (S.IN_PROGRESS, S.RESOLVED, users["expert"]),
    ]
