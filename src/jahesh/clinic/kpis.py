"""The clinic's figures of kpis.md (cases opened and resolved, closures
prevented and their jobs, working-group resolutions), wired to its selectors;
``reports.registry`` lists them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jahesh.accounts.roles import Module
from jahesh.clinic import selectors as s
from jahesh.clinic.models import Case, Resolution, Session, WorkingGroup
from jahesh.core.kpis import COUNT, PERCENT, STATUS_COLUMN, DrillColumn, Kpi, parts
from jahesh.units.kpis import UNIT_COLUMNS
from jahesh.units.models import Unit

_C = DrillColumn
CASE_LINK = ("clinic:case_detail", "pk")
# The columns both lists of cases show.
CASE_NUMBER = _C("id", "شمارهٔ پرونده", "Case", "pk", link=CASE_LINK)
CASE_UNIT = (
    _C("unit", "واحد", "Unit", "unit.name"),
    _C("county", "شهرستان", "County", "unit.county.name"),
)
RESOLVED_ON = _C("resolved_on", "تاریخ حل", "Resolved", "resolved_on", "date")
CASE_COLUMNS = (
    CASE_NUMBER,
    _C("title", "عنوان", "Title", "title"),
    *CASE_UNIT,
    STATUS_COLUMN,
    _C("opened_on", "تاریخ گشایش", "Opened", "opened_on", "date"),
    RESOLVED_ON,
    _C("outcome", "نتیجه", "Outcome", "get_outcome_display"),
)
JOBS_PRESERVED_COLUMNS = (
    CASE_NUMBER,
    *CASE_UNIT,
    RESOLVED_ON,
    _C("jobs_preserved", "اشتغال حفظ‌شده", "Jobs preserved", "jobs_preserved", "count"),
)
RESOLUTION_COLUMNS = (
    _C("number", "شمارهٔ مصوبه", "No.", "number", link=("clinic:session_detail", "session_id")),
    _C("group", "کارگروه", "Working group", "session.group.name"),
    _C("text", "متن مصوبه", "Text", "text"),
    _C("agency", "دستگاه مسئول", "Agency", "agency.name"),
    _C("passed_on", "تاریخ تصویب", "Passed", "passed_on", "date"),
    _C("due_on", "مهلت اجرا", "Due", "due_on", "date"),
    STATUS_COLUMN,
    _C("done_on", "تاریخ اجرا", "Done", "done_on", "date"),
)
RESOLUTIONS = (Resolution, Session, WorkingGroup)  # what every resolution selector reads
RESOLUTION_RELATED = ("session", "session__group", "agency")

KPIS: tuple[Kpi, ...] = (
    Kpi(
        "cases_opened", module=Module.CLINIC, unit=COUNT, exact=True,
        parts=parts({"cases_opened": (s.kpi_cases_opened, s.kpi_cases_opened_daily)}, sources=(Case,)),
        name_fa=_("پرونده‌های گشوده"), name_en="Cases opened",
        definition_fa=_("پرونده‌های رفع موانع تولید که در این دوره گشوده شدند."),
        definition_en="Obstacle cases opened in the period.",
        records=s.kpi_cases_opened_records, columns=CASE_COLUMNS, related=("unit", "unit__county"),
    ),
    Kpi(
        "cases_resolved", module=Module.CLINIC, unit=COUNT, exact=True,
        parts=parts({"cases_resolved": (s.kpi_cases_resolved, s.kpi_cases_resolved_daily)}, sources=(Case,)),
        name_fa=_("پرونده‌های حل‌شده"), name_en="Cases resolved",
        definition_fa=_("پرونده‌های رفع موانع تولید که در این دوره حل شدند."),
        definition_en="Obstacle cases resolved in the period.",
        records=s.kpi_cases_resolved_records, columns=CASE_COLUMNS, related=("unit", "unit__county"),
    ),
    Kpi(
        # The records are units (the units module's), counted from the clinic's cases.
        "closures_prevented", module=Module.UNITS, unit=COUNT, exact=True, headline=True,
        parts=parts(
            {"closures_prevented": (s.kpi_closures_prevented, s.kpi_closures_prevented_daily)},
            sources=(Case, Unit), window=True,
        ),
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
        records=s.kpi_closures_prevented_records, columns=UNIT_COLUMNS, related=("county",),
    ),
    Kpi(
        "jobs_preserved", module=Module.CLINIC, unit=COUNT, exact=True,
        parts=parts(
            {"jobs_preserved": (s.kpi_jobs_preserved, s.kpi_jobs_preserved_daily)},
            sources=(Case, Unit), window=True,
        ),
        name_fa=_("اشتغال حفظ‌شده"), name_en="Jobs preserved",
        definition_fa=_("کارکنان واحدهای شمرده‌شده در «جلوگیری از تعطیلی»، هنگام حل پرونده."),
        definition_en="Employees, at resolution, of the units counted in closures prevented.",
        records=s.kpi_jobs_preserved_records, columns=JOBS_PRESERVED_COLUMNS,
        related=("unit", "unit__county"),
    ),
    Kpi(
        "resolutions_passed", module=Module.CLINIC, unit=COUNT, exact=True,
        parts=parts(
            {"resolutions_passed": (s.kpi_resolutions_passed, s.kpi_resolutions_passed_daily)},
            sources=RESOLUTIONS, place="province",
        ),
        name_fa=_("مصوبات کارگروه"), name_en="Resolutions passed",
        definition_fa=_("مصوبات کارگروه‌ها که در این دوره تصویب شدند."),
        definition_en="Working-group resolutions passed in the period.",
        records=s.kpi_resolutions_passed_records, columns=RESOLUTION_COLUMNS,
        related=RESOLUTION_RELATED,
    ),
    Kpi(
        "resolutions_executed_pct", module=Module.CLINIC, unit=PERCENT, exact=True,
        parts=parts(
            {
                "resolutions_due": (s.kpi_resolutions_due, s.kpi_resolutions_due_daily),
                "resolutions_done": (s.kpi_resolutions_done, s.kpi_resolutions_done_daily),
            },
            sources=RESOLUTIONS, place="province",
        ),
        combine=s.resolutions_executed_pct,
        name_fa=_("درصد اجرای مصوبات"), name_en="Resolutions carried out",
        definition_fa=_("سهم مصوباتی که مهلت اجرایشان در این دوره بود و اجرا شدند."),
        definition_en="Share of the resolutions due in the period that were carried out.",
        records=s.kpi_resolutions_executed_pct_records, columns=RESOLUTION_COLUMNS,
        related=RESOLUTION_RELATED,
    ),
)  # fmt: skip
