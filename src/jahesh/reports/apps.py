from __future__ import annotations

from django.apps import AppConfig, apps
from django.db.models.signals import post_delete, post_migrate, post_save, pre_migrate


def _drop_triggers(sender, using: str = "default", **kwargs) -> None:
    # apps.py loads before the models, so the handler imports them when called.
    from jahesh.reports.facts import drop_triggers

    drop_triggers(using)


def _install_triggers(sender, using: str = "default", plan=None, **kwargs) -> None:
    """After migrate: triggers back; if migrations ran, the analytics table is
    dropped (a data migration may have changed any figure) until the next
    refresh (``jahesh refresh_kpis``, or ``jahesh serve``'s periodic job)."""
    # apps.py loads before the models, so the handler imports them when called.
    from jahesh.reports.facts import install_triggers, invalidate_if_present

    install_triggers(using)
    if plan:
        invalidate_if_present(using)


def _after_write(sender, **kwargs) -> None:
    """A source table was written through the ORM: store the rows it made stale
    soon after it commits (writes the ORM does not signal, such as queryset
    updates, wait for the periodic job; reads are exact either way)."""
    # apps.py loads before the models, so the handler imports them when called.
    from jahesh.reports import facts
    from jahesh.reports.tasks import refresh_after_commit

    if not facts.loading():
        refresh_after_commit()


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
        # The periodic jobs and the triggers' source tables (models: registry ready).
        from jahesh.reports import tasks
        from jahesh.reports.facts import SOURCES, ensure_current, refresh_stale

        for job in (refresh_stale, ensure_current):
            if job not in hooks.periodic:
                hooks.periodic.append(job)
        if tasks.refresh_stale.module_path not in hooks.routine_tasks:
            hooks.routine_tasks.append(tasks.refresh_stale.module_path)
        for label in SOURCES:
            model = apps.get_model(label)
            post_save.connect(_after_write, sender=model, dispatch_uid=f"jahesh_facts_{label}")
            post_delete.connect(_after_write, sender=model, dispatch_uid=f"jahesh_facts_d_{label}")
        # The analytics table's triggers follow the source tables (reports.facts).
        pre_migrate.connect(_drop_triggers, sender=self, dispatch_uid="jahesh_facts_drop")
        post_migrate.connect(_install_triggers, sender=self, dispatch_uid="jahesh_facts")
