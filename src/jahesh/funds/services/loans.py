"""Loans from request to closing: eligibility, the request (the maker's step),
guarantees, approval and payment (the checker's), write-off and rescheduling."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jahesh.core.digits import to_persian_digits
from jahesh.core.errors import InvalidInput
from jahesh.core.jalali import add_jalali_months
from jahesh.core.models import recorded_user
from jahesh.core.money import format_rials, group_digits
from jahesh.core.text import clean_text, required_text
from jahesh.funds import bulk, schedule
from jahesh.funds.models import (
    Fund,
    GuaranteeDocument,
    Guarantor,
    Installment,
    LedgerEntry,
    Loan,
    Member,
)
from jahesh.funds.services.ledger import (
    _balance,
    _entry,
    _lock_fund,
    _positive,
    _post,
    fund_cash,
    member_savings,
)
from jahesh.funds.services.loan_flow import LOAN_FLOW, TRANSITIONS, _lock_loan, _move
from jahesh.funds.services.repayments import _reallocate

Kind = LedgerEntry.Kind
S = Loan.Status


def loan_eligibility(
    *, fund: Fund, member: Member, principal: int, on: datetime.date
) -> list[tuple[str, str]]:
    """The fund's rules the request breaks, as (field, message) (empty when eligible)."""
    problems = []
    if member.board_role:
        problems.append(("member", _("صندوق به اعضای هیئت‌مدیرهٔ خود وام نمی‌دهد.")))
    if member.left_on and member.left_on <= on:
        problems.append(("member", _("این عضو از صندوق خارج شده است.")))
    if add_jalali_months(member.joined_on, fund.min_membership_months) > on:
        n = to_persian_digits(fund.min_membership_months)
        problems.append(("member", _("عضویت کمتر از %(n)s ماه است.") % {"n": n}))
    savings = member_savings(member=member)
    if savings < fund.min_savings_rial:
        problems.append(
            (
                "member",
                _("پس‌انداز عضو کمتر از حداقل صندوق (%(m)s) است.")
                % {"m": format_rials(fund.min_savings_rial, exact=True)},
            )
        )
    ceiling = int(Decimal(savings) * fund.credit_multiple)
    if principal > ceiling:
        # The amount is what is too large: the message goes on the amount, in the
        # display unit, the multiple in plain digits (Decimal("10.00").normalize()
        # would print as 1E+1).
        problems.append(
            (
                "principal",
                _("مبلغ وام بیش از سقف اعتبار عضو (%(c)s، %(k)s برابر پس‌انداز) است.")
                % {
                    "c": format_rials(ceiling, exact=True),
                    "k": group_digits(fund.credit_multiple.normalize()),
                },
            )
        )
    return problems


@transaction.atomic
def loan_request(
    *,
    fund: Fund,
    member: Member,
    principal: int,
    months: int,
    purpose: str,
    requested_on: datetime.date,
    user: Any,
    fee_rate: Decimal | None = None,
    planned_jobs: int = 1,
    planned_women_jobs: int = 0,
    job_kind: str = Loan.JobKind.SELF,
    guarantors: Sequence[Member] = (),
    in_queue: bool = False,
    now: datetime.datetime | None = None,
) -> Loan:
    """Record a request (the maker's step). Refuses board members and requests that
    break the fund's rules or the loan rules (reference/loans.md)."""
    now = now or timezone.now()
    # The terms are checked and the row built as for a paper loan (not saved).
    loan = bulk.paper_loan_build(
        fund=fund,
        member=member,
        number=0,
        principal=principal,
        months=months,
        requested_on=requested_on,
        user=user,
        now=now,
        fee_rate=fee_rate,
        purpose=purpose,
        planned_jobs=planned_jobs,
        planned_women_jobs=planned_women_jobs,
        job_kind=job_kind,
        in_queue=in_queue,
    ).loan
    problems = loan_eligibility(fund=fund, member=member, principal=principal, on=requested_on)
    if problems:
        raise InvalidInput(
            problems[0][1],
            errors=[{"field": field, "message": message} for field, message in problems],
        )
    if not clean_text(purpose):
        raise InvalidInput(_("موضوع وام (نوع کسب‌وکار) را بنویسید."), field="purpose")
    loan.number = (
        Loan.objects.filter(fund=fund).order_by("-number").values_list("number", flat=True).first()
        or 0
    ) + 1
    loan.requested_by = recorded_user(user)
    loan.save()
    for guarantor in guarantors:
        guarantor_add(loan=loan, member=guarantor)
    LOAN_FLOW.created(loan, user=user, now=now)
    return loan


