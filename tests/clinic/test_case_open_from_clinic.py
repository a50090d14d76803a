"""Opening a case from the clinic: the «ثبت پرونده» button, the unit picker that
searches as one types (an HTMX fragment, scoped), and on to the case form."""

from __future__ import annotations

from django.urls import reverse

PICK = "/clinic/new/"
SEARCH = "/clinic/new/units/"
HX = {"HTTP_HX_REQUEST": "true"}


def test_it_shows_the_open_a_case_button_to_roles_that_open_cases(users, client_for):
    for who in ("hq", "arak"):
        for url in ("/clinic/", "/clinic/board/"):
            html = client_for(users[who]).get(url).content.decode()
            assert f'href="{PICK}" id="jh-open-case"' in html, (who, url)
    # an expert works cases but does not open them
    assert 'id="jh-open-case"' not in client_for(users["expert"]).get("/clinic/").content.decode()


def test_it_answers_the_unit_picker_at_new_without_a_unit(users, client_for):
    response = client_for(users["hq"]).get(PICK)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'hx-get="{SEARCH}"' in html
    assert 'hx-target="#jh-unit-picks"' in html
    assert "<script>" not in html and "style=" not in html  # CSP: only 'self'


def test_it_finds_units_in_scope_as_one_types(users, client_for, make_unit, geo):
    # Given units in Arak and Saveh whose names share a word
    arak = make_unit(name="ریخته‌گری اراک", county=geo["arak"])
    saveh = make_unit(name="ریخته‌گری ساوه", county=geo["saveh"])
    make_unit(name="نساجی اراک", county=geo["arak"])
    # When Arak's officer types part of it (Arabic ي, no ZWNJ)
    response = client_for(users["arak"]).get(SEARCH, {"q": "ريخته گري"}, **HX)
    # Then only Arak's unit is offered, linking to the case form for it
    assert response.status_code == 200
    assert [u.pk for u in response.context["units"]] == [arak.pk]
    html = response.content.decode()
    assert f'href="{PICK}?unit={arak.pk}"' in html
    assert "ساوه" not in html and f"unit={saveh.pk}" not in html
    assert "<html" not in html  # a fragment
    # And the province's manager sees both
    hq = client_for(users["hq"]).get(SEARCH, {"q": "ریخته"}, **HX)
    assert {u.pk for u in hq.context["units"]} == {arak.pk, saveh.pk}


def test_it_says_when_nothing_matches_and_asks_to_type_first(users, client_for):
    client = client_for(users["arak"])
    assert "چند حرف" in client.get(SEARCH, {"q": " "}, **HX).content.decode()
    assert (
        "واحدی با «ناکجا» در محدودهٔ شما پیدا نشد."
        in client.get(SEARCH, {"q": "ناکجا"}, **HX).content.decode()
    )


def test_it_renders_the_whole_page_without_javascript(users, client_for, make_unit):
    unit = make_unit(name="کاشی آزمایشی")
    response = client_for(users["arak"]).get(SEARCH, {"q": "کاشی"})
    assert response.status_code == 200
    assert "<html" in response.content.decode()
    assert f"?unit={unit.pk}" in response.content.decode()


def test_it_continues_to_the_case_form_for_the_picked_unit(users, client_for, make_unit):
    unit = make_unit(name="کاشی آزمایشی")
    response = client_for(users["arak"]).get(reverse("clinic:case_create"), {"unit": unit.pk})
    assert response.status_code == 200
    assert response.context["unit"] == unit


def test_it_refuses_the_picker_to_roles_without_the_clinic_and_anonymous(users, client_for):
    assert client_for(users["viewer"]).get(SEARCH, {"q": "x"}).status_code == 403
    assert client_for(users["fund"]).get(PICK).status_code == 403
    assert client_for(None).get(SEARCH, {"q": "x"}).status_code == 302
    assert client_for(users["arak"]).post(SEARCH).status_code == 405
