"""The funds' ledger: money moves only through ``_post`` (one append-only
``LedgerEntry`` row); a correction is a reversing row (``ledger_entry_reverse``).
Balances are sums of the rows."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from jahesh.core.errors import Conflict, InvalidInput
from jahesh.core.models import recorded_user
from jahesh.core.text import clean_text
from jahesh.funds.models import (
    Fund,
    LedgerEntry,
    Loan,
    Member,
    Repayment,
)

Kind = LedgerEntry.Kind


def _entry(
    *,
    fund: Fund,
    kind: str,
    amount: int,
    on: datetime.date,
    now: datetime.datetime,
    user: Any,
    member: Member | None = None,
    loan: Loan | None = None,
    repayment: Repayment | None = None,
    sponsor: str = "",
    note: str = "",
    reverses: LedgerEntry | None = None,
) -> LedgerEntry:
    """One ledger row, not saved (the bulk forms write many with ``entries_create``)."""
    return LedgerEntry(
        fund=fund,
        kind=kind,
        amount=amount,
        entered_on=on,
        member=member,
        loan=loan,
        repayment=repayment,
        sponsor=sponsor,
        note=note,
        reverses=reverses,
        created_at=now,
        created_by=recorded_user(user),
    )


def _post(**fields: Any) -> LedgerEntry:
    """Append one ledger row (:func:`_entry`'s arguments)."""
    entry = _entry(**fields)
    entry.save()
    return entry


def entries_create(entries: list[LedgerEntry], *, batch_size: int = 5000) -> list[LedgerEntry]:
    """The bulk form of ``_post``: rows built by the services' ``*_build`` functions,
    in one insert."""
    return LedgerEntry.objects.bulk_create(entries, batch_size=batch_size)


def _balance(**filters: Any) -> int:
    return LedgerEntry.objects.filter(**filters).aggregate(s=Sum("amount"))["s"] or 0


def fund_cash(*, fund: Fund) -> int:
    """Cash in hand: what came in (savings, sponsor capital, repayments) minus what went out."""
    inflow = _balance(
        fund=fund, kind__in=[Kind.DEPOSIT, Kind.SPONSOR_IN, Kind.REPAY_FEE, Kind.REPAY_PRINCIPAL]
    )
    outflow = _balance(fund=fund, kind__in=[Kind.WITHDRAWAL, Kind.SPONSOR_OUT, Kind.DISBURSEMENT])
    return inflow - outflow


def member_savings(*, member: Member) -> int:
    return _balance(member=member, kind=Kind.DEPOSIT) - _balance(
        member=member, kind=Kind.WITHDRAWAL
    )


def _positive(amount: Any, field: str = "amount") -> int:
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise InvalidInput(_("مبلغ باید بیشتر از صفر باشد."), field=field)
    return amount


def _lock_fund(fund: Fund) -> Fund:
    return Fund.objects.select_for_update().get(pk=fund.pk)


@transaction.atomic
def ledger_entry_reverse(
    *, entry: LedgerEntry, user: Any, reason: str, now: datetime.datetime | None = None
) -> LedgerEntry:
    """Correct a savings or sponsor entry with a reversing entry (never an edit).
    Loan entries are corrected through ``repayment_reverse``."""
    now = now or timezone.now()
    entry = LedgerEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.kind not in (Kind.DEPOSIT, Kind.WITHDRAWAL, Kind.SPONSOR_IN, Kind.SPONSOR_OUT):
        raise InvalidInput(_("اسناد وام را از راه ابطال بازپرداخت اصلاح کنید."))
    if entry.reverses_id or LedgerEntry.objects.filter(reverses=entry).exists():
        raise Conflict(_("این سند پیش‌تر ابطال شده یا خود سند ابطال است."))
    if not clean_text(reason):
        raise InvalidInput(_("دلیل اصلاح را بنویسید."), field="reason")
    _lock_fund(entry.fund)
    inflow = entry.kind in (Kind.DEPOSIT, Kind.SPONSOR_IN)
    if inflow and entry.amount > fund_cash(fund=entry.fund):
        raise InvalidInput(
            _("موجودی نقد صندوق برای ابطال این سند کافی نیست؛ پول آن وام داده شده است.")
        )
    # A deposit always names its member (savings_deposit writes it); the test keeps mypy sure.
    member = entry.member
    if entry.kind == Kind.DEPOSIT and member and entry.amount > member_savings(member=member):
        raise InvalidInput(
            _("پس‌انداز عضو برای ابطال این واریز کافی نیست؛ نخست برداشت‌های بعدی را اصلاح کنید.")
        )
    return _post(
        fund=entry.fund,
        kind=entry.kind,
        amount=-entry.amount,
        on=now.date(),
        now=now,
        user=user,
        member=entry.member,
        sponsor=entry.sponsor,
        note=clean_text(reason),
        reverses=entry,
    )
