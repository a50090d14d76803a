"""The arithmetic of an interest-free loan (reference/loans.md), with no database.

* Fee F = P·i·(n+1)/2400, rounded half up to whole rials (``round_half_up``).
* Installment A = floor((P+F)/n/m)·m for 1..n−1; the last is P + F − (n−1)·A.
* Fee part floor(F/n) per installment, the last takes the remainder.
* Installment k falls due k Jalali months after disbursement, the day clamped
  to the month's length (``add_jalali_months``).
* A payment goes to the oldest unpaid installment first, fee before principal;
  paying more than what is owed is refused.

All amounts are integer rials. Rates are percent a year (``Decimal``/``int``/str).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from django.utils.translation import gettext as _

from jahesh.core.digits import to_persian_digits
from jahesh.core.errors import InvalidInput
from jahesh.core.jalali import add_jalali_months
from jahesh.core.money import format_rials, round_half_up

FEE_RATE_CAP = Decimal(4)
MAX_MONTHS = 60
DEFAULT_MULTIPLE = 1000


@dataclass(frozen=True)
class Line:
    number: int
    due_on: datetime.date
    amount: int
    fee_part: int
    principal_part: int


@dataclass(frozen=True)
class Schedule:
    principal: int
    fee: int
    lines: tuple[Line, ...]

    @property
    def total(self) -> int:
        return self.principal + self.fee


def _rate(fee_rate: Decimal | int | str | float) -> Fraction:
    # Through str so 2.5 and Decimal("2.50") give the same exact fraction.
    return Fraction(str(fee_rate))


def check_terms(
    *,
    principal: int,
    fee_rate: Decimal | int | str,
    months: int,
    multiple: int = DEFAULT_MULTIPLE,
    cap: Decimal | int = FEE_RATE_CAP,
) -> None:
    """Raise InvalidInput (Persian, naming the field) when the terms break the rules."""
    if principal is None or principal <= 0:
        raise InvalidInput(_("مبلغ وام باید بیشتر از صفر باشد."), field="principal")
    rate = _rate(fee_rate)
    if rate < 0 or rate > Fraction(str(cap)):
        raise InvalidInput(
            _("نرخ کارمزد حداکثر %(cap)s درصد در سال است؛ %(rate)s وارد شده.")
            % {"cap": to_persian_digits(str(cap)), "rate": to_persian_digits(str(fee_rate))},
            field="fee_rate",
        )
    if months is None or not 1 <= months <= MAX_MONTHS:
        raise InvalidInput(
            _("تعداد اقساط باید بین ۱ و ۶۰ ماه باشد؛ %(n)s وارد شده.")
            % {"n": to_persian_digits(months)},
            field="months",
        )
    if multiple is None or multiple < 1:
        raise InvalidInput(_("مضرب گرد کردن باید دست‌کم ۱ ریال باشد."), field="multiple")
    if principal < months * multiple:
        # Below this an installment would round to zero and its fee part exceed it.
        raise InvalidInput(
            _("مبلغ وام برای %(n)s قسط با مضرب %(m)s کم است؛ دست‌کم %(min)s وارد کنید.")
            % {
                "n": to_persian_digits(months),
                "m": format_rials(multiple, exact=True),
                "min": format_rials(months * multiple, exact=True),
            },
            field="principal",
        )


def total_fee(principal: int, fee_rate: Decimal | int | str, months: int) -> int:
    """F = P·i·(n+1)/2400, half up (reference/loans.md)."""
    return round_half_up(Fraction(principal) * _rate(fee_rate) * (months + 1) / 2400)


@lru_cache(maxsize=200_000)
def due_date(disbursed_on: datetime.date, k: int) -> datetime.date:
    """Installment k's due date; cached because a portfolio has few distinct
    disbursement days and the Jalali conversion dominates a bulk run."""
    return add_jalali_months(disbursed_on, k)


def amounts(principal: int, fee: int, months: int, multiple: int) -> list[tuple[int, int, int]]:
    """(amount, fee_part, principal_part) of each installment, in order."""
    total = principal + fee
    a = (total // months // multiple) * multiple  # floor((P+F)/n/m)·m, exact in integers
    f = fee // months
    rows = [(a, f, a - f)] * (months - 1)
    last = total - (months - 1) * a
    last_fee = fee - (months - 1) * f
    rows.append((last, last_fee, last - last_fee))
    return rows


def build_schedule(
    *,
    principal: int,
    fee_rate: Decimal | int | str,
    months: int,
    disbursed_on: datetime.date,
    multiple: int = DEFAULT_MULTIPLE,
    cap: Decimal | int = FEE_RATE_CAP,
) -> Schedule:
    """The full schedule; InvalidInput when the terms break the rules."""
    check_terms(principal=principal, fee_rate=fee_rate, months=months, multiple=multiple, cap=cap)
    fee = total_fee(principal, fee_rate, months)
    rows = amounts(principal, fee, months, multiple)
    if any(principal_part < 0 for _a, _f, principal_part in rows):
        # Only toy amounts (a few hundred rials over many months) get here: the
        # rounded installments leave the last one less than its fee part.
        raise InvalidInput(
            _("مبلغ وام برای %(n)s قسط بسیار کم است؛ مبلغ را بیشتر یا اقساط را کمتر کنید.")
            % {"n": to_persian_digits(months)},
            field="principal",
        )
    lines = tuple(
        Line(k, due_date(disbursed_on, k), amount, fee_part, principal_part)
        for k, (amount, fee_part, principal_part) in enumerate(rows, start=1)
    )
    return Schedule(principal=principal, fee=fee, lines=lines)


# --- Repayment allocation ----------------------------------------------------


@dataclass(frozen=True)
class Allocation:
    paid_fee: int
    paid_principal: int
    paid_on: datetime.date | None  # the day the installment became fully paid


def allocate(
    parts: Sequence[tuple[int, int]], payments: Iterable[tuple[datetime.date, int]]
) -> list[Allocation]:
    """Apply dated payments (in date order) to installments given as (fee_part,
    principal_part): oldest installment first, fee before principal.

    Because the order is fixed, the allocation depends only on the payments, so it
    can be recomputed from scratch whenever a payment is added or reversed.
    Raises InvalidInput when the payments exceed what is owed.
    """
    paid_fee, paid_principal, paid_on = allocated_columns(parts, payments)
    return [Allocation(paid_fee[i], paid_principal[i], paid_on[i]) for i in range(len(parts))]


def allocated_columns(
    parts: Sequence[tuple[int, int]], payments: Iterable[tuple[datetime.date, int]]
) -> tuple[list[int], list[int], list[datetime.date | None]]:
    """:func:`allocate` as three columns (paid fee, paid principal, paid on), one
    value per installment: the bulk form of paper loans sets tens of thousands of
    installments' paid columns from them, with no ``Allocation`` made for each."""
    owed = sum(f + p for f, p in parts)
    paid_fee = [0] * len(parts)
    paid_principal = [0] * len(parts)
    paid_on: list[datetime.date | None] = [None] * len(parts)
    index, total = 0, 0
    for day, amount in sorted(payments, key=lambda x: x[0]):
        total += amount
        if total > owed:
            raise InvalidInput(
                _("پرداخت بیش از بدهی وام است؛ حداکثر %(max)s قابل پرداخت است.")
                % {"max": format_rials(owed - (total - amount), exact=True)},
                field="amount",
            )
        while amount > 0 and index < len(parts):
            fee_part, principal_part = parts[index]
            take = min(amount, fee_part - paid_fee[index])
            paid_fee[index] += take
            amount -= take
            take = min(amount, principal_part - paid_principal[index])
            paid_principal[index] += take
            amount -= take
            if paid_fee[index] == fee_part and paid_principal[index] == principal_part:
                paid_on[index] = day
                index += 1
    return paid_fee, paid_principal, paid_on


