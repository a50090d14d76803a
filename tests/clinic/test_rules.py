"""Parent/child closing, the closure-prevented rule, its follow-up, and expert suggestions."""

from __future__ import annotations

import datetime as dt

import pytest

from jahesh.clinic import selectors, services
from jahesh.clinic.models import Case, CaseStatus, Expert, ExpertConflict, ObstacleCategory
from jahesh.core.errors import InvalidInput
from jahesh.core.text import normalize_key
from jahesh.units.models import StatusChange

S = CaseStatus


def _resolve(case, users, **fields):
    fields.setdefault("outcome", "closure_prevented")
    fields.setdefault("outcome_note", "نامهٔ بانک ملی شمارهٔ ۱۲۳ دربارهٔ امهال")
    return services.case_transition(
        case=case, to_status=S.RESOLVED, user=users["admin"], data=services.MoveInput(**fields)
    )


def test_it_keeps_a_parent_open_while_a_child_is_open(make_case, make_unit, users, category):
    parent = make_case(S.IN_PROGRESS)
    child = services.case_create(
        user=users["admin"],
        unit=make_unit(),
        category=category,
        severity=2,
        title="همان مانع",
        source="referral",
        parent=parent,
    )
    with pytest.raises(InvalidInput) as exc:
        _resolve(parent, users, outcome="other")
    assert "۱" in str(exc.value) or "1" in str(exc.value)
    assert "زیرمجموعه" in str(exc.value)
    parent.refresh_from_db()
    assert parent.status == S.IN_PROGRESS
    with pytest.raises(InvalidInput):
        services.case_transition(
            case=parent,
            to_status=S.WITHDRAWN,
            user=users["admin"],
            data=services.MoveInput(reason="لغو"),
        )
    services.case_transition(
        case=child,
        to_status=S.WITHDRAWN,
        user=users["admin"],
        data=services.MoveInput(reason="رفع شد"),
    )
    assert _resolve(parent, users, outcome="other").status == S.RESOLVED


def test_it_groups_only_the_same_obstacle_under_an_open_parent(make_case, make_unit, users):
    parent = make_case(S.IN_PROGRESS)
    other = ObstacleCategory.objects.get(code="electricity")
    with pytest.raises(InvalidInput) as exc:
        services.case_create(
            user=users["admin"],
            unit=make_unit(),
            category=other,
            severity=2,
            title="x",
            source="letter",
            parent=parent,
        )
    assert exc.value.field == "category"
    closed = make_case(S.WITHDRAWN)
    with pytest.raises(InvalidInput) as exc:
        services.case_create(
            user=users["admin"],
            unit=make_unit(),
            category=closed.category,
            severity=2,
            title="x",
            source="letter",
            parent=closed,
        )
    assert exc.value.field == "parent"


def test_it_allows_closure_prevented_for_a_unit_high_risk_at_opening(
    make_case, make_unit, high_risk, users
):
    case = make_case(S.IN_PROGRESS, unit=high_risk(make_unit(employees=85)))
    resolved = _resolve(case, users)
    assert (resolved.outcome, resolved.jobs_preserved) == ("closure_prevented", 85)
    # 6 Jalali months after 1404/09/06 is 1405/03/06.
    assert resolved.followup_due_on == dt.date(2026, 5, 27)


def test_it_allows_closure_prevented_for_a_unit_stalled_at_opening(make_case, make_unit, users):
    unit = make_unit(status="stalled")
    case = make_case(S.IN_PROGRESS, unit=unit)
    # Later edits of the unit do not change the rule: it reads the case's record.
    unit.status = "active"
    unit.save()
    assert _resolve(case, users).outcome == "closure_prevented"


def test_it_reads_the_status_history_as_of_the_opening(make_case, make_unit, users):
    unit = make_unit(status="active")
    StatusChange.objects.create(
        unit=unit, changed_on=dt.date(2025, 6, 1), from_status="active", to_status="stalled"
    )
    assert make_case(S.NEW, unit=unit).unit_status_at_open == "stalled"


