"""HTMX actions: after a change the whole record is shown again, with a message.

An action posted by HTMX (a form with ``hx-post``) that succeeds answers with
``HX-Location``: htmx then GETs the record's page and swaps its ``<main>``, so
the header, badges, actions, timeline and history are all current, and the
flash message added here is shown at the top (``partials/messages.html``).
A refused action answers with the form's partial, errors on their fields, as
before. Without JavaScript the same view redirects (the usual post/redirect/get).
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def action_done(request: HttpRequest, url: str, message: Any) -> HttpResponse:
    """Say what happened and show the record afresh (HTMX or not)."""
    messages.success(request, message)
    if not is_htmx(request):
        return redirect(url)
    response = HttpResponse(status=200)
    response["HX-Location"] = json.dumps(
        {"path": url, "target": "#main", "select": "#main", "swap": "outerHTML"}
    )
    return response
