"""The one scoping mechanism.

Every queryset that a page, an API route, an export or a report reads goes
through :func:`scoped` (or :func:`get_scoped_or_404`). Each app registers, once,
how its models reach geography and assignments (:func:`register`); the rules
of who sees what live here and nowhere else:

* anonymous: nothing;
* admin, and provincial roles marked nationwide: everything in their modules;
* provincial roles (hq_manager, volunteer_coordinator, project_manager,
  viewer): records whose county lies in their province;
* county_officer: records in their county;
* clinic_expert, fund_manager: records reached through the policy's
  assignment path for that role (cases assigned to the expert and their
  units; the funds the user manages);
* a role that may not use the model's module sees nothing, and a viewer never
  sees a personal record (aggregates only);
* a row that links a record to a person or another record (a membership, a
  roster entry, a certificate) is seen only when the linked record is seen too
  (the policy's ``through``).

Out-of-scope records answer 404, never 403, so nothing leaks their existence.

Lists inside a record (a group's members, a camp's roster and groups, a
session's attendees and agenda) show only the rows the reader may open on their
own, and say how many others were left out (:func:`scoped_nested`); a single
linked record (a group's leader) is shown only when :func:`scope_exists` holds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, Generic, TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy

from jahesh.accounts.roles import ROLE_MODULES, ROLE_SCOPE, Module, Role, ScopeKind
from jahesh.core.errors import Forbidden
from jahesh.core.prepared import aggregate_total
from jahesh.geo.models import County

M = TypeVar("M", bound=models.Model)

_NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class ScopePolicy:
    """How one model is scoped.

    module: the module (``roles.Module``) the model belongs to.
    county: lookup path from the model to ``geo.County`` ("county", "unit__county").
    province: lookup path to ``geo.Province``; default ``<county>__province``.
    assigned: per role, a lookup path from the model to the user it is assigned
        to ({"clinic_expert": "expert__user"}, {"fund_manager": "fund__managers"}).
    personal: holds personal data, so viewers never see it.
    public: reference data every signed-in user may read (geography).
    owner: lookup path to the user a record belongs to (an import job): its
        owner sees it, admins see all, nobody else does, whatever the module.
    through: lookup paths to the records a row shows (a membership's
        ("volunteer",)): the row is in scope only when each of them is too, so
        an Arak group lists no Saveh volunteer to Arak's officer.
    """

    module: str
    county: str | None = None
    province: str | None = None
    assigned: dict[str, str] = field(default_factory=dict)
    personal: bool = True
    public: bool = False
    owner: str | None = None
    through: tuple[str, ...] = ()

    @property
    def province_path(self) -> str | None:
        if self.province:
            return self.province
        return f"{self.county}__province" if self.county else None


_registry: dict[type[models.Model], ScopePolicy] = {}


def register(model: type[models.Model], policy: ScopePolicy) -> None:
    """Declare how ``model`` is scoped. Call from the app's ``AppConfig.ready``."""
    _registry[model] = policy


def extend(model: type[models.Model], *, assigned: dict[str, str]) -> None:
    """Add assignment paths to a registered model from an app that builds on it
    (the clinic lets experts see the units of their cases)."""
    policy = policy_for(model)
    _registry[model] = ScopePolicy(
        module=policy.module,
        county=policy.county,
        province=policy.province,
        assigned={**policy.assigned, **assigned},
        personal=policy.personal,
        public=policy.public,
        owner=policy.owner,
        through=policy.through,
    )


def policy_for(model: type[models.Model]) -> ScopePolicy:
    model = model._meta.concrete_model or model
    try:
        return _registry[model]
    except KeyError:
        raise LookupError(
            f"{model._meta.label} has no scope policy: register it in its app's ready()"
        ) from None


def effective_role(user: Any) -> str | None:
    """The role every rule reads: a superuser is an admin whatever their role
    field says; None for a user without one (anonymous)."""
    if getattr(user, "is_superuser", False):
        return Role.ADMIN
    return getattr(user, "role", None)


def scope_kind(user: Any) -> str | None:
    """The kind of scope ``user`` works in (``ScopeKind``), None when they have none."""
    return ROLE_SCOPE.get(effective_role(user) or "")


def sees_whole_country(user: Any) -> bool:
    """Whether ``user``'s place is the whole country (an admin, a nationwide
    provincial role), so a form lets them pick any province."""
    kind = scope_kind(user)
    return kind == ScopeKind.COUNTRY or (kind == ScopeKind.PROVINCE and bool(user.nationwide))


