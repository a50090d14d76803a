"""Production units, their monitoring visits, status history and risk history.

Rules that must hold whatever code writes the rows are database constraints;
the rules that need the clock or other rows (no visit in the future, a
status change appends a history row) live in ``jahesh.units.services``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jahesh.core.models import TimeStampedModel, move_fields, optional_link, user_link
from jahesh.core.phrases import shown
from jahesh.geo.models import Placed, Settled
from jahesh.units.isic import REVISION, SECTION_CHOICES


class Sector(models.TextChoices):
    INDUSTRY = "industry", _("صنعت")
    AGRICULTURE = "agriculture", _("کشاورزی")
    MINING = "mining", _("معدن")
    SERVICES = "services", _("خدمات")
    HANDICRAFT = "handicraft", _("صنایع دستی")


class UnitStatus(models.TextChoices):
    ACTIVE = "active", _("فعال")
    PARTIAL = "partial", _("نیمه‌فعال")
    STALLED = "stalled", _("راکد")
    CLOSED = "closed", _("تعطیل")


class Size(models.TextChoices):
    """By employees, as the Ministry of Industry, Mine and Trade groups units."""

    MICRO = "micro", _("خرد (کمتر از ۱۰ نفر)")
    SMALL = "small", _("کوچک (۱۰ تا ۴۹ نفر)")
    MEDIUM = "medium", _("متوسط (۵۰ تا ۹۹ نفر)")
    LARGE = "large", _("بزرگ (۱۰۰ نفر و بیشتر)")
    UNKNOWN = "", _("نامشخص")


class RiskLevel(models.TextChoices):
    LOW = "low", _("کم")
    WATCH = "watch", _("زیر نظر")
    HIGH = "high", _("پرخطر")


class SalesTrend(models.TextChoices):
    UP = "up", _("رو به افزایش")
    FLAT = "flat", _("ثابت")
    DOWN = "down", _("رو به کاهش")


class Unit(Placed, Settled, TimeStampedModel):
    """A production unit (واحد تولیدی) the headquarters monitors. Its place
    (county, the county's province, city or village) is ``geo.Placed``'s."""

    code = models.CharField(
        _("کد واحد"),
        max_length=40,
        unique=True,
        null=True,
        blank=True,
        help_text=_("کد اختیاری و یکتا (مثلاً کد پرونده در سامانهٔ قبلی)."),
    )
    name = models.CharField(_("نام واحد"), max_length=200)
    name_key = models.CharField(max_length=200, editable=False)
    national_id = models.CharField(
        _("شناسه ملی"), max_length=11, null=True, blank=True, help_text=_("۱۱ رقم؛ اختیاری.")
    )
    licence_no = models.CharField(_("شمارهٔ پروانهٔ بهره‌برداری"), max_length=60, blank=True)
    isic_code = models.CharField(
        _("کد آیسیک"),
        max_length=4,
        blank=True,
        help_text=_("ISIC Rev.4؛ ۲ تا ۴ رقم، صفر ابتدا مهم است."),
    )
    isic_revision = models.CharField(
        _("ویرایش آیسیک"), max_length=4, default=REVISION, editable=False
    )
    isic_division = models.CharField(
        _("بخش آیسیک (دو رقمی)"), max_length=2, blank=True, editable=False
    )
    isic_section = models.CharField(
        _("قسمت آیسیک"), max_length=1, blank=True, choices=SECTION_CHOICES, editable=False
    )
    sector = models.CharField(_("بخش اقتصادی"), max_length=16, choices=Sector.choices)
    industrial_estate = models.CharField(_("شهرک یا ناحیهٔ صنعتی"), max_length=200, blank=True)
    address = models.TextField(_("نشانی"), blank=True)
    latitude = models.DecimalField(
        _("عرض جغرافیایی"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("طول جغرافیایی"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    owner_name = models.CharField(_("نام مالک یا مدیر"), max_length=200, blank=True)
    owner_mobile = models.CharField(_("تلفن همراه مالک یا مدیر"), max_length=11, blank=True)
    founded_on = models.DateField(_("تاریخ تأسیس"), null=True, blank=True)
    employees = models.PositiveIntegerField(_("تعداد کارکنان"), null=True, blank=True)
    size = models.CharField(
        _("اندازه"), max_length=8, choices=Size.choices, blank=True, editable=False
    )
    capacity = models.DecimalField(
        _("ظرفیت اسمی"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    capacity_unit = models.CharField(
        _("واحد ظرفیت"), max_length=40, blank=True, help_text=_("مثلاً تن در سال")
    )
    status = models.CharField(
        _("وضعیت"), max_length=10, choices=UnitStatus.choices, default=UnitStatus.ACTIVE
    )
    # The latest visit and risk assessment, kept on the row so the list and the
    # watch list sort and filter on an index instead of a subquery per row.
    last_visit_on = models.DateField(_("آخرین بازدید"), null=True, blank=True, editable=False)
    risk_score = models.PositiveSmallIntegerField(
        _("امتیاز ریسک"), null=True, blank=True, editable=False
    )
    risk_level = models.CharField(
        _("سطح ریسک"), max_length=8, choices=RiskLevel.choices, blank=True, editable=False
    )
    risk_assessed_on = models.DateField(
        _("تاریخ ارزیابی ریسک"), null=True, blank=True, editable=False
    )
    created_by = user_link(_("ثبت‌کننده"))
    history = HistoricalRecords(
        excluded_fields=[
            "last_visit_on",
            "risk_score",
            "risk_level",
            "risk_assessed_on",
            "updated_at",
        ]
    )

    class Meta:
        verbose_name = _("واحد تولیدی")
        verbose_name_plural = _("واحدهای تولیدی")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["national_id"],
                condition=Q(national_id__isnull=False),
                name="units_unit_national_id_unique",
            ),
            models.CheckConstraint(
                condition=Q(national_id__isnull=True) | Q(national_id__regex=r"^[0-9]{11}$"),
                name="units_unit_national_id_11_digits",
            ),
            models.CheckConstraint(
                condition=Q(isic_code="") | Q(isic_code__regex=r"^[0-9]{2,4}$"),
                name="units_unit_isic_digits",
            ),
            models.CheckConstraint(
                condition=Q(risk_score__isnull=True) | Q(risk_score__lte=100),
                name="units_unit_risk_score_0_100",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="units_unit_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="units_unit_longitude_range",
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=0),
                name="units_unit_capacity_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(owner_mobile="") | Q(owner_mobile__regex=r"^09[0-9]{9}$"),
                name="units_unit_mobile_format",
            ),
            models.CheckConstraint(condition=~Q(name_key=""), name="units_unit_name_not_blank"),
        ]
        indexes = [
            # The list and watch list order by id or by risk within the user's
            # county or province: each is a range read of one of these indexes.
            models.Index(fields=["county", "-id"], name="units_unit_county_id_idx"),
            models.Index(fields=["province", "-id"], name="units_unit_province_id_idx"),
            models.Index(
                fields=["county", "-risk_score", "-id"], name="units_unit_county_risk_idx"
            ),
            models.Index(
                fields=["province", "-risk_score", "-id"], name="units_unit_province_risk_idx"
            ),
            # Search by normalised name (prefix / equality) and import matching.
            models.Index(fields=["name_key"], name="units_unit_name_key_idx"),
            models.Index(fields=["county", "name_key"], name="units_unit_county_name_idx"),
            # The watch list: highest risk first.
            models.Index(fields=["-risk_score", "-id"], name="units_unit_risk_idx"),
            # Its size on the dashboard: a count read from the index alone.
            models.Index(fields=["risk_level", "status"], name="units_unit_level_status_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class StatusChange(models.Model):
    """One change of a unit's status: who, when, from, to, why (append-only)."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("واحد"), on_delete=models.CASCADE, related_name="status_changes"
    )
    changed_on = models.DateField(_("تاریخ تغییر"))
    from_status, to_status = move_fields(UnitStatus.choices, 10)
    reason = models.TextField(_("دلیل"), blank=True)
    changed_by = user_link(_("ثبت‌کننده"))
    created_at = models.DateTimeField(_("زمان ثبت"), auto_now_add=True)

    class Meta:
        verbose_name = _("تغییر وضعیت واحد")
        verbose_name_plural = _("تغییرات وضعیت واحد")
        ordering = ["-changed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_status=models.F("to_status")), name="units_statuschange_changes"
            ),
        ]
        indexes = [models.Index(fields=["unit", "changed_on"], name="units_status_unit_date_idx")]

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.from_status} → {self.to_status}"


