"""Volunteers (نیروهای جهادی), their skills and credentials, groups (گروه جهادی),
service camps (اردو), the roster of each camp with hours, and certificates.

A person is one ``Volunteer`` row keyed by national code, however many groups
they belong to (DESIGN.md §4: people are counted once).
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from simple_history.models import HistoricalRecords

from jahesh.core.models import (
    TimeStampedModel,
    latitude_field,
    longitude_field,
    move_fields,
    optional_link,
    user_link,
)
from jahesh.core.phrases import written
from jahesh.geo.models import InCounty, Settled

# The reasons of the status events the code writes (core.phrases.written).
REGISTERED = written(gettext_noop("ثبت‌نام"))
REGISTERED_FROM_FILE = written(gettext_noop("ثبت‌نام از پرونده"))


class CredentialKind(models.Model):
    """A kind of licence or permit a volunteer may hold (پروانهٔ پزشکی, …)."""

    code = models.SlugField(_("کد"), max_length=40, unique=True)
    name = models.CharField(_("نام"), max_length=120)

    class Meta:
        ordering = ["name"]
        verbose_name = _("نوع مجوز")
        verbose_name_plural = _("انواع مجوز")

    def __str__(self) -> str:
        return self.name


class Skill(TimeStampedModel):
    """A skill (پزشک، دندان‌پزشک، بنا، …) and the rate its hours are valued at."""

    name = models.CharField(_("نام مهارت"), max_length=120)
    name_key = models.CharField(max_length=120, unique=True, editable=False)
    hourly_rate_rial = models.BigIntegerField(
        _("ارزش هر ساعت (ریال)"),
        default=0,
        help_text=_("ارزش ریالی یک ساعت کار داوطلبانه با این مهارت."),
    )
    credential_kind = optional_link(
        CredentialKind,
        _("مجوز لازم"),
        "skills",
        help_text=_("مجوزی که به‌کارگیری این مهارت در اردو لازم دارد (مثلاً پروانهٔ پزشکی)."),
    )
    is_active = models.BooleanField(_("فعال"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("مهارت")
        verbose_name_plural = _("مهارت‌ها")
        constraints = [
            models.CheckConstraint(
                condition=Q(hourly_rate_rial__gte=0), name="volunteers_skill_rate_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Volunteer(InCounty, TimeStampedModel):
    class Gender(models.TextChoices):
        MALE = "male", _("مرد")
        FEMALE = "female", _("زن")

    class Status(models.TextChoices):
        ACTIVE = "active", _("فعال")
        INACTIVE = "inactive", _("غیرفعال")

    national_code = models.CharField(_("کد ملی"), max_length=10, unique=True)
    first_name = models.CharField(_("نام"), max_length=80)
    last_name = models.CharField(_("نام خانوادگی"), max_length=80)
    # Normalised "first last national_code mobile": what the list's search box matches.
    search_key = models.CharField(max_length=220, editable=False, db_index=True)
    mobile = models.CharField(_("تلفن همراه"), max_length=11, blank=True)
    gender = models.CharField(_("جنسیت"), max_length=6, choices=Gender.choices)
    birth_year = models.PositiveSmallIntegerField(_("سال تولد (شمسی)"), null=True, blank=True)
    status = models.CharField(
        _("وضعیت"), max_length=8, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    registered_on = models.DateField(_("تاریخ ثبت‌نام"))
    inactive_since = models.DateField(_("غیرفعال از"), null=True, blank=True)
    skills = models.ManyToManyField(
        Skill, through="VolunteerSkill", related_name="volunteers", verbose_name=_("مهارت‌ها")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name = _("نیروی جهادی")
        verbose_name_plural = _("نیروهای جهادی")
        indexes = [
            # kpi_volunteers: active at a date within an area.
            models.Index(fields=["county", "registered_on"], name="volunteers_vol_cty_reg_idx"),
            # The list's default order.
            models.Index(fields=["last_name", "first_name", "id"], name="volunteers_vol_name_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(national_code__regex=r"^[0-9]{10}$"),
                name="volunteers_volunteer_national_code_10_digits",
            ),
            # Active ⇔ no inactive_since: the KPI reads the dates, the list reads status.
            models.CheckConstraint(
                condition=(Q(status="active") & Q(inactive_since__isnull=True))
                | (Q(status="inactive") & Q(inactive_since__isnull=False)),
                name="volunteers_volunteer_inactive_since_matches_status",
            ),
            models.CheckConstraint(
                condition=Q(inactive_since__isnull=True)
                | Q(inactive_since__gte=F("registered_on")),
                name="volunteers_volunteer_inactive_after_registered",
            ),
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True)
                | Q(birth_year__gte=1290, birth_year__lte=1420),
                name="volunteers_volunteer_birth_year_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class VolunteerStatusEvent(models.Model):
    """Append-only: each activation / deactivation (who, when, from, to, why)."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="status_events")
    from_status, to_status = move_fields(Volunteer.Status.choices, 8, labels=(_("از"), _("به")))
    effective_on = models.DateField(_("از تاریخ"))
    at = models.DateTimeField(_("زمان ثبت"))
    by = user_link()
    reason = models.CharField(_("دلیل"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("رویداد وضعیت نیرو")
        verbose_name_plural = _("رویدادهای وضعیت نیرو")

    def __str__(self) -> str:
        return f"{self.from_status or '-'} → {self.to_status}"


class VolunteerSkill(models.Model):
    class Level(models.TextChoices):
        BASIC = "basic", _("مقدماتی")
        SKILLED = "skilled", _("ماهر")
        EXPERT = "expert", _("متخصص")

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="skill_links", verbose_name=_("نیرو")
    )
    skill = models.ForeignKey(
        Skill, on_delete=models.PROTECT, related_name="volunteer_links", verbose_name=_("مهارت")
    )
    level = models.CharField(_("سطح"), max_length=8, choices=Level.choices, default=Level.SKILLED)
    document = models.CharField(
        _("مدرک تأییدکننده"),
        max_length=200,
        blank=True,
        help_text=_("مثلاً مدرک تحصیلی یا گواهی فنی‌وحرفه‌ای."),
    )
    document_file = models.FileField(_("فایل مدرک"), upload_to="volunteers/skills/", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("مهارت نیرو")
        verbose_name_plural = _("مهارت‌های نیرو")
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "skill"], name="volunteers_skill_once"),
        ]

    def __str__(self) -> str:
        return f"{self.skill} ({self.get_level_display()})"


