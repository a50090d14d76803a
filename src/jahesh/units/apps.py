from __future__ import annotations

from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "jahesh.units"
    label = "units"
    verbose_name = "واحدهای تولیدی"

    def ready(self) -> None:
        # What this app plugs into the house (scope policies, hooks, receivers)
        # imports models, which load only once the app registry is ready.
        from jahesh.units import wiring

        wiring.connect()