def guarantor_build(*, loan: Loan, member: Member) -> Guarantor:
    """A checked guarantee of ``loan`` by ``member``, not saved (:func:`guarantor_add`'s
    rules; the bulk form writes many with :func:`guarantors_create`)."""
    if member.fund_id != loan.fund_id:
        raise InvalidInput(_("ضامن باید عضو همین صندوق باشد."), field="guarantors")
    if member.pk == loan.member_id:
        raise InvalidInput(_("وام‌گیرنده نمی‌تواند ضامن وام خود باشد."), field="guarantors")
    return Guarantor(loan=loan, member=member)


def guarantor_add(*, loan: Loan, member: Member) -> Guarantor:
    guarantor_build(loan=loan, member=member)
    guarantor, _created = Guarantor.objects.get_or_create(loan=loan, member=member)
    return guarantor


def guarantors_create(guarantors: list[Guarantor], *, batch_size: int = 5000) -> list[Guarantor]:
    """The bulk form of :func:`guarantor_add` for new loans: rows built by
    :func:`guarantor_build`, in one insert."""
    return Guarantor.objects.bulk_create(guarantors, batch_size=batch_size)


def guarantee_document_build(
    *, loan: Loan, kind: str, number: str, amount: int, bank: str = ""
) -> GuaranteeDocument:
    """A checked cheque or promissory note, not saved (:func:`guarantee_document_add`'s
    rules; the bulk form writes many with :func:`guarantee_documents_create`)."""
    number = required_text(number, _("شمارهٔ چک یا سفته را وارد کنید."), field="number")
    return GuaranteeDocument(
        loan=loan,
        kind=kind,
        number=number,
        bank=clean_text(bank),
        amount=_positive(amount),
    )


def guarantee_document_add(**fields: Any) -> GuaranteeDocument:
    """Record a cheque or promissory note: :func:`guarantee_document_build`'s arguments."""
    document = guarantee_document_build(**fields)
    document.save()
    return document


def guarantee_documents_create(
    documents: list[GuaranteeDocument], *, batch_size: int = 5000
) -> list[GuaranteeDocument]:
    """The bulk form of :func:`guarantee_document_add` (rows built by
    :func:`guarantee_document_build`), in one insert."""
    return GuaranteeDocument.objects.bulk_create(documents, batch_size=batch_size)


@transaction.atomic
def loan_approve(
    *, loan: Loan, user: Any, on: datetime.date, now: datetime.datetime | None = None
) -> Loan:
    """The checker's approval: a different user than the one who recorded the request."""
    now = now or timezone.now()
    loan = _lock_loan(loan)
    if on < loan.requested_on:
        raise InvalidInput(_("تاریخ تأیید پیش از تاریخ درخواست است."), field="on")
    _move(loan, S.APPROVED, user=user, now=now, approved_on=on, approved_by=user)
    return loan


@transaction.atomic
def loan_reject(
    *, loan: Loan, user: Any, reason: str, now: datetime.datetime | None = None
) -> Loan:
    now = now or timezone.now()
    loan = _lock_loan(loan)
    if not clean_text(reason):
        raise InvalidInput(_("دلیل رد درخواست را بنویسید."), field="reason")
    _move(loan, S.REJECTED, user=user, now=now, note=clean_text(reason), in_queue=False)
    return loan


@transaction.atomic
def loan_disburse(
    *, loan: Loan, user: Any, on: datetime.date, now: datetime.datetime | None = None
) -> Loan:
    """Pay out an approved loan: a different user than the maker; the fund must hold
    the cash. Creates the schedule and the disbursement entry.

    1. lock the fund (cash check), then the loan;
    2. move approved → disbursed;
    3. write the installments and the ledger entry.
    """
    now = now or timezone.now()
    fund = _lock_fund(loan.fund)
    loan = _lock_loan(loan)
    if loan.approved_on and on < loan.approved_on:
        raise InvalidInput(_("تاریخ پرداخت پیش از تاریخ تأیید است."), field="on")
    cash = fund_cash(fund=fund)
    if loan.principal > cash and loan.status == S.APPROVED:
        raise InvalidInput(
            _("موجودی نقد صندوق (%(c)s) برای پرداخت این وام کافی نیست.")
            % {"c": format_rials(cash, exact=True)}
        )
    plan = schedule.build_schedule(
        principal=loan.principal,
        fee_rate=loan.fee_rate,
        months=loan.months,
        disbursed_on=on,
        multiple=loan.rounding_multiple,
    )
    _move(
        loan,
        S.DISBURSED,
        user=user,
        now=now,
        disbursed_on=on,
        disbursed_by=user,
        fee=plan.fee,
        in_queue=False,
    )
    Installment.objects.bulk_create(bulk.installments_for(loan, plan.lines))
    _post(
        fund=fund,
        kind=Kind.DISBURSEMENT,
        amount=loan.principal,
        on=on,
        now=now,
        user=user,
        member=loan.member,
        loan=loan,
    )
    return loan


