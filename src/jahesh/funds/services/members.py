"""Funds and their members: creation, savings in and out, sponsor capital."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jahesh.core.errors import Conflict, InvalidInput
from jahesh.core.identifiers import normalize_mobile, normalize_national_code
from jahesh.core.models import recorded_user
from jahesh.core.money import format_rials
from jahesh.core.text import clean_text, clean_word, normalize_key
from jahesh.funds.models import (
    Fund,
    LedgerEntry,
    Member,
)
from jahesh.funds.services.ledger import (
    _entry,
    _lock_fund,
    _positive,
    _post,
    fund_cash,
    member_savings,
)

Kind = LedgerEntry.Kind


def _fund_new(
    *, name: str, code: str, county: Any, founded_on: datetime.date, **fields: Any
) -> Fund:
    """A fund of a name, a code, a county, a founding day and any other of the
    model's fields, the name's key derived; not checked."""
    return Fund(
        name=clean_text(name),
        name_key=normalize_key(name),
        code=code.strip(),
        county=county,
        founded_on=founded_on,
        **fields,
    )


def fund_build(**fields: Any) -> Fund:
    """A checked fund, not saved (:func:`fund_create`'s rules: the model's);
    ``fields`` as :func:`_fund_new` takes them."""
    fund = _fund_new(**fields)
    fund.full_clean()
    return fund


# What full_clean asks the database one row at a time; the bulk form asks the
# code's uniqueness once for the batch, takes the places as the objects given,
# and leaves the check constraints to the database's insert.
_ASKED_PER_ROW = ["county", "city", "village"]


def funds_build(rows: list[dict[str, Any]]) -> list[Fund]:
    """The bulk form of :func:`fund_build` (each row its keyword arguments): the
    same field rules and ``clean()``; a code taken (or twice in the batch) raises."""
    funds = [_fund_new(**row) for row in rows]
    for fund in funds:
        fund.full_clean(exclude=_ASKED_PER_ROW, validate_unique=False, validate_constraints=False)
    codes = [f.code for f in funds]
    taken = set(Fund.objects.filter(code__in=codes).values_list("code", flat=True))
    if taken or len(set(codes)) != len(codes):
        raise ValidationError({"code": [funds[0].unique_error_message(Fund, ("code",))]})
    return funds


def fund_create(**fields: Any) -> Fund:
    fund = fund_build(**fields)
    fund.save()
    return fund


def funds_create(funds: list[Fund], *, batch_size: int = 1000) -> list[Fund]:
    """Write funds built by :func:`funds_build` (or :func:`fund_build`) in one insert."""
    return Fund.objects.bulk_create(funds, batch_size=batch_size)


@dataclass(frozen=True, kw_only=True)
class MemberFields:
    """A person joining a fund, built once by the form, the API, the importer or
    the scenario and given to :func:`member_build`, :func:`member_create` or
    :func:`members_create`."""

    fund: Fund
    national_code: str
    first_name: str
    last_name: str
    gender: str
    joined_on: datetime.date
    mobile: str = ""
    board_role: str = ""


def member_create(fields: MemberFields, *, user: Any = None) -> Member:
    """A person joins a fund; the national code is validated and may appear once per
    fund. ``user`` (who adds them) is the history row's author, as the request's
    user would be on a page, and also for an import job, which has no request."""
    member = member_build(fields)
    member._history_user = recorded_user(user)  # type: ignore[attr-defined]
    member.save()
    return member


def _member_taken(fund: Fund, code: str) -> bool:
    return Member.objects.filter(fund=fund, national_code=code).exists()


def member_build(
    fields: MemberFields, *, taken: Callable[[Fund, str], bool] = _member_taken
) -> Member:
    """A checked member, not saved (:func:`member_create`'s rules). ``taken`` says
    whether the code is already a member of the fund (the bulk form's set)."""
    try:
        code = normalize_national_code(fields.national_code)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], field="national_code") from None
    try:
        mobile = normalize_mobile(fields.mobile) if fields.mobile else ""
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], field="mobile") from None
    if taken(fields.fund, code):
        raise Conflict(_("این کد ملی پیش‌تر در این صندوق عضو شده است."), field="national_code")
    first_name, last_name = clean_word(fields.first_name), clean_word(fields.last_name)
    return Member(
        fund=fields.fund,
        national_code=code,
        first_name=first_name,
        last_name=last_name,
        name_key=normalize_key(f"{first_name} {last_name}"),
        mobile=mobile,
        gender=fields.gender,
        joined_on=fields.joined_on,
        board_role=fields.board_role or "",
    )


def members_create(rows: list[MemberFields], *, batch_size: int = 2000) -> list[Member]:
    """The bulk form of :func:`member_create`: every row through
    :func:`member_build`, the fund's members read once for the batch (and the
    batch's earlier rows), then one insert. A refused row raises."""
    funds = {row.fund.pk for row in rows}
    members = set(Member.objects.filter(fund_id__in=funds).values_list("fund_id", "national_code"))
    built = []
    for row in rows:
        member = member_build(row, taken=lambda fund, code: (fund.pk, code) in members)
        members.add((member.fund_id, member.national_code))
        built.append(member)
    return Member.objects.bulk_create(built, batch_size=batch_size)


def savings_deposit_build(
    *,
    member: Member,
    amount: int,
    on: datetime.date,
    user: Any,
    now: datetime.datetime,
    note: str = "",
) -> LedgerEntry:
    """A checked deposit row, not saved (:func:`savings_deposit`'s rules; the bulk
    form writes many with ``entries_create``)."""
    return _entry(
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
def savings_deposit(*, now: datetime.datetime | None = None, **fields: Any) -> LedgerEntry:
    """A member's deposit: :func:`savings_deposit_build`'s arguments."""
    entry = savings_deposit_build(now=now or timezone.now(), **fields)
    entry.save()
    return entry


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


def sponsor_capital_build(
    *,
    fund: Fund,
    sponsor: str,
    amount: int,
    on: datetime.date,
    user: Any,
    now: datetime.datetime,
) -> LedgerEntry:
    """A checked sponsor-capital row, not saved (:func:`sponsor_capital_receive`'s
    rules; the bulk form writes many with ``entries_create``)."""
    if not clean_text(sponsor):
        raise InvalidInput(_("نام تأمین‌کننده را وارد کنید."), field="sponsor")
    return _entry(
        fund=fund,
        kind=Kind.SPONSOR_IN,
        amount=_positive(amount),
        on=on,
        now=now,
        user=user,
        sponsor=clean_text(sponsor),
    )


@transaction.atomic
def sponsor_capital_receive(*, now: datetime.datetime | None = None, **fields: Any) -> LedgerEntry:
    """Managed funds (وجوه اداره‌شده) a sponsor places with the fund to lend on:
    :func:`sponsor_capital_build`'s arguments."""
    entry = sponsor_capital_build(now=now or timezone.now(), **fields)
    entry.save()
    return entry
