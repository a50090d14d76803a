from __future__ import annotations

from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "jahesh.geo"
    label = "geo"
    verbose_name = "جغرافیا"

    def ready(self) -> None:
        from jahesh.accounts.roles import Module
        from jahesh.accounts.scoping import ScopePolicy, register
        from jahesh.geo.models import (
            City,
            Closure,
            County,
            District,
            Province,
            RuralDistrict,
            Village,
        )

        # Geography is public reference data: every signed-in user reads all of
        # it (a Markazi officer still picks a village of Tehran for a volunteer's
        # address). Limiting which counties a *form* offers is a different rule:
        # see selectors.counties_for_user.
        # Closures too: the days they close hold everyone's deadlines.
        for model in (Province, County, District, City, RuralDistrict, Village, Closure):
            register(model, ScopePolicy(module=Module.GEO, public=True, personal=False))
