"""The scope policies of units and what is recorded about them, registered once
the app registry is ready."""

from __future__ import annotations

from jahesh.accounts.roles import Module
from jahesh.accounts.scoping import ScopePolicy, register
from jahesh.units import models as m


def connect() -> None:
    # A unit and everything recorded about it live in the unit's county.
    # The province path uses the unit's own province column (no join to geo_county).
    register(m.Unit, ScopePolicy(module=Module.UNITS, county="county", province="province"))
    for model in (m.Visit, m.StatusChange, m.RiskAssessment):
        register(
            model,
            ScopePolicy(module=Module.UNITS, county="unit__county", province="unit__province"),
        )
    register(
        m.VisitPhoto,
        ScopePolicy(
            module=Module.UNITS, county="visit__unit__county", province="visit__unit__province"
        ),
    )
