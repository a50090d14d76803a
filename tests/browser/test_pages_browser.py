"""Every page a role's menu reaches, in the real browser at 1366 px and 390 px.

For each role: start at home and the menu's entries, follow the links those
pages show (two steps, one URL per route so the crawl stays bounded, downloads
left out), and open each at both widths. Every page must answer 200 (or the
403/404 a role is meant to get), must not scroll sideways as a whole (a wide
table or board scrolls inside its card), must show no number in scientific
notation («E+»), no untranslated placeholder (``%(name)s``, ``{{``) and run
without a Content-Security-Policy violation.

Screenshots (whole pages) go to ``$JAHESH_SHOTS_DIR`` (default
var/screenshots/pages/) as ``<role>/<route>-<width>.png`` for a person to look at.

The records come from the canary crawl's world (tests/accounts/canary_world.py),
so lists are not empty and detail pages exist.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import Resolver404, resolve

from tests.accounts.canary_world import plant
from tests.browser.conftest import CHROMIUM
from tests.browser.test_csp_browser import RECORD_VIOLATIONS, _violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium"
    ),
]

ROLES = ["admin", "hq", "arak", "expert", "fund", "coordinator", "projects", "viewer"]
WIDTHS = (1366, 390)
MAX_ROUTES = 80  # per role; the project has fewer HTML routes than this a role can reach
# Not pages: the session's end, the language switch, the admin, the API, files.
LEFT_OUT = re.compile(
    r"^/(admin|api|static|media|i18n)/|^/accounts/logout|/export|/download|\.(xlsx|csv|pdf|png|jpg)$"
    r"|/pdf/?$|/template/?$|/errors/?$"
)
SCIENTIFIC = re.compile(r"[0-9۰-۹]E\+|[0-9۰-۹]e\+[0-9۰-۹]")
UNTRANSLATED = re.compile(r"%\([a-z_]+\)[sd]|\{\{|\{%|\bmsgid\b")


@pytest.fixture
def world(geo, users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return plant(geo, users)


@pytest.fixture
def page_shots(shots) -> Path:
    path = Path(os.environ.get("JAHESH_SHOTS_DIR") or shots / "pages")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _route(path: str) -> str | None:
    try:
        return resolve(path).route
    except Resolver404:
        return None


def _is_html(client: Client, url: str) -> tuple[int, bool]:
    r = client.get(url)
    return r.status_code, r.get("Content-Type", "").startswith("text/html")


def _links(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)")
    out = []
    for href in hrefs:
        parts = urlsplit(href)
        if not href.startswith(base) or LEFT_OUT.search(parts.path):
            continue
        out.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return out


def _slug(route: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", route.lower()).strip("-") or "home"


def _check(page, url: str, width: int) -> list[str]:
    problems = []
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    if overflow > 1:
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                 .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
                           || e.getBoundingClientRect().left < -1)
                 .slice(0, 3).map(e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.'))"""
        )
        problems.append(f"{url} @{width}: scrolls sideways by {overflow}px ({wide})")
    for violation in page.evaluate("window.__csp || []"):
        problems.append(f"{url} @{width}: CSP {violation}")
    # A list that shows no numbers (the breadcrumb, unstyled lists) shows none:
    # the Persian-digit numbering of <ol> must not reach them.
    numbered = page.evaluate(
        """() => [...document.querySelectorAll('ol.breadcrumb, ol.list-unstyled')]
             .filter(e => getComputedStyle(e).listStyleType !== 'none')
             .map(e => e.className)"""
    )
    if numbered:
        problems.append(f"{url} @{width}: list numbers shown on {numbered}")
    text = page.inner_text("body")
    if SCIENTIFIC.search(text):
        problems.append(f"{url} @{width}: scientific notation {SCIENTIFIC.search(text).group()}")
    if m := UNTRANSLATED.search(text):
        problems.append(f"{url} @{width}: untranslated {m.group()!r}")
    return problems


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_the_menu_fits_and_reads_well(
    role, transactional_db, world, users, live_server, browser, page_shots
):
    user = users[role]
    client = Client()
    client.force_login(user, backend="jahesh.accounts.backends.ModelBackend")
    base = live_server.url
    context = browser.new_context(locale="fa-IR", viewport={"width": WIDTHS[0], "height": 900})
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base,
            }
        ]
    )
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    page.add_init_script(RECORD_VIOLATIONS)

    # The pages: home, the menu's entries, and what they link to (two steps).
    page.goto(base + "/")
    menu = list(
        dict.fromkeys(
            p
            for p in _links(page, base)
            if p == "/" or page.locator(f'#jh-nav a[href="{p}"]').count()
        )
    )
    assert menu, f"{role} has no menu"
    seen: dict[str, str] = {}  # route → url
    frontier = ["/", *menu]
    for depth in range(3):
        following = []
        for url in frontier:
            route = _route(urlsplit(url).path)
            if route is None or route in seen or len(seen) >= MAX_ROUTES:
                continue
            status, html = _is_html(client, url)
            if not html:
                continue
            seen[route] = url
            if depth < 2 and status == 200:
                page.goto(base + url)
                following += _links(page, base)
        frontier = following

    problems: list[str] = []
    statuses: dict[str, int] = {}
    folder = page_shots / role
    folder.mkdir(exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900 if width > 600 else 844})
        for route, url in seen.items():
            response = page.goto(base + url)
            page.wait_for_load_state("load")
            status = response.status if response else 0
            statuses[url] = status
            if status not in (200, 403, 404):
                problems.append(f"{url} @{width}: status {status}")
                continue
            problems += _check(page, url, width)
            page.screenshot(path=str(folder / f"{_slug(route)}-{width}.png"), full_page=True)
    # The intended refusals only: a page the role's own menu links to opens.
    refused = [u for u, s in statuses.items() if s != 200 and u in menu]
    assert refused == [], refused
    assert _violations(page, console) == []
    assert problems == [], "\n".join(problems)
    # The crawl really walked the role's part of the site.
    assert len(seen) >= len(menu)
    context.close()
