"""Installment reminders to borrowers: 3 working days before the due date, then
1, 7 and 30 days overdue, on the working-day clock of the fund's province, with
the clock frozen across Nowruz 1405 (1405/01/01 = 2026-03-21; offices closed
2026-03-19 … 03-24, Thursday and Friday off) and across a closure of Markazi.
"""

from __future__ import annotations

import datetime

import pytest

from jahesh.funds import services as funds
from jahesh.geo.services import closure_add
from jahesh.notifications.models import Delivery, Notification
from tests.notifications.conftest import tehran

D = datetime.date


def test_it_reminds_three_working_days_before_the_due_date_across_nowruz(installment_due, run_at):
    # Due Saturday 1405/01/08 (2026-03-28): the three working days before it
    # are 03-25 (between Nowruz and the weekend), 03-18 and 03-17.
    installment_due(D(2026, 3, 28))

    assert run_at(tehran(2026, 3, 16)) == []
    texts = run_at(tehran(2026, 3, 17))
    assert len(texts) == 1
    assert "یادآوری: قسط ۱" in texts[0]
    assert "۱۴۰۵/۰۱/۰۸" in texts[0]
    # Nothing more during Nowruz nor on the day before the due date.
    assert run_at(tehran(2026, 3, 22)) == []
    assert run_at(tehran(2026, 3, 25)) == []


def test_it_moves_the_due_reminder_before_a_closure_of_the_province(installment_due, geo, run_at):
    closure_add(on=D(2026, 3, 17), province=geo["markazi"], reason="آلودگی هوا")
    installment_due(D(2026, 3, 28))

    # 03-17 is closed in Markazi: the third working day before is now 03-16.
    texts = run_at(tehran(2026, 3, 16))
    assert len(texts) == 1 and "سررسید می‌شود" in texts[0]
    assert run_at(tehran(2026, 3, 17)) == []


def test_a_closure_of_another_province_does_not_move_the_reminder(installment_due, geo, run_at):
    closure_add(on=D(2026, 3, 17), province=geo["tehran"], reason="آلودگی هوا")
    installment_due(D(2026, 3, 28))

    assert run_at(tehran(2026, 3, 16)) == []
    assert len(run_at(tehran(2026, 3, 17))) == 1


def test_it_holds_the_one_day_overdue_reminder_until_after_nowruz(installment_due, run_at, users):
    # Due Thursday 1404/12/28 (2026-03-19): one day late is 03-20, a holiday, and
    # the offices stay closed until 03-25; seven days late is 03-26 (Thursday):
    # the first working day after it is 03-28.
    installment = installment_due(D(2026, 3, 19))

    for day in (20, 21, 22, 23, 24):
        assert run_at(tehran(2026, 3, day)) == []
    texts = run_at(tehran(2026, 3, 25))
    assert len(texts) == 1
    assert "۶ روز گذشته است" in texts[0]  # sent on the 6th day, as the 1-day reminder
    assert run_at(tehran(2026, 3, 25, 12)) == []
    seven = run_at(tehran(2026, 3, 28))
    assert len(seven) == 1 and "۹ روز گذشته است" in seven[0]
    keys = set(
        Delivery.objects.filter(kind="installment_overdue").values_list(
            "idempotency_key", flat=True
        )
    )
    assert keys == {
        f"installment:{installment.pk}:overdue1:sms:m{installment.loan.member_id}",
        f"installment:{installment.pk}:overdue7:sms:m{installment.loan.member_id}",
    }
    # The fund's managers are told in the app of each overdue reminder.
    titles = Notification.objects.filter(recipient=users["fund"]).values_list("title", flat=True)
    assert sorted(titles) == sorted(
        [
            f"قسط ۱ وام ۱ ({installment.loan.member}) ۶ روز معوق است",
            f"قسط ۱ وام ۱ ({installment.loan.member}) ۹ روز معوق است",
        ]
    )


def test_seven_days_overdue_across_nowruz_sends_one_reminder_not_two(installment_due, run_at):
    # Due 1404/12/27 (2026-03-18): 1 day late (03-19) and 7 days late (03-25)
    # both come due on 03-25, the first working day: one text, the 7-day one.
    installment_due(D(2026, 3, 18))

    texts = run_at(tehran(2026, 3, 25))
    assert len(texts) == 1 and "۷ روز گذشته است" in texts[0]
    assert Delivery.objects.filter(idempotency_key__contains=":overdue1:").count() == 0


def test_thirty_days_overdue_falls_after_nowruz(installment_due, run_at):
    # Due 1404/12/03 (2026-02-22): 30 days late is 03-24, still Nowruz.
    installment_due(D(2026, 2, 22))

    assert run_at(tehran(2026, 3, 24)) == []
    texts = run_at(tehran(2026, 3, 25))
    assert len(texts) == 1 and "۳۱ روز گذشته است" in texts[0]
    # A week after its day the 30-day reminder is not sent any more (a new
    # install does not text every old debtor).
    assert Delivery.objects.filter(idempotency_key__contains=":overdue30:").count() == 1


def test_thirty_days_overdue_waits_for_the_end_of_a_closure(installment_due, geo, run_at):
    # Due 2026-03-06: 30 days late is Sunday 04-05, closed in Markazi.
    closure_add(on=D(2026, 4, 5), province=geo["markazi"], reason="کمبود انرژی")
    installment_due(D(2026, 3, 6))

    assert run_at(tehran(2026, 4, 5)) == []
    texts = run_at(tehran(2026, 4, 6))
    assert len(texts) == 1 and "۳۱ روز گذشته است" in texts[0]


def test_a_thirty_day_reminder_is_not_sent_a_week_late(installment_due, run_at):
    installment_due(D(2026, 3, 6))  # 30 days late: 04-05
    assert run_at(tehran(2026, 4, 12)) == []


def test_one_day_overdue_waits_for_the_end_of_a_closure(installment_due, geo, run_at):
    # Due Sunday 2026-04-05; one day late is Monday 04-06, closed in Markazi.
    closure_add(on=D(2026, 4, 6), province=geo["markazi"], reason="آلودگی هوا")
    installment_due(D(2026, 4, 5))

    assert run_at(tehran(2026, 4, 6)) == []
    texts = run_at(tehran(2026, 4, 7))
    assert len(texts) == 1 and "۲ روز گذشته است" in texts[0]


def test_a_paid_installment_is_not_reminded(installment_due, run_at, users, clerk):
    installment = installment_due(D(2026, 3, 28))
    funds.repayment_record(
        loan=installment.loan,
        amount=installment.amount,
        paid_on=D(2026, 3, 14),
        user=clerk,
        key="paid-early",
    )
    assert run_at(tehran(2026, 3, 17)) == []


def test_a_borrower_without_a_mobile_gets_no_text_and_the_job_goes_on(installment_due, run_at):
    installment = installment_due(D(2026, 3, 28))
    installment.loan.member.__class__.objects.filter(pk=installment.loan.member_id).update(
        mobile=""
    )
    assert run_at(tehran(2026, 3, 17)) == []


@pytest.mark.parametrize("runs", [2, 3])
def test_running_the_job_again_sends_nothing_twice(installment_due, run_at, runs):
    installment_due(D(2026, 3, 28))
    sent = [len(run_at(tehran(2026, 3, 17, 8 + i))) for i in range(runs)]
    assert sent == [1] + [0] * (runs - 1)
    assert Delivery.objects.filter(status="sent").count() == 1
