"""Working days (reference: calendar.md): weekend setting, Iran's official
holidays, closures of the country or a province."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured

from jahesh.core.errors import ApplicationError
from jahesh.geo.models import Closure
from jahesh.geo.services import closure_add, closure_remove
from jahesh.geo.workdays import (
    WorkCalendar,
    add_working_days,
    weekend,
    working_days_between,
)

D = datetime.date

# start, working days, due with thu,fri, due with fri,sat (calendar.md)
VECTORS = [
    (D(2027, 3, 16), 3, D(2027, 3, 28), D(2027, 3, 25)),
    (D(2026, 3, 17), 5, D(2026, 3, 30), D(2026, 3, 29)),
    (D(2026, 6, 22), 3, D(2026, 6, 28), D(2026, 6, 29)),
    (D(2026, 11, 25), 10, D(2026, 12, 9), D(2026, 12, 9)),
]


@pytest.mark.parametrize(("start", "days", "due", "_"), VECTORS)
def test_it_counts_the_reference_vectors_with_a_thursday_friday_weekend(db, start, days, due, _):
    assert add_working_days(start, days) == due
    assert working_days_between(start, due) == days


@pytest.mark.parametrize(("start", "days", "_", "due"), VECTORS)
def test_it_counts_the_reference_vectors_with_a_friday_saturday_weekend(
    db, settings, start, days, _, due
):
    settings.JAHESH_WEEKEND = "fri,sat"
    assert add_working_days(start, days) == due


def test_a_province_closure_moves_only_that_provinces_clock(geo):
    closure_add(on=D(2026, 6, 27), province=geo["markazi"], reason="آلودگی هوا")
    start = D(2026, 6, 22)
    assert add_working_days(start, 3, province_id=geo["markazi"].id) == D(2026, 6, 29)
    assert add_working_days(start, 3, province_id=geo["tehran"].id) == D(2026, 6, 28)
    assert add_working_days(start, 3) == D(2026, 6, 28)


def test_a_country_closure_moves_every_province(geo):
    closure_add(on=D(2026, 6, 27), reason="کمبود انرژی")
    for province in (geo["markazi"].id, geo["tehran"].id, None):
        assert add_working_days(D(2026, 6, 22), 3, province_id=province) == D(2026, 6, 29)


def test_removing_a_closure_restores_the_clock_and_keeps_history(geo):
    closure = closure_add(on=D(2026, 6, 27), province=geo["markazi"], reason="آلودگی")
    closure_remove(closure=closure)
    assert add_working_days(D(2026, 6, 22), 3, province_id=geo["markazi"].id) == D(2026, 6, 28)
    assert [h.history_type for h in Closure.history.order_by("history_id")] == ["+", "-"]


def test_a_closure_needs_a_reason_and_is_not_added_twice(geo):
    with pytest.raises(ApplicationError) as empty:
        closure_add(on=D(2026, 6, 27), reason="   ")
    assert empty.value.field == "reason"
    closure_add(on=D(2026, 6, 27), reason="آلودگی")
    with pytest.raises(ApplicationError) as twice:
        closure_add(on=D(2026, 6, 27), reason="دوباره")
    assert twice.value.field == "on"
    assert Closure.objects.count() == 1


def test_friday_is_always_off_and_bad_day_names_are_refused():
    assert weekend("sat") == {4, 5}
    assert weekend("") == {4}
    with pytest.raises(ImproperlyConfigured):
        weekend("thu,frid")


def test_zero_days_is_the_day_itself_or_the_next_working_day():
    calendar = WorkCalendar(weekend_days={3, 4}, closures=[])
    assert calendar.add(D(2026, 12, 5), 0) == D(2026, 12, 5)  # a Saturday
    assert calendar.add(D(2026, 12, 10), 0) == D(2026, 12, 12)  # Thursday -> Saturday


def test_between_is_negative_backwards_and_skips_nowruz():
    calendar = WorkCalendar(weekend_days={3, 4}, closures=[])
    # 1405/01/01..04 are Nowruz holidays (2026-03-21..24), 03-20 oil nationalisation day.
    assert calendar.between(D(2026, 3, 19), D(2026, 3, 25)) == 1
    assert calendar.between(D(2026, 3, 25), D(2026, 3, 19)) == -1
    with pytest.raises(ValueError):
        calendar.add(D(2026, 3, 19), -1)
