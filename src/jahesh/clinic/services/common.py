"""What the clinic's writes share: who manages and who works in the clinic, its
settings, the day of a moment."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from jahesh.accounts.roles import Role
from jahesh.accounts.scoping import effective_role
from jahesh.clinic.models import ClinicSettings
from jahesh.core.daily import once

MANAGERS = frozenset({Role.ADMIN, Role.HQ_MANAGER, Role.COUNTY_OFFICER})
WORKERS = MANAGERS | {Role.CLINIC_EXPERT}


def clinic_settings() -> ClinicSettings:
    """The clinic's settings (read once per ``core.daily.shared`` block: a bulk
    writer checks thousands of moves)."""
    return once(_settings_read)


def _settings_read() -> ClinicSettings:
    return ClinicSettings.objects.first() or ClinicSettings.objects.create()


def user_role(user: Any) -> str:
    if user is None:
        return ""
    return effective_role(user) or ""


def _today(now: datetime.datetime) -> datetime.date:
    return timezone.localdate(now)
