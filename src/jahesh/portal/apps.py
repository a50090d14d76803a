from __future__ import annotations

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "jahesh.portal"
    label = "portal"
    verbose_name = "درگاه عمومی"

    def ready(self) -> None:
        # What this app plugs into the house (scope policies, hooks, receivers)
        # imports models, which load only once the app registry is ready.
        from jahesh.portal import wiring

        wiring.connect()
