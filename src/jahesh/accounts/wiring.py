"""What accounts plugs into the house once the app registry is ready: the scope
policies of import jobs, users and the geography (public reference data,
registered here since geo sits below accounts), the scoped() hook core reads,
and the receivers of accounts.signals."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from jahesh.accounts import signals  # noqa: F401  (importing it connects the receivers)
from jahesh.accounts.models import User
from jahesh.accounts.roles import Module
from jahesh.accounts.scoping import ScopePolicy, forget_county_provinces, register, scoped
from jahesh.accounts.services import api_token_uses_store
from jahesh.core import hooks
from jahesh.core.models import ImportJob
from jahesh.geo.models import City, Closure, County, District, Province, RuralDistrict, Village


def _token_uses_store() -> None:
    api_token_uses_store(now=timezone.now())


def connect() -> None:
    # An import job is its owner's (admins see all), whatever it imports.
    register(ImportJob, ScopePolicy(module=Module.DASHBOARD, owner="user", personal=False))
    # Users, for the people pages: a headquarters manager reaches the users of
    # their province (a county officer's province follows their county).
    register(User, ScopePolicy(module=Module.PEOPLE, province="province"))
    hooks.scoped = scoped
    # A read's use of an API token waits in the cache (reads never write): the
    # worker puts it on the token's row.
    hooks.periodic.append(_token_uses_store)
    # Geography is public reference data: every signed-in user reads all of
    # it (a Markazi officer still picks a village of Tehran for a volunteer's
    # address). Registered here, not in geo, since geo sits below accounts.
    # Limiting which counties a *form* offers is a different rule:
    # see places.counties_for_user.
    # Closures too: the days they close hold everyone's deadlines.
    for model in (Province, County, District, City, RuralDistrict, Village, Closure):
        register(model, ScopePolicy(module=Module.GEO, public=True, personal=False))
    # A county's province as areas read it (scoping.county_province): an edit forgets it.
    for signal in (post_save, post_delete):
        signal.connect(
            forget_county_provinces,
            sender=County,
            dispatch_uid=f"forget-county-provinces-{signal is post_save}",
        )
