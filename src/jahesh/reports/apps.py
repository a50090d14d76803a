from __future__ import annotations

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "jahesh.reports"
    label = "reports"
    verbose_name = "گزارش‌ها و شاخص‌ها"

    def ready(self) -> None:
        # What this app plugs into the house (hooks, periodic jobs, receivers)
        # imports models, which load only once the app registry is ready.
        from jahesh.reports import wiring

        wiring.connect(self)
