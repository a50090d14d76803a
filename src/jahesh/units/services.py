"""Writes of production units, visits, status changes and risk assessments.

Every rule a person can break is checked here with a Persian message that
says what to fix (``django.core.exceptions.ValidationError`` keyed by field);
the database constraints in ``models.py`` hold the same rules for any other
writer. Field normalisers (``clean_unit_fields``, ``clean_visit_fields``) read
no database, so the importer applies them row by row at speed.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Choices, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from jahesh.core.digits import to_ascii_digits
from jahesh.core.errors import Conflict
from jahesh.core.identifiers import normalize_legal_id, normalize_mobile
from jahesh.core.jalali import parse_date_any
from jahesh.core.models import recorded_user
from jahesh.core.text import clean_text, normalize_key
from jahesh.core.workflow import Move, Refusals, Rule, Workflow
from jahesh.units import isic
from jahesh.units.distance import haversine_m
from jahesh.units.models import (
    RiskAssessment,
    RiskSettings,
    SalesTrend,
    Sector,
    Size,
    StatusChange,
    Unit,
    UnitStatus,
    Visit,
    VisitPhoto,
)
from jahesh.units.risk import RiskResult, compute_risk, current_settings
from jahesh.units.selectors import unit_status_at, unit_writable_counties

UNIT_FIELDS = (
    "code", "name", "national_id", "licence_no", "isic_code", "sector", "county", "city", "village",
    "industrial_estate", "address", "latitude", "longitude", "owner_name", "owner_mobile",
    "founded_on", "employees", "capacity", "capacity_unit", "status",
)  # fmt: skip

VISIT_FIELDS = (
    "visited_on", "visitor", "visitor_name", "capacity_utilization", "employees_now",
    "unpaid_wage_months", "bank_arrears_rial", "tax_debt_rial", "social_security_debt_rial",
    "utility_debt_rial", "utility_cutoff_notice", "raw_material_days", "order_book_months",
    "sales_trend", "owner_issue", "court_cases", "notes",
)  # fmt: skip


# --- Field rules -------------------------------------------------------------


def size_for(employees: int | None) -> str:
    if employees is None:
        return Size.UNKNOWN
    if employees < 10:
        return Size.MICRO
    if employees < 50:
        return Size.SMALL
    if employees < 100:
        return Size.MEDIUM
    return Size.LARGE


def _number(value: Any, *, label: str, whole: bool) -> Decimal | None:
    """``value`` read as a number (any digits, thousands commas), ``None`` when blank."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return Decimal(to_ascii_digits(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        message = (
            _("%(label)s باید یک عدد صحیح باشد؛ «%(value)s» عدد نیست.")
            if whole
            else _("%(label)s باید یک عدد باشد؛ «%(value)s» عدد نیست.")
        )
        raise ValidationError(message % {"label": label, "value": value}) from None


def _within(n: Decimal, *, label: str, minimum: Any, maximum: Any) -> None:
    """Refuse ``n`` below ``minimum`` or above ``maximum`` (``None``: no bound)."""
    if minimum is not None and n < minimum:
        raise ValidationError(
            _("%(label)s نمی‌تواند کمتر از %(minimum)s باشد.") % {"label": label, "minimum": minimum}
        )
    if maximum is not None and n > maximum:
        raise ValidationError(
            _("%(label)s نمی‌تواند بیشتر از %(maximum)s باشد.")
            % {"label": label, "maximum": maximum}
        )


def _int(value: Any, *, label: str, minimum: int = 0, maximum: int | None = None) -> int | None:
    n = _number(value, label=label, whole=True)
    if n is None:
        return None
    if n != n.to_integral_value():
        raise ValidationError(
            _("%(label)s باید عدد صحیح باشد، نه «%(value)s».") % {"label": label, "value": value}
        )
    _within(n, label=label, minimum=minimum, maximum=maximum)
    return int(n)


def _decimal(
    value: Any, *, label: str, minimum: Decimal | None = None, maximum: Decimal | None = None
) -> Decimal | None:
    d = _number(value, label=label, whole=False)
    if d is None:
        return None
    if not d.is_finite():
        raise ValidationError(_("%(label)s باید یک عدد باشد.") % {"label": label})
    _within(d, label=label, minimum=minimum, maximum=maximum)
    return d


