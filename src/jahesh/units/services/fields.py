"""The field rules of units and visits: normalisers that read no database
(``clean_unit_fields``, ``clean_visit_fields``), the checks that
do (``UnitLookups``, ``_validate_unit``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Choices
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jahesh.core.digits import to_ascii_digits
from jahesh.core.identifiers import normalize_legal_id, normalize_mobile
from jahesh.core.jalali import parse_date_any
from jahesh.core.text import clean_text, listed, normalize_key
from jahesh.units import isic
from jahesh.units.models import SalesTrend, Sector, Size, Unit, UnitStatus
from jahesh.units.selectors import unit_writable_counties

UNIT_FIELDS = (
    "code", "name", "national_id", "licence_no", "isic_code", "sector", "county", "city", "village",
    "industrial_estate", "address", "latitude", "longitude", "owner_name", "owner_mobile",
    "founded_on", "employees", "capacity", "capacity_unit", "status",
)  # fmt: skip
# What an edit may change: all but the status, whose one write path is the
# unit's workflow (``UNIT_FLOW``: the page's status form, the API's transitions),
# so every change of status has its reason, its history row and its re-assessment.
UNIT_EDIT_FIELDS = tuple(name for name in UNIT_FIELDS if name != "status")

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


# The fields' labels go in untranslated (``gettext_noop``) and are translated in
# the messages that name them: a batch of thousands of rows (an import, the
# demo) checks every field of every row, and a label is read only on an error.
# (A label translated already passes through ``_`` unchanged: no msgid is English.)


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
        raise ValidationError(message % {"label": _(label), "value": value}) from None


def _within(n: Decimal, *, label: str, minimum: Any, maximum: Any) -> None:
    """Refuse ``n`` below ``minimum`` or above ``maximum`` (``None``: no bound)."""
    if minimum is not None and n < minimum:
        raise ValidationError(
            _("%(label)s نمی‌تواند کمتر از %(minimum)s باشد.")
            % {"label": _(label), "minimum": minimum}
        )
    if maximum is not None and n > maximum:
        raise ValidationError(
            _("%(label)s نمی‌تواند بیشتر از %(maximum)s باشد.")
            % {"label": _(label), "maximum": maximum}
        )


def _int(value: Any, *, label: str, minimum: int = 0, maximum: int | None = None) -> int | None:
    n = _number(value, label=label, whole=True)
    if n is None:
        return None
    if n != n.to_integral_value():
        raise ValidationError(
            _("%(label)s باید عدد صحیح باشد، نه «%(value)s».") % {"label": _(label), "value": value}
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
        raise ValidationError(_("%(label)s باید یک عدد باشد.") % {"label": _(label)})
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


# (choices, language) → the key of each member's value, label and name → its
# value (the first member's, as the loop of _choice met them). The labels are
# lazy translations, so the keys are made per language; once, not per row.
_CHOICE_KEYS: dict[tuple[type[Choices], str | None], dict[str, str]] = {}


def _choice_keys(choices: type[Choices]) -> dict[str, str]:
    table = _CHOICE_KEYS.get((choices, translation.get_language()))
    if table is None:
        table = {}
        for member in choices:
            for name in (member.value, member.label, member.name):
                table.setdefault(normalize_key(name), member.value)
        _CHOICE_KEYS[(choices, translation.get_language())] = table
    return table


def _choice(value: Any, choices: type[Choices], *, label: str) -> str:
    """A choice given as its value, its Persian label or its English name."""
    found = _choice_keys(choices).get(normalize_key(value))
    if found is not None:
        return found
    options = listed(str(m.label) for m in choices if m.value)
    raise ValidationError(
        _("%(label)s «%(value)s» شناخته نشد؛ یکی از این‌ها را بنویسید: %(options)s.")
        % {"label": _(label), "value": value, "options": options}
    )


def clean_sector(value: Any) -> str:
    if not normalize_key(value):
        raise ValidationError(_("بخش اقتصادی را وارد کنید."))
    return _choice(value, Sector, label=gettext_noop("بخش اقتصادی"))


def clean_status(value: Any) -> str:
    if not normalize_key(value):
        return UnitStatus.ACTIVE
    return _choice(value, UnitStatus, label=gettext_noop("وضعیت"))


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
    run("employees", lambda v: _int(v, label=gettext_noop("تعداد کارکنان"), maximum=1_000_000))
    run("capacity", lambda v: _decimal(v, label=gettext_noop("ظرفیت اسمی"), minimum=Decimal(0)))
    run(
        "latitude",
        lambda v: _decimal(
            v, label=gettext_noop("عرض جغرافیایی"), minimum=Decimal(-90), maximum=Decimal(90)
        ),
    )
    run(
        "longitude",
        lambda v: _decimal(
            v, label=gettext_noop("طول جغرافیایی"), minimum=Decimal(-180), maximum=Decimal(180)
        ),
    )
    run("founded_on", lambda v: _not_future(v, today=today, label=gettext_noop("تاریخ تأسیس")))
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
        raise ValidationError(_("%(label)s نمی‌تواند در آینده باشد.") % {"label": _(label)})
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
    for name, label in (("city", gettext_noop("شهر")), ("village", gettext_noop("روستا"))):
        place = values.get(name)
        if place is not None and county is not None and place.county_id != county.pk:
            errors[name] = [
                _("%(label)s «%(place)s» در شهرستان «%(county)s» نیست.")
                % {"label": _(label), "place": place, "county": county}
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


def clean_visit_fields(data: dict[str, Any], *, today: date) -> dict[str, Any]:
    """Normalise and check visit fields (no database reads); ValidationError keyed by field."""
    fields = _Fields(data)
    out, errors, run = fields.out, fields.errors, fields.run

    def required_date(v: Any) -> date | None:
        if v in (None, ""):
            raise ValidationError(_("تاریخ بازدید را وارد کنید."))
        return _not_future(v, today=today, label=gettext_noop("تاریخ بازدید"))

    def amount(label: str) -> Callable[[Any], int]:
        return lambda v: _int(v, label=label) or 0

    run("visited_on", required_date)
    run(
        "capacity_utilization",
        lambda v: _int(v, label=gettext_noop("ظرفیت به‌کارگرفته (٪)"), maximum=100),
    )
    run("employees_now", lambda v: _int(v, label=gettext_noop("کارکنان فعلی"), maximum=1_000_000))
    run(
        "unpaid_wage_months",
        lambda v: _int(v, label=gettext_noop("ماه‌های حقوق معوق"), maximum=120) or 0,
    )
    run("bank_arrears_rial", amount(gettext_noop("معوقات بانکی")))
    run("tax_debt_rial", amount(gettext_noop("بدهی مالیاتی")))
    run("social_security_debt_rial", amount(gettext_noop("بدهی تأمین اجتماعی")))
    run("utility_debt_rial", amount(gettext_noop("بدهی آب، برق و گاز")))
    run(
        "raw_material_days",
        lambda v: _int(v, label=gettext_noop("موجودی مواد اولیه (روز)"), maximum=3650),
    )
    run(
        "order_book_months",
        lambda v: _decimal(
            v,
            label=gettext_noop("سفارش‌های در دست (ماه)"),
            minimum=Decimal(0),
            maximum=Decimal("999.9"),
        ),
    )
    run("court_cases", lambda v: _int(v, label=gettext_noop("پرونده‌های قضایی"), maximum=1000) or 0)
    run(
        "sales_trend",
        lambda v: (
            _choice(v, SalesTrend, label=gettext_noop("روند فروش")) if normalize_key(v) else ""
        ),
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


def _reject_unknown(fields: dict, allowed: tuple[str, ...]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
