"""``jahesh generate_nation [--scale 1.0] [--seed N] [--as-of DATE] [--province ID …]
[--workers N]``: scenario-like data for every province that has none yet (see
jahesh.demo.national); ``--workers``: provinces filled at once (PostgreSQL only;
default 2 there, 1 on SQLite).

Migrates first; prints progress per province, then rows added per table and
seconds per app part. Refuses to run twice on one database.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jahesh.core.errors import ApplicationError
from jahesh.core.jalali import parse_date_any
from jahesh.core.management.base import TranslatedCommand
from jahesh.core.text import listed
from jahesh.demo.national import NationReport, generate_nation
from jahesh.reports import facts


class Command(TranslatedCommand):
    help = gettext_noop("دادهٔ آزمایشی کشوری (۳۱ استان) برای سنجش سرعت می‌سازد.")

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help=_("۱٫۰ = اندازهٔ کشور"))
        parser.add_argument(
            "--seed", type=int, default=1, help=_("بذر عددهای تصادفی؛ یک بذر، یک داده")
        )
        parser.add_argument(
            "--as-of", default=None, help=_("تاریخ مبنا (جلالی یا ISO)؛ پیش‌فرض امروز")
        )
        parser.add_argument(
            "--province",
            type=int,
            action="append",
            default=None,
            help=_("فقط این استان (شناسه؛ چند بار می‌شود آورد)"),
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help=_("تعداد پردازه‌هایی که هم‌زمان استان‌ها را پر می‌کنند (فقط PostgreSQL؛ پیش‌فرض ۲)"),
        )

    def handle(self, *args, scale, seed, as_of, province, workers, **options):

        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)

        try:
            # A bulk load: no stale-place mark per row (millions); the analytics
            # table is rebuilt once at the end.
            with facts.paused():
                report = generate_nation(
                    scale=scale,
                    seed=seed,
                    as_of=parse_date_any(as_of) if as_of else None,
                    province_ids=province,
                    log=lambda line: self.stdout.write(line),
                    workers=workers,
                )
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc
        refreshed = facts.refresh()
        self.stdout.write(
            _("جدول تحلیلی: %(periods)s دوره، %(rows)s ردیف، %(seconds).1f ثانیه")
            % {"periods": refreshed.periods, "rows": refreshed.rows, "seconds": refreshed.seconds}
        )
        self._summary(report)

    def _summary(self, report: NationReport) -> None:
        """Rows added per table and seconds per part (the tables' and parts'
        names are the code's: ``units.Unit``, ``funds``)."""
        self.stdout.write(
            "\n"
            + _("استان‌های پرشده: %(filled)s (%(workers)s هم‌زمان)؛ ردشده: %(skipped)s")
            % {
                "filled": len(report.provinces),
                "workers": report.workers,
                "skipped": len(report.skipped),
            }
        )
        self.stdout.write(f"{_('جدول'):28} {_('ردیف افزوده'):>12}")
        for label, n in report.added.items():
            self.stdout.write(f"{label:28} {n:>12}")
        self.stdout.write(
            _("ثانیه‌های هر بخش: %(parts)s")
            % {"parts": listed(f"{k} {v:.1f}" for k, v in report.seconds.items())}
        )
        self.stdout.write(
            self.style.SUCCESS(
                _("پایان در %(seconds).1f ثانیه") % {"seconds": report.total_seconds}
            )
        )
