"""Volunteers: registration, edits, skills, credentials, and their status
(active / inactive) through ``VOLUNTEER_FLOW`` (core.workflow). The helpers every
volunteers service uses (scope check of a new record, codes) live here too."""

from __future__ import annotations

from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass
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
from jahesh.core.text import clean_text, clean_word
from jahesh.core.workflow import Move, Refusals, Rule, Step, Workflow
from jahesh.volunteers.models import (
    REGISTERED,
    Credential,
    CredentialKind,
    Skill,
    Volunteer,
    VolunteerSkill,
    VolunteerStatusEvent,
)
from jahesh.volunteers.selectors import volunteer_search_key

MAX_HOURS = Decimal(2000)
# The choices' values, asked once (``Choices.values`` builds its list anew on
# every read, and the bulk forms ask it for every row).
_GENDERS = frozenset(Volunteer.Gender.values)
_LEVELS = frozenset(VolunteerSkill.Level.values)


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


def _duplicate(code: str) -> Conflict:
    return Conflict(
        _(
            "نیرویی با کد ملی %(code)s قبلاً ثبت شده است؛ هر نفر یک‌بار ثبت می‌شود و می‌تواند عضو چند گروه باشد."
        )
        % {"code": code},
        field="national_code",
    )


@dataclass(frozen=True, kw_only=True)
class VolunteerDetails:
    """A person's details as an edit corrects them (:func:`volunteer_update`)."""

    first_name: str
    last_name: str
    gender: str
    county_id: int
    mobile: str = ""
    birth_year: int | None = None


@dataclass(frozen=True, kw_only=True)
class VolunteerFields(VolunteerDetails):
    """A new volunteer's fields: the details, the national code (the key) and
    the registration day. Built once by the form, the API, the scenario, and
    given to :func:`volunteer_build` or :func:`volunteer_create`."""

    national_code: str
    registered_on: date


def volunteer_build(fields: VolunteerFields) -> Volunteer:
    """A checked volunteer (active), not saved: :func:`volunteer_create`'s rules
    but the national code's uniqueness, which the caller asks (one query for a
    batch in :func:`volunteers_create`)."""
    code = _national_code(fields.national_code)
    volunteer = Volunteer(national_code=code, registered_on=fields.registered_on)
    _set_details(volunteer, fields)
    return volunteer


def volunteer_history(
    volunteer: Volunteer,
    *,
    actor: Any,
    now: datetime,
    inactive_on: date | None = None,
    reason: str = "",
) -> list[VolunteerStatusEvent]:
    """The status events of a volunteer built by :func:`volunteer_build` and
    entered with its past, not saved: its registration, as
    :func:`volunteer_create` appends it, then, with ``inactive_on``, its
    deactivation as :func:`volunteer_set_status` checks and records it (the
    volunteer's ``status`` and ``inactive_since`` set)."""
    steps = [Step(Volunteer.Status.ACTIVE, now, volunteer.registered_on, REGISTERED)]
    if inactive_on is not None:
        steps.append(Step(Volunteer.Status.INACTIVE, now, inactive_on, clean_word(reason)[:300]))
    return VOLUNTEER_FLOW.history(volunteer, steps, user=actor)  # type: ignore[return-value]


def volunteer_create(
    fields: VolunteerFields, *, actor: Any, now: datetime | None = None
) -> Volunteer:
    """Register a person once: the national code is the key. A second
    registration of the same code is refused, naming the existing record."""
    now = now or timezone.now()
    volunteer = volunteer_build(fields)
    code = volunteer.national_code
    if Volunteer.objects.filter(national_code=code).exists():
        raise _duplicate(code)
    try:
        with transaction.atomic():
            volunteer.save()
            _ensure_in_scope(actor, volunteer)
            VOLUNTEER_FLOW.created(
                volunteer, user=actor, now=now, data=fields.registered_on, reason=REGISTERED
            )
    except IntegrityError:
        raise Conflict(
            _("نیرویی با کد ملی %(code)s قبلاً ثبت شده است.") % {"code": code}, field="national_code"
        ) from None
    return volunteer


