"""The home page's inbox hook (core may not import the inbox), set once the app
registry is ready."""

from __future__ import annotations

from jahesh.core import hooks
from jahesh.inbox.selectors import home_inbox


def connect() -> None:
    hooks.home_inbox = home_inbox
