"""A camp's roster and its hours: saved a whole roster at a time, and decided
(approved or rejected) many rows at once against ``HOURS_TRANSITIONS``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from jahesh.accounts.scoping import scoped
from jahesh.core.digits import to_ascii_digits
from jahesh.core.errors import Conflict, InvalidInput, NotFound
from jahesh.core.identifiers import normalize_national_code
from jahesh.core.jalali import format_jalali
from jahesh.core.models import recorded_user
from jahesh.core.text import clean_text
from jahesh.core.workflow import Move, Refusals, Rule, Workflow
from jahesh.volunteers.models import (
    Camp,
    Certificate,
    CredentialKind,
    RosterEntry,
    RosterEvent,
    Skill,
    Volunteer,
)
from jahesh.volunteers.selectors import valid_credentials
from jahesh.volunteers.services.people import MAX_HOURS, in_scope_ids

# The sources' values, asked once (``Choices.values`` builds its list anew on
# every read; the bulk form asks it for every row).
_SOURCES = frozenset(RosterEntry.Source.values)


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

    1. ``_roster_parse``: each row's national code (not twice) and hours (in range);
    2. ``_roster_lookup``: the volunteers in scope, skills, held credentials and
       existing entries, one query each;
    3. ``_roster_check``: each row against them (known volunteer and skill,
       credentials valid until the camp's last day). Any error in 1 or 3: nothing
       is saved and every row's error is returned (field ``rows.<i>.<column>``);
    4. ``_roster_write``: create new entries and update changed ones in bulk, with
       their history and events. A coordinator's hours are approved at once; a
       volunteer's own hours wait for approval.
    The number of queries does not grow with the number of rows.
    """
    now = now or timezone.now()
    if source not in _SOURCES:
        raise InvalidInput(_("منبع ثبت ساعت نامعتبر است."), field="source")
    parsed, errors = _roster_parse(rows)
    found = _roster_lookup(actor=actor, camp=camp, parsed=parsed)
    plan, refused = _roster_check(camp=camp, parsed=parsed, found=found)
    errors += refused
    if errors:
        raise InvalidInput(
            _("فهرست ذخیره نشد؛ %(n)s ردیف خطا دارد. خطاها را اصلاح و دوباره ذخیره کنید.")
            % {"n": len(errors)},
            errors=errors,
        )
    return _roster_write(
        actor=actor, camp=camp, plan=plan, existing=found.existing, source=source, now=now
    )


_Parsed = tuple[int, str, int | None, Decimal]  # (row index, national code, skill id, hours)
_Plan = list[tuple[Volunteer, Skill | None, Decimal]]


def _row_error(i: int, column: str, message: Any) -> dict[str, str]:
    return {"field": f"rows.{i}.{column}", "message": message}


def _roster_parse(rows: Sequence[RosterRow]) -> tuple[list[_Parsed], list[dict[str, str]]]:
    """Step 1: each row's national code and hours, read alone (no query)."""
    errors: list[dict[str, str]] = []
    parsed: list[_Parsed] = []
    seen: set[str] = set()
    for i, row in enumerate(rows):
        try:
            code = normalize_national_code(row.national_code)
        except ValidationError as exc:
            errors.append(_row_error(i, "national_code", exc.messages[0]))
            continue
        if code in seen:
            errors.append(_row_error(i, "national_code", _("این نیرو دوبار در فهرست آمده است.")))
            continue
        seen.add(code)
        try:
            hours = _parse_hours(row.hours)
        except ValueError as exc:
            errors.append(_row_error(i, "hours", str(exc)))
            continue
        parsed.append((i, code, int(row.skill_id) if row.skill_id else None, hours))
    return parsed, errors


@dataclass(frozen=True)
class _RosterFound:
    volunteers: dict[str, Volunteer]  # by national code, in the actor's scope
    skills: dict[Any, Skill]
    camp_kinds: list[CredentialKind]
    held: dict[int, dict[int, date]]  # volunteer → credential kind → valid until
    existing: dict[int, RosterEntry]  # volunteer → the camp's entry


def _roster_lookup(*, actor: Any, camp: Camp, parsed: list[_Parsed]) -> _RosterFound:
    """Step 2: the rows' volunteers, skills, held credentials and existing entries,
    one query each, whatever the number of rows."""
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
    return _RosterFound(volunteers, skills, camp_kinds, held, existing)


def _roster_check(
    *, camp: Camp, parsed: list[_Parsed], found: _RosterFound
) -> tuple[_Plan, list[dict[str, str]]]:
    """Step 3: each row against what was found: a volunteer in scope, a known
    skill, the credentials the camp and the skill need, valid to the camp's end."""
    errors: list[dict[str, str]] = []
    plan: _Plan = []
    for i, code, skill_id, hours in parsed:
        volunteer = found.volunteers.get(code)
        if volunteer is None:
            errors.append(
                _row_error(
                    i,
                    "national_code",
                    _("نیرویی با کد ملی %(code)s در حوزهٔ شما ثبت نشده است.") % {"code": code},
                )
            )
            continue
        skill = found.skills.get(skill_id) if skill_id else None
        if skill_id and skill is None:
            errors.append(_row_error(i, "skill", _("این مهارت در فهرست نیست.")))
            continue
        refusal = _serve_refusal(
            camp, found.camp_kinds, skill, found.held.get(volunteer.pk, {}), volunteer
        )
        if refusal:
            errors.append(_row_error(i, "national_code", refusal))
            continue
        plan.append((volunteer, skill, hours))
    return plan, errors


