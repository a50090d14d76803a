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
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from jahesh.core.errors import ApplicationError
from jahesh.core.jalali import parse_date_any
from jahesh.demo.national import generate_nation
from jahesh.reports import facts


class Command(BaseCommand):
    help = "دادهٔ آزمایشی کشوری (۳۱ استان) برای سنجش سرعت می‌سازد."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="۱٫۰ = اندازهٔ کشور")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--as-of", default=None, help="تاریخ مبنا (جلالی یا ISO)؛ پیش‌فرض امروز")
        parser.add_argument(
            "--province", type=int, action="append", default=None, help="فقط این استان(ها)"
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
            f"analytics table: {refreshed.periods} periods, {refreshed.rows:,} rows,"
            f" {refreshed.seconds:.1f} s"
        )
        self.stdout.write(
            f"\nprovinces filled: {len(report.provinces)} ({report.workers} at a time);"
            f" skipped: {report.skipped}"
        )
        self.stdout.write(f"{'table':28} {'rows added':>12}")
        for label, n in report.added.items():
            self.stdout.write(f"{label:28} {n:>12,}")
        self.stdout.write("seconds per part: " + ", ".join(
            f"{k} {v:.1f}" for k, v in report.seconds.items()
        ))  # fmt: skip
        self.stdout.write(self.style.SUCCESS(f"done in {report.total_seconds:.1f} s"))
