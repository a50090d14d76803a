"""Every write of the funds app: members, savings, sponsor capital, the loan
workflow, repayments, corrections, guarantees, verification visits and the lottery.

Money moves only through ``_post`` (one append-only ``LedgerEntry`` row); a
correction is a reversing row. The loan workflow is ``TRANSITIONS`` (one table,
one guard per move); ``_move`` is the only code that changes ``Loan.status``.
Lock order: the loan row first, then nothing else is locked (fund cash is checked
under the fund row's lock, which is never taken while a loan lock is held).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from jahesh.core import events
from jahesh.core.digits import to_persian_digits
from jahesh.core.errors import Conflict, Forbidden, InvalidInput
from jahesh.core.identifiers import normalize_mobile, normalize_national_code
from jahesh.core.jalali import add_jalali_months
from jahesh.core.money import format_rials, group_digits
from jahesh.core.text import clean_text, normalize_key
from jahesh.funds import lottery, schedule, selectors
from jahesh.funds.models import (
    ACTIVE_LOAN_STATUSES,
    Fund,
    GuaranteeDocument,
    Guarantor,
    Installment,
    LedgerEntry,
    Loan,
    LoanEvent,
    LotteryDraw,
    Member,
    Repayment,
    Verification,
)

Kind = LedgerEntry.Kind
S = Loan.Status


# --- Ledger ------------------------------------------------------------------


def _post(
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
    return LedgerEntry.objects.create(
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
        created_by=user if getattr(user, "pk", None) else None,
    )


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


# --- Funds and members -------------------------------------------------------


def fund_create(
    *, name: str, code: str, county: Any, founded_on: datetime.date, user: Any = None, **fields: Any
) -> Fund:
    fund = Fund(
        name=clean_text(name),
        name_key=normalize_key(name),
        code=code.strip(),
        county=county,
        founded_on=founded_on,
        **fields,
    )
    fund.full_clean()
    fund.save()
    return fund


def member_create(
    *,
    fund: Fund,
    national_code: str,
    first_name: str,
    last_name: str,
    gender: str,
    joined_on: datetime.date,
    mobile: str = "",
    board_role: str = "",
    user: Any = None,
) -> Member:
    """A person joins a fund; the national code is validated and may appear once per fund."""
    try:
        code = normalize_national_code(national_code)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], field="national_code") from None
    try:
        mobile = normalize_mobile(mobile) if mobile else ""
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], field="mobile") from None
    if Member.objects.filter(fund=fund, national_code=code).exists():
        raise Conflict(_("این کد ملی پیش‌تر در این صندوق عضو شده است."), field="national_code")
    first_name, last_name = clean_text(first_name), clean_text(last_name)
    return Member.objects.create(
        fund=fund,
        national_code=code,
        first_name=first_name,
        last_name=last_name,
        name_key=normalize_key(f"{first_name} {last_name}"),
        mobile=mobile,
        gender=gender,
        joined_on=joined_on,
        board_role=board_role or "",
    )


@transaction.atomic
def savings_deposit(
    *,
    member: Member,
    amount: int,
    on: datetime.date,
    user: Any,
    now: datetime.datetime | None = None,
    note: str = "",
) -> LedgerEntry:
    now = now or timezone.now()
    return _post(
        fund=member.fund,
        kind=Kind.DEPOSIT,
        amount=_positive(amount),
        on=on,
        now=now,
        user=user,
        member=member,
        note=note,
    )


@transaction.atomic
def savings_withdraw(
    *,
    member: Member,
    amount: int,
    on: datetime.date,
    user: Any,
    now: datetime.datetime | None = None,
    note: str = "",
) -> LedgerEntry:
    now = now or timezone.now()
    _positive(amount)
    fund = _lock_fund(member.fund)
    balance = member_savings(member=member)
    if amount > balance:
        raise InvalidInput(
            _("برداشت بیش از پس‌انداز عضو است؛ موجودی %(b)s است.")
            % {"b": format_rials(balance, exact=True)},
            field="amount",
        )
    if amount > fund_cash(fund=fund):
        raise InvalidInput(_("موجودی نقد صندوق برای این برداشت کافی نیست."), field="amount")
    return _post(
        fund=fund,
        kind=Kind.WITHDRAWAL,
        amount=amount,
        on=on,
        now=now,
        user=user,
        member=member,
        note=note,
    )


@transaction.atomic
def sponsor_capital_receive(
    *,
    fund: Fund,
    sponsor: str,
    amount: int,
    on: datetime.date,
    user: Any,
    now: datetime.datetime | None = None,
) -> LedgerEntry:
    """Managed funds (وجوه اداره‌شده) a sponsor places with the fund to lend on."""
    if not clean_text(sponsor):
        raise InvalidInput(_("نام تأمین‌کننده را وارد کنید."), field="sponsor")
    return _post(
        fund=fund,
        kind=Kind.SPONSOR_IN,
        amount=_positive(amount),
        on=on,
        now=now or timezone.now(),
        user=user,
        sponsor=clean_text(sponsor),
    )


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
    if entry.kind == Kind.DEPOSIT and entry.amount > member_savings(member=entry.member):
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


# --- Loan workflow -----------------------------------------------------------


def _maker_checker(loan: Loan, user: Any) -> None:
    refusal = selectors.loan_check_refusal(loan=loan, user=user)
    if refusal:
        raise Forbidden(refusal)


def _always(loan: Loan, user: Any) -> None:
    return None


# (from, to) → guard. The only table of allowed moves.
TRANSITIONS: dict[tuple[str, str], Callable[[Loan, Any], None]] = {
    (S.REQUESTED, S.APPROVED): _maker_checker,
    (S.REQUESTED, S.REJECTED): _always,
    (S.APPROVED, S.REJECTED): _always,
    (S.APPROVED, S.DISBURSED): _maker_checker,
    (S.DISBURSED, S.REPAID): _always,
    (S.RESCHEDULED, S.REPAID): _always,
    (S.REPAID, S.DISBURSED): _always,  # a reversed payment reopens a settled loan
    (S.DISBURSED, S.WRITTEN_OFF): _always,
    (S.RESCHEDULED, S.WRITTEN_OFF): _always,
    (S.DISBURSED, S.RESCHEDULED): _always,
    (S.RESCHEDULED, S.RESCHEDULED): _always,
}


def _move(
    loan: Loan, to: str, *, user: Any, now: datetime.datetime, note: str = "", **fields: Any
) -> None:
    """Move a locked loan to ``to`` (guarded), save ``fields`` and append the event."""
    guard = TRANSITIONS.get((loan.status, to))
    if guard is None:
        raise Conflict(
            _("وام در وضعیت «%(from)s» است و نمی‌توان آن را «%(to)s» کرد.")
            % {"from": S(loan.status).label, "to": S(to).label}
        )
    guard(loan, user)
    old = loan.status
    updated = Loan.objects.filter(pk=loan.pk, status=old).update(status=to, **fields)
    if updated != 1:
        raise Conflict(_("وضعیت وام هم‌زمان تغییر کرد؛ صفحه را تازه کنید."))
    loan.status = to
    for name, value in fields.items():
        setattr(loan, name, value)
    event = LoanEvent.objects.create(
        loan=loan,
        from_status=old,
        to_status=to,
        at=now,
        by=user if getattr(user, "pk", None) else None,
        note=note[:500],
    )
    events.emit(f"loan.{to}", key=f"loan-event:{event.pk}", actor=user, loan_id=loan.pk)


def _lock_loan(loan: Loan) -> Loan:
    return Loan.objects.select_for_update().select_related("fund", "member").get(pk=loan.pk)


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
    if member.fund_id != fund.pk:
        raise InvalidInput(_("وام‌گیرنده عضو این صندوق نیست."), field="member")
    rate = fund.fee_rate if fee_rate is None else Decimal(str(fee_rate))
    schedule.check_terms(
        principal=principal, fee_rate=rate, months=months, multiple=fund.rounding_multiple
    )
    if member.board_role:
        raise Forbidden(
            _("صندوق به اعضای هیئت‌مدیرهٔ خود وام نمی‌دهد (قاعدهٔ بانک مرکزی)."), field="member"
        )
    problems = loan_eligibility(fund=fund, member=member, principal=principal, on=requested_on)
    if problems:
        raise InvalidInput(
            problems[0][1],
            errors=[{"field": field, "message": message} for field, message in problems],
        )
    if not 0 <= planned_women_jobs <= planned_jobs:
        raise InvalidInput(
            _("اشتغال زنان نمی‌تواند بیش از کل اشتغال باشد."), field="planned_women_jobs"
        )
    if not clean_text(purpose):
        raise InvalidInput(_("موضوع وام (نوع کسب‌وکار) را بنویسید."), field="purpose")
    number = (
        Loan.objects.filter(fund=fund).order_by("-number").values_list("number", flat=True).first()
        or 0
    ) + 1
    loan = Loan.objects.create(
        fund=fund,
        member=member,
        number=number,
        purpose=clean_text(purpose),
        principal=principal,
        fee_rate=rate,
        months=months,
        rounding_multiple=fund.rounding_multiple,
        fee=schedule.total_fee(principal, rate, months),
        requested_on=requested_on,
        requested_by=user if getattr(user, "pk", None) else None,
        planned_jobs=planned_jobs,
        planned_women_jobs=planned_women_jobs,
        job_kind=job_kind,
        in_queue=in_queue,
    )
    for guarantor in guarantors:
        guarantor_add(loan=loan, member=guarantor)
    event = LoanEvent.objects.create(
        loan=loan, from_status="", to_status=S.REQUESTED, at=now, by=loan.requested_by, note=""
    )
    events.emit("loan.requested", key=f"loan-event:{event.pk}", actor=user, loan_id=loan.pk)
    return loan


def guarantor_add(*, loan: Loan, member: Member) -> Guarantor:
    if member.fund_id != loan.fund_id:
        raise InvalidInput(_("ضامن باید عضو همین صندوق باشد."), field="guarantors")
    if member.pk == loan.member_id:
        raise InvalidInput(_("وام‌گیرنده نمی‌تواند ضامن وام خود باشد."), field="guarantors")
    guarantor, _created = Guarantor.objects.get_or_create(loan=loan, member=member)
    return guarantor


def guarantee_document_add(
    *, loan: Loan, kind: str, number: str, amount: int, bank: str = ""
) -> GuaranteeDocument:
    if not clean_text(number):
        raise InvalidInput(_("شمارهٔ چک یا سفته را وارد کنید."), field="number")
    return GuaranteeDocument.objects.create(
        loan=loan,
        kind=kind,
        number=clean_text(number),
        bank=clean_text(bank),
        amount=_positive(amount),
    )


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


def _installments(loan: Loan, lines: Sequence[schedule.Line]) -> list[Installment]:
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
    Installment.objects.bulk_create(_installments(loan, plan.lines))
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
    key = (key or "").strip()
    if not key or len(key) > 64:
        raise InvalidInput(_("کلید یکتای پرداخت (۱ تا ۶۴ نویسه) لازم است."), field="key")
    _positive(amount)
    try:
        with transaction.atomic():
            return _repayment_record_locked(loan, amount, paid_on, key, user, now, note)
    except IntegrityError:
        # Another request with the same key committed between our check and insert.
        return _existing_repayment(loan, amount, key), False


def _existing_repayment(loan: Loan, amount: int, key: str) -> Repayment:
    existing = Repayment.objects.get(key=key)
    if existing.loan_id != loan.pk or existing.amount != amount:
        raise Conflict(_("این کلید پرداخت پیش‌تر برای پرداخت دیگری به کار رفته است."), field="key")
    return existing


def _repayment_record_locked(loan, amount, paid_on, key, user, now, note) -> tuple[Repayment, bool]:
    loan = _lock_loan(loan)
    if Repayment.objects.filter(key=key).exists():
        return _existing_repayment(loan, amount, key), False
    if loan.status not in ACTIVE_LOAN_STATUSES:
        raise Conflict(_("فقط برای وام در حال بازپرداخت می‌توان پرداخت ثبت کرد."))
    if paid_on < loan.disbursed_on:
        raise InvalidInput(_("تاریخ پرداخت پیش از تاریخ پرداخت وام است."), field="paid_on")
    if paid_on > timezone.localdate(now):
        raise InvalidInput(_("تاریخ پرداخت در آینده است."), field="paid_on")
    installments = list(loan.installments.order_by("number"))
    parts = [(i.fee_part, i.principal_part) for i in installments]
    before = loan.repayments.filter(reversed_at__isnull=True).aggregate(s=Sum("amount"))["s"] or 0
    owed = sum(f + p for f, p in parts) - before
    if amount > owed:
        raise InvalidInput(
            _("پرداخت بیش از مانده بدهی وام است؛ حداکثر %(m)s قابل پرداخت است.")
            % {"m": format_rials(owed, exact=True)},
            field="amount",
        )
    repayment = Repayment.objects.create(
        loan=loan,
        key=key,
        amount=amount,
        paid_on=paid_on,
        recorded_at=now,
        recorded_by=user if getattr(user, "pk", None) else None,
        note=clean_text(note)[:300],
    )
    fee, principal = schedule.split_payment(parts, before, amount)
    for kind, value in ((Kind.REPAY_FEE, fee), (Kind.REPAY_PRINCIPAL, principal)):
        if value:
            _post(
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


def loan_outstanding_principal(*, loan: Loan) -> int:
    out = _balance(loan=loan, kind=Kind.DISBURSEMENT)
    return (
        out
        - _balance(loan=loan, kind=Kind.REPAY_PRINCIPAL)
        - _balance(loan=loan, kind=Kind.WRITE_OFF)
    )


@transaction.atomic
def loan_write_off(
    *, loan: Loan, user: Any, on: datetime.date, reason: str, now: datetime.datetime | None = None
) -> Loan:
    """Write off what is left of the principal (the fund's loss); the unpaid fee is forgone."""
    now = now or timezone.now()
    if not clean_text(reason):
        raise InvalidInput(_("دلیل سوخت وام را بنویسید."), field="reason")
    loan = _lock_loan(loan)
    outstanding = loan_outstanding_principal(loan=loan)
    _move(loan, S.WRITTEN_OFF, user=user, now=now, note=clean_text(reason), closed_on=on)
    if outstanding:
        _post(
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


# --- Jobs --------------------------------------------------------------------


@transaction.atomic
def verification_record(
    *,
    loan: Loan,
    visited_on: datetime.date,
    verifier: str,
    business_running: bool,
    jobs_found: int,
    user: Any,
    women_jobs: int = 0,
    photo: Any = None,
    note: str = "",
) -> Verification:
    """A visit to the business a loan financed; its job count replaces the earlier ones."""
    if loan.disbursed_on is None:
        raise InvalidInput(_("وام هنوز پرداخت نشده است؛ بازدید پس از پرداخت ثبت می‌شود."))
    if visited_on < loan.disbursed_on:
        raise InvalidInput(_("تاریخ بازدید پیش از تاریخ پرداخت وام است."), field="visited_on")
    if not business_running and jobs_found:
        raise InvalidInput(
            _("کسب‌وکار تعطیل است؛ اشتغال مشاهده‌شده باید صفر باشد."), field="jobs_found"
        )
    if not 0 <= women_jobs <= jobs_found:
        raise InvalidInput(_("اشتغال زنان نمی‌تواند بیش از کل اشتغال باشد."), field="women_jobs")
    if not clean_text(verifier):
        raise InvalidInput(_("نام بازدیدکننده را وارد کنید."), field="verifier")
    return Verification.objects.create(
        loan=loan,
        visited_on=visited_on,
        verifier=clean_text(verifier),
        business_running=business_running,
        jobs_found=jobs_found,
        women_jobs=women_jobs,
        photo=photo or "",
        note=clean_text(note)[:500],
        verified_by=user if getattr(user, "pk", None) else None,
    )


# --- Lottery -----------------------------------------------------------------


@transaction.atomic
def lottery_draw(
    *,
    fund: Fund,
    slots: int,
    user: Any,
    seed: str | None = None,
    now: datetime.datetime | None = None,
) -> LotteryDraw:
    """Draw ``slots`` winners among the fund's queued requests. The seed and the
    entrants are saved with the result; winners still need the checker's approval."""
    now = now or timezone.now()
    fund = _lock_fund(fund)
    if slots < 1:
        raise InvalidInput(_("تعداد وام‌های قابل پرداخت دست‌کم یک است."), field="slots")
    entrants = list(
        Loan.objects.filter(fund=fund, status=S.REQUESTED, in_queue=True, draw__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not entrants:
        raise InvalidInput(_("درخواستی در صف قرعه‌کشی نیست."))
    seed = seed or lottery.new_seed()
    winners = lottery.draw_winners(seed=seed, entrants=entrants, slots=slots)
    draw = LotteryDraw.objects.create(
        fund=fund,
        seed=seed,
        entrants=entrants,
        winners=winners,
        slots=slots,
        drawn_at=now,
        drawn_by=user,
    )
    Loan.objects.filter(pk__in=winners).update(draw=draw, in_queue=False)
    return draw


def lottery_verify(*, draw: LotteryDraw) -> bool:
    """Re-run the draw from its recorded seed and entrants."""
    return (
        lottery.draw_winners(seed=draw.seed, entrants=draw.entrants, slots=draw.slots)
        == draw.winners
    )
