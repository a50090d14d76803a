"""Screenshots of a running Jahesh, as a person sees it.

    uv run python scripts/screenshots.py --base http://127.0.0.1:8000 \
        --user hq --out var/screenshots home=/ units=/units/ [--phone] [--lang en]

Signs in through the real login form in Debian's Chromium (never a
downloaded browser) and saves one full-page PNG per name=path.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="hq")
    parser.add_argument("--password", default="jahesh-demo")
    parser.add_argument("--out", default="var/screenshots")
    parser.add_argument("--phone", action="store_true", help="390 px wide, like a phone")
    parser.add_argument("--lang", default="", help="en: the English pages (the switch's cookie)")
    parser.add_argument("pages", nargs="+", help="name=/path")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    width = 390 if args.phone else 1366
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": 900}, locale="fa-IR")
        if args.user != "-":
            page.goto(f"{args.base}/accounts/login/")
            page.fill("input[name=username]", args.user)
            page.fill("input[name=password]", args.password)
            page.click("button[type=submit]")
            page.wait_for_load_state("networkidle")
        if args.lang:  # after signing in, which sets the cookie from the profile
            page.context.add_cookies(
                [{"name": "django_language", "value": args.lang, "url": args.base}]
            )
        for item in args.pages:
            name, _, path = item.partition("=")
            resp = page.goto(f"{args.base}{path}")
            page.wait_for_load_state("networkidle")
            suffix = ("-phone" if args.phone else "") + (f"-{args.lang}" if args.lang else "")
            target = out / f"{name}{suffix}.png"
            page.screenshot(path=str(target), full_page=True)
            print(f"{target}  HTTP {resp.status if resp else '?'}  {page.title()}")
        browser.close()


if __name__ == "__main__":
    main()
