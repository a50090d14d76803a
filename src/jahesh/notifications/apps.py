from __future__ import annotations

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "jahesh.notifications"
    label = "notifications"
    verbose_name = "اعلان‌ها"

    def ready(self) -> None:
        # What this app plugs into the house (scope policies, hooks, receivers)
        # imports models, which load only once the app registry is ready.
        from jahesh.notifications import wiring

        wiring.connect()
