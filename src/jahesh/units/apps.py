from __future__ import annotations

from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "jahesh.units"
    label = "units"
    verbose_name = "واحدهای تولیدی"

    def ready(self) -> None:
        # Models and the modules that import them load only once the app
        # registry is ready, so ready() imports them here.
        from jahesh.accounts.roles import Module
        from jahesh.accounts.scoping import ScopePolicy, register
        from jahesh.units import models as m

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
