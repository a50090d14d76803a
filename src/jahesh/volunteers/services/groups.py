"""Groups, their memberships, and camps."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jahesh.accounts.scoping import scoped
from jahesh.core.errors import Conflict, InvalidInput, NotFound
from jahesh.core.mapdata import check_pair
from jahesh.core.models import recorded_user
from jahesh.core.text import clean_text, normalize_key, required_text
from jahesh.geo.models import City, Village
from jahesh.volunteers.models import (
    Camp,
    CredentialKind,
    Group,
    Membership,
    Volunteer,
)
from jahesh.volunteers.services.people import (
    _ensure_all_in_scope,
    _ensure_in_scope,
    _national_code,
    ids_back,
    in_scope_ids,
)

# The choices' values, asked once (``Choices.values`` builds its list anew on every read).
_SPECIALTIES = frozenset(Group.Specialty.values)
_PURPOSES = frozenset(Camp.Purpose.values)


@dataclass(frozen=True, kw_only=True)
class GroupFields:
    """A new group's fields, given to :func:`group_build` or :func:`group_create`."""

    name: str
    specialty: str
    county_id: int
    leader: Volunteer | None = None
    founded_on: date | None = None


def group_build(fields: GroupFields) -> Group:
    """A checked group, not saved: :func:`group_create`'s rules but the name's
    uniqueness in its county, which the caller asks (once for a batch in
    :func:`groups_create`)."""
    name = required_text(fields.name, _("نام گروه لازم است."), field="name")
    if fields.specialty not in _SPECIALTIES:
        raise InvalidInput(_("تخصص گروه نامعتبر است."), field="specialty")
    return Group(
        name=name,
        name_key=normalize_key(name),
        specialty=fields.specialty,
        county_id=fields.county_id,
        leader=fields.leader,
        founded_on=fields.founded_on,
    )


def _name_taken() -> Conflict:
    return Conflict(_("گروهی با همین نام در این شهرستان ثبت شده است."), field="name")


def group_create(fields: GroupFields, *, actor: Any) -> Group:
    group = group_build(fields)
    if Group.objects.filter(county_id=group.county_id, name_key=group.name_key).exists():
        raise _name_taken()
    with transaction.atomic():
        group.save()
        _ensure_in_scope(actor, group)
        if fields.leader is not None:
            Membership.objects.get_or_create(
                group=group,
                volunteer=fields.leader,
                defaults={"joined_on": fields.founded_on or timezone.localdate()},
            )
    return group


@transaction.atomic
def groups_create(groups: Sequence[Group], *, actor: Any, batch_size: int = 2000) -> list[Group]:
    """The bulk form of :func:`group_create` for groups built by :func:`group_build`
    (without leaders: a new group's members come after it): the same refusals, a
    name taken in its county (or twice in ``groups``) and a county outside
    ``actor``'s scope, each asked once for the batch."""
    keys = [(g.county_id, g.name_key) for g in groups]
    taken = set(
        Group.objects.filter(name_key__in=[k for _c, k in keys]).values_list(
            "county_id", "name_key"
        )
    )
    if len(set(keys)) != len(keys) or taken.intersection(keys):
        raise _name_taken()
    created = Group.objects.bulk_create(groups, batch_size=batch_size)
    ids_back(created, Group, "name_key")
    _ensure_all_in_scope(actor, Group, [g.pk for g in created])
    return created


@transaction.atomic
def memberships_create(
    rows: Sequence[Membership], *, actor: Any, batch_size: int = 2000
) -> list[Membership]:
    """The bulk form of :func:`membership_add` for new groups' members: each
    volunteer once in a group (as :func:`membership_add` refuses a second
    membership), the volunteers in ``actor``'s scope (one query)."""
    pairs = [(m.group_id, m.volunteer_id) for m in rows]
    existing = set(
        Membership.objects.filter(group_id__in={g for g, _v in pairs}).values_list(
            "group_id", "volunteer_id"
        )
    )
    if len(set(pairs)) != len(pairs) or existing.intersection(pairs):
        raise Conflict(_("این نیرو از قبل عضو این گروه است."), field="national_code")
    _ensure_all_in_scope(actor, Volunteer, sorted({v for _g, v in pairs}))
    return Membership.objects.bulk_create(rows, batch_size=batch_size)


