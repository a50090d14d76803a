"""Repayments: allocation, idempotency, overpayment, settlement, reversal, concurrency."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection

from jahesh.core.errors import Conflict, InvalidInput
from jahesh.funds import books, selectors, services
from jahesh.funds.models import GuaranteeDocument, LedgerEntry, Loan, Repayment

PAID = datetime.date(2023, 7, 23)  # 1 Mordad 1402, the first due date


def test_it_applies_a_payment_fee_first_to_the_oldest_installment(disbursed_loan, users):
    loan = disbursed_loan()
    services.repayment_record(
        loan=loan, amount=5_000_000, paid_on=PAID, key="a", user=users["fund"]
    )
    first, second = loan.installments.order_by("number")[:2]
    assert (first.paid_fee, first.paid_principal, first.paid_on) == (173_611, 4_166_389, PAID)
    assert (second.paid_fee, second.paid_principal, second.paid_on) == (173_611, 486_389, None)
    entries = dict(
        LedgerEntry.objects.filter(loan=loan, kind__startswith="repay").values_list(
            "kind", "amount"
        )
    )
    assert entries == {"repay_fee": 347_222, "repay_principal": 4_652_778}


def test_it_records_a_retried_request_once(disbursed_loan, users):
    loan = disbursed_loan()
    first, created = services.repayment_record(
        loan=loan, amount=4_340_000, paid_on=PAID, key="k-1", user=users["fund"]
    )
    again, created_again = services.repayment_record(
        loan=loan, amount=4_340_000, paid_on=PAID, key="k-1", user=users["fund"]
    )
    assert (created, created_again, again.pk) == (True, False, first.pk)
    assert Repayment.objects.count() == 1
    assert LedgerEntry.objects.filter(kind__startswith="repay").count() == 2
    with pytest.raises(Conflict):
        services.repayment_record(
            loan=loan, amount=1_000, paid_on=PAID, key="k-1", user=users["fund"]
        )


def test_it_refuses_an_overpayment_and_settles_at_the_exact_total(disbursed_loan, funded, users):
    loan = disbursed_loan()
    services.guarantee_document_add(
        loan=loan, kind="cheque", number="123456", amount=120_000_000, bank="ملی"
    )
    with pytest.raises(InvalidInput) as exc:
        services.repayment_record(
            loan=loan, amount=104_166_668, paid_on=PAID, key="x", user=users["fund"]
        )
    # The most that may be paid, in the display unit and not rounded up past it.
    assert "۱۰٬۴۱۶٬۶۶۶٫۷ تومان" in str(exc.value.message)
    services.repayment_record(
        loan=loan, amount=104_166_667, paid_on=PAID, key="y", user=users["fund"]
    )
    loan.refresh_from_db()
    assert (loan.status, loan.closed_on) == (Loan.Status.REPAID, PAID)
    assert GuaranteeDocument.objects.get(loan=loan).returned_on == PAID
    assert books.ledger_balances(fund=funded)["outstanding"] == 0


def test_it_reverses_a_payment_with_reversing_entries(disbursed_loan, funded, users, clerk):
    loan = disbursed_loan()
    rep, _ = services.repayment_record(
        loan=loan, amount=104_166_667, paid_on=PAID, key="y", user=users["fund"]
    )
    services.repayment_reverse(repayment=rep, user=clerk, reason="چک برگشت خورد")
    loan.refresh_from_db()
    assert loan.status == Loan.Status.DISBURSED
    assert LedgerEntry.objects.filter(loan=loan, reverses__isnull=False).count() == 2
    assert books.ledger_balances(fund=funded)["outstanding"] == 100_000_000
    assert all(check.ok for check in books.fund_reconciliation(fund=funded))
    assert loan.installments.filter(paid_on__isnull=False).count() == 0
    with pytest.raises(Conflict):
        services.repayment_reverse(repayment=rep, user=clerk, reason="دوباره")


def test_it_counts_days_in_arrears_and_par30(disbursed_loan, funded, users):
    loan = disbursed_loan()
    services.repayment_record(
        loan=loan, amount=4_340_000, paid_on=PAID, key="1", user=users["fund"]
    )
    # Second installment due 1 Shahrivar 1402 (2023-08-23) is unpaid.
    as_of = datetime.date(2023, 10, 1)
    assert books.loan_days_in_arrears(loan=loan, as_of=as_of) == 39
    quality = books.portfolio_quality(loans=Loan.objects.all(), as_of=as_of)[funded.pk]
    outstanding = 100_000_000 - (4_340_000 - 173_611)
    assert (quality.outstanding, quality.at_risk_30) == (outstanding, outstanding)
    assert quality.buckets == (0, outstanding, 0, 0)
    assert (
        books.portfolio_quality(loans=Loan.objects.all(), as_of=datetime.date(2023, 9, 1))[
            funded.pk
        ].at_risk_30
        == 0
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_records_twenty_concurrent_repayments_exactly_once(disbursed_loan, users, on_postgres):
    # Given a disbursed loan and 20 threads, each sending its payment twice (a retry),
    # when they run at once, then exactly 20 payments and 40 entries exist and the
    # installments hold exactly the sum paid.
    if not on_postgres:
        pytest.skip("row locks need PostgreSQL (SQLite serialises writers anyway)")
    loan = disbursed_loan()
    amounts = [1_000_000 + i * 1_000 for i in range(20)]
    barrier = threading.Barrier(20)
    errors = []

    def pay(i: int) -> None:
        try:
            barrier.wait()
            for _attempt in range(2):
                services.repayment_record(
                    loan=loan, amount=amounts[i], paid_on=PAID, key=f"c-{i}", user=users["fund"]
                )
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=pay, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Repayment.objects.filter(loan=loan).count() == 20
    total = sum(amounts)
    assert sum(Repayment.objects.filter(loan=loan).values_list("amount", flat=True)) == total
    ledger = LedgerEntry.objects.filter(loan=loan, kind__startswith="repay")
    assert sum(ledger.values_list("amount", flat=True)) == total
    assert sum(i.paid for i in loan.installments.all()) == total


def test_it_rolls_quality_up_to_counties(disbursed_loan, funded, other_fund, users):
    disbursed_loan()
    per_fund = books.portfolio_quality(loans=Loan.objects.all(), as_of=datetime.date(2023, 10, 1))
    rows = selectors.quality_by_county(per_fund=per_fund)
    assert [(r["county"], r["quality"].outstanding, r["quality"].at_risk_30) for r in rows] == [
        ("اراک", 100_000_000, 100_000_000)
    ]
