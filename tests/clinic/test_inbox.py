"""The clinic's kinds of the inbox: open cases near or past their time limit (the
expert's own, an officer's in scope) and open resolutions of the user's working
groups due within a week or overdue."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from jahesh.clinic import services
from jahesh.clinic.models import Case, CaseStatus
from jahesh.inbox.selectors import inbox_items
from tests.clinic.conftest import at


def _items(user, kind):
    return [(i.url, i.due_on) for i in inbox_items(user=user) if i.kind == kind]


def test_cases_near_or_past_their_limit(make_case, users, geo, make_unit):
    late = make_case(CaseStatus.ASSIGNED)
    near = make_case(CaseStatus.ASSIGNED)
    far = make_case(CaseStatus.ASSIGNED)
    saveh = make_case(CaseStatus.TRIAGED, unit=make_unit(county=geo["saveh"]))
    Case.objects.filter(pk=late.pk).update(due_at=at(-2))
    Case.objects.filter(pk=near.pk).update(due_at=at(1))
    Case.objects.filter(pk=far.pk).update(due_at=at(30))
    Case.objects.filter(pk=saveh.pk).update(due_at=at(-1))
    url = lambda c: reverse("clinic:case_detail", args=[c.pk])  # noqa: E731
    # The expert's own cases (the Saveh case is not assigned to them), newest deadline first.
    assert [u for u, _d in _items(users["expert"], "case_due")] == [url(near), url(late)]
    assert _items(users["expert"], "case_due")[1][1] == at(-2).date()
    assert [u for u, _d in _items(users["arak"], "case_due")] == [url(near), url(late)]
    assert [u for u, _d in _items(users["saveh"], "case_due")] == [url(saveh)]
    assert url(saveh) in [u for u, _d in _items(users["hq"], "case_due")]
    assert _items(users["hq_other"], "case_due") == []
    assert _items(users["fund"], "case_due") == []


def test_resolutions_due_for_my_groups(group, users, expert, agency):
    session = services.session_create(
        user=users["hq"], group=group, held_on=dt.date(2025, 9, 1), attendees=[expert]
    )
    today = dt.date(2025, 11, 27)

    def passed(due):
        return services.resolution_create(
            user=users["hq"], session=session, text="مصوبه", agency=agency, due_on=due
        )

    overdue, soon, later = (
        passed(today - dt.timedelta(days=3)),
        passed(today + dt.timedelta(days=4)),
        passed(today + dt.timedelta(days=40)),
    )
    url = reverse("clinic:session_detail", args=[session.pk])
    expected = [(url, soon.due_on), (url, overdue.due_on)]
    assert _items(users["expert"], "resolution_due") == expected  # a member of the group
    assert _items(users["hq"], "resolution_due") == expected
    assert _items(users["hq_other"], "resolution_due") == []
    assert later.due_on not in [d for _u, d in _items(users["hq"], "resolution_due")]
