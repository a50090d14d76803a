"""The projects' and direct services' figures of kpis.md, wired to their
selectors; ``reports.registry`` lists them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jahesh.accounts.roles import Module
from jahesh.core.kpis import COUNT, COUNTY_COLUMN, RIAL, DrillColumn, Kpi, parts
from jahesh.projects import selectors as s
from jahesh.projects.models import DirectService, Project, ProjectFunding, ServiceBeneficiary

_C = DrillColumn
PROJECT_COLUMNS = (
    _C("title", "عنوان پروژه", "Project", "title", link=("projects:detail", "pk")),
    _C("kind", "نوع", "Kind", "get_kind_display"),
    COUNTY_COLUMN,
    _C("actual_end", "تاریخ پایان", "Completed", "actual_end", "date"),
)
PROJECT_VALUE_COLUMNS = (
    *PROJECT_COLUMNS,
    _C("value_rial", "ارزش (ریال)", "Value (rials)", "value_rial", "rial"),
)
SERVICE_COLUMNS = (
    _C("kind", "نوع خدمت", "Service", "get_kind_display"),
    COUNTY_COLUMN,
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

KPIS: tuple[Kpi, ...] = (
    Kpi(
        "projects_completed", module=Module.PROJECTS, unit=COUNT, exact=True, headline=True,
        parts=parts({"projects_completed": (s.kpi_projects_completed, s.kpi_projects_completed_daily)},
                    sources=(Project,)),
        name_fa=_("پروژه‌های محرومیت‌زدایی تکمیل‌شده"), name_en="Projects completed",
        definition_fa=_("پروژه‌های عمرانی محرومیت‌زدایی که در این دوره به پایان رسیدند."),
        definition_en="Deprivation-removal projects completed in the period.",
        records=s.kpi_projects_completed_records, columns=PROJECT_COLUMNS, related=("county",),
    ),
    Kpi(
        "projects_value_rial", module=Module.PROJECTS, unit=RIAL, exact=True, headline=True,
        parts=parts({"projects_value_rial": (s.kpi_projects_value_rial, s.kpi_projects_value_rial_daily)},
                    sources=(Project, ProjectFunding)),
        name_fa=_("ارزش پروژه‌های تکمیل‌شده"), name_en="Value of completed projects",
        definition_fa=_("جمع ارزش ثبت‌شدهٔ (نقدی و غیرنقدی) پروژه‌هایی که در این دوره تکمیل شدند."),
        definition_en="The sum of the recorded value (cash and in-kind) of the projects completed in the period.",
        records=s.kpi_projects_value_rial_records, columns=PROJECT_VALUE_COLUMNS, related=("county",),
    ),
    Kpi(
        "services_value_rial", module=Module.PROJECTS, unit=RIAL, exact=True, headline=True,
        parts=parts({"services_value_rial": (s.kpi_services_value_rial, s.kpi_services_value_rial_daily)},
                    sources=(DirectService,)),
        name_fa=_("ارزش خدمات مستقیم"), name_en="Value of direct services",
        definition_fa=_("ارزش خدمات مستقیمی که در این دوره ارائه شد."),
        definition_en="Value of direct services delivered in the period.",
        records=s.kpi_services_value_rial_records, columns=SERVICE_COLUMNS, related=("county",),
    ),
    Kpi(
        # Distinct people over areas that do not add up: day rows per county,
        # province and the country, each with the person's previous service there.
        "services_beneficiaries", module=Module.PROJECTS, unit=COUNT, exact=False,
        parts=parts({"services_beneficiaries": (s.kpi_services_beneficiaries,
                                                s.kpi_services_beneficiaries_daily)},
                    sources=(DirectService, ServiceBeneficiary), additive=False, distinct=True),
        name_fa=_("بهره‌مندان خدمات مستقیم"), name_en="Beneficiaries of direct services",
        definition_fa=_("افراد متمایزی که در این دوره خدمت مستقیم گرفتند، هر جا شناخته شده‌اند."),
        definition_en="Distinct beneficiaries of the direct services delivered in the period, where known.",
        records=s.kpi_services_beneficiaries_records, columns=BENEFICIARY_COLUMNS,
        related=("service", "service__county"),
    ),
)  # fmt: skip
