"""/api/v1/docs loads nothing from outside the server."""

from __future__ import annotations

import re

from django.contrib.staticfiles import finders


def test_it_serves_the_docs_page_from_the_vendored_swagger_ui(db, client):
    resp = client.get("/api/v1/docs")
    assert resp.status_code == 200
    html = resp.content.decode()
    # nothing absolute: every URL the page loads is on this server
    assert re.findall(r"(?:https?:)?//[\w.-]+", html) == []
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "/static/vendor/swagger-ui-dist/swagger-ui-bundle.js" in sources
    assert "/static/vendor/swagger-ui-dist/swagger-ui.css" in sources
    assert "/static/api/js/docs.js" in sources
    for url in sources:
        assert finders.find(url.removeprefix("/static/")), url
    # the page starts Swagger UI from a static file: no inline script to allow
    assert re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html) == []
    assert '"url": "/api/v1/openapi.json"' in html
    # and Swagger UI is told not to fetch its validator badge from outside
    assert '"validatorUrl": null' in html


def test_it_sends_the_policy_with_the_docs_page(db, client):
    resp = client.get("/api/v1/docs")
    assert "script-src 'self';" in resp["Content-Security-Policy"]
