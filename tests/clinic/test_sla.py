from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from jahesh.clinic import services
from jahesh.clinic.models import Case, CaseStatus
from jahesh.clinic.sla import calendar_for, sla_state
from jahesh.core.daily import shared

from .conftest import at

S = CaseStatus
T0 = dt.datetime(2025, 1, 1, 8, 0, tzinfo=dt.UTC)


TEHRAN = dt.timezone(dt.timedelta(hours=3.5))


def _tehran(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TEHRAN)


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
    # Opened Thursday 1404/09/06 10:00, a day off (weekend thu,fri): the clock
    # starts on Saturday and its 7th working day is Sunday 16 Azar (7 Dec).
    case = make_case(S.IN_PROGRESS, severity=4)
    assert case.due_at == _tehran(2025, 12, 8, 0)
    waiting = services.case_transition(
        case=case, to_status=S.WAITING, user=users["admin"], now=at(2)
    )
    assert waiting.due_at is None
    # Waiting from Saturday 10:00 (after 10 working hours) to Tuesday 10:00.
    back = services.case_transition(
        case=waiting, to_status=S.IN_PROGRESS, user=users["admin"], now=at(5)
    )
    # 7 days less 10 hours remain from Tuesday 10:00: Tue 14h, Wed 24h, then
    # Sat..Wed 5 × 24h → the limit is reached at the close of Wednesday 10 Dec.
    assert back.due_at == _tehran(2025, 12, 11, 0)
    assert Case.objects.get(pk=case.pk).due_at == back.due_at


def test_it_counts_only_working_days_of_the_province(geo):
    from jahesh.clinic.sla import calendar_for
    from jahesh.geo.services import closure_add

    # reference/calendar.md: 3 working days after Monday 1405/04/01 (2026-06-22)
    # is 1405/04/07; a Markazi closure on 1405/04/06 moves a Markazi case only.
    opened = _tehran(2026, 6, 22, 9)
    markazi, tehran = calendar_for(geo["markazi"].pk), calendar_for(geo["tehran"].pk)
    state = sla_state(opened_at=opened, limit_days=3, events=[], now=opened, calendar=markazi)
    assert state.due_at == _tehran(2026, 6, 28, 9)
    closure_add(on=dt.date(2026, 6, 27), province=geo["markazi"], reason="آلودگی هوا")
    markazi = calendar_for(geo["markazi"].pk)
    moved = sla_state(opened_at=opened, limit_days=3, events=[], now=opened, calendar=markazi)
    assert moved.due_at == _tehran(2026, 6, 29, 9)
    same = sla_state(opened_at=opened, limit_days=3, events=[], now=opened, calendar=tehran)
    assert same.due_at == _tehran(2026, 6, 28, 9)
    # On Saturday 27th at noon, Markazi's closed day has not run the clock.
    noon = _tehran(2026, 6, 27, 12)
    ran = sla_state(opened_at=opened, limit_days=3, events=[], now=noon, calendar=markazi)
    # Mon 15h and Tue 24h ran; Wed is Tasua, Thu and Fri the weekend, Sat closed.
    assert ran.elapsed == dt.timedelta(hours=15 + 24)
    assert ran.paused == dt.timedelta(0) and not ran.is_overdue


def test_an_overdue_case_deadline_lies_in_the_past(geo):
    from jahesh.clinic.sla import calendar_for

    markazi = calendar_for(geo["markazi"].pk)
    opened = _tehran(2026, 6, 22, 9)
    events = [(_tehran(2026, 6, 23, 9), S.WAITING), (_tehran(2026, 7, 1, 9), S.IN_PROGRESS)]
    late = _tehran(2026, 7, 5, 9)
    state = sla_state(opened_at=opened, limit_days=3, events=events, now=late, calendar=markazi)
    # 24h before waiting; from Wed 1 Jul 09:00 two days remain: Wed 15h, Sat, Sun 9h.
    assert state.due_at == _tehran(2026, 7, 5, 9)
    assert not state.is_overdue
    later = sla_state(
        opened_at=opened, limit_days=3, events=events, now=_tehran(2026, 7, 6, 9), calendar=markazi
    )
    assert later.is_overdue and later.remaining == -dt.timedelta(days=1)
    assert later.due_at == _tehran(2026, 7, 5, 9)


@given(
    st.lists(st.tuples(st.floats(0, 60), st.sampled_from(S.values)), max_size=8), st.floats(0, 90)
)
def test_its_deadline_and_remaining_time_agree_on_working_days(raw, now_days):
    from jahesh.clinic.sla import working_time
    from jahesh.geo.workdays import WorkCalendar

    calendar = WorkCalendar(weekend_days=[3, 4], closures=[dt.date(2025, 1, 15)])
    events = sorted(((d(x), s) for x, s in raw), key=lambda e: e[0])
    state = sla_state(
        opened_at=T0, limit_days=10, events=events, now=d(now_days), calendar=calendar
    )
    assert dt.timedelta(0) <= state.elapsed <= d(now_days) - T0
    now = d(now_days)
    if state.due_at is not None and state.remaining >= dt.timedelta(0):
        assert working_time(now, state.due_at, calendar) == state.remaining
    elif state.due_at is not None:
        assert working_time(state.due_at, now, calendar) == -state.remaining


def test_a_bulk_writer_reads_the_settings_and_calendars_once(geo, django_assert_num_queries):
    """Inside ``core.daily.shared`` (the clinic's scenario: thousands of moves),
    the settings and each province's calendar are read once; outside it, each
    call reads them again (an admin's change shows on the next move)."""
    services.clinic_settings()  # created by the first read
    january = dt.date(2025, 1, 1), dt.date(2025, 2, 1)
    days = calendar_for(geo["markazi"].pk).between(*january)
    assert 15 < days < 31
    with shared():
        with django_assert_num_queries(2):  # the settings, the calendar's closures of 2025
            for _ in range(3):
                assert services.clinic_settings().pk is not None
                assert calendar_for(geo["markazi"].pk).between(*january) == days
        assert calendar_for(geo["markazi"].pk) is calendar_for(geo["markazi"].pk)
        assert calendar_for(geo["markazi"].pk) is not calendar_for(None)
    assert calendar_for(geo["markazi"].pk) is not calendar_for(geo["markazi"].pk)
    with django_assert_num_queries(2):
        services.clinic_settings()
        services.clinic_settings()
