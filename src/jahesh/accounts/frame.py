"""The top bar of every signed-in page (``partials/navbar.html``), rendered once
per process for each user, language, day and active menu entry, then reused:
rendering it was about a third of a cached page's time (bench/pages_profile.py).

The key holds everything the bar shows of the user (name, username, role, scope
and its place's name, staff, two-step sign-in, the menu with its active entry),
so a change to any of them (a new role, another county) renders it again on the
next request; a deactivated user is signed out and gets no bar. What differs per
response is not kept: the CSRF token (the logout and language forms) and the
page's path (the language form's ``next``) are written into the kept text as
slots and filled on each request. Each process keeps at most ``KEEP`` bars.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from typing import Any

from django.template import Context
from django.urls import get_script_prefix, get_urlconf
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from jahesh.core.templatetags.jahesh_ui import scope_label

TEMPLATE = "partials/navbar.html"
KEEP = 512
# Per process and unguessable, so no text a user typed (a name) can be one.
CSRF_SLOT = f"jhcsrf{secrets.token_hex(8)}"
PATH_SLOT = f"jhpath{secrets.token_hex(8)}"

_lock = threading.Lock()
_bars: OrderedDict[tuple[Any, ...], str] = OrderedDict()


def _key(context: Context, user: Any) -> tuple[Any, ...]:
    menu = tuple((entry["url"], entry["active"]) for entry in context.get("menu") or ())
    # the URLconf and prefix too: the bar's links ({% url %}) are reversed in it
    return (get_language(), timezone.localdate(), get_urlconf(), get_script_prefix(),
            user.pk, user.username, user.get_full_name(), user.role, user.is_superuser,
            user.is_staff, scope_label(user), bool(context.get("two_factor_allowed")), menu)  # fmt: skip


def navbar(context: Context) -> SafeString:
    """The bar for the page being rendered (``{% navbar %}`` in base.html)."""
    request, user = context.get("request"), context.get("user")
    template = context.template.engine.get_template(TEMPLATE)  # type: ignore[union-attr]
    if request is None or user is None or not user.is_authenticated:
        return mark_safe(template.render(context))
    key = _key(context, user)
    with _lock:
        html = _bars.get(key)
        if html is not None:
            _bars.move_to_end(key)
    if html is None:
        with context.push(csrf_token=CSRF_SLOT, jh_next_path=PATH_SLOT):
            html = str(template.render(context))
        with _lock:
            _bars[key] = html
            while len(_bars) > KEEP:
                _bars.popitem(last=False)
    token = str(context.get("csrf_token", ""))
    path = request.get_full_path()
    return mark_safe(
        html.replace(CSRF_SLOT, str(conditional_escape(token))).replace(
            PATH_SLOT, str(conditional_escape(path))
        )
    )


def forget() -> None:
    """Drop every kept bar (tests)."""
    with _lock:
        _bars.clear()
