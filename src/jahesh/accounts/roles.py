"""Roles, the scope each one works in, and the modules each one may open.

This is the one table of who may use what; the menu, the scoping mechanism
(``jahesh.accounts.scoping``) and the services all read it.
"""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "مدیر سامانه"
    HQ_MANAGER = "hq_manager", "مدیر قرارگاه"
    COUNTY_OFFICER = "county_officer", "کارشناس شهرستان"
    CLINIC_EXPERT = "clinic_expert", "کارشناس کلینیک صنعت"
    FUND_MANAGER = "fund_manager", "مدیر صندوق قرض‌الحسنه"
    VOLUNTEER_COORDINATOR = "volunteer_coordinator", "هماهنگ‌کننده نیروهای جهادی"
    PROJECT_MANAGER = "project_manager", "مدیر پروژه‌ها"
    VIEWER = "viewer", "ناظر (فقط آمار)"


class ScopeKind(models.TextChoices):
    COUNTRY = "country", "کل کشور"
    PROVINCE = "province", "استان"
    COUNTY = "county", "شهرستان"
    ASSIGNMENT = "assignment", "موارد ارجاع‌شده"  # experts, fund managers


# Which kind of scope each role works in.
ROLE_SCOPE: dict[str, str] = {
    Role.ADMIN: ScopeKind.COUNTRY,
    Role.HQ_MANAGER: ScopeKind.PROVINCE,
    Role.COUNTY_OFFICER: ScopeKind.COUNTY,
    Role.CLINIC_EXPERT: ScopeKind.ASSIGNMENT,
    Role.FUND_MANAGER: ScopeKind.ASSIGNMENT,
    Role.VOLUNTEER_COORDINATOR: ScopeKind.PROVINCE,
    Role.PROJECT_MANAGER: ScopeKind.PROVINCE,
    Role.VIEWER: ScopeKind.PROVINCE,
}


class Module(models.TextChoices):
    DASHBOARD = "reports", "داشبورد و گزارش‌ها"
    UNITS = "units", "واحدهای تولیدی"
    CLINIC = "clinic", "کلینیک صنعت"
    FUNDS = "funds", "صندوق‌های قرض‌الحسنه"
    VOLUNTEERS = "volunteers", "نیروهای جهادی"
    PROJECTS = "projects", "پروژه‌ها و خدمات مستقیم"
    GEO = "geo", "جغرافیا"


_ALL = frozenset(Module.values)

ROLE_MODULES: dict[str, frozenset[str]] = {
    Role.ADMIN: _ALL,
    Role.HQ_MANAGER: _ALL,
    Role.COUNTY_OFFICER: _ALL,
    Role.CLINIC_EXPERT: frozenset({Module.UNITS, Module.CLINIC, Module.GEO}),
    Role.FUND_MANAGER: frozenset({Module.FUNDS, Module.GEO}),
    Role.VOLUNTEER_COORDINATOR: frozenset(
        {Module.DASHBOARD, Module.VOLUNTEERS, Module.PROJECTS, Module.GEO}
    ),
    Role.PROJECT_MANAGER: frozenset({Module.DASHBOARD, Module.PROJECTS, Module.GEO}),
    # Viewers read aggregates only: the dashboard, never a personal record.
    Role.VIEWER: frozenset({Module.DASHBOARD, Module.GEO}),
}
