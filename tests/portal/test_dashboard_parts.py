"""The portal's parts of the internal dashboards: satisfaction and appeal rates
per county (one definition, shared by the dashboard and the triage tab, read
through the reader's area), and the figures changed since their publication
(the release page's decision, on the dashboard's cards and the KPI page)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jahesh.accounts.scoping import Area
from jahesh.clinic.models import ObstacleCategory
from jahesh.core.digits import to_persian_digits as fa
from jahesh.portal import publishing, services, tracking
from jahesh.portal.models import PublicReport
from jahesh.reports import facts
from jahesh.reports.kpis import PARTS
from jahesh.reports.models import StalePlace
from tests.portal.test_public import _pinned, published  # noqa: F401
from tests.reports.conftest import cached, world  # noqa: F401

_codes = iter(range(1_000_000_000, 2_000_000_000))


def _rated(geo, county: str, rating: int, *, appeal: str = "") -> PublicReport:
    """A report of ``county`` rated ``rating`` yesterday; ``appeal``: "open",
    "overdue" (open past its limit) or "closed"."""
    now = timezone.now()
    c = geo[county]
    report = PublicReport(
        tracking_code=str(next(_codes)), unit_name="واحد", unit_name_key="واحد", county=c,
        province_id=c.province_id, legal_id="10380284790",
        category=ObstacleCategory.objects.filter(is_active=True).first(), description="شرح مانع",
        mobile="09121234567", received_at=now - datetime.timedelta(days=30), rating=rating,
        rated_at=now - datetime.timedelta(days=1),
    )  # fmt: skip
    if appeal:
        report.appeal_opened_at = now - datetime.timedelta(days=1)
        due = datetime.timedelta(days=-1 if appeal == "overdue" else 5)
        report.appeal_due_at = now + due
        report.appeal_closed_at = now if appeal == "closed" else None
    report.save()
    return report


@pytest.fixture
def ratings(geo, taxonomy):
    """Arak: 5, 4, 1 (appeal overdue), 2 (appeal answered); Saveh: 2 (appeal
    open, in time); Tehran: 5."""
    for rating, appeal in ((5, ""), (4, ""), (1, "overdue"), (2, "closed")):
        _rated(geo, "arak", rating, appeal=appeal)
    _rated(geo, "saveh", 2, appeal="open")
    _rated(geo, "tehran_county", 5)


def test_one_definition_counts_ratings_satisfaction_and_appeals(ratings, geo):
    s = tracking.satisfaction_in_area(Area(province_id=geo["markazi"].pk))
    by = {r["county"]: r for r in s["rows"]}
    assert list(by) == ["اراک", "ساوه"]  # Tehran is outside the area
    assert by["اراک"] | {} == {
        "county": "اراک", "county_id": geo["arak"].pk, "rated": 4, "rating_sum": 12,
        "satisfied": 2, "appeals": 2, "overdue": 1, "mean": 3.0, "satisfied_pct": 50,
        "appeal_pct": 50,
    }  # fmt: skip
    assert (by["ساوه"]["appeals"], by["ساوه"]["overdue"], by["ساوه"]["appeal_pct"]) == (1, 0, 100)
    total = s["total"]
    assert (total["rated"], total["appeals"], total["overdue"], total["mean"]) == (5, 3, 1, 2.8)
    assert total["satisfied_pct"] == 40
    # A county's area holds its own row only; an empty area has no total.
    assert [r["county"] for r in tracking.satisfaction_in_area(
        Area(province_id=geo["markazi"].pk, county_id=geo["saveh"].pk))["rows"]] == ["ساوه"]  # fmt: skip
    assert tracking.satisfaction(PublicReport.objects.none()) == {"rows": [], "total": None}


def _section(html: str) -> str:
    match = re.search(r'<section class="card mb-4" id="jh-satisfaction">.*?</section>', html, re.S)
    assert match, "no satisfaction section"
    return match.group(0)


def test_the_dashboard_shows_it_per_county_in_the_readers_scope(ratings, users, client_for):
    # In scope: Markazi's manager reads both counties, in Persian digits.
    hq = _section(client_for(users["hq"]).get("/reports/").content.decode())
    assert "اراک" in hq and "ساوه" in hq and "تهران" not in hq
    assert f"<td>{fa(50)}٪</td>" in hq and 'class="text-danger fw-bold">۱</td>' in hq
    assert f"<td>{fa('2.8').replace('.', '٫')}</td>" in hq  # the total's mean
    # A viewer reads the aggregates too (no record is listed).
    assert "ساوه" in _section(client_for(users["viewer"]).get("/reports/").content.decode())
    # A county officer: their county only; another province's manager: their own.
    arak = _section(client_for(users["arak"]).get("/reports/").content.decode())
    assert "اراک" in arak and "ساوه" not in arak
    tehran = _section(client_for(users["hq_other"]).get("/reports/").content.decode())
    assert "تهران" in tehran and "اراک" not in tehran
    # Anonymous: the sign-in page.
    assert client_for(None).get("/reports/").status_code == 302


def test_the_triage_tab_and_the_dashboard_agree(ratings, users, client_for):
    tab = client_for(users["hq"]).get("/clinic/intake/?tab=satisfaction")
    dash = client_for(users["hq"]).get("/reports/")
    assert tab.context["satisfaction"] == tracking.satisfaction_in_area(
        dash.context["area"], dash.context["period"]
    )
    assert 'id="jh-intake-satisfaction"' in tab.content.decode()


def test_the_dashboard_section_is_translated(ratings, users, client_for):
    client = client_for(users["hq"])
    client.cookies["django_language"] = "en"
    html = _section(client.get("/reports/", HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert "Producers' satisfaction and appeals" in html and "Overdue appeals" in html


# --- The section kept in the cache ------------------------------------------------


def _row(html: str, county) -> list[str]:
    """The cells of ``county``'s row in the dashboard's section."""
    found = re.search(rf'<tr data-county="{county.pk}">(.*?)</tr>', _section(html), re.S)
    assert found, f"no row of {county.name}"
    return [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>",
                                                             found.group(1))]  # fmt: skip


def _read(client, url: str = "/reports/") -> tuple[str, bool]:
    """The dashboard's HTML, and whether the section read public reports (not kept)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    read = any(PublicReport._meta.db_table in q["sql"] for q in ctx.captured_queries)
    return response.content.decode(), read


