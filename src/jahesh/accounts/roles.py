"""Roles, the scope each one works in, and the modules each one may open.

This is the one table of who may use what; the menu, the scoping mechanism
(``jahesh.accounts.scoping``) and the services all read it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("مدیر سامانه")
    HQ_MANAGER = "hq_manager", _("مدیر قرارگاه")
    COUNTY_OFFICER = "county_officer", _("کارشناس شهرستان")
    CLINIC_EXPERT = "clinic_expert", _("کارشناس کلینیک صنعت")
    FUND_MANAGER = "fund_manager", _("مدیر صندوق قرض‌الحسنه")
    VOLUNTEER_COORDINATOR = "volunteer_coordinator", _("هماهنگ‌کننده نیروهای جهادی")
    PROJECT_MANAGER = "project_manager", _("مدیر پروژه‌ها")
    VIEWER = "viewer", _("ناظر (فقط آمار)")


class ScopeKind(models.TextChoices):
    COUNTRY = "country", _("کل کشور")
    PROVINCE = "province", _("استان")
    COUNTY = "county", _("شهرستان")
    ASSIGNMENT = "assignment", _("موارد ارجاع‌شده")  # experts, fund managers


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
    DASHBOARD = "reports", _("داشبورد و گزارش‌ها")
    UNITS = "units", _("واحدهای تولیدی")
    CLINIC = "clinic", _("کلینیک صنعت")
    FUNDS = "funds", _("صندوق‌های قرض‌الحسنه")
    VOLUNTEERS = "volunteers", _("نیروهای جهادی")
    PROJECTS = "projects", _("پروژه‌ها و خدمات مستقیم")
    GEO = "geo", _("جغرافیا")
    PEOPLE = "people", _("کاربران")  # managing the users of one's province


_ALL = frozenset(Module.values)

ROLE_MODULES: dict[str, frozenset[str]] = {
    Role.ADMIN: _ALL,
    Role.HQ_MANAGER: _ALL,
    Role.COUNTY_OFFICER: _ALL - {Module.PEOPLE},
    Role.CLINIC_EXPERT: frozenset({Module.UNITS, Module.CLINIC, Module.GEO}),
    Role.FUND_MANAGER: frozenset({Module.FUNDS, Module.GEO}),
    Role.VOLUNTEER_COORDINATOR: frozenset(
        {Module.DASHBOARD, Module.VOLUNTEERS, Module.PROJECTS, Module.GEO}
    ),
    Role.PROJECT_MANAGER: frozenset({Module.DASHBOARD, Module.PROJECTS, Module.GEO}),
    # Viewers read aggregates only: the dashboard, never a personal record.
    Role.VIEWER: frozenset({Module.DASHBOARD, Module.GEO}),
}


def assignable_roles(manager_role: str) -> list[str]:
    """The roles a manager of people may give: up to their own (an admin any;
    a headquarters manager any but admin)."""
    if manager_role == Role.ADMIN:
        return list(Role.values)
    if Module.PEOPLE in ROLE_MODULES.get(manager_role, frozenset()):
        return [r for r in Role.values if r != Role.ADMIN]
    return []
