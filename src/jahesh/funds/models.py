"""Interest-free loan funds (صندوق قرض‌الحسنه): funds, members, loans, their
installments, guarantees, the append-only ledger and job verification.

The money rules live in ``jahesh.funds.schedule`` (pure arithmetic) and
``jahesh.funds.services`` (the only writers); balances are derived from
``LedgerEntry`` rows by ``jahesh.funds.selectors``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jahesh.core.models import TimeStampedModel, move_fields, optional_link, user_link
from jahesh.core.phrases import written
from jahesh.geo.models import InCounty, Settled

# The notes an import writes (funds.importers; core.phrases.written).
IMPORT_NOTE = written(gettext_noop("ورود از اکسل"))
IMPORT_SAVINGS_NOTE = written(gettext_noop("موجودی هنگام ورود از اکسل"))
IMPORT_LOAN_NOTE = written(gettext_noop("ورود از اکسل (وام موجود)"))
IMPORT_REPAID_NOTE = written(gettext_noop("مانده‌گیری هنگام ورود از اکسل"))

FEE_RATE_CAP = 4  # percent a year (Central Bank rule, reference/loans.md)
MAX_MONTHS = 60


class Fund(InCounty, Settled, TimeStampedModel):
    class Host(models.TextChoices):
        MOSQUE = "mosque", _("مسجد")
        COMMUNITY = "community", _("محله / روستا")
        COOPERATIVE = "cooperative", _("تعاونی")
        OTHER = "other", _("سایر")

    class Status(models.TextChoices):
        ACTIVE = "active", _("فعال")
        SUSPENDED = "suspended", _("معلق")
        CLOSED = "closed", _("منحل")

    name = models.CharField(_("نام"), max_length=200)
    name_key = models.CharField(max_length=200, db_index=True, editable=False)
    code = models.CharField(_("کد صندوق"), max_length=32, unique=True)
    host = models.CharField(
        _("محل استقرار"), max_length=16, choices=Host.choices, default=Host.MOSQUE
    )
    host_name = models.CharField(_("نام مسجد / محل"), max_length=200, blank=True)
    founded_on = models.DateField(_("تاریخ تأسیس"))
    closed_on = models.DateField(_("تاریخ انحلال"), null=True, blank=True)
    status = models.CharField(
        _("وضعیت"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("مدیران"), related_name="managed_funds", blank=True
    )
    fee_rate = models.DecimalField(
        _("نرخ کارمزد سالانه (درصد)"), max_digits=4, decimal_places=2, default=4
    )
    rounding_multiple = models.PositiveIntegerField(_("مضرب گرد کردن قسط (ریال)"), default=1000)
    min_membership_months = models.PositiveSmallIntegerField(
        _("حداقل ماه‌های عضویت پیش از وام"), default=3
    )
    min_savings_rial = models.BigIntegerField(_("حداقل پس‌انداز پیش از وام (ریال)"), default=0)
    credit_multiple = models.DecimalField(
        _("سقف وام به برابر پس‌انداز"), max_digits=5, decimal_places=2, default=5
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("صندوق قرض‌الحسنه")
        verbose_name_plural = _("صندوق‌های قرض‌الحسنه")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fee_rate__gte=0) & Q(fee_rate__lte=FEE_RATE_CAP),
                name="funds_fund_fee_rate_within_cap",
            ),
            models.CheckConstraint(
                condition=Q(rounding_multiple__gte=1), name="funds_fund_multiple_positive"
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("founded_on")),
                name="funds_fund_closed_after_founded",
            ),
        ]
        indexes = [models.Index(fields=["county", "founded_on"], name="funds_fund_county_idx")]

    def __str__(self) -> str:
        return self.name


class Member(TimeStampedModel):
    """One person in one fund, keyed by national code; the same code in another fund
    is the same person (``selectors.member_other_funds``)."""

    class Gender(models.TextChoices):
        FEMALE = "f", _("زن")
        MALE = "m", _("مرد")

    class BoardRole(models.TextChoices):
        NONE = "", "—"
        CHAIR = "chair", _("رئیس هیئت‌مدیره")
        TREASURER = "treasurer", _("خزانه‌دار")
        SECRETARY = "secretary", _("منشی")
        MEMBER = "member", _("عضو هیئت‌مدیره")

    fund = models.ForeignKey(
        Fund, verbose_name=_("صندوق"), on_delete=models.PROTECT, related_name="members"
    )
    national_code = models.CharField(_("کد ملی"), max_length=10)
    first_name = models.CharField(_("نام"), max_length=100)
    last_name = models.CharField(_("نام خانوادگی"), max_length=100)
    name_key = models.CharField(max_length=210, db_index=True, editable=False)
    mobile = models.CharField(_("تلفن همراه"), max_length=11, blank=True)
    gender = models.CharField(_("جنسیت"), max_length=1, choices=Gender.choices)
    joined_on = models.DateField(_("تاریخ عضویت"))
    left_on = models.DateField(_("تاریخ خروج"), null=True, blank=True)
    board_role = models.CharField(
        _("سمت در هیئت‌مدیره"), max_length=16, choices=BoardRole.choices, blank=True, default=""
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("عضو")
        verbose_name_plural = _("اعضا")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "national_code"], name="funds_member_one_per_fund"
            ),
        ]
        indexes = [models.Index(fields=["national_code"], name="funds_member_code_idx")]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class LotteryDraw(models.Model):
    """An auditable draw among queued loan requests: the seed and the entrants are
    recorded, so anyone can re-run ``schedule.lottery_winners`` and get the same winners."""

    fund = models.ForeignKey(
        Fund, verbose_name=_("صندوق"), on_delete=models.PROTECT, related_name="draws"
    )
    seed = models.CharField(_("بذر قرعه"), max_length=64)
    entrants = models.JSONField(_("شرکت‌کنندگان (شناسهٔ درخواست‌ها)"))
    winners = models.JSONField(_("برندگان (به ترتیب)"))
    slots = models.PositiveSmallIntegerField(_("تعداد وام قابل پرداخت"))
    drawn_at = models.DateTimeField(_("زمان قرعه‌کشی"))
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("قرعه‌کشی توسط"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("قرعه‌کشی")
        verbose_name_plural = _("قرعه‌کشی‌ها")
        ordering = ["-drawn_at"]

    def __str__(self) -> str:
        return f"{self.fund} — {self.seed}"


class Loan(TimeStampedModel):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("درخواست‌شده")
        APPROVED = "approved", _("تأییدشده")
        REJECTED = "rejected", _("ردشده")
        DISBURSED = "disbursed", _("پرداخت‌شده (در حال بازپرداخت)")
        RESCHEDULED = "rescheduled", _("تقسیط مجدد")
        REPAID = "repaid", _("تسویه‌شده")
        WRITTEN_OFF = "written_off", _("سوخت‌شده")

    class JobKind(models.TextChoices):
        SELF = "self", _("خوداشتغالی")
        HOME = "home", _("مشاغل خانگی")
        WORKSHOP = "workshop", _("کارگاهی")

    fund = models.ForeignKey(
        Fund, verbose_name=_("صندوق"), on_delete=models.PROTECT, related_name="loans"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("وام‌گیرنده"), on_delete=models.PROTECT, related_name="loans"
    )
    number = models.PositiveIntegerField(_("شمارهٔ وام در صندوق"))
    purpose = models.CharField(_("موضوع / نوع کسب‌وکار"), max_length=200)
    principal = models.BigIntegerField(_("مبلغ وام (ریال)"))
    fee_rate = models.DecimalField(_("نرخ کارمزد (درصد)"), max_digits=4, decimal_places=2)
    months = models.PositiveSmallIntegerField(_("تعداد اقساط (ماه)"))
    rounding_multiple = models.PositiveIntegerField(_("مضرب گرد کردن (ریال)"), default=1000)
    fee = models.BigIntegerField(_("کل کارمزد (ریال)"), default=0)
    status = models.CharField(
        _("وضعیت"), max_length=16, choices=Status.choices, default=Status.REQUESTED, db_index=True
    )
    requested_on = models.DateField(_("تاریخ درخواست"))
    approved_on = models.DateField(_("تاریخ تأیید"), null=True, blank=True)
    disbursed_on = models.DateField(_("تاریخ پرداخت"), null=True, blank=True)
    closed_on = models.DateField(_("تاریخ تسویه / سوخت"), null=True, blank=True)
    requested_by = user_link(_("ثبت درخواست توسط"), on_delete=models.PROTECT)
    approved_by = user_link(_("تأیید توسط"), on_delete=models.PROTECT)
    disbursed_by = user_link(_("پرداخت توسط"), on_delete=models.PROTECT)
    in_queue = models.BooleanField(_("در صف قرعه‌کشی"), default=False)
    draw = optional_link(LotteryDraw, _("برندهٔ قرعه‌کشی"), "won_loans")
    planned_jobs = models.PositiveSmallIntegerField(_("اشتغال پیش‌بینی‌شده (نفر)"), default=1)
    planned_women_jobs = models.PositiveSmallIntegerField(_("اشتغال زنان پیش‌بینی‌شده"), default=0)
    job_kind = models.CharField(
        _("نوع اشتغال"), max_length=16, choices=JobKind.choices, default=JobKind.SELF
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("وام")
        verbose_name_plural = _("وام‌ها")
        ordering = ["-requested_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "number"], name="funds_loan_number_per_fund"),
            models.CheckConstraint(
                condition=Q(principal__gt=0), name="funds_loan_principal_positive"
            ),
            models.CheckConstraint(
                condition=Q(fee_rate__gte=0) & Q(fee_rate__lte=FEE_RATE_CAP),
                name="funds_loan_fee_rate_within_cap",
            ),
            models.CheckConstraint(
                condition=Q(months__gte=1) & Q(months__lte=MAX_MONTHS),
                name="funds_loan_months_range",
            ),
            models.CheckConstraint(condition=Q(fee__gte=0), name="funds_loan_fee_not_negative"),
            models.CheckConstraint(
                condition=Q(planned_women_jobs__lte=F("planned_jobs")),
                name="funds_loan_women_within_planned",
            ),
        ]
        indexes = [
            models.Index(fields=["fund", "status"], name="funds_loan_fund_status_idx"),
            models.Index(fields=["disbursed_on"], name="funds_loan_disbursed_idx"),
        ]

    def __str__(self) -> str:
        return gettext("وام %(number)s — %(member)s") % {
            "number": self.number,
            "member": self.member,
        }

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_LOAN_STATUSES


ACTIVE_LOAN_STATUSES = (Loan.Status.DISBURSED, Loan.Status.RESCHEDULED)
DISBURSED_STATUSES = (
    Loan.Status.DISBURSED,
    Loan.Status.RESCHEDULED,
    Loan.Status.REPAID,
    Loan.Status.WRITTEN_OFF,
)


class LoanEvent(models.Model):
    """One move of a loan's workflow: who, when, from, to, why."""

    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="events")
    from_status, to_status = move_fields(Loan.Status.choices, 16)
    at = models.DateTimeField(_("زمان"))
    by = user_link(_("توسط"), on_delete=models.PROTECT, blank=False)
    note = models.CharField(_("توضیح"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("رویداد وام")
        verbose_name_plural = _("رویدادهای وام")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.loan_id}: {self.from_status} → {self.to_status}"


class Installment(models.Model):
    """One scheduled installment. ``paid_fee``/``paid_principal``/``paid_on`` are the
    allocation of the loan's repayments (oldest first, fee before principal); only
    ``services`` write them, under the loan's row lock, and the reconciliation checks
    them against the ledger."""

    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="installments")
    number = models.PositiveSmallIntegerField(_("شمارهٔ قسط"))
    due_on = models.DateField(_("سررسید"))
    amount = models.BigIntegerField(_("مبلغ قسط"))
    fee_part = models.BigIntegerField(_("سهم کارمزد"))
    principal_part = models.BigIntegerField(_("سهم اصل"))
    paid_fee = models.BigIntegerField(_("کارمزد پرداخت‌شده"), default=0)
    paid_principal = models.BigIntegerField(_("اصل پرداخت‌شده"), default=0)
    paid_on = models.DateField(_("تاریخ تسویهٔ قسط"), null=True, blank=True)

    class Meta:
        verbose_name = _("قسط")
        verbose_name_plural = _("اقساط")
        ordering = ["loan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["loan", "number"], name="funds_installment_number"),
            models.CheckConstraint(
                condition=Q(amount=F("fee_part") + F("principal_part")),
                name="funds_installment_parts_sum",
            ),
            models.CheckConstraint(
                condition=Q(fee_part__gte=0) & Q(principal_part__gte=0),
                name="funds_installment_parts_nonneg",
            ),
            models.CheckConstraint(
                condition=Q(paid_fee__gte=0)
                & Q(paid_fee__lte=F("fee_part"))
                & Q(paid_principal__gte=0)
                & Q(paid_principal__lte=F("principal_part")),
                name="funds_installment_paid_within_parts",
            ),
        ]
        # Serves the due-this-week/overdue lists and the arrears roll-ups; the
        # second answers "is any of this loan's installments late" from the index
        # alone (PAR30: books.par30_by_place).
        indexes = [
            models.Index(fields=["due_on", "paid_on"], name="funds_inst_due_idx"),
            models.Index(fields=["loan", "due_on", "paid_on"], name="funds_inst_loan_due_idx"),
        ]

    def __str__(self) -> str:
        return gettext("قسط %(number)s وام %(loan)s") % {
            "number": self.number,
            "loan": self.loan_id,
        }

    @property
    def paid(self) -> int:
        return self.paid_fee + self.paid_principal

    @property
    def remaining(self) -> int:
        return self.amount - self.paid


