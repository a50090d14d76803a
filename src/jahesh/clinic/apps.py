from __future__ import annotations

from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "jahesh.clinic"
    label = "clinic"
    verbose_name = "کلینیک صنعت"

    def ready(self) -> None:
        # What this app plugs into the house (scope policies, hooks, receivers)
        # imports models, which load only once the app registry is ready.
        from jahesh.clinic import wiring

        wiring.connect()
