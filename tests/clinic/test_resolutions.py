from __future__ import annotations

import datetime as dt

import pytest

from jahesh.accounts.scoping import Area
from jahesh.clinic import selectors, services
from jahesh.clinic.models import Agency, ResolutionStatus
from jahesh.core.errors import Forbidden, InvalidInput
from jahesh.reports.figures import kpi_value
from tests.conftest import MARKAZI

R = ResolutionStatus


@pytest.fixture
def session(group, users, expert):
    return services.session_create(
        user=users["hq"], group=group, held_on=dt.date(2025, 9, 1), attendees=[expert]
    )


def _pass(session, users, agency, due, text="مصوبه"):
    return services.resolution_create(
        user=users["hq"], session=session, text=text, agency=agency, due_on=due
    )


def test_it_numbers_sessions_and_resolutions_and_sets_the_objection_window(
    session, group, users, agency
):
    second = services.session_create(user=users["hq"], group=group, held_on=dt.date(2025, 10, 1))
    assert (session.number, second.number) == (1, 2)
    a = _pass(session, users, agency, dt.date(2025, 10, 1))
    b = _pass(session, users, agency, dt.date(2025, 10, 1))
    assert (a.number, b.number) == (1, 2)
    # 15 working days after Mon 1 Sep 2025 (weekend thu,fri; 10 Sep a holiday).
    assert a.objection_until == dt.date(2025, 9, 23)
    settings = services.clinic_settings()
    settings.objection_days = 30
    settings.save()
    # 30 working days: the 20 left in September after the 1st, then 10 in October.
    assert _pass(session, users, agency, dt.date(2025, 10, 1)).objection_until == dt.date(
        2025, 10, 14
    )
    with pytest.raises(Forbidden):
        services.session_create(user=users["expert"], group=group, held_on=dt.date(2025, 9, 1))


def test_it_moves_resolutions_only_along_their_table(session, users, agency):
    res = _pass(session, users, agency, dt.date(2025, 10, 1))
    with pytest.raises(InvalidInput) as exc:  # objection after the window
        services.resolution_follow_up(
            resolution=res,
            user=users["hq"],
            on=dt.date(2025, 9, 24),
            note="اعتراض بانک",
            status_after=R.OBJECTED,
        )
    assert "مهلت اعتراض" in str(exc.value)
    with pytest.raises(InvalidInput) as exc:  # not executed before the due date
        services.resolution_follow_up(
            resolution=res,
            user=users["hq"],
            on=dt.date(2025, 9, 20),
            note="اجرا نشد",
            status_after=R.NOT_EXECUTED,
        )
    assert "هنوز نگذشته" in str(exc.value)
    res.refresh_from_db()
    assert res.status == R.OPEN and res.followups.count() == 0
    services.resolution_follow_up(
        resolution=res,
        user=users["expert"],
        on=dt.date(2025, 9, 25),
        note="نامهٔ بانک رسید",
        status_after=R.DONE,
    )
    res.refresh_from_db()
    assert (res.status, res.done_on, res.on_time) == (R.DONE, dt.date(2025, 9, 25), True)
    with pytest.raises(InvalidInput):
        services.resolution_follow_up(
            resolution=res,
            user=users["hq"],
            on=dt.date(2025, 9, 26),
            note="x",
            status_after=R.OBJECTED,
        )


def test_it_scores_agencies_by_share_on_time_and_counts_the_kpis(session, users, agency):
    power = Agency.objects.get(code="power")
    done_on_time = _pass(session, users, agency, dt.date(2025, 10, 1))
    done_late = _pass(session, users, agency, dt.date(2025, 10, 1))
    _pass(session, users, agency, dt.date(2025, 10, 1))  # still open
    power_done = _pass(session, users, power, dt.date(2025, 10, 5))
    _pass(session, users, power, dt.date(2026, 1, 5))  # due after the period
    for res, on in (
        (done_on_time, dt.date(2025, 9, 30)),
        (done_late, dt.date(2025, 10, 9)),
        (power_done, dt.date(2025, 10, 2)),
    ):
        services.resolution_follow_up(
            resolution=res, user=users["hq"], on=on, note="انجام شد", status_after=R.DONE
        )
    start, end = dt.date(2025, 9, 1), dt.date(2025, 11, 1)
    board = selectors.agency_scoreboard(user=users["hq"], start=start, end=end)
    assert [(r["agency"], r["due"], r["done"], r["on_time"], r["on_time_pct"]) for r in board] == [
        ("شرکت توزیع برق", 1, 1, 1, 100),
        ("بانک‌ها", 3, 2, 1, 33),
    ]
    assert selectors.agency_scoreboard(user=users["hq_other"], start=start, end=end) == []
    area = Area(province_id=MARKAZI)
    assert kpi_value("resolutions_passed", area=area, start=start, end=end) == 5
    # 3 of the 4 due in the period were carried out: 75 %.
    assert kpi_value("resolutions_executed_pct", area=area, start=start, end=end) == 75
    assert (
        selectors.kpi_resolutions_executed_pct_records(area=area, start=start, end=end).count() == 4
    )
    assert kpi_value("resolutions_passed", area=Area(province_id=8), start=start, end=end) == 0
    assert (
        kpi_value("resolutions_executed_pct", area=area, start=end, end=dt.date(2025, 12, 1)) == 0
    )


def test_a_deadline_in_working_days_counts_the_groups_province(session, users, agency, geo):
    from jahesh.geo.services import closure_add

    # Session of Mon 1 Sep 2025 (a holiday): 5 working days are Tue 2, Wed 3,
    # Sat 6, Sun 7, Mon 8; a Markazi closure on the 7th moves it to Tue 9.
    res = services.resolution_create(
        user=users["hq"], session=session, text="مصوبه", agency=agency, due_days=5
    )
    assert res.due_on == dt.date(2025, 9, 8)
    closure_add(on=dt.date(2025, 9, 7), province=geo["markazi"], reason="کمبود برق")
    later = services.resolution_create(
        user=users["hq"], session=session, text="مصوبه", agency=agency, due_days=5
    )
    assert later.due_on == dt.date(2025, 9, 9)
    closure_add(on=dt.date(2025, 9, 9), province=geo["tehran"], reason="آلودگی هوا")
    assert services.resolution_create(
        user=users["hq"], session=session, text="مصوبه", agency=agency, due_days=5
    ).due_on == dt.date(2025, 9, 9)
    for kw, field in (
        ({}, "due_on"),
        ({"due_days": 5, "due_on": dt.date(2025, 10, 1)}, "due_days"),
        ({"due_days": 0}, "due_days"),
    ):
        with pytest.raises(InvalidInput) as bad:
            services.resolution_create(
                user=users["hq"], session=session, text="مصوبه", agency=agency, **kw
            )
        assert bad.value.field == field
