"""Experts and working groups: the province's, registered by a manager whose
place holds it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jahesh.accounts.places import counties_for_user
from jahesh.accounts.roles import Role
from jahesh.accounts.scoping import effective_role
from jahesh.clinic.models import (
    Expert,
    ObstacleCategory,
    WorkingGroup,
)
from jahesh.clinic.services.common import MANAGERS, user_role
from jahesh.core.errors import Conflict, Forbidden, InvalidInput
from jahesh.core.identifiers import normalize_mobile
from jahesh.core.models import recorded_user
from jahesh.core.text import clean_text, normalize_key, required_text

ISIC_SECTIONS = "ABCDEFGHIJKLMNOPQRSTU"  # ISIC Rev.4's sections


def _check_registrar(user: Any, province: Any) -> None:
    """Experts and groups are the province's: a manager whose place holds it registers them."""
    if user_role(user) not in MANAGERS:
        raise Forbidden(_("فقط مدیر قرارگاه یا کارشناس شهرستان کارشناس و کارگروه ثبت می‌کند."))
    if not counties_for_user(user).filter(province_id=province.pk).exists():
        raise Forbidden(_("استان «%(province)s» در حوزهٔ کاری شما نیست.") % {"province": province})


def expert_create(
    *,
    user: Any,
    name: str,
    kind: str,
    province: Any,
    affiliation: str = "",
    mobile: str = "",
    categories: Iterable[ObstacleCategory] = (),
    isic_sections: str = "",
    capacity: int = 8,
    expert_user: Any = None,
) -> Expert:
    """Register a clinic expert of ``province``, with the categories and ISIC
    sections they are expert in; ``expert_user`` is their sign-in (a clinic expert)."""
    _check_registrar(user, province)
    name = required_text(name, _("نام کارشناس را وارد کنید."), field="name")
    if kind not in Expert.Kind.values:
        raise InvalidInput(_("نوع کارشناس معتبر نیست."), field="kind")
    sections = isic_sections.replace(" ", "").upper()
    if any(c not in ISIC_SECTIONS for c in sections) or len(set(sections)) != len(sections):
        raise InvalidInput(
            _("قسمت‌های آیسیک را با حروف A تا U و بدون تکرار بنویسید، مثلاً CF."),
            field="isic_sections",
        )
    if not 1 <= capacity <= 100:
        raise InvalidInput(_("ظرفیت پرونده‌های باز باید از ۱ تا ۱۰۰ باشد."), field="capacity")
    if expert_user is not None and effective_role(expert_user) != Role.CLINIC_EXPERT:
        raise InvalidInput(
            _("کاربر سامانهٔ کارشناس باید نقش کارشناس کلینیک داشته باشد."), field="expert_user"
        )
    expert = Expert(
        name=name,
        name_key=normalize_key(name),
        kind=kind,
        affiliation=clean_text(affiliation),
        mobile=normalize_mobile(mobile) if mobile.strip() else "",
        province=province,
        isic_sections=sections,
        capacity=capacity,
        user=expert_user,
    )
    expert._history_user = recorded_user(user)  # type: ignore[attr-defined]
    with transaction.atomic():
        expert.save()
        expert.categories.set(list(categories))
    return expert


def working_group_create(
    *, user: Any, name: str, province: Any, topic: str = "", members: Iterable[Expert] = ()
) -> WorkingGroup:
    """Set up a special working group of ``province``; its members are the
    province's active experts, and its name is the only one of that name there."""
    _check_registrar(user, province)
    name = required_text(name, _("نام کارگروه را وارد کنید."), field="name")
    if WorkingGroup.objects.filter(province=province, name=name).exists():
        raise Conflict(_("کارگروهی با این نام در این استان هست."), field="name")
    members = list(members)
    if any(e.province_id != province.pk or not e.is_active for e in members):
        raise InvalidInput(
            _("اعضای کارگروه باید کارشناسان فعال همین استان باشند."), field="members"
        )
    group = WorkingGroup(name=name, province=province, topic=clean_text(topic))
    group._history_user = recorded_user(user)  # type: ignore[attr-defined]
    with transaction.atomic():
        group.save()
        group.members.set(members)
    return group
