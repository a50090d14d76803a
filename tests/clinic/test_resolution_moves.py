"""A session's page and the resolutions API offer each resolution's follow-ups
from ``RESOLUTION_FLOW``'s table: the statuses a follow-up may leave it in; a
done resolution none; only the clinic's workers (the machine's ``may_act``)."""

from __future__ import annotations

import datetime as dt
import re

from django.urls import reverse

from jahesh.clinic import services
from jahesh.clinic.models import Resolution, ResolutionStatus
from tests.moves import select_options

R = ResolutionStatus


def _offered(client, resolution: Resolution) -> list[str]:
    """The statuses the session page's follow-up form of ``resolution`` offers."""
    page = client.get(reverse("clinic:session_detail", args=[resolution.session_id]))
    assert page.status_code == 200
    found = re.search(
        rf'<form [^>]*data-resolution="{resolution.pk}">(.*?)</form>', page.text, re.S
    )
    return select_options(found.group(1), "f-status_after") if found else []


def test_the_page_and_the_api_offer_the_tables_follow_ups(
    resolution, users, client_for, api_client_for
):
    expected = ["open", "done", "objected", "not_executed"]
    assert services.RESOLUTION_FLOW.allowed_moves(resolution, users["hq"]) == expected
    assert _offered(client_for(users["hq"]), resolution) == expected
    api = api_client_for(users["arak"])
    assert api.get(f"/api/v1/resolutions/{resolution.pk}").json()["allowed_transitions"] == expected
    listed = api.get("/api/v1/resolutions").json()["items"]
    assert [(r["id"], r["allowed_transitions"]) for r in listed] == [(resolution.pk, expected)]
    session = api.get(f"/api/v1/sessions/{resolution.session_id}").json()
    assert session["resolutions"][0]["allowed_transitions"] == expected
    Resolution.objects.filter(pk=resolution.pk).update(status=R.OBJECTED)
    resolution.refresh_from_db()
    assert _offered(client_for(users["hq"]), resolution) == ["open", "not_executed"]


def test_the_offered_follow_up_is_made_when_posted_and_a_done_one_offers_none(
    resolution, users, client_for, api_client_for
):
    hq = client_for(users["hq"])
    assert "done" in _offered(hq, resolution)
    answer = hq.post(
        reverse("clinic:resolution_follow_up", args=[resolution.session_id]),
        {"f-resolution": resolution.pk, "f-status_after": "done", "f-on": "1404/06/19",
         "f-note": "انجام شد"},
    )  # fmt: skip
    assert answer.status_code == 302
    resolution.refresh_from_db()
    assert (resolution.status, resolution.done_on) == ("done", dt.date(2025, 9, 10))
    assert _offered(hq, resolution) == []
    api = api_client_for(users["hq"]).get(f"/api/v1/resolutions/{resolution.pk}")
    assert api.json()["allowed_transitions"] == []


def test_none_to_those_who_may_not_and_nothing_out_of_scope(
    resolution, users, client_for, api_client_for
):
    for name in ("viewer", "fund", "coordinator"):
        assert services.RESOLUTION_FLOW.allowed_moves(resolution, users[name]) == [], name
    assert (
        api_client_for(users["hq_other"]).get(f"/api/v1/resolutions/{resolution.pk}").status_code
        == 404
    )
    page = reverse("clinic:session_detail", args=[resolution.session_id])
    assert client_for(users["hq_other"]).get(page).status_code == 404
    assert api_client_for(None).get(f"/api/v1/resolutions/{resolution.pk}").status_code == 401
    anonymous = client_for(None).get(page)
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
