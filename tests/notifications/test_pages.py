"""The bell, the notifications page and API, marking read and the preferences:
each user reads and marks only their own (in scope), another's answers 404 (out
of scope), and an anonymous client is sent to sign in (401 on the API)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from jahesh.notifications.models import Notification, Preference


@pytest.fixture
def notes(users):
    now = timezone.now()

    def note(user, n):
        return Notification.objects.create(
            recipient=user, kind="case_moved", title=f"اعلان {n} برای {user.username}",
            url="/clinic/", event_key=f"t{n}", created_at=now,
        )  # fmt: skip

    return {
        "hq": [note(users["hq"], 1), note(users["hq"], 2)],
        "arak": [note(users["arak"], 3)],
    }


def test_the_bell_counts_the_users_unread(client_for, users, notes):
    body = client_for(users["hq"]).get("/notifications/bell/").content.decode()
    assert 'jh-bell-badge">۲<' in body
    body = client_for(users["saveh"]).get("/notifications/bell/").content.decode()
    assert "jh-bell-badge" not in body
    assert client_for(None).get("/notifications/bell/").status_code == 302


def test_every_page_carries_the_bell(client_for, users):
    body = client_for(users["hq"]).get("/").content.decode()
    assert 'hx-get="/notifications/bell/"' in body and 'href="/notifications/"' in body


def test_the_list_shows_only_the_users_own(client_for, users, notes):
    body = client_for(users["hq"]).get("/notifications/").content.decode()
    assert "اعلان 1 برای hq" in body and "اعلان 2 برای hq" in body
    assert "برای arak" not in body
    assert 'href="/notifications/bulk/"' in body  # hq managers send bulk messages
    viewer = client_for(users["viewer"]).get("/notifications/").content.decode()
    assert 'href="/notifications/bulk/"' not in viewer
    admin = client_for(users["admin"]).get("/notifications/").content.decode()
    assert "برای hq" not in admin  # an admin's list is their own too
    assert client_for(None).get("/notifications/").status_code == 302


def test_unread_filter(client_for, users, notes):
    notes["hq"][0].read_at = timezone.now()
    notes["hq"][0].save()
    body = client_for(users["hq"]).get("/notifications/?unread=1").content.decode()
    assert "اعلان 2 برای hq" in body and "اعلان 1 برای hq" not in body


def test_marking_read_and_opening(client_for, users, notes):
    hq = client_for(users["hq"])
    first = notes["hq"][0]
    response = hq.post(f"/notifications/{first.pk}/read/", {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/clinic/"
    first.refresh_from_db()
    assert first.read_at is not None
    # Another's notification is out of scope: 404, and it stays unread.
    theirs = notes["arak"][0]
    assert hq.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert hq.get(f"/notifications/{first.pk}/read/").status_code == 405
    assert client_for(None).post(f"/notifications/{first.pk}/read/").status_code == 302


def test_an_outside_link_is_not_followed(client_for, users, notes):
    note = notes["hq"][0]
    note.url = "https://evil.example/"
    note.save()
    response = client_for(users["hq"]).post(f"/notifications/{note.pk}/read/", {"open": "1"})
    assert response["Location"] == "/notifications/"


def test_mark_all_read_marks_only_the_users_own(client_for, users, notes):
    client_for(users["hq"]).post("/notifications/read-all/")
    assert Notification.objects.filter(recipient=users["hq"], read_at__isnull=True).count() == 0
    assert Notification.objects.filter(recipient=users["arak"], read_at__isnull=True).count() == 1
    assert client_for(None).post("/notifications/read-all/").status_code == 302


def test_preferences_are_saved_per_kind_and_channel(client_for, users):
    client = client_for(users["arak"])
    page = client.get("/notifications/preferences/").content.decode()
    assert 'name="case_assigned__sms"' in page and "checked" in page
    data = {f"{k}__{c}": "on" for k in ("case_assigned", "case_moved") for c in ("app", "email")}
    assert client.post("/notifications/preferences/", data).status_code == 302
    prefs = {(p.kind, p.channel): p.enabled for p in Preference.objects.filter(user=users["arak"])}
    assert prefs[("case_assigned", "app")] is True
    assert prefs[("case_assigned", "sms")] is False
    assert prefs[("loan_awaiting", "app")] is False
    assert Preference.objects.filter(user=users["saveh"]).count() == 0
    assert client_for(None).get("/notifications/preferences/").status_code == 302


# --- API --------------------------------------------------------------------------


def test_api_lists_the_callers_own_with_the_unread_count(api_client_for, users, notes):
    body = api_client_for(users["hq"]).get("/api/v1/notifications?limit=1").json()
    assert body["count"] == 2 and body["unread"] == 2 and len(body["items"]) == 1
    assert body["items"][0]["title"] == "اعلان 2 برای hq"  # newest first (higher id)
    assert api_client_for(users["saveh"]).get("/api/v1/notifications").json()["count"] == 0
    assert api_client_for(None).get("/api/v1/notifications").status_code == 401
    assert api_client_for(users["hq"]).get("/api/v1/notifications?limit=0").status_code == 422


def test_api_marks_read_only_the_callers_own(api_client_for, users, notes):
    hq = api_client_for(users["hq"])
    mine, theirs = notes["hq"][0], notes["arak"][0]
    response = hq.post(f"/api/v1/notifications/{mine.pk}/read")
    assert response.status_code == 200 and response.json()["read_at"] is not None
    assert hq.post(f"/api/v1/notifications/{theirs.pk}/read").status_code == 404
    assert api_client_for(None).post(f"/api/v1/notifications/{mine.pk}/read").status_code == 401
    assert hq.get("/api/v1/notifications?unread=true").json()["count"] == 1
    assert hq.post("/api/v1/notifications/read-all").json() == {"marked": 1}
    assert hq.get("/api/v1/notifications").json()["unread"] == 0