def test_the_kept_section_shows_a_rating_and_an_answer_on_the_next_read(
    cached, ratings, geo, users, client_for  # noqa: F811
):  # fmt: skip
    # given the section read once (then kept: the next read reads no report)
    hq = client_for(users["hq"])
    first, _ = _read(hq)
    again, read = _read(hq)
    assert not read and _section(again) == _section(first)
    rated, overdue = 1, 6  # the row's cells: county, rated, …, overdue appeals
    assert (_row(first, geo["arak"])[rated], _row(first, geo["arak"])[overdue]) == (fa(4), fa(1))
    # when a producer's rated report is written, then the next read counts it
    _rated(geo, "arak", 5)
    after, read = _read(hq)
    assert read and _row(after, geo["arak"])[rated] == fa(5)
    # when the manager answers the overdue appeal, then the next read drops it
    late = PublicReport.objects.get(county=geo["arak"], rating=1)
    services.appeal_answer(user=users["hq"], report=late, answer="پاسخ مدیر قرارگاه")
    answered, _ = _read(hq)
    assert _row(answered, geo["arak"])[overdue] == fa(0)


def test_a_reports_write_moves_the_version_and_recomputes_no_figure(ratings, geo):
    # public reports are a source no part reads: their marks move the data
    # version of their county (and its province, the country), never a figure
    arak = Area(province_id=geo["markazi"].pk, county_id=geo["arak"].pk)
    tehran = Area(province_id=geo["tehran"].pk)
    StalePlace.objects.all().delete()
    before = (facts.data_version(arak), facts.data_version(tehran))
    _rated(geo, "arak", 3)
    assert set(StalePlace.objects.values_list("source", flat=True)) == {"portal.PublicReport"}
    assert facts.data_version(arak) > before[0] and facts.data_version(tehran) == before[1]
    marks = facts.Marks(counties={geo["arak"].pk: {"portal.PublicReport"}}, provinces={},
                        province_of={geo["arak"].pk: geo["markazi"].pk})  # fmt: skip
    assert not any(marks.places(part) for part in PARTS.values())


