"""In the real browser the pages run under the Content-Security-Policy without a
single violation: no inline script, handler or style that the policy refuses,
nothing loaded from outside (core/csp.py)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.browser.conftest import CHROMIUM
from tests.browser.test_home_browser import _log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium"
    ),
]

# Every violation the page sees, as the browser reports it to the page itself.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.effectiveDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile + ":" + e.lineNumber);
});
"""


def _violations(page, console: list[str]) -> list[str]:
    found = page.evaluate("window.__csp")
    return found + [m for m in console if "Content Security Policy" in m]


@pytest.fixture
def unit(users):
    from jahesh.units import services

    unit = services.unit_create(
        user=users["admin"], county=users["arak"].county, name="واحد آزمایشی", sector="industry"
    )
    for day in (date(2025, 6, 1), date(2025, 9, 1)):
        services.visit_create(unit=unit, user=users["admin"], visited_on=day)
    return unit


def test_it_runs_the_pages_without_a_policy_violation(
    transactional_db,
    users,
    unit,
    live_server,
    browser,
    shots,
):
    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="fa-IR")
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    page.add_init_script(RECORD_VIOLATIONS)
    _log_in(page, live_server.url, "admin")

    visited = {}
    for name, url in [
        ("home", "/"),
        ("dashboard", "/reports/"),
        ("unit", f"/units/{unit.pk}/"),
        ("watchlist", "/units/watchlist/"),
        ("cases", "/clinic/"),
        ("admin", "/admin/"),
        ("api-docs", "/api/v1/docs"),
    ]:
        resp = page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
        assert resp.status == 200, url
        visited[name] = _violations(page, console)
        console.clear()

    assert visited == {name: [] for name in visited}
    # and what the policy would have broken works: charts drew, Swagger UI started
    page.goto(live_server.url + "/reports/")
    page.wait_for_load_state("networkidle")
    assert page.locator(".jh-chart canvas").count() > 0
    page.goto(live_server.url + "/api/v1/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=15000)
    assert page.locator(".swagger-ui .opblock").count() > 10
    page.screenshot(path=str(shots / "api-docs.png"))
    assert _violations(page, console) == []


def test_it_runs_an_htmx_swap_and_a_chart_tooltip_without_a_violation(
    transactional_db,
    users,
    unit,
    live_server,
    browser,
):
    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="fa-IR")
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    page.add_init_script(RECORD_VIOLATIONS)
    _log_in(page, live_server.url, "admin")

    # an HTMX swap: the case list's filters replace only the results
    page.goto(live_server.url + "/clinic/")
    page.wait_for_load_state("networkidle")
    with page.expect_response(
        lambda r: "/clinic/" in r.url and r.request.headers.get("hx-request")
    ):
        page.locator(".jh-filters form").evaluate("f => f.requestSubmit()")
    page.wait_for_load_state("networkidle")

    # a chart's tooltip (ECharts writes it as HTML)
    page.goto(live_server.url + "/reports/")
    page.wait_for_load_state("networkidle")
    chart = page.locator(".jh-chart").first
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    for dx in (0.5, 0.52):  # a move within the chart wakes its axis pointer
        page.mouse.move(box["x"] + box["width"] * dx, box["y"] + box["height"] * 0.6)
        page.wait_for_timeout(300)
    page.wait_for_selector(".jh-tt-row", state="visible")
    assert page.locator(".jh-tt-title").first.inner_text().startswith("۱۴")  # a Jalali year
    assert _violations(page, console) == []
