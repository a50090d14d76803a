"""The clinic's panel on the unit page: the unit's obstacle cases (scoped)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _

from jahesh.accounts.roles import Module
from jahesh.accounts.scoping import can_use_module, scoped
from jahesh.clinic.models import Case
from jahesh.clinic.services import MANAGERS, user_role


def unit_cases_panel(request: HttpRequest, unit) -> dict | None:

    if not can_use_module(request.user, Module.CLINIC):
        return None

    role = user_role(request.user)
    cases = list(
        scoped(request.user, Case.objects.filter(unit=unit))
        .select_related("category", "expert", "agency")
        .order_by("-id")[:20]
    )
    return {
        "title": _("پرونده‌های مانع (کلینیک صنعت)"),
        "template": "clinic/partials/unit_cases_panel.html",
        "context": {"cases": cases, "unit": unit, "can_open": role in MANAGERS},
    }
