"""Whole pages kept in the cache (``reports.pagecache``): the dashboard and the units
list are served whole to readers of one scope, never across counties, with each
reader's own top bar, CSRF token and messages; a write, a role change or another
language shows on the next read."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpRequest
from django.middleware.csrf import _unmask_cipher_token

from jahesh.accounts.roles import Role
from jahesh.reports import selectors
from jahesh.reports.kpis import KPI_LIST

PAGES = ("/reports/", "/units/")
HX_TOKEN = re.compile(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'')
FORM_TOKENS = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
DRILL = re.compile(r'href="/reports/kpi/([a-z0-9_]+)/')


# A kept page renders no template but a new reader's top bar (accounts.frame).
BAR = {"partials/navbar.html", "partials/menu_items.html", "partials/language_switch.html"}


def _kept(response) -> bool:
    """Served from the page cache: 200, no template of the page rendered."""
    return response.status_code == 200 and {t.name for t in response.templates} <= BAR


def _html(response) -> str:
    return response.content.decode()


@pytest.fixture
def kept(cached, world):
    """The world's records, the cache on and empty."""
    return world


@pytest.mark.parametrize("path", PAGES)
def test_a_second_reader_of_the_same_scope_gets_the_kept_page_with_their_own_bar(
    kept, users, make_user, geo, client_for, path
):
    # given Arak's officer read the page (rendered and kept)
    first = client_for(users["arak"]).get(path)
    assert first.status_code == 200 and not _kept(first)
    # when another officer of Arak reads it, then it is the kept page with their bar
    other = make_user("arak2", Role.COUNTY_OFFICER, county=geo["arak"], first_name="زهرا")
    second = client_for(other).get(path)
    assert _kept(second)
    assert "زهرا" in _html(second) and '<bdi dir="ltr">arak2</bdi>' in _html(second)
    assert '<bdi dir="ltr">arak</bdi>' not in _html(second)
    # the same page but for the bar and the token
    strip = lambda html: HX_TOKEN.sub("", FORM_TOKENS.sub("", html.split("</header>", 1)[1]))  # noqa: E731
    assert strip(_html(second)) == strip(_html(first))


def test_two_counties_never_share_a_kept_page(kept, users, client_for):
    arak, saveh = client_for(users["arak"]), client_for(users["saveh"])
    assert not _kept(arak.get("/units/")) and not _kept(arak.get("/reports/"))
    # when Saveh's officer reads the same URLs, then they are rendered for Saveh
    units, dashboard = saveh.get("/units/"), saveh.get("/reports/")
    assert not _kept(units) and not _kept(dashboard)
    assert kept["units"]["u3"].name in _html(units)
    assert kept["units"]["u1"].name not in _html(units)
    assert {c["kpi"].code: c["value"] for c in dashboard.context["cards"]}["units_monitored"] == 1
    # and Arak's next reads are Arak's kept pages
    again = arak.get("/units/")
    assert _kept(again)
    assert kept["units"]["u1"].name in _html(again) and kept["units"]["u3"].name not in _html(again)


def test_a_reader_asking_for_another_county_gets_their_own(kept, users, geo, client_for):
    # given Arak's officer read the dashboard of Saveh's county (clamped to Arak)
    arak = client_for(users["arak"])
    asked = arak.get(f"/reports/?county={geo['saveh'].pk}")
    assert {c["kpi"].code: c["value"] for c in asked.context["cards"]}["units_monitored"] == 2
    # when Saveh's officer asks the same URL, then they get Saveh's, not Arak's kept page
    saveh = client_for(users["saveh"]).get(f"/reports/?county={geo['saveh'].pk}")
    assert not _kept(saveh)
    assert {c["kpi"].code: c["value"] for c in saveh.context["cards"]}["units_monitored"] == 1


def test_a_visit_posted_shows_on_the_next_read(kept, users, client_for):
    client = client_for(users["arak"])
    unit = kept["units"]["u1"]
    assert "۱۴۰۴/۰۸/۰۱" not in _html(client.get("/units/"))
    assert _kept(client.get("/units/"))
    # when a visit is recorded through the form, then the list shows its date
    posted = client.post(
        f"/units/{unit.pk}/visits/new/",
        {"visited_on": "۱۴۰۴/۰۸/۰۱", "capacity_utilization": "80", "sales_trend": "up"},
    )
    assert posted.status_code == 302
    client.get(posted["Location"])  # the flash message of the visit, shown once
    after = client.get("/units/")
    assert not _kept(after) and "۱۴۰۴/۰۸/۰۱" in _html(after)


def test_a_unit_written_by_another_server_shows_on_the_next_read(kept, users, client_for):
    client = client_for(users["hq"])
    client.get("/units/")
    assert _kept(client.get("/units/"))
    # another server renames a unit (plain SQL: no signal reaches this process)
    from jahesh.units.models import Unit

    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Unit._meta.db_table} SET name = %s WHERE id = %s",
            ["نام تازهٔ واحد", kept["units"]["u2"].pk],
        )
    after = client.get("/units/")
    assert not _kept(after) and "نام تازهٔ واحد" in _html(after)