def _serve_refusal(
    camp: Camp,
    camp_kinds: Sequence[CredentialKind],
    skill: Skill | None,
    held: dict[int, date],
    volunteer: Volunteer,
) -> str | None:
    """Why ``volunteer`` may not serve at ``camp`` with ``skill``: the credentials
    the camp and the skill need, valid to the camp's last day (None: they may)."""
    kinds = list(camp_kinds)
    if skill is not None and skill.credential_kind and skill.credential_kind not in kinds:
        kinds.append(skill.credential_kind)
    return credential_refusal(camp=camp, kinds=kinds, held=held, who=volunteer.full_name)


def _entry_set(
    entry: RosterEntry,
    *,
    skill: Skill | None,
    hours: Decimal,
    source: str,
    actor: Any,
    now: datetime,
) -> None:
    """A saved roster row's hours and what follows from them: the skill's rate,
    approved at once when a coordinator logs them, waiting when a volunteer does."""
    approved_now = source == RosterEntry.Source.COORDINATOR
    entry.skill, entry.hours = skill, hours
    entry.hourly_rate_rial = int(skill.hourly_rate_rial) if skill else 0
    entry.source = source
    entry.status = RosterEntry.Status.APPROVED if approved_now else RosterEntry.Status.LOGGED
    entry.logged_by, entry.logged_at = recorded_user(actor), now
    entry.approved_by = recorded_user(actor) if approved_now else None
    entry.approved_at = now if approved_now else None


def _roster_write(
    *,
    actor: Any,
    camp: Camp,
    plan: _Plan,
    existing: dict[int, RosterEntry],
    source: str,
    now: datetime,
) -> RosterSaveResult:
    result = RosterSaveResult()
    to_create: list[RosterEntry] = []
    to_update: list[RosterEntry] = []
    moves: list[tuple[RosterEntry, str]] = []
    for volunteer, skill, hours in plan:
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
        _entry_set(entry, skill=skill, hours=hours, source=source, actor=actor, now=now)
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


def roster_entry_build(
    *,
    camp: Camp,
    volunteer: Volunteer,
    skill: Skill | None,
    hours: Any,
    source: str,
    camp_kinds: Sequence[CredentialKind],
    held: dict[int, date],
    actor: Any,
    now: datetime,
) -> RosterEntry:
    """A new roster row checked as :func:`roster_save` checks a row (its hours,
    the credentials the camp and the skill need; ``held``: the volunteer's
    credential kinds and their latest expiry), with what it derives; not saved.
    :func:`roster_entries_create` writes many."""
    if source not in _SOURCES:
        raise InvalidInput(_("منبع ثبت ساعت نامعتبر است."), field="source")
    try:
        parsed = _parse_hours(hours)
    except ValueError as exc:
        raise InvalidInput(str(exc), field="hours") from None
    refusal = _serve_refusal(camp, camp_kinds, skill, held, volunteer)
    if refusal:
        raise InvalidInput(refusal, field="national_code")
    entry = RosterEntry(camp=camp, volunteer=volunteer, status="")
    _entry_set(entry, skill=skill, hours=parsed, source=source, actor=actor, now=now)
    return entry


@transaction.atomic
def roster_entries_create(
    entries: Sequence[RosterEntry], *, actor: Any, now: datetime, batch_size: int = 2000
) -> list[RosterEntry]:
    """The bulk form of :func:`roster_save` for new rows of new camps, built by
    :func:`roster_entry_build`: the same refusals asked once for the batch (a
    volunteer outside ``actor``'s scope, one twice in a camp's roster), then the
    rows and their first events, as :func:`roster_save` writes them; no history
    rows, as none of the volunteers app's bulk forms writes them (they record a
    person's edits; the demo's rows are none, and half of this form's time)."""
    pairs = [(e.camp_id, e.volunteer_id) for e in entries]
    if len(set(pairs)) != len(pairs):
        raise InvalidInput(_("این نیرو دوبار در فهرست آمده است."), field="national_code")
    visible = in_scope_ids(actor, Volunteer, (e.volunteer_id for e in entries))
    for e in entries:
        if e.volunteer_id not in visible:
            raise InvalidInput(
                _("نیرویی با کد ملی %(code)s در حوزهٔ شما ثبت نشده است.")
                % {"code": e.volunteer.national_code},
                field="national_code",
            )
    who = recorded_user(actor)
    created = RosterEntry.objects.bulk_create(entries, batch_size=batch_size)
    RosterEvent.objects.bulk_create(
        [
            RosterEvent(entry=e, from_status="", to_status=e.status, hours=e.hours, at=now, by=who)
            for e in created
        ],
        batch_size=batch_size,
    )
    return created


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
