"""Groups, their memberships, and camps."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jahesh.accounts.scoping import scoped
from jahesh.core.errors import Conflict, InvalidInput, NotFound
from jahesh.core.mapdata import check_pair
from jahesh.core.text import clean_text, normalize_key, required_text
from jahesh.geo.models import City, Village
from jahesh.volunteers.models import (
    Camp,
    CredentialKind,
    Group,
    Membership,
    Volunteer,
)
from jahesh.volunteers.services.people import _ensure_in_scope, _national_code


def group_create(
    *,
    actor: Any,
    name: str,
    specialty: str,
    county_id: int,
    leader: Volunteer | None = None,
    founded_on: date | None = None,
) -> Group:
    name = required_text(name, _("نام گروه لازم است."), field="name")
    if specialty not in Group.Specialty.values:
        raise InvalidInput(_("تخصص گروه نامعتبر است."), field="specialty")
    key = normalize_key(name)
    if Group.objects.filter(county_id=county_id, name_key=key).exists():
        raise Conflict(_("گروهی با همین نام در این شهرستان ثبت شده است."), field="name")
    with transaction.atomic():
        group = Group.objects.create(
            name=name,
            name_key=key,
            specialty=specialty,
            county_id=county_id,
            leader=leader,
            founded_on=founded_on,
        )
        _ensure_in_scope(actor, group)
        if leader is not None:
            Membership.objects.get_or_create(
                group=group,
                volunteer=leader,
                defaults={"joined_on": founded_on or timezone.localdate()},
            )
    return group


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


def camp_create(
    *,
    actor: Any,
    title: str,
    purpose: str,
    start_date: date,
    end_date: date,
    village_id: int | None = None,
    city_id: int | None = None,
    group_ids: Iterable[int] = (),
    required_kind_ids: Iterable[int] = (),
    description: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
) -> Camp:
    """A camp in a village (or city); its county is the place's county."""

    title = required_text(title, _("عنوان اردو لازم است."), field="title")
    if purpose not in Camp.Purpose.values:
        raise InvalidInput(_("هدف اردو نامعتبر است."), field="purpose")
    if end_date < start_date:
        raise InvalidInput(_("تاریخ پایان اردو نمی‌تواند پیش از تاریخ شروع باشد."), field="end_date")
    village = Village.objects.filter(pk=village_id).first() if village_id else None
    city = City.objects.filter(pk=city_id).first() if city_id and not village_id else None
    place = village or city
    if place is None:
        raise InvalidInput(_("محل اردو (روستا یا شهر) را انتخاب کنید."), field="village")
    check_pair(latitude, longitude)
    groups = list(scoped(actor, Group).filter(pk__in=list(group_ids)))
    kinds = list(CredentialKind.objects.filter(pk__in=list(required_kind_ids)))
    with transaction.atomic():
        camp = Camp.objects.create(
            title=title,
            purpose=purpose,
            description=clean_text(description),
            county_id=place.county_id,
            village=village,
            city=city,
            start_date=start_date,
            end_date=end_date,
            latitude=latitude,
            longitude=longitude,
            created_by=actor,
        )
        _ensure_in_scope(actor, camp)
        camp.groups.set(groups)
        camp.required_credential_kinds.set(kinds)
    return camp
