"""Whole pages kept in the cache: ``@kept_page`` on a view (the dashboard, the units
list) keeps its rendered page in Django's cache (Redis with ``REDIS_URL``) for
``JAHESH_DASHBOARD_CACHE_SECONDS``, so a signed-in read under load costs the
session, the user, one data version query and a cache read, with no view and no
template run.

The key names everything the page depends on but the reader's own parts: the
path and the normalised query (its parameters sorted), the language, the Jalali
day (the date the frame shows), the reader's scope (``selectors.scope_cache_key``:
role, province, county, nationwide) and module access
(``scoping.module_access_key``), so two readers of one scope and role share a
page and readers of two counties never do, and the data version of the reader's
area (``area_for``), which moves with every committed write any server makes to
a record of that area the page could show (``facts.SOURCES``: units, their visits
and derived risk, cases, …). A page may therefore read only those sources in the
reader's area, besides what the key names; its fragments read geography and
published snapshots, whose edits show within the cache's seconds (twice that
at most, a page kept from a fragment kept earlier). Roles scoped by assignment
(no scope key) are not kept.

What differs per user or per response is never kept: the top bar (name, menu)
and the CSRF tokens are markers in the kept text (``accounts.frame.Slots``),
filled for each response (``frame.fill``). A request with messages waiting is
neither served nor kept (the messages are shown once, by a render); a page that
used the CSP nonce, an answer other than 200 HTML, and a non-GET are not kept.
A GET writes nothing but the cache.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import get_urlconf
from django.utils.functional import empty
from django.utils.translation import get_language

from jahesh.accounts import frame
from jahesh.accounts.scoping import area_for, module_access_key
from jahesh.core.jalali import jalali_today
from jahesh.reports import selectors

View = Callable[..., HttpResponse]


def page_key(request: HttpRequest) -> str | None:
    """The key of ``request``'s page, or None when it may not be kept or served
    from the cache. Read inside ``selectors.one_data_version()``."""
    user = request.user
    if request.method != "GET" or not selectors.dashboard_cache_seconds():
        return None
    if not user.is_authenticated or len(messages.get_messages(request)):
        return None
    scope = selectors.scope_cache_key(user)
    if scope is None:
        return None
    try:
        area = area_for(user)  # the reader's whole area: every area they may pick lies in it
    except Http404:
        return None
    query = urlencode(sorted((k, v) for k, values in request.GET.lists() for v in values))
    access = ":".join(str(part) for part in module_access_key(user))
    return (
        f"page:{get_language()}:{get_urlconf()}:{request.path}:{request.headers.get('HX-Request')}:"
        f"{access}:{scope}:{area.province_id}:{area.county_id}:{jalali_today()}:"
        f"{selectors.query_digest(query)}:v{selectors.page_data_version(area)}"
    )


def kept_page(view: View) -> View:
    """Keep ``view``'s page whole (this module's docstring). Put it under the
    view's sign-in and module checks (``login_required``, ``module_required``)."""

    @functools.wraps(view)
    def page(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with selectors.one_data_version():  # the key's version is the view's
            key = page_key(request)
            if key is None:
                return view(request, *args, **kwargs)
            pieces = cache.get(key)
            if pieces is not None:
                return HttpResponse(frame.fill(pieces, request))  # UTF-8, the default charset
            marks = frame.Slots.new()
            setattr(request, frame.SLOTS, marks)
            try:
                response = view(request, *args, **kwargs)
            finally:
                delattr(request, frame.SLOTS)
        if response.streaming:
            return response
        pieces = frame.cut(response.content.decode(response.charset), marks)
        if _keepable(request, response):
            cache.set(key, pieces, selectors.dashboard_cache_seconds())
        content = frame.fill(pieces, request)  # UTF-8
        utf8 = response.charset.lower().replace("-", "") == "utf8"
        response.content = content if utf8 else content.decode().encode(response.charset)
        return response

    return page


def _keepable(request: HttpRequest, response: HttpResponse) -> bool:
    nonce = getattr(request, "csp_nonce", None)
    used_nonce = nonce is not None and getattr(nonce, "_wrapped", empty) is not empty
    html = response.get("Content-Type", "") == "text/html; charset=utf-8"  # fill's bytes
    return response.status_code == 200 and html and not used_nonce
