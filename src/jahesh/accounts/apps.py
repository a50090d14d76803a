from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "jahesh.accounts"
    label = "accounts"
    verbose_name = "کاربران و دسترسی"

    def ready(self) -> None:
        # Models and the modules that import them load only once the app
        # registry is ready, so ready() imports them here.
        from jahesh.accounts import signals  # noqa: F401  (connects the receivers)
        from jahesh.accounts.roles import Module
        from jahesh.accounts.scoping import ScopePolicy, register, scoped
        from jahesh.core import hooks
        from jahesh.core.models import ImportJob
        from jahesh.geo.models import (
            City,
            Closure,
            County,
            District,
            Province,
            RuralDistrict,
            Village,
        )

        # An import job is its owner's (admins see all), whatever it imports.
        register(ImportJob, ScopePolicy(module=Module.DASHBOARD, owner="user", personal=False))
        # Users, for the people pages: a headquarters manager reaches the users of
        # their province (a county officer's province follows their county).
        from jahesh.accounts.models import User

        register(User, ScopePolicy(module=Module.PEOPLE, province="province"))
        hooks.scoped = scoped
        # Geography is public reference data: every signed-in user reads all of
        # it (a Markazi officer still picks a village of Tehran for a volunteer's
        # address). Registered here, not in geo, since geo sits below accounts.
        # Limiting which counties a *form* offers is a different rule:
        # see places.counties_for_user.
        # Closures too: the days they close hold everyone's deadlines.
        for model in (Province, County, District, City, RuralDistrict, Village, Closure):
            register(model, ScopePolicy(module=Module.GEO, public=True, personal=False))
