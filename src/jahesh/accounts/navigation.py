"""The main menu: one entry per module, shown only to roles that may use it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, get_urlconf, reverse

from jahesh.accounts.roles import Module
from jahesh.accounts.scoping import can_use_module, module_access_key


@dataclass(frozen=True)
class MenuItem:
    module: str
    label: str
    icon: str  # a Bootstrap Icons name
    url_name: str
    # A page of a module that has its own entry (the map, the field app): in the
    # menu, not a card of its own on the home page.
    sub: bool = False


MENU: list[MenuItem] = [
    MenuItem(Module.DASHBOARD, "داشبورد", "speedometer2", "reports:dashboard"),
    MenuItem(Module.UNITS, "واحدهای تولیدی", "building", "units:list"),
    MenuItem(Module.UNITS, "نقشه", "geo-alt", "units:map", sub=True),
    MenuItem(Module.UNITS, "بازدیدهای من", "phone", "units:field", sub=True),
    MenuItem(Module.CLINIC, "کلینیک صنعت", "clipboard2-pulse", "clinic:case_list"),
    MenuItem(Module.FUNDS, "صندوق‌های قرض‌الحسنه", "piggy-bank", "funds:list"),
    MenuItem(Module.VOLUNTEERS, "نیروهای جهادی", "people", "volunteers:list"),
    MenuItem(Module.PROJECTS, "پروژه‌ها و خدمات", "bricks", "projects:list"),
    MenuItem(Module.PEOPLE, "کاربران", "person-gear", "accounts:people"),
]


def menu_for(user: Any, path: str = "") -> list[dict[str, Any]]:
    """Entries this user may open; a module whose pages are not built yet is left out.
    The entry whose URL is the longest start of ``path`` is the ``active`` one (the
    map's page lies under the units' list too)."""
    items = [dict(entry) for entry in _entries(user)]
    under = [entry for entry in items if path.startswith(entry["url"]) and entry["url"] != "/"]
    if path == "/":
        under = [entry for entry in items if entry["url"] == "/"]
    if under:
        max(under, key=lambda entry: len(entry["url"]))["active"] = True
    return items


# The entries of each kind of user, worked out once per process (and URLconf):
# which modules a user may use depends only on ``module_access_key``.
_menus: dict[tuple[Any, ...], tuple[dict[str, Any], ...]] = {}


def _entries(user: Any) -> tuple[dict[str, Any], ...]:
    key = (*module_access_key(user), get_urlconf())
    found = _menus.get(key)
    if found is None:
        found = tuple(_build(user))
        _menus[key] = found
    return found


def _build(user: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for item in MENU:
        if not can_use_module(user, item.module):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append(
            {"module": item.module, "label": item.label, "icon": item.icon, "url": url,
             "sub": item.sub, "active": False}
        )  # fmt: skip
    return items
