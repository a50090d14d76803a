"""The ledger balances after any sequence of operations (hypothesis)."""

from __future__ import annotations

import datetime

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jahesh.core.errors import ApplicationError
from jahesh.funds import selectors, services
from jahesh.funds.models import LedgerEntry, Repayment

DAY0 = datetime.date(2023, 6, 22)

operation = st.one_of(
    st.tuples(st.just("deposit"), st.integers(1, 50_000_000)),
    st.tuples(st.just("withdraw"), st.integers(1, 80_000_000)),
    st.tuples(st.just("sponsor"), st.integers(1, 500_000_000)),
    st.tuples(
        st.just("lend"), st.integers(10, 300).map(lambda x: x * 1_000_000), st.integers(1, 36)
    ),
    st.tuples(st.just("pay"), st.integers(1, 120_000_000)),
    st.tuples(st.just("reverse_payment"), st.integers(0, 50)),
    st.tuples(st.just("reverse_deposit"), st.integers(0, 50)),
    st.tuples(st.just("write_off"), st.integers(0, 50)),
)


def _apply(op, *, fund, member, users, clerk, state):
    name, *args = op
    state["n"] += 1
    day = DAY0 + datetime.timedelta(days=state["n"])
    maker = users["fund"]
    if name == "deposit":
        services.savings_deposit(member=member, amount=args[0], on=day, user=maker)
    elif name == "withdraw":
        services.savings_withdraw(member=member, amount=args[0], on=day, user=maker)
    elif name == "sponsor":
        services.sponsor_capital_receive(
            fund=fund, sponsor="خیّر", amount=args[0], on=day, user=maker
        )
    elif name == "lend":
        loan = services.loan_request(
            fund=fund,
            member=member,
            principal=args[0],
            months=args[1],
            purpose="دامداری",
            requested_on=day,
            user=maker,
        )
        services.loan_approve(loan=loan, user=clerk, on=day)
        state["loans"].append(services.loan_disburse(loan=loan, user=clerk, on=day))
    elif name == "pay" and state["loans"]:
        loan = state["loans"][state["n"] % len(state["loans"])]
        services.repayment_record(
            loan=loan, amount=args[0], paid_on=day, key=f"p{state['n']}", user=maker
        )
    elif name == "reverse_payment":
        reps = list(Repayment.objects.filter(reversed_at__isnull=True).order_by("pk"))
        if reps:
            services.repayment_reverse(
                repayment=reps[args[0] % len(reps)], user=clerk, reason="اشتباه"
            )
    elif name == "reverse_deposit":
        deps = list(
            LedgerEntry.objects.filter(kind="deposit", reverses__isnull=True).order_by("pk")
        )
        if deps:
            services.ledger_entry_reverse(
                entry=deps[args[0] % len(deps)], user=clerk, reason="اشتباه"
            )
    elif name == "write_off" and state["loans"]:
        loan = state["loans"][args[0] % len(state["loans"])]
        services.loan_write_off(loan=loan, user=clerk, on=day, reason="سوخت")


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(operation, min_size=1, max_size=10))
def test_it_balances_after_any_sequence_of_operations(fund, member, users, clerk, ops):
    with transaction.atomic():
        state = {"n": 0, "loans": []}
        for op in ops:
            try:
                with transaction.atomic():
                    _apply(op, fund=fund, member=member, users=users, clerk=clerk, state=state)
            except ApplicationError:
                pass  # refused operations change nothing
        checks = selectors.fund_reconciliation(fund=fund)
        assert [c.label for c in checks if not c.ok] == []
        balances = selectors.ledger_balances(fund=fund)
        assert balances["cash"] >= 0
        assert balances["savings"] == services.member_savings(member=member) >= 0
        assert balances["outstanding"] >= 0
        transaction.set_rollback(True)