class Repayment(models.Model):
    """A payment received for a loan. ``key`` is supplied by the client: a retried
    request with the same key records nothing new (idempotency)."""

    loan = models.ForeignKey(
        Loan, verbose_name=_("وام"), on_delete=models.PROTECT, related_name="repayments"
    )
    key = models.CharField(_("کلید یکتای درخواست"), max_length=64)
    amount = models.BigIntegerField(_("مبلغ (ریال)"))
    paid_on = models.DateField(_("تاریخ پرداخت"))
    recorded_at = models.DateTimeField(_("زمان ثبت"))
    recorded_by = user_link(_("ثبت توسط"), on_delete=models.PROTECT, blank=False)
    reversed_at = models.DateTimeField(_("زمان ابطال"), null=True, blank=True)
    note = models.CharField(_("توضیح"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("بازپرداخت")
        verbose_name_plural = _("بازپرداخت‌ها")
        ordering = ["paid_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["key"], name="funds_repayment_key_unique"),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="funds_repayment_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} — {self.loan_id}"


class LedgerEntry(models.Model):
    """One money movement; rows are never edited or deleted. A correction is a
    reversing row (negative amount, ``reverses`` set).

    Each kind moves money between two of the fund's accounts (the identity the
    reconciliation checks: cash + outstanding = savings + sponsor capital + fee
    income − written off).
    """

    class Kind(models.TextChoices):
        DEPOSIT = "deposit", _("واریز پس‌انداز")
        WITHDRAWAL = "withdrawal", _("برداشت پس‌انداز")
        SPONSOR_IN = "sponsor_in", _("وجوه اداره‌شده (دریافت)")
        SPONSOR_OUT = "sponsor_out", _("وجوه اداره‌شده (بازگشت)")
        DISBURSEMENT = "disbursement", _("پرداخت وام")
        REPAY_FEE = "repay_fee", _("بازپرداخت — کارمزد")
        REPAY_PRINCIPAL = "repay_principal", _("بازپرداخت — اصل")
        WRITE_OFF = "write_off", _("سوخت وام")

    fund = models.ForeignKey(
        Fund, verbose_name=_("صندوق"), on_delete=models.PROTECT, related_name="ledger"
    )
    kind = models.CharField(_("نوع"), max_length=16, choices=Kind.choices)
    amount = models.BigIntegerField(_("مبلغ (ریال)"))
    entered_on = models.DateField(_("تاریخ"))
    member = optional_link(Member, _("عضو"), "ledger")
    loan = optional_link(Loan, _("وام"), "ledger")
    repayment = models.ForeignKey(
        Repayment, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    sponsor = models.CharField(_("تأمین‌کننده"), max_length=200, blank=True)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("ابطالِ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
    )
    note = models.CharField(_("توضیح"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("زمان ثبت"))
    created_by = user_link(_("ثبت توسط"), on_delete=models.PROTECT, blank=False)

    class Meta:
        verbose_name = _("سند دفتر")
        verbose_name_plural = _("دفتر صندوق")
        ordering = ["entered_on", "id"]
        constraints = [
            # An original movement is positive; its reversal is the same amount, negative.
            models.CheckConstraint(
                condition=(Q(reverses__isnull=True) & Q(amount__gt=0))
                | (Q(reverses__isnull=False) & Q(amount__lt=0)),
                name="funds_ledger_sign_by_reversal",
            ),
        ]
        indexes = [
            models.Index(fields=["fund", "kind"], name="funds_ledger_fund_kind_idx"),
            # A loan's entries by date, with what a balance sums: PAR30 reads
            # the ledger from the index alone (books.par30_by_place).
            models.Index(
                fields=["loan", "entered_on", "kind", "amount"], name="funds_ledger_loan_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


class Guarantor(models.Model):
    loan = models.ForeignKey(
        Loan, verbose_name=_("وام"), on_delete=models.CASCADE, related_name="guarantors"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("ضامن"), on_delete=models.PROTECT, related_name="guarantees"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ضامن")
        verbose_name_plural = _("ضامن‌ها")
        constraints = [
            models.UniqueConstraint(fields=["loan", "member"], name="funds_guarantor_once"),
        ]

    def __str__(self) -> str:
        return str(self.member)


class GuaranteeDocument(models.Model):
    class Kind(models.TextChoices):
        CHEQUE = "cheque", _("چک")
        PROMISSORY = "promissory", _("سفته")

    loan = models.ForeignKey(
        Loan, verbose_name=_("وام"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("نوع"), max_length=16, choices=Kind.choices)
    number = models.CharField(_("شماره"), max_length=40)
    bank = models.CharField(_("بانک"), max_length=100, blank=True)
    amount = models.BigIntegerField(_("مبلغ (ریال)"))
    returned_on = models.DateField(_("تاریخ استرداد"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("سند تضمین")
        verbose_name_plural = _("اسناد تضمین")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="funds_document_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class Verification(TimeStampedModel):
    """A visit that checks the business a loan financed. Jobs created by a loan =
    ``jobs_found`` of its latest visit, counted once per loan."""

    loan = models.ForeignKey(
        Loan, verbose_name=_("وام"), on_delete=models.CASCADE, related_name="verifications"
    )
    visited_on = models.DateField(_("تاریخ بازدید"))
    verifier = models.CharField(_("بازدیدکننده"), max_length=200)
    verified_by = user_link(_("ثبت توسط"), on_delete=models.PROTECT)
    business_running = models.BooleanField(_("کسب‌وکار دایر است"))
    jobs_found = models.PositiveSmallIntegerField(_("اشتغال مشاهده‌شده (نفر)"))
    women_jobs = models.PositiveSmallIntegerField(_("اشتغال زنان"), default=0)
    photo = models.ImageField(_("عکس"), upload_to="funds/verifications/%Y/%m/", blank=True)
    note = models.CharField(_("توضیح"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("بازدید راستی‌آزمایی")
        verbose_name_plural = _("بازدیدهای راستی‌آزمایی")
        ordering = ["loan", "visited_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(women_jobs__lte=F("jobs_found")), name="funds_verification_women_within"
            ),
            models.CheckConstraint(
                condition=Q(business_running=True) | Q(jobs_found=0),
                name="funds_verification_closed_no_jobs",
            ),
        ]
        indexes = [models.Index(fields=["loan", "-visited_on"], name="funds_verif_latest_idx")]

    def __str__(self) -> str:
        return gettext("بازدید %(day)s وام %(loan)s") % {
            "day": self.visited_on,
            "loan": self.loan_id,
        }
