"""The notifications' work on the task worker: sending what is due, and the
reminder scan of the periodic job (``core.hooks.periodic``)."""

from __future__ import annotations

from django.core.cache import cache
from django_tasks import task

from jahesh.notifications import reminders, services

# The reminder scan reads every open installment, case and resolution near its
# date; the periodic job runs each minute, the scan at most this often.
REMINDER_SECONDS = 15 * 60


@task()
def send_deliveries() -> None:
    services.deliveries_send()


def periodic_job() -> None:
    """Reminders (at most every ``REMINDER_SECONDS``), then the deliveries due
    (quiet hours over, retries whose back-off ended)."""
    if cache.add("jahesh:notifications:reminders", 1, REMINDER_SECONDS):
        reminders.reminders_send()
    services.deliveries_send()
