"""English pages in the real browser: Persian text people typed keeps its own
order (its direction from its first letter, as dir="auto" would), and the
module bar fits a 1366 px screen, in both languages."""

from __future__ import annotations

import pytest
from django.conf import settings

from jahesh.units import services as units
from tests.browser.conftest import CHROMIUM
from tests.browser.test_home_browser import _log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium"
    ),
]

# A name typed with a period: the kind of ending a left-to-right line moves to its right.
NAME = "کارخانه آجر قدیم."

# Where, left to right, the name's first letter and its period are drawn.
POSITIONS = """name => {
  const link = [...document.querySelectorAll('td a')].find(a => a.textContent.trim() === name);
  const text = link.firstChild;
  const at = i => { const r = document.createRange(); r.setStart(text, i); r.setEnd(text, i + 1);
                    return r.getBoundingClientRect().left; };
  const start = text.textContent.indexOf(name);
  return [at(start), at(start + name.length - 1)];
}"""


def _english(page, base_url: str, username: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    _log_in(page, base_url, username)
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": base_url}]
    )


def test_a_persian_name_keeps_its_period_at_its_end_on_an_english_page(
    transactional_db, geo, users, live_server, browser, shots
):
    units.unit_create(user=users["admin"], county=geo["arak"], name=NAME, sector="industry")
    page = browser.new_page()
    _english(page, live_server.url, "hq", 1366)
    page.goto(f"{live_server.url}/units/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.dir") == "ltr"
    first_letter, last = page.evaluate(POSITIONS, NAME)
    # read right to left, the period comes last: it is drawn left of the first
    # letter (in a left-to-right cell it stood at the right, before the name)
    assert last < first_letter
    page.screenshot(path=str(shots / "units-en.png"), full_page=True)


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_module_bar_fits_a_1366_px_screen(
    transactional_db, users, live_server, browser, language
):
    page = browser.new_page()
    _english(page, live_server.url, "admin", 1366)
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/")
    page.wait_for_load_state("networkidle")
    bar = ".jh-modnav .nav"
    entries = page.eval_on_selector_all(f"{bar} .nav-link", "links => links.length")
    assert entries == 9  # an admin's: every module, the map and the field app
    needed, shown = page.eval_on_selector(bar, "el => [el.scrollWidth, el.clientWidth]")
    assert needed <= shown
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
