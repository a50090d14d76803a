"""The main menu: one entry per module, shown only to roles that may use it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse

from jahesh.accounts.roles import Module
from jahesh.accounts.scoping import can_use_module


@dataclass(frozen=True)
class MenuItem:
    module: str
    label: str
    icon: str  # a Bootstrap Icons name
    url_name: str


MENU: list[MenuItem] = [
    MenuItem(Module.DASHBOARD, "داشبورد", "speedometer2", "reports:dashboard"),
    MenuItem(Module.UNITS, "واحدهای تولیدی", "building", "units:list"),
    MenuItem(Module.CLINIC, "کلینیک صنعت", "clipboard2-pulse", "clinic:case_list"),
    MenuItem(Module.FUNDS, "صندوق‌های قرض‌الحسنه", "piggy-bank", "funds:list"),
    MenuItem(Module.VOLUNTEERS, "نیروهای جهادی", "people", "volunteers:list"),
    MenuItem(Module.PROJECTS, "پروژه‌ها و خدمات", "bricks", "projects:list"),
    MenuItem(Module.PEOPLE, "کاربران", "person-gear", "accounts:people"),
]


def menu_for(user: Any) -> list[dict[str, str]]:
    """Entries this user may open; a module whose pages are not built yet is left out."""
    items = []
    for item in MENU:
        if not can_use_module(user, item.module):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append({"module": item.module, "label": item.label, "icon": item.icon, "url": url})
    return items
