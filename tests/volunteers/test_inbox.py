"""The volunteers' kind of the inbox: hours awaiting approval, one item per camp,
for the users who may approve them (scoped: a roster row shows only when its
volunteer is in scope too)."""

from __future__ import annotations

from datetime import date, datetime

from django.urls import reverse

from jahesh.inbox.selectors import inbox_items
from jahesh.volunteers.models import RosterEntry
from jahesh.volunteers.services import RosterRow, hours_approve, roster_save

NOW = datetime(2024, 5, 6, 9, 0).astimezone()


def _hours(user):
    return [
        (i.url, i.due_on, i.title) for i in inbox_items(user=user) if i.kind == "hours_approval"
    ]


def test_hours_logged_by_volunteers_await_approval(users, camp, vols, skills, api_client_for):
    roster_save(
        actor=users["coordinator"],
        camp=camp,
        rows=[
            RosterRow(vols["arak"].national_code, skills["builder"].pk, 8),
            RosterRow(vols["saveh"].national_code, skills["teacher"].pk, 5),
        ],
        source=RosterEntry.Source.VOLUNTEER,
        now=NOW,
    )
    url = f"{reverse('volunteers:hours')}?camp={camp.pk}"
    [(link, due_on, title)] = _hours(users["coordinator"])
    assert (link, due_on) == (url, date(2024, 5, 5)) and "۲ ردیف" in title
    # Arak's officer sees the Arak volunteer's row only; Tehran's hq none.
    [(_l, _d, arak_title)] = _hours(users["arak"])
    assert "۱ ردیف" in arak_title
    assert _hours(users["hq_other"]) == [] and _hours(users["fund"]) == []
    body = api_client_for(users["coordinator"]).get("/api/v1/inbox?kind=hours_approval").json()
    assert body["count"] == 1 and body["items"][0]["url"] == url
    hours_approve(
        actor=users["coordinator"],
        entry_ids=RosterEntry.objects.values_list("pk", flat=True),
        now=NOW,
    )
    assert _hours(users["coordinator"]) == []