@transaction.atomic
def volunteers_create(
    built: Sequence[tuple[Volunteer, list[VolunteerStatusEvent]]],
    *,
    actor: Any,
    batch_size: int = 2000,
) -> list[Volunteer]:
    """The bulk form of :func:`volunteer_create`: write volunteers built by
    :func:`volunteer_build` with their events from :func:`volunteer_history`,
    in two inserts. The same refusals: a national code registered already (or
    twice in ``built``), a county outside ``actor``'s scope (asked once for the
    batch, with the same scoping)."""
    codes = [v.national_code for v, _events in built]
    taken: set[str] = set()
    for i in range(0, len(codes), 5000):  # a statement's parameters are limited
        found = Volunteer.objects.filter(national_code__in=codes[i : i + 5000])
        taken.update(found.values_list("national_code", flat=True))
    seen: set[str] = set()
    for code in codes:
        if code in taken or code in seen:
            raise _duplicate(code)
        seen.add(code)
    people = Volunteer.objects.bulk_create([v for v, _events in built], batch_size=batch_size)
    ids_back(people, Volunteer, "national_code")
    _ensure_all_in_scope(actor, Volunteer, [v.pk for v in people])
    VolunteerStatusEvent.objects.bulk_create(
        [e for _v, events in built for e in events], batch_size=batch_size
    )
    return people


def _set_details(volunteer: Volunteer, details: VolunteerDetails) -> None:
    """Check a person's details and set them (and the search key) on ``volunteer``."""
    first, last = clean_word(details.first_name), clean_word(details.last_name)
    if not first or not last:
        raise InvalidInput(
            _("نام و نام خانوادگی لازم است."), field="last_name" if first else "first_name"
        )
    volunteer.first_name, volunteer.last_name = first, last
    volunteer.mobile = _mobile(details.mobile)
    volunteer.gender, volunteer.birth_year = details.gender, details.birth_year
    volunteer.county_id = details.county_id
    if volunteer.gender not in _GENDERS:
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


def volunteer_update(details: VolunteerDetails, *, actor: Any, volunteer: Volunteer) -> Volunteer:
    """Correct a volunteer's details (the national code is the key: not edited here)."""
    _set_details(volunteer, details)
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


def _status_row(move: Move[Volunteer]) -> VolunteerStatusEvent:
    return VolunteerStatusEvent(
        **move.row(volunteer=move.record, effective_on=move.data, reason=move.reason)
    )


