"""The bulk loader's own pieces, beside the national run's table-by-table checks."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from jahesh.demo.bulkload import _FastRows


def test_fast_rows_set_foreign_keys_as_the_descriptor_does():
    from jahesh.funds.models import Fund, Installment, Loan

    fund = Fund()
    loan = Loan(fund=fund)
    loan.pk = 5
    kwargs = dict(loan=loan, number=1, due_on=datetime.date(2026, 1, 1), amount=100)
    assert "loan" in _FastRows(Installment)._forward  # set inline, not by the descriptor
    fast = _FastRows(Installment)(**dict(kwargs))
    slow = Installment(**dict(kwargs))
    assert type(fast) is Installment
    assert {k: v for k, v in vars(fast).items() if k != "_state"} == {
        k: v for k, v in vars(slow).items() if k != "_state"
    }
    assert fast.loan_id == 5
    assert fast._state.fields_cache == slow._state.fields_cache == {"loan": loan}
    assert fast._state.db == slow._state.db
    with pytest.raises(ValueError, match="must be a"):
        _FastRows(Installment)(loan=fund, number=1)
    none = _FastRows(Installment)(loan=None, number=2)
    assert none.loan_id is None and none._state.fields_cache == {"loan": None}


def test_fast_rows_set_one_to_one_keys_as_the_descriptor_does():
    """A one-to-one (a reversing ledger row) is set inline too, with the related
    row's reverse cache filled as the descriptor fills it."""
    from jahesh.funds.models import Fund, LedgerEntry

    fund = Fund()
    fund.pk = 3
    earlier = LedgerEntry(fund=fund, kind="deposit", amount=10)
    earlier.pk = 9
    assert _FastRows(LedgerEntry)._forward["reverses"][4] == "reversed_by"
    for reverses in (None, earlier):
        kwargs = dict(fund=fund, kind="deposit", amount=-10, reverses=reverses)
        slow = LedgerEntry(**dict(kwargs))
        slow_back = earlier._state.fields_cache.pop("reversed_by", None)
        fast = _FastRows(LedgerEntry)(**dict(kwargs))
        fast_back = earlier._state.fields_cache.pop("reversed_by", None)
        assert {k: v for k, v in vars(fast).items() if k != "_state"} == {
            k: v for k, v in vars(slow).items() if k != "_state"
        }
        assert fast.reverses_id == (9 if reverses else None)
        assert fast._state.fields_cache == slow._state.fields_cache
        assert (slow_back is slow, fast_back is fast) == (
            (True, True) if reverses else (False, False)
        )


def test_the_collectors_full_passes_wait_while_the_rows_are_built_and_come_back_after():
    import gc

    from jahesh.demo.bulkload import FULL_PASS_AFTER, fast_rows

    before = gc.get_threshold()
    with fast_rows():
        assert gc.get_threshold() == (before[0], before[1], max(before[2], FULL_PASS_AFTER))
    assert gc.get_threshold() == before


def test_fast_rows_give_every_other_model_an_init_of_the_same_rows_for_the_run():
    from jahesh.demo.bulkload import fast_rows
    from jahesh.volunteers.models import RosterEntry, Volunteer

    kwargs = dict(national_code="0012345678", first_name="علی", last_name="رضایی", county_id=3)
    slow = Volunteer(**kwargs)
    with fast_rows():
        assert "__init__" in vars(Volunteer) and "__init__" in vars(RosterEntry)
        fast = Volunteer(**kwargs)
        loaded = Volunteer(*[None] * len(Volunteer._meta.concrete_fields))  # from_db's call
    assert "__init__" not in vars(Volunteer) and "__init__" not in vars(RosterEntry)
    assert loaded.pk is None and loaded.first_name is None
    assert {k: v for k, v in vars(fast).items() if k != "_state"} == {
        k: v for k, v in vars(slow).items() if k != "_state"
    }
    assert (fast._state.db, fast._state.adding) == (slow._state.db, slow._state.adding)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the PostgreSQL bulk mode's builds and checks"
)
@pytest.mark.django_db(transaction=True)
def test_spread_runs_the_statements_on_two_connections_at_once():
    """The index builds and key checks at the end of a national run share the
    server's cores: two connections, each taking the next statement; the rows
    come back in the statements' order, a failure is raised; inside a
    transaction only its own connection (which sees its rows) runs them."""
    from django.db import DatabaseError, transaction

    from jahesh.demo.bulkmode import _spread

    statements = [f"SELECT {n}, pg_backend_pid() FROM pg_sleep(0.2)" for n in range(6)]
    rows = _spread(statements)
    assert [row[0] for row in rows] == list(range(6))
    assert len({row[1] for row in rows}) == 2  # two backends worked at once
    assert _spread(["CREATE TEMPORARY TABLE spread_t (n int)"]) == [None]
    with pytest.raises(DatabaseError):
        _spread(["SELECT 1", "SELECT no_such_column FROM pg_class", "SELECT 2"])
    with transaction.atomic():
        rows = _spread(statements[:3])
    assert len({row[1] for row in rows}) == 1
