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

A whole page kept in the cache (``reports.pagecache``) is rendered with
:class:`Slots` on its request: the bar and every CSRF token of the page are
written as markers, the page is cut at them (:func:`cut`), and each response
fills them for its own user and browser (:func:`fill`): the only parts of such a
page that differ per user or per response.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template import Context
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from jahesh.accounts.context_processors import navigation
from jahesh.core.templatetags.jahesh_ui import scope_label

TEMPLATE = "partials/navbar.html"
KEEP = 512
# Per process and unguessable, so no text a user typed (a name) can be one.
CSRF_SLOT = f"jhcsrf{secrets.token_hex(8)}"
PATH_SLOT = f"jhpath{secrets.token_hex(8)}"

_lock = threading.Lock()
_bars: OrderedDict[tuple[Any, ...], str] = OrderedDict()


# While a page to be kept whole is rendered (reports.pagecache), its request holds
# the markers of its per-response parts here.
SLOTS = "jahesh_slots"


@dataclass(frozen=True)
class Slots:
    """The markers of one render of a page to be kept: unguessable and new for each
    render, so no text of a record (a unit's name) can be one."""

    navbar: str
    csrf: str

    @classmethod
    def new(cls) -> Slots:
        tag = secrets.token_hex(12)
        return cls(navbar=f"jhbar{tag}", csrf=f"jhtoken{tag}")


def slots(request: HttpRequest) -> dict[str, Any]:
    """Context processor (after Django's ``csrf``): a page rendered to be kept writes
    the CSRF token's marker wherever it would write the token."""
    found = getattr(request, SLOTS, None)
    return {"csrf_token": found.csrf} if found is not None else {}


def cut(html: str, marks: Slots) -> tuple[bytes | str, ...]:
    """A rendered page as its text between the markers (UTF-8, as it is sent) and
    the markers' names: text, name, text, … (``fill`` puts it back together for
    one response)."""
    names = {marks.navbar: "navbar", marks.csrf: "csrf"}
    pieces = re.split(f"({re.escape(marks.navbar)}|{re.escape(marks.csrf)})", html)
    return tuple(names[piece] if i % 2 else piece.encode() for i, piece in enumerate(pieces))


def fill(pieces: tuple[bytes | str, ...], request: HttpRequest) -> bytes:
    """The page ``cut`` made, with this response's parts (UTF-8): its user's bar and
    its browser's CSRF token (the token that sets the cookie, as a render does)."""
    if len(pieces) == 1:
        return pieces[0]  # type: ignore[return-value]  # even pieces are bytes
    token = get_token(request)
    parts = {"csrf": str(conditional_escape(token)).encode()}
    if "navbar" in pieces[1::2]:
        parts["navbar"] = bar(request, token).encode()
    return b"".join(
        parts[piece] if i % 2 else piece  # type: ignore[index,misc]  # odd pieces are names
        for i, piece in enumerate(pieces)
    )


def _key(context: Any, user: Any) -> tuple[Any, ...]:
    menu = tuple((entry["url"], entry["active"]) for entry in context.get("menu") or ())
    # the URLconf and prefix too: the bar's links ({% url %}) are reversed in it
    return (get_language(), timezone.localdate(), get_urlconf(), get_script_prefix(),
            user.pk, user.username, user.get_full_name(), user.role, user.is_superuser,
            user.is_staff, scope_label(user), bool(context.get("two_factor_allowed")), menu)  # fmt: skip


def _kept_bar(key: tuple[Any, ...], render: Any, token: str, path: str) -> str:
    """The kept bar of ``key`` (``render()`` with the slots when not kept yet),
    its slots filled with ``token`` and ``path``."""
    with _lock:
        html = _bars.get(key)
        if html is not None:
            _bars.move_to_end(key)
    if html is None:
        html = str(render())
        with _lock:
            _bars[key] = html
            while len(_bars) > KEEP:
                _bars.popitem(last=False)
    return html.replace(CSRF_SLOT, str(conditional_escape(token))).replace(
        PATH_SLOT, str(conditional_escape(path))
    )


def navbar(context: Context) -> SafeString:
    """The bar for the page being rendered (``{% navbar %}`` in base.html): its
    marker when the page is rendered to be kept (``Slots``)."""
    request, user = context.get("request"), context.get("user")
    marks: Slots | None = getattr(request, SLOTS, None)
    if marks is not None:
        return mark_safe(marks.navbar)
    template = context.template.engine.get_template(TEMPLATE)  # type: ignore[union-attr]
    if request is None or user is None or not user.is_authenticated:
        return mark_safe(template.render(context))

    def render() -> str:
        with context.push(csrf_token=CSRF_SLOT, jh_next_path=PATH_SLOT):
            return str(template.render(context))

    token = str(context.get("csrf_token", ""))
    return mark_safe(_kept_bar(_key(context, user), render, token, request.get_full_path()))


def bar(request: HttpRequest, token: str) -> str:
    """The bar of ``request``'s signed-in user outside a template (a kept page's
    ``fill``): the same key and kept text as ``{% navbar %}`` gives."""
    known = navigation(request)  # what the template context would hold (menu, two-step)

    def render() -> str:
        slotted = {"csrf_token": CSRF_SLOT, "jh_next_path": PATH_SLOT}
        return render_to_string(TEMPLATE, slotted, request)

    return _kept_bar(_key(known, request.user), render, token, request.get_full_path())


def forget() -> None:
    """Drop every kept bar (tests)."""
    with _lock:
        _bars.clear()
