from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from jahesh.clinic import services
from jahesh.clinic.models import Case, CaseStatus
from jahesh.clinic.sla import sla_state

from .conftest import at

S = CaseStatus
T0 = dt.datetime(2025, 1, 1, 8, 0, tzinfo=dt.UTC)


def d(days: float) -> dt.datetime:
    return T0 + dt.timedelta(days=days)


def test_it_runs_the_clock_from_opening_without_pauses():
    state = sla_state(opened_at=T0, limit_days=21, events=[(d(1), S.TRIAGED)], now=d(10))
    assert (state.elapsed, state.paused, state.due_at) == (dt.timedelta(10), dt.timedelta(0), d(21))
    assert state.remaining == dt.timedelta(11) and not state.is_overdue


def test_it_pauses_while_waiting_on_an_agency():
    events = [
        (d(2), S.IN_PROGRESS),
        (d(5), S.WAITING),
        (d(12), S.IN_PROGRESS),
        (d(20), S.WAITING),
        (d(23), S.IN_PROGRESS),
    ]
    # Given 7 + 3 days waiting, on day 30 the clock ran 20 days of 21.
    state = sla_state(opened_at=T0, limit_days=21, events=events, now=d(30))
    assert (state.elapsed, state.paused, state.due_at) == (
        dt.timedelta(20),
        dt.timedelta(10),
        d(31),
    )
    assert state.waiting == dt.timedelta(10) and not state.is_overdue
    later = sla_state(opened_at=T0, limit_days=21, events=events, now=d(31.5))
    assert later.is_overdue and later.remaining == -dt.timedelta(hours=12)


def test_it_has_no_deadline_while_paused_and_ignores_future_events():
    events = [(d(5), S.WAITING), (d(40), S.IN_PROGRESS)]
    state = sla_state(opened_at=T0, limit_days=21, events=events, now=d(30))
    assert (state.due_at, state.is_running, state.elapsed) == (None, False, dt.timedelta(5))


def test_it_stops_when_closed_and_continues_after_reopening():
    events = [(d(3), S.RESOLVED), (d(13), S.IN_PROGRESS)]
    state = sla_state(opened_at=T0, limit_days=21, events=events, now=d(20))
    assert (state.elapsed, state.due_at) == (dt.timedelta(10), d(31))
    assert (state.paused, state.waiting) == (dt.timedelta(10), dt.timedelta(0))


def test_it_keeps_moves_of_the_same_instant_in_their_order():
    events = [(d(1), S.WAITING), (d(1), S.IN_PROGRESS)]
    state = sla_state(opened_at=T0, limit_days=21, events=events, now=d(2))
    assert state.is_running and state.due_at == d(21)


@given(
    st.lists(st.tuples(st.floats(0, 60), st.sampled_from(S.values)), max_size=12),
    st.floats(0, 90),
    st.integers(1, 60),
)
def test_it_splits_time_into_elapsed_and_paused(raw, now_days, limit):
    events = sorted(((d(x), s) for x, s in raw), key=lambda e: e[0])
    state = sla_state(opened_at=T0, limit_days=limit, events=events, now=d(now_days))
    assert state.elapsed + state.paused == d(now_days) - T0
    assert dt.timedelta(0) <= state.waiting <= state.paused
    assert state.elapsed >= dt.timedelta(0) and state.paused >= dt.timedelta(0)
    if state.due_at is not None:
        assert state.due_at - d(now_days) == state.remaining


def test_it_stores_the_deadline_by_severity_and_shifts_it_after_waiting(make_case, users):
    settings = services.clinic_settings()
    settings.sla_days_4 = 7
    settings.save()
    case = make_case(S.IN_PROGRESS, severity=4)
    assert case.due_at == case.opened_at + dt.timedelta(days=7)
    waiting = services.case_transition(
        case=case, to_status=S.WAITING, user=users["admin"], now=at(2)
    )
    assert waiting.due_at is None
    back = services.case_transition(
        case=waiting, to_status=S.IN_PROGRESS, user=users["admin"], now=at(5)
    )
    assert back.due_at == case.opened_at + dt.timedelta(days=10)
    assert Case.objects.get(pk=case.pk).due_at == back.due_at