def loan_outstanding_principal(*, loan: Loan) -> int:
    out = _balance(loan=loan, kind=Kind.DISBURSEMENT)
    return (
        out
        - _balance(loan=loan, kind=Kind.REPAY_PRINCIPAL)
        - _balance(loan=loan, kind=Kind.WRITE_OFF)
    )


def loan_write_off_build(
    *,
    loan: Loan,
    outstanding: int,
    on: datetime.date,
    reason: str,
    user: Any,
    now: datetime.datetime,
) -> LedgerEntry | None:
    """Check a write-off (a reason; a loan still being repaid) and build its entry,
    not saved: the ``outstanding`` principal, the fund's loss (None when nothing is
    left). :func:`loan_write_off`'s rules; ``funds.bulk`` runs it for paper loans."""
    if not clean_text(reason):
        raise InvalidInput(_("دلیل سوخت وام را بنویسید."), field="reason")
    if (loan.status, S.WRITTEN_OFF) not in TRANSITIONS:
        raise LOAN_FLOW.refuse.no_move(loan.status, S.WRITTEN_OFF)
    if not outstanding:
        return None
    return _entry(
        fund=loan.fund,
        kind=Kind.WRITE_OFF,
        amount=outstanding,
        on=on,
        now=now,
        user=user,
        member=loan.member,
        loan=loan,
        note=clean_text(reason),
    )


@transaction.atomic
def loan_write_off(
    *, loan: Loan, user: Any, on: datetime.date, reason: str, now: datetime.datetime | None = None
) -> Loan:
    """Write off what is left of the principal (the fund's loss); the unpaid fee is forgone."""
    now = now or timezone.now()
    loan = _lock_loan(loan)
    entry = loan_write_off_build(
        loan=loan,
        outstanding=loan_outstanding_principal(loan=loan),
        on=on,
        reason=reason,
        user=user,
        now=now,
    )
    _move(loan, S.WRITTEN_OFF, user=user, now=now, note=clean_text(reason), closed_on=on)
    if entry is not None:
        entry.save()
    return loan


@transaction.atomic
def loan_reschedule(
    *,
    loan: Loan,
    months: int,
    on: datetime.date,
    user: Any,
    reason: str,
    now: datetime.datetime | None = None,
) -> Loan:
    """Spread what is still owed (no new fee) over ``months`` new installments from
    ``on``. Settled installments stay; a part-paid one is closed at what was paid."""
    now = now or timezone.now()
    loan = _lock_loan(loan)
    if not 1 <= months <= schedule.MAX_MONTHS:
        raise InvalidInput(_("تعداد اقساط باید بین ۱ و ۶۰ ماه باشد."), field="months")
    installments = _reallocate(loan)
    unpaid_fee = sum(i.fee_part - i.paid_fee for i in installments)
    unpaid_principal = sum(i.principal_part - i.paid_principal for i in installments)
    if unpaid_principal + unpaid_fee < months * loan.rounding_multiple:
        raise InvalidInput(_("ماندهٔ بدهی برای این تعداد قسط کم است."), field="months")
    _move(loan, S.RESCHEDULED, user=user, now=now, note=clean_text(reason))
    keep = []
    for inst in installments:
        if inst.paid == 0:
            inst.delete()
        elif inst.remaining:
            Installment.objects.filter(pk=inst.pk).update(
                fee_part=inst.paid_fee,
                principal_part=inst.paid_principal,
                amount=inst.paid,
                paid_on=on,
            )
            keep.append(inst)
        else:
            keep.append(inst)
    start = max((i.number for i in keep), default=0)
    rows = schedule.amounts(unpaid_principal, unpaid_fee, months, loan.rounding_multiple)
    Installment.objects.bulk_create(
        [
            Installment(
                loan=loan,
                number=start + k,
                due_on=schedule.due_date(on, k),
                amount=a,
                fee_part=f,
                principal_part=p,
            )
            for k, (a, f, p) in enumerate(rows, start=1)
        ]
    )
    _reallocate(loan)
    return loan
