"""The dashboard's picker with a range of dates, in the real browser at 1366 px
and 390 px: the two date boxes sit inside their columns, as tall as the
selects beside them, and the page does not scroll sideways (unstyled, the
boxes kept the browser's width and pushed the bar past a phone's)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import CHROMIUM
from tests.browser.test_csp_browser import _violations
from tests.browser.test_forms_browser import _page_as

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium"
    ),
]

RANGE = "/reports/?period=range&start=۱۴۰۳/۰۸/۱۰&end=۱۴۰۴/۰۸/۱۱"


@pytest.mark.parametrize("width", [1366, 390])
def test_a_range_of_dates_fits_the_picker(
    transactional_db, users, live_server, browser, shots, width
):
    page, console = _page_as(browser, live_server, users["admin"], width)
    page.goto(live_server.url + RANGE)
    page.screenshot(path=str(shots / f"picker-range-{width}.png"), full_page=True)
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    boxes = page.evaluate(
        """() => ['id_start', 'id_end'].map(id => {
             const box = document.getElementById(id).getBoundingClientRect();
             const column = document.getElementById(id).parentElement.getBoundingClientRect();
             return [box.left - column.left, column.right - box.right, box.height];
           })"""
    )
    select = page.evaluate("document.getElementById('id_period').getBoundingClientRect().height")
    for left, right, height in boxes:
        assert left >= -0.5 and right >= -0.5  # inside its column
        assert abs(height - select) <= 1  # as tall as the selects
    assert page.input_value("#id_start") == "۱۴۰۳/۰۸/۱۰"
    assert _violations(page, console) == []
