"""Obstacle reports from producers (no account): the report, its attachments,
the SMS codes that confirm the reporter's mobile number.

A report is the producer's; the case triage makes of it is the clinic's. The
clinic knows nothing of reports (portal sits above it): the report points at
its case, and what the producer reads of the case's progress is derived from
the case's status events by ``portal.selectors.report_milestones``, never from
notes or names.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jahesh.core.models import optional_link, user_link
from jahesh.geo.models import InCounty, InProvince


def private_storage() -> FileSystemStorage:
    # MEDIA_ROOT/private is never served as static or media: a file leaves only
    # through a view that checks the reader's scope.
    return FileSystemStorage(location=Path(settings.MEDIA_ROOT) / "private", base_url=None)


class PublicReport(models.Model):
    """An obstacle report filed on the public page, tracked by its code."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("در انتظار بررسی")
        ACCEPTED = "accepted", _("پذیرفته‌شده (پرونده)")
        MERGED = "merged", _("ادغام‌شده با گزارش دیگر")
        REJECTED = "rejected", _("ردشده")

    tracking_code = models.CharField(_("کد رهگیری"), max_length=10, unique=True)
    unit_name = models.CharField(_("نام واحد"), max_length=200)
    unit_name_key = models.CharField(max_length=200, editable=False)
    county = models.ForeignKey(
        "geo.County", verbose_name=_("شهرستان"), on_delete=models.PROTECT, related_name="+"
    )
    province = models.ForeignKey(
        "geo.Province", verbose_name=_("استان"), on_delete=models.PROTECT, related_name="+"
    )
    legal_id = models.CharField(_("شناسه ملی"), max_length=11, blank=True)
    national_code = models.CharField(_("کد ملی مالک"), max_length=10, blank=True)
    category = models.ForeignKey(
        "clinic.ObstacleCategory",
        verbose_name=_("نوع مانع"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.TextField(_("شرح مانع"))
    mobile = models.CharField(_("تلفن همراه"), max_length=11)
    received_at = models.DateTimeField(_("زمان دریافت"))
    status = models.CharField(
        _("وضعیت"), max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    triaged_at = models.DateTimeField(_("زمان بررسی"), null=True, blank=True)
    triaged_by = user_link(_("بررسی‌کننده"), on_delete=models.PROTECT)
    # Shown to the producer as written: the reason, never a name.
    reject_reason = models.TextField(_("دلیل رد"), blank=True)
    case = optional_link("clinic.Case", _("پرونده"))
    merged_into = optional_link("self", _("ادغام در"), "duplicates")
    rating = models.PositiveSmallIntegerField(_("امتیاز رضایت"), null=True, blank=True)
    rating_comment = models.TextField(_("نظر تولیدکننده"), blank=True)
    rated_at = models.DateTimeField(_("زمان امتیازدهی"), null=True, blank=True)
    # A rating of 1 or 2 opens an appeal to the headquarters manager, due in
    # APPEAL_WORKING_DAYS working days of the province (geo.workdays).
    appeal_opened_at = models.DateTimeField(_("زمان گشایش اعتراض"), null=True, blank=True)
    appeal_due_at = models.DateTimeField(_("مهلت رسیدگی به اعتراض"), null=True, blank=True)
    appeal_closed_at = models.DateTimeField(_("زمان رسیدگی به اعتراض"), null=True, blank=True)
    appeal_closed_by = user_link(_("رسیدگی‌کنندهٔ اعتراض"), on_delete=models.PROTECT)
    appeal_answer = models.TextField(_("پاسخ اعتراض"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("گزارش مانع مردمی")
        verbose_name_plural = _("گزارش‌های مانع مردمی")
        constraints = [
            models.CheckConstraint(
                condition=~Q(legal_id="") | ~Q(national_code=""), name="portal_report_has_id"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="portal_report_rating_1_5",
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(case__isnull=False),
                name="portal_report_accepted_has_case",
            ),
        ]
        indexes = [
            # The triage queue: a county's or province's waiting reports, oldest first.
            models.Index(
                fields=["county", "status", "received_at"], name="portal_report_queue_idx"
            ),
            models.Index(
                fields=["province", "status", "received_at"], name="portal_report_prov_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.unit_name}"


def _attachment_path(instance: ReportAttachment, filename: str) -> str:
    return f"reports/{instance.report.tracking_code}/{filename}"


class ReportAttachment(models.Model):
    """A file the producer attached: PDF as sent, images re-encoded without metadata."""

    report = models.ForeignKey(
        PublicReport, verbose_name=_("گزارش"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("پرونده"), storage=private_storage, upload_to=_attachment_path)
    name = models.CharField(_("نام"), max_length=120)
    content_type = models.CharField(_("نوع"), max_length=40)
    size = models.PositiveIntegerField(_("اندازه (بایت)"))
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("پیوست گزارش")
        verbose_name_plural = _("پیوست‌های گزارش")

    def __str__(self) -> str:
        return self.name


class OtpCode(models.Model):
    """A code sent by SMS to confirm a mobile number; only its HMAC is stored."""

    class Purpose(models.TextChoices):
        REPORT = "report", _("ثبت گزارش")
        RATING = "rating", _("امتیازدهی")

    mobile = models.CharField(max_length=11)
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["mobile", "purpose", "-created_at"], name="portal_otp_idx")]

    def __str__(self) -> str:
        return f"{self.mobile} {self.purpose}"


class FigureRelease(InProvince):
    """A province's headline figures for one Jalali quarter or year on their way
    to the public: each county's figures submitted, the province approved by
    the headquarters manager, then published as a frozen snapshot (values, the
    KPI definitions and their version, who and when, a SHA-256 of it all).

    Order: open → approved → published (→ unpublished, with a reason; it may be
    approved and published again). simple-history keeps every snapshot and
    every unpublishing.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("در انتظار ارقام شهرستان‌ها")
        APPROVED = "approved", _("تأییدشده، منتشرنشده")
        PUBLISHED = "published", _("منتشرشده")
        UNPUBLISHED = "unpublished", _("انتشار لغو شده")

    year = models.PositiveSmallIntegerField(_("سال"))
    quarter = models.PositiveSmallIntegerField(_("فصل"), default=0)  # 0: the whole year
    status = models.CharField(_("وضعیت"), max_length=12, choices=Status.choices,
                              default=Status.OPEN)  # fmt: skip
    approved_at = models.DateTimeField(_("زمان تأیید"), null=True, blank=True)
    approved_by = user_link(_("تأییدکننده"), on_delete=models.PROTECT)  # fmt: skip
    published_at = models.DateTimeField(_("زمان انتشار"), null=True, blank=True)
    published_by = user_link(_("منتشرکننده"), on_delete=models.PROTECT)  # fmt: skip
    values = models.JSONField(_("ارقام منتشرشده"), default=dict, blank=True)
    definitions = models.JSONField(_("تعریف شاخص‌ها"), default=dict, blank=True)
    definitions_version = models.CharField(_("نسخهٔ تعریف‌ها"), max_length=64, blank=True)
    approvals = models.JSONField(_("تأییدها"), default=list, blank=True)
    sha256 = models.CharField(_("چکیدهٔ ارقام"), max_length=64, blank=True)
    unpublished_at = models.DateTimeField(_("زمان لغو انتشار"), null=True, blank=True)
    unpublished_by = user_link(_("لغوکنندهٔ انتشار"), on_delete=models.PROTECT)  # fmt: skip
    unpublish_reason = models.TextField(_("دلیل لغو انتشار"), blank=True)
    history = HistoricalRecords()
    # Set before save() for simple-history to record who made the change (an
    # annotation only: the attribute exists once a write sets it).
    _history_user: Any

    class Meta:
        verbose_name = _("انتشار ارقام")
        verbose_name_plural = _("انتشار ارقام")
        constraints = [
            models.UniqueConstraint(fields=["province", "year", "quarter"],
                                    name="portal_release_one_per_period"),
            models.CheckConstraint(condition=Q(quarter__gte=0, quarter__lte=4),
                                   name="portal_release_quarter_0_4"),
            models.CheckConstraint(
                condition=~Q(status="published") | ~Q(sha256=""),
                name="portal_release_published_has_hash",
            ),
        ]  # fmt: skip
        indexes = [
            models.Index(fields=["province", "status", "-published_at"],
                         name="portal_release_latest_idx"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.province_id} {self.year}/{self.quarter}"


class CountyFigures(InCounty):
    """One county's figures for a release, as its officer submitted them."""

    release = models.ForeignKey(FigureRelease, verbose_name=_("انتشار"),
                                on_delete=models.CASCADE, related_name="counties")  # fmt: skip
    values = models.JSONField(_("ارقام"), default=dict)
    submitted_at = models.DateTimeField(_("زمان ارسال"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("فرستنده"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ارقام شهرستان")
        verbose_name_plural = _("ارقام شهرستان‌ها")
        constraints = [
            models.UniqueConstraint(fields=["release", "county"], name="portal_county_once"),
        ]

    def __str__(self) -> str:
        return f"{self.release} {self.county_id}"
