"""Volunteers: registration, edits, skills, credentials, and their status
(active / inactive) through ``VOLUNTEER_FLOW`` (core.workflow). The helpers every
volunteers service uses (scope check of a new record, codes) live here too."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jahesh.accounts.scoping import scoped
from jahesh.core.digits import to_ascii_digits
from jahesh.core.errors import Conflict, InvalidInput, NotFound
from jahesh.core.identifiers import normalize_mobile, normalize_national_code
from jahesh.core.jalali import format_jalali
from jahesh.core.text import clean_text
from jahesh.core.workflow import Move, Refusals, Rule, Workflow
from jahesh.volunteers.models import (
    Credential,
    CredentialKind,
    Skill,
    Volunteer,
    VolunteerSkill,
    VolunteerStatusEvent,
)
from jahesh.volunteers.selectors import volunteer_search_key

MAX_HOURS = Decimal(2000)


def _ensure_in_scope(actor: Any, obj: Any) -> None:
    """The record just written must be one the actor may see; otherwise the
    caller's transaction rolls back and the answer is 404, as for any record
    outside one's scope."""
    if not scoped(actor, type(obj)).filter(pk=obj.pk).exists():
        raise NotFound(_("این شهرستان در حوزهٔ دسترسی شما نیست."), field="county")


def _national_code(value: Any) -> str:
    try:
        return normalize_national_code(value)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], field="national_code") from None


def _mobile(value: Any) -> str:
    if not (value or "").strip():
        return ""
    try:
        return normalize_mobile(value)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], field="mobile") from None


def volunteer_create(
    *,
    actor: Any,
    national_code: str,
    first_name: str,
    last_name: str,
    gender: str,
    county_id: int,
    registered_on: date,
    mobile: str = "",
    birth_year: int | None = None,
    now: datetime | None = None,
) -> Volunteer:
    """Register a person once: the national code is the key. A second
    registration of the same code is refused, naming the existing record."""
    now = now or timezone.now()
    code = _national_code(national_code)
    volunteer = Volunteer(national_code=code, registered_on=registered_on)
    _set_details(volunteer, first_name, last_name, gender, county_id, mobile, birth_year)
    if Volunteer.objects.filter(national_code=code).exists():
        raise Conflict(
            _(
                "نیرویی با کد ملی %(code)s قبلاً ثبت شده است؛ هر نفر یک‌بار ثبت می‌شود و می‌تواند عضو چند گروه باشد."
            )
            % {"code": code},
            field="national_code",
        )
    try:
        with transaction.atomic():
            volunteer.save()
            _ensure_in_scope(actor, volunteer)
            VOLUNTEER_FLOW.created(
                volunteer, user=actor, now=now, data=registered_on, reason=str(_("ثبت‌نام"))
            )
    except IntegrityError:
        raise Conflict(
            _("نیرویی با کد ملی %(code)s قبلاً ثبت شده است.") % {"code": code}, field="national_code"
        ) from None
    return volunteer


def _set_details(
    volunteer: Volunteer,
    first_name: str,
    last_name: str,
    gender: str,
    county_id: int,
    mobile: str,
    birth_year: int | None,
) -> None:
    """Check a person's details and set them (and the search key) on ``volunteer``."""
    first, last = clean_text(first_name), clean_text(last_name)
    if not first or not last:
        raise InvalidInput(
            _("نام و نام خانوادگی لازم است."), field="last_name" if first else "first_name"
        )
    volunteer.first_name, volunteer.last_name, volunteer.mobile = first, last, _mobile(mobile)
    volunteer.gender, volunteer.birth_year, volunteer.county_id = gender, birth_year, county_id
    if volunteer.gender not in Volunteer.Gender.values:
        raise InvalidInput(_("جنسیت را «مرد» یا «زن» انتخاب کنید."), field="gender")
    year = volunteer.birth_year
    if year is not None and not 1290 <= year <= 1420:
        raise InvalidInput(
            _("سال تولد را شمسی و چهاررقمی وارد کنید (مثلاً ۱۳۷۰)."), field="birth_year"
        )
    volunteer.search_key = volunteer_search_key(
        first_name=first,
        last_name=last,
        national_code=volunteer.national_code,
        mobile=volunteer.mobile,
    )


def volunteer_update(
    *,
    actor: Any,
    volunteer: Volunteer,
    first_name: str,
    last_name: str,
    gender: str,
    county_id: int,
    mobile: str = "",
    birth_year: int | None = None,
) -> Volunteer:
    """Correct a volunteer's details (the national code is the key: not edited here)."""
    _set_details(volunteer, first_name, last_name, gender, county_id, mobile, birth_year)
    with transaction.atomic():
        volunteer.save()
        _ensure_in_scope(actor, volunteer)
    return volunteer