class Credential(models.Model):
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="credentials", verbose_name=_("نیرو")
    )
    kind = models.ForeignKey(
        CredentialKind, on_delete=models.PROTECT, related_name="credentials", verbose_name=_("نوع")
    )
    number = models.CharField(_("شماره"), max_length=60, blank=True)
    issued_on = models.DateField(_("تاریخ صدور"), null=True, blank=True)
    expires_on = models.DateField(_("تاریخ انقضا"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind__name", "-expires_on"]
        verbose_name = _("مجوز")
        verbose_name_plural = _("مجوزها")
        constraints = [
            models.CheckConstraint(
                condition=Q(issued_on__isnull=True) | Q(expires_on__gte=F("issued_on")),
                name="volunteers_credential_expires_after_issue",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.number}".strip()


class Group(InCounty, TimeStampedModel):
    """A volunteer group (گروه جهادی)."""

    class Specialty(models.TextChoices):
        MEDICAL = "medical", _("پزشکی و درمانی")
        CONSTRUCTION = "construction", _("عمرانی و سازندگی")
        EDUCATION = "education", _("آموزشی و فرهنگی")
        VETERINARY = "veterinary", _("دامپزشکی و کشاورزی")
        LIVELIHOOD = "livelihood", _("معیشتی و اشتغال")
        GENERAL = "general", _("چندمنظوره")

    name = models.CharField(_("نام گروه"), max_length=150)
    name_key = models.CharField(max_length=150, editable=False, db_index=True)
    specialty = models.CharField(
        _("تخصص"), max_length=16, choices=Specialty.choices, default=Specialty.GENERAL
    )
    leader = optional_link(Volunteer, _("سرگروه"), "led_groups")
    founded_on = models.DateField(_("تاریخ تشکیل"), null=True, blank=True)
    is_active = models.BooleanField(_("فعال"), default=True)
    members = models.ManyToManyField(
        Volunteer, through="Membership", related_name="volunteer_groups", verbose_name=_("اعضا")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("گروه جهادی")
        verbose_name_plural = _("گروه‌های جهادی")
        constraints = [
            models.UniqueConstraint(
                fields=["county", "name_key"], name="volunteers_group_name_unique_in_county"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("گروه")
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("نیرو")
    )
    joined_on = models.DateField(_("تاریخ عضویت"))
    left_on = models.DateField(_("تاریخ خروج"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("عضویت")
        verbose_name_plural = _("عضویت‌ها")
        constraints = [
            models.UniqueConstraint(fields=["group", "volunteer"], name="volunteers_member_once"),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="volunteers_membership_left_after_joined",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} — {self.group}"


class Camp(InCounty, Settled, TimeStampedModel):
    """A service camp (اردوی جهادی) held by one or more groups in a place."""

    class Purpose(models.TextChoices):
        MEDICAL = "medical", _("پزشکی و درمانی")
        DENTAL = "dental", _("دندان‌پزشکی")
        CONSTRUCTION = "construction", _("عمرانی و سازندگی")
        EDUCATION = "education", _("آموزشی و فرهنگی")
        VETERINARY = "veterinary", _("دامپزشکی")
        RELIEF = "relief", _("امدادی و معیشتی")
        GENERAL = "general", _("چندمنظوره")

    title = models.CharField(_("عنوان"), max_length=200)
    purpose = models.CharField(_("هدف"), max_length=16, choices=Purpose.choices)
    description = models.TextField(_("شرح"), blank=True)
    groups = models.ManyToManyField(
        Group, related_name="camps", verbose_name=_("گروه‌ها"), blank=True
    )
    # Where it is held, on the map; optional, set or confirmed on the form.
    latitude = latitude_field()
    longitude = longitude_field()
    start_date = models.DateField(_("تاریخ شروع"))
    end_date = models.DateField(_("تاریخ پایان"))
    required_credential_kinds = models.ManyToManyField(
        CredentialKind,
        related_name="camps",
        blank=True,
        verbose_name=_("مجوزهای لازم برای همه"),
        help_text=_("مجوزهایی که هر نیروی این اردو باید تا پایان اردو معتبر داشته باشد."),
    )
    created_by = user_link()

    history = HistoricalRecords(excluded_fields=["created_by"])

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("اردوی جهادی")
        verbose_name_plural = _("اردوهای جهادی")
        indexes = [
            models.Index(fields=["county", "start_date"], name="volunteers_camp_cty_start_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="volunteers_camp_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(village__isnull=False) | Q(city__isnull=False),
                name="volunteers_camp_has_place",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class RosterEntry(models.Model):
    """One volunteer at one camp: the skill they served with and their hours.

    Hours logged by a coordinator are approved at once; hours the volunteer
    logs wait for approval. The rate is copied from the skill when the hours are
    logged, so a later change of rates does not rewrite past valuations.
    """

    class Source(models.TextChoices):
        COORDINATOR = "coordinator", _("هماهنگ‌کننده")
        VOLUNTEER = "volunteer", _("خود نیرو")

    class Status(models.TextChoices):
        LOGGED = "logged", _("در انتظار تأیید")
        APPROVED = "approved", _("تأییدشده")
        REJECTED = "rejected", _("ردشده")

    camp = models.ForeignKey(
        Camp, on_delete=models.CASCADE, related_name="roster", verbose_name=_("اردو")
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="roster_entries", verbose_name=_("نیرو")
    )
    skill = optional_link(Skill, _("مهارت به‌کاررفته"), "roster_entries")
    hours = models.DecimalField(_("ساعت"), max_digits=6, decimal_places=1, default=0)
    hourly_rate_rial = models.BigIntegerField(_("ارزش هر ساعت (ریال)"), default=0)
    status = models.CharField(
        _("وضعیت"), max_length=8, choices=Status.choices, default=Status.LOGGED, db_index=True
    )
    source = models.CharField(
        _("ثبت‌شده توسط"), max_length=12, choices=Source.choices, default=Source.COORDINATOR
    )
    logged_by = user_link(_("ثبت‌کننده"))
    logged_at = models.DateTimeField(_("زمان ثبت"), null=True, blank=True)
    approved_by = user_link(_("تأییدکننده"))
    approved_at = models.DateTimeField(_("زمان تأیید"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["logged_by", "approved_by"])

    class Meta:
        ordering = ["id"]
        verbose_name = _("حضور در اردو")
        verbose_name_plural = _("فهرست حضور اردو")
        indexes = [
            models.Index(fields=["status", "camp"], name="volunteers_roster_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["camp", "volunteer"], name="volunteers_roster_once"),
            models.CheckConstraint(
                condition=Q(hours__gte=0, hours__lte=2000), name="volunteers_roster_hours_range"
            ),
            models.CheckConstraint(
                condition=Q(hourly_rate_rial__gte=0), name="volunteers_roster_rate_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approved_at__isnull=False),
                name="volunteers_roster_approved_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} @ {self.camp}"


class RosterEvent(models.Model):
    """Append-only: each move of a roster entry's hours (who, when, from, to, why)."""

    entry = models.ForeignKey(RosterEntry, on_delete=models.CASCADE, related_name="events")
    from_status, to_status = move_fields(RosterEntry.Status.choices, 8, labels=(None, None))
    hours = models.DecimalField(max_digits=6, decimal_places=1)
    at = models.DateTimeField()
    by = user_link()
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("رویداد ساعت")
        verbose_name_plural = _("رویدادهای ساعت")

    def __str__(self) -> str:
        return f"{self.from_status or '-'} → {self.to_status}"


class Certificate(models.Model):
    """A service certificate (گواهی خدمت) for one volunteer at one camp.

    The verification code is long and random (not guessable, not enumerable): the
    public verification page shows only what the certificate itself shows.
    """

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("نیرو")
    )
    camp = models.ForeignKey(
        Camp, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("اردو")
    )
    code = models.CharField(_("کد رهگیری"), max_length=40, unique=True)
    hours = models.DecimalField(_("ساعت"), max_digits=6, decimal_places=1)
    issued_at = models.DateTimeField(_("زمان صدور"))
    issued_by = user_link()
    revoked_at = models.DateTimeField(_("زمان ابطال"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("گواهی خدمت")
        verbose_name_plural = _("گواهی‌های خدمت")
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "camp"], name="volunteers_certificate_once"
            ),
        ]

    def __str__(self) -> str:
        return self.code