VOLUNTEER_FLOW: Workflow[Volunteer] = Workflow(
    model=Volunteer,
    rules=STATUS_TRANSITIONS,
    row=_status_row,
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


def in_scope_ids(actor: Any, model: Any, ids: Iterable[int], chunk: int = 5000) -> set[int]:
    """Which of ``ids`` the actor may see (``scoped``), a query per ``chunk`` ids
    (a bulk form's batch may hold more than a statement's parameters). Ids that
    fill most of their range (a bulk form's new rows, numbered by one sequence)
    are asked as that range, read back and matched here: one parameter pair
    rather than thousands, each of which the ORM prepares one by one."""
    ids = sorted(set(ids))
    if ids and ids[-1] - ids[0] < 2 * len(ids):
        wanted = set(ids)
        found = scoped(actor, model).filter(pk__gte=ids[0], pk__lte=ids[-1])
        return {pk for pk in found.values_list("pk", flat=True) if pk in wanted}
    seen: set[int] = set()
    for i in range(0, len(ids), chunk):
        part = ids[i : i + chunk]
        seen.update(scoped(actor, model).filter(pk__in=part).values_list("pk", flat=True))
    return seen


def ids_back(rows: Sequence[Any], model: Any, key: str) -> None:
    """After a ``bulk_create`` on a backend that does not return ids, each row's
    id read back by ``key``, a field unique among the rows."""
    if rows and rows[0].pk is None:
        values = [getattr(r, key) for r in rows]
        ids = dict(model.objects.filter(**{f"{key}__in": values}).values_list(key, "id"))
        for r in rows:
            r.pk = ids[getattr(r, key)]


def _ensure_all_in_scope(actor: Any, model: Any, ids: Sequence[int]) -> None:
    """:func:`_ensure_in_scope` for the records a bulk form just wrote."""
    if len(in_scope_ids(actor, model, ids)) != len(set(ids)):
        raise NotFound(_("این شهرستان در حوزهٔ دسترسی شما نیست."), field="county")


def volunteer_skill_build(
    *, volunteer: Volunteer, skill_id: int, level: str, document: str, skills: Container[int]
) -> VolunteerSkill:
    """A checked skill of ``volunteer``, not saved; ``skills``: the ids of the
    skills that exist (the caller asks once for many)."""
    if level not in _LEVELS:
        raise InvalidInput(_("سطح مهارت نامعتبر است."), field="level")
    if skill_id not in skills:
        raise InvalidInput(_("این مهارت در فهرست مهارت‌ها نیست."), field="skill")
    return VolunteerSkill(
        volunteer=volunteer, skill_id=skill_id, level=level, document=clean_word(document)[:200]
    )


def volunteer_skill_set(
    *, actor: Any, volunteer: Volunteer, skill_id: int, **fields: Any
) -> VolunteerSkill:
    """Add a skill to a volunteer, or change its level and confirming document:
    :func:`volunteer_skill_build`'s arguments but ``skills``, asked here."""
    skills = set(Skill.objects.filter(pk=skill_id).values_list("pk", flat=True))
    fields.setdefault("document", "")
    link = volunteer_skill_build(volunteer=volunteer, skill_id=skill_id, skills=skills, **fields)
    _ensure_in_scope(actor, volunteer)
    link, _created = VolunteerSkill.objects.update_or_create(
        volunteer=volunteer,
        skill_id=skill_id,
        defaults={"level": link.level, "document": link.document},
    )
    return link


def credential_build(
    *,
    volunteer: Volunteer,
    kind_id: int,
    expires_on: date,
    kinds: Container[int],
    number: str = "",
    issued_on: date | None = None,
) -> Credential:
    """A checked credential of ``volunteer``, not saved; ``kinds``: the ids of
    the credential kinds that exist (the caller asks once for many)."""
    if kind_id not in kinds:
        raise InvalidInput(_("نوع مجوز نامعتبر است."), field="kind")
    if issued_on and expires_on < issued_on:
        raise InvalidInput(_("تاریخ انقضا باید پس از تاریخ صدور باشد."), field="expires_on")
    return Credential(
        volunteer=volunteer,
        kind_id=kind_id,
        number=to_ascii_digits(clean_text(number))[:60],
        issued_on=issued_on,
        expires_on=expires_on,
    )


def credential_add(*, actor: Any, volunteer: Volunteer, kind_id: int, **fields: Any) -> Credential:
    """Record a credential: :func:`credential_build`'s arguments but ``kinds``,
    asked here."""
    _ensure_in_scope(actor, volunteer)
    kinds = set(CredentialKind.objects.filter(pk=kind_id).values_list("pk", flat=True))
    credential = credential_build(volunteer=volunteer, kind_id=kind_id, kinds=kinds, **fields)
    credential.save()
    return credential


@transaction.atomic
def skills_and_credentials_create(
    links: Sequence[VolunteerSkill],
    credentials: Sequence[Credential],
    *,
    actor: Any,
    batch_size: int = 2000,
) -> None:
    """The bulk form of :func:`volunteer_skill_set` and :func:`credential_add` for
    new volunteers' rows built by :func:`volunteer_skill_build` and
    :func:`credential_build`: their volunteers in ``actor``'s scope (one query)."""
    ids = {r.volunteer_id for r in links} | {r.volunteer_id for r in credentials}
    _ensure_all_in_scope(actor, Volunteer, sorted(ids))
    VolunteerSkill.objects.bulk_create(links, batch_size=batch_size)
    Credential.objects.bulk_create(credentials, batch_size=batch_size)
