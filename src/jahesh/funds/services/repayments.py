"""Repayments: recorded once per client key, allocated oldest first (fee before
principal), and reversed with reversing entries."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from jahesh.core.errors import Conflict, InvalidInput
from jahesh.core.models import recorded_user
from jahesh.core.money import format_rials
from jahesh.core.text import clean_text
from jahesh.funds import schedule
from jahesh.funds.models import (
    ACTIVE_LOAN_STATUSES,
    Installment,
    LedgerEntry,
    Loan,
    Repayment,
)
from jahesh.funds.services.ledger import _entry, _lock_fund, _positive, _post, fund_cash
from jahesh.funds.services.loan_flow import _lock_loan, _move

Kind = LedgerEntry.Kind
S = Loan.Status


def _reallocate(loan: Loan) -> list[Installment]:
    """Recompute the installments' paid columns from the loan's live repayments."""
    installments = list(loan.installments.order_by("number"))
    payments = [
        (r.paid_on, r.amount)
        for r in loan.repayments.filter(reversed_at__isnull=True).order_by("paid_on", "id")
    ]
    result = schedule.allocate([(i.fee_part, i.principal_part) for i in installments], payments)
    changed = []
    for inst, alloc in zip(installments, result, strict=True):
        if (inst.paid_fee, inst.paid_principal, inst.paid_on) != (
            alloc.paid_fee,
            alloc.paid_principal,
            alloc.paid_on,
        ):
            inst.paid_fee, inst.paid_principal, inst.paid_on = (
                alloc.paid_fee,
                alloc.paid_principal,
                alloc.paid_on,
            )
            changed.append(inst)
    Installment.objects.bulk_update(changed, ["paid_fee", "paid_principal", "paid_on"])
    return installments


def repayment_record(
    *,
    loan: Loan,
    amount: int,
    paid_on: datetime.date,
    key: str,
    user: Any,
    now: datetime.datetime | None = None,
    note: str = "",
) -> tuple[Repayment, bool]:
    """Record a payment once per client-supplied ``key``; returns (repayment, created).

    1. lock the loan row (concurrent payments of one loan queue here);
    2. a key already recorded returns that payment (a retried request) — or 409 if
       it was used for another loan or amount;
    3. allocate oldest first, fee before principal; refuse an overpayment;
    4. append the payment, its two ledger entries, and settle the loan when paid up.
    """
    now = now or timezone.now()
    key = repayment_key(key)
    _positive(amount)
    try:
        with transaction.atomic():
            return _repayment_record_locked(loan, amount, paid_on, key, user, now, note)
    except IntegrityError:
        # Another request with the same key committed between our check and insert.
        return _existing_repayment(loan, amount, key), False


def repayment_key(key: str) -> str:
    """The client's key, stripped; refused when empty or longer than the column."""
    key = (key or "").strip()
    if not key or len(key) > 64:
        raise InvalidInput(_("کلید یکتای پرداخت (۱ تا ۶۴ نویسه) لازم است."), field="key")
    return key


def repayment_build(
    *,
    loan: Loan,
    parts: list[tuple[int, int]],
    before: int,
    amount: int,
    paid_on: datetime.date,
    key: str,
    user: Any,
    now: datetime.datetime,
    note: str = "",
    today: datetime.date | None = None,
) -> tuple[Repayment, list[LedgerEntry]]:
    """Check one payment of ``loan`` (installments ``parts`` as (fee, principal),
    ``before`` rials already paid) and build its rows, not saved: the repayment and
    its fee and principal entries. :func:`repayment_record`'s rules; the paper
    loans' bulk form (``funds.bulk``) runs it for every payment of a history,
    giving ``today`` (``now``'s local day, asked once for all of them: the
    current time zone is a context-local read)."""
    key = repayment_key(key)
    _positive(amount)
    if loan.status not in ACTIVE_LOAN_STATUSES:
        raise Conflict(_("فقط برای وام در حال بازپرداخت می‌توان پرداخت ثبت کرد."))
    if loan.disbursed_on is None or paid_on < loan.disbursed_on:
        raise InvalidInput(_("تاریخ پرداخت پیش از تاریخ پرداخت وام است."), field="paid_on")
    if paid_on > (today or timezone.localdate(now)):
        raise InvalidInput(_("تاریخ پرداخت در آینده است."), field="paid_on")
    owed = sum(f + p for f, p in parts) - before
    if amount > owed:
        raise InvalidInput(
            _("پرداخت بیش از مانده بدهی وام است؛ حداکثر %(m)s قابل پرداخت است.")
            % {"m": format_rials(owed, exact=True)},
            field="amount",
        )
    repayment = Repayment(
        loan=loan,
        key=key,
        amount=amount,
        paid_on=paid_on,
        recorded_at=now,
        recorded_by=recorded_user(user),
        note=clean_text(note)[:300],
    )
    fee, principal = schedule.split_payment(parts, before, amount)
    entries = [
        _entry(
            fund=loan.fund,
            kind=kind,
            amount=value,
            on=paid_on,
            now=now,
            user=user,
            member=loan.member,
            loan=loan,
            repayment=repayment,
        )
        for kind, value in ((Kind.REPAY_FEE, fee), (Kind.REPAY_PRINCIPAL, principal))
        if value
    ]
    return repayment, entries