def test_a_role_change_shows_on_the_next_read(kept, users, client_for):
    hq = users["hq"]
    client = client_for(hq)
    client.get("/reports/")
    page = client.get("/reports/")
    assert _kept(page)
    opens = {kpi.code for kpi in KPI_LIST if selectors.may_read_records(hq, kpi)}
    assert set(DRILL.findall(_html(page))) == opens
    assert client.get("/units/").status_code == 200
    # when hq becomes a viewer (same province), then the dashboard links only the
    # records a viewer may open, and the units list is closed to them
    hq.role = Role.VIEWER
    hq.save(update_fields=["role"])
    after = client.get("/reports/")
    assert not _kept(after)
    viewer_opens = {kpi.code for kpi in KPI_LIST if selectors.may_read_records(hq, kpi)}
    assert viewer_opens < opens
    assert set(DRILL.findall(_html(after))) == viewer_opens
    assert client.get("/units/").status_code == 403


def test_another_language_gets_the_page_in_that_language(kept, users, client_for, settings):
    client = client_for(users["hq"])
    client.get("/units/")
    assert 'lang="fa"' in _html(client.get("/units/"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/units/")
    assert not _kept(english)
    assert 'lang="en"' in _html(english) and "Production units" in _html(english)
    kept_english = client.get("/units/")
    assert _kept(kept_english) and 'lang="en"' in _html(kept_english)


def test_two_browsers_of_one_user_get_their_own_csrf_tokens(kept, users, client_for):
    one, two = client_for(users["hq"]), client_for(users["hq"])
    for path in PAGES:
        first, second = one.get(path), two.get(path)
        assert _kept(second)
        tokens = []
        for client, response in ((one, first), (two, second)):
            (hx,) = HX_TOKEN.findall(_html(response))
            forms = FORM_TOKENS.findall(_html(response))  # logout and language forms
            assert len(forms) >= 2
            # every token of the page is this browser's (its cookie's secret)
            secret = client.cookies["csrftoken"].value
            assert {_unmask_cipher_token(t) for t in [hx, *forms]} == {secret}
            tokens.append(secret)
        assert tokens[0] != tokens[1]
    # and a form posted with the kept page's token passes the CSRF check
    (token,) = HX_TOKEN.findall(_html(two.get("/units/")))
    two.handler.enforce_csrf_checks = True
    answer = two.post("/i18n/setlang/", {"language": "fa", "csrfmiddlewaretoken": token})
    assert answer.status_code == 302


def _flash(client, text: str) -> None:
    """A message waiting for the browser's next page (Django's cookie storage)."""
    storage = CookieStorage(HttpRequest())
    client.cookies[storage.cookie_name] = storage._encode([Message(constants.SUCCESS, text)])


def test_a_message_is_shown_once_and_never_kept(kept, users, make_user, geo, client_for):
    client = client_for(users["arak"])
    client.get("/units/")
    assert _kept(client.get("/units/"))
    # when a message waits, then the page is rendered with it (not served kept)
    _flash(client, "پیام آزمون")
    shown = client.get("/units/")
    assert not _kept(shown) and _html(shown).count("پیام آزمون") == 1
    # and the next read is the kept page again, without it
    after = client.get("/units/")
    assert _kept(after) and "پیام آزمون" not in _html(after)
    # a first reader of a scope with a message waiting: their page is not kept
    other = client_for(make_user("saveh2", Role.COUNTY_OFFICER, county=geo["saveh"]))
    _flash(other, "پیام دیگر")
    assert "پیام دیگر" in _html(other.get("/units/"))
    saveh = client_for(users["saveh"]).get("/units/")
    assert not _kept(saveh) and "پیام دیگر" not in _html(saveh)


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_is_sent_to_sign_in(kept, users, client_for, path):
    client_for(users["hq"]).get(path)
    answer = client_for(None).get(path)
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")


def test_roles_without_the_module_or_a_scope_get_no_kept_page(kept, users, client_for):
    # given hq's pages kept
    for path in PAGES:
        client_for(users["hq"]).get(path)
    # a viewer of Markazi may not open the units list; a fund manager not the dashboard
    assert client_for(users["viewer"]).get("/units/").status_code == 403
    assert client_for(users["fund"]).get("/reports/").status_code == 403
    # an expert (scoped by assignment) is rendered each time, never kept
    expert = client_for(users["expert"])
    expert.get("/units/")
    assert not _kept(expert.get("/units/"))
    # Tehran's manager gets Tehran's units, not Markazi's kept list
    tehran = client_for(users["hq_other"]).get("/units/")
    assert not _kept(tehran)
    assert kept["units"]["u4"].name in _html(tehran) and kept["units"]["u1"].name not in _html(
        tehran
    )


def test_a_post_is_never_served_from_the_cache(kept, users, client_for):
    client = client_for(users["hq"])
    client.get("/units/")
    assert client.post("/units/").status_code == 405
    assert client.post("/reports/").status_code == 405
