"""What notifications plugs into the house once the app registry is ready: the
scope policies of notifications and bulk messages, the event subscriber, and
the periodic and routine tasks the worker runs."""

from __future__ import annotations

from jahesh.accounts.roles import Module
from jahesh.accounts.scoping import ScopePolicy, register
from jahesh.core import events, hooks
from jahesh.notifications import models as m
from jahesh.notifications.events import on_event
from jahesh.notifications.tasks import periodic_job, send_deliveries


def connect() -> None:
    # A notification is its recipient's own; a bulk message's audit record its
    # sender's (admins read all of both).
    for model, owner in ((m.Notification, "recipient"), (m.BulkMessage, "sender")):
        register(model, ScopePolicy(module=Module.DASHBOARD, owner=owner, personal=False))
    if on_event not in events.subscribers:
        events.subscribers.append(on_event)
    if periodic_job not in hooks.periodic:
        hooks.periodic.append(periodic_job)
    if send_deliveries.module_path not in hooks.routine_tasks:
        hooks.routine_tasks.append(send_deliveries.module_path)
