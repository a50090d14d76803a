"""Geography as a user reads and picks it: every list goes through the scoping
mechanism (geography is public to signed-in users, nothing to anonymous ones),
and a form's county picker offers only the counties the user may record in."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from jahesh.accounts.roles import Role, ScopeKind
from jahesh.accounts.scoping import area_for, can_use_module, effective_role, scope_kind, scoped
from jahesh.core.errors import NotFound
from jahesh.geo.models import City, Closure, County, Province, Village
from jahesh.geo.selectors import place_search

PlaceT = TypeVar("PlaceT", Province, County, City, Village)


def province_list(*, user: Any) -> QuerySet[Province]:
    return scoped(user, Province).order_by("name")


def _one(user: Any, model: type[PlaceT], pk: int, missing: str) -> PlaceT:
    """The place ``pk`` the user may see; else ``NotFound`` with ``missing``
    (its ``{id}`` filled)."""
    place = scoped(user, model).filter(pk=pk).first()
    if place is None:
        raise NotFound(missing.format(id=pk))
    return place


def _within(
    user: Any, places: QuerySet[PlaceT], parent: str, parent_id: int | None
) -> QuerySet[PlaceT]:
    """``places`` of one parent (``parent`` is ``"province"`` or ``"county"``) when
    ``parent_id`` is given; a parent the user may not see → ``NotFound``."""
    if parent_id is None:
        return places
    if parent == "province":
        province_get(user=user, province_id=parent_id)
    else:
        county_get(user=user, county_id=parent_id)
    return places.filter(**{f"{parent}_id": parent_id})


def province_get(*, user: Any, province_id: int) -> Province:
    return _one(user, Province, province_id, _("استانی با شناسهٔ {id} وجود ندارد."))


def county_get(*, user: Any, county_id: int) -> County:
    return _one(user, County, county_id, _("شهرستانی با شناسهٔ {id} وجود ندارد."))


def county_list(*, user: Any, province_id: int | None = None) -> QuerySet[County]:
    """Counties, of one province when given (a province that does not exist → NotFound)."""
    return _within(user, scoped(user, County).order_by("name"), "province", province_id)


def city_list(*, user: Any, county_id: int | None = None) -> QuerySet[City]:
    return _within(user, scoped(user, City).order_by("name"), "county", county_id)


def village_list(
    *,
    user: Any,
    county_id: int | None = None,
    q: str | None = None,
    deprived: bool | None = None,
) -> QuerySet[Village]:
    """Villages, optionally of one county, matching ``q`` (a name in any
    spelling, or the start of a code) and/or flagged deprived."""
    villages = _within(user, scoped(user, Village).order_by("name", "id"), "county", county_id)
    if deprived is not None:
        villages = villages.filter(is_deprived=deprived)
    return place_search(villages, q)


def counties_for_user(user: Any, *, module: str | None = None) -> QuerySet[County]:
    """The counties a user may choose in a form (where they may record things).

    Every app's forms offer these and no others. Users scoped by place get the
    counties of their scope (``accounts.scoping.area_for``: all, their
    province's, or their county). Roles scoped by assignment (clinic experts,
    fund managers) are not limited by place — what they record is reached
    through their fund or case, not its county — so they get every county.
    With ``module``, a role that may not use that module gets none. Anonymous
    and inactive users get none.
    """
    counties = County.objects.select_related("province").order_by("name")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return counties.none()
    if module is not None and not can_use_module(user, module):
        return counties.none()
    if scope_kind(user) == ScopeKind.ASSIGNMENT:
        return counties
    try:
        area = area_for(user)
    except Http404:
        return counties.none()
    return counties.filter(area.counties_q())


def county_options(*, user: Any, province_id: int | None = None) -> QuerySet[County]:
    """What a county picker offers: the user's counties, of one province when given."""
    counties = counties_for_user(user)
    if province_id is not None:
        counties = counties.filter(province_id=province_id)
    return counties


def place_options(
    *, user: Any, county_id: int | None, kind: str = "all", q: str | None = None, limit: int = 500
) -> dict[str, Any]:
    """A county's cities and villages for a picker, matching ``q``, at most
    ``limit`` villages; ``more`` is how many villages did not fit. No county → nothing."""
    cities, villages = City.objects.none(), Village.objects.none()
    if county_id is not None:
        if kind in ("city", "all"):
            cities = place_search(scoped(user, City).filter(county_id=county_id), q)
        if kind in ("village", "all"):
            villages = place_search(scoped(user, Village).filter(county_id=county_id), q)
    city_rows = list(cities.order_by("name").only("id", "name", "is_deprived"))
    page = list(villages.order_by("name").only("id", "name", "is_deprived")[: limit + 1])
    more = 0
    if len(page) > limit:
        page = page[:limit]
        more = villages.count() - limit
    return {"cities": city_rows, "villages": page, "more": more}


def is_calendar_admin(user: Any) -> bool:
    """Who may add and remove closures: the system's administrators."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return effective_role(user) == Role.ADMIN


def closure_list(*, user: Any, year: int | None = None) -> QuerySet[Closure]:
    """Closures (country and provinces), newest day first. Reference data: the
    days they close hold every signed-in user's deadlines."""
    qs = scoped(user, Closure).select_related("province")
    if year is not None:
        qs = qs.filter(on__year=year)
    return qs.order_by("-on", "province__name")
