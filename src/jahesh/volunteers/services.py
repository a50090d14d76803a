"""Writes and rules of the volunteers app.

Authorisation is scope: a service acts only on records the actor may see
(``scoped``); a new record must land inside the actor's scope, which is checked
with the same mechanism before the transaction commits.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from jahesh.accounts.scoping import scoped
from jahesh.core.digits import to_ascii_digits
from jahesh.core.errors import Conflict, InvalidInput, NotFound
from jahesh.core.identifiers import normalize_mobile, normalize_national_code
from jahesh.core.jalali import format_jalali
from jahesh.core.text import clean_text, normalize_key
from jahesh.core.workflow import Move, Refusals, Rule, Workflow
from jahesh.geo.models import City, Village
from jahesh.volunteers.models import (
    Camp,
    Certificate,
    Credential,
    CredentialKind,
    Group,
    Membership,
    RosterEntry,
    RosterEvent,
    Skill,
    Volunteer,
    VolunteerSkill,
    VolunteerStatusEvent,
)
from jahesh.volunteers.selectors import valid_credentials, volunteer_search_key

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


# --- Volunteers ----------------------------------------------------------------


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
    first, last = clean_text(first_name), clean_text(last_name)
    if not first or not last:
        raise InvalidInput(
            _("نام و نام خانوادگی لازم است."), field="last_name" if first else "first_name"
        )
    mobile = _mobile(mobile)
    volunteer = Volunteer(
        national_code=code,
        first_name=first,
        last_name=last,
        mobile=mobile,
        gender=gender,
        birth_year=birth_year,
        county_id=county_id,
        registered_on=registered_on,
        search_key=volunteer_search_key(
            first_name=first, last_name=last, national_code=code, mobile=mobile
        ),
    )
    _validate_volunteer(volunteer)
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


def _validate_volunteer(volunteer: Volunteer) -> None:
    if volunteer.gender not in Volunteer.Gender.values:
        raise InvalidInput(_("جنسیت را «مرد» یا «زن» انتخاب کنید."), field="gender")
    year = volunteer.birth_year
    if year is not None and not 1290 <= year <= 1420:
        raise InvalidInput(
            _("سال تولد را شمسی و چهاررقمی وارد کنید (مثلاً ۱۳۷۰)."), field="birth_year"
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
    volunteer.first_name, volunteer.last_name = clean_text(first_name), clean_text(last_name)
    if not volunteer.first_name or not volunteer.last_name:
        raise InvalidInput(_("نام و نام خانوادگی لازم است."), field="first_name")
    volunteer.mobile = _mobile(mobile)
    volunteer.gender, volunteer.birth_year, volunteer.county_id = gender, birth_year, county_id
    _validate_volunteer(volunteer)
    volunteer.search_key = volunteer_search_key(
        first_name=volunteer.first_name,
        last_name=volunteer.last_name,
        national_code=volunteer.national_code,
        mobile=volunteer.mobile,
    )
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
        volunteer=move.record,
        from_status=move.from_status,
        to_status=move.to_status,
        effective_on=move.data,
        at=move.now,
        by=move.user,
        reason=move.reason,
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


def allowed_status_moves(volunteer: Volunteer, user: Any) -> list[str]:
    """The statuses ``volunteer`` may move to (who may is the module's rule, at the edges)."""
    return VOLUNTEER_FLOW.allowed_moves(volunteer, user)


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


# --- Groups --------------------------------------------------------------------


def group_create(
    *,
    actor: Any,
    name: str,
    specialty: str,
    county_id: int,
    leader: Volunteer | None = None,
    founded_on: date | None = None,
) -> Group:
    name = clean_text(name)
    if not name:
        raise InvalidInput(_("نام گروه لازم است."), field="name")
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


# --- Camps ---------------------------------------------------------------------


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
) -> Camp:
    """A camp in a village (or city); its county is the place's county."""

    title = clean_text(title)
    if not title:
        raise InvalidInput(_("عنوان اردو لازم است."), field="title")
    if purpose not in Camp.Purpose.values:
        raise InvalidInput(_("هدف اردو نامعتبر است."), field="purpose")
    if end_date < start_date:
        raise InvalidInput(_("تاریخ پایان اردو نمی‌تواند پیش از تاریخ شروع باشد."), field="end_date")
    place = None
    if village_id:
        place = Village.objects.filter(pk=village_id).first()
    elif city_id:
        place = City.objects.filter(pk=city_id).first()
    if place is None:
        raise InvalidInput(_("محل اردو (روستا یا شهر) را انتخاب کنید."), field="village")
    groups = list(scoped(actor, Group).filter(pk__in=list(group_ids)))
    kinds = list(CredentialKind.objects.filter(pk__in=list(required_kind_ids)))
    with transaction.atomic():
        camp = Camp.objects.create(
            title=title,
            purpose=purpose,
            description=clean_text(description),
            county_id=place.county_id,
            village=place if village_id else None,
            city=place if not village_id else None,
            start_date=start_date,
            end_date=end_date,
            created_by=actor,
        )
        _ensure_in_scope(actor, camp)
        camp.groups.set(groups)
        camp.required_credential_kinds.set(kinds)
    return camp


