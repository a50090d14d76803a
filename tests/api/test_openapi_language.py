"""/api/v1/openapi.json speaks the reader's language: its summaries and
descriptions are Persian msgids, translated each time the document is built."""

from __future__ import annotations

import re

import pytest

PERSIAN = re.compile("[\u0600-\u06ff]")


@pytest.fixture(scope="module")
def documents(django_db_blocker) -> dict[str, dict]:
    """The document in English, then Persian, then English again (building it
    takes seconds): a language's texts must not stay in a shared part."""
    from django.test import Client

    found = {}
    with django_db_blocker.unblock():
        for name, language in (("en", "en"), ("fa", "fa"), ("en2", "en")):
            client = Client()
            client.cookies["django_language"] = language
            resp = client.get("/api/v1/openapi.json")
            assert resp.status_code == 200
            found[name] = resp.json()
    return found


def _texts(node, key=""):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _texts(v, k)
    elif isinstance(node, list):
        for v in node:
            yield from _texts(v)
    elif key in ("summary", "description") and isinstance(node, str):
        yield node


def test_it_writes_the_document_in_english_for_an_english_reader(documents):
    doc = documents["en"]
    assert doc["info"]["description"].startswith("The Jahesh API. Dates are ISO (Gregorian)")
    assert doc["paths"]["/api/v1/volunteers/"]["get"]["summary"] == "List of volunteers"
    page = doc["components"]["schemas"]["VolunteerListOut"]
    assert page["title"] == "VolunteerListOut"
    limit = next(
        p for p in doc["paths"]["/api/v1/volunteers/"]["get"]["parameters"] if p["name"] == "limit"
    )
    assert limit["description"] == "Rows per page"
    body = doc["paths"]["/api/v1/public/reports"]["post"]["requestBody"]["content"]
    files = body["multipart/form-data"]["schema"]["properties"]["files"]
    assert files["description"] == "PDF, JPEG or PNG; at most 5 MB each"
    assert [t for t in _texts(doc) if PERSIAN.search(t)] == []
    assert documents["en2"] == doc


def test_it_keeps_the_persian_document_for_a_persian_reader(documents):
    doc = documents["fa"]
    assert doc["info"]["description"].startswith("API سامانهٔ جهش.")
    assert doc["paths"]["/api/v1/volunteers/"]["get"]["summary"] == "فهرست نیروهای جهادی"
    body = doc["paths"]["/api/v1/public/reports"]["post"]["requestBody"]["content"]
    files = body["multipart/form-data"]["schema"]["properties"]["files"]
    assert files["description"] == "PDF، JPEG یا PNG؛ هر کدام حداکثر ۵ مگابایت"
    assert len([t for t in _texts(doc) if PERSIAN.search(t)]) > 100
