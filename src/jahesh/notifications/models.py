"""Notifications: what a person is told (in the app), how each message went out
(a delivery per channel), what they asked to receive, and the audit of bulk sends."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jahesh.core.models import optional_link
from jahesh.core.phrases import shown
from jahesh.geo.models import InCounty


class Kind(models.TextChoices):
    CASE_ASSIGNED = "case_assigned", _("ارجاع پرونده")
    CASE_MOVED = "case_moved", _("تغییر وضعیت پرونده")
    CASE_ESCALATED = "case_escalated", _("ارجاع پرونده به کارگروه یا استان")
    CASE_SLA_WARNING = "case_sla_warning", _("نزدیک شدن به پایان مهلت پرونده")
    CASE_SLA_BREACH = "case_sla_breach", _("گذشتن مهلت پرونده")
    RESOLUTION_ASSIGNED = "resolution_assigned", _("مصوبهٔ تازه")
    RESOLUTION_DUE = "resolution_due", _("نزدیک شدن مهلت مصوبه")
    RESOLUTION_OVERDUE = "resolution_overdue", _("گذشتن مهلت مصوبه")
    LOAN_AWAITING = "loan_awaiting", _("وام در انتظار تأیید")
    LOAN_APPROVED = "loan_approved", _("تأیید وام")
    LOAN_DISBURSED = "loan_disbursed", _("پرداخت وام")
    INSTALLMENT_DUE = "installment_due", _("یادآوری سررسید قسط")
    INSTALLMENT_OVERDUE = "installment_overdue", _("قسط معوق")
    IMPORT_FINISHED = "import_finished", _("پایان ورود اطلاعات")
    MONTHLY_REPORT = "monthly_report", _("گزارش ماهانه")
    BULK = "bulk", _("پیامک گروهی")


class Channel(models.TextChoices):
    APP = "app", _("در سامانه")
    EMAIL = "email", _("رایانامه")
    SMS = "sms", _("پیامک")


class Notification(models.Model):
    """One thing one user is told, shown under the bell until they read it."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("گیرنده"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("نوع"), max_length=24, choices=Kind.choices)
    title = models.CharField(_("عنوان"), max_length=200)
    body = models.TextField(_("متن"), blank=True)
    url = models.CharField(_("پیوند"), max_length=300, blank=True)
    # What renders the title and body in the reader's language ({"title": …,
    # "body": …}, each a core.phrases.Phrase's stored form): ``title`` and
    # ``body`` keep the Persian text, for the admin's search and for rows
    # written before phrases were kept, which show it as it is.
    phrases = models.JSONField(_("عبارت‌ها"), default=dict, blank=True)
    event_key = models.CharField(_("کلید رویداد"), max_length=120)
    created_at = models.DateTimeField(_("زمان"))
    read_at = models.DateTimeField(_("زمان خواندن"), null=True, blank=True)

    class Meta:
        verbose_name = _("اعلان")
        verbose_name_plural = _("اعلان‌ها")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One event, one notification per person, however often the job runs.
            models.UniqueConstraint(
                fields=["event_key", "recipient"], name="notifications_once_per_event"
            ),
        ]
        indexes = [
            # The bell's unread count and the list, newest first.
            models.Index(fields=["recipient", "read_at"], name="notif_unread_idx"),
            models.Index(fields=["recipient", "-created_at"], name="notif_list_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def shown_title(self) -> str:
        """The title in the active language (as stored, for an old row)."""
        return shown(self.phrases.get("title"), self.title)

    @property
    def shown_body(self) -> str:
        return shown(self.phrases.get("body"), self.body)


class Delivery(models.Model):
    """One message on one channel (SMS or e-mail) to one address: the delivery log.

    ``idempotency_key`` is "<event key>:<channel>:<who>" and unique, so an event
    sends one message per person and channel however often the job that found
    it runs. A message waits while ``scheduled_for`` is ahead (quiet hours, a
    retry's back-off)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("در صف")
        SENDING = "sending", _("در حال ارسال")
        SENT = "sent", _("ارسال شد")
        FAILED = "failed", _("ناموفق")

    notification = optional_link(Notification, _("اعلان"), "deliveries", on_delete=models.CASCADE)
    bulk = optional_link("BulkMessage", _("پیامک گروهی"), "deliveries", on_delete=models.CASCADE)
    kind = models.CharField(_("نوع"), max_length=24, choices=Kind.choices)
    channel = models.CharField(_("کانال"), max_length=8, choices=Channel.choices)
    to = models.CharField(_("گیرنده"), max_length=254)
    subject = models.CharField(_("موضوع"), max_length=200, blank=True)
    text = models.TextField(_("متن"))
    attachment = models.CharField(_("پیوست"), max_length=300, blank=True)
    idempotency_key = models.CharField(_("کلید یکتایی"), max_length=160, unique=True)
    status = models.CharField(
        _("وضعیت"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("تلاش‌ها"), default=0)
    provider_id = models.CharField(_("شناسهٔ درگاه"), max_length=100, blank=True)
    error = models.CharField(_("خطا"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("زمان ثبت"))
    scheduled_for = models.DateTimeField(_("زمان ارسال"))
    sent_at = models.DateTimeField(_("زمان ارسال شده"), null=True, blank=True)

    class Meta:
        verbose_name = _("ارسال")
        verbose_name_plural = _("گزارش ارسال‌ها")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=["sms", "email"]), name="notifications_delivery_channel"
            ),
        ]
        # The sender's queue: pending messages whose time has come.
        indexes = [models.Index(fields=["status", "scheduled_for"], name="notif_delivery_due_idx")]

    def __str__(self) -> str:
        return f"{self.channel} → {self.to}"


class Preference(models.Model):
    """A user's choice for one channel: for one kind, or for all kinds (``kind``
    empty). A kind's own row wins over the global one; without a row a channel is on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("نوع"), max_length=24, choices=Kind.choices, blank=True)
    channel = models.CharField(_("کانال"), max_length=8, choices=Channel.choices)
    enabled = models.BooleanField(_("فعال"), default=True)

    class Meta:
        verbose_name = _("ترجیح اعلان")
        verbose_name_plural = _("ترجیحات اعلان")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "channel"], name="notifications_preference_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind or '*'} {self.channel}: {self.enabled}"


class BulkMessage(InCounty):
    """The audit record of a bulk text message: who sent what to which audience,
    in the county of the fund or camp (whose scope the record lies in)."""

    class Audience(models.TextChoices):
        FUND = "fund", _("اعضای صندوق")
        CAMP = "camp", _("نیروهای اردو")

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("فرستنده"),
        on_delete=models.PROTECT,
        related_name="bulk_messages",
    )
    audience = models.CharField(_("مخاطبان"), max_length=8, choices=Audience.choices)
    audience_id = models.PositiveBigIntegerField(_("شناسهٔ مخاطبان"))
    audience_label = models.CharField(_("نام مخاطبان"), max_length=200)
    text = models.TextField(_("متن"))
    recipients = models.PositiveIntegerField(_("شمار گیرندگان"))
    segments = models.PositiveSmallIntegerField(_("شمار بخش‌های هر پیامک"))
    created_at = models.DateTimeField(_("زمان"))

    class Meta:
        verbose_name = _("پیامک گروهی")
        verbose_name_plural = _("پیامک‌های گروهی")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(segments__gte=1), name="notifications_bulk_segments"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.audience_label} ({self.recipients})"