def can_use_module(user: Any, module: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return module in ROLE_MODULES.get(user.role, frozenset())


def module_access_key(user: Any) -> tuple[Any, ...]:
    """Everything :func:`can_use_module` reads of ``user``: two users with the same
    key may use the same modules (a cache of what depends only on that, the menu)."""
    return (bool(getattr(user, "is_authenticated", False)), bool(getattr(user, "is_active", False)),
            bool(getattr(user, "is_superuser", False)), getattr(user, "role", None))  # fmt: skip


class ModuleDenied(PermissionDenied):
    """A page of a module the user's role may not use: 403, saying which module and
    which roles may. (A whole module is not a record, so naming it leaks nothing;
    records out of scope still answer 404.)"""

    def __init__(self, module: str) -> None:
        super().__init__(module)
        self.module = module

    @property
    def module_label(self) -> str:
        return str(Module(self.module).label)

    @property
    def role_labels(self) -> list[str]:
        return [str(Role(r).label) for r in Role.values if self.module in ROLE_MODULES[r]]


def require_module(user: Any, module: str) -> None:
    """Let a page of ``module`` go on, or answer 403 (``ModuleDenied``)."""
    if not can_use_module(user, module):
        raise ModuleDenied(module)


def module_required(
    module: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A view decorator: signed in (else the login page), and a role that may
    open ``module`` (else 403 naming it, :func:`require_module`)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            require_module(request.user, module)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


# What the API answers a role without the module (403): the module's words.
_API_DENIED: dict[str, object] = {
    Module.UNITS: gettext_lazy("کار با واحدهای تولیدی با نقش شما ممکن نیست."),
    Module.FUNDS: gettext_lazy("کار با صندوق‌های قرض‌الحسنه با نقش شما ممکن نیست."),
    Module.VOLUNTEERS: gettext_lazy("کار با نیروهای جهادی با نقش شما ممکن نیست."),
    Module.PROJECTS: gettext_lazy("ثبت پروژه و خدمت با نقش شما ممکن نیست."),
}


def api_require_module(user: Any, module: str) -> None:
    """The API's :func:`require_module`: a role without ``module`` gets 403 with
    the ``{message, errors}`` body (``core.errors.Forbidden``)."""
    if not can_use_module(user, module):
        raise Forbidden(_API_DENIED.get(module) or ModuleDenied(module).module_label)


def scope_q(user: Any, model: type[models.Model]) -> Q:
    """The filter that limits ``model`` to what ``user`` may see."""
    policy = policy_for(model)
    q = _own_scope_q(user, policy)
    for path in policy.through if q != _NOTHING else ():
        target = _model_at(model, path)
        target_q = scope_q(user, target)
        if target_q == _NOTHING:
            return _NOTHING
        if target_q != Q():
            q &= Q(**{f"{path}__in": target._default_manager.filter(target_q).values("pk")})
    return q


def _model_at(model: type[models.Model], path: str) -> type[models.Model]:
    for name in path.split("__"):
        related = model._meta.get_field(name).related_model
        if related is None or isinstance(related, str):
            raise LookupError(f"{model._meta.label}.{name} is not a relation")
        model = related
    return model


def _own_scope_q(user: Any, policy: ScopePolicy) -> Q:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return _NOTHING
    if policy.public:
        return Q()
    if policy.owner:
        is_admin = user.is_superuser or user.role == Role.ADMIN
        return Q() if is_admin else Q(**{policy.owner: user.pk})
    if not can_use_module(user, policy.module):
        return _NOTHING
    role = effective_role(user)
    if role == Role.VIEWER and policy.personal:
        return _NOTHING
    kind = scope_kind(user)
    if kind == ScopeKind.COUNTRY:
        return Q()
    if kind == ScopeKind.PROVINCE:
        if user.nationwide:
            return Q()
        path = policy.province_path
        if path is None or user.province_id is None:
            return _NOTHING
        return Q(**{path: user.province_id})
    if kind == ScopeKind.COUNTY:
        if policy.county is None or user.county_id is None:
            return _NOTHING
        return Q(**{policy.county: user.county_id})
    if kind == ScopeKind.ASSIGNMENT:
        path = policy.assigned.get(role or "")
        return Q(**{path: user.pk}) if path else _NOTHING
    return _NOTHING


def scoped(user: Any, source: QuerySet[M] | type[M]) -> QuerySet[M]:
    """``source`` (a model or queryset) limited to what ``user`` may see.

    Assignment paths can cross to-many relations, so those results are made
    distinct.
    """
    qs = source if isinstance(source, QuerySet) else source._default_manager.all()
    q = scope_q(user, qs.model)
    if q == _NOTHING:
        return qs.none()
    qs = qs.filter(q)
    role = getattr(user, "role", None)
    policy = policy_for(qs.model)
    if role in policy.assigned and "__" in policy.assigned[role]:
        qs = qs.distinct()
    return qs


def get_scoped_or_404(user: Any, source: QuerySet[M] | type[M], **lookup: Any) -> M:
    """One record within the user's scope, or Http404 (never 403)."""
    try:
        return scoped(user, source).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404("یافت نشد") from None


def module_record_or_404(user: Any, module: str, source: QuerySet[M] | type[M], **lookup: Any) -> M:
    """A page's record of ``module``: 403 without the module (:func:`require_module`),
    404 out of scope (:func:`get_scoped_or_404`)."""
    require_module(user, module)
    return get_scoped_or_404(user, source, **lookup)


def api_record_or_404(user: Any, module: str, source: QuerySet[M] | type[M], **lookup: Any) -> M:
    """The API's :func:`module_record_or_404` (403 with the API's body)."""
    api_require_module(user, module)
    return get_scoped_or_404(user, source, **lookup)


def users_in_scope(record: models.Model) -> QuerySet[Any]:
    """The active users who may open ``record``: the inverse of :func:`scoped`,
    read from the same policy, so "who may act on this" (a loan's checkers, the
    people to remind) never disagrees with who sees it. Rows of a policy with
    ``through`` paths are answered by their own place only (the linked records are
    not consulted); no such model is asked today."""
    User = get_user_model()
    model = type(record)._meta.concrete_model or type(record)
    policy = policy_for(model)
    users = User._default_manager.filter(is_active=True)
    if policy.public:
        return users
    admins = Q(is_superuser=True) | Q(role=Role.ADMIN)
    if policy.owner:
        return users.filter(admins | Q(pk=getattr(record, f"{policy.owner}_id", None)))
    place = {"county": policy.county, "province": policy.province_path}
    values = (
        model._default_manager.filter(pk=record.pk)
        .values(**{k: models.F(v) for k, v in place.items() if v})
        .first()
        or {}
    )
    q = Q(is_superuser=True)
    for role in Role.values:
        if policy.module not in ROLE_MODULES.get(role, frozenset()):
            continue
        if role == Role.VIEWER and policy.personal:
            continue
        kind, here = ROLE_SCOPE.get(role), Q(role=role)
        if kind == ScopeKind.COUNTRY:
            q |= here
        elif kind == ScopeKind.PROVINCE:
            q |= here & (Q(nationwide=True) | Q(province_id=values.get("province", -1)))
        elif kind == ScopeKind.COUNTY and values.get("county") is not None:
            q |= here & Q(county_id=values["county"])
        elif kind == ScopeKind.ASSIGNMENT and role in policy.assigned:
            path = policy.assigned[role]
            ids = model._default_manager.filter(pk=record.pk).values(path)
            q |= here & Q(pk__in=ids)
    return users.filter(q)


# --- Nesting ------------------------------------------------------------------
# A record the reader may open can list people and records they may not (an
# Arak group's member from Saveh). Such rows are left out, and the list says
# how many: a count, never a name or any other field of theirs.


@dataclass(frozen=True)
class Nested(Generic[M]):
    """A list inside a record: the rows the reader may see, and how many were left out."""

    rows: QuerySet[M]
    hidden: int


def scoped_nested(user: Any, source: QuerySet[M]) -> Nested[M]:
    """The rows of ``source`` (all the rows of a list inside a record already
    opened in scope: ``camp.groups.all()``, a group's memberships) that ``user``
    may see, and the number of the others."""
    rows = scoped(user, source)
    return Nested(rows=rows, hidden=source.count() - rows.count())


def scope_exists(user: Any, model: type[models.Model], path: str) -> Exists:
    """An annotation: whether the ``model`` record at ``path`` (a group's
    ``leader``) is one ``user`` may open, so a page shows it or only says it is
    out of scope."""
    return Exists(scoped(user, model).filter(pk=OuterRef(path)))


# --- Aggregates -----------------------------------------------------------
# Figures (KPIs, dashboards, the public page) count records a user may not open
# one by one (a viewer reads aggregates only). They are limited by *area*
# instead: the place asked for, clamped to the place the user works in.


@dataclass(frozen=True)
class Area:
    """A geographic scope for aggregates: the country, a province or a county."""

    province_id: int | None = None
    county_id: int | None = None

    @property
    def kind(self) -> str:
        if self.county_id is not None:
            return ScopeKind.COUNTY
        if self.province_id is not None:
            return ScopeKind.PROVINCE
        return ScopeKind.COUNTRY

    def q(self, county_path: str) -> Q:
        """Filter for records whose county is reached by ``county_path``."""
        if self.county_id is not None:
            return Q(**{county_path: self.county_id})
        if self.province_id is not None:
            return Q(**{f"{county_path}__province": self.province_id})
        return Q()

    def totals(
        self, qs: QuerySet, county_path: str, value: Any, *, by: str | None = None, scale: int = 1
    ) -> dict[int | None, int]:
        """The aggregate ``value`` over the records of ``qs`` inside this area: one
        total (``{None: v}``), or one per county / per province (``by``), keyed by
        the place's id (places without records are absent). Every KPI selector
        answers through this, so a figure and its breakdown are one query each.
        ``scale`` turns a decimal sum into whole units (10: tenths of an hour)."""
        qs = qs.filter(self.q(county_path)).order_by()
        if by is None:  # one aggregate, which a recount may compile once (core.prepared)
            return {None: aggregate_total(qs, value, scale=scale)}
        key = {"county": county_path, "province": f"{county_path}__province"}[by]
        rows = qs.values(key).annotate(v=value).values_list(key, "v")
        return {k: round((v or 0) * scale) for k, v in rows}

    def province_totals(
        self, qs: QuerySet, province_path: str, value: Any, *, by: str | None = None
    ) -> dict[int | None, int]:
        """:meth:`totals` for records that belong to a province, not a county
        (working groups): a county's figure is its province's; ``by`` may only be
        ``"province"``."""
        if by == "county":
            raise ValueError("province records have no county breakdown")
        if self.province_id is not None:
            qs = qs.filter(**{province_path: self.province_id})
        qs = qs.order_by()
        if by is None:
            return {None: aggregate_total(qs, value)}
        rows = qs.values(province_path).annotate(v=value).values_list(province_path, "v")
        return {k: int(v or 0) for k, v in rows}

    def counties_q(self) -> Q:
        """Filter on ``geo.County`` itself: the counties inside this area."""
        if self.county_id is not None:
            return Q(pk=self.county_id)
        if self.province_id is not None:
            return Q(province_id=self.province_id)
        return Q()


COUNTRY = Area()


# Each county's province, as area_for has read it in this process (county id →
# province id): a county officer's every request, and every request naming a
# county, asked geo_county for it, a round trip of its own. A county keeps its
# province (the records placed in it keep that province on their rows,
# ``geo.Placed``, as a county officer's row does, ``User.save``); an edit of a
# county in this process forgets it here (``wiring``), other processes see a
# moved county after their restart, as those rows do after they are saved again.
_county_province: dict[int, int] = {}
_COUNTY_PROVINCE_MAX = 10_000  # counties (448 in Iran); past it the memo starts again


def county_province(county_id: int) -> int | None:
    """The province of county ``county_id`` (None: no such county)."""
    found = _county_province.get(county_id)
    if found is None:
        found = County.objects.filter(pk=county_id).values_list("province_id", flat=True).first()
        if found is not None:
            if len(_county_province) >= _COUNTY_PROVINCE_MAX:
                _county_province.clear()
            _county_province[county_id] = found
    return found


def forget_county_provinces(**_kwargs: Any) -> None:
    """Forget every county's province read so far (a county was saved or removed)."""
    _county_province.clear()


def area_for(user: Any, *, province_id: int | None = None, county_id: int | None = None) -> Area:
    """The area ``user`` may read aggregates for, given what they asked for.

    Asking for more than one's scope yields one's own scope, never more (a
    county officer asking for the province gets their county). Roles scoped by
    assignment (experts, fund managers) have no area: they get nothing here.
    Raises Http404 when the user may read no aggregates at all.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise Http404("یافت نشد")
    kind = scope_kind(user)
    if county_id is not None and province_id is None:
        province_id = county_province(county_id)
        if province_id is None:
            raise Http404("یافت نشد")
    if kind == ScopeKind.COUNTRY or (kind == ScopeKind.PROVINCE and user.nationwide):
        return Area(province_id=province_id, county_id=county_id)
    if kind == ScopeKind.PROVINCE:
        if province_id not in (None, user.province_id):
            return Area(province_id=user.province_id)
        return Area(province_id=user.province_id, county_id=county_id)
    if kind == ScopeKind.COUNTY:
        province = county_province(user.county_id) if user.county_id is not None else None
        if province is None:
            raise County.DoesNotExist
        return Area(province_id=province, county_id=user.county_id)
    raise Http404("یافت نشد")
