"""The scope policies of the funds' records (a fund manager sees the funds they
manage and everything in them), registered once the app registry is ready."""

from __future__ import annotations

from jahesh.accounts.roles import Module, Role
from jahesh.accounts.scoping import ScopePolicy, register
from jahesh.funds import models as m


def connect() -> None:
    # A fund manager sees the funds they manage and everything in them.
    register(
        m.Fund,
        ScopePolicy(
            module=Module.FUNDS,
            county="county",
            assigned={Role.FUND_MANAGER: "managers"},
            personal=False,
        ),
    )
    for in_fund in (m.Member, m.Loan, m.LedgerEntry, m.LotteryDraw):
        register(
            in_fund,
            ScopePolicy(
                module=Module.FUNDS,
                county="fund__county",
                assigned={Role.FUND_MANAGER: "fund__managers"},
            ),
        )
    for of_loan in (
        m.Installment,
        m.Repayment,
        m.Guarantor,
        m.GuaranteeDocument,
        m.Verification,
        m.LoanEvent,
    ):
        register(
            of_loan,
            ScopePolicy(
                module=Module.FUNDS,
                county="loan__fund__county",
                assigned={Role.FUND_MANAGER: "loan__fund__managers"},
            ),
        )
