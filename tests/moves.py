"""Reading a page's offered moves: the options of a status select, in order."""

from __future__ import annotations

import re


def select_options(html: str, name: str) -> list[str]:
    """The values of the ``<select name=name>``'s options, in the page's order
    (``[]`` when the page has no such select)."""
    found = re.search(rf'<select name="{re.escape(name)}"[^>]*>(.*?)</select>', html, re.S)
    return re.findall(r'<option value="([^"]*)"', found.group(1)) if found else []
