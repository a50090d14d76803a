from __future__ import annotations

from django.apps import AppConfig


class VolunteersConfig(AppConfig):
    name = "jahesh.volunteers"
    label = "volunteers"
    verbose_name = "نیروهای جهادی"

    def ready(self) -> None:
        # What this app plugs into the house (scope policies, hooks, receivers)
        # imports models, which load only once the app registry is ready.
        from jahesh.volunteers import wiring

        wiring.connect()