# --- Roster and hours ----------------------------------------------------------


@dataclass(frozen=True)
class RosterRow:
    """One row of the roster form: who, with which skill, how many hours."""

    national_code: str
    skill_id: int | None = None
    hours: Any = 0


@dataclass
class RosterSaveResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    entries: list[RosterEntry] = field(default_factory=list)


def _parse_hours(value: Any) -> Decimal:
    text = to_ascii_digits(str(value if value is not None else "")).strip().replace("٫", ".")
    if text == "":
        return Decimal(0)
    try:
        hours = Decimal(text).quantize(Decimal("0.1"))
    except InvalidOperation:
        raise ValueError(_("ساعت را به عدد وارد کنید (مثلاً ۸ یا ۷٫۵).")) from None
    if hours < 0 or hours > MAX_HOURS:
        raise ValueError(_("ساعت باید بین ۰ و ۲۰۰۰ باشد."))
    return hours


def credential_refusal(
    *, camp: Camp, kinds: Sequence[CredentialKind], held: dict[int, date], who: str
) -> str | None:
    """Why ``who`` may not serve at ``camp``, or None. ``held`` maps a credential
    kind to the latest expiry the volunteer holds; a credential must be valid up
    to the camp's last day."""
    for kind in kinds:
        expires = held.get(kind.pk)
        if expires is None:
            return _("%(who)s «%(kind)s» ندارد و این اردو آن را لازم دارد.") % {
                "who": who,
                "kind": kind.name,
            }
        if expires < camp.end_date:
            return _(
                "«%(kind)s» %(who)s در %(expires)s منقضی شده است و اردو تا %(end)s ادامه دارد؛ "
                "مجوز تمدیدشده را ثبت کنید."
            ) % {
                "kind": kind.name,
                "who": who,
                "expires": format_jalali(expires),
                "end": format_jalali(camp.end_date),
            }
    return None


def roster_save(
    *,
    actor: Any,
    camp: Camp,
    rows: Sequence[RosterRow],
    source: str = RosterEntry.Source.COORDINATOR,
    now: datetime | None = None,
) -> RosterSaveResult:
    """Save a whole roster (or part of it) in one go: all rows or none.

    1. Resolve the national codes to volunteers in scope (one query), skills
       (one query), existing entries (one query), held credentials (one query).
    2. Check every row: known volunteer, not twice, hours in range, credentials
       valid until the camp's last day. Any error: nothing is saved and every
       row's error is returned (field ``rows.<i>.<column>``).
    3. Create new entries and update changed ones in bulk, with their history
       and events. A coordinator's hours are approved at once; a volunteer's
       own hours wait for approval.
    The number of queries does not grow with the number of rows.
    """
    now = now or timezone.now()
    if source not in RosterEntry.Source.values:
        raise InvalidInput(_("منبع ثبت ساعت نامعتبر است."), field="source")
    errors: list[dict[str, str]] = []
    parsed: list[tuple[int, str, int | None, Decimal]] = []
    seen: set[str] = set()
    for i, row in enumerate(rows):
        try:
            code = normalize_national_code(row.national_code)
        except ValidationError as exc:
            errors.append({"field": f"rows.{i}.national_code", "message": exc.messages[0]})
            continue
        if code in seen:
            errors.append(
                {
                    "field": f"rows.{i}.national_code",
                    "message": _("این نیرو دوبار در فهرست آمده است."),
                }
            )
            continue
        seen.add(code)
        try:
            hours = _parse_hours(row.hours)
        except ValueError as exc:
            errors.append({"field": f"rows.{i}.hours", "message": str(exc)})
            continue
        parsed.append((i, code, int(row.skill_id) if row.skill_id else None, hours))

    volunteers = {
        v.national_code: v
        for v in scoped(actor, Volunteer)
        .filter(national_code__in=[p[1] for p in parsed])
        .only("id", "national_code", "first_name", "last_name", "status")
    }
    skills = Skill.objects.select_related("credential_kind").in_bulk(
        {p[2] for p in parsed if p[2] is not None}
    )
    camp_kinds = list(camp.required_credential_kinds.all())
    needed_kinds = {k.pk for k in camp_kinds} | {
        s.credential_kind_id for s in skills.values() if s.credential_kind_id
    }
    held: dict[int, dict[int, date]] = {}
    for (vid, kid), expires in valid_credentials(
        volunteer_ids=[v.pk for v in volunteers.values()], kind_ids=needed_kinds
    ).items():
        held.setdefault(vid, {})[kid] = expires
    existing = {
        e.volunteer_id: e
        for e in RosterEntry.objects.filter(
            camp=camp, volunteer_id__in=[v.pk for v in volunteers.values()]
        )
    }

    plan: list[tuple[Volunteer, Skill | None, Decimal]] = []
    for i, code, skill_id, hours in parsed:
        volunteer = volunteers.get(code)
        if volunteer is None:
            errors.append(
                {
                    "field": f"rows.{i}.national_code",
                    "message": _("نیرویی با کد ملی %(code)s در حوزهٔ شما ثبت نشده است.")
                    % {"code": code},
                }
            )
            continue
        skill = skills.get(skill_id) if skill_id else None
        if skill_id and skill is None:
            errors.append({"field": f"rows.{i}.skill", "message": _("این مهارت در فهرست نیست.")})
            continue
        kinds = list(camp_kinds)
        if skill is not None and skill.credential_kind and skill.credential_kind not in kinds:
            kinds.append(skill.credential_kind)
        refusal = credential_refusal(
            camp=camp, kinds=kinds, held=held.get(volunteer.pk, {}), who=volunteer.full_name
        )
        if refusal:
            errors.append({"field": f"rows.{i}.national_code", "message": refusal})
            continue
        plan.append((volunteer, skill, hours))
    if errors:
        raise InvalidInput(
            _("فهرست ذخیره نشد؛ %(n)s ردیف خطا دارد. خطاها را اصلاح و دوباره ذخیره کنید.")
            % {"n": len(errors)},
            errors=errors,
        )
    return _roster_write(
        actor=actor, camp=camp, plan=plan, existing=existing, source=source, now=now
    )


