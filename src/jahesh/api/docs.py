"""The API's documentation page (/api/v1/docs) from our own static files.

django-ninja's Swagger page loads Swagger UI from a CDN unless ``ninja`` is an
installed app (then its own copy, outside our vendoring and its VERSIONS.md).
This one uses ``static/vendor/swagger-ui-dist`` (scripts/vendor_static.py), and
its start-up script is a static file, so the page passes the
Content-Security-Policy and loads nothing from outside the server."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import Swagger, _csrf_needed

if TYPE_CHECKING:
    from ninja import NinjaAPI


class VendoredSwagger(Swagger):
    template = "api/docs.html"
    # Swagger UI would otherwise show a badge image from validator.swagger.io for
    # any public (non-localhost) server: an outside request the policy refuses.
    default_settings = {**Swagger.default_settings, "validatorUrl": None}

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        context = {"swagger_settings": settings, "api": api, "add_csrf": _csrf_needed(api)}
        return render(request, self.template, context)
