"""Base model of every domain record."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from jahesh.core.phrases import written

# Reasons the code writes into history rows and status events (core.phrases.written:
# stored in Persian, shown in the reader's language). An import's: the file's name.
IMPORTED_FROM = written(gettext_noop("ورود از پرونده %(file)s"))
# A record's place on the map set or moved (core.mapdata.locate).
MAP_PLACE = written(gettext_noop("جای روی نقشه"))


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("ایجاد"), auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(_("آخرین تغییر"), auto_now=True, editable=False)

    class Meta:
        abstract = True


def latitude_field() -> models.DecimalField:
    """An optional latitude (WGS 84 degrees, about 10 cm), as units, projects and
    camps keep their place on the map."""
    return models.DecimalField(
        _("عرض جغرافیایی"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )  # fmt: skip


def longitude_field() -> models.DecimalField:
    """An optional longitude (WGS 84 degrees), the pair of ``latitude_field``."""
    return models.DecimalField(
        _("طول جغرافیایی"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )  # fmt: skip


def user_link(
    verbose_name: Any = None, *, on_delete: Any = models.SET_NULL, blank: bool = True
) -> models.ForeignKey:
    """Who recorded, approved or reviewed a record: an optional user with no
    reverse accessor (``related_name="+"``). Kept when the user is deleted
    (``SET_NULL``) unless the record is evidence (``on_delete=models.PROTECT``)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        on_delete=on_delete,
        null=True,
        blank=blank,
        related_name="+",
    )


def move_fields(
    choices: Any,
    max_length: int,
    labels: tuple[Any, Any] = (_("از وضعیت"), _("به وضعیت")),
) -> tuple[models.CharField, models.CharField]:
    """An event row's ``from_status`` (blank for the record's first status) and
    ``to_status``, among the record's status ``choices``: the move's two ends,
    which ``core.workflow.Move.row`` fills beside when (``at``) and by whom (``by``).

        from_status, to_status = move_fields(CaseStatus.choices, 16)
    """
    return (
        models.CharField(labels[0], max_length=max_length, choices=choices, blank=True),
        models.CharField(labels[1], max_length=max_length, choices=choices),
    )


def recorded_user(user: Any) -> Any:
    """The user to keep in a ``user_link`` (or a history row) as who did
    something: ``None`` for a system action or an anonymous user."""
    return user if getattr(user, "pk", None) else None


def optional_link(
    to: Any,
    verbose_name: Any,
    related_name: str = "+",
    *,
    on_delete: Any = models.PROTECT,
    help_text: Any = "",
) -> models.ForeignKey:
    """An optional link to another record (null and blank), protected from
    deletion while it is referenced unless ``on_delete`` says otherwise."""
    return models.ForeignKey(
        to,
        verbose_name=verbose_name,
        on_delete=on_delete,
        null=True,
        blank=True,
        related_name=related_name,
        help_text=help_text,
    )


class ImportJob(models.Model):
    """A spreadsheet import too large to answer in its request, run by the task
    worker (``jahesh.core.tabular.jobs``). Scoped to its owner (admins see all).

    ``path`` is the uploaded file's name in ``MEDIA_ROOT/private/imports`` (never
    served); ``params`` the record the import goes into (``{"fund": 12}``);
    ``report`` the driver's ``ImportReport.as_dict()`` once it has run (for a
    failed job, what the batches before the failure did)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("در صف")
        RUNNING = "running", _("در حال اجرا")
        DONE = "done", _("انجام شد")
        FAILED = "failed", _("ناموفق")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs"
    )
    kind = models.CharField(_("نوع"), max_length=40)
    params = models.JSONField(_("پارامترها"), default=dict, blank=True)
    filename = models.CharField(_("نام پرونده"), max_length=255)
    path = models.CharField(_("پروندهٔ نگه‌داشته"), max_length=255)
    dry_run = models.BooleanField(_("آزمایشی"), default=False)
    status = models.CharField(
        _("وضعیت"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    rows_done = models.PositiveIntegerField(_("ردیف‌های خوانده‌شده"), default=0)
    rows_total = models.PositiveIntegerField(_("همهٔ ردیف‌ها"), default=0)
    report = models.JSONField(_("گزارش"), null=True, blank=True)
    message = models.TextField(_("پیام"), blank=True)
    errors_path = models.CharField(_("پروندهٔ ردیف‌های ردشده"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("ایجاد"), auto_now_add=True)
    started_at = models.DateTimeField(_("آغاز"), null=True, blank=True)
    finished_at = models.DateTimeField(_("پایان"), null=True, blank=True)

    class Meta:
        verbose_name = _("ورود پرونده در پس‌زمینه")
        verbose_name_plural = _("ورودهای پرونده در پس‌زمینه")
        ordering = ["-created_at", "-id"]
        # A user's own jobs, newest first (the scoped list).
        indexes = [models.Index(fields=["user", "-created_at"], name="core_importjob_user_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "running", "done", "failed"]),
                name="core_importjob_status_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.filename} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.finished and self.status == self.Status.DONE:
            return 100
        return min(100, 100 * self.rows_done // self.rows_total) if self.rows_total else 0