def _roster_write(
    *,
    actor: Any,
    camp: Camp,
    plan: list[tuple[Volunteer, Skill | None, Decimal]],
    existing: dict[int, RosterEntry],
    source: str,
    now: datetime,
) -> RosterSaveResult:
    approved_now = source == RosterEntry.Source.COORDINATOR
    status = RosterEntry.Status.APPROVED if approved_now else RosterEntry.Status.LOGGED
    result = RosterSaveResult()
    to_create: list[RosterEntry] = []
    to_update: list[RosterEntry] = []
    moves: list[tuple[RosterEntry, str]] = []
    for volunteer, skill, hours in plan:
        rate = int(skill.hourly_rate_rial) if skill else 0
        entry = existing.get(volunteer.pk)
        if entry is None:
            entry = RosterEntry(camp=camp, volunteer=volunteer, status="")
            to_create.append(entry)
        elif (entry.skill_id, entry.hours, entry.source) == (
            skill.pk if skill else None,
            hours,
            source,
        ) and entry.status != RosterEntry.Status.REJECTED:
            result.unchanged += 1
            result.entries.append(entry)
            continue
        else:
            to_update.append(entry)
        moves.append((entry, entry.status))
        entry.skill, entry.hours, entry.hourly_rate_rial = skill, hours, rate
        entry.source, entry.status = source, status
        entry.logged_by, entry.logged_at = actor, now
        entry.approved_by = actor if approved_now else None
        entry.approved_at = now if approved_now else None
        result.entries.append(entry)
    with transaction.atomic():
        if to_create:
            bulk_create_with_history(to_create, RosterEntry, default_user=actor, default_date=now)
            if to_create[0].pk is None:  # backends that do not return ids
                ids = dict(
                    RosterEntry.objects.filter(
                        camp=camp, volunteer_id__in=[e.volunteer_id for e in to_create]
                    ).values_list("volunteer_id", "id")
                )
                for e in to_create:
                    e.pk = ids[e.volunteer_id]
        if to_update:
            bulk_update_with_history(
                to_update,
                RosterEntry,
                [
                    "skill",
                    "hours",
                    "hourly_rate_rial",
                    "source",
                    "status",
                    "logged_by",
                    "logged_at",
                    "approved_by",
                    "approved_at",
                ],
                default_user=actor,
                default_date=now,
            )
        RosterEvent.objects.bulk_create(
            RosterEvent(
                entry=e, from_status=old, to_status=e.status, hours=e.hours, at=now, by=actor
            )
            for e, old in moves
        )
    result.created, result.updated = len(to_create), len(to_update)
    return result


def roster_remove(*, actor: Any, entry_id: int) -> None:
    entry = scoped(actor, RosterEntry).filter(pk=entry_id).first()
    if entry is None:
        raise NotFound(_("یافت نشد."))
    if Certificate.objects.filter(camp_id=entry.camp_id, volunteer_id=entry.volunteer_id).exists():
        raise Conflict(_("برای این نیرو گواهی صادر شده است؛ حذف از فهرست ممکن نیست."))
    entry.delete()


