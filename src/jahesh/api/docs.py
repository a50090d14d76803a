"""The API's documentation page (/api/v1/docs) from our own static files.

django-ninja's Swagger page loads Swagger UI from a CDN unless ``ninja`` is an
installed app (then its own copy, outside our vendoring and its VERSIONS.md).
This one uses ``static/vendor/swagger-ui-dist`` (scripts/vendor_static.py), and
its start-up script is a static file, so the page passes the
Content-Security-Policy and loads nothing from outside the server.

The OpenAPI document (/api/v1/openapi.json) speaks the request's language:
summaries and descriptions are Persian msgids marked with ``gettext_noop`` where
they are written (decorators and schemas, read once at import), and
:class:`TranslatedAPI` translates them each time the document is built."""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger, _csrf_needed

_PERSIAN = re.compile("[\u0600-\u06ff]")
_TEXTS = frozenset({"summary", "description"})


class TranslatedAPI(NinjaAPI):
    """A NinjaAPI whose OpenAPI document is in the request's language: every
    Persian summary and description is looked up in the catalog (English ones,
    such as a docstring, and ninja's own "OK" are left as they are)."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return _translated(schema)


def _translated(node: Any, key: str = "") -> Any:
    """A copy of ``node`` with its Persian summaries and descriptions translated
    (a copy: some parts, such as an operation's ``openapi_extra``, are built once
    and shared by every request)."""
    if isinstance(node, dict):
        return {k: _translated(v, k) for k, v in node.items()}
    if isinstance(node, list):
        return [_translated(v) for v in node]
    if key in _TEXTS and isinstance(node, str) and _PERSIAN.search(node):
        return gettext(node)
    return node


class VendoredSwagger(Swagger):
    template = "api/docs.html"
    # Swagger UI would otherwise show a badge image from validator.swagger.io for
    # any public (non-localhost) server: an outside request the policy refuses.
    default_settings = {**Swagger.default_settings, "validatorUrl": None}

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        context = {"swagger_settings": settings, "api": api, "add_csrf": _csrf_needed(api)}
        return render(request, self.template, context)
