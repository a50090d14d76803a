"""Every response carries the Content-Security-Policy, and no template needs an
exception to it (no inline script, handler or style attribute)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.template import Context, Template
from django.test import RequestFactory

from jahesh.core.csp import ContentSecurityPolicyMiddleware

SRC = Path(__file__).resolve().parents[2] / "src" / "jahesh"
POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}
# PDF templates are rendered by WeasyPrint on the server, never by a browser.
BROWSER_TEMPLATES = [p for p in SRC.rglob("templates/**/*.html") if not p.stem.endswith("_pdf")]


def _policy(header: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in header.split("; ")}


@pytest.mark.parametrize("url", ["/accounts/login/", "/api/v1/openapi.json", "/healthz", "/nope/"])
def test_it_sends_the_policy_on_every_response(db, client, url):
    resp = client.get(url)
    assert _policy(resp["Content-Security-Policy"]) == POLICY


def test_it_sends_the_policy_on_signed_in_pages(users, client_for):
    resp = client_for(users["hq"]).get("/")
    assert resp.status_code == 200
    assert _policy(resp["Content-Security-Policy"]) == POLICY
    # htmx is told not to inject its <style> nor to eval, in the page's <head>
    head = resp.content.decode().split("</head>")[0]
    assert (
        """<meta name="htmx-config" content='{"includeIndicatorStyles": false, "allowEval": false}'>"""
        in head
    )
    assert "{#" not in head and "comment" not in head


def test_it_adds_a_fresh_nonce_only_when_a_template_uses_one(rf: RequestFactory):
    seen = []

    def view(request):
        html = Template('<script nonce="{{ request.csp_nonce }}"></script>').render(
            Context({"request": request})
        )
        seen.append(re.search(r'nonce="([^"]+)"', html).group(1))
        return HttpResponse(html)

    middleware = ContentSecurityPolicyMiddleware(view)
    first, second = middleware(rf.get("/")), middleware(rf.get("/"))
    assert _policy(first["Content-Security-Policy"])["script-src"] == [
        "'self'",
        f"'nonce-{seen[0]}'",
    ]
    assert _policy(second["Content-Security-Policy"])["script-src"] == [
        "'self'",
        f"'nonce-{seen[1]}'",
    ]
    assert seen[0] != seen[1] and len(seen[0]) >= 22
    plain = ContentSecurityPolicyMiddleware(lambda r: HttpResponse("x"))(rf.get("/"))
    assert "nonce" not in plain["Content-Security-Policy"]


def test_it_finds_the_templates_it_checks():
    assert len(BROWSER_TEMPLATES) > 50
    assert any(p.name == "base.html" for p in BROWSER_TEMPLATES)


@pytest.mark.parametrize(
    ("what", "pattern"),
    [
        ("inline <script>", r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>"),
        ("on*= handler", r"<[^>]*\son[a-z]+\s*="),
        ("hx-on", r"\bhx-on"),
        ("style= attribute", r"<[^>]*\sstyle\s*="),
        ("<style> element", r"<style[\s>]"),
    ],
)
def test_it_finds_nothing_the_policy_would_refuse_in_the_templates(what, pattern):
    offenders = []
    for path in BROWSER_TEMPLATES:
        text = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", "", path.read_text(), flags=re.S)
        # {# #} is one line only: across lines Django prints it, tags and all
        text = re.sub(r"{#[^\n]*?#}", "", text)
        if re.search(pattern, text):
            offenders.append(str(path.relative_to(SRC)))
    assert offenders == [], f"{what} in {offenders}"
