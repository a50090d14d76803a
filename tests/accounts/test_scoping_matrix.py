"""The scoping core as a table: every role (so every scope kind) against every
model registered with a scope policy, on the canary world (records in Arak,
Saveh and Tehran, linked across counties).

What ``scoped(user, Model)`` returns is compared with an oracle written from
the rules in ``accounts/scoping.py``'s docstring, record by record, by walking
each policy's lookup paths on the Python objects (not through the ORM filter
``scoped`` builds): anonymous and inactive users see nothing; public models are
everyone's who is signed in; owned records their owner's and admins'; a role
without the model's module sees nothing, a viewer no personal record; then the
country, the province (or all of it when nationwide), the county, or the
assignment path; a ``through`` row only when its linked records are seen too.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import models

from jahesh.accounts import scoping
from jahesh.accounts.roles import ROLE_MODULES, ROLE_SCOPE, Role, ScopeKind
from jahesh.accounts.scoping import effective_role, policy_for, scope_kind, scoped
from tests.accounts.canary_world import plant


def _reached(obj: models.Model, path: str) -> list:
    """Everything ``path`` reaches from ``obj`` (following foreign keys, reverse
    relations and many-to-many fields), as model instances or plain values."""
    found: list = [obj]
    for name in path.split("__"):
        step: list = []
        for o in found:
            if not isinstance(o, models.Model):
                continue
            if name in ("id", "pk"):
                step.append(o.pk)
                continue
            f = o._meta.get_field(name)
            if f.many_to_many or f.one_to_many:
                accessor = name if f.concrete else f.get_accessor_name()
                step.extend(getattr(o, accessor).all())
            else:
                value = getattr(o, name, None)
                if value is not None:
                    step.append(value)
        found = step
    return found


def _keys(obj: models.Model, path: str) -> set:
    return {v.pk if isinstance(v, models.Model) else v for v in _reached(obj, path)}


def _may_see(user, obj: models.Model) -> bool:
    """The oracle: whether the rules let ``user`` open ``obj`` on its own."""
    policy = policy_for(type(obj))
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if policy.public:
        return True
    if policy.owner:
        return user.is_superuser or user.role == Role.ADMIN or user.pk in _keys(obj, policy.owner)
    role = effective_role(user)
    if not user.is_superuser and policy.module not in ROLE_MODULES[role]:
        return False
    if role == Role.VIEWER and policy.personal:
        return False
    kind = ROLE_SCOPE[role]
    if kind == ScopeKind.COUNTRY:
        own = True
    elif kind == ScopeKind.PROVINCE:
        own = user.nationwide or (
            policy.province_path is not None
            and user.province_id in _keys(obj, policy.province_path)
        )
    elif kind == ScopeKind.COUNTY:
        own = policy.county is not None and user.county_id in _keys(obj, policy.county)
    else:
        path = policy.assigned.get(role)
        own = path is not None and user.pk in _keys(obj, path)
    return own and all(
        _may_see(user, target)
        for path in policy.through
        for target in _reached(obj, path)
        if isinstance(target, models.Model)
    )


def _readers(users, make_user, geo) -> dict:
    """Every role (the conftest's users) and the edge cases of their scope kinds."""
    readers = dict(users)
    readers["hq_nationwide"] = make_user(
        "hq_nation", Role.HQ_MANAGER, province=geo["markazi"], nationwide=True
    )
    readers["arak_inactive"] = make_user(
        "arak_off", Role.COUNTY_OFFICER, county=geo["arak"], is_active=False
    )
    readers["anonymous"] = AnonymousUser()
    return readers


MODELS = sorted(scoping._registry, key=lambda m: m._meta.label)


def test_the_matrix_covers_every_role_and_scope_kind(users, make_user, geo):
    readers = _readers(users, make_user, geo)
    roles = {effective_role(u) for u in readers.values() if u.is_authenticated}
    assert roles == set(Role.values)
    assert {scope_kind(u) for u in readers.values() if u.is_authenticated} == set(ScopeKind.values)
    assert len(MODELS) >= 20  # every app registers its models


def test_scoped_agrees_with_the_rules_for_every_role_and_model(users, make_user, geo):
    # given the canary world: records in three counties, linked across them
    plant(geo, users)
    readers = _readers(users, make_user, geo)
    mismatches = []
    tried = seen_by_some = hidden_from_some = 0
    # when every reader lists every scoped model
    for model in MODELS:
        rows = list(model._default_manager.all())
        if not rows:
            continue
        tried += 1
        visible_to_anyone = hidden_to_anyone = False
        for name, user in readers.items():
            got = set(scoped(user, model).values_list("pk", flat=True))
            want = {row.pk for row in rows if _may_see(user, row)}
            if got != want:
                mismatches.append(
                    f"{model._meta.label} as {name}: extra {sorted(got - want)}, "
                    f"missing {sorted(want - got)}"
                )
            visible_to_anyone |= bool(got)
            hidden_to_anyone |= len(got) < len(rows)
        seen_by_some += visible_to_anyone
        hidden_from_some += hidden_to_anyone
    # then each sees exactly what the rules say, and the table is not vacuous:
    # most models are planted, seen by someone and hidden from someone
    assert mismatches == []
    assert tried >= 20
    assert seen_by_some == tried
    assert hidden_from_some == tried


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("admin", ScopeKind.COUNTRY),
        ("hq", ScopeKind.PROVINCE),
        ("coordinator", ScopeKind.PROVINCE),
        ("projects", ScopeKind.PROVINCE),
        ("viewer", ScopeKind.PROVINCE),
        ("arak", ScopeKind.COUNTY),
        ("expert", ScopeKind.ASSIGNMENT),
        ("fund", ScopeKind.ASSIGNMENT),
    ],
)
def test_it_names_each_roles_scope_kind(users, name, kind):
    assert scope_kind(users[name]) == kind


def test_a_superuser_is_an_admin_whatever_their_role_field(make_user, geo):
    boss = make_user("boss", Role.VIEWER, province=geo["markazi"], is_superuser=True)
    assert effective_role(boss) == Role.ADMIN
    assert scope_kind(boss) == ScopeKind.COUNTRY
    assert effective_role(AnonymousUser()) is None
    assert scope_kind(AnonymousUser()) is None


def test_it_says_who_sees_the_whole_country(users, make_user, geo):
    from jahesh.accounts.scoping import sees_whole_country

    nation = make_user("nation", Role.VIEWER, province=geo["markazi"], nationwide=True)
    assert sees_whole_country(users["admin"]) is True
    assert sees_whole_country(nation) is True
    assert sees_whole_country(users["hq"]) is False
    assert sees_whole_country(users["arak"]) is False
    assert sees_whole_country(users["expert"]) is False
