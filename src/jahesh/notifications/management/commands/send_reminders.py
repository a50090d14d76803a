"""``jahesh send_reminders``: the reminder job once, for cron (the same service
``jahesh serve``'s periodic job runs), then send what is due.

    jahesh send_reminders              # now
    jahesh send_reminders --at 1405/01/16T08:00   # as if it were then (Tehran time)
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jahesh.core.errors import ApplicationError
from jahesh.core.jalali import parse_date_any
from jahesh.core.management.base import TranslatedCommand
from jahesh.notifications.reminders import reminders_send
from jahesh.notifications.services import deliveries_send


def _parse_at(text: str) -> datetime.datetime:
    day, _sep, clock = text.partition("T")
    try:
        hour, minute = (int(p) for p in (clock or "08:00").split(":"))
        moment = datetime.datetime.combine(parse_date_any(day), datetime.time(hour, minute))
    except (ApplicationError, ValueError) as error:
        raise CommandError(f"--at: {getattr(error, 'message', error)}") from None
    return timezone.make_aware(moment)


class Command(TranslatedCommand):
    help = gettext_noop(
        "یادآوری‌ها (اقساط، مهلت پرونده‌ها و مصوبات، گزارش ماهانه) را یک بار می‌فرستد."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--at", default=None, help=_("زمان فرضی (تاریخ جلالی یا ISO، و THH:MM)")
        )

    def handle(self, *args: Any, at: str | None, **options: Any) -> None:
        now = _parse_at(at) if at else timezone.now()
        found = reminders_send(now=now)
        report = deliveries_send(now=now)
        for rule, count in sorted(found.items()):
            self.stdout.write(f"{rule}: {count}")
        self.stdout.write(
            _(
                "فرستاده: %(sent)s، برای تلاش دوباره: %(retried)s، ناموفق: %(failed)s،"
                " در انتظار صبح: %(postponed)s"
            )
            % {
                "sent": report.sent,
                "retried": report.retried,
                "failed": report.failed,
                "postponed": report.postponed,
            }
        )
