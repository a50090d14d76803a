"""Chromium for the browser tests: Debian's (never a downloaded one), through
Playwright; screenshots go to var/screenshots/ for a person to look at."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import RUN_VAR

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture
def shots() -> Path:
    path = RUN_VAR / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def browser():
    # Imported here so the rest of the suite runs where Playwright is absent.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