def _guard_deactivate(move: Move[Volunteer]) -> dict[str, Any]:
    volunteer, effective_on = move.record, move.data
    if effective_on < volunteer.registered_on:
        raise InvalidInput(
            _("تاریخ غیرفعال‌شدن نمی‌تواند پیش از ثبت‌نام (%(d)s) باشد.")
            % {"d": format_jalali(volunteer.registered_on)},
            field="effective_on",
        )
    # The status events are the history (the volunteers KPI reads them);
    # registered_on stays the first registration.
    return {"inactive_since": effective_on}


def _guard_activate(move: Move[Volunteer]) -> dict[str, Any]:
    return {"inactive_since": None}


# The one table of status moves and their guards.
STATUS_TRANSITIONS: dict[tuple[str, str], Rule[Volunteer]] = {
    (Volunteer.Status.ACTIVE, Volunteer.Status.INACTIVE): Rule(_guard_deactivate),
    (Volunteer.Status.INACTIVE, Volunteer.Status.ACTIVE): Rule(_guard_activate),
}


def _status_event(move: Move[Volunteer]) -> VolunteerStatusEvent:
    return VolunteerStatusEvent.objects.create(
        **move.row(volunteer=move.record, effective_on=move.data, reason=move.reason)
    )


VOLUNTEER_FLOW: Workflow[Volunteer] = Workflow(
    model=Volunteer,
    rules=STATUS_TRANSITIONS,
    event=_status_event,
    refuse=Refusals(
        no_move=lambda frm, to: Conflict(
            _("نیرو هم‌اکنون «%(s)s» است.") % {"s": Volunteer.Status(frm).label},
            field="status",
        ),
        lost=lambda: Conflict(_("وضعیت نیرو هم‌زمان تغییر کرد؛ صفحه را تازه کنید.")),
    ),
    save=True,
)


# The statuses a volunteer may move to (who may is the module's rule, at the edges).
allowed_status_moves = VOLUNTEER_FLOW.allowed_moves


def volunteer_set_status(
    *,
    actor: Any,
    volunteer_id: int,
    to_status: str,
    effective_on: date,
    reason: str = "",
    now: datetime | None = None,
) -> Volunteer:
    """Activate or deactivate a volunteer through ``VOLUNTEER_FLOW`` (the row locked
    here, within the actor's scope; an event appended)."""
    with transaction.atomic():
        volunteer = scoped(actor, Volunteer).select_for_update().filter(pk=volunteer_id).first()
        if volunteer is None:
            raise NotFound(_("یافت نشد."))
        return VOLUNTEER_FLOW.transition(
            volunteer,
            to_status,
            user=actor,
            data=effective_on,
            reason=clean_text(reason)[:300],
            now=now,
            locked=True,
        )


def volunteer_skill_set(
    *, actor: Any, volunteer: Volunteer, skill_id: int, level: str, document: str = ""
) -> VolunteerSkill:
    """Add a skill to a volunteer, or change its level and confirming document."""
    if level not in VolunteerSkill.Level.values:
        raise InvalidInput(_("سطح مهارت نامعتبر است."), field="level")
    if not Skill.objects.filter(pk=skill_id).exists():
        raise InvalidInput(_("این مهارت در فهرست مهارت‌ها نیست."), field="skill")
    _ensure_in_scope(actor, volunteer)
    link, _created = VolunteerSkill.objects.update_or_create(
        volunteer=volunteer,
        skill_id=skill_id,
        defaults={"level": level, "document": clean_text(document)[:200]},
    )
    return link


def credential_add(
    *,
    actor: Any,
    volunteer: Volunteer,
    kind_id: int,
    expires_on: date,
    number: str = "",
    issued_on: date | None = None,
) -> Credential:
    _ensure_in_scope(actor, volunteer)
    if not CredentialKind.objects.filter(pk=kind_id).exists():
        raise InvalidInput(_("نوع مجوز نامعتبر است."), field="kind")
    if issued_on and expires_on < issued_on:
        raise InvalidInput(_("تاریخ انقضا باید پس از تاریخ صدور باشد."), field="expires_on")
    return Credential.objects.create(
        volunteer=volunteer,
        kind_id=kind_id,
        number=to_ascii_digits(clean_text(number))[:60],
        issued_on=issued_on,
        expires_on=expires_on,
    )