def test_two_areas_never_share_a_kept_section(cached, ratings, geo, users, client_for):  # noqa: F811
    # in scope: each reader's area (and a chosen county) has its own; out of
    # scope: another province's manager never sees Markazi's; anonymous: sign-in
    hq, arak, other = (client_for(users[w]) for w in ("hq", "arak", "hq_other"))
    saveh = f"/reports/?county={geo['saveh'].pk}"
    for _round in range(2):  # the second round from the cache
        markazi = _section(_read(hq)[0])
        assert "اراک" in markazi and "ساوه" in markazi and "تهران" not in markazi
        county = _section(_read(arak)[0])
        assert "اراک" in county and "ساوه" not in county
        chosen = _section(_read(hq, saveh)[0])
        assert "ساوه" in chosen and "اراک" not in chosen
        tehran = _section(_read(other)[0])
        assert "تهران" in tehran and "اراک" not in tehran
    # a rating in Saveh shows in Markazi's and Saveh's, while Arak's stays kept
    _rated(geo, "saveh", 4)
    assert _row(_read(hq)[0], geo["saveh"])[1] == fa(2)
    assert _row(_read(hq, saveh)[0], geo["saveh"])[1] == fa(2)
    assert _read(arak)[1] is False
    assert client_for(None).get("/reports/").status_code == 302


def test_the_kept_section_is_kept_per_language(cached, ratings, users, client_for, settings):  # noqa: F811
    client = client_for(users["hq"])
    persian = _section(_read(client)[0])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english, read = _read(client)
    assert read and "Overdue appeals" in _section(english)
    assert "Overdue appeals" in _section(_read(client)[0])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fa"
    assert _section(_read(client)[0]) == persian


# --- Changed since publication ------------------------------------------------------


def _write_a_visit(geo) -> None:
    from jahesh.units.models import Unit, Visit

    unit = Unit.objects.create(name="تازه", name_key="تازه", sector="industry", county=geo["saveh"])
    Visit.objects.create(unit=unit, visited_on=datetime.date(2024, 8, 1))  # 1403


def _flags(html: str) -> dict[str, str]:
    """Each card's (data-code) change flag, as text."""
    out = {}
    for chunk in html.split('jh-kpi" data-code="')[1:]:
        code = chunk.split('"', 1)[0]
        flag = re.search(r'jh-published-change" data-difference="-?\d+"[^>]*>(.*?)</div>', chunk.split(
            'jh-kpi" data-code=')[0], re.S)  # fmt: skip
        if flag:
            out[code] = re.sub(r"<[^>]+>", "", flag.group(1)).strip()
    return out


def test_a_figure_changed_since_publication_is_flagged_with_its_difference(
    published, geo, users, client_for, settings  # noqa: F811
):  # fmt: skip
    # (The dashboard's cache keys on the data version, which moves when a write
    # commits; a test's writes never commit, so the pages read uncached.)
    settings.JAHESH_DASHBOARD_CACHE_SECONDS = 0
    hq = client_for(users["hq"])
    year = "/reports/?period=year&year=1403"
    assert _flags(hq.get(year).content.decode()) == {}  # as published
    _write_a_visit(geo)
    # The release page's decision, and the dashboard's cards say the same.
    changed = {c["code"]: c["difference"] for c in publishing.release_changes(published)
               if c["difference"]}  # fmt: skip
    assert changed == {"units_monitored": 1}
    assert _flags(hq.get(year).content.decode()) == {
        "units_monitored": f"{fa(1)} بیش از رقم منتشرشده"
    }
    # The KPI page too.
    drill = hq.get("/reports/kpi/units_monitored/?period=year&year=1403").content.decode()
    assert f"{fa(1)} بیش از رقم منتشرشده" in drill
    # Not a published snapshot's figure: another period, a county, another province.
    assert _flags(hq.get("/reports/?period=quarter&year=1403&quarter=2").content.decode()) == {}
    saveh = f"{year}&county={geo['saveh'].pk}"
    assert _flags(hq.get(saveh).content.decode()) == {}
    assert _flags(client_for(users["hq_other"]).get(year).content.decode()) == {}


def test_a_figure_below_its_published_value_says_so(published, geo, users, client_for, settings):  # noqa: F811
    from jahesh.units.models import Visit

    settings.JAHESH_DASHBOARD_CACHE_SECONDS = 0
    Visit.objects.filter(unit__county=geo["arak"]).delete()
    change = {c["code"]: c for c in publishing.release_changes(published) if c["difference"]}
    assert change["units_monitored"]["difference"] < 0
    flags = _flags(client_for(users["hq"]).get("/reports/?period=year&year=1403").content.decode())
    assert flags["units_monitored"] == (
        f"{change['units_monitored']['magnitude_text']} کمتر از رقم منتشرشده"
    )
