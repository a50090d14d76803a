"""Figure releases are read through the one scoping mechanism
(``FigureRelease`` and ``CountyFigures`` registered in ``portal/apps.py``):
every release route with a reader in scope, one out of scope and anonymous."""

from __future__ import annotations

from jahesh.accounts.scoping import scoped
from jahesh.portal import publishing
from jahesh.portal.models import CountyFigures, FigureRelease
from tests.portal.test_public import _pinned, published  # noqa: F401
from tests.reports.conftest import world  # noqa: F401

DETAIL = "/figures/releases/1403/0/"


def test_releases_are_scoped_by_the_one_mechanism(published, users, make_user, geo):  # noqa: F811
    for name in ("hq", "arak", "saveh", "viewer", "admin"):
        assert list(scoped(users[name], FigureRelease)) == [published], name
    for name in ("hq_other", "expert", "fund"):
        assert not scoped(users[name], FigureRelease).exists(), name
    # A county's submission: its county and its province, not the neighbour county.
    arak_row = CountyFigures.objects.get(release=published, county=geo["arak"])
    assert set(scoped(users["arak"], CountyFigures)) == {arak_row}
    assert scoped(users["hq"], CountyFigures).count() == 2
    assert not scoped(users["hq_other"], CountyFigures).exists()


def test_the_list_in_scope_out_of_scope_and_anonymous(published, users, client_for):  # noqa: F811
    url = "/figures/releases/"
    rows = client_for(users["hq"]).get(url).context["rows"]
    assert [r["release"] for r in rows if r["release"]] == [published]
    # Tehran's manager gets Tehran's periods, none of Markazi's releases, even when asking.
    other = client_for(users["hq_other"]).get(url, {"province": published.province_id})
    assert other.context["province"].name == "تهران"
    assert [r for r in other.context["rows"] if r["release"]] == []
    assert client_for(users["expert"]).get(url).status_code == 403
    assert client_for(None).get(url).status_code == 302


def test_the_detail_in_scope_out_of_scope_and_anonymous(published, users, client_for):  # noqa: F811
    hq = client_for(users["hq"]).get(DETAIL)
    assert hq.context["release"] == published
    assert [c["county"].name for c in hq.context["counties"]] == ["اراک", "ساوه"]
    assert hq.context["changes"] and 'data-status="published"' in hq.content.decode()
    # A county officer: the release and their own county's row; no province-wide figures.
    arak = client_for(users["arak"]).get(DETAIL)
    assert arak.context["release"] == published
    assert [(c["county"].name, bool(c["row"])) for c in arak.context["counties"]] == [
        ("اراک", True)
    ]
    assert arak.context["changes"] == []
    other = client_for(users["hq_other"]).get(DETAIL, {"province": published.province_id})
    assert other.context["release"] is None and other.context["province"].name == "تهران"
    assert 'data-status="open"' in other.content.decode()
    assert client_for(None).get(DETAIL).status_code == 302


def test_the_actions_in_scope_out_of_scope_and_anonymous(published, users, client_for, geo):  # noqa: F811
    reason = {"reason": "رقم یک شهرستان نادرست ثبت شده بود"}
    # Out of scope: Tehran's manager reaches no Markazi release (404), changes nothing.
    other = client_for(users["hq_other"])
    assert other.post(f"{DETAIL}unpublish/?province={geo['markazi'].pk}", reason).status_code == 404
    assert other.post(f"{DETAIL}submit/", {"county": geo["arak"].pk}).status_code == 404
    # Anonymous: the sign-in page; nothing changes.
    assert client_for(None).post(f"{DETAIL}unpublish/", reason).status_code == 302
    published.refresh_from_db()
    assert published.status == FigureRelease.Status.PUBLISHED
    # In scope: Markazi's manager unpublishes, Arak's officer submits again, the
    # manager approves and publishes.
    hq = client_for(users["hq"])
    assert hq.post(f"{DETAIL}unpublish/", reason).status_code == 302
    arak = client_for(users["arak"])
    # A county outside the officer's area is not theirs to submit (404).
    assert arak.post(f"{DETAIL}submit/", {"county": geo["saveh"].pk}).status_code == 404
    assert arak.post(f"{DETAIL}submit/", {"county": geo["arak"].pk}).status_code == 302
    arak_row = CountyFigures.objects.get(release=published, county=geo["arak"])
    saveh_row = CountyFigures.objects.get(release=published, county=geo["saveh"])
    assert arak_row.submitted_at >= saveh_row.submitted_at
    assert hq.post(f"{DETAIL}approve/").status_code == 302
    assert hq.post(f"{DETAIL}publish/").status_code == 302
    published.refresh_from_db()
    assert published.status == FigureRelease.Status.PUBLISHED
    assert published == publishing.latest_published(geo["markazi"].pk)
