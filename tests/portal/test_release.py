"""Figures approved, then published: the order is enforced, the snapshot is
frozen (later writes change nothing in it; the internal page shows the
difference), unpublishing needs a reason and is audited."""

from __future__ import annotations

import datetime

import pytest

from jahesh.core.errors import Conflict, Forbidden, InvalidInput
from jahesh.portal import publishing
from jahesh.portal.models import FigureRelease
from tests.portal.test_public import _pinned  # noqa: F401  (1404/02/01, fresh cache)
from tests.reports.conftest import world  # noqa: F401


def _submit(users, geo, *counties):
    for c in counties:
        publishing.county_figures_submit(user=users[c], county=geo[c], year=1403, quarter=0)
    return FigureRelease.objects.get(province=geo["markazi"], year=1403, quarter=0)


def test_approval_waits_for_every_county(world, users, geo):  # noqa: F811
    release = _submit(users, geo, "arak")
    with pytest.raises(InvalidInput, match="ساوه"):
        publishing.release_approve(user=users["hq"], release=release)
    # Publishing before approval is refused too.
    with pytest.raises(Conflict):
        publishing.release_publish(user=users["hq"], release=release)
    release = _submit(users, geo, "saveh")
    publishing.release_approve(user=users["hq"], release=release)
    # Once approved, a county may not submit again.
    with pytest.raises(Conflict):
        _submit(users, geo, "arak")


def test_only_the_right_people_act(world, users, geo):  # noqa: F811
    with pytest.raises(Forbidden):  # Saveh's officer for Arak
        publishing.county_figures_submit(user=users["saveh"], county=geo["arak"], year=1403,
                                         quarter=0)  # fmt: skip
    release = _submit(users, geo, "arak", "saveh")
    for who in ("arak", "hq_other", "viewer"):
        with pytest.raises(Forbidden):
            publishing.release_approve(user=users[who], release=release)


def test_a_published_snapshot_is_unchanged_by_later_writes(world, users, geo, client_for):  # noqa: F811
    from jahesh.units.models import Unit, Visit

    release = _submit(users, geo, "arak", "saveh")
    publishing.release_approve(user=users["hq"], release=release)
    release = publishing.release_publish(user=users["hq"], release=release)
    frozen = dict(release.values)
    assert release.sha256 == publishing.snapshot_hash(release)
    # When a visit dated in 1403 is recorded after the publication
    unit = Unit.objects.filter(county=geo["saveh"]).first()
    Visit.objects.create(unit=Unit.objects.create(name="تازه", name_key="تازه", sector="industry",
                                                  county=geo["saveh"]),
                         visited_on=datetime.date(2024, 8, 1))  # fmt: skip
    assert unit is not None
    release.refresh_from_db()
    # Then the snapshot and its hash are as published
    assert release.values == frozen and release.sha256 == publishing.snapshot_hash(release)
    body = client_for(None).get("/api/v1/public/figures").json()
    assert {f["code"]: f["value"] for f in body["figures"]}["units_monitored"] == frozen[
        "units_monitored"
    ]
    # and the internal page flags the figure with its difference.
    changes = {c["code"]: c for c in publishing.release_changes(release)}
    assert changes["units_monitored"]["difference"] == 1
    assert changes["volunteers"]["difference"] == 0
    page = client_for(users["hq"]).get("/figures/releases/1403/0/").content.decode()
    assert page.count('data-changed="1"') == 1


def test_unpublishing_needs_a_reason_and_is_audited(world, users, geo, client_for):  # noqa: F811
    release = _submit(users, geo, "arak", "saveh")
    publishing.release_approve(user=users["hq"], release=release)
    release = publishing.release_publish(user=users["hq"], release=release)
    hq = client_for(users["hq"])
    short = hq.post("/figures/releases/1403/0/unpublish/", {"reason": "نه"})
    assert short.status_code == 422
    release.refresh_from_db()
    assert release.status == "published"
    reason = "رقم واحدهای پایش‌شده بازبینی می‌شود"
    assert hq.post("/figures/releases/1403/0/unpublish/", {"reason": reason}).status_code == 302
    release.refresh_from_db()
    assert release.status == "unpublished" and release.unpublish_reason == reason
    last = release.history.order_by("-history_id").first()
    assert last.history_user_id == users["hq"].pk and last.unpublish_reason == reason
    assert last.status == "unpublished"
    assert client_for(None).get("/api/v1/public/figures").json()["figures"] == []


def test_the_pages_through_the_web(world, users, geo, client_for):  # noqa: F811
    arak, hq = client_for(users["arak"]), client_for(users["hq"])
    assert arak.post("/figures/releases/1403/0/submit/").status_code == 302
    assert hq.post("/figures/releases/1403/0/approve/").status_code == 422  # Saveh missing
    assert (
        hq.post("/figures/releases/1403/0/submit/", {"county": geo["saveh"].pk}).status_code == 302
    )
    assert arak.post("/figures/releases/1403/0/approve/").status_code == 403
    assert hq.post("/figures/releases/1403/0/approve/").status_code == 302
    assert hq.post("/figures/releases/1403/0/publish/").status_code == 302
    assert (
        client_for(users["hq_other"]).get("/figures/releases/1403/0/").context["release"] is None
    )  # Tehran's manager sees Tehran's periods
    assert "۱۴۰۳" in hq.get("/figures/releases/").content.decode()
    assert client_for(None).get("/figures/releases/").status_code == 302
    assert client_for(users["fund"]).get("/figures/releases/").status_code == 403


def test_the_release_moves_only_along_its_table(world, users, geo):  # noqa: F811
    # The table (portal.publishing.RELEASE_TRANSITIONS on core.workflow) refuses
    # each move out of order in the words of the step tried.
    release = _submit(users, geo, "arak", "saveh")
    hq = users["hq"]
    with pytest.raises(Conflict, match="فقط ارقام تأییدشده منتشر می‌شود"):
        publishing.release_publish(user=hq, release=release)
    with pytest.raises(Conflict, match="این دوره منتشر نشده است"):
        publishing.release_unpublish(user=hq, release=release, reason="بازبینی رقم‌های شهرستان‌ها")
    approved = publishing.release_approve(user=hq, release=release)
    assert (approved.status, approved.approved_by_id) == ("approved", hq.pk)
    with pytest.raises(Conflict, match="این دوره پیش‌تر تأیید شده است"):
        publishing.release_approve(user=hq, release=release)  # a stale copy: re-read, refused
    published = publishing.release_publish(user=hq, release=release)
    assert published.published_by_id == hq.pk and published.sha256 == publishing.snapshot_hash(
        published
    )
    unpublished = publishing.release_unpublish(
        user=hq, release=published, reason="بازبینی رقم‌های شهرستان‌ها"
    )
    # Unpublished figures are approved again before they are published again.
    with pytest.raises(Conflict, match="فقط ارقام تأییدشده منتشر می‌شود"):
        publishing.release_publish(user=hq, release=unpublished)
    again = publishing.release_approve(user=hq, release=unpublished)
    assert again.status == "approved"
    # One history row a move, each by the manager who made it.
    moves = list(again.history.order_by("history_id").values_list("status", "history_user_id"))
    assert moves[-4:] == [
        ("approved", hq.pk), ("published", hq.pk), ("unpublished", hq.pk), ("approved", hq.pk)
    ]  # fmt: skip
