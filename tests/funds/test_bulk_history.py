"""The bulk forms the demo scenario writes a loan's history with (payments,
write-off, guarantors, cheques, savings, sponsor capital): the rows the
per-record services write, and a bad row refused with the same message."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.utils import timezone

from jahesh.core.errors import ApplicationError
from jahesh.core.workflow import Step
from jahesh.funds import bulk, services
from jahesh.funds.models import GuaranteeDocument, Guarantor, LedgerEntry, Loan, Repayment

TIR_1402 = datetime.date(2023, 6, 22)  # 1 Tir 1402, the worked example's disbursement
PAID = datetime.date(2023, 7, 23)  # its first due date
LATER = datetime.date(2023, 9, 1)
TOTAL = 104_166_667  # 100,000,000 at 4% over 24 months, all installments


def _refusal(call: Callable[[], object]) -> tuple[type, str]:
    with pytest.raises(ApplicationError) as exc:
        call()
    return type(exc.value), str(exc.value.message)


def _paper(funded, borrower, user, now) -> bulk.PaperLoan:
    return bulk.paper_loan_build(
        fund=funded,
        member=borrower,
        number=90,
        principal=100_000_000,
        months=24,
        requested_on=TIR_1402 - datetime.timedelta(days=10),
        approved_on=TIR_1402 - datetime.timedelta(days=5),
        disbursed_on=TIR_1402,
        user=user,
        now=now,
    )


def _paid(loan: Loan) -> list[tuple]:
    return list(
        loan.installments.order_by("number").values_list("paid_fee", "paid_principal", "paid_on")
    )


def _entries(loan: Loan) -> list[tuple]:
    return sorted(
        LedgerEntry.objects.filter(loan=loan).values_list("kind", "amount", "entered_on", "note")
    )


def test_paper_payments_write_what_repayment_record_writes(
    disbursed_loan, funded, add_member, users
):
    now = timezone.now()
    through_service = disbursed_loan()
    for key, amount, day in (("s-1", 5_000_000, PAID), ("s-2", 4_340_000, LATER)):
        services.repayment_record(
            loan=through_service, amount=amount, paid_on=day, key=key, user=users["fund"]
        )
    paper = _paper(funded, add_member(funded), users["fund"], now)

    bulk.paper_repayments_add(
        paper, [(PAID, 5_000_000, "p-1"), (LATER, 4_340_000, "p-2")], user=users["fund"], now=now
    )
    (loan,) = bulk.paper_loans_create([paper])

    assert _paid(loan) == _paid(through_service)
    assert _paid(loan)[:2] == [(173_611, 4_166_389, PAID), (173_611, 4_166_389, LATER)]
    assert _entries(loan) == _entries(through_service)
    assert sorted(Repayment.objects.filter(loan=loan).values_list("key", "amount")) == [
        ("p-1", 5_000_000),
        ("p-2", 4_340_000),
    ]
    fee = LedgerEntry.objects.get(loan=loan, kind=LedgerEntry.Kind.REPAY_FEE, entered_on=PAID)
    assert (fee.amount, fee.repayment.key, fee.member_id) == (347_222, "p-1", loan.member_id)
    assert loan.status == Loan.Status.DISBURSED


def test_the_paying_up_payment_settles_a_paper_loan(funded, add_member, users):
    now = timezone.now()
    paper = _paper(funded, add_member(funded), users["fund"], now)

    bulk.paper_repayments_add(paper, [(PAID, TOTAL, "all")], user=users["fund"], now=now)
    (loan,) = bulk.paper_loans_create([paper])

    loan.refresh_from_db()
    assert (loan.status, loan.closed_on) == (Loan.Status.REPAID, PAID)
    assert all(line == (line[0], line[1], PAID) for line in _paid(loan))
    assert sum(fee + principal for fee, principal, _on in _paid(loan)) == TOTAL


@pytest.mark.parametrize(
    "payment",
    [
        (PAID, TOTAL + 1, "over"),  # more than is owed
        (TIR_1402 - datetime.timedelta(days=1), 1_000_000, "early"),  # before disbursement
        (timezone.localdate() + datetime.timedelta(days=2), 1_000_000, "future"),
        (PAID, 0, "zero"),
        (PAID, 1_000_000, ""),  # no key
    ],
)
def test_a_bad_paper_payment_is_refused_as_repayment_record_refuses_it(
    payment, disbursed_loan, funded, add_member, users
):
    day, amount, key = payment
    now = timezone.now()
    loan = disbursed_loan()
    paper = _paper(funded, add_member(funded), users["fund"], now)

    expected = _refusal(
        lambda: services.repayment_record(
            loan=loan, amount=amount, paid_on=day, key=key, user=users["fund"], now=now
        )
    )
    refused = _refusal(
        lambda: bulk.paper_repayments_add(paper, [payment], user=users["fund"], now=now)
    )

    assert refused == expected
    assert expected[1]


def test_a_settled_paper_loan_refuses_a_further_payment(disbursed_loan, funded, add_member, users):
    now = timezone.now()
    loan = disbursed_loan()
    services.repayment_record(loan=loan, amount=TOTAL, paid_on=PAID, key="a", user=users["fund"])
    paper = _paper(funded, add_member(funded), users["fund"], now)

    expected = _refusal(
        lambda: services.repayment_record(
            loan=loan, amount=1, paid_on=LATER, key="b", user=users["fund"]
        )
    )
    refused = _refusal(
        lambda: bulk.paper_repayments_add(
            paper, [(PAID, TOTAL, "c"), (LATER, 1, "d")], user=users["fund"], now=now
        )
    )

    assert refused == expected


def test_a_paper_write_off_writes_what_loan_write_off_writes(
    disbursed_loan, funded, add_member, users
):
    now = timezone.now()
    reason = "سوخت پس از یک سال عدم پرداخت"
    through_service = disbursed_loan()
    services.repayment_record(
        loan=through_service, amount=5_000_000, paid_on=PAID, key="s", user=users["fund"]
    )
    services.loan_write_off(loan=through_service, user=users["fund"], on=LATER, reason=reason)
    paper = _paper(funded, add_member(funded), users["fund"], now)
    bulk.paper_repayments_add(paper, [(PAID, 5_000_000, "p")], user=users["fund"], now=now)

    assert _refusal(
        lambda: bulk.paper_loan_write_off(paper, on=LATER, reason=" ", user=None, now=now)
    ) == _refusal(
        lambda: services.loan_write_off(loan=disbursed_loan(), user=None, on=LATER, reason=" ")
    )
    bulk.paper_loan_write_off(paper, on=LATER, reason=reason, user=users["fund"], now=now)
    (loan,) = bulk.paper_loans_create([paper])

    loan.refresh_from_db()
    assert (loan.status, loan.closed_on) == (Loan.Status.WRITTEN_OFF, LATER)
    assert _entries(loan) == _entries(through_service)
    off = LedgerEntry.objects.get(loan=loan, kind=LedgerEntry.Kind.WRITE_OFF)
    assert off.amount == 100_000_000 - 4_652_778
    assert services.loan_outstanding_principal(loan=loan) == 0


def test_guarantors_and_cheques_in_bulk(disbursed_loan, funded, member, add_member, users):
    loan = disbursed_loan()
    guarantor = add_member(funded)

    services.guarantors_create([services.guarantor_build(loan=loan, member=guarantor)])
    services.guarantee_documents_create(
        [
            services.guarantee_document_build(
                loan=loan, kind="cheque", number=" 123456 ", amount=104_166_667, bank="ملی"
            )
        ]
    )

    assert list(Guarantor.objects.filter(loan=loan).values_list("member_id", flat=True)) == [
        guarantor.pk
    ]
    assert list(GuaranteeDocument.objects.filter(loan=loan).values_list("number", "amount")) == [
        ("123456", 104_166_667)
    ]
    assert _refusal(lambda: services.guarantor_build(loan=loan, member=member)) == _refusal(
        lambda: services.guarantor_add(loan=loan, member=member)
    )
    bad_cheque = dict(loan=loan, kind="cheque", number=" ", amount=1)
    assert _refusal(lambda: services.guarantee_document_build(**bad_cheque)) == _refusal(
        lambda: services.guarantee_document_add(**bad_cheque)
    )
    assert Guarantor.objects.filter(loan=loan).count() == 1


def test_savings_and_sponsor_capital_in_bulk(fund, add_member, users):
    now = timezone.now()
    saver = add_member(fund, savings=0)
    before = LedgerEntry.objects.filter(fund=fund).count()

    services.entries_create(
        [
            services.sponsor_capital_build(
                fund=fund, sponsor=" بنیاد برکت ", amount=300_000_000, on=PAID, user=None, now=now
            ),
            services.savings_deposit_build(
                member=saver, amount=20_000_000, on=PAID, user=users["fund"], now=now
            ),
        ]
    )

    assert services.member_savings(member=saver) == 20_000_000
    assert services.fund_cash(fund=fund) == 320_000_000
    sponsor = LedgerEntry.objects.get(fund=fund, kind=LedgerEntry.Kind.SPONSOR_IN)
    assert (sponsor.sponsor, sponsor.entered_on) == ("بنیاد برکت", PAID)
    assert LedgerEntry.objects.filter(fund=fund).count() == before + 2
    deposit = dict(member=saver, amount=-5, on=PAID, user=None)
    assert _refusal(lambda: services.savings_deposit_build(**deposit, now=now)) == _refusal(
        lambda: services.savings_deposit(**deposit)
    )
    sponsor_row = dict(fund=fund, sponsor=" ", amount=1, on=PAID, user=None)
    assert _refusal(lambda: services.sponsor_capital_build(**sponsor_row, now=now)) == _refusal(
        lambda: services.sponsor_capital_receive(**sponsor_row)
    )


def test_verification_visits_in_bulk(disbursed_loan, users):
    loan = disbursed_loan()
    visit = dict(loan=loan, visited_on=LATER, business_running=True, jobs_found=3, women_jobs=2)

    services.verifications_create(
        [services.verification_build(**visit, verifier=" علی احمدی ", user=users["fund"])]
    )

    assert list(
        loan.verifications.values_list("verifier", "jobs_found", "women_jobs", "verified_by")
    ) == [("علی احمدی", 3, 2, users["fund"].pk)]
    closed = dict(visit, business_running=False, verifier="علی", user=None)
    assert _refusal(lambda: services.verification_build(**closed)) == _refusal(
        lambda: services.verification_record(**closed)
    )
    assert loan.verifications.count() == 1


def _trail(loan: Loan) -> list[tuple]:
    return list(loan.events.order_by("id").values_list("from_status", "to_status", "by", "note"))


def test_a_paper_loans_trail_is_built_by_the_loan_workflow(funded, add_member, users):
    """paper_loan_events walks LOAN_FLOW's table from the request to the end, each
    row in the shape the workflow's own moves write (who: the user given)."""
    now = timezone.now()
    paper = _paper(funded, add_member(funded), users["fund"], now)
    bulk.paper_repayments_add(paper, [(PAID, TOTAL, "all")], user=users["fund"], now=now)
    (loan,) = bulk.paper_loans_create([paper])
    events = bulk.paper_loan_events(paper, user=users["fund"], note="دفتر")
    type(events[0]).objects.bulk_create(events)

    S, fund = Loan.Status, users["fund"].pk
    assert _trail(loan) == [
        ("", S.REQUESTED, fund, "دفتر"),
        (S.REQUESTED, S.APPROVED, fund, "دفتر"),
        (S.APPROVED, S.DISBURSED, fund, "دفتر"),
        (S.DISBURSED, S.REPAID, fund, "دفتر"),
    ]
    days = [timezone.localtime(e.at) for e in loan.events.order_by("id")]
    assert [(d.date(), d.hour) for d in days] == [
        (TIR_1402 - datetime.timedelta(days=10), 10),
        (TIR_1402 - datetime.timedelta(days=5), 10),
        (TIR_1402, 10),
        (PAID, 10),
    ]
    assert loan.status == S.REPAID


def test_the_trails_moves_are_refused_as_the_workflow_refuses_them(
    requested, funded, add_member, users, clerk
):
    """A move the table lacks and the maker approving their own request: the
    same refusals (type and message) as loan_approve / the workflow's."""
    S = Loan.Status
    maker_refusal = _refusal(
        lambda: services.loan_approve(loan=requested, user=users["fund"], on=requested.requested_on)
    )
    paper = _paper(funded, add_member(funded), users["fund"], timezone.now())
    paper.loan.requested_by = users["fund"]
    assert _refusal(lambda: bulk.paper_loan_events(paper, user=users["fund"], note="")) == (
        maker_refusal
    )
    approved = services.loan_approve(loan=requested, user=clerk, on=requested.requested_on)
    table_refusal = _refusal(
        lambda: services.LOAN_FLOW.transition(approved, S.REQUESTED, user=clerk)
    )
    steps = [
        Step(S.REQUESTED, timezone.now()),
        Step(S.APPROVED, timezone.now()),
        Step(S.REQUESTED, timezone.now()),
    ]
    loan = _paper(funded, add_member(funded), users["fund"], timezone.now()).loan
    assert _refusal(lambda: services.LOAN_FLOW.history(loan, steps, user=clerk)) == table_refusal
