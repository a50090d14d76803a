"""What awaits a user among the production units (the inbox's provider): units
of their scope due for a monitoring visit this week, by the visit plan's one
rule (``selectors.visits_due``), most overdue first."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jahesh.accounts.roles import Module
from jahesh.core.inbox import Entry, Provider
from jahesh.units import selectors
from jahesh.units.models import Unit

WEEK = datetime.timedelta(days=7)


def _due_rows(*, user: Any, today: datetime.date) -> QuerySet[Unit]:
    return selectors.visits_due(user=user, on=today + WEEK)


def _due_entry(unit: Unit, today: datetime.date) -> Entry:
    return (
        _("بازدید پایش %(unit)s، %(county)s") % {"unit": unit.name, "county": unit.county},
        reverse("units:detail", args=[unit.pk]),
        selectors.visit_due_on(unit=unit) or today,
    )


PROVIDERS = (
    Provider("visit_due", gettext_lazy("بازدید پایش سررسیده"), Module.UNITS, _due_rows, _due_entry),
)
