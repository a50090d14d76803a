"""Loans kept on paper, imported through ``funds.bulk`` (the service the demo
scenario uses in bulk): the rows are those the workflow derives, and every bad
row is reported with its number and column while the good rows go in."""

from __future__ import annotations

import datetime
import io

from django.utils import timezone

from jahesh.funds import bulk
from jahesh.funds.importers import import_loans
from jahesh.funds.models import Installment, LedgerEntry, Loan

HEADER = "شمارهٔ وام,کد ملی وام‌گیرنده,مبلغ وام (ریال),تعداد اقساط,تاریخ پرداخت\n"
TIR_1402 = datetime.date(2023, 6, 22)  # 1 Tir 1402


def _rows(loan: Loan) -> list[tuple]:
    return list(
        Installment.objects.filter(loan=loan)
        .order_by("number")
        .values_list("number", "due_on", "amount", "fee_part", "principal_part")
    )


def _import(fund, user, text: str):
    data = io.BytesIO((HEADER + text).encode())
    return import_loans(data, "loans.csv", False, fund, user)


def test_an_imported_loan_has_the_rows_the_workflow_gives(
    funded, member, add_member, users, disbursed_loan
):
    through_workflow = disbursed_loan(principal=100_000_000, months=24, on=TIR_1402)
    borrower = add_member(funded)

    report = _import(funded, users["fund"], f"7,{borrower.national_code},100000000,24,1402/04/01\n")

    assert (report.created, report.refused, report.errors) == (1, 0, [])
    imported = Loan.objects.get(fund=funded, number=7)
    assert (imported.status, imported.disbursed_on, imported.fee) == (
        Loan.Status.DISBURSED,
        TIR_1402,
        through_workflow.fee,
    )
    assert _rows(imported) == _rows(through_workflow)
    assert len(_rows(imported)) == 24
    entry = LedgerEntry.objects.get(loan=imported)
    assert (entry.kind, entry.amount, entry.member_id) == (
        LedgerEntry.Kind.DISBURSEMENT,
        100_000_000,
        borrower.pk,
    )


def test_every_bad_row_is_reported_at_its_cell_and_the_good_rows_go_in(
    funded, member, add_member, users
):
    chair = add_member(funded, board_role="chair")
    good = add_member(funded)
    text = (
        f"1,{good.national_code},100000000,24,1402/04/01\n"
        f"2,{chair.national_code},100000000,24,1402/04/01\n"  # a board member: refused
        f"3,{good.national_code},20000,24,1402/04/01\n"  # too small for 24 installments
        f"4,{member.national_code},50000000,12,1402/05/01\n"
    )

    report = _import(funded, users["fund"], text)

    assert (report.created, report.refused) == (2, 2)
    assert [(e.row, e.column) for e in report.errors] == [
        (3, "کد ملی وام‌گیرنده"),
        (4, "مبلغ وام (ریال)"),
    ]
    assert "هیئت‌مدیره" in report.errors[0].message
    assert sorted(Loan.objects.filter(fund=funded).values_list("number", flat=True)) == [1, 4]
    assert LedgerEntry.objects.filter(loan__number__in=[2, 3], loan__fund=funded).count() == 0


def test_the_bulk_form_writes_what_the_single_form_writes(funded, add_member, users):
    now = timezone.now()
    borrowers = [add_member(funded) for _ in range(3)]
    terms = [(100_000_000, 24), (60_000_000, 12), (250_000_000, 36)]

    def fields(i: int, offset: int) -> dict:
        principal, months = terms[i]
        return dict(
            fund=funded,
            member=borrowers[i],
            number=offset + i,
            principal=principal,
            months=months,
            requested_on=TIR_1402 - datetime.timedelta(days=9),
            approved_on=TIR_1402 - datetime.timedelta(days=3),
            disbursed_on=TIR_1402,
            user=users["fund"],
            now=now,
        )

    singles = [bulk.paper_loan_create(**fields(i, 10)) for i in range(3)]
    many = bulk.paper_loans_create([bulk.paper_loan_build(**fields(i, 20)) for i in range(3)])

    for one, other in zip(singles, many, strict=True):
        assert (one.fee, one.status) == (other.fee, other.status)
        assert _rows(one) == _rows(other)
        assert (
            LedgerEntry.objects.get(loan=one).amount == LedgerEntry.objects.get(loan=other).amount
        )
    assert Installment.objects.filter(loan__in=many).count() == 24 + 12 + 36