def test_it_refuses_closure_prevented_for_a_working_low_risk_unit(make_case, make_unit, users):
    case = make_case(S.IN_PROGRESS, unit=make_unit(status="active"))
    with pytest.raises(InvalidInput) as exc:
        _resolve(case, users)
    assert "راکد یا پرخطر" in str(exc.value) and "فعال" in str(exc.value)
    case.refresh_from_db()
    assert (case.status, case.outcome) == (S.IN_PROGRESS, "")


def test_it_needs_evidence_for_closure_prevented(make_case, make_unit, high_risk, users):
    case = make_case(S.IN_PROGRESS, unit=high_risk(make_unit()))
    with pytest.raises(InvalidInput) as exc:
        _resolve(case, users, outcome_note="  ")
    assert exc.value.field == "outcome_note"


def test_it_shows_a_saving_as_unconfirmed_until_the_follow_up(
    make_case, make_unit, high_risk, users
):
    case = _resolve(make_case(S.IN_PROGRESS, unit=high_risk(make_unit())), users)
    assert case.followup_confirmed is None
    with pytest.raises(InvalidInput):
        services.case_followup_record(
            case=case, user=users["admin"], confirmed=True, on=dt.date(2026, 1, 1)
        )
    done = services.case_followup_record(
        case=case,
        user=users["admin"],
        confirmed=True,
        on=dt.date(2025, 11, 27),
        note="واحد فعال است",
    )
    assert (done.followup_confirmed, done.followup_on) == (True, dt.date(2025, 11, 27))


def _expert(geo, name, *, codes=(), sections="", capacity=8, active=True):
    e = Expert.objects.create(
        name=name,
        name_key=normalize_key(name),
        kind="university",
        province=geo["markazi"],
        isic_sections=sections,
        capacity=capacity,
        is_active=active,
    )
    e.categories.set(ObstacleCategory.objects.filter(code__in=codes))
    return e


def test_it_ranks_experts_by_fit_then_load_and_drops_conflicts(
    geo, make_case, make_unit, users, expert
):
    unit = make_unit(isic_code="2394")  # cement: section C
    unit.isic_section = "C"
    unit.save()
    case = make_case(S.TRIAGED, unit=unit)  # finance.bank_arrears
    exact_busy = _expert(
        geo, "الف کارشناس دقیق پرکار", codes=["finance.bank_arrears"], sections="C"
    )
    exact_free = _expert(geo, "ب کارشناس دقیق آزاد", codes=["finance.bank_arrears"], sections="C")
    parent_only = _expert(geo, "پ کارشناس گروه مالی", codes=["finance"], sections="C")
    section_only = _expert(geo, "ت کارشناس صنعت", sections="C")
    conflicted = _expert(geo, "ث کارشناس با تعارض", codes=["finance.bank_arrears"], sections="C")
    _expert(geo, "ج کارشناس غیرفعال", codes=["finance.bank_arrears"], active=False)
    ExpertConflict.objects.create(expert=conflicted, unit=unit, declared_on=dt.date(2025, 1, 1))
    for _ in range(3):
        c = make_case(S.TRIAGED)
        services.case_transition(
            case=c,
            to_status=S.ASSIGNED,
            user=users["admin"],
            data=services.MoveInput(expert=exact_busy),
        )
    ranked = selectors.expert_suggestions(user=users["hq"], case=case, limit=10)
    names = [s.expert.name for s in ranked]
    assert names[:4] == [exact_free.name, exact_busy.name, parent_only.name, section_only.name]
    assert [s.fit for s in ranked[:4]] == [3, 3, 2, 1]
    assert ranked[1].load == 3
    # Reasons name the taxonomy group and the ISIC section for people, never the code.
    assert ranked[2].reasons == ["گروه «دسترسی به منابع مالی»", "بخش آیسیک C"]
    assert conflicted.name not in names and "ج کارشناس غیرفعال" not in names
    assert Case.objects.filter(expert=exact_busy).count() == 3