def _existing_repayment(loan: Loan, amount: int, key: str) -> Repayment:
    existing = Repayment.objects.get(key=key)
    if existing.loan_id != loan.pk or existing.amount != amount:
        raise Conflict(_("این کلید پرداخت پیش‌تر برای پرداخت دیگری به کار رفته است."), field="key")
    return existing


def _repayment_record_locked(
    loan: Loan,
    amount: int,
    paid_on: datetime.date,
    key: str,
    user: Any,
    now: datetime.datetime,
    note: str,
) -> tuple[Repayment, bool]:
    loan = _lock_loan(loan)
    if Repayment.objects.filter(key=key).exists():
        return _existing_repayment(loan, amount, key), False
    installments = list(loan.installments.order_by("number"))
    parts = [(i.fee_part, i.principal_part) for i in installments]
    before = loan.repayments.filter(reversed_at__isnull=True).aggregate(s=Sum("amount"))["s"] or 0
    repayment, entries = repayment_build(
        loan=loan,
        parts=parts,
        before=before,
        amount=amount,
        paid_on=paid_on,
        key=key,
        user=user,
        now=now,
        note=note,
    )
    repayment.save()
    for entry in entries:
        entry.save()
    owed = sum(f + p for f, p in parts) - before
    _reallocate(loan)
    if amount == owed:
        _move(loan, S.REPAID, user=user, now=now, closed_on=paid_on)
        loan.documents.filter(returned_on__isnull=True).update(returned_on=paid_on)
    return repayment, True


@transaction.atomic
def repayment_reverse(
    *, repayment: Repayment, user: Any, reason: str, now: datetime.datetime | None = None
) -> Repayment:
    """Undo a mistaken payment with reversing entries; reopens a settled loan."""
    now = now or timezone.now()
    if not clean_text(reason):
        raise InvalidInput(_("دلیل ابطال را بنویسید."), field="reason")
    fund = _lock_fund(repayment.loan.fund)
    loan = _lock_loan(repayment.loan)
    repayment = Repayment.objects.get(pk=repayment.pk)
    if repayment.reversed_at is None and repayment.amount > fund_cash(fund=fund):
        raise InvalidInput(_("موجودی نقد صندوق برای ابطال این پرداخت کافی نیست."))
    if repayment.reversed_at is not None:
        raise Conflict(_("این پرداخت پیش‌تر ابطال شده است."))
    if loan.status not in (*ACTIVE_LOAN_STATUSES, S.REPAID):
        raise Conflict(_("پرداخت‌های وام سوخت‌شده را نمی‌توان ابطال کرد."))
    for entry in repayment.entries.filter(reverses__isnull=True):
        _post(
            fund=loan.fund,
            kind=entry.kind,
            amount=-entry.amount,
            on=timezone.localdate(now),
            now=now,
            user=user,
            member=entry.member,
            loan=loan,
            repayment=repayment,
            note=clean_text(reason),
            reverses=entry,
        )
    Repayment.objects.filter(pk=repayment.pk).update(reversed_at=now)
    repayment.reversed_at = now
    _reallocate(loan)
    if loan.status == S.REPAID:
        _move(loan, S.DISBURSED, user=user, now=now, note=clean_text(reason), closed_on=None)
    return repayment
