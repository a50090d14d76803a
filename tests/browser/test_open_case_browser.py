"""Opening a case from the clinic in the real browser: «ثبت پرونده», typing part
of a unit's name lists the matching units (an HTMX swap, no CSP violation), a
pick goes on to the case form; and a browser set to English still gets Persian."""

from __future__ import annotations

import pytest

from tests.browser.conftest import CHROMIUM
from tests.browser.test_csp_browser import RECORD_VIOLATIONS, _violations
from tests.browser.test_home_browser import _log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium"
    ),
]


@pytest.mark.parametrize("width", [1366, 390])
def test_it_picks_the_unit_as_one_types_and_opens_its_case_form(
    transactional_db, users, live_server, browser, shots, width
):
    from jahesh.units import services

    unit = services.unit_create(
        user=users["admin"], county=users["arak"].county, name="ریخته‌گری آزمایشی", sector="industry"
    )
    # Given a browser that asks for English (Windows in English)
    page = browser.new_page(viewport={"width": width, "height": 800}, locale="en-US")
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    page.add_init_script(RECORD_VIOLATIONS)
    _log_in(page, live_server.url, "hq")
    page.goto(live_server.url + "/clinic/")
    assert page.evaluate("document.documentElement.lang") == "fa"
    # When the officer opens a case from the clinic and types part of the name
    page.click("#jh-open-case")
    page.wait_for_load_state("networkidle")
    with page.expect_response(lambda r: "/clinic/new/units/" in r.url):
        page.fill("#jh-unit-q", "ريخته")  # Arabic ي: the search normalises it
    page.wait_for_selector("#jh-unit-picks a")
    page.screenshot(path=str(shots / f"open-case-picker-{width}.png"), full_page=True)
    # Then the unit is offered, and picking it opens its case form
    assert page.locator("#jh-unit-picks a").count() == 1
    page.locator("#jh-unit-picks a").first.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/clinic/new/?unit={unit.pk}")
    assert page.locator("form select[name=category]").count() == 1
    assert _violations(page, console) == []
    # and the page does not scroll sideways at this width
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