def membership_add(*, actor: Any, group: Group, national_code: str, joined_on: date) -> Membership:
    """Add a registered volunteer to a group. The person stays one volunteer:
    joining a second group adds a membership, never a second person."""
    code = _national_code(national_code)
    volunteer = scoped(actor, Volunteer).filter(national_code=code).first()
    if volunteer is None:
        raise NotFound(
            _("نیرویی با کد ملی %(code)s در حوزهٔ شما ثبت نشده است؛ ابتدا او را ثبت کنید.")
            % {"code": code},
            field="national_code",
        )
    if Membership.objects.filter(group=group, volunteer=volunteer).exists():
        raise Conflict(_("این نیرو از قبل عضو این گروه است."), field="national_code")
    return Membership.objects.create(group=group, volunteer=volunteer, joined_on=joined_on)


def membership_end(*, actor: Any, membership_id: int, left_on: date) -> Membership:
    membership = scoped(actor, Membership).filter(pk=membership_id).first()
    if membership is None:
        raise NotFound(_("یافت نشد."))
    if left_on < membership.joined_on:
        raise InvalidInput(_("تاریخ خروج باید پس از تاریخ عضویت باشد."), field="left_on")
    membership.left_on = left_on
    membership.save(update_fields=["left_on"])
    return membership


@dataclass(frozen=True, kw_only=True)
class CampFields:
    """A new camp's fields, given to :func:`camp_build` or :func:`camp_create`;
    its place a village, else a city."""

    title: str
    purpose: str
    start_date: date
    end_date: date
    village: Village | None = None
    city: City | None = None
    description: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None


def camp_build(fields: CampFields, *, actor: Any) -> Camp:
    """A checked camp, not saved: :func:`camp_create`'s rules; its county is the
    place's county (a village, else a city)."""
    title = required_text(fields.title, _("عنوان اردو لازم است."), field="title")
    if fields.purpose not in _PURPOSES:
        raise InvalidInput(_("هدف اردو نامعتبر است."), field="purpose")
    if fields.end_date < fields.start_date:
        raise InvalidInput(_("تاریخ پایان اردو نمی‌تواند پیش از تاریخ شروع باشد."), field="end_date")
    village = fields.village
    city = None if village else fields.city
    place = village or city
    if place is None:
        raise InvalidInput(_("محل اردو (روستا یا شهر) را انتخاب کنید."), field="village")
    check_pair(fields.latitude, fields.longitude)
    return Camp(
        title=title,
        purpose=fields.purpose,
        description=clean_text(fields.description),
        county_id=place.county_id,
        village=village,
        city=city,
        start_date=fields.start_date,
        end_date=fields.end_date,
        latitude=fields.latitude,
        longitude=fields.longitude,
        created_by=recorded_user(actor),
    )


def camp_create(
    fields: CampFields,
    *,
    actor: Any,
    group_ids: Iterable[int] = (),
    required_kind_ids: Iterable[int] = (),
) -> Camp:
    """A camp in a village (or city); its county is the place's county."""
    camp = camp_build(fields, actor=actor)
    groups = list(scoped(actor, Group).filter(pk__in=list(group_ids)))
    kinds = list(CredentialKind.objects.filter(pk__in=list(required_kind_ids)))
    with transaction.atomic():
        camp.save()
        _ensure_in_scope(actor, camp)
        camp.groups.set(groups)
        camp.required_credential_kinds.set(kinds)
    return camp


@transaction.atomic
def camps_create(
    camps: Sequence[tuple[Camp, Sequence[int]]], *, actor: Any, batch_size: int = 2000
) -> list[Camp]:
    """The bulk form of :func:`camp_create` for camps built by :func:`camp_build`,
    each with its groups' ids: the camps in ``actor``'s scope (one query), each
    linked to those of its groups ``actor`` may see, as :func:`camp_create` does."""
    built = [c for c, _g in camps]
    created = Camp.objects.bulk_create(built, batch_size=batch_size)
    ids_back(created, Camp, "title")
    _ensure_all_in_scope(actor, Camp, [c.pk for c in created])
    visible = in_scope_ids(actor, Group, (g for _c, ids in camps for g in ids))
    Through = Camp.groups.through
    Through.objects.bulk_create(
        [
            Through(camp_id=c.pk, group_id=g)
            for c, ids in camps
            for g in dict.fromkeys(ids)
            if g in visible
        ],
        batch_size=batch_size,
    )
    return created
