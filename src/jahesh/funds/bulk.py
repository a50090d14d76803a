"""Loans kept on paper before the fund used Jahesh, entered with what they are:
the single form for one row of an import, the bulk form for many (the demo
scenario enters thousands).

Both forms run :func:`paper_loan_build`, which checks the loan rules
(``schedule.check_terms``, a member of this fund, no board member, dates in
order) and derives what the workflow would have derived: the fee rate the fund
charges, the fee, the status from the dates, and, for a disbursed loan, its
installments from ``schedule.build_schedule`` and its disbursement ledger row.
Only then do they write: one row at a time or with ``bulk_create``.

The workflow trail (``LoanEvent``) of many paper loans is built by
:func:`paper_loan_events` through the loan workflow's bulk form
(``LOAN_FLOW.history``: each move checked against ``TRANSITIONS`` and its
guard, the row built by the workflow's own row function); the caller writes it.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jahesh.core.errors import Forbidden, InvalidInput
from jahesh.core.models import recorded_user
from jahesh.core.text import clean_text
from jahesh.core.workflow import Step
from jahesh.funds import schedule
from jahesh.funds.models import (
    Fund,
    Installment,
    LedgerEntry,
    Loan,
    LoanEvent,
    Member,
    Repayment,
)

# The services import this module (loans.py builds requests as paper loans): the
# modules, not their names, so that either side may be imported first.
from jahesh.funds.services import loan_flow, loans, repayments

S = Loan.Status
Kind = LedgerEntry.Kind


@dataclass
class PaperLoan:
    """A checked loan with its derived rows, not saved yet. A caller of the bulk
    form may add the history it knows to ``installments`` (their paid columns)
    and to ``loan`` (a settled loan's status and ``closed_on``) before writing."""

    loan: Loan
    installments: list[Installment] = field(default_factory=list)
    entries: list[LedgerEntry] = field(default_factory=list)
    repayments: list[Repayment] = field(default_factory=list)


def loan_terms_check(
    *,
    fund: Fund,
    member: Member,
    principal: int,
    months: int,
    fee_rate: Decimal | None,
    planned_jobs: int,
    planned_women_jobs: int,
) -> Decimal:
    """The rules of a loan's terms and borrower (reference/loans.md); the fee rate
    that applies (the fund's unless given). The request workflow checks the same
    (``services.loan_request`` calls it too)."""
    if member.fund_id != fund.pk:
        raise InvalidInput(_("وام‌گیرنده عضو این صندوق نیست."), field="member")
    if member.board_role:
        raise Forbidden(
            _("صندوق به اعضای هیئت‌مدیرهٔ خود وام نمی‌دهد (قاعدهٔ بانک مرکزی)."), field="member"
        )
    rate = fund.fee_rate if fee_rate is None else Decimal(str(fee_rate))
    schedule.check_terms(
        principal=principal, fee_rate=rate, months=months, multiple=fund.rounding_multiple
    )
    if not 0 <= planned_women_jobs <= planned_jobs:
        raise InvalidInput(
            _("اشتغال زنان نمی‌تواند بیش از کل اشتغال باشد."), field="planned_women_jobs"
        )
    return rate


def installments_for(loan: Loan, lines: Sequence[schedule.Line]) -> list[Installment]:
    """A disbursed loan's installment rows from its schedule (not saved)."""
    return [
        Installment(
            loan=loan,
            number=line.number,
            due_on=line.due_on,
            amount=line.amount,
            fee_part=line.fee_part,
            principal_part=line.principal_part,
        )
        for line in lines
    ]


def paper_loan_build(
    *,
    fund: Fund,
    member: Member,
    number: int,
    principal: int,
    months: int,
    requested_on: datetime.date,
    user: Any,
    now: datetime.datetime,
    approved_on: datetime.date | None = None,
    disbursed_on: datetime.date | None = None,
    fee_rate: Decimal | None = None,
    purpose: str = "",
    planned_jobs: int = 1,
    planned_women_jobs: int = 0,
    job_kind: str = Loan.JobKind.SELF,
    in_queue: bool = False,
    note: str = "",
) -> PaperLoan:
    """Check one paper loan and derive its rows (nothing is written)."""
    rate = loan_terms_check(
        fund=fund,
        member=member,
        principal=principal,
        months=months,
        fee_rate=fee_rate,
        planned_jobs=planned_jobs,
        planned_women_jobs=planned_women_jobs,
    )
    if approved_on and approved_on < requested_on:
        raise InvalidInput(_("تاریخ تأیید پیش از تاریخ درخواست است."), field="approved_on")
    if disbursed_on and (approved_on is None or disbursed_on < approved_on):
        raise InvalidInput(_("تاریخ پرداخت پیش از تاریخ تأیید است."), field="disbursed_on")
    loan = Loan(
        fund=fund,
        member=member,
        number=number,
        purpose=clean_text(purpose) or "—",
        principal=principal,
        fee_rate=rate,
        months=months,
        rounding_multiple=fund.rounding_multiple,
        fee=schedule.total_fee(principal, rate, months),
        status=S.DISBURSED if disbursed_on else (S.APPROVED if approved_on else S.REQUESTED),
        requested_on=requested_on,
        approved_on=approved_on,
        disbursed_on=disbursed_on,
        planned_jobs=planned_jobs,
        planned_women_jobs=planned_women_jobs,
        job_kind=job_kind,
        in_queue=in_queue and not disbursed_on,
    )
    built = PaperLoan(loan=loan)
    if disbursed_on is None:
        return built
    plan = schedule.build_schedule(
        principal=principal,
        fee_rate=rate,
        months=months,
        disbursed_on=disbursed_on,
        multiple=fund.rounding_multiple,
    )
    loan.fee = plan.fee
    built.installments = installments_for(loan, plan.lines)
    built.entries = [
        LedgerEntry(
            fund=fund,
            kind=LedgerEntry.Kind.DISBURSEMENT,
            amount=principal,
            entered_on=disbursed_on,
            member=member,
            loan=loan,
            created_at=now,
            created_by=recorded_user(user),
            note=note,
        )
    ]
    return built


def paper_repayments_add(
    built: PaperLoan,
    payments: Sequence[tuple[datetime.date, int, str]],
    *,
    user: Any,
    now: datetime.datetime,
) -> None:
    """A disbursed paper loan's payments, (day, amount, key) in date order, as
    ``services.repayment_record`` would have recorded them one by one: each checked
    by ``repayment_build`` against what was owed then, with its fee and principal
    entries; the installments' paid columns allocated oldest first; the loan
    settled (repaid, its ``closed_on``) by the payment that pays it up."""
    loan = built.loan
    parts = [(i.fee_part, i.principal_part) for i in built.installments]
    owed = sum(f + p for f, p in parts)
    before = sum(r.amount for r in built.repayments)
    today = timezone.localdate(now)
    for day, amount, key in payments:
        repayment, entries = repayments.repayment_build(
            loan=loan,
            parts=parts,
            before=before,
            amount=amount,
            paid_on=day,
            key=key,
            user=user,
            now=now,
            today=today,
        )
        built.repayments.append(repayment)
        built.entries += entries
        before += amount
        if before == owed:
            loan.status, loan.closed_on = S.REPAID, day
    columns = schedule.allocated_columns(parts, [(r.paid_on, r.amount) for r in built.repayments])
    for line, fee, principal, on in zip(built.installments, *columns, strict=True):
        line.paid_fee, line.paid_principal, line.paid_on = fee, principal, on


def paper_loan_write_off(
    built: PaperLoan, *, on: datetime.date, reason: str, user: Any, now: datetime.datetime
) -> None:
    """Write off a paper loan as ``services.loan_write_off`` would: checked by
    ``loan_write_off_build``, what is left of the principal as its entry."""
    loan = built.loan
    signs: dict[str, int] = {Kind.DISBURSEMENT: 1, Kind.REPAY_PRINCIPAL: -1, Kind.WRITE_OFF: -1}
    entry = loans.loan_write_off_build(
        loan=loan,
        outstanding=sum(e.amount * signs.get(e.kind, 0) for e in built.entries),
        on=on,
        reason=reason,
        user=user,
        now=now,
    )
    loan.status, loan.closed_on = S.WRITTEN_OFF, on
    if entry is not None:
        built.entries.append(entry)


@transaction.atomic
def paper_loans_create(built: Sequence[PaperLoan], *, batch_size: int = 2000) -> list[Loan]:
    """The bulk form: write loans built by :func:`paper_loan_build` (with the history
    :func:`paper_repayments_add` and :func:`paper_loan_write_off` added), in four
    inserts. A repayment key used twice is refused by the database's constraint."""
    loans = Loan.objects.bulk_create([b.loan for b in built], batch_size=batch_size)
    # The installments and entries point at the loan objects just saved: bulk_create
    # takes each loan's new id from the object.
    Installment.objects.bulk_create(
        [i for b in built for i in b.installments], batch_size=batch_size * 2
    )
    Repayment.objects.bulk_create([r for b in built for r in b.repayments], batch_size=batch_size)
    LedgerEntry.objects.bulk_create([e for b in built for e in b.entries], batch_size=batch_size)
    return loans


def paper_loan_events(
    built: PaperLoan, *, user: Any, note: str, at: datetime.time = datetime.time(10)
) -> list[LoanEvent]:
    """The workflow trail of a paper loan written by :func:`paper_loans_create`,
    not saved: its request, approval, payment and end (settled or written off)
    on their dates at ``at``, each move checked by ``LOAN_FLOW.history`` as the
    workflow checks it."""
    loan = built.loan
    status = loan.status
    days: list[tuple[str, datetime.date | None]] = [
        (S.REQUESTED, loan.requested_on),
        (S.APPROVED, loan.approved_on),
    ]
    days.append((S.DISBURSED, loan.disbursed_on))
    if status in (S.REPAID, S.WRITTEN_OFF):
        days.append((status, loan.closed_on))
    steps = []
    tz = timezone.get_current_timezone()  # make_aware's zone, read once for the loan
    for to, day in days:
        if day is None:
            break
        when = timezone.make_aware(datetime.datetime.combine(day, at), tz)
        steps.append(Step(to, when, reason=note))
    events = loan_flow.LOAN_FLOW.history(loan, steps, user=user)
    if loan.status != status:
        raise ValueError(f"paper loan {loan.number}: its dates lead to {loan.status}, not {status}")
    return events  # type: ignore[return-value]


def paper_loan_create(**fields: Any) -> Loan:
    """The single form (one import row): :func:`paper_loan_build`'s arguments."""
    return paper_loans_create([paper_loan_build(**fields)])[0]
