"""``jahesh import KIND FILE [--dry-run] [--user USERNAME]``: import a spreadsheet
(XLSX, XLS, ODS or CSV) with a progress bar, then print what was created,
updated and refused (row, column, reason).

Each app adds its kinds to ``IMPORTERS`` (in ``jahesh.core.tabular.jobs``, which
the background import jobs share): kind → dotted path of a function
``(file, filename, dry_run, progress, user) -> jahesh.core.tabular.ImportReport``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.management.base import CommandError, CommandParser
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jahesh.core.errors import ApplicationError
from jahesh.core.management.base import TranslatedCommand
from jahesh.core.tabular import progress_printer
from jahesh.core.tabular.jobs import IMPORTERS

ERRORS_SHOWN = 50


class Command(TranslatedCommand):
    help = gettext_noop("ورود داده از اکسل یا CSV (units، visits، …)")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(IMPORTERS), help=_("نوع داده"))
        parser.add_argument("file", help=_("مسیر پرونده XLSX یا CSV"))
        parser.add_argument(
            "--dry-run", action="store_true", help=_("فقط گزارش بده؛ چیزی ذخیره نکن")
        )
        parser.add_argument(
            "--user",
            default=None,
            help=_(
                "نام کاربری که ورود به نام او ثبت و در حوزهٔ او انجام می‌شود (پیش‌فرض: نخستین مدیر سامانه)"
            ),
        )
        parser.add_argument(
            "--errors-xlsx", default=None, help=_("ردیف‌های ردشده را در این پرونده بنویس")
        )

    def handle(
        self,
        *args: Any,
        kind: str,
        file: str,
        dry_run: bool,
        user: str | None,
        errors_xlsx: str | None,
        **options: Any,
    ) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("پرونده «%(file)s» پیدا نشد.") % {"file": file})
        actor = self._user(user)
        importer = import_string(IMPORTERS[kind])
        try:
            report = importer(path, path.name, dry_run, progress_printer(self.stderr), actor)
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from None
        for error in report.errors[:ERRORS_SHOWN]:
            self.stdout.write(
                _("ردیف %(row)s، %(column)s: %(message)s")
                % {"row": error.row, "column": error.column or "—", "message": error.message}
            )
        if len(report.errors) > ERRORS_SHOWN:
            self.stdout.write(
                _("… و %(count)s خطای دیگر") % {"count": len(report.errors) - ERRORS_SHOWN}
            )
        for warning in report.warnings:
            self.stdout.write(warning)
        if errors_xlsx and report.refused_rows:
            Path(errors_xlsx).write_bytes(report.error_rows_xlsx())
        prefix = _("آزمایشی (چیزی ذخیره نشد): ") if dry_run else ""
        self.stdout.write(prefix + report.summary())

    def _user(self, username: str | None) -> AbstractBaseUser:
        User = get_user_model()
        if username:
            try:
                return User.objects.get(username=username)
            except User.DoesNotExist:
                raise CommandError(_("کاربر «%(name)s» پیدا نشد.") % {"name": username}) from None
        found = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if found is None:
            raise CommandError(_("کاربری برای ثبت ورود نیست؛ با --user نام کاربری بدهید."))
        return found
