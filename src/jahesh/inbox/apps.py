from __future__ import annotations

from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "jahesh.inbox"
    label = "inbox"
    verbose_name = "کارهای در انتظار"

    def ready(self) -> None:
        # What this app plugs into the house (scope policies, hooks, receivers)
        # imports models, which load only once the app registry is ready.
        from jahesh.inbox import wiring

        wiring.connect()
