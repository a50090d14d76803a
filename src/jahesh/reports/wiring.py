"""What reports plugs into the house once the app registry is ready: the home
page's headline figures (core may not import reports), the periodic jobs that
keep the analytics tables current, the receivers that mark figures stale after
a write to a source table, and the analytics triggers around migrations."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig, apps
from django.db.models.signals import post_delete, post_migrate, post_save, pre_migrate

from jahesh.core import hooks
from jahesh.reports import facts, tasks
from jahesh.reports.selectors import home_figures


def _drop_triggers(sender: Any, using: str = "default", **kwargs: Any) -> None:
    facts.drop_triggers(using)


def _install_triggers(sender: Any, using: str = "default", plan: Any = None, **kwargs: Any) -> None:
    """After migrate: triggers back; if migrations ran, the analytics table is
    dropped (a data migration may have changed any figure) until the next
    refresh (``jahesh refresh_kpis``, or ``jahesh serve``'s periodic job)."""
    facts.install_triggers(using)
    if plan:
        facts.invalidate_if_present(using)


def _after_write(sender: Any, **kwargs: Any) -> None:
    """A source table was written through the ORM: store the rows it made stale
    soon after it commits (writes the ORM does not signal, such as queryset
    updates, wait for the periodic job; reads are exact either way)."""
    if not facts.loading():
        tasks.refresh_after_commit()


def _watch(label: str) -> None:
    model = apps.get_model(label)
    post_save.connect(_after_write, sender=model, dispatch_uid=f"jahesh_facts_{label}")
    post_delete.connect(_after_write, sender=model, dispatch_uid=f"jahesh_facts_d_{label}")


def add_source(label: str, paths: tuple[str, ...]) -> None:
    """A table of an app above reports whose writes move the data version of
    their place (``paths`` to its county or province, as in ``facts.SOURCES``),
    so a read of it can be cached like the figures (``reports.panels``'
    sections); no part reads it, so its marks recompute nothing, as a derived
    source's (``facts.marks``). Called from that app's ``ready()``: after this
    app's, before ``migrate`` installs the triggers."""
    facts.SOURCES.setdefault(label, paths)
    _watch(label)


def connect(app_config: AppConfig) -> None:
    hooks.home_figures = home_figures
    for job in (facts.refresh_stale, facts.ensure_current):
        if job not in hooks.periodic:
            hooks.periodic.append(job)
    if tasks.refresh_stale.module_path not in hooks.routine_tasks:
        hooks.routine_tasks.append(tasks.refresh_stale.module_path)
    for label in facts.SOURCES:
        _watch(label)
    # The analytics table's triggers follow the source tables (reports.facts).
    pre_migrate.connect(_drop_triggers, sender=app_config, dispatch_uid="jahesh_facts_drop")
    post_migrate.connect(_install_triggers, sender=app_config, dispatch_uid="jahesh_facts")
