"""The industry clinic (کلینیک صنعت): the obstacle taxonomy and agencies (editable
data with a version), experts, obstacle cases with their workflow events,
working groups, sessions, resolutions and their follow-ups.

Rules that hold whatever code writes the rows are database constraints; the
workflow (``jahesh.clinic.workflow``) and the rules that need the clock or
other rows live in ``jahesh.clinic.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jahesh.core.digits import to_persian_digits
from jahesh.core.models import TimeStampedModel, move_fields, optional_link, user_link
from jahesh.core.phrases import written
from jahesh.geo.models import InProvince, Placed
from jahesh.units.models import RiskLevel, UnitStatus

# A case's follow-up check recorded (its history row's reason; core.phrases.written;
# rows written before say «پیگیری», which shows as stored).
FOLLOWED_UP = written(gettext_noop("پیگیری ادامهٔ فعالیت واحد"))


class ClinicSettings(models.Model):
    """One row, edited by an admin: time limits by severity, the objection
    window of resolutions, the follow-up delay and the taxonomy version."""

    sla_days_0 = models.PositiveSmallIntegerField(_("مهلت رسیدگی، شدت ۰ (روز)"), default=21)
    sla_days_1 = models.PositiveSmallIntegerField(_("مهلت رسیدگی، شدت ۱ (روز)"), default=21)
    sla_days_2 = models.PositiveSmallIntegerField(_("مهلت رسیدگی، شدت ۲ (روز)"), default=21)
    sla_days_3 = models.PositiveSmallIntegerField(_("مهلت رسیدگی، شدت ۳ (روز)"), default=21)
    sla_days_4 = models.PositiveSmallIntegerField(_("مهلت رسیدگی، شدت ۴ (روز)"), default=21)
    objection_days = models.PositiveSmallIntegerField(_("مهلت اعتراض به مصوبه (روز)"), default=15)
    followup_months = models.PositiveSmallIntegerField(
        _("پیگیری پس از جلوگیری از تعطیلی (ماه)"), default=6
    )
    taxonomy_version = models.CharField(_("نسخهٔ طبقه‌بندی موانع"), max_length=40, default="1")
    updated_at = models.DateTimeField(_("آخرین تغییر"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("تنظیمات کلینیک")
        verbose_name_plural = _("تنظیمات کلینیک")
        constraints = [
            models.CheckConstraint(
                condition=Q(sla_days_0__gt=0, sla_days_1__gt=0, sla_days_2__gt=0)
                & Q(sla_days_3__gt=0, sla_days_4__gt=0),
                name="clinic_settings_sla_positive",
            ),
        ]

    def __str__(self) -> str:
        return "تنظیمات کلینیک"

    def sla_days(self, severity: int) -> int:
        return getattr(self, f"sla_days_{max(0, min(4, severity))}")


class ObstacleCategory(models.Model):
    """A category of production obstacles (reference/obstacles.md); parents are
    the World Bank Enterprise Survey's M1A obstacles."""

    code = models.CharField(_("کد"), max_length=60, unique=True)
    name = models.CharField(_("عنوان"), max_length=120)
    wbes_parent = models.CharField(_("گروه بین‌المللی (WBES M1A)"), max_length=80, blank=True)
    is_active = models.BooleanField(_("فعال"), default=True)
    position = models.PositiveSmallIntegerField(_("ترتیب"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("دستهٔ مانع")
        verbose_name_plural = _("دسته‌های مانع")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def root_code(self) -> str:
        return self.code.split(".", 1)[0]


class Agency(models.Model):
    """An agency a case may depend on (دستگاه مسئول); editable."""

    code = models.CharField(_("کد"), max_length=40, unique=True)
    name = models.CharField(_("نام دستگاه"), max_length=120)
    is_active = models.BooleanField(_("فعال"), default=True)
    position = models.PositiveSmallIntegerField(_("ترتیب"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("دستگاه")
        verbose_name_plural = _("دستگاه‌ها")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class Expert(InProvince, TimeStampedModel):
    """A university professor, industry activist or official who works cases."""

    class Kind(models.TextChoices):
        UNIVERSITY = "university", _("استاد دانشگاه")
        INDUSTRY = "industry", _("فعال صنعتی")
        GOVERNMENT = "government", _("کارشناس دولتی")
        OTHER = "other", _("سایر")

    name = models.CharField(_("نام و نام خانوادگی"), max_length=120)
    name_key = models.CharField(max_length=120, editable=False, db_index=True)
    kind = models.CharField(_("نوع"), max_length=12, choices=Kind.choices)
    affiliation = models.CharField(_("محل کار"), max_length=160, blank=True)
    mobile = models.CharField(_("تلفن همراه"), max_length=11, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("کاربر سامانه"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="clinic_experts",
        limit_choices_to={"role": "clinic_expert"},
    )
    categories = models.ManyToManyField(
        ObstacleCategory, verbose_name=_("تخصص در دسته‌های مانع"), blank=True, related_name="experts"
    )
    isic_sections = models.CharField(
        _("تخصص در قسمت‌های آیسیک"),
        max_length=21,
        blank=True,
        help_text=_("حروف قسمت‌های ISIC، مثلاً CF"),
    )
    capacity = models.PositiveSmallIntegerField(_("ظرفیت پرونده‌های باز"), default=8)
    is_active = models.BooleanField(_("فعال"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("کارشناس کلینیک")
        verbose_name_plural = _("کارشناسان کلینیک")
        ordering = ["name_key", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gt=0), name="clinic_expert_capacity_gt_0"),
            models.CheckConstraint(
                condition=Q(mobile="") | Q(mobile__regex=r"^09[0-9]{9}$"),
                name="clinic_expert_mobile_format",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ExpertConflict(models.Model):
    """A declared conflict of interest: the expert may not work this unit's cases."""

    expert = models.ForeignKey(
        Expert, verbose_name=_("کارشناس"), on_delete=models.CASCADE, related_name="conflicts"
    )
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("واحد"), on_delete=models.CASCADE, related_name="+"
    )
    note = models.CharField(_("توضیح"), max_length=200, blank=True)
    declared_on = models.DateField(_("تاریخ اعلام"))

    class Meta:
        verbose_name = _("تعارض منافع")
        verbose_name_plural = _("تعارض‌های منافع")
        constraints = [
            models.UniqueConstraint(fields=["expert", "unit"], name="clinic_conflict_unique")
        ]

    def __str__(self) -> str:
        return f"{self.expert} ↔ {self.unit_id}"


class WorkingGroup(InProvince, TimeStampedModel):
    """A special working group (کارگروه ویژه) of a province."""

    name = models.CharField(_("نام کارگروه"), max_length=160)
    topic = models.TextField(_("موضوع"), blank=True)
    members = models.ManyToManyField(
        Expert, verbose_name=_("اعضا"), blank=True, related_name="working_groups"
    )
    is_active = models.BooleanField(_("فعال"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("کارگروه ویژه")
        verbose_name_plural = _("کارگروه‌های ویژه")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class CaseStatus(models.TextChoices):
    NEW = "new", _("جدید")
    TRIAGED = "triaged", _("بررسی اولیه‌شده")
    ASSIGNED = "assigned", _("ارجاع‌شده به کارشناس")
    IN_PROGRESS = "in_progress", _("در حال رسیدگی")
    WAITING = "waiting", _("در انتظار دستگاه")
    ESCALATED = "escalated", _("ارجاع به کارگروه یا استان")
    RESOLVED = "resolved", _("رفع‌شده")
    NOT_RESOLVABLE = "not_resolvable", _("غیرقابل رفع")
    WITHDRAWN = "withdrawn", _("منصرف‌شده")


OPEN_STATUSES = (
    CaseStatus.NEW,
    CaseStatus.TRIAGED,
    CaseStatus.ASSIGNED,
    CaseStatus.IN_PROGRESS,
    CaseStatus.WAITING,
    CaseStatus.ESCALATED,
)
CLOSED_STATUSES = (CaseStatus.RESOLVED, CaseStatus.NOT_RESOLVABLE, CaseStatus.WITHDRAWN)


class Case(Placed, TimeStampedModel):
    """An obstacle case (پرونده مانع) of one production unit.

    Its county (and so province, ``geo.Placed``) is the unit's when the case
    opened, kept on the row so scoped lists and the board filter on an index of
    this table instead of joining the units table (SQLite then scanned units
    and sorted all cases)."""

    class Source(models.TextChoices):
        VISIT = "visit", _("بازدید پایش")
        PORTAL = "portal", _("درگاه مردمی")
        LETTER = "letter", _("نامه")
        REFERRAL = "referral", _("ارجاع")

    class Escalation(models.TextChoices):
        NONE = "", "—"
        WORKING_GROUP = "working_group", _("کارگروه ویژه")
        PROVINCE = "province", _("استان")

    class Outcome(models.TextChoices):
        NONE = "", "—"
        CLOSURE_PREVENTED = "closure_prevented", _("جلوگیری از تعطیلی")
        REVIVED = "revived", _("احیای واحد")
        JOBS_PRESERVED = "jobs_preserved", _("حفظ اشتغال")
        FINANCING = "financing", _("تسهیل تأمین مالی")
        OTHER = "other", _("سایر")

    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("واحد"),
        on_delete=models.PROTECT,
        related_name="obstacle_cases",
    )
    parent = optional_link("self", _("پروندهٔ مادر"), "children")
    category = models.ForeignKey(
        ObstacleCategory,
        verbose_name=_("دستهٔ مانع"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    taxonomy_version = models.CharField(_("نسخهٔ طبقه‌بندی"), max_length=40)
    severity = models.PositiveSmallIntegerField(_("شدت (۰ تا ۴)"))
    title = models.CharField(_("عنوان"), max_length=200)
    description = models.TextField(_("شرح مانع"), blank=True)
    source = models.CharField(_("منبع"), max_length=10, choices=Source.choices)
    agency = optional_link(Agency, _("دستگاه مسئول"), "cases")
    expert = optional_link(Expert, _("کارشناس مسئول"), "cases")
    status = models.CharField(
        _("وضعیت"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.NEW
    )
    opened_at = models.DateTimeField(_("زمان گشایش"))
    opened_on = models.DateField(_("تاریخ گشایش"))
    # The deadline, from the SLA arithmetic (jahesh.clinic.sla); None while the
    # clock is paused (waiting on an agency) or once the case is closed. Stored
    # so the overdue lists are an index range, not a replay of every timeline.
    due_at = models.DateTimeField(_("مهلت رسیدگی"), null=True, blank=True)
    closed_at = models.DateTimeField(_("زمان بستن"), null=True, blank=True)
    resolved_on = models.DateField(_("تاریخ رفع"), null=True, blank=True)
    # The unit as it was when the case opened, so the closure-prevented rule
    # does not depend on later edits of the unit.
    unit_status_at_open = models.CharField(
        _("وضعیت واحد هنگام گشایش"), max_length=10, blank=True, choices=UnitStatus.choices
    )
    unit_risk_at_open = models.CharField(
        _("سطح ریسک واحد هنگام گشایش"), max_length=8, blank=True, choices=RiskLevel.choices
    )
    escalated_to = models.CharField(
        _("ارجاع به"), max_length=16, choices=Escalation.choices, blank=True, default=""
    )
    working_group = optional_link(WorkingGroup, _("کارگروه"), "cases")
    outcome = models.CharField(
        _("نتیجه"), max_length=20, choices=Outcome.choices, blank=True, default=""
    )
    outcome_note = models.TextField(_("مستندات نتیجه"), blank=True)
    jobs_preserved = models.PositiveIntegerField(
        _("اشتغال حفظ‌شده (کارکنان هنگام رفع)"), null=True, blank=True
    )
    financing_rial = models.BigIntegerField(_("تأمین مالی تسهیل‌شده (ریال)"), null=True, blank=True)
    followup_due_on = models.DateField(_("موعد پیگیری"), null=True, blank=True)
    followup_on = models.DateField(_("تاریخ پیگیری"), null=True, blank=True)
    followup_confirmed = models.BooleanField(_("ادامهٔ فعالیت تأیید شد"), null=True, blank=True)
    followup_note = models.TextField(_("یادداشت پیگیری"), blank=True)
    created_by = user_link(_("ثبت‌کننده"))
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("پروندهٔ مانع")
        verbose_name_plural = _("پرونده‌های مانع")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(severity__lte=4), name="clinic_case_severity_0_4"),
            models.CheckConstraint(
                condition=Q(financing_rial__isnull=True) | Q(financing_rial__gte=0),
                name="clinic_case_financing_gte_0",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="closure_prevented") | ~Q(outcome_note=""),
                name="clinic_case_closure_prevented_evidence",
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(status="resolved"),
                name="clinic_case_outcome_only_resolved",
            ),
            models.CheckConstraint(
                condition=~Q(status="resolved") | Q(resolved_on__isnull=False),
                name="clinic_case_resolved_has_date",
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(parent=models.F("id")),
                name="clinic_case_not_own_parent",
            ),
        ]
        indexes = [
            # The board: the newest cards of each status column.
            models.Index(fields=["status", "-id"], name="clinic_case_status_id_idx"),
            # Scoped lists, newest first: a range read per province or county.
            models.Index(fields=["province", "-id"], name="clinic_case_province_id_idx"),
            models.Index(fields=["county", "-id"], name="clinic_case_county_id_idx"),
            models.Index(fields=["province", "status", "-id"], name="clinic_case_prov_status_idx"),
            # An expert's workload and list.
            models.Index(fields=["expert", "status"], name="clinic_case_expert_status_idx"),
            # Overdue lists: open cases whose deadline has passed.
            models.Index(fields=["due_at"], name="clinic_case_due_idx"),
            # The dashboard's overdue cases: open ones by due time, and their count.
            models.Index(fields=["status", "due_at"], name="clinic_case_status_due_idx"),
            # KPIs: cases opened / resolved in a period; closures prevented.
            models.Index(fields=["opened_on"], name="clinic_case_opened_idx"),
            models.Index(fields=["resolved_on", "outcome"], name="clinic_case_resolved_idx"),
            models.Index(fields=["unit", "status"], name="clinic_case_unit_status_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class CaseEvent(models.Model):
    """One move of a case (append-only): who, when, from, to, why."""

    case = models.ForeignKey(
        Case, verbose_name=_("پرونده"), on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("زمان"))
    by = user_link(_("انجام‌دهنده"))
    from_status, to_status = move_fields(CaseStatus.choices, 16)
    reason = models.TextField(_("توضیح"), blank=True)

    class Meta:
        verbose_name = _("رویداد پرونده")
        verbose_name_plural = _("رویدادهای پرونده")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at", "id"], name="clinic_event_case_at_idx")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_status} → {self.to_status}"


class Session(TimeStampedModel):
    """A session of a working group: who attended, the cases on its agenda, minutes."""

    group = models.ForeignKey(
        WorkingGroup, verbose_name=_("کارگروه"), on_delete=models.PROTECT, related_name="sessions"
    )
    number = models.PositiveIntegerField(_("شمارهٔ جلسه"))
    held_on = models.DateField(_("تاریخ جلسه"))
    place = models.CharField(_("محل جلسه"), max_length=160, blank=True)
    attendees = models.ManyToManyField(
        Expert, verbose_name=_("حاضران (کارشناسان)"), blank=True, related_name="sessions"
    )
    other_attendees = models.TextField(
        _("سایر حاضران"), blank=True, help_text=_("هر نفر در یک سطر")
    )
    agenda = models.ManyToManyField(
        Case, verbose_name=_("پرونده‌های دستور جلسه"), blank=True, related_name="sessions"
    )
    minutes = models.TextField(_("صورت‌جلسه"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("جلسهٔ کارگروه")
        verbose_name_plural = _("جلسات کارگروه")
        ordering = ["-held_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["group", "number"], name="clinic_session_number_unique")
        ]

    def __str__(self) -> str:
        return gettext("%(group)s — جلسهٔ %(number)s") % {
            "group": self.group,
            "number": to_persian_digits(self.number),
        }


class ResolutionStatus(models.TextChoices):
    OPEN = "open", _("در دست اجرا")
    DONE = "done", _("اجراشده")
    OBJECTED = "objected", _("مورد اعتراض")
    NOT_EXECUTED = "not_executed", _("اجرانشده")


class Resolution(TimeStampedModel):
    """A resolution (مصوبه) passed in a session, to be carried out by an agency."""

    session = models.ForeignKey(
        Session, verbose_name=_("جلسه"), on_delete=models.PROTECT, related_name="resolutions"
    )
    number = models.PositiveSmallIntegerField(_("ردیف"))
    text = models.TextField(_("متن مصوبه"))
    case = optional_link(Case, _("پرونده"), "resolutions", on_delete=models.SET_NULL)
    agency = models.ForeignKey(
        Agency, verbose_name=_("دستگاه مسئول"), on_delete=models.PROTECT, related_name="resolutions"
    )
    responsible_person = models.CharField(_("مسئول پیگیری"), max_length=120, blank=True)
    passed_on = models.DateField(_("تاریخ تصویب"))
    due_on = models.DateField(_("مهلت اجرا"))
    objection_until = models.DateField(_("پایان مهلت اعتراض"))
    status = models.CharField(
        _("وضعیت"), max_length=14, choices=ResolutionStatus.choices, default=ResolutionStatus.OPEN
    )
    done_on = models.DateField(_("تاریخ اجرا"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("مصوبه")
        verbose_name_plural = _("مصوبات")
        ordering = ["-passed_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "number"], name="clinic_resolution_unique"),
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("passed_on")),
                name="clinic_resolution_due_after_passed",
            ),
            models.CheckConstraint(
                condition=Q(objection_until__gte=models.F("passed_on")),
                name="clinic_resolution_objection_after_passed",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(done_on__isnull=False),
                name="clinic_resolution_done_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["passed_on"], name="clinic_resolution_passed_idx"),
            models.Index(fields=["due_on"], name="clinic_resolution_due_idx"),
            models.Index(fields=["agency", "due_on"], name="clinic_resolution_agency_idx"),
            # The dashboard's open resolutions, earliest due first, and their count.
            models.Index(fields=["status", "due_on", "id"], name="clinic_resolution_open_idx"),
        ]

    def __str__(self) -> str:
        return gettext("مصوبهٔ %(number)s — %(session)s") % {
            "number": to_persian_digits(self.number),
            "session": self.session,
        }

    @property
    def on_time(self) -> bool:
        return self.status == ResolutionStatus.DONE and self.done_on <= self.due_on


class ResolutionFollowUp(models.Model):
    """A follow-up entry of a resolution (append-only)."""

    resolution = models.ForeignKey(
        Resolution, verbose_name=_("مصوبه"), on_delete=models.CASCADE, related_name="followups"
    )
    on = models.DateField(_("تاریخ"))
    note = models.TextField(_("شرح پیگیری"))
    status_after = models.CharField(
        _("وضعیت پس از پیگیری"), max_length=14, choices=ResolutionStatus.choices
    )
    by = user_link(_("ثبت‌کننده"))
    created_at = models.DateTimeField(_("زمان ثبت"), auto_now_add=True)

    class Meta:
        verbose_name = _("پیگیری مصوبه")
        verbose_name_plural = _("پیگیری‌های مصوبه")
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.resolution_id} {self.on}"
