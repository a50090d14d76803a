"""The Content-Security-Policy of every response.

Django 5.2 has none built in; django-csp would bring a settings vocabulary and
decorators for a policy that here is one fixed line, so this small middleware
does it. The pages load only their own files (everything front-end is vendored
under ``static/vendor/``): no inline script, no ``on*=`` handler, no inline
``style=`` attribute (utility classes in ``static/css/jahesh.css`` instead; a
width that depends on data is set by ``static/js/jahesh.js`` through the DOM,
which CSP allows). A template that cannot avoid an inline ``<script>`` gives it
``nonce="{{ request.csp_nonce }}"``; the nonce joins the header only on the
responses that used it.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

POLICY: dict[str, str] = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'self'",
    "object-src": "'none'",
}


def _tile_origin() -> str:
    """The map's tile server (JAHESH_MAP_TILE_URL), the one outside origin the
    policy allows, and only for images."""
    url = urlsplit(getattr(settings, "JAHESH_MAP_TILE_URL", "") or "")
    if url.scheme not in ("http", "https") or not url.netloc:
        return ""
    return f"{url.scheme}://{url.netloc.replace('{s}', '*')}"


def csp_header(*, nonce: str | None = None) -> str:
    parts = dict(POLICY)
    if tiles := _tile_origin():
        parts["img-src"] += f" {tiles}"
    if nonce:
        parts["script-src"] += f" 'nonce-{nonce}'"
    return "; ".join(f"{name} {value}" for name, value in parts.items())


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        used: list[str] = []

        def make_nonce() -> str:
            used.append(secrets.token_urlsafe(18))
            return used[0]

        # Read by the templates as request.csp_nonce; HttpRequest declares no such attribute.
        request.csp_nonce = SimpleLazyObject(make_nonce)  # type: ignore[attr-defined]
        response = self.get_response(request)
        # A view that sets its own policy (none does today) keeps it.
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = csp_header(nonce=used[0] if used else None)
        return response
