"""Logged hours list their decisions from ``HOURS_FLOW``'s table: a pending row
may be approved or rejected, a decided one nothing; the pending page's buttons
and the API's rows say so."""

from __future__ import annotations

import re

from django.urls import reverse

from jahesh.volunteers.models import RosterEntry
from jahesh.volunteers.services import HOURS_FLOW
from tests.volunteers.test_hours_approve import _pending

BASE = "/api/v1/volunteers"


def _buttons(client) -> list[str]:
    page = client.get(reverse("volunteers:hours"))
    assert page.status_code == 200
    return re.findall(r'name="action" value="(approve|reject)"', page.text)


def test_pending_rows_offer_the_tables_decisions_and_decided_rows_none(
    users, camp, vols, skills, client_for, api_client_for
):
    a, b = _pending(users, camp, vols, skills)
    coordinator = users["coordinator"]
    assert HOURS_FLOW.allowed_moves(a, coordinator) == ["approved", "rejected"]
    client = client_for(coordinator)
    assert _buttons(client) == ["approve", "reject"]
    api = api_client_for(coordinator)
    pending = api.get(f"{BASE}/hours/pending").json()["items"]
    assert {r["id"]: r["allowed_transitions"] for r in pending} == {
        a.pk: ["approved", "rejected"], b.pk: ["approved", "rejected"]
    }  # fmt: skip
    answer = client.post(reverse("volunteers:hours"), {"ids": [a.pk], "action": "approve"})
    assert answer.status_code == 302
    assert RosterEntry.objects.get(pk=a.pk).status == "approved"
    roster = api.get(f"{BASE}/camps/{camp.pk}/roster").json()["items"]
    assert {r["id"]: r["allowed_transitions"] for r in roster} == {
        a.pk: [], b.pk: ["approved", "rejected"]
    }  # fmt: skip


def test_nothing_offered_without_pending_rows_nor_out_of_scope(
    users, camp, vols, skills, client_for, api_client_for
):
    assert _buttons(client_for(users["coordinator"])) == []
    _pending(users, camp, vols, skills)  # the camp is in Arak
    assert (
        api_client_for(users["hq_other"]).get(f"{BASE}/camps/{camp.pk}/roster").status_code == 404
    )
    assert api_client_for(None).get(f"{BASE}/hours/pending").status_code == 401
    anonymous = client_for(None).get(reverse("volunteers:hours"))
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