def split_payment(parts: Sequence[tuple[int, int]], before: int, amount: int) -> tuple[int, int]:
    """(fee, principal) of a payment of ``amount`` made after ``before`` rials were
    already paid: the difference of two allocations."""

    def totals(paid: int) -> tuple[int, int]:
        fee = principal = 0
        for fee_part, principal_part in parts:
            take = min(paid, fee_part)
            fee += take
            paid -= take
            take = min(paid, principal_part)
            principal += take
            paid -= take
            if paid == 0:
                break
        return fee, principal

    fee0, principal0 = totals(before)
    fee1, principal1 = totals(before + amount)
    return fee1 - fee0, principal1 - principal0


def days_in_arrears(
    lines: Iterable[tuple[datetime.date, datetime.date | None]], as_of: datetime.date
) -> int:
    """Days since the oldest installment that was due on or before ``as_of`` and not
    fully paid by then; 0 when none. ``lines`` are (due_on, paid_on)."""
    oldest = None
    for due_on, paid_on in lines:
        if due_on <= as_of and (paid_on is None or paid_on > as_of):
            if oldest is None or due_on < oldest:
                oldest = due_on
    return (as_of - oldest).days if oldest else 0


AGING_BUCKETS = ((1, 30), (31, 60), (61, 90), (91, None))


def aging_bucket(days: int) -> int | None:
    """Index into AGING_BUCKETS (1–30, 31–60, 61–90, 90+), None when current."""
    for i, (low, high) in enumerate(AGING_BUCKETS):
        if days >= low and (high is None or days <= high):
            return i
    return None
