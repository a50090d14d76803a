"""Deprivation-removal projects (پروژه‌های محرومیت‌زدایی) and direct services
(خدمات مستقیم).

A project's recorded value is the sum of its funding rows (cash and in-kind,
volunteer labour valued); it is never stored twice. Its status moves only
through ``jahesh.projects.services`` (the transition table lives there), and
each move appends a ``ProjectEvent``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jahesh.core.models import (
    TimeStampedModel,
    latitude_field,
    longitude_field,
    move_fields,
    optional_link,
    user_link,
)
from jahesh.geo.models import Placed, Settled


class ProjectPlace(Placed, Settled):
    """Where a project or a direct service is (``geo.Placed``, ``geo.Settled``).
    The province has no index of its own: province-wide lists page on the
    models' (province, …) indexes (see bench/projects_list.py)."""

    province = models.ForeignKey(
        "geo.Province",
        verbose_name=_("استان"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,
    )

    class Meta:
        abstract = True


class Project(ProjectPlace, TimeStampedModel):
    class Kind(models.TextChoices):
        SCHOOL = "school", _("مدرسه")
        HEALTH_HOUSE = "health_house", _("خانهٔ بهداشت")
        WATER = "water", _("آب‌رسانی")
        HOUSING = "housing", _("مسکن")
        ROAD = "road", _("راه")
        MOSQUE = "mosque", _("مسجد")
        SPORTS = "sports", _("زمین ورزشی")
        ELECTRICITY = "electricity", _("برق‌رسانی")
        OTHER = "other", _("سایر")

    class Status(models.TextChoices):
        PLANNED = "planned", _("برنامه‌ریزی‌شده")
        IN_PROGRESS = "in_progress", _("در حال اجرا")
        COMPLETED = "completed", _("تکمیل‌شده")
        SUSPENDED = "suspended", _("متوقف")
        CANCELLED = "cancelled", _("لغوشده")

    title = models.CharField(_("عنوان"), max_length=250)
    title_key = models.CharField(max_length=250, db_index=True, editable=False)
    kind = models.CharField(_("نوع"), max_length=20, choices=Kind.choices)
    # Copied from the village/city when the place is set, so the list can filter
    # and index on it; the geo flag may be revised later, the project keeps the
    # flag it was approved under.
    in_deprived_area = models.BooleanField(_("در منطقهٔ محروم"), default=False)
    # Where it is on the map (geo has no coordinates to take from the village):
    # set or confirmed on the form, optional.
    latitude = latitude_field()
    longitude = longitude_field()
    implementer_group = optional_link("volunteers.Group", _("گروه جهادی مجری"), "projects")
    contractor_name = models.CharField(_("پیمانکار"), max_length=200, blank=True)
    budget_original_rial = models.BigIntegerField(_("بودجهٔ مصوب اولیه (ریال)"), default=0)
    budget_revised_rial = models.BigIntegerField(_("بودجهٔ اصلاحی (ریال)"), null=True, blank=True)
    planned_start = models.DateField(_("شروع برنامه‌ای"), null=True, blank=True)
    planned_end = models.DateField(_("پایان برنامه‌ای"), null=True, blank=True)
    actual_start = models.DateField(_("شروع واقعی"), null=True, blank=True)
    actual_end = models.DateField(_("پایان واقعی"), null=True, blank=True)
    status = models.CharField(
        _("وضعیت"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    # The latest progress report's figure and date (progress reports are the record).
    progress_pct = models.PositiveSmallIntegerField(_("پیشرفت فیزیکی (٪)"), default=0)
    progress_on = models.DateField(_("تاریخ آخرین گزارش پیشرفت"), null=True, blank=True)
    households = models.PositiveIntegerField(_("خانوار بهره‌مند"), default=0)
    people = models.PositiveIntegerField(_("نفر بهره‌مند"), default=0)
    description = models.TextField(_("شرح"), blank=True)
    created_by = user_link(_("ثبت‌کننده"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("پروژهٔ محرومیت‌زدایی")
        verbose_name_plural = _("پروژه‌های محرومیت‌زدایی")
        ordering = ["-id"]
        indexes = [
            # The list page filters by county/kind/status and pages by -id; the
            # KPI reads completed projects by their end date.
            models.Index(fields=["province", "-id"], name="projects_project_province_idx"),
            models.Index(fields=["county", "-id"], name="projects_project_county_idx"),
            models.Index(fields=["status", "actual_end"], name="projects_project_done_idx"),
            models.Index(fields=["kind", "-id"], name="projects_project_kind_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress_pct__gte=0) & Q(progress_pct__lte=100),
                name="projects_project_progress_0_100",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed")
                | (Q(actual_end__isnull=False) & Q(progress_pct=100)),
                name="projects_project_completed_has_end_and_100",
            ),
            models.CheckConstraint(
                condition=Q(village__isnull=True) | Q(city__isnull=True),
                name="projects_project_village_or_city",
            ),
            models.CheckConstraint(
                condition=Q(implementer_group__isnull=True) | Q(contractor_name=""),
                name="projects_project_one_implementer",
            ),
            models.CheckConstraint(
                condition=Q(budget_original_rial__gte=0)
                & (Q(budget_revised_rial__isnull=True) | Q(budget_revised_rial__gte=0)),
                name="projects_project_budget_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(planned_start__isnull=True)
                | Q(planned_end__isnull=True)
                | Q(planned_start__lte=F("planned_end")),
                name="projects_project_planned_dates_order",
            ),
            models.CheckConstraint(
                condition=Q(actual_start__isnull=True)
                | Q(actual_end__isnull=True)
                | Q(actual_start__lte=F("actual_end")),
                name="projects_project_actual_dates_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def budget_rial(self) -> int:
        """The budget in force: the revised one when there is one."""
        if self.budget_revised_rial is not None:
            return self.budget_revised_rial
        return self.budget_original_rial

    @property
    def implementer_label(self) -> str:
        if self.implementer_group_id:
            return str(self.implementer_group)
        return self.contractor_name


class ProjectEvent(models.Model):
    """One status move of a project (append-only)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")
    from_status, to_status = move_fields(Project.Status.choices, 20)
    at = models.DateTimeField(_("زمان"))
    by = user_link(_("کاربر"))
    reason = models.CharField(_("توضیح"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("رویداد پروژه")
        verbose_name_plural = _("رویدادهای پروژه")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.from_status} → {self.to_status}"


class ProjectFunding(TimeStampedModel):
    """One source of a project's money or in-kind value, in rials."""

    class Role(models.TextChoices):
        GOVERNMENT = "government", _("دولتی")
        CHARITY = "charity", _("خیّرین")
        IN_KIND = "in_kind", _("غیرنقدی (کالا و مصالح)")
        VOLUNTEER_LABOUR = "volunteer_labour", _("کار داوطلبانه (ارزش‌گذاری‌شده)")

    CASH_ROLES = (Role.GOVERNMENT, Role.CHARITY)

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="funding")
    role = models.CharField(_("نقش منبع"), max_length=20, choices=Role.choices)
    source_name = models.CharField(_("تأمین‌کننده"), max_length=200, blank=True)
    amount_rial = models.BigIntegerField(_("مبلغ (ریال)"))
    # Volunteer labour: the hours and the skill they were valued at; the amount
    # is fixed when valued (a later rate change does not rewrite past value).
    labour_hours = models.DecimalField(
        _("ساعت کار"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    labour_skill = optional_link("volunteers.Skill", _("مهارت"))
    received_on = models.DateField(_("تاریخ"), null=True, blank=True)
    note = models.CharField(_("توضیح"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("منبع تأمین پروژه")
        verbose_name_plural = _("منابع تأمین پروژه")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_rial__gt=0), name="projects_funding_amount_positive"
            ),
            models.CheckConstraint(
                condition=~Q(role="volunteer_labour") | Q(labour_hours__gt=0),
                name="projects_funding_labour_has_hours",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.amount_rial}"

    @property
    def is_cash(self) -> bool:
        return self.role in self.CASH_ROLES


class ProgressReport(TimeStampedModel):
    """A dated physical-progress report; the project keeps the latest figure."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="progress_reports")
    reported_on = models.DateField(_("تاریخ گزارش"))
    progress_pct = models.PositiveSmallIntegerField(_("پیشرفت فیزیکی (٪)"))
    note = models.TextField(_("شرح"), blank=True)
    reported_by = user_link(_("گزارش‌دهنده"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("گزارش پیشرفت")
        verbose_name_plural = _("گزارش‌های پیشرفت")
        ordering = ["reported_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress_pct__gte=0) & Q(progress_pct__lte=100),
                name="projects_progress_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} @ {self.reported_on}: {self.progress_pct}%"


class ProjectPhoto(TimeStampedModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="photos")
    report = models.ForeignKey(
        ProgressReport, on_delete=models.SET_NULL, null=True, blank=True, related_name="photos"
    )
    image = models.ImageField(_("عکس"), upload_to="projects/%Y/%m/")
    caption = models.CharField(_("شرح عکس"), max_length=200, blank=True)
    taken_on = models.DateField(_("تاریخ عکس"), null=True, blank=True)

    class Meta:
        verbose_name = _("عکس پروژه")
        verbose_name_plural = _("عکس‌های پروژه")
        ordering = ["taken_on", "id"]

    def __str__(self) -> str:
        return self.caption or self.image.name


class ProjectResult(TimeStampedModel):
    """An output with its target and actual (IATI results): classrooms, litres a day…"""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="results")
    indicator = models.CharField(_("شاخص"), max_length=200)
    unit = models.CharField(_("واحد"), max_length=50, blank=True)
    target = models.DecimalField(_("هدف"), max_digits=16, decimal_places=2)
    actual = models.DecimalField(
        _("محقق‌شده"), max_digits=16, decimal_places=2, null=True, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("نتیجهٔ پروژه")
        verbose_name_plural = _("نتایج پروژه")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target__gte=0) & (Q(actual__isnull=True) | Q(actual__gte=0)),
                name="projects_result_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.indicator

    @property
    def achieved_pct(self) -> int | None:
        if self.actual is None or not self.target:
            return None
        return int(self.actual * 100 / self.target)


class FacilityCheck(TimeStampedModel):
    """A visit after handover: is the school, health house, water system in use?"""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="facility_checks")
    checked_on = models.DateField(_("تاریخ بازدید"))
    in_use = models.BooleanField(_("در حال بهره‌برداری"))
    note = models.TextField(_("شرح"), blank=True)
    checked_by = user_link(_("بازدیدکننده"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("بازدید بهره‌برداری")
        verbose_name_plural = _("بازدیدهای بهره‌برداری")
        ordering = ["checked_on", "id"]

    def __str__(self) -> str:
        return f"{self.project_id} @ {self.checked_on}: {self.in_use}"


class DirectService(ProjectPlace, TimeStampedModel):
    """Services delivered directly to people (a camp's medical visits, food packages…).

    value = quantity × unit value, enforced by the database.
    """

    class Kind(models.TextChoices):
        MEDICAL = "medical", _("ویزیت پزشکی")
        DENTAL = "dental", _("دندان‌پزشکی")
        VETERINARY = "veterinary", _("دامپزشکی")
        FOOD = "food", _("بستهٔ غذایی")
        HOUSEHOLD = "household", _("لوازم خانگی")
        LIVELIHOOD = "livelihood", _("بستهٔ معیشتی و اشتغال")
        EDUCATION = "education", _("آموزش")
        COUNSELLING = "counselling", _("مشاوره")
        OTHER = "other", _("سایر")

    kind = models.CharField(_("نوع خدمت"), max_length=20, choices=Kind.choices)
    delivered_on = models.DateField(_("تاریخ ارائه"))
    camp = optional_link("volunteers.Camp", _("اردو"), "services")
    group = optional_link("volunteers.Group", _("گروه جهادی"), "services")
    quantity = models.PositiveIntegerField(_("تعداد"))
    unit_value_rial = models.BigIntegerField(_("ارزش واحد (ریال)"))
    value_rial = models.BigIntegerField(_("ارزش کل (ریال)"))
    male_children = models.PositiveIntegerField(_("پسر (زیر ۱۸)"), default=0)
    male_adults = models.PositiveIntegerField(_("مرد (۱۸ تا ۵۹)"), default=0)
    male_elderly = models.PositiveIntegerField(_("مرد (۶۰ به بالا)"), default=0)
    female_children = models.PositiveIntegerField(_("دختر (زیر ۱۸)"), default=0)
    female_adults = models.PositiveIntegerField(_("زن (۱۸ تا ۵۹)"), default=0)
    female_elderly = models.PositiveIntegerField(_("زن (۶۰ به بالا)"), default=0)
    note = models.CharField(_("توضیح"), max_length=300, blank=True)
    created_by = user_link(_("ثبت‌کننده"))

    history = HistoricalRecords()

    BENEFICIARY_FIELDS = (
        "male_children",
        "male_adults",
        "male_elderly",
        "female_children",
        "female_adults",
        "female_elderly",
    )

    class Meta:
        verbose_name = _("خدمت مستقیم")
        verbose_name_plural = _("خدمات مستقیم")
        ordering = ["-delivered_on", "-id"]
        indexes = [
            models.Index(
                fields=["province", "-delivered_on"], name="projects_service_province_idx"
            ),
            models.Index(fields=["county", "delivered_on"], name="projects_service_county_idx"),
            models.Index(fields=["delivered_on"], name="projects_service_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit_value_rial__gte=0), name="projects_service_unit_value_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(value_rial=F("quantity") * F("unit_value_rial")),
                name="projects_service_value_is_quantity_times_unit",
            ),
            models.CheckConstraint(
                condition=Q(village__isnull=True) | Q(city__isnull=True),
                name="projects_service_village_or_city",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.delivered_on})"

    @property
    def beneficiaries_total(self) -> int:
        return sum(getattr(self, f) for f in self.BENEFICIARY_FIELDS)


class ServiceBeneficiary(models.Model):
    """A person served, by national code, where it was recorded. A person is
    counted once per service (unique) and once across services in figures
    (selectors count distinct codes)."""

    class Sex(models.TextChoices):
        MALE = "m", _("مرد")
        FEMALE = "f", _("زن")

    service = models.ForeignKey(DirectService, on_delete=models.CASCADE, related_name="people")
    national_code = models.CharField(_("کد ملی"), max_length=10, db_index=True)
    sex = models.CharField(_("جنسیت"), max_length=1, choices=Sex.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("سال تولد (شمسی)"), null=True, blank=True)

    class Meta:
        verbose_name = _("بهره‌مند خدمت")
        verbose_name_plural = _("بهره‌مندان خدمت")
        constraints = [
            models.UniqueConstraint(
                fields=["service", "national_code"], name="projects_beneficiary_once_per_service"
            ),
        ]

    def __str__(self) -> str:
        return self.national_code