def clean_isic(value: Any) -> tuple[str, str, str]:
    """(code, division, section) of an ISIC Rev.4 code typed in any digits; ("", "", "") if blank."""
    code = to_ascii_digits(value).strip().replace(" ", "") if value is not None else ""
    if not code:
        return "", "", ""
    parts = isic.split_code(code)
    if parts is None:
        raise ValidationError(
            _(
                "کد آیسیک «%(value)s» معتبر نیست؛ ۲ تا ۴ رقم از طبقه‌بندی ISIC ویرایش ۴ وارد کنید (مثلاً ۱۰۷۲)."
            )
            % {"value": value}
        )
    return code, parts[0], parts[1]


def _choice(value: Any, choices: type[Choices], *, label: str) -> str:
    """A choice given as its value, its Persian label or its English name."""
    key = normalize_key(value)
    for member in choices:
        if key in (
            normalize_key(member.value),
            normalize_key(member.label),
            normalize_key(member.name),
        ):
            return member.value
    options = "، ".join(str(m.label) for m in choices if m.value)
    raise ValidationError(
        _("%(label)s «%(value)s» شناخته نشد؛ یکی از این‌ها را بنویسید: %(options)s.")
        % {"label": label, "value": value, "options": options}
    )


def clean_sector(value: Any) -> str:
    if not normalize_key(value):
        raise ValidationError(_("بخش اقتصادی را وارد کنید."))
    return _choice(value, Sector, label=_("بخش اقتصادی"))


def clean_status(value: Any) -> str:
    if not normalize_key(value):
        return UnitStatus.ACTIVE
    return _choice(value, UnitStatus, label=_("وضعیت"))


