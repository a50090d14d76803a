"""The notifications' part of the demo: the morning after the scenario.

The scenario writes its records in bulk (no service, so no event), so the
loans it leaves awaiting approval are announced here through the same event
the loan service emits (the same key: a later real request changes nothing);
then the reminder job runs at 08:00 of the as-of day (or of the working day
before it) and the messages due then are sent, so the SMS outbox holds the
morning's reminders and the bells show what the job found.

It runs after the analytics table is rebuilt (the monthly report reads it), so
``demo_prepare`` calls it, not the scenario registry.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Callable

from django.db.models import Min
from django.utils.translation import gettext as _

from jahesh.core.events import Event
from jahesh.core.text import listed
from jahesh.funds.models import Loan
from jahesh.geo.workdays import WorkCalendar
from jahesh.notifications.events import on_event
from jahesh.notifications.reminders import reminders_send
from jahesh.notifications.services import deliveries_send

TEHRAN = zoneinfo.ZoneInfo("Asia/Tehran")


def morning(as_of: datetime.date, province_id: int | None) -> datetime.datetime:
    """08:00 Tehran time of ``as_of``, or of the last working day before it."""
    calendar = WorkCalendar(province_id)
    day = as_of
    while not calendar.is_working_day(day):
        day -= datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time(8, 0), tzinfo=TEHRAN)


def build(
    *, as_of: datetime.date, province_id: int | None, log: Callable[[str], object] = print
) -> dict[str, int]:
    waiting = (
        Loan.objects.filter(status=Loan.Status.REQUESTED, fund__managers__isnull=False)
        .distinct()
        .annotate(first_event=Min("events__pk"))
    )
    for loan in waiting:
        on_event(
            Event(
                "loan.requested",
                key=f"loan-event:{loan.first_event}",
                actor_id=loan.requested_by_id,
                data={"loan_id": loan.pk},
            )
        )
    moment = morning(as_of, province_id)
    found = reminders_send(now=moment)
    sent = deliveries_send(now=moment, limit=100_000)
    log(
        "   "
        + _(
            "اعلان‌ها: %(loans)s وام در انتظار تأیید اعلام شد؛ یادآوری‌های %(moment)s:"
            " %(reminders)s؛ %(sent)s پیام فرستاده شد"
        )
        % {
            "loans": len(waiting),
            "moment": f"{moment:%Y-%m-%d %H:%M}",
            "reminders": listed(f"{rule} {n}" for rule, n in sorted(found.items())) or "0",
            "sent": sent.sent,
        }
    )
    return dict(found)
