"""The ledger balances after any sequence of operations, and a refused operation
changes nothing (hypothesis)."""

from __future__ import annotations

import datetime
from collections import Counter

from django.db import transaction
from hypothesis import example, given, settings
from hypothesis import strategies as st

from jahesh.core.errors import ApplicationError
from jahesh.funds import books, services
from jahesh.funds.models import Installment, LedgerEntry, Loan, Repayment

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
    st.tuples(st.just("reverse_reversed"), st.integers(0, 50)),
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
    elif name == "reverse_reversed":
        reps = list(Repayment.objects.filter(reversed_at__isnull=False).order_by("pk"))
        if reps:
            services.repayment_reverse(
                repayment=reps[args[0] % len(reps)], user=clerk, reason="دوباره"
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


def _state(fund, member) -> tuple:
    """What an operation may change: the fund's balances, the member's savings, and
    every ledger row, loan, installment and repayment of the fund."""
    return (
        books.ledger_balances(fund=fund),
        services.member_savings(member=member),
        list(LedgerEntry.objects.filter(fund=fund).order_by("pk").values_list()),
        list(Loan.objects.filter(fund=fund).order_by("pk").values_list("pk", "status")),
        list(Installment.objects.filter(loan__fund=fund).order_by("pk").values_list()),
        list(Repayment.objects.filter(loan__fund=fund).order_by("pk").values_list()),
    )


# Operations that must have been refused at least once across the examples: more
# than the savings, more than the cash, a loan written off twice, a payment on a
# written-off loan, a repayment reversed twice. The two explicit examples reach the
# rarest (a random sequence seldom pays, reverses and reverses again).
REFUSED_SOMETIMES = {"withdraw", "lend", "write_off", "pay", "reverse_payment", "reverse_reversed"}
RARE_PATHS = [
    ("lend", 50_000_000, 12), ("pay", 5_000_000), ("reverse_payment", 0),
    ("reverse_reversed", 0), ("pay", 5_000_000), ("write_off", 0), ("write_off", 0),
    ("pay", 1_000_000), ("reverse_payment", 0),
]  # fmt: skip
TOO_MUCH = [("withdraw", 80_000_000), ("withdraw", 30_000_000), ("lend", 300_000_000, 36)] * 3


def test_it_balances_after_any_sequence_and_a_refusal_changes_nothing(funded, member, users, clerk):
    fund = funded  # 2 billion rials of sponsor capital: loans go out, so they can be refused later
    refused: Counter[str] = Counter()

    # derandomize: the same examples every run, so the paths reached do not vary.
    @settings(max_examples=40, deadline=None, derandomize=True, database=None)
    @given(st.lists(operation, min_size=1, max_size=12))
    @example(RARE_PATHS)
    @example(TOO_MUCH)
    def run(ops):
        with transaction.atomic():
            state = {"n": 0, "loans": []}
            for op in ops:
                before = _state(fund, member)
                try:
                    with transaction.atomic():
                        _apply(op, fund=fund, member=member, users=users, clerk=clerk, state=state)
                except ApplicationError:
                    refused[op[0]] += 1
                    assert _state(fund, member) == before, f"refused {op} changed the fund"
            checks = books.fund_reconciliation(fund=fund)
            assert [c.label for c in checks if not c.ok] == []
            balances = books.ledger_balances(fund=fund)
            assert balances["cash"] >= 0
            assert balances["savings"] == services.member_savings(member=member) >= 0
            assert balances["outstanding"] >= 0
            transaction.set_rollback(True)

    run()
    assert REFUSED_SOMETIMES <= set(refused), refused
