"""The funds' figures of kpis.md (active funds, loans disbursed, jobs created,
PAR30), wired to their selectors; ``reports.registry`` lists them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jahesh.accounts.roles import Module
from jahesh.core.kpis import (
    COUNT,
    COUNTY_COLUMN,
    PERCENT,
    RIAL,
    STATUS_COLUMN,
    DrillColumn,
    Kpi,
    parts,
)
from jahesh.funds import selectors as s
from jahesh.funds.models import Fund, Installment, LedgerEntry, Loan, Verification

_C = DrillColumn
FUND_COLUMNS = (
    _C("name", "نام صندوق", "Fund", "name", link=("funds:detail", "pk")),
    _C("code", "کد", "Code", "code"),
    COUNTY_COLUMN,
    _C("founded_on", "تاریخ تأسیس", "Founded", "founded_on", "date"),
    STATUS_COLUMN,
)
LOAN_LINK = ("funds:loan_detail", "pk")
# What every list of loans opens with, and the columns several of them show.
LOAN_HEAD = (
    _C("number", "شمارهٔ وام", "Loan", "number", link=LOAN_LINK),
    _C("fund", "صندوق", "Fund", "fund.name"),
    _C("member", "وام‌گیرنده", "Borrower", "member"),
)
PRINCIPAL = _C("principal", "مبلغ وام (ریال)", "Principal (rials)", "principal", "rial")
DISBURSED_ON = _C("disbursed_on", "تاریخ پرداخت", "Disbursed", "disbursed_on", "date")
LOAN_COLUMNS = (
    *LOAN_HEAD,
    PRINCIPAL,
    DISBURSED_ON,
    STATUS_COLUMN,
)
JOBS_CREATED_COLUMNS = (
    *LOAN_HEAD,
    DISBURSED_ON,
    _C("planned_jobs", "اشتغال پیش‌بینی‌شده", "Planned jobs", "planned_jobs", "count"),
    _C("jobs_created", "اشتغال تأییدشده", "Confirmed jobs", "jobs_created", "count"),
    _C("verified", "بازدید تأیید", "Verified", "verified"),
)
PAR_COLUMNS = (
    *LOAN_HEAD,
    PRINCIPAL,
    _C("outstanding", "مانده (ریال)", "Outstanding (rials)", "outstanding", "rial"),
    DISBURSED_ON,
)
DISBURSED = (Fund, Loan)  # what the disbursement selectors read
JOBS = (Fund, Loan, Verification)  # jobs created, and planned jobs beside them

KPIS: tuple[Kpi, ...] = (
    Kpi(
        "funds_active", module=Module.FUNDS, unit=COUNT, exact=True, headline=True,
        parts=parts({"funds_active": (s.kpi_funds_active, s.kpi_funds_active_daily)},
                    sources=(Fund,), stock=True),
        name_fa=_("صندوق‌های قرض‌الحسنهٔ فعال"), name_en="Active loan funds",
        definition_fa=_("صندوق‌های قرض‌الحسنه‌ای که در پایان دوره فعال بودند."),
        definition_en="Loan funds active at the end of the period.",
        records=s.kpi_funds_active_records, columns=FUND_COLUMNS, related=("county",),
    ),
    Kpi(
        "loans_disbursed", module=Module.FUNDS, unit=COUNT, exact=True,
        parts=parts({"loans_disbursed": (s.kpi_loans_disbursed, s.kpi_loans_disbursed_daily)},
                    sources=DISBURSED),
        name_fa=_("وام‌های پرداخت‌شده"), name_en="Loans disbursed",
        definition_fa=_("تعداد وام‌هایی که در این دوره پرداخت شدند."),
        definition_en="Loans disbursed in the period: count.",
        records=s.kpi_loans_disbursed_records, columns=LOAN_COLUMNS,
    ),
    Kpi(
        "loans_disbursed_rial", module=Module.FUNDS, unit=RIAL, exact=True,
        parts=parts(
            {"loans_disbursed_rial": (s.kpi_loans_disbursed_rial, s.kpi_loans_disbursed_rial_daily)},
            sources=DISBURSED,
        ),
        name_fa=_("مبلغ وام‌های پرداخت‌شده"), name_en="Loans disbursed (amount)",
        definition_fa=_("جمع اصل وام‌هایی که در این دوره پرداخت شدند."),
        definition_en="Loans disbursed in the period: principal.",
        records=s.kpi_loans_disbursed_rial_records, columns=LOAN_COLUMNS,
    ),
    Kpi(
        "jobs_created", module=Module.FUNDS, unit=COUNT, exact=True, headline=True,
        parts=parts({"jobs_created": (s.kpi_jobs_created, s.kpi_jobs_created_daily)},
                    sources=JOBS, spans=True),
        name_fa=_("فرصت‌های شغلی ایجادشده"), name_en="Jobs created",
        definition_fa=_(
            "اشتغالی که آخرین بازدید راستی‌آزمایی (پیش از پایان دوره) هر وام پرداخت‌شده در این دوره"
            " تأیید کرده است؛ اشتغال پیش‌بینی‌شدهٔ تأییدنشده کنار آن نشان داده می‌شود و افزوده نمی‌شود."
        ),
        definition_en=(
            "Jobs confirmed by the latest verification visit (dated before the period's end) of"
            " each loan disbursed in the period; planned but unverified jobs are shown beside"
            " it, never added."
        ),
        records=s.kpi_jobs_created_records, columns=JOBS_CREATED_COLUMNS,
        beside=parts(
            {"jobs_planned_unverified": (s.kpi_jobs_planned_unverified,
                                         s.kpi_jobs_planned_unverified_daily)},
            sources=JOBS, spans=True,
        ),
    ),
    Kpi(
        "par30", module=Module.FUNDS, unit=PERCENT, exact=True, divisor=100,
        parts=parts(
            {
                "par30_at_risk": (s.kpi_par30_at_risk, s.kpi_par30_at_risk_daily),
                "par30_outstanding": (s.kpi_par30_outstanding, s.kpi_par30_outstanding_daily),
            },
            sources=(Fund, Loan, LedgerEntry, Installment), stock=True,
        ),
        combine=s.par30_basis_points,
        name_fa=_("پرتفوی در معرض خطر (۳۰ روز)"), name_en="Portfolio at risk (30 days)",
        definition_fa=_(
            "سهم ماندهٔ اصل وام‌هایی که در پایان دوره بیش از ۳۰ روز معوق بودند از کل ماندهٔ اصل وام‌ها."
        ),
        definition_en="Portfolio at risk over 30 days at the period's end.",
        records=s.kpi_par30_records, columns=PAR_COLUMNS,
    ),
)  # fmt: skip
