"""core.daily.distinct_days: a person counts once in a period, at every level."""

from __future__ import annotations

import datetime
import threading

from jahesh.core.daily import EVER, distinct_days, once, shared

D = datetime.date


def _count(rows: dict[tuple, int], place: tuple, start: datetime.date, end: datetime.date) -> int:
    """A period's count from the rows, as the day table reads a window part."""
    return sum(
        value
        for (at, day, since, lo, hi), value in rows.items()
        if at == place and start <= day < end and since < start and lo < end <= hi
    )


def test_a_person_served_in_two_counties_is_one_person_in_the_province():
    # given one person served twice in county 10 and once in county 11 of province 1,
    # and another served once in county 20 of province 2
    rows = distinct_days([
        ("a", 1, 10, D(2025, 1, 5)), ("a", 1, 10, D(2025, 3, 1)),
        ("a", 1, 11, D(2025, 2, 1)), ("b", 2, 20, D(2025, 2, 1)),
    ])  # fmt: skip
    # then each county counts them once over the year, the province and the country once each
    year = (D(2025, 1, 1), D(2026, 1, 1))
    assert _count(rows, (1, 10), *year) == 1
    assert _count(rows, (1, 11), *year) == 1
    assert _count(rows, (1, None), *year) == 1
    assert _count(rows, (None, None), *year) == 2
    # and a period starting after their first service still counts them, once
    assert _count(rows, (1, None), D(2025, 2, 1), D(2025, 4, 1)) == 1
    assert _count(rows, (1, 10), D(2025, 2, 1), D(2025, 4, 1)) == 1
    assert _count(rows, (1, None), D(2025, 3, 2), D(2026, 1, 1)) == 0
    # and the province row carries the person's previous day in the province (county 11's)
    assert ((1, None), D(2025, 3, 1), D(2025, 2, 1), *EVER) in rows


def test_levels_leave_out_the_places_an_area_does_not_hold_whole():
    rows = distinct_days([("a", 1, 10, D(2025, 1, 5))], levels=("county",))
    assert rows == {((1, 10), D(2025, 1, 5), EVER[0], *EVER): 1}


def test_a_shared_block_holds_in_its_own_thread_only():
    # given a shared() block open in this thread, with a result computed in it
    calls: list[str] = []

    def compute(who: str) -> str:
        calls.append(who)
        return who

    seen: list[str] = []
    with shared():
        assert once(compute, "x") == "x" and once(compute, "x") == "x"
        # when another thread asks meanwhile, it computes (no block of its own)
        thread = threading.Thread(target=lambda: seen.extend(once(compute, "x") for _ in "ab"))
        thread.start()
        thread.join()
    # then this thread computed once; the other computed on each call
    assert seen == ["x", "x"] and calls == ["x", "x", "x"]
