"""The rendered fragments the dashboard and the units list keep in the cache
(``reports.selectors.cached_html``): a second read serves the kept HTML without
rendering it again; a write (by any server) shows on the next read; two readers
of different areas never share a fragment."""

from __future__ import annotations

import datetime
import re

from django.db import connection

from jahesh.reports import facts

FIGURES = "reports/partials/dashboard_figures.html"
UNITS_BODY = "units/partials/unit_list_body.html"
CARD = re.compile(r'data-code="units_monitored".*?<span class="fs-3 fw-bold d-block">([^<]+)</span>', re.S)  # fmt: skip


def _rendered(response) -> set[str]:
    return {t.name for t in response.templates if t.name}


def _card(response) -> str:
    found = CARD.search(response.content.decode())
    assert found is not None
    return found.group(1).strip()


def _card_value(response) -> int:
    """The figure of the units_monitored card, from the figures' context (a render)."""
    return {c["kpi"].code: c["value"] for c in response.context["cards"]}["units_monitored"]


def _date_visits_away(unit) -> None:
    """Another server dates the unit's visits before the five years (plain SQL: this
    process hears nothing of it, no signal, no invalidation of its own)."""
    from jahesh.units.models import Visit

    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Visit._meta.db_table} SET visited_on = %s WHERE unit_id = %s",
            [datetime.date(2015, 1, 1), unit.pk],
        )


def test_the_dashboard_serves_its_kept_figures_until_a_write(cached, world, users, client_for):
    facts.refresh()
    client = client_for(users["hq"])
    first = client.get("/reports/")
    assert FIGURES in _rendered(first) and _card_value(first) == 3
    # the second read serves the kept HTML: the same card, the fragment not rendered
    again = client.get("/reports/")
    assert FIGURES not in _rendered(again)
    assert _card(again) == _card(first)
    # when another server writes, then the next read renders the new figure
    _date_visits_away(world["units"]["u1"])
    after = client.get("/reports/")
    assert FIGURES in _rendered(after) and _card_value(after) == 2
    assert _card(after) != _card(first)


def test_two_county_officers_never_share_a_fragment(cached, world, geo, users, client_for):
    # given Arak's officer read the dashboard and the units list (kept in the cache)
    facts.refresh()
    arak, saveh = client_for(users["arak"]), client_for(users["saveh"])
    arak_page, arak_units = arak.get("/reports/"), arak.get("/units/")
    assert _card_value(arak_page) == 2  # u1 and u2
    assert {u.pk for u in arak_units.context["page_obj"].object_list} == {
        world["units"]["u1"].pk, world["units"]["u2"].pk,
    }  # fmt: skip
    # when Saveh's officer reads the same URLs, then they get Saveh's own, rendered
    saveh_page, saveh_units = saveh.get("/reports/"), saveh.get("/units/")
    assert FIGURES in _rendered(saveh_page) and UNITS_BODY in _rendered(saveh_units)
    assert _card_value(saveh_page) == 1  # u3
    assert {u.pk for u in saveh_units.context["page_obj"].object_list} == {world["units"]["u3"].pk}
    body = saveh_units.content.decode()
    assert world["units"]["u3"].name in body and world["units"]["u1"].name not in body
    # and Arak's next read is still Arak's (served from the cache)
    again = arak.get("/units/")
    assert UNITS_BODY not in _rendered(again)
    assert world["units"]["u1"].name in again.content.decode()
    assert world["units"]["u3"].name not in again.content.decode()


def test_the_units_list_shows_a_write_on_the_next_read(cached, world, users, client_for):
    from jahesh.units.models import Unit

    client = client_for(users["hq"])
    assert world["units"]["u2"].name in client.get("/units/").content.decode()
    assert UNITS_BODY not in _rendered(client.get("/units/"))  # kept
    # when another server renames a unit (plain SQL), then the next read shows it
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Unit._meta.db_table} SET name = %s WHERE id = %s",
            ["نام تازهٔ واحد", world["units"]["u2"].pk],
        )
    after = client.get("/units/")
    assert UNITS_BODY in _rendered(after)
    assert "نام تازهٔ واحد" in after.content.decode()


def test_a_fragment_is_kept_per_language(cached, world, users, client_for, settings):
    # given the dashboard read in Persian (kept), when read in English, then it is
    # rendered again in English, not served from the Persian one; each is kept
    client = client_for(users["hq"])
    assert FIGURES in _rendered(client.get("/reports/"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/reports/")
    assert FIGURES in _rendered(english) and "Dashboard" in english.content.decode()
    assert FIGURES not in _rendered(client.get("/reports/"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fa"
    assert FIGURES not in _rendered(client.get("/reports/"))


def _rename(unit, name: str) -> None:
    """Another server renames a unit (plain SQL: no signal reaches this process)."""
    from jahesh.units.models import Unit

    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Unit._meta.db_table} SET name = %s WHERE id = %s", [name, unit.pk])


def test_the_units_list_is_kept_through_a_write_outside_the_readers_area(
    cached, world, users, client_for
):
    # given Markazi's manager read the units list (kept, keyed on Markazi's version)
    client = client_for(users["hq"])
    assert UNITS_BODY in _rendered(client.get("/units/"))
    # when a unit in Tehran is renamed, then Markazi's list is still the kept one
    _rename(world["units"]["u4"], "نام تازهٔ تهران")
    kept = client.get("/units/")
    assert UNITS_BODY not in _rendered(kept)
    assert world["units"]["u1"].name in kept.content.decode()
    assert "نام تازهٔ تهران" not in kept.content.decode()
    # when a unit in Markazi is renamed, then the next read renders it again
    _rename(world["units"]["u3"], "نام تازهٔ ساوه")
    after = client.get("/units/")
    assert UNITS_BODY in _rendered(after) and "نام تازهٔ ساوه" in after.content.decode()


def test_a_county_officers_kept_list_follows_only_their_county(cached, world, users, client_for):
    # given Arak's officer read the units list (kept, keyed on Arak's version)
    client = client_for(users["arak"])
    first = client.get("/units/")
    assert {u.pk for u in first.context["page_obj"].object_list} == {
        world["units"]["u1"].pk, world["units"]["u2"].pk,
    }  # fmt: skip
    # when a unit of Saveh (same province) is renamed, then Arak's list is kept
    _rename(world["units"]["u3"], "نام تازهٔ ساوه")
    assert UNITS_BODY not in _rendered(client.get("/units/"))
    # when one of Arak's is renamed, then it shows on the next read
    _rename(world["units"]["u2"], "نام تازهٔ اراک")
    after = client.get("/units/")
    assert UNITS_BODY in _rendered(after) and "نام تازهٔ اراک" in after.content.decode()
    assert "نام تازهٔ ساوه" not in after.content.decode()
