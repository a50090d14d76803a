"""The real browser: Persian, right-to-left, Vazirmatn, usable on a phone.

Drives Debian's Chromium (never a downloaded one) through Playwright and saves
screenshots under var/screenshots/ for a person to look at.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import CHROMIUM

PASSWORD = "pass-1234-word"  # what conftest's make_user sets
PHONE = {"width": 390, "height": 844}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium"
    ),
]


def _log_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action$='/accounts/login/'] button[type=submit]")
    page.wait_for_load_state("networkidle")


def _font_of(page, selector: str) -> str:
    return page.eval_on_selector(selector, "el => getComputedStyle(el).fontFamily")


def _vazirmatn_loaded(page) -> bool:
    page.evaluate("document.fonts.ready")
    return page.evaluate("document.fonts.check('16px Vazirmatn', 'جهش')") and page.evaluate(
        "[...document.fonts].some(f => f.family.replace(/\"/g, '') === 'Vazirmatn' && f.status === 'loaded')"
    )


def test_it_shows_home_right_to_left_with_todays_jalali_date(
    transactional_db, users, live_server, browser, shots
):
    # Given hq, the headquarters manager of Markazi, signed in through the real form
    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="fa-IR")
    _log_in(page, live_server.url, "hq")

    # Then home is right-to-left Persian in Vazirmatn, with today's Jalali date
    assert page.url.rstrip("/") == live_server.url
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("document.documentElement.lang") == "fa"
    today = page.inner_text("#jh-today")
    assert re.fullmatch(r"\S+ [۰-۹]{1,2} \S+ ۱۴[۰-۹]{2}", today), today
    assert "مدیر قرارگاه" in page.inner_text("nav.jh-navbar")
    assert "Vazirmatn" in _font_of(page, "body")
    assert "Vazirmatn" in _font_of(page, "button")
    assert _vazirmatn_loaded(page)
    page.screenshot(path=str(shots / "home.png"), full_page=True)

    # And on a 390px phone the page does not scroll sideways and the menu collapses
    page.set_viewport_size(PHONE)
    page.reload()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.is_visible("button.navbar-toggler")
    assert not page.is_visible("#jh-nav")
    page.screenshot(path=str(shots / "home-phone.png"), full_page=True)
    page.click("button.navbar-toggler")
    page.wait_for_selector("#jh-nav.show")
    page.wait_for_timeout(400)  # the collapse animation
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(shots / "home-phone-menu.png"), full_page=True)


def test_it_lays_out_module_cards(
    transactional_db, users, live_server, browser, shots, monkeypatch
):
    # Given every module page exists (they are built by other apps; stand-in URLs here
    # so the cards can be seen before the pages are)
    from jahesh.accounts import navigation

    monkeypatch.setattr(navigation, "reverse", lambda name: "/" + name.replace(":", "/") + "/")
    page = browser.new_page(viewport=PHONE, locale="fa-IR")
    _log_in(page, live_server.url, "hq")

    cards = page.locator(".jh-module-card[data-module]")
    assert cards.count() == len([i for i in navigation.menu_for(users["hq"]) if not i["sub"]])
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert cards.first.bounding_box()["height"] >= 44  # a thumb's target
    page.screenshot(path=str(shots / "home-modules-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.screenshot(path=str(shots / "home-modules.png"), full_page=True)


def test_it_shows_the_login_page_and_a_persian_error(
    transactional_db, users, live_server, browser, shots
):
    page = browser.new_page(viewport=PHONE, locale="fa-IR")
    page.goto(f"{live_server.url}/accounts/login/")

    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert "Vazirmatn" in _font_of(page, "input[name=username]")
    assert _vazirmatn_loaded(page)
    page.screenshot(path=str(shots / "login-phone.png"), full_page=True)

    page.fill("input[name=username]", "hq")
    page.fill("input[name=password]", "wrong-password")
    page.click("form[action$='/accounts/login/'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "گذرواژه‌ای قابل قبول" in page.inner_text(".jh-login-card .alert-danger")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.screenshot(path=str(shots / "login.png"), full_page=True)


def test_it_switches_to_english_left_to_right(transactional_db, users, live_server, browser, shots):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    _log_in(page, live_server.url, "hq")

    page.click("nav.jh-navbar button[name=language][value=en]")
    page.wait_for_load_state("networkidle")

    assert page.evaluate("document.documentElement.dir") == "ltr"
    assert "Headquarters manager" in page.inner_text("nav.jh-navbar")
    page.screenshot(path=str(shots / "home-en.png"), full_page=True)


def test_it_shows_the_admin_in_persian_with_vazirmatn(
    transactional_db, users, live_server, browser, shots
):
    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="fa-IR")
    _log_in(page, live_server.url, "admin")

    page.goto(f"{live_server.url}/admin/")
    page.wait_for_load_state("networkidle")

    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert "Vazirmatn" in _font_of(page, "body")
    assert _vazirmatn_loaded(page)
    page.screenshot(path=str(shots / "admin.png"), full_page=True)


def test_it_lays_out_the_partials_on_a_phone_and_a_desktop(
    transactional_db, users, live_server, browser, shots, settings
):
    # Given a test-only page that uses every partial (tests/browser/kitchen_urls.py)
    settings.ROOT_URLCONF = "tests.browser.kitchen_urls"
    page = browser.new_page(viewport=PHONE, locale="fa-IR")
    _log_in(page, live_server.url, "hq")

    page.goto(f"{live_server.url}/_kitchen/?q=%D9%81%D9%88%D9%84%D8%A7%D8%AF&page=7")
    page.wait_for_load_state("networkidle")

    # Then nothing scrolls sideways on a phone (the table scrolls inside its card)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.is_visible("text=شناسه ملی ۱۱ رقم است")
    assert "page=8" in page.get_attribute("a[rel=next]", "href")
    assert "q=" in page.get_attribute("a[rel=next]", "href")
    assert page.evaluate("window.kitchenChart !== null && typeof echarts === 'object'")
    assert page.evaluate("jaheshChart.number(1234567)") == "۱٬۲۳۴٬۵۶۷"
    page.wait_for_timeout(500)  # the chart's first animation
    page.screenshot(path=str(shots / "partials-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.wait_for_timeout(500)
    page.screenshot(path=str(shots / "partials.png"), full_page=True)

    # And printed, the navigation, filters and buttons stay off the paper
    page.emulate_media(media="print")
    assert not page.is_visible("nav.jh-navbar")
    assert not page.is_visible(".jh-filters")
    assert not page.is_visible("nav.jh-modnav")
    page.screenshot(path=str(shots / "partials-print.png"), full_page=True)
