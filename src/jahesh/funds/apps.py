from __future__ import annotations

from django.apps import AppConfig


class FundsConfig(AppConfig):
    name = "jahesh.funds"
    label = "funds"
    verbose_name = "صندوق‌های قرض‌الحسنه"

    def ready(self) -> None:
        # What this app plugs into the house (scope policies, hooks, receivers)
        # imports models, which load only once the app registry is ready.
        from jahesh.funds import wiring

        wiring.connect()
