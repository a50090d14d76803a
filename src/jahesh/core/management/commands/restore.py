"""``jahesh restore PATH [--yes]``: put a ``jahesh backup`` archive's database and
uploads in place, then compare every table's rows with its manifest and print the
table (exit status 1 when one differs). Stop every server and worker first."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jahesh.core.backup import RestoreReport, backup_restore
from jahesh.core.errors import ApplicationError
from jahesh.core.management.base import TranslatedCommand
from jahesh.core.text import listed


class Command(TranslatedCommand):
    help = gettext_noop("بازگرداندن پشتیبان jahesh backup (پیش از آن سرورها را متوقف کنید)")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help=_("پرونده‌ی بایگانی پشتیبان"))
        parser.add_argument(
            "--yes", action="store_true", help=_("پایگاه داده‌ای را که داده دارد هم جایگزین کن")
        )

    def handle(self, *args: Any, path: str, yes: bool, **options: Any) -> None:
        try:
            report = backup_restore(path=path, replace=yes, log=self.stdout.write)
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from None
        self._print_table(report)
        bad = [c.table for c in report.checks if not c.ok]
        if bad:
            raise CommandError(
                _("بازگرداندن کامل نیست: شمار ردیف‌های این جدول‌ها با پشتیبان نمی‌خواند: %(tables)s")
                % {"tables": listed(bad)}
            )
        if report.missing_triggers:
            raise CommandError(
                _("بازگرداندن کامل نیست: این تریگرها بازنگشته‌اند: %(names)s")
                % {"names": listed(report.missing_triggers)}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "بازگردانده شد: %(tables)s جدول، %(rows)s ردیف، %(files)s پرونده، "
                    "%(seconds).1f ثانیه؛ همه‌ی شمارها برابرند."
                )
                % {
                    "tables": len(report.checks),
                    "rows": sum(c.expected for c in report.checks),
                    "files": report.files,
                    "seconds": report.seconds,
                }
            )
        )

    def _print_table(self, report: RestoreReport) -> None:
        width = max((len(c.table) for c in report.checks), default=10)
        self.stdout.write(f"{_('جدول'):<{width}}  {_('پشتیبان'):>10}  {_('بازگشته'):>10}")
        for check in report.checks:
            found = "—" if check.found is None else check.found
            mark = "✓" if check.ok else "✗"
            self.stdout.write(f"{check.table:<{width}}  {check.expected:>10}  {found:>10}  {mark}")
