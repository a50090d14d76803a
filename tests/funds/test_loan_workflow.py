"""The loan workflow: request → approved → disbursed, maker-checker, the board-member ban."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from jahesh.core.errors import Conflict, Forbidden, InvalidInput
from jahesh.core.identifiers import normalize_national_code
from jahesh.core.money import format_rials
from jahesh.funds import services
from jahesh.funds.models import Installment, LedgerEntry, Loan, LoanEvent

from .conftest import valid_code

ON = datetime.date(2023, 6, 22)  # 1 Tir 1402


def _request(fund, member, user, **kw):
    terms = {"principal": 100_000_000, "months": 24, "purpose": "خیاطی", "requested_on": ON}
    return services.loan_request(fund=fund, member=member, user=user, **{**terms, **kw})


def test_it_generates_valid_national_codes_for_fixtures():
    assert all(normalize_national_code(valid_code(i)) == valid_code(i) for i in range(1, 500))


def test_it_refuses_approval_by_the_user_who_recorded_the_request(funded, member, users, clerk):
    loan = _request(funded, member, users["fund"])
    with pytest.raises(Forbidden):
        services.loan_approve(loan=loan, user=users["fund"], on=ON)
    loan.refresh_from_db()
    assert loan.status == Loan.Status.REQUESTED
    services.loan_approve(loan=loan, user=clerk, on=ON)
    assert Loan.objects.get(pk=loan.pk).approved_by == clerk


def test_it_refuses_disbursement_by_the_maker(funded, member, users, clerk):
    loan = _request(funded, member, users["fund"])
    services.loan_approve(loan=loan, user=clerk, on=ON)
    with pytest.raises(Forbidden):
        services.loan_disburse(loan=loan, user=users["fund"], on=ON)
    assert not Installment.objects.filter(loan=loan).exists()


def test_it_refuses_a_loan_to_a_board_member(funded, add_member, users):
    chair = add_member(funded, board_role="chair")
    with pytest.raises(Forbidden) as exc:
        _request(funded, chair, users["fund"])
    assert "هیئت‌مدیره" in str(exc.value.message)
    assert not Loan.objects.exists()


def test_it_refuses_terms_and_rules_with_persian_messages(funded, add_member, users):
    member = add_member(funded, savings=10_000_000)
    with pytest.raises(InvalidInput) as exc:
        _request(funded, member, users["fund"])  # 100m > 5 × 10m savings
    assert "سقف اعتبار" in str(exc.value.message)
    with pytest.raises(InvalidInput) as exc:
        _request(funded, member, users["fund"], principal=10_000_000, months=61)
    assert exc.value.errors[0]["field"] == "months"
    newcomer = add_member(funded, joined_on=ON - datetime.timedelta(days=20))
    with pytest.raises(InvalidInput) as exc:
        _request(funded, newcomer, users["fund"], principal=10_000_000)
    assert "عضویت" in str(exc.value.message)


def test_it_disburses_with_the_worked_example_schedule_and_a_ledger_entry(disbursed_loan):
    loan = disbursed_loan()
    assert loan.status == Loan.Status.DISBURSED
    assert loan.fee == 4_166_667
    amounts = list(loan.installments.order_by("number").values_list("amount", flat=True))
    assert amounts == [4_340_000] * 23 + [4_346_667]
    entry = LedgerEntry.objects.get(loan=loan)
    assert (entry.kind, entry.amount, entry.entered_on) == (
        "disbursement",
        100_000_000,
        loan.disbursed_on,
    )
    moves = list(LoanEvent.objects.filter(loan=loan).values_list("from_status", "to_status"))
    assert moves == [("", "requested"), ("requested", "approved"), ("approved", "disbursed")]


def test_it_refuses_a_disbursement_the_fund_cannot_pay(fund, member, users, clerk):
    loan = _request(
        fund, member, users["fund"], principal=100_000_000
    )  # only 100m savings in the fund
    services.loan_approve(loan=loan, user=clerk, on=ON)
    other = _request(fund, member, users["fund"], principal=50_000_000)
    services.loan_approve(loan=other, user=clerk, on=ON)
    services.loan_disburse(loan=loan, user=clerk, on=ON)
    with pytest.raises(InvalidInput) as exc:
        services.loan_disburse(loan=other, user=clerk, on=ON)
    assert "موجودی نقد" in str(exc.value.message)


def test_it_refuses_moves_outside_the_table(funded, member, users, clerk):
    loan = _request(funded, member, users["fund"])
    with pytest.raises(Conflict):
        services.loan_disburse(loan=loan, user=clerk, on=ON)  # not yet approved
    services.loan_reject(loan=loan, user=clerk, reason="مدارک ناقص")
    with pytest.raises(Conflict):
        services.loan_approve(loan=loan, user=clerk, on=ON)


def test_it_draws_a_lottery_that_replays_to_the_same_winners(funded, add_member, users, clerk):
    loans = [
        _request(funded, add_member(funded), users["fund"], principal=20_000_000, in_queue=True)
        for _ in range(6)
    ]
    draw = services.lottery_draw(fund=funded, slots=2, user=clerk, seed="1402-tir")
    assert draw.entrants == sorted(loan.pk for loan in loans)
    assert len(draw.winners) == 2
    assert services.lottery_verify(draw=draw) is True
    assert set(Loan.objects.filter(draw=draw).values_list("pk", flat=True)) == set(draw.winners)
    draw.winners = list(reversed(draw.winners))
    assert services.lottery_verify(draw=draw) is False  # a tampered record does not replay


def test_it_writes_off_the_outstanding_principal(disbursed_loan, users, clerk):
    loan = disbursed_loan()
    services.repayment_record(
        loan=loan,
        amount=4_340_000,
        paid_on=datetime.date(2023, 7, 23),
        key="k1",
        user=users["fund"],
    )
    services.loan_write_off(
        loan=loan, user=clerk, on=datetime.date(2024, 6, 1), reason="فوت وام‌گیرنده"
    )
    entry = LedgerEntry.objects.get(loan=loan, kind="write_off")
    assert entry.amount == 100_000_000 - (4_340_000 - 173_611)
    assert Loan.objects.get(pk=loan.pk).status == Loan.Status.WRITTEN_OFF


def test_it_reschedules_what_is_still_owed(disbursed_loan, users, clerk):
    loan = disbursed_loan()
    services.repayment_record(
        loan=loan,
        amount=5_000_000,
        paid_on=datetime.date(2023, 7, 23),
        key="k1",
        user=users["fund"],
    )
    services.loan_reschedule(
        loan=loan, months=10, on=datetime.date(2024, 1, 1), user=clerk, reason="خشکسالی"
    )
    inst = list(loan.installments.order_by("number"))
    assert sum(i.amount for i in inst) == 104_166_667
    assert [i.number for i in inst] == list(range(1, 13))  # 2 kept (1 paid, 1 part-paid) + 10 new
    assert sum(i.paid for i in inst) == 5_000_000
    assert Loan.objects.get(pk=loan.pk).status == Loan.Status.RESCHEDULED


def test_it_puts_the_credit_ceiling_on_the_amount_in_the_display_unit(funded, add_member, users):
    # A multiple of 10 is stored as Decimal("10.00"); normalised it printed as «۱E+۱».
    funded.credit_multiple = Decimal("10.00")
    funded.save(update_fields=["credit_multiple"])
    member = add_member(funded, savings=4_500_000)
    with pytest.raises(InvalidInput) as exc:
        _request(funded, member, users["fund"], principal=100_000_000)
    [error] = [e for e in exc.value.errors if "سقف اعتبار" in e["message"]]
    assert error["field"] == "principal"
    assert format_rials(45_000_000) in error["message"]  # ۴٬۵۰۰٬۰۰۰ تومان
    assert "۱۰ برابر" in error["message"]
    assert "E+" not in error["message"] and "ریال" not in error["message"]
