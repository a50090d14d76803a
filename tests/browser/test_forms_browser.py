"""Forms in the real browser: a money box names its unit and writes the amount
in words as one types; a date box opens the Jalali calendar and still takes a
typed date; an empty required field gets the server's Persian message (never the
browser's own bubble), with every other field error in the same round."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from jahesh.core.money import unit_label
from tests.browser.conftest import CHROMIUM
from tests.browser.test_csp_browser import RECORD_VIOLATIONS, _violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium"
    ),
]


def _page_as(browser, live_server, user, width):
    client = Client()
    client.force_login(user, backend="jahesh.accounts.backends.ModelBackend")
    context = browser.new_context(locale="fa-IR", viewport={"width": width, "height": 900})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    page.add_init_script(RECORD_VIOLATIONS)
    return page, console


def _leave(page) -> None:
    """Leave the box and close the calendar, as a click beside the form does
    (a click at fixed coordinates could land on another date box on a phone).
    The calendar ignores a hide while it is still opening: wait that out."""
    page.wait_for_timeout(500)
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.evaluate("window.jalaliDatepicker && window.jalaliDatepicker.hide()")
    page.wait_for_timeout(300)


@pytest.mark.parametrize("width", [1366, 390])
def test_money_and_date_boxes_help_as_one_types(
    transactional_db, users, live_server, browser, shots, width
):
    page, console = _page_as(browser, live_server, users["fund"], width)
    page.goto(live_server.url + "/funds/calculator/")
    # The unit beside the amount, and the amount in words under it as it is typed
    box = page.locator("input[name=principal]")
    assert page.locator("#id_principal + .input-group-text").inner_text() == unit_label()
    box.fill("۱٬۵۰۰٬۰۰۰")
    words = page.locator('[data-jh-money-words="id_principal"]')
    assert words.inner_text() == f"یک میلیون و پانصد هزار {unit_label()}"
    box.fill("2,035")  # Latin digits and a comma are fine too
    assert words.inner_text() == f"دو هزار و سی و پنج {unit_label()}"
    box.fill("دو")
    assert words.inner_text() == ""
    # The Jalali calendar opens on the date box; a picked day is written in Persian digits
    date = page.locator("input[name=disbursed_on]")
    date.click()
    page.wait_for_selector("jdp-container .jdp-day", state="visible")
    page.screenshot(path=str(shots / f"form-datepicker-{width}.png"), full_page=False)
    page.locator("jdp-container .jdp-day:not(.not-in-month):not(.disabled-day)").first.click()
    _leave(page)
    picked = date.input_value()
    assert picked.startswith("۱۴") and picked[4] == "/" and len(picked) == 10, picked
    # and a typed date is kept as typed
    date.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("۱۴۰۳/۰۱/۱۵")
    _leave(page)
    assert date.input_value() == "۱۴۰۳/۰۱/۱۵"
    box.fill("۱۵۰۰۰۰۰")
    _leave(page)
    # A number box shows Persian digits, and Latin ones typed turn Persian
    months = page.locator("input[name=months]")
    assert months.input_value() == "۲۴"
    months.fill("")
    months.type("36")
    assert months.input_value() == "۳۶"
    page.click("main form button[type=submit]")
    page.wait_for_load_state("load")
    # which the server reads: a plan of thirty-six installments
    assert page.locator("#plan tbody tr").count() == 36
    assert months.input_value() == "۳۶"
    assert _violations(page, console) == []


@pytest.mark.parametrize("width", [1366, 390])
def test_every_field_error_comes_in_one_round_without_browser_bubbles(
    transactional_db, users, live_server, browser, shots, width
):
    page, console = _page_as(browser, live_server, users["projects"], width)
    page.goto(live_server.url + "/projects/new/")
    assert page.evaluate("[...document.forms].every(f => f.noValidate)")
    # The title (required) left empty, the end before the start
    page.fill("input[name=planned_start]", "۱۴۰۳/۰۲/۱۰")
    page.fill("input[name=planned_end]", "۱۴۰۳/۰۲/۰۱")
    _leave(page)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    # The browser let the form go (no bubble); the server answered every error at once
    title_error = page.locator("#id_title_errors").inner_text()
    assert title_error  # Django's «این فیلد لازم است.» in the page's language
    assert (
        "پایان برنامه‌ای پیش از شروع برنامه‌ای است."
        in page.locator("#id_planned_end_errors").inner_text()
    )
    page.screenshot(path=str(shots / f"form-one-round-{width}.png"), full_page=True)
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    assert _violations(page, console) == []
