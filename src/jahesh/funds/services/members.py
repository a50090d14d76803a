"""Funds and their members: creation, savings in and out, sponsor capital."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jahesh.core.errors import Conflict, InvalidInput
from jahesh.core.identifiers import normalize_mobile, normalize_national_code
from jahesh.core.money import format_rials
from jahesh.core.text import clean_text, normalize_key
from jahesh.funds.models import (
    Fund,
    LedgerEntry,
    Member,
)
from jahesh.funds.services.ledger import _lock_fund, _positive, _post, fund_cash, member_savings

Kind = LedgerEntry.Kind


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
