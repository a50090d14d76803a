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
    # ...and everything in a fund or in one of its loans.
    in_fund = (m.Member, m.Loan, m.LedgerEntry, m.LotteryDraw)
    of_loan = (
        m.Installment,
        m.Repayment,
        m.Guarantor,
        m.GuaranteeDocument,
        m.Verification,
        m.LoanEvent,
    )
    for records, fund in ((in_fund, "fund__"), (of_loan, "loan__fund__")):
        for record in records:
            policy = ScopePolicy(
                module=Module.FUNDS,
                county=fund + "county",
                assigned={Role.FUND_MANAGER: fund + "managers"},
            )
            register(record, policy)
