"""The release page offers the steps of ``RELEASE_FLOW``'s table: approve an
open or unpublished release, publish an approved one, unpublish a published
one; only to the province's headquarters manager (the machine's ``may_act``)."""

from __future__ import annotations

import re

from jahesh.portal import publishing
from jahesh.portal.models import FigureRelease
from tests.portal.test_public import _pinned  # noqa: F401  (1404/02/01, fresh cache)
from tests.reports.conftest import world  # noqa: F401

DETAIL = "/figures/releases/1403/0/"


def _steps(client) -> list[str]:
    """The steps the page offers (its forms' actions), in its order."""
    page = client.get(DETAIL)
    assert page.status_code == 200
    return re.findall(r'action="/figures/releases/1403/0/(approve|publish|unpublish)/', page.text)


def _release(users, geo) -> FigureRelease:
    for county in ("arak", "saveh"):
        publishing.county_figures_submit(user=users[county], county=geo[county], year=1403,
                                         quarter=0)  # fmt: skip
    return FigureRelease.objects.get(province=geo["markazi"], year=1403, quarter=0)


def test_the_manager_is_offered_each_step_and_it_is_made(world, users, geo, client_for):  # noqa: F811
    release = _release(users, geo)
    hq = client_for(users["hq"])
    for step, status, offered in (
        ("approve", "approved", ["publish"]),
        ("publish", "published", ["unpublish"]),
    ):
        assert publishing.RELEASE_FLOW.allowed_moves(release, users["hq"]) == [status]
        assert _steps(hq) == [step]
        assert hq.post(f"{DETAIL}{step}/").status_code == 302
        release.refresh_from_db()
        assert release.status == status
        assert _steps(hq) == offered
    reason = {"reason": "رقم یک شهرستان نادرست ثبت شده بود"}
    assert hq.post(f"{DETAIL}unpublish/", reason).status_code == 302
    release.refresh_from_db()
    assert release.status == "unpublished" and _steps(hq) == ["approve"]


def test_no_step_is_offered_to_others(world, users, geo, client_for):  # noqa: F811
    release = _release(users, geo)
    for name in ("arak", "viewer", "hq_other"):
        assert publishing.RELEASE_FLOW.allowed_moves(release, users[name]) == [], name
    assert _steps(client_for(users["arak"])) == []
    assert _steps(client_for(users["viewer"])) == []
    # Tehran's manager reads Tehran's period (no release), so no step either.
    assert _steps(client_for(users["hq_other"])) == []
    assert publishing.RELEASE_FLOW.allowed_moves(release, users["admin"]) == ["approved"]
    anonymous = client_for(None).get(DETAIL)
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
