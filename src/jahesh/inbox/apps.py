from __future__ import annotations

from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "jahesh.inbox"
    label = "inbox"
    verbose_name = "کارهای در انتظار"

    def ready(self) -> None:
        from jahesh.core import hooks
        from jahesh.inbox.selectors import home_inbox

        hooks.home_inbox = home_inbox
