"""The dashboard's table by place leaves out places with no figure in the period,
and a «نمایش همه (n)» link (a plain ?all=1, no script) brings them back."""

from __future__ import annotations

import pytest

from jahesh.geo.models import Province
from tests.conftest import MARKAZI, TEHRAN, _place

Y1403 = {"period": "year", "year": "1403"}


@pytest.fixture(autouse=True)
def _no_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


@pytest.fixture
def quiet(world):
    """Two provinces with no record at all beside the world's Markazi and Tehran."""
    return [_place(Province, id=pk, name=name, code=code)
            for pk, name, code in [(91, "ایلام", "16"), (92, "یزد", "21")]]  # fmt: skip


def test_it_hides_provinces_of_zeros_on_the_country_table(quiet, users, client_for):
    response = client_for(users["admin"]).get("/reports/", Y1403)
    shown = {row["place"].pk for row in response.context["table_rows"]}
    assert shown == {MARKAZI, TEHRAN}
    assert response.context["hidden_rows"] == 2
    html = response.content.decode()
    assert "province=91" not in html and "نمایش همه (۲)" in html
    assert 'href="?period=year&amp;year=1403&amp;all=1"' in html


def test_it_shows_every_place_when_asked_for_all(quiet, users, client_for):
    response = client_for(users["admin"]).get("/reports/", {**Y1403, "all": "1"})
    shown = {row["place"].pk for row in response.context["table_rows"]}
    assert shown == {MARKAZI, TEHRAN, 91, 92}
    assert response.context["hidden_rows"] == 0
    html = response.content.decode()
    assert "نمایش همه (" not in html
    assert 'href="?period=year&amp;year=1403">پنهان کردن ردیف‌های بی‌رقم</a>' in html


def test_it_keeps_a_place_with_any_figure(world, users, client_for):
    # Both Markazi counties have records in 1403: nothing is hidden, no link shown.
    response = client_for(users["hq"]).get("/reports/", Y1403)
    assert len(response.context["table_rows"]) == 2
    assert response.context["hidden_rows"] == 0
    assert 'id="jh-zero-rows"' not in response.content.decode()
