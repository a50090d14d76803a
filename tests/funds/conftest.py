"""A fund in Arak managed by ``fund``, another in Saveh managed by someone else,
members with savings, and helpers that take a loan through its workflow."""

from __future__ import annotations

import datetime
import itertools

import pytest

from jahesh.accounts.roles import Role
from jahesh.funds import services
from jahesh.funds.models import Fund, Member

START = datetime.date(2022, 3, 21)  # 1 Farvardin 1401
NATIONAL_CODES = [
    "0081234562",
    "0639876544",
    "4901122339",
    "0076229645",
    "1583250689",
    "5260181591",
    "0830166130",
    "1860913903",
    "9960308243",
]


def valid_code(n: int) -> str:
    """The n-th valid national code (check digit computed)."""
    body = f"{n + 1000:09d}"[-9:]
    body = "1" + body[1:] if body[3:9] == "000000" else body
    s = sum(int(body[i]) * (10 - i) for i in range(9)) % 11
    return body + str(s if s < 2 else 11 - s)


@pytest.fixture
def clerk(make_user):
    """A second manager of the Arak fund: the checker beside ``fund``, the maker."""
    return make_user("clerk", Role.FUND_MANAGER)


@pytest.fixture
def other_manager(make_user):
    return make_user("fund_saveh", Role.FUND_MANAGER)


@pytest.fixture
def fund(geo, users, clerk):
    f = services.fund_create(
        name="صندوق مسجد جامع",
        code="ARK-001",
        county=geo["arak"],
        founded_on=START,
        min_membership_months=3,
        min_savings_rial=0,
    )
    f.managers.add(users["fund"], clerk)
    return f


@pytest.fixture
def other_fund(geo, other_manager):
    f = services.fund_create(
        name="صندوق روستای ساوه", code="SVH-001", county=geo["saveh"], founded_on=START
    )
    f.managers.add(other_manager)
    return f


_codes = itertools.count(1)


@pytest.fixture
def add_member(users):
    def make(
        fund: Fund,
        *,
        savings: int = 100_000_000,
        board_role: str = "",
        gender: str = "f",
        joined_on: datetime.date = START,
    ) -> Member:
        fields = services.MemberFields(
            fund=fund,
            national_code=valid_code(next(_codes)),
            first_name="زهرا",
            last_name="احمدی",
            gender=gender,
            joined_on=joined_on,
            mobile="09121234567",
            board_role=board_role,
        )
        member = services.member_create(fields)
        if savings:
            services.savings_deposit(
                member=member, amount=savings, on=joined_on, user=users["fund"]
            )
        return member

    return make


@pytest.fixture
def member(fund, add_member):
    return add_member(fund)


@pytest.fixture
def funded(fund, users):
    """The fund holds 2 billion rials of sponsor capital to lend."""
    services.sponsor_capital_receive(
        fund=fund, sponsor="بنیاد برکت", amount=2_000_000_000, on=START, user=users["fund"]
    )
    return fund


@pytest.fixture
def requested(funded, member, users):
    """A request recorded by ``fund`` (the maker) in the Arak fund, 22 May 2023."""
    return services.loan_request(
        fund=funded,
        member=member,
        principal=50_000_000,
        months=12,
        purpose="زنبورداری",
        requested_on=datetime.date(2023, 5, 22),
        user=users["fund"],
    )


@pytest.fixture
def disbursed_loan(funded, member, users, clerk):
    """100,000,000 at 4% over 24 months, disbursed 1 Tir 1402 (the first worked example)."""

    def make(
        principal: int = 100_000_000,
        months: int = 24,
        on: datetime.date = datetime.date(2023, 6, 22),
        borrower: Member | None = None,
    ):
        loan = services.loan_request(
            fund=funded,
            member=borrower or member,
            principal=principal,
            months=months,
            purpose="خیاطی خانگی",
            requested_on=on - datetime.timedelta(days=10),
            user=users["fund"],
            planned_jobs=2,
        )
        services.loan_approve(loan=loan, user=clerk, on=on - datetime.timedelta(days=5))
        return services.loan_disburse(loan=loan, user=clerk, on=on)

    return make
