from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate


def _drop_search_triggers(sender: Any, using: str = "default", **kwargs: Any) -> None:
    # apps.py loads before the models, so the handler imports them when called.
    from jahesh.core.search import drop_triggers

    drop_triggers(using)


def _install_search_triggers(
    sender: Any, using: str = "default", plan: Any = None, **kwargs: Any
) -> None:
    # apps.py loads before the models, so the handler imports them when called.
    from jahesh.core.search import install_triggers

    install_triggers(using, rebuild=bool(plan))


class CoreConfig(AppConfig):
    name = "jahesh.core"
    label = "core"
    verbose_name = "هسته"

    def ready(self) -> None:
        # The search indexes' triggers (SQLite) step aside while migrations
        # rebuild tables, and come back after (jahesh.core.search).
        pre_migrate.connect(_drop_search_triggers, sender=self, dispatch_uid="jahesh_search_drop")
        post_migrate.connect(_install_search_triggers, sender=self, dispatch_uid="jahesh_search")
