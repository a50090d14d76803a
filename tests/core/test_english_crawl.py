"""The English site speaks English: every page of every role, fetched with the
language switch's cookie set to English, shows no Persian script outside user
data (what people typed: names, titles, and the reference data — places, the
obstacle taxonomy, agencies — which has no English names yet).

It crawls what the canary crawl does (``tests/accounts/test_canary.py``: every URL
pattern, ids of the planted records), keeps the HTML pages, removes every text
value stored in the database and the elements marked ``lang="fa"`` (the switch's
«فارسی»), and fails on any character of the Arabic block (U+0600–U+06FF) left.

``KNOWN`` lists the routes allowed to show Persian, each with what it shows and
why; any other route fails the test.
"""

from __future__ import annotations

import re
from unittest import mock

import pytest
from django.apps import apps
from django.db import models
from django.test import Client

from jahesh.core.locale import latin
from tests.accounts.canary_world import plant
from tests.accounts.test_canary import _HtmlAsPdf, _urls

PERSIAN = re.compile(r"[\u0600-\u06ff]+(?:[\s\u200c]+[\u0600-\u06ff]+)*")
FA_ELEMENT = re.compile(r'<(\w+)[^>]*\blang="fa"[^>]*>.*?</\1>', re.S)
ROLES = ["admin", "hq", "arak", "expert", "fund", "coordinator", "projects", "viewer", None]

# route → why it still shows Persian in English (issue 14 leaves these to later items)
KNOWN: dict[str, str] = {
    # The person's initials («ع. ر.»): user data, cut from a name to keep it private.
    "volunteers/verify/<str:code>": "a volunteer's initials",
}


def _strings(value) -> list[str]:
    """The strings in a stored value (JSON too: an import's report keeps the
    messages of the language it ran in)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _stored_texts() -> list[str]:
    """Every text value in the database, longest first (so a name is removed whole
    before a shorter one inside it)."""
    texts: set[str] = set()
    kinds = models.CharField | models.TextField | models.JSONField
    for model in apps.get_models():
        fields = [
            f.attname for f in model._meta.concrete_fields if isinstance(f, kinds) and not f.choices
        ]
        if fields:
            for row in model._default_manager.values_list(*fields):
                texts.update(s for v in row for s in _strings(v) if PERSIAN.search(s))
    # An English page writes a value's digits and commas Latin (core.locale).
    return sorted(texts | {latin(t) for t in texts}, key=len, reverse=True)


def _persian_left(html: str, stored: list[str]) -> list[str]:
    html = FA_ELEMENT.sub("", html)
    for text in stored:
        html = html.replace(text, "")
    return sorted(set(PERSIAN.findall(html)))


@pytest.fixture
def world(geo, users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return plant(geo, users)


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_it_shows_no_persian_on_english_pages(role, world, users):
    user = users[role] if role else None
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user, backend="jahesh.accounts.backends.ModelBackend")
    client.cookies["django_language"] = "en"
    stored = _stored_texts()
    found: dict[str, list[str]] = {}
    with mock.patch("weasyprint.HTML", _HtmlAsPdf):
        for url, route in _urls(world, role, user):
            if route.startswith("api/"):
                continue
            response = client.get(url)
            if not response.get("Content-Type", "").startswith("text/html"):
                continue
            left = _persian_left(response.content.decode(), stored)
            if left:
                found.setdefault(route, left)
    unexpected = {r: words for r, words in found.items() if r not in KNOWN}
    assert unexpected == {}, "\n".join(f"{r}: {' | '.join(w[:12])}" for r, w in unexpected.items())
