from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate


def _drop_triggers(sender, using: str = "default", **kwargs) -> None:
    from jahesh.reports.facts import drop_triggers

    drop_triggers(using)


def _install_triggers(sender, using: str = "default", plan=None, **kwargs) -> None:
    """After migrate: triggers back; if migrations ran, the analytics table is
    dropped (a data migration may have changed any figure) until the next
    refresh (``jahesh refresh_kpis``, or ``jahesh serve``'s periodic job)."""
    from jahesh.reports.facts import install_triggers, invalidate_if_present

    install_triggers(using)
    if plan:
        invalidate_if_present(using)


class ReportsConfig(AppConfig):
    name = "jahesh.reports"
    label = "reports"
    verbose_name = "گزارش‌ها و شاخص‌ها"

    def ready(self) -> None:
        # The home page (core) shows the dashboard's headline figures; core may
        # not import reports, so reports plugs its selector in.
        from jahesh.core import hooks
        from jahesh.reports.selectors import home_figures

        hooks.home_figures = home_figures
        from jahesh.reports.facts import ensure_current

        if ensure_current not in hooks.periodic:
            hooks.periodic.append(ensure_current)
        # The analytics table's triggers follow the source tables (reports.facts).
        pre_migrate.connect(_drop_triggers, sender=self, dispatch_uid="jahesh_facts_drop")
        post_migrate.connect(_install_triggers, sender=self, dispatch_uid="jahesh_facts")