class Visit(TimeStampedModel):
    """A monitoring visit (بازدید پایش) and what the visitor found."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("واحد"), on_delete=models.CASCADE, related_name="visits"
    )
    visited_on = models.DateField(_("تاریخ بازدید"))
    visitor = user_link(_("بازدیدکننده (کاربر)"))
    visitor_name = models.CharField(_("بازدیدکننده"), max_length=200, blank=True)
    capacity_utilization = models.PositiveSmallIntegerField(
        _("ظرفیت به‌کارگرفته (٪)"), null=True, blank=True
    )
    employees_now = models.PositiveIntegerField(_("کارکنان فعلی"), null=True, blank=True)
    unpaid_wage_months = models.PositiveSmallIntegerField(_("ماه‌های حقوق معوق"), default=0)
    bank_arrears_rial = models.BigIntegerField(_("معوقات بانکی (ریال)"), default=0)
    tax_debt_rial = models.BigIntegerField(_("بدهی مالیاتی (ریال)"), default=0)
    social_security_debt_rial = models.BigIntegerField(_("بدهی تأمین اجتماعی (ریال)"), default=0)
    utility_debt_rial = models.BigIntegerField(_("بدهی آب، برق و گاز (ریال)"), default=0)
    utility_cutoff_notice = models.BooleanField(_("اخطار قطع انشعاب"), default=False)
    raw_material_days = models.PositiveSmallIntegerField(
        _("موجودی مواد اولیه (روز)"), null=True, blank=True
    )
    order_book_months = models.DecimalField(
        _("سفارش‌های در دست (ماه)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    sales_trend = models.CharField(
        _("روند فروش"), max_length=4, choices=SalesTrend.choices, blank=True
    )
    owner_issue = models.BooleanField(_("بیماری یا اختلاف مالکان"), default=False)
    court_cases = models.PositiveSmallIntegerField(_("پرونده‌های قضایی"), default=0)
    notes = models.TextField(_("یادداشت"), blank=True)
    # Where the phone was when the visit was recorded (the field app), and how
    # far that is from the unit's stored coordinates: evidence that the officer
    # was there. ``far_from_unit`` flags it for the supervisor (JAHESH_VISIT_FAR_M).
    latitude = models.DecimalField(
        _("عرض جغرافیایی بازدید"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("طول جغرافیایی بازدید"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    accuracy_m = models.PositiveIntegerField(_("دقت موقعیت (متر)"), null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("فاصله تا واحد (متر)"), null=True, blank=True)
    far_from_unit = models.BooleanField(_("دور از واحد"), default=False)
    # The id the phone made for this visit (the Idempotency-Key header): a resend
    # of the same key answers the same visit instead of recording a second one.
    client_key = models.CharField(max_length=64, blank=True, editable=False)
    created_by = user_link(_("ثبت‌کننده"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("بازدید پایش")
        verbose_name_plural = _("بازدیدهای پایش")
        ordering = ["-visited_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity_utilization__isnull=True) | Q(capacity_utilization__lte=100),
                name="units_visit_capacity_0_100",
            ),
            models.CheckConstraint(
                condition=Q(bank_arrears_rial__gte=0)
                & Q(tax_debt_rial__gte=0)
                & Q(social_security_debt_rial__gte=0)
                & Q(utility_debt_rial__gte=0),
                name="units_visit_amounts_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(order_book_months__isnull=True) | Q(order_book_months__gte=0),
                name="units_visit_order_book_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(unpaid_wage_months__lte=120), name="units_visit_wage_months_max"
            ),
            models.UniqueConstraint(
                fields=["created_by", "client_key"],
                condition=~Q(client_key=""),
                name="units_visit_client_key_unique",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="units_visit_position_range",
            ),
        ]
        indexes = [
            # KPIs: visits dated in a period; the unit's latest visit.
            models.Index(fields=["visited_on"], name="units_visit_date_idx"),
            models.Index(fields=["unit", "-visited_on", "-id"], name="units_visit_unit_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.visited_on}"


def _photo_path(instance: VisitPhoto, filename: str) -> str:
    return f"units/visits/{instance.visit_id}/{filename}"


class VisitPhoto(models.Model):
    visit = models.ForeignKey(
        Visit, verbose_name=_("بازدید"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("عکس"), upload_to=_photo_path)
    caption = models.CharField(_("شرح"), max_length=200, blank=True)
    # sha256 of the stored (re-encoded, metadata-free) file: its integrity, and
    # how a resent photo is recognised (re-encoding the same upload gives the same bytes).
    sha256 = models.CharField(max_length=64, blank=True, editable=False)
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("زمان ثبت"), auto_now_add=True)

    class Meta:
        verbose_name = _("عکس بازدید")
        verbose_name_plural = _("عکس‌های بازدید")
        indexes = [models.Index(fields=["visit", "sha256"], name="units_visitphoto_hash_idx")]

    def __str__(self) -> str:
        return self.caption or self.image.name


def driver_shown(stored: dict) -> dict:
    """A stored risk driver (``risk.Driver.as_dict``) with its words in the active
    language; a row kept before its phrase was (Persian words only): as stored."""
    return {
        "code": stored.get("code", ""),
        "points": stored.get("points", 0),
        "text": shown(stored.get("phrase"), stored.get("text", "")),
    }


class RiskAssessment(models.Model):
    """The risk index of a unit as of a date (append-only): after each visit and
    each status change. ``drivers`` lists what raised the score, in words (each
    a ``core.phrases`` phrase and its Persian text: ``shown_drivers``)."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("واحد"), on_delete=models.CASCADE, related_name="risk_assessments"
    )
    visit = optional_link(Visit, _("بازدید"), "risk_assessments", on_delete=models.CASCADE)
    assessed_on = models.DateField(_("تاریخ ارزیابی"))
    score = models.PositiveSmallIntegerField(_("امتیاز"))
    level = models.CharField(_("سطح"), max_length=8, choices=RiskLevel.choices)
    drivers = models.JSONField(_("عوامل"), default=list, blank=True)
    status = models.CharField(
        _("وضعیت واحد در آن تاریخ"), max_length=10, choices=UnitStatus.choices
    )
    created_at = models.DateTimeField(_("زمان ثبت"), auto_now_add=True)

    class Meta:
        verbose_name = _("ارزیابی ریسک")
        verbose_name_plural = _("ارزیابی‌های ریسک")
        ordering = ["-assessed_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(score__lte=100), name="units_risk_score_0_100"),
        ]
        indexes = [
            models.Index(fields=["unit", "-assessed_on", "-id"], name="units_risk_unit_date_idx"),
            # A visit's own assessment (its first: units_high_risk) in one index probe.
            models.Index(fields=["visit", "id"], name="units_risk_visit_first_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.assessed_on}: {self.score}"

    @property
    def shown_drivers(self) -> list[dict]:
        return [driver_shown(d) for d in self.drivers or []]


class RiskSettings(models.Model):
    """Weights (points out of 100) and thresholds of the risk index; one row,
    edited by an admin. ``docs/risk-index.md`` explains each indicator."""

    w_capacity = models.PositiveSmallIntegerField(_("وزن ظرفیت به‌کارگرفته"), default=20)
    w_wages = models.PositiveSmallIntegerField(_("وزن حقوق معوق"), default=15)
    w_social_security = models.PositiveSmallIntegerField(_("وزن بدهی تأمین اجتماعی"), default=8)
    w_tax = models.PositiveSmallIntegerField(_("وزن بدهی مالیاتی"), default=7)
    w_bank = models.PositiveSmallIntegerField(_("وزن معوقات بانکی"), default=8)
    w_court = models.PositiveSmallIntegerField(_("وزن پرونده‌های قضایی"), default=7)
    w_utility = models.PositiveSmallIntegerField(_("وزن بدهی یا اخطار قطع انشعاب"), default=5)
    w_raw_material = models.PositiveSmallIntegerField(_("وزن کمبود مواد اولیه"), default=4)
    w_orders = models.PositiveSmallIntegerField(_("وزن کمبود سفارش"), default=5)
    w_sales = models.PositiveSmallIntegerField(_("وزن کاهش فروش"), default=4)
    w_owner = models.PositiveSmallIntegerField(_("وزن بیماری یا اختلاف مالکان"), default=3)
    w_workforce = models.PositiveSmallIntegerField(_("وزن کاهش کارکنان"), default=4)
    w_status = models.PositiveSmallIntegerField(_("وزن وضعیت (نیمه‌فعال/راکد)"), default=10)
    watch_threshold = models.PositiveSmallIntegerField(_("آستانهٔ زیر نظر"), default=35)
    high_threshold = models.PositiveSmallIntegerField(_("آستانهٔ پرخطر"), default=60)
    updated_at = models.DateTimeField(_("آخرین تغییر"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("تنظیمات شاخص ریسک")
        verbose_name_plural = _("تنظیمات شاخص ریسک")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    watch_threshold__gt=0,
                    watch_threshold__lt=models.F("high_threshold"),
                    high_threshold__lte=100,
                ),
                name="units_risksettings_thresholds_order",
            ),
        ]

    def __str__(self) -> str:
        return "تنظیمات شاخص ریسک"
