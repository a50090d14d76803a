from __future__ import annotations

from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "jahesh.projects"
    label = "projects"
    verbose_name = "پروژه‌ها و خدمات"

    def ready(self) -> None:
        # What this app plugs into the house (scope policies, hooks, receivers)
        # imports models, which load only once the app registry is ready.
        from jahesh.projects import wiring

        wiring.connect()
