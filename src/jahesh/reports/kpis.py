"""THE KPI registry (reference/kpis.md): every headline figure with its code,
names, definition, unit, exactness, the selector that computes it and the
selector of the records behind it (the drill-down), with the drill-down's
columns.

Dashboards, the KPI API, exports, the narrative report and the public page
all read figures through :func:`kpi_values` / :func:`kpi_value`; nothing else
computes a figure. Each entry points at its app's selectors by dotted path
(``kpi_<code>(*, area, start, end)`` and ``kpi_<code>_records(...)``), so the
apps stay independent of this one; a path that does not resolve raises
:class:`KpiUnavailable` naming it (and ``tests/reports/test_registry.py``
fails), never a silent zero.

Periods are half-open [start, end); "at the period's end" is the state on
``end − 1 day``. Aggregates are limited by :class:`~jahesh.accounts.scoping.Area`,
never by ``scoped()``: a viewer reads figures, not records.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jahesh.accounts.roles import Module
from jahesh.accounts.scoping import Area
from jahesh.geo.models import County

COUNT, RIAL, PERCENT = "count", "rial", "percent"


class KpiUnavailable(LookupError):
    """A registry entry points at a selector that does not exist (yet)."""


@dataclass(frozen=True)
class DrillColumn:
    """One column of a drill-down list and its export.

    ``attr`` is a dotted attribute path on the record ("county.name"); a
    callable at the end (``get_status_display``) is called. ``kind`` is how the
    page shows it: text, date, count, rial. ``link`` makes the cell a link to
    the record: (url name, attribute holding the pk).
    """

    key: str
    fa: str
    en: str
    attr: str
    kind: str = "text"
    link: tuple[str, str] | None = None


@dataclass(frozen=True)
class Part:
    """A component of figures, additive over places: a count, a sum in rials, a
    numerator or a denominator. Its selector ``f(*, area, start, end, by=None)``
    answers ``{None: total}``, or ``{place id: value}`` per county or province
    (``by``), in one query.

    ``place`` is the finest place its records belong to (working-group
    resolutions belong to a province). ``additive`` is False where an area's
    value is not the sum of its places' (distinct people served in several
    counties): such a part is stored and read per area, never summed.
    ``sources`` are the models its selector reads: a write to one of them makes
    the part stale in the analytics table (``reports.facts``). ``daily`` is set
    on flow parts, whose value for a period is the sum of its days' values, and
    on ``stock`` parts (a state at the period's end: active funds, principal
    outstanding), whose value is the sum of their changes up to the end: the
    table keeps either per place and day (``reports.DayFact``), so any period is
    an indexed sum. ``window`` parts (distinct units, each unit's latest visit,
    each loan's latest verification) have day rows that count only within a
    window of the period's dates (``DayFact.since``/``lo``/``hi``).
    """

    code: str
    selector: str
    place: str = "county"  # "county" | "province"
    additive: bool = True
    sources: frozenset[str] = frozenset()  # the models its selector reads ("units.Visit")
    daily: str = ""  # f(*, area) -> {(place, day): value}: kept per day
    stock: bool = False  # a state at the period's end: the sum of the days' changes up to it
    window: bool = False  # its day rows count within a window (reports.DayFact.since/lo/hi)

    def values(
        self, *, area: Area, start: datetime.date, end: datetime.date, by: str | None = None
    ) -> dict[int | None, int]:
        return _resolve(self.selector)(area=area, start=start, end=end, by=by)

    def total(self, *, area: Area, start: datetime.date, end: datetime.date) -> int:
        return self.values(area=area, start=start, end=end)[None]

    def daily_values(self, *, area: Area) -> dict[tuple[int, datetime.date], int]:
        """A flow part's value per place and day (every day with records); a stock
        part's changes per place and day."""
        return _resolve(self.daily)(area=area)


@dataclass(frozen=True)
class Kpi:
    code: str
    module: str  # the module whose records are behind the figure
    name_fa: str
    name_en: str
    definition_fa: str
    definition_en: str
    unit: str  # COUNT | RIAL | PERCENT
    exact: bool  # known exactly (wording rule of kpis.md)
    parts: tuple[Part, ...]
    records: str
    columns: tuple[DrillColumn, ...]
    combine: str = ""  # dotted path of f(parts: {code: value}) -> value; "" = the one part
    related: tuple[str, ...] = ()  # select_related for the drill-down page
    divisor: int = 1  # the stored value / divisor = the shown value (par30 in basis points)
    headline: bool = False  # on the public page and the narrative report
    beside: tuple[Part, ...] = ()  # shown beside, never added

    def value(self, parts: dict[str, int]) -> int:
        """The figure from its parts' values (summed over the area)."""
        if not self.combine:
            return parts[self.parts[0].code]
        return int(_resolve(self.combine)(parts))

    def records_qs(self, *, area: Area, start: datetime.date, end: datetime.date) -> QuerySet:
        qs = _resolve(self.records)(area=area, start=start, end=end)
        return qs.select_related(*self.related) if self.related else qs

    def shown(self, value: int) -> Any:
        """The value in its shown unit (par30: basis points → percent)."""
        if self.divisor == 1:
            return value
        from fractions import Fraction

        return Fraction(value, self.divisor)


@cache
def _resolve(path: str) -> Callable[..., Any]:
    module_path, _sep, name = path.rpartition(".")
    try:
        return getattr(import_module(module_path), name)
    except (ImportError, AttributeError) as error:
        raise KpiUnavailable(f"KPI selector {path} is missing: {error}") from None


# --- Drill-down columns --------------------------------------------------------

_C = DrillColumn
UNIT_LINK = ("units:detail", "pk")
UNIT_COLUMNS = (
    _C("name", "نام واحد", "Unit", "name", link=UNIT_LINK),
    _C("county", "شهرستان", "County", "county.name"),
    _C("sector", "بخش", "Sector", "get_sector_display"),
    _C("employees", "کارکنان", "Employees", "employees", "count"),
    _C("status", "وضعیت", "Status", "get_status_display"),
    _C("risk", "سطح ریسک", "Risk level", "get_risk_level_display"),
    _C("last_visit_on", "آخرین بازدید", "Last visit", "last_visit_on", "date"),
)
CASE_LINK = ("clinic:case_detail", "pk")
CASE_COLUMNS = (
    _C("id", "شمارهٔ پرونده", "Case", "pk", link=CASE_LINK),
    _C("title", "عنوان", "Title", "title"),
    _C("unit", "واحد", "Unit", "unit.name"),
    _C("county", "شهرستان", "County", "unit.county.name"),
    _C("status", "وضعیت", "Status", "get_status_display"),
    _C("opened_on", "تاریخ گشایش", "Opened", "opened_on", "date"),
    _C("resolved_on", "تاریخ حل", "Resolved", "resolved_on", "date"),
    _C("outcome", "نتیجه", "Outcome", "get_outcome_display"),
)
JOBS_PRESERVED_COLUMNS = (
    _C("id", "شمارهٔ پرونده", "Case", "pk", link=CASE_LINK),
    _C("unit", "واحد", "Unit", "unit.name"),
    _C("county", "شهرستان", "County", "unit.county.name"),
    _C("resolved_on", "تاریخ حل", "Resolved", "resolved_on", "date"),
    _C("jobs_preserved", "اشتغال حفظ‌شده", "Jobs preserved", "jobs_preserved", "count"),
)
RESOLUTION_COLUMNS = (
    _C("number", "شمارهٔ مصوبه", "No.", "number", link=("clinic:session_detail", "session_id")),
    _C("group", "کارگروه", "Working group", "session.group.name"),
    _C("text", "متن مصوبه", "Text", "text"),
    _C("agency", "دستگاه مسئول", "Agency", "agency.name"),
    _C("passed_on", "تاریخ تصویب", "Passed", "passed_on", "date"),
    _C("due_on", "مهلت اجرا", "Due", "due_on", "date"),
    _C("status", "وضعیت", "Status", "get_status_display"),
    _C("done_on", "تاریخ اجرا", "Done", "done_on", "date"),
)
FUND_COLUMNS = (
    _C("name", "نام صندوق", "Fund", "name", link=("funds:detail", "pk")),
    _C("code", "کد", "Code", "code"),
    _C("county", "شهرستان", "County", "county.name"),
    _C("founded_on", "تاریخ تأسیس", "Founded", "founded_on", "date"),
    _C("status", "وضعیت", "Status", "get_status_display"),
)
LOAN_LINK = ("funds:loan_detail", "pk")
LOAN_COLUMNS = (
    _C("number", "شمارهٔ وام", "Loan", "number", link=LOAN_LINK),
    _C("fund", "صندوق", "Fund", "fund.name"),
    _C("member", "وام‌گیرنده", "Borrower", "member"),
    _C("principal", "مبلغ وام (ریال)", "Principal (rials)", "principal", "rial"),
    _C("disbursed_on", "تاریخ پرداخت", "Disbursed", "disbursed_on", "date"),
    _C("status", "وضعیت", "Status", "get_status_display"),
)
JOBS_CREATED_COLUMNS = (
    _C("number", "شمارهٔ وام", "Loan", "number", link=LOAN_LINK),
    _C("fund", "صندوق", "Fund", "fund.name"),
    _C("member", "وام‌گیرنده", "Borrower", "member"),
    _C("disbursed_on", "تاریخ پرداخت", "Disbursed", "disbursed_on", "date"),
    _C("planned_jobs", "اشتغال پیش‌بینی‌شده", "Planned jobs", "planned_jobs", "count"),
    _C("jobs_created", "اشتغال تأییدشده", "Confirmed jobs", "jobs_created", "count"),
    _C("verified", "بازدید تأیید", "Verified", "verified"),
)
PAR_COLUMNS = (
    _C("number", "شمارهٔ وام", "Loan", "number", link=LOAN_LINK),
    _C("fund", "صندوق", "Fund", "fund.name"),
    _C("member", "وام‌گیرنده", "Borrower", "member"),
    _C("principal", "مبلغ وام (ریال)", "Principal (rials)", "principal", "rial"),
    _C("outstanding", "مانده (ریال)", "Outstanding (rials)", "outstanding", "rial"),
    _C("disbursed_on", "تاریخ پرداخت", "Disbursed", "disbursed_on", "date"),
)
VOLUNTEER_COLUMNS = (
    _C("first_name", "نام", "First name", "first_name", link=("volunteers:detail", "pk")),
    _C("last_name", "نام خانوادگی", "Last name", "last_name"),
    _C("national_code", "کد ملی", "National code", "national_code", "ltr"),
    _C("county", "شهرستان", "County", "county.name"),
    _C("registered_on", "تاریخ ثبت‌نام", "Registered", "registered_on", "date"),
    _C("status", "وضعیت", "Status", "get_status_display"),
)
HOURS_COLUMNS = (
    _C("camp", "اردو", "Camp", "camp.title", link=("volunteers:camp_detail", "camp_id")),
    _C("camp_start", "آغاز اردو", "Camp start", "camp.start_date", "date"),
    _C("volunteer", "نیروی جهادی", "Volunteer", "volunteer"),
    _C("hours", "ساعت", "Hours", "hours", "count"),
    _C("status", "وضعیت", "Status", "get_status_display"),
)
PROJECT_LINK = ("projects:detail", "pk")
PROJECT_COLUMNS = (
    _C("title", "عنوان پروژه", "Project", "title", link=PROJECT_LINK),
    _C("kind", "نوع", "Kind", "get_kind_display"),
    _C("county", "شهرستان", "County", "county.name"),
    _C("actual_end", "تاریخ پایان", "Completed", "actual_end", "date"),
)
PROJECT_VALUE_COLUMNS = (
    *PROJECT_COLUMNS,
    _C("value_rial", "ارزش (ریال)", "Value (rials)", "value_rial", "rial"),
)
SERVICE_COLUMNS = (
    _C("kind", "نوع خدمت", "Service", "get_kind_display"),
    _C("county", "شهرستان", "County", "county.name"),
    _C("delivered_on", "تاریخ ارائه", "Delivered", "delivered_on", "date"),
    _C("quantity", "تعداد", "Quantity", "quantity", "count"),
    _C("value_rial", "ارزش (ریال)", "Value (rials)", "value_rial", "rial"),
)
BENEFICIARY_COLUMNS = (
    _C("national_code", "کد ملی", "National code", "national_code", "ltr"),
    _C("service", "نخستین خدمت", "First service", "service.get_kind_display"),
    _C("county", "شهرستان", "County", "service.county.name"),
    _C("delivered_on", "تاریخ ارائه", "Delivered", "service.delivered_on", "date"),
)


# --- The registry ------------------------------------------------------------------

U, CL, F, V, P = (
    "jahesh.units.selectors",
    "jahesh.clinic.selectors",
    "jahesh.funds.selectors",
    "jahesh.volunteers.selectors",
    "jahesh.projects.selectors",
)


def _kpi(code: str, path: str, *, parts: tuple[str, ...] = (), sources: str = "", **kw: Any) -> Kpi:
    """An entry whose parts are ``<path>.kpi_<part>`` (default: one part named
    like the figure), read from the models of ``sources`` (space-separated), and
    whose records are ``<path>.kpi_<code>_records``; with ``daily=True`` its
    parts are kept per day with ``<path>.kpi_<part>_daily`` (``stock=True``: states
    at the period's end, kept as their changes)."""
    place = kw.pop("place", "county")
    additive = kw.pop("additive", True)
    daily = kw.pop("daily", False)
    stock = kw.pop("stock", False)
    window = kw.pop("window", False)
    read = frozenset(sources.split())
    return Kpi(
        code=code,
        parts=tuple(
            Part(
                p,
                f"{path}.kpi_{p}",
                place=place,
                additive=additive,
                sources=read,
                daily=f"{path}.kpi_{p}_daily" if daily else "",
                stock=stock,
                window=window,
            )
            for p in parts or (code,)
        ),
        records=f"{path}.kpi_{code}_records",
        **kw,
    )


KPI_LIST: list[Kpi] = [
    _kpi(
        "units_monitored", U, module=Module.UNITS, unit=COUNT, exact=True, headline=True, daily=True, window=True,
        sources="units.Unit units.Visit",
        name_fa=_("واحدهای پایش‌شده"), name_en="Units monitored",
        definition_fa=_("واحدهای تولیدی متمایزی که دست‌کم یک بازدید پایش با تاریخی در این دوره دارند."),
        definition_en="Distinct production units with at least one monitoring visit dated in the period.",
        columns=UNIT_COLUMNS, related=("county",),
    ),
    _kpi(
        "units_high_risk", U, module=Module.UNITS, unit=COUNT, exact=True, daily=True, window=True,
        sources="units.Unit units.Visit units.RiskAssessment",
        name_fa=_("واحدهای پرخطر"), name_en="Units at high risk",
        definition_fa=_("واحدهای متمایزی که آخرین بازدیدشان در این دوره آن‌ها را در سطح پرخطر قرار داد."),
        definition_en="Distinct units whose latest visit in the period put them at high risk.",
        columns=UNIT_COLUMNS, related=("county",),
    ),
    _kpi(
        "cases_opened", CL, module=Module.CLINIC, unit=COUNT, exact=True, daily=True,
        sources="clinic.Case",
        name_fa=_("پرونده‌های گشوده"), name_en="Cases opened",
        definition_fa=_("پرونده‌های رفع موانع تولید که در این دوره گشوده شدند."),
        definition_en="Obstacle cases opened in the period.",
        columns=CASE_COLUMNS, related=("unit", "unit__county"),
    ),
    _kpi(
        "cases_resolved", CL, module=Module.CLINIC, unit=COUNT, exact=True, daily=True,
        sources="clinic.Case",
        name_fa=_("پرونده‌های حل‌شده"), name_en="Cases resolved",
        definition_fa=_("پرونده‌های رفع موانع تولید که در این دوره حل شدند."),
        definition_en="Obstacle cases resolved in the period.",
        columns=CASE_COLUMNS, related=("unit", "unit__county"),
    ),
    _kpi(
        "closures_prevented", CL, module=Module.UNITS, unit=COUNT, exact=True, headline=True, daily=True, window=True,
        sources="clinic.Case units.Unit",
        name_fa=_("جلوگیری از تعطیلی"), name_en="Closures prevented",
        definition_fa=_(
            "واحدهای متمایزی که پرونده‌ای از آن‌ها در این دوره با نتیجهٔ «جلوگیری از تعطیلی» حل شد؛"
            " این نتیجه تنها برای واحدی مجاز است که هنگام گشایش پرونده راکد یا پرخطر بوده است."
        ),
        definition_en=(
            "Distinct units with a case resolved in the period with the outcome \"closure"
            " prevented\"; that outcome is allowed only where the unit was stalled or at high"
            " risk when the case opened."
        ),
        columns=UNIT_COLUMNS, related=("county",),
    ),
    _kpi(
        "jobs_preserved", CL, module=Module.CLINIC, unit=COUNT, exact=True, daily=True, window=True,
        sources="clinic.Case units.Unit",
        name_fa=_("اشتغال حفظ‌شده"), name_en="Jobs preserved",
        definition_fa=_("کارکنان واحدهای شمرده‌شده در «جلوگیری از تعطیلی»، هنگام حل پرونده."),
        definition_en="Employees, at resolution, of the units counted in closures prevented.",
        columns=JOBS_PRESERVED_COLUMNS, related=("unit", "unit__county"),
    ),
    _kpi(
        "resolutions_passed", CL, module=Module.CLINIC, unit=COUNT, exact=True, place="province", daily=True,
        sources="clinic.Resolution clinic.Session clinic.WorkingGroup",
        name_fa=_("مصوبات کارگروه"), name_en="Resolutions passed",
        definition_fa=_("مصوبات کارگروه‌ها که در این دوره تصویب شدند."),
        definition_en="Working-group resolutions passed in the period.",
        columns=RESOLUTION_COLUMNS, related=("session", "session__group", "agency"),
    ),
    _kpi(
        "resolutions_executed_pct", CL, module=Module.CLINIC, unit=PERCENT, exact=True, daily=True,
        sources="clinic.Resolution clinic.Session clinic.WorkingGroup",
        place="province", parts=("resolutions_due", "resolutions_done"),
        combine=f"{CL}.resolutions_executed_pct",
        name_fa=_("درصد اجرای مصوبات"), name_en="Resolutions carried out",
        definition_fa=_("سهم مصوباتی که مهلت اجرایشان در این دوره بود و اجرا شدند."),
        definition_en="Share of the resolutions due in the period that were carried out.",
        columns=RESOLUTION_COLUMNS, related=("session", "session__group", "agency"),
    ),
    _kpi(
        "funds_active", F, module=Module.FUNDS, unit=COUNT, exact=True, headline=True, daily=True, stock=True,
        sources="funds.Fund",
        name_fa=_("صندوق‌های قرض‌الحسنهٔ فعال"), name_en="Active loan funds",
        definition_fa=_("صندوق‌های قرض‌الحسنه‌ای که در پایان دوره فعال بودند."),
        definition_en="Loan funds active at the end of the period.",
        columns=FUND_COLUMNS, related=("county",),
    ),
    _kpi(
        "loans_disbursed", F, module=Module.FUNDS, unit=COUNT, exact=True, daily=True,
        sources="funds.Fund funds.Loan",
        name_fa=_("وام‌های پرداخت‌شده"), name_en="Loans disbursed",
        definition_fa=_("تعداد وام‌هایی که در این دوره پرداخت شدند."),
        definition_en="Loans disbursed in the period: count.",
        columns=LOAN_COLUMNS,
    ),
    _kpi(
        "loans_disbursed_rial", F, module=Module.FUNDS, unit=RIAL, exact=True, daily=True,
        sources="funds.Fund funds.Loan",
        name_fa=_("مبلغ وام‌های پرداخت‌شده"), name_en="Loans disbursed (amount)",
        definition_fa=_("جمع اصل وام‌هایی که در این دوره پرداخت شدند."),
        definition_en="Loans disbursed in the period: principal.",
        columns=LOAN_COLUMNS,
    ),
    _kpi(
        "jobs_created", F, module=Module.FUNDS, unit=COUNT, exact=True, headline=True, daily=True, window=True,
        sources="funds.Fund funds.Loan funds.Verification",
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
        columns=JOBS_CREATED_COLUMNS,
        beside=(
            Part(
                "jobs_planned_unverified",
                f"{F}.kpi_jobs_planned_unverified",
                sources=frozenset({"funds.Fund", "funds.Loan", "funds.Verification"}),
                daily=f"{F}.kpi_jobs_planned_unverified_daily",
                window=True,
            ),
        ),
    ),
    _kpi(
        "par30", F, module=Module.FUNDS, unit=PERCENT, exact=True, divisor=100, daily=True, stock=True,
        sources="funds.Fund funds.Loan funds.LedgerEntry funds.Installment",
        parts=("par30_at_risk", "par30_outstanding"), combine=f"{F}.par30_basis_points",
        name_fa=_("پرتفوی در معرض خطر (۳۰ روز)"), name_en="Portfolio at risk (30 days)",
        definition_fa=_(
            "سهم ماندهٔ اصل وام‌هایی که در پایان دوره بیش از ۳۰ روز معوق بودند از کل ماندهٔ اصل وام‌ها."
        ),
        definition_en="Portfolio at risk over 30 days at the period's end.",
        columns=PAR_COLUMNS,
    ),
    _kpi(
        "volunteers", V, module=Module.VOLUNTEERS, unit=COUNT, exact=True, headline=True, daily=True, stock=True,
        sources="volunteers.Volunteer volunteers.VolunteerStatusEvent",
        name_fa=_("نیروهای جهادی"), name_en="Volunteers",
        definition_fa=_("افراد متمایز (به کد ملی) که در پایان دوره نیروی جهادی فعال ثبت‌شده بودند."),
        definition_en="Distinct people (by national code) registered as active volunteers at the period's end.",
        columns=VOLUNTEER_COLUMNS, related=("county",),
    ),
    _kpi(
        "volunteer_hours", V, module=Module.VOLUNTEERS, unit=COUNT, exact=True, daily=True,
        sources="volunteers.Camp volunteers.RosterEntry",
        parts=("volunteer_hour_tenths",), combine=f"{V}.volunteer_hours",
        name_fa=_("ساعت‌های خدمت جهادی"), name_en="Volunteer hours",
        definition_fa=_("ساعت‌های خدمت ثبت‌شده (و تأییدشده) در این دوره."),
        definition_en="Hours logged in the period.",
        columns=HOURS_COLUMNS, related=("camp", "volunteer"),
    ),
    _kpi(
        "projects_completed", P, module=Module.PROJECTS, unit=COUNT, exact=True, headline=True, daily=True,
        sources="projects.Project",
        name_fa=_("پروژه‌های محرومیت‌زدایی تکمیل‌شده"), name_en="Projects completed",
        definition_fa=_("پروژه‌های عمرانی محرومیت‌زدایی که در این دوره به پایان رسیدند."),
        definition_en="Deprivation-removal projects completed in the period.",
        columns=PROJECT_COLUMNS, related=("county",),
    ),
    _kpi(
        "projects_value_rial", P, module=Module.PROJECTS, unit=RIAL, exact=True, headline=True, daily=True,
        sources="projects.Project projects.ProjectFunding",
        name_fa=_("ارزش پروژه‌های تکمیل‌شده"), name_en="Value of completed projects",
        definition_fa=_("جمع ارزش ثبت‌شدهٔ (نقدی و غیرنقدی) پروژه‌هایی که در این دوره تکمیل شدند."),
        definition_en="The sum of the recorded value (cash and in-kind) of the projects completed in the period.",
        columns=PROJECT_VALUE_COLUMNS, related=("county",),
    ),
    _kpi(
        "services_value_rial", P, module=Module.PROJECTS, unit=RIAL, exact=True, headline=True, daily=True,
        sources="projects.DirectService",
        name_fa=_("ارزش خدمات مستقیم"), name_en="Value of direct services",
        definition_fa=_("ارزش خدمات مستقیمی که در این دوره ارائه شد."),
        definition_en="Value of direct services delivered in the period.",
        columns=SERVICE_COLUMNS, related=("county",),
    ),
    _kpi(
        "services_beneficiaries", P, module=Module.PROJECTS, unit=COUNT, exact=False,
        sources="projects.DirectService projects.ServiceBeneficiary",
        additive=False,
        name_fa=_("بهره‌مندان خدمات مستقیم"), name_en="Beneficiaries of direct services",
        definition_fa=_("افراد متمایزی که در این دوره خدمت مستقیم گرفتند، هر جا شناخته شده‌اند."),
        definition_en="Distinct beneficiaries of the direct services delivered in the period, where known.",
        columns=BENEFICIARY_COLUMNS, related=("service", "service__county"),
    ),
]  # fmt: skip

KPIS: dict[str, Kpi] = {k.code: k for k in KPI_LIST}
CODES: tuple[str, ...] = tuple(KPIS)
HEADLINE_CODES: tuple[str, ...] = tuple(k.code for k in KPI_LIST if k.headline)


def get_kpi(code: str) -> Kpi:
    try:
        return KPIS[code]
    except KeyError:
        raise KpiUnavailable(f"no KPI {code!r}") from None


PARTS: dict[str, Part] = {part.code: part for kpi in KPI_LIST for part in (*kpi.parts, *kpi.beside)}


def spread_to_counties(
    per_province: dict[str, dict[int, int]], area: Area
) -> dict[str, dict[int, int]]:
    """Province parts (working groups are provincial) per county of ``area``: each
    county gets its province's value. ``{code: {province: v}}`` → ``{code: {county: v}}``."""
    counties = list(County.objects.filter(area.counties_q()).values_list("pk", "province_id"))
    return {
        code: {c: values[p] for c, p in counties if p in values}
        for code, values in per_province.items()
    }


def record_value(record: Any, attr: str) -> Any:
    """The value of a drill-down column on one record (dotted path; callables called)."""
    value = record
    for part in attr.split("."):
        if value is None:
            return None
        value = getattr(value, part, None)
        if callable(value):
            value = value()
    return value
