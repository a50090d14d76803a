"""``jahesh refresh_kpis``: compute the analytics table of the standard periods.

    jahesh refresh_kpis [--today 1405/09/06]

Run it nightly after midnight (Tehran time: the standard periods move with the
day) and after bulk loads; between runs, writes are picked up by the triggers
and the next read (``reports.facts``).
"""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jahesh.core.errors import InvalidInput
from jahesh.core.jalali import format_jalali, parse_date_any
from jahesh.core.management.base import TranslatedCommand
from jahesh.reports import facts


class Command(TranslatedCommand):
    help = gettext_noop("شاخص‌های دوره‌های استاندارد (پنج سال اخیر و سال‌های آن) را از نو حساب می‌کند.")

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--today", default="", help=_("امروزِ محاسبه (جلالی یا ISO)؛ پیش‌فرض: امروز")
        )

    def handle(self, *args, **options) -> None:
        today = None
        if options["today"]:
            try:
                today = parse_date_any(options["today"])
            except InvalidInput as error:
                raise CommandError(str(error)) from None
        report = facts.refresh(today=today, log=self.stdout.write)
        self.stdout.write(
            _("%(periods)s دوره، %(rows)s ردیف، %(seconds).1f ثانیه (امروز: %(today)s)")
            % {
                "periods": report.periods,
                "rows": report.rows,
                "seconds": report.seconds,
                "today": format_jalali(today) if today else _("امروز"),
            }
        )
