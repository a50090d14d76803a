"""The units' kind of the inbox: units of the reader's scope due for a monitoring
visit within the week, by the visit plan's rule (units.selectors.visits_due)."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse

from jahesh.inbox.selectors import inbox_items
from jahesh.units.models import Unit

TODAY = date(2025, 11, 27)  # the units tests' frozen clock


def _due(user):
    return [(i.url, i.due_on) for i in inbox_items(user=user, today=TODAY) if i.kind == "visit_due"]


def test_units_due_this_week_await_their_officer(make_unit, geo, users, api_client_for):
    visited = make_unit(name="کارخانهٔ آرد")
    fresh = make_unit(name="کارگاه نان")
    never = make_unit(county=geo["saveh"], name="کارخانهٔ ساوه")
    # Low risk: yearly. One visited 360 days ago (due in 5 days), one last week.
    Unit.objects.filter(pk=visited.pk).update(last_visit_on=TODAY - timedelta(days=360))
    Unit.objects.filter(pk=fresh.pk).update(last_visit_on=TODAY - timedelta(days=7))
    url = reverse("units:detail", args=[visited.pk])
    assert _due(users["arak"]) == [(url, TODAY + timedelta(days=5))]
    # Saveh's never-visited unit is due now, for Saveh's officer and the province.
    assert _due(users["saveh"]) == [(reverse("units:detail", args=[never.pk]), TODAY)]
    assert sorted(d for _u, d in _due(users["hq"])) == [TODAY, TODAY + timedelta(days=5)]
    assert _due(users["hq_other"]) == [] and _due(users["fund"]) == []
    body = api_client_for(users["arak"]).get("/api/v1/inbox?kind=visit_due").json()
    assert body["count"] == 1 and body["items"][0]["url"] == url
    assert api_client_for(None).get("/api/v1/inbox?kind=visit_due").status_code == 401
