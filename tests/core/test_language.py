"""Persian whatever the browser says; English only when the user picks it (the
cookie the language switch sets); the API may also be asked with Accept-Language."""

from __future__ import annotations

import json

from django.test import Client

EN_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


def _english_client() -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    return client


def test_it_serves_persian_to_a_browser_set_to_english(db):
    response = Client().get("/accounts/login/", **EN_BROWSER)
    html = response.content.decode()
    assert '<html lang="fa" dir="rtl">' in html
    assert response["Content-Language"] == "fa"


def test_it_serves_english_once_the_user_picks_it(db):
    # Given a Persian page, when the switch is used, then the cookie makes it English
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302 and client.cookies["django_language"].value == "en"
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="en" dir="ltr">' in html
    # and back to Persian the same way, whatever the browser says
    client.post("/i18n/setlang/", {"language": "fa", "next": "/"})
    assert '<html lang="fa"' in client.get("/accounts/login/", **EN_BROWSER).content.decode()


def test_it_ignores_an_unknown_language_in_the_cookie(db):
    client = Client()
    client.cookies["django_language"] = "de"
    assert '<html lang="fa"' in client.get("/accounts/login/").content.decode()


def test_it_writes_numbers_in_latin_digits_on_an_english_page(users, client_for):
    # The status page shows counts and the Jalali date; in English they are Latin.
    client = client_for(users["hq"])
    client.cookies["django_language"] = "en"
    response = client.get("/")
    html = response.content.decode()
    assert not any(d in html for d in "۰۱۲۳۴۵۶۷۸۹٬٫")
    assert int(response["Content-Length"]) == len(response.content)
    persian = client_for(users["hq"]).get("/").content.decode()
    assert any(d in persian for d in "۰۱۲۳۴۵۶۷۸۹")


def _token_error(client: Client, **headers) -> str:
    response = client.post(
        "/api/v1/auth/token",
        data=json.dumps({"username": "nobody", "password": "nope"}),
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 401
    return response.json()["message"]


def test_it_answers_the_api_in_persian_unless_english_is_asked_for(db):
    assert _token_error(Client()) == "نام کاربری یا گذرواژه درست نیست."
    assert _token_error(Client(), HTTP_ACCEPT_LANGUAGE="en") == "Wrong username or password."
    assert _token_error(Client(), HTTP_ACCEPT_LANGUAGE="de, en;q=0.5").startswith("نام")
    assert _token_error(_english_client()) == "Wrong username or password."


def test_it_answers_our_own_pages_api_calls_in_their_page_language(users, client_for):
    # The field app, the map and the public form call the API from a Persian page:
    # an English browser's Accept-Language must not put English on it.
    officer = client_for(users["arak"])
    field = officer.get("/api/v1/units/field", **EN_BROWSER)
    assert field.status_code == 200 and field["Content-Language"] == "fa"
    anonymous = Client()
    anonymous.cookies["csrftoken"] = "x" * 32  # the public report page sets it
    assert _token_error(anonymous, HTTP_ACCEPT_LANGUAGE="en") == "نام کاربری یا گذرواژه درست نیست."
    # The user's own pick still wins, and a client with no page cookie may ask.
    officer.cookies["django_language"] = "en"
    assert officer.get("/api/v1/units/field", **EN_BROWSER)["Content-Language"] == "en"
    assert _token_error(Client(), HTTP_ACCEPT_LANGUAGE="en") == "Wrong username or password."


def test_it_varies_cached_answers_by_the_language_inputs(db):
    page = Client().get("/accounts/login/")
    assert "Cookie" in page["Vary"] and "Accept-Language" not in page["Vary"]
    api = Client().get("/api/v1/openapi.json")
    assert "Accept-Language" in api["Vary"]


def test_it_words_large_amounts_in_english():
    from django.utils import translation

    from jahesh.core.locale import latin
    from jahesh.core.money import money_words

    # The helper writes Persian digits; an English page turns them Latin (latin()).
    with translation.override("en"):
        assert latin(money_words(1_553_000_000_000)) == "155.3 billion tomans"
    with translation.override("fa"):
        assert money_words(1_553_000_000_000) == "۱۵۵٫۳ میلیارد تومان"


def test_it_leaves_the_thread_in_its_own_language_after_an_english_request(db):
    from django.utils import translation

    before = translation.get_language()
    _english_client().get("/accounts/login/")
    assert translation.get_language() == before


def test_it_keeps_the_public_figures_cache_per_language(db, geo):
    # A Persian visitor fills the cache; an English one must not get its texts.
    # (The public page shows published figures: one snapshot of Markazi.)
    from django.utils import timezone

    from jahesh.portal import publishing
    from jahesh.portal.models import FigureRelease

    defs, version = publishing.kpi_definitions()
    FigureRelease.objects.create(
        province=geo["markazi"],
        year=1403,
        status="published",
        published_at=timezone.now(),
        approved_at=timezone.now(),
        values=dict.fromkeys(defs, 0),
        definitions=defs,
        definitions_version=version,
        sha256="0" * 64,
    )
    persian = Client().get(f"/public/?province={geo['markazi'].pk}").content.decode()
    english = _english_client().get(f"/public/?province={geo['markazi'].pk}").content.decode()
    assert "واحدهای پایش‌شده" in persian
    assert "Units monitored" in english
