"""SLA warnings (80 % of the time limit gone) and breaches of cases, and
resolutions due in 3 working days or overdue, on the working-day clock of the
case's (the working group's) province: across Nowruz 1405 and a closure of Markazi."""

from __future__ import annotations

import datetime

import time_machine

from jahesh.clinic import services as clinic
from jahesh.clinic.models import CaseStatus
from jahesh.geo.services import closure_add
from jahesh.notifications.models import Notification
from tests.notifications.conftest import tehran

D = datetime.date


def _titles(user) -> list[str]:
    # (The monthly report is told on the first working day of a month too.)
    mine = Notification.objects.filter(recipient=user).exclude(kind="monthly_report")
    return list(mine.order_by("id").values_list("title", flat=True))


def _case_opened_at(make_case, moment):
    # Severity 3: 21 days; the warning is due 4.2 days before the deadline.
    with time_machine.travel(moment, tick=False):
        return make_case(CaseStatus.ASSIGNED)


def test_sla_warning_and_breach_across_nowruz(make_case, users, run_at):
    # Opened on Thursday 1404/12/14 (2026-03-05, a day off): the 21 working days
    # run from Saturday, past Nowruz (03-20..03-24) and the holidays of
    # Farvardin, to Tuesday 2026-04-14 00:00. 80 % of them is gone on Tuesday
    # 04-07 at 19:12, counted back on the same working-day clock. 04-14 itself is a
    # holiday (Imam Ja'far al-Sadiq's martyrdom), so the breach is told on 04-15.
    case = _case_opened_at(make_case, tehran(2026, 3, 5, 10))
    assert case.due_at == tehran(2026, 4, 14, 0)
    n = f"{case.pk}".translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))

    run_at(tehran(2026, 3, 22, 10))  # in Nowruz: the clock stands
    run_at(tehran(2026, 4, 7, 19))  # 12 minutes before the 80 % point
    assert _titles(users["expert"]) == []
    run_at(tehran(2026, 4, 7, 20))
    warning = f"۸۰٪ مهلت پروندهٔ {n} «{case.title}» گذشته است"
    assert _titles(users["expert"]) == [warning]
    assert _titles(users["arak"]) == [warning]
    assert _titles(users["saveh"]) == []
    assert _titles(users["hq"]) == []
    run_at(tehran(2026, 4, 13, 23))  # not yet past the deadline
    assert len(_titles(users["expert"])) == 1
    run_at(tehran(2026, 4, 14, 8))  # past it, on a holiday
    assert len(_titles(users["expert"])) == 1
    run_at(tehran(2026, 4, 15, 8))
    breach = f"مهلت پروندهٔ {n} «{case.title}» گذشت"
    assert _titles(users["expert"]) == [warning, breach]
    assert _titles(users["hq"]) == [breach]  # the province's managers hear of a breach
    assert _titles(users["hq_other"]) == []
    run_at(tehran(2026, 4, 16))
    assert len(_titles(users["expert"])) == 2  # once each


def test_sla_warning_and_breach_wait_for_the_end_of_a_closure(make_case, geo, users, run_at):
    # Opened Monday 2026-04-13 10:00 in Markazi, with Markazi closed on 05-02 and
    # 05-04: 21 working days end on Sunday 05-17 at 10:00 (two days later than
    # elsewhere), and 80 % of them is gone on Monday 05-11 at 05:12.
    closure_add(on=D(2026, 5, 2), province=geo["markazi"], reason="آلودگی هوا")
    closure_add(on=D(2026, 5, 4), province=geo["markazi"], reason="آلودگی هوا")
    case = _case_opened_at(make_case, tehran(2026, 4, 13, 10))
    assert case.due_at == tehran(2026, 5, 17, 10)

    run_at(tehran(2026, 5, 11, 5))
    assert _titles(users["expert"]) == []
    run_at(tehran(2026, 5, 11, 6))
    assert len(_titles(users["expert"])) == 1
    run_at(tehran(2026, 5, 17, 9))
    assert len(_titles(users["expert"])) == 1
    run_at(tehran(2026, 5, 17, 11))
    assert len(_titles(users["expert"])) == 2
    assert "گذشت" in _titles(users["hq"])[0]


def test_a_paused_case_is_not_warned(make_case, users, run_at):
    case = _case_opened_at(make_case, tehran(2026, 4, 13, 10))
    with time_machine.travel(tehran(2026, 4, 20, 10), tick=False):
        clinic.case_transition(case=case, to_status=CaseStatus.IN_PROGRESS, user=users["admin"])
        case.refresh_from_db()
        clinic.case_transition(
            case=case,
            to_status=CaseStatus.WAITING,
            user=users["admin"],
            data=clinic.MoveInput(reason="در انتظار بانک"),
        )
    run_at(tehran(2026, 5, 5))
    assert _titles(users["expert"]) == []


def _resolution(users, group, agency, due_on, case=None):
    session = clinic.session_create(user=users["hq"], group=group, held_on=D(2026, 3, 1))
    return clinic.resolution_create(
        user=users["hq"], session=session, text="تمدید مهلت بازپرداخت", agency=agency,
        due_on=due_on, case=case,
    )  # fmt: skip


def test_resolution_due_in_three_working_days_across_nowruz(users, group, agency, run_at):
    # Due 2026-03-28; the third working day before it is 03-17 (Nowruz between).
    _resolution(users, group, agency, D(2026, 3, 28))
    run_at(tehran(2026, 3, 16))
    assert _titles(users["hq"]) == []
    run_at(tehran(2026, 3, 17))
    assert _titles(users["hq"]) == [f"مهلت مصوبهٔ «{agency.name}» ۱۴۰۵/۰۱/۰۸ است"]
    run_at(tehran(2026, 3, 25))
    assert len(_titles(users["hq"])) == 1
    assert _titles(users["hq_other"]) == []


def test_resolution_overdue_waits_for_the_end_of_nowruz(users, group, agency, make_case, run_at):
    case = make_case(CaseStatus.ASSIGNED)
    _resolution(users, group, agency, D(2026, 3, 19), case=case)
    run_at(tehran(2026, 3, 22))
    assert [t for t in _titles(users["arak"]) if "مصوبه" in t] == []
    run_at(tehran(2026, 3, 25))
    overdue = f"مهلت مصوبهٔ «{agency.name}» (۱۴۰۴/۱۲/۲۸) گذشت"
    assert overdue in _titles(users["hq"])
    assert overdue in _titles(users["arak"])  # the case's county officers too
    assert overdue not in _titles(users["saveh"])


def test_resolution_reminders_move_with_a_closure(users, group, agency, geo, run_at):
    # Due Wednesday 2026-04-08: 3 working days before is 04-05, closed → 04-04.
    closure_add(on=D(2026, 4, 5), province=geo["markazi"], reason="آلودگی هوا")
    closure_add(on=D(2026, 4, 9 + 2), province=geo["markazi"], reason="آلودگی هوا")
    _resolution(users, group, agency, D(2026, 4, 8))
    run_at(tehran(2026, 4, 4))
    assert len(_titles(users["hq"])) == 1
    # Overdue from the first working day after 04-08: 04-09/10 are the weekend
    # and 04-11 is closed: 04-12.
    run_at(tehran(2026, 4, 11))
    assert len(_titles(users["hq"])) == 1
    run_at(tehran(2026, 4, 12))
    assert len(_titles(users["hq"])) == 2
