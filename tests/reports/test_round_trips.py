"""The round trips of an uncached KPI API request for a custom period (issue
12: over HTTP on PostgreSQL each statement is a round trip, most of such a
request's cost): the session with its user, then one statement for which
periods are kept, which places are marked and the day sums (``facts.stored._period``);
a county officer's county is not read again (``scoping.county_province``);
a read after a write reads its marked places' versions once and recounts
them in one statement. Counted per backend, with the answers they give."""

from __future__ import annotations

import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jahesh.geo.models import County
from jahesh.reports import facts
from tests.conftest import ARAK, MARKAZI, TEHRAN
from tests.reports.conftest import MARKAZI_1403
from tests.reports.test_reads import WRITES

URL = "/api/v1/kpis"
CUSTOM = {"from": "2024-01-05", "to": "2025-02-07"}
Q1403 = {"from": "2024-03-20", "to": "2025-03-21"}


@pytest.fixture
def built(world, settings):
    facts.refresh()
    settings.JAHESH_DASHBOARD_CACHE_SECONDS = 0  # every request a first read
    return world


def _read(client, params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, params)
    assert response.status_code == 200, response.content
    sqls = [q["sql"] for q in ctx.captured_queries]
    assert [sql for sql in sqls if WRITES.match(sql)] == []
    return response.json(), sqls


def _counted(sqls: list[str], per_vendor: dict[str, int]) -> None:
    assert len(sqls) == per_vendor[connection.vendor], sqls


def test_the_country_custom_period_is_two_statements(built, users, client_for):
    client = client_for(users["admin"])
    first, _sqls = _read(client, CUSTOM)  # the process reads this session once
    body, sqls = _read(client, CUSTOM)
    assert body == first and body["scope"] == {"kind": "country", "province": None, "county": None}
    # the session with its user; the period, the marks and the day sums
    _counted(sqls, {"sqlite": 2, "postgresql": 2})
    assert "django_session" in sqls[0] and "accounts_user" in sqls[0]
    assert all(t in sqls[1] for t in ("reports_factperiod", "reports_staleplace",
                                      "reports_monthbalance", "reports_dayfact"))  # fmt: skip


def test_the_figures_are_those_of_the_records(built, users, client_for, settings):
    client = client_for(users["admin"])
    for params in (CUSTOM, {**CUSTOM, "province": MARKAZI}, {**CUSTOM, "county": ARAK}):
        from_table, _sqls = _read(client, params)
        facts.invalidate()  # the table dropped: every figure from the records
        from_records, _sqls = _read(client, params)
        facts.refresh()
        assert from_table == from_records


def test_a_county_officer_reads_their_county_once_per_process(built, users, client_for):
    client = client_for(users["arak"])
    first, sqls = _read(client, CUSTOM)  # the session, its user, the county's province
    assert any('FROM "geo_county"' in sql for sql in sqls)
    body, sqls = _read(client, CUSTOM)
    assert body == first and body["scope"] == {
        "kind": "county",
        "province": MARKAZI,
        "county": ARAK,
    }
    _counted(sqls, {"sqlite": 2, "postgresql": 2})
    assert not any('FROM "geo_county"' in sql for sql in sqls)
    # an edit of a county forgets what was read of it
    County.objects.get(pk=ARAK).save()
    again, sqls = _read(client, CUSTOM)
    assert again == first and any('FROM "geo_county"' in sql for sql in sqls)


def test_the_province_check_reads_only_another_province(built, users, client_for):
    hq = client_for(users["hq"])
    own, sqls = _read(hq, {**Q1403, "province": MARKAZI})
    assert own["kpis"] == MARKAZI_1403 and not any("geo_province" in sql for sql in sqls)
    # another province: read (hq gets their own; an unknown one is 404)
    clamped, sqls = _read(hq, {**Q1403, "province": TEHRAN})
    assert clamped == own and any("geo_province" in sql for sql in sqls)
    assert hq.get(URL, {**Q1403, "province": 999}).status_code == 404
    admin = client_for(users["admin"])
    tehran, sqls = _read(admin, {**Q1403, "province": TEHRAN})
    assert tehran["scope"]["province"] == TEHRAN and any("geo_province" in sql for sql in sqls)
    assert admin.get(URL, {**Q1403, "province": 999}).status_code == 404
    arak = client_for(users["arak"])
    assert _read(arak, {**Q1403, "province": MARKAZI})[0]["scope"]["county"] == ARAK
    assert arak.get(URL, {**Q1403, "province": 999}).status_code == 404
    assert client_for(users["expert"]).get(URL, {**Q1403, "province": MARKAZI}).status_code == 404
    assert client_for(None).get(URL, {**Q1403, "province": MARKAZI}).status_code == 401


def test_a_read_after_a_write_recounts_in_one_statement(built, users, client_for, settings):
    settings.JAHESH_DASHBOARD_CACHE_SECONDS = 60
    client = client_for(users["hq"])
    params = {**Q1403, "province": MARKAZI}
    for _ in range(2):
        _read(client, params)
    written = client.post(
        f"/api/v1/units/{built['units']['u2'].pk}/visits",
        json.dumps({"visited_on": "2024-06-01", "visitor_name": "x", "notes": "x"}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
    )
    assert written.status_code in (200, 201), written.content
    body, sqls = _read(client, params)
    # the session with its user and the version; the period and the marks; the
    # stored rows; the marked county's version; its parts recounted
    _counted(sqls, {"sqlite": 5, "postgresql": 5})
    assert sqls[-1].count("SELECT COUNT(") >= 2  # units_monitored, units_high_risk: one statement
    facts.refresh_stale()
    settings.JAHESH_DASHBOARD_CACHE_SECONDS = 0
    stored, _sqls = _read(client, params)
    assert body == stored
