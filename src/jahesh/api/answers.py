"""An answer kept as its JSON text (the KPI API keeps its answer in the cache).

A route that returns a dict has it checked against its response schema and
written as JSON by django-ninja on every call; a route whose answer is kept
checks and writes it once, with :func:`json_text`, and answers the kept text
with :func:`json_response` (ninja passes an ``HttpResponse`` through as it is).
The text is the one ninja writes for that schema: its own JSON renderer, the
schema's fields by name (ninja's default, no aliases)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Schema
from ninja.renderers import JSONRenderer

_RENDERER = JSONRenderer()
CONTENT_TYPE = f"{_RENDERER.media_type}; charset={_RENDERER.charset}"


def json_text(request: HttpRequest, schema: type[Schema], data: Any) -> str:
    """``data`` checked against ``schema`` and written as ninja writes a 200
    answer of that schema."""
    checked = schema.model_validate(data).model_dump()
    return str(_RENDERER.render(request, checked, response_status=200))


def json_response(text: str) -> HttpResponse:
    """A 200 answer of a kept :func:`json_text`."""
    return HttpResponse(text, content_type=CONTENT_TYPE)