def _guard_approve(move: Move[RosterEntry]) -> None:
    if move.record.hours <= 0:
        raise InvalidInput(_("ساعت صفر را نمی‌توان تأیید کرد؛ ابتدا ساعت را ثبت کنید."))


# The one table of moves of logged hours and their guards. (Saving the roster
# again re-logs a row: see roster_save.) Hours are decided many at once:
# hours_decide checks each row against this table (HOURS_FLOW.check) and writes
# them in bulk, with their history and events.
HOURS_TRANSITIONS: dict[tuple[str, str], Rule[RosterEntry]] = {
    (RosterEntry.Status.LOGGED, RosterEntry.Status.APPROVED): Rule(_guard_approve),
    (RosterEntry.Status.LOGGED, RosterEntry.Status.REJECTED): Rule(),
}


def _no_bulk_event(move: Move[RosterEntry]) -> None:
    raise NotImplementedError("hours are decided in bulk by hours_decide")


HOURS_FLOW: Workflow[RosterEntry] = Workflow(
    model=RosterEntry,
    rules=HOURS_TRANSITIONS,
    event=_no_bulk_event,
    refuse=Refusals(
        no_move=lambda frm, to: InvalidInput(_("این تغییر وضعیت مجاز نیست."), field="status"),
        lost=lambda: Conflict(_("این تغییر وضعیت مجاز نیست.")),
    ),
)


def hours_decide(
    *,
    actor: Any,
    entry_ids: Iterable[int],
    to_status: str,
    note: str = "",
    now: datetime | None = None,
) -> int:
    """Approve or reject pending hours, many at once. Rows are locked; a row
    that is no longer pending (someone else decided it) is skipped. Returns the
    number of rows moved."""
    now = now or timezone.now()
    ids = [int(i) for i in entry_ids]
    moved: list[RosterEntry] = []
    with transaction.atomic():
        entries = list(
            scoped(actor, RosterEntry)
            .select_for_update()
            .filter(pk__in=ids, status=RosterEntry.Status.LOGGED)
        )
        for entry in entries:
            rule = HOURS_FLOW.check(entry, to_status, actor)
            rule.guard(Move(entry, entry.status, to_status, actor, now))
            entry.status = to_status
            if to_status == RosterEntry.Status.APPROVED:
                entry.approved_by, entry.approved_at = actor, now
            moved.append(entry)
        if moved:
            bulk_update_with_history(
                moved,
                RosterEntry,
                ["status", "approved_by", "approved_at"],
                default_user=actor,
                default_date=now,
            )
            RosterEvent.objects.bulk_create(
                RosterEvent(
                    entry=e,
                    from_status=RosterEntry.Status.LOGGED,
                    to_status=e.status,
                    hours=e.hours,
                    at=now,
                    by=actor,
                    note=clean_text(note)[:300],
                )
                for e in moved
            )
    return len(moved)


def hours_approve(*, actor: Any, entry_ids: Iterable[int], now: datetime | None = None) -> int:
    return hours_decide(
        actor=actor, entry_ids=entry_ids, to_status=RosterEntry.Status.APPROVED, now=now
    )


def hours_reject(
    *, actor: Any, entry_ids: Iterable[int], note: str = "", now: datetime | None = None
) -> int:
    return hours_decide(
        actor=actor, entry_ids=entry_ids, to_status=RosterEntry.Status.REJECTED, note=note, now=now
    )


# --- Certificates ----------------------------------------------------------------


def new_certificate_code() -> str:
    """Long and random (about 120 bits): not guessable, so the public check
    cannot be used to enumerate certificates."""
    return secrets.token_urlsafe(15)


def certificate_issue(*, actor: Any, entry_id: int, now: datetime | None = None) -> Certificate:
    """The certificate of one volunteer at one camp; issuing twice returns the same one."""
    now = now or timezone.now()
    entry = scoped(actor, RosterEntry).select_related("camp").filter(pk=entry_id).first()
    if entry is None:
        raise NotFound(_("یافت نشد."))
    if entry.status != RosterEntry.Status.APPROVED or entry.hours <= 0:
        raise Conflict(_("گواهی فقط برای ساعت‌های تأییدشده صادر می‌شود؛ ابتدا ساعت‌ها را تأیید کنید."))
    if entry.camp.end_date > timezone.localdate(now):
        raise Conflict(_("گواهی پس از پایان اردو صادر می‌شود."))
    cert, _created = Certificate.objects.get_or_create(
        volunteer_id=entry.volunteer_id,
        camp_id=entry.camp_id,
        defaults={
            "code": new_certificate_code(),
            "hours": entry.hours,
            "issued_at": now,
            "issued_by": actor,
        },
    )
    return cert