class _Fields:
    """The cleaned values of the fields present in ``data`` (``out``) and the
    messages of those that failed (``errors``, by field), one field at a time."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.out: dict[str, Any] = {}
        self.errors: dict[str, list[str]] = {}

    def run(self, name: str, fn: Callable[[Any], Any]) -> None:
        if name not in self.data:
            return
        try:
            self.out[name] = fn(self.data[name])
        except ValidationError as exc:
            self.errors.setdefault(name, []).extend(exc.messages)


def clean_unit_fields(data: dict[str, Any], *, today: date) -> dict[str, Any]:
    """Normalise and check the unit fields present in ``data`` (no database reads).

    Returns the cleaned values plus the derived ones (``name_key``, ISIC
    division and section, ``size``). Raises ``ValidationError`` keyed by field.
    """
    fields = _Fields(data)
    out, errors, run = fields.out, fields.errors, fields.run

    run("name", _clean_name)
    run("national_id", lambda v: normalize_legal_id(v) if normalize_key(v) else None)
    run("code", lambda v: to_ascii_digits(clean_text(v)) or None)
    run("licence_no", lambda v: to_ascii_digits(clean_text(v)))
    run("sector", clean_sector)
    run("status", clean_status)
    run("owner_mobile", lambda v: normalize_mobile(v) if normalize_key(v) else "")
    run("employees", lambda v: _int(v, label=_("تعداد کارکنان"), maximum=1_000_000))
    run("capacity", lambda v: _decimal(v, label=_("ظرفیت اسمی"), minimum=Decimal(0)))
    run(
        "latitude",
        lambda v: _decimal(v, label=_("عرض جغرافیایی"), minimum=Decimal(-90), maximum=Decimal(90)),
    )
    run(
        "longitude",
        lambda v: _decimal(
            v, label=_("طول جغرافیایی"), minimum=Decimal(-180), maximum=Decimal(180)
        ),
    )
    run("founded_on", lambda v: _not_future(v, today=today, label=_("تاریخ تأسیس")))
    for name in ("industrial_estate", "address", "owner_name", "capacity_unit"):
        run(name, clean_text)
    for name in ("county", "city", "village"):
        if name in data:
            out[name] = data[name]
    if "isic_code" in data:
        try:
            out["isic_code"], out["isic_division"], out["isic_section"] = clean_isic(
                data["isic_code"]
            )
        except ValidationError as exc:
            errors.setdefault("isic_code", []).extend(exc.messages)
    if "name" in out:
        out["name_key"] = normalize_key(out["name"])
    if "employees" in out:
        out["size"] = size_for(out["employees"])
    if ("latitude" in out) != ("longitude" in out) or (
        "latitude" in out and (out["latitude"] is None) != (out["longitude"] is None)
    ):
        errors.setdefault("longitude", []).append(
            _("عرض و طول جغرافیایی را با هم وارد کنید یا هر دو را خالی بگذارید.")
        )
    if errors:
        raise ValidationError(errors)
    return out


def _clean_name(value: Any) -> str:
    name = clean_text(value)
    if not name:
        raise ValidationError(_("نام واحد را وارد کنید."))
    if len(name) > 200:
        raise ValidationError(
            _("نام واحد حداکثر ۲۰۰ نویسه است؛ %(n)s نویسه وارد شده.") % {"n": len(name)}
        )
    return name


def _not_future(value: Any, *, today: date, label: str) -> date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, date):
        value = parse_date_any(value)
    if value > today:
        raise ValidationError(_("%(label)s نمی‌تواند در آینده باشد.") % {"label": label})
    return value


@dataclass(frozen=True)
class UnitLookups:
    """How the relation rules ask the database: one query per question (a
    person's form) or sets read once for a whole batch (``bulk.units_build``)."""

    writable: Callable[[Any], bool]  # the county is in the user's scope
    nid_taken: Callable[[str, Unit | None], bool]  # another unit holds the national ID
    code_taken: Callable[[str, Unit | None], bool]  # another unit holds the code


def _taken(field: str) -> Callable[[str, Unit | None], bool]:
    def ask(value: str, instance: Unit | None) -> bool:
        clash = Unit.objects.filter(**{field: value})
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        return clash.exists()

    return ask


def _lookups_one(user: Any) -> UnitLookups:
    return UnitLookups(
        writable=lambda county: unit_writable_counties(user).filter(pk=county.pk).exists(),
        nid_taken=_taken("national_id"),
        code_taken=_taken("code"),
    )


def _check_unit_relations(
    values: dict[str, Any], *, instance: Unit | None, user: Any, lookups: UnitLookups | None = None
) -> None:
    """The rules that need the database: the county within the user's scope,
    unique national ID and code, city/village in the county."""

    ask = lookups or _lookups_one(user)
    errors: dict[str, list[str]] = {}
    county = values.get("county", instance.county if instance else None)
    if county is None:
        errors["county"] = [_("شهرستان را انتخاب کنید.")]
    elif "county" in values and not ask.writable(county):
        errors["county"] = [_("شهرستان «%(county)s» در حوزهٔ کاری شما نیست.") % {"county": county}]
    for name, label in (("city", _("شهر")), ("village", _("روستا"))):
        place = values.get(name)
        if place is not None and county is not None and place.county_id != county.pk:
            errors[name] = [
                _("%(label)s «%(place)s» در شهرستان «%(county)s» نیست.")
                % {"label": label, "place": place, "county": county}
            ]
    national_id = values.get("national_id")
    if national_id and ask.nid_taken(national_id, instance):
        errors["national_id"] = [_("واحد دیگری با این شناسه ملی ثبت شده است.")]
    code = values.get("code")
    if code and ask.code_taken(code, instance):
        errors["code"] = [_("واحد دیگری با این کد ثبت شده است.")]
    if errors:
        raise ValidationError(errors)


def _validate_unit(
    fields: dict[str, Any],
    *,
    instance: Unit | None,
    user: Any,
    today: date,
    lookups: UnitLookups | None = None,
) -> dict[str, Any]:
    """Field rules and database rules together, so one answer lists every problem."""
    errors: dict[str, list[str]] = {}
    try:
        values = clean_unit_fields(fields, today=today)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        values = {k: v for k, v in fields.items() if k in ("county", "city", "village")}
    try:
        _check_unit_relations(values, instance=instance, user=user, lookups=lookups)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return values


# --- Units -------------------------------------------------------------------


def unit_build(
    *, user: Any, now: datetime | None = None, lookups: UnitLookups | None = None, **fields: Any
) -> Unit:
    """A checked unit, not saved: :func:`unit_create`'s rules (``lookups`` from
    ``bulk.units_build`` for a batch). Raises ``ValidationError`` keyed by field."""
    now = now or timezone.now()
    _reject_unknown(fields, UNIT_FIELDS)
    fields.setdefault("sector", "")
    fields.setdefault("name", "")
    values = _validate_unit(
        fields, instance=None, user=user, today=timezone.localdate(now), lookups=lookups
    )
    return Unit(**values, created_by=recorded_user(user))


def unit_create(*, user: Any, now: datetime | None = None, **fields: Any) -> Unit:
    """Register a unit. Required: name, sector, county; the rest as ``UNIT_FIELDS``."""
    unit = unit_build(user=user, now=now, **fields)
    unit._history_user = recorded_user(user)
    unit.save()
    return unit


def unit_update(
    *, unit: Unit, user: Any, status_reason: str = "", now: datetime | None = None, **fields: Any
) -> Unit:
    """Change a unit's fields. A new ``status`` needs ``status_reason`` and goes
    through :func:`unit_change_status` (history row, new risk assessment)."""
    now = now or timezone.now()
    _reject_unknown(fields, UNIT_FIELDS)
    values = _validate_unit(fields, instance=unit, user=user, today=timezone.localdate(now))
    new_status = values.pop("status", unit.status)
    employees_changed = "employees" in values and values["employees"] != unit.employees
    with transaction.atomic():
        if new_status != unit.status:
            unit = unit_change_status(
                unit=unit, to_status=new_status, reason=status_reason, user=user, now=now
            )
        for name, value in values.items():
            setattr(unit, name, value)
        unit._history_user = recorded_user(user)
        unit.save()
        if employees_changed and unit.last_visit_on is not None:
            unit_reassess(unit=unit, on=timezone.localdate(now))
    return unit


def unit_delete(*, unit: Unit, user: Any) -> None:

    unit._history_user = recorded_user(user)
    try:
        unit.delete()
    except ProtectedError:
        raise Conflict(
            _("این واحد پروندهٔ کلینیک یا سوابق وابسته دارد و حذف نمی‌شود؛ وضعیت آن را تغییر دهید.")
        ) from None


def _reject_unknown(fields: dict, allowed: tuple[str, ...]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")


# --- Status workflow -----------------------------------------------------------
# A unit may move between any two statuses (a closed unit can reopen); every move
# needs a reason, because the history of changes and their reasons is what the
# headquarters reads when it decides where to intervene.


def _needs_reason(move: Move[Unit]) -> None:
    if not move.reason.strip():
        raise ValidationError({"status_reason": [_("دلیل تغییر وضعیت را بنویسید.")]})


_REASONED = Rule[Unit](guard=_needs_reason)
TRANSITIONS: dict[tuple[str, str], Rule[Unit]] = {
    (a, b): _REASONED for a in UnitStatus.values for b in UnitStatus.values if a != b
}


def _status_row(move: Move[Unit]) -> StatusChange:
    """The move's row dated ``move.data``, not saved (``UNIT_FLOW.history`` answers many)."""
    return StatusChange(
        unit=move.record,
        changed_on=move.data,
        from_status=move.from_status,
        to_status=move.to_status,
        reason=move.reason,
        changed_by=recorded_user(move.user),
    )


UNIT_FLOW: Workflow[Unit] = Workflow(
    model=Unit,
    rules=TRANSITIONS,
    row=_status_row,
    refuse=Refusals(
        no_move=lambda frm, to: Conflict(
            _("واحد هم‌اکنون «%(status)s» است.") % {"status": UnitStatus(frm).label},
            field="status",
        ),
        lost=lambda: Conflict(_("وضعیت واحد هم‌زمان تغییر کرد؛ صفحه را تازه کنید.")),
    ),
    save=True,  # the unit's history row, by the user who moved it
)


def unit_change_status(
    *,
    unit: Unit,
    to_status: str,
    reason: str,
    user: Any,
    changed_on: date | None = None,
    now: datetime | None = None,
) -> Unit:
    """Move ``unit`` to ``to_status`` through ``UNIT_FLOW`` (core.workflow: lock the
    row, check the transition, append a ``StatusChange`` dated ``changed_on``,
    default today) and re-assess the risk as of that day."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    changed_on = changed_on or today
    to_status = clean_status(to_status)
    reason = clean_text(reason)
    if changed_on > today:
        raise ValidationError({"changed_on": [_("تاریخ تغییر وضعیت نمی‌تواند در آینده باشد.")]})
    with transaction.atomic():
        locked = UNIT_FLOW.transition(
            unit, to_status, user=user, data=changed_on, reason=reason, now=now
        )
        unit_reassess(unit=locked, on=changed_on)
    unit.status = locked.status
    unit.risk_score, unit.risk_level, unit.risk_assessed_on = (
        locked.risk_score,
        locked.risk_level,
        locked.risk_assessed_on,
    )
    return unit


# --- Visits ------------------------------------------------------------------


def clean_visit_fields(data: dict[str, Any], *, today: date) -> dict[str, Any]:
    """Normalise and check visit fields (no database reads); ValidationError keyed by field."""
    fields = _Fields(data)
    out, errors, run = fields.out, fields.errors, fields.run

    def required_date(v: Any) -> date | None:
        if v in (None, ""):
            raise ValidationError(_("تاریخ بازدید را وارد کنید."))
        return _not_future(v, today=today, label=_("تاریخ بازدید"))

    def amount(label: str) -> Callable[[Any], int]:
        return lambda v: _int(v, label=label) or 0

    run("visited_on", required_date)
    run("capacity_utilization", lambda v: _int(v, label=_("ظرفیت به‌کارگرفته (٪)"), maximum=100))
    run("employees_now", lambda v: _int(v, label=_("کارکنان فعلی"), maximum=1_000_000))
    run("unpaid_wage_months", lambda v: _int(v, label=_("ماه‌های حقوق معوق"), maximum=120) or 0)
    run("bank_arrears_rial", amount(_("معوقات بانکی")))
    run("tax_debt_rial", amount(_("بدهی مالیاتی")))
    run("social_security_debt_rial", amount(_("بدهی تأمین اجتماعی")))
    run("utility_debt_rial", amount(_("بدهی آب، برق و گاز")))
    run("raw_material_days", lambda v: _int(v, label=_("موجودی مواد اولیه (روز)"), maximum=3650))
    run(
        "order_book_months",
        lambda v: _decimal(
            v, label=_("سفارش‌های در دست (ماه)"), minimum=Decimal(0), maximum=Decimal("999.9")
        ),
    )
    run("court_cases", lambda v: _int(v, label=_("پرونده‌های قضایی"), maximum=1000) or 0)
    run(
        "sales_trend",
        lambda v: _choice(v, SalesTrend, label=_("روند فروش")) if normalize_key(v) else "",
    )
    for name in ("utility_cutoff_notice", "owner_issue"):
        if name in data:
            out[name] = bool(data[name])
    for name in ("visitor_name", "notes"):
        run(name, clean_text)
    if "visitor" in data:
        out["visitor"] = data["visitor"]
    if errors:
        raise ValidationError(errors)
    return out


@dataclass(frozen=True)
class Position:
    """Where the phone was: degrees (WGS84) and the accuracy it reported, in metres."""

    latitude: Decimal
    longitude: Decimal
    accuracy_m: int | None = None


def _place_visit(
    visit: Visit, unit: Unit, position: Position | None, take_coordinates: bool, actor: Any
) -> None:
    """Keep the phone's position on the visit and its distance to the unit's
    coordinates, flagging it past JAHESH_VISIT_FAR_M; a unit without coordinates
    takes the visit's when the officer confirmed it (``take_coordinates``)."""
    if position is None:
        return
    visit.latitude = Decimal(position.latitude).quantize(Decimal("0.000001"))
    visit.longitude = Decimal(position.longitude).quantize(Decimal("0.000001"))
    visit.accuracy_m = position.accuracy_m
    if unit.latitude is not None and unit.longitude is not None:
        distance = haversine_m(unit.latitude, unit.longitude, visit.latitude, visit.longitude)
        visit.distance_m = round(distance)
        visit.far_from_unit = distance > settings.JAHESH_VISIT_FAR_M
    elif take_coordinates:
        unit.latitude, unit.longitude = visit.latitude, visit.longitude
        unit._history_user = actor
        # Not updated_at: the unit's own fields did not change under the officer.
        unit.save(update_fields=["latitude", "longitude"])
        visit.distance_m = 0


def visit_build(
    *, unit: Unit, user: Any, now: datetime, client_key: str = "", **fields: Any
) -> Visit:
    """A checked visit, not saved: :func:`visit_create`'s rules (``VISIT_FIELDS``
    through ``clean_visit_fields``; the recording user is the visitor when none
    is named). Raises ``ValidationError`` keyed by field."""
    _reject_unknown(fields, VISIT_FIELDS)
    fields.setdefault("visited_on", None)
    values = clean_visit_fields(fields, today=timezone.localdate(now))
    actor = recorded_user(user)
    if not values.get("visitor_name") and values.get("visitor") is None and actor is not None:
        values["visitor"] = actor
        values["visitor_name"] = str(actor)
    return Visit(unit=unit, created_by=actor, client_key=client_key, **values)


def visit_create(
    *,
    unit: Unit,
    user: Any,
    photos: list[Any] | None = None,
    now: datetime | None = None,
    position: Position | None = None,
    take_coordinates: bool = False,
    client_key: str = "",
    **fields: Any,
) -> Visit:
    """Record a monitoring visit and re-assess the unit's risk as of its date."""
    now = now or timezone.now()
    visit = visit_build(unit=unit, user=user, now=now, client_key=client_key, **fields)
    actor = visit.created_by
    with transaction.atomic():
        _place_visit(visit, unit, position, take_coordinates, actor)
        visit._history_user = actor
        visit.save()
        for photo in photos or []:
            visit_photo_add(visit=visit, upload=photo)
        if unit.last_visit_on is None or visit.visited_on >= unit.last_visit_on:
            Unit.objects.filter(pk=unit.pk).update(last_visit_on=visit.visited_on)
            unit.last_visit_on = visit.visited_on
        _assess(unit=unit, visit=visit, on=visit.visited_on)
        _refresh_cached_risk(unit)
    return visit


def visit_create_once(
    *,
    unit: Unit,
    user: Any,
    client_key: str,
    unit_seen_at: datetime | None = None,
    **kwargs: Any,
) -> tuple[Visit, bool]:
    """The field app's visit: ``(visit, created)``. The phone makes ``client_key``
    (the Idempotency-Key) when the officer saves the form offline, so a resend
    answers the visit the first send recorded. ``unit_seen_at`` is the unit's
    ``updated_at`` as the phone last read it: a unit edited since is a conflict
    the officer resolves (resend without it), never a visit silently recorded
    against data they did not see."""
    existing = _visit_by_key(user, client_key)
    if existing is not None:
        if existing.unit_id != unit.pk:
            raise Conflict(_("این شناسهٔ ارسال پیش‌تر برای بازدید واحد دیگری به کار رفته است."))
        return existing, False
    # The API writes times to the millisecond (DjangoJSONEncoder), so compare at that.
    changed = unit.updated_at.replace(microsecond=unit.updated_at.microsecond // 1000 * 1000)
    if unit_seen_at is not None and changed > unit_seen_at:
        raise Conflict(
            _(
                "اطلاعات این واحد پس از آخرین به‌روزرسانی گوشی تغییر کرده است؛"
                " واحد را دوباره ببینید و بازدید را دوباره بفرستید."
            ),
            {"unit_updated_at": unit.updated_at.isoformat()},
        )
    try:
        with transaction.atomic():
            return visit_create(unit=unit, user=user, client_key=client_key, **kwargs), True
    except IntegrityError:
        # The same key sent twice at once: the other request recorded it.
        existing = _visit_by_key(user, client_key)
        if existing is None:
            raise
        return existing, False


def _visit_by_key(user: Any, client_key: str) -> Visit | None:
    return Visit.objects.filter(created_by=user, client_key=client_key).first()


PHOTO_LONG_SIDE = 1600
PHOTO_MAX_BYTES = 15 * 1024 * 1024
PHOTO_MAX_PIXELS = 50_000_000
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}


def _photo_bytes(upload: Any) -> tuple[bytes, int, int]:
    """The upload re-encoded as a JPEG whose long side is at most PHOTO_LONG_SIDE,
    turned upright and without its metadata (EXIF holds the phone's serial and
    more); the type is read from the bytes, never from the name or header."""
    if hasattr(upload, "seek"):
        upload.seek(0)  # a form's image check may have read it
    data = upload.read(PHOTO_MAX_BYTES + 1)
    if len(data) > PHOTO_MAX_BYTES:
        raise ValidationError({"file": _("عکس بزرگ‌تر از ۱۵ مگابایت است.")})
    try:
        image: Image.Image = Image.open(io.BytesIO(data))
        if image.format not in PHOTO_FORMATS:
            raise ValidationError({"file": _("فقط عکس JPEG، PNG یا WebP پذیرفته می‌شود.")})
        if image.width * image.height > PHOTO_MAX_PIXELS:
            raise ValidationError({"file": _("ابعاد عکس بیش از اندازه است.")})
        image = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationError({"file": _("این پرونده عکس نیست یا خراب است.")}) from None
    image.thumbnail((PHOTO_LONG_SIDE, PHOTO_LONG_SIDE))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue(), image.width, image.height


def visit_photo_add(*, visit: Visit, upload: Any) -> tuple[VisitPhoto, bool]:
    """Store a photo of the visit: ``(photo, created)``. A photo sent again (the
    field app's resend) is recognised by the hash of its re-encoded bytes."""
    data, width, height = _photo_bytes(upload)
    digest = hashlib.sha256(data).hexdigest()
    found = VisitPhoto.objects.filter(visit=visit, sha256=digest).first()
    if found is not None:
        return found, False
    photo = VisitPhoto(visit=visit, sha256=digest, width=width, height=height)
    photo.image.save(f"{digest[:32]}.jpg", ContentFile(data), save=False)
    photo.save()
    return photo, True


def visit_update(*, visit: Visit, user: Any, now: datetime | None = None, **fields: Any) -> Visit:
    now = now or timezone.now()
    _reject_unknown(fields, VISIT_FIELDS)
    values = clean_visit_fields(fields, today=timezone.localdate(now))
    with transaction.atomic():
        for name, value in values.items():
            setattr(visit, name, value)
        visit._history_user = recorded_user(user)
        visit.save()
        unit = visit.unit
        visit.risk_assessments.all().delete()
        _assess(unit=unit, visit=visit, on=visit.visited_on)
        latest = unit.visits.order_by("-visited_on").values_list("visited_on", flat=True).first()
        Unit.objects.filter(pk=unit.pk).update(last_visit_on=latest)
        unit.last_visit_on = latest
        _refresh_cached_risk(unit)
    return visit


# --- Risk --------------------------------------------------------------------


def _latest_visit(unit: Unit, on: date) -> Visit | None:
    return unit.visits.filter(visited_on__lte=on).order_by("-visited_on", "-id").first()


def risk_assessment_build(
    *, unit: Unit, visit: Visit | None, on: date, status: str, weights: RiskSettings
) -> RiskAssessment:
    """The unit's risk as of ``on``, not saved: ``compute_risk`` of ``visit``, the
    unit's ``status`` that day and its registered workforce, with ``weights``."""
    result: RiskResult = compute_risk(
        visit=visit,
        status=status,
        registered_employees=unit.employees,
        settings=weights,
        assessed_on=on,
    )
    return RiskAssessment(
        unit=unit,
        visit=visit,
        assessed_on=on,
        score=result.score,
        level=result.level,
        drivers=[d.as_dict() for d in result.drivers],
        status=status,
    )


def _assess(*, unit: Unit, visit: Visit | None, on: date) -> RiskAssessment:
    status = unit_status_at(unit=unit, when=on)
    row = risk_assessment_build(
        unit=unit, visit=visit, on=on, status=status, weights=current_settings()
    )
    row.save()
    return row


def unit_reassess(*, unit: Unit, on: date) -> RiskAssessment:
    """Append a risk assessment as of ``on`` from the latest visit by then and the
    status on that day (after a status change, a new workforce figure or new weights)."""
    row = _assess(unit=unit, visit=_latest_visit(unit, on), on=on)
    _refresh_cached_risk(unit)
    return row


def _refresh_cached_risk(unit: Unit) -> None:
    latest = unit.risk_assessments.order_by("-assessed_on", "-id").first()
    values = {
        "risk_score": latest.score if latest else None,
        "risk_level": latest.level if latest else "",
        "risk_assessed_on": latest.assessed_on if latest else None,
    }
    Unit.objects.filter(pk=unit.pk).update(**values)
    for name, value in values.items():
        setattr(unit, name, value)
