"""Form fields every app uses: Jalali dates, cleaned Persian text, Iranian
identifiers and money typed in the display unit.

Each field turns what a person typed (Persian, Arabic or Latin digits,
spaces and dashes) into the stored value through the single helper in
``jahesh.core`` that owns the rule, and reports problems as Persian
``ValidationError``s that say what to fix.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from jahesh.core import identifiers
from jahesh.core.errors import ApplicationError, InvalidInput
from jahesh.core.jalali import format_jalali, jalali_today, parse_jalali
from jahesh.core.locale import local_digits
from jahesh.core.money import (
    format_rials,
    group_digits,
    parse_amount,
    rials_to_unit,
    round_half_up,
    unit_label,
)
from jahesh.core.text import clean_text

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

D = TypeVar("D", bound="DataclassInstance")

DateBound = datetime.date | Callable[[], datetime.date] | str | None

TODAY = "today"

# The unit's name is read when the page renders, in its language (a field's
# widget attributes are built once, at import).
_unit_label_lazy = lazy(unit_label, str)


def _merge_class(attrs: dict[str, Any], css_class: str) -> dict[str, Any]:
    classes = attrs.get("class", "").split()
    if css_class not in classes:
        classes.append(css_class)
    return {**attrs, "class": " ".join(classes)}


class JalaliDateInput(forms.TextInput):
    """A text input showing its date as Jalali with Persian digits (۱۴۰۳/۰۱/۱۵).

    What the person typed is shown back unchanged when the form is redisplayed
    with errors.
    """

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults = {
            "inputmode": "numeric",
            "dir": "ltr",
            "placeholder": "۱۴۰۳/۰۱/۱۵",
            "autocomplete": "off",
            # The Jalali calendar pops up on focus (vendor/jalalidatepicker, wired in
            # jahesh.js); typing a date still works.
            "data-jdp": "",
        }
        super().__init__(_merge_class({**defaults, **(attrs or {})}, "jalali-date"))

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, datetime.date):
            return format_jalali(value)
        shown: str | None = super().format_value(value)
        return shown


def _resolve(bound: DateBound) -> datetime.date | None:
    if bound is None:
        return None
    if isinstance(bound, str):  # TODAY, the one text a bound may be
        return jalali_today()
    if callable(bound):
        return bound()
    return bound


class JalaliDateField(forms.Field):
    """A date typed in Jalali; ``cleaned_data`` holds a Gregorian ``date`` (or None).

    ``max_date``/``min_date`` take a date, a callable returning one, or
    ``"today"`` (evaluated when the form is cleaned, in Tehran):
    ``JalaliDateField(max_date="today")`` refuses future dates with
    «تاریخ نمی‌تواند بعد از امروز باشد».
    """

    widget = JalaliDateInput
    default_error_messages = {
        "after_max": _("تاریخ نمی‌تواند بعد از %(date)s باشد"),
        "after_today": _("تاریخ نمی‌تواند بعد از امروز باشد"),
        "before_min": _("تاریخ نمی‌تواند پیش از %(date)s باشد"),
        "before_today": _("تاریخ نمی‌تواند پیش از امروز باشد"),
    }

    def __init__(self, *, max_date: DateBound = None, min_date: DateBound = None, **kwargs: Any):
        self.max_date = max_date
        self.min_date = min_date
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> datetime.date | None:
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        try:
            return parse_jalali(value)
        except InvalidInput as error:
            raise ValidationError(str(error.message), code="invalid") from None

    def validate(self, value: datetime.date | None) -> None:
        super().validate(value)
        if value is None:
            return
        latest, earliest = _resolve(self.max_date), _resolve(self.min_date)
        if latest is not None and value > latest:
            if self.max_date == TODAY:
                raise ValidationError(self.error_messages["after_today"], code="after_today")
            raise ValidationError(
                self.error_messages["after_max"],
                code="after_max",
                params={"date": format_jalali(latest)},
            )
        if earliest is not None and value < earliest:
            if self.min_date == TODAY:
                raise ValidationError(self.error_messages["before_today"], code="before_today")
            raise ValidationError(
                self.error_messages["before_min"],
                code="before_min",
                params={"date": format_jalali(earliest)},
            )

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            data = self.to_python(data)
        except ValidationError:
            return True
        if isinstance(initial, datetime.datetime):
            initial = initial.date()
        return bool((initial or None) != data)


class NormalizedCharField(forms.CharField):
    """A CharField stored through ``clean_text`` (Persian ی/ک, collapsed spaces, ZWNJ kept)."""

    def to_python(self, value: Any) -> str | None:
        value = super().to_python(value)
        if value in self.empty_values:
            return self.empty_value
        return clean_text(value)


class IdentifierField(forms.CharField):
    """A CharField whose value is normalised (and so validated) by ``normalizer``."""

    normalizer: Callable[[Any], str]
    default_attrs: dict[str, str] = {"dir": "ltr", "inputmode": "numeric", "autocomplete": "off"}

    def to_python(self, value: Any) -> str | None:
        value = super().to_python(value)
        if value in self.empty_values:
            return self.empty_value
        return type(self).normalizer(value)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        # The typed value is longer than the stored one (spaces, +98, dashes).
        attrs.pop("maxlength", None)
        defaults = {k: v for k, v in self.default_attrs.items() if k not in widget.attrs}
        return {**defaults, **attrs}


class NationalCodeField(IdentifierField):
    normalizer = staticmethod(identifiers.normalize_national_code)
    default_attrs = {**IdentifierField.default_attrs, "placeholder": "۰۰۸۱۲۳۴۵۶۲"}


class LegalIdField(IdentifierField):
    normalizer = staticmethod(identifiers.normalize_legal_id)
    default_attrs = {**IdentifierField.default_attrs, "placeholder": "۱۰۳۸۰۲۸۴۷۹۰"}


class MobileField(IdentifierField):
    normalizer = staticmethod(identifiers.normalize_mobile)
    default_attrs = {
        "dir": "ltr",
        "inputmode": "tel",
        "autocomplete": "tel",
        "placeholder": "۰۹۱۲۱۲۳۴۵۶۷",
    }


class PostalCodeField(IdentifierField):
    normalizer = staticmethod(identifiers.normalize_postal_code)
    default_attrs = {**IdentifierField.default_attrs, "autocomplete": "postal-code"}


class ShebaField(IdentifierField):
    normalizer = staticmethod(identifiers.normalize_sheba)
    default_attrs = {
        "dir": "ltr",
        "autocomplete": "off",
        "placeholder": "IR170170000000110583217001",
    }


class MoneyInput(forms.TextInput):
    """Shows integer rials in the display unit with Persian digits and ٬ separators."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults = {"inputmode": "numeric", "dir": "ltr", "autocomplete": "off"}
        super().__init__(_merge_class({**defaults, **(attrs or {})}, "money-input"))

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, int) and not isinstance(value, bool):
            return group_digits(round_half_up(rials_to_unit(value)))
        shown: str | None = super().format_value(value)
        return shown


class MoneyField(forms.Field):
    """An amount typed in the display unit (tomans by default); ``cleaned_data``
    holds integer rials. ``min_value``/``max_value`` are in rials."""

    widget = MoneyInput
    default_error_messages = {
        "min_value": _("مبلغ باید دست‌کم %(limit)s باشد"),
        "max_value": _("مبلغ نمی‌تواند بیش از %(limit)s باشد"),
    }

    def __init__(
        self, *, min_value: int | None = None, max_value: int | None = None, **kwargs: Any
    ) -> None:
        self.min_value, self.max_value = min_value, max_value
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        try:
            return parse_amount(value)
        except InvalidInput as error:
            raise ValidationError(str(error.message), code="invalid") from None

    def validate(self, value: int | None) -> None:
        super().validate(value)
        if value is None:
            return
        if self.min_value is not None and value < self.min_value:
            raise ValidationError(
                self.error_messages["min_value"],
                code="min_value",
                params={"limit": format_rials(self.min_value, exact=True)},
            )
        if self.max_value is not None and value > self.max_value:
            raise ValidationError(
                self.error_messages["max_value"],
                code="max_value",
                params={"limit": format_rials(self.max_value, exact=True)},
            )

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "data-unit": _unit_label_lazy()}


def jalali_formfield_callback(field: models.Field, **kwargs: Any) -> forms.Field | None:
    """``ModelForm`` ``formfield_callback``: model ``DateField``s become ``JalaliDateField``s."""
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        defaults = {
            "required": not field.blank,
            "label": field.verbose_name,
            "help_text": field.help_text,
        }
        if field.has_default():
            defaults["initial"] = field.get_default()
        return JalaliDateField(**{**defaults, **kwargs})
    return field.formfield(**kwargs)


def dataclass_from(cls: type[D], data: Mapping[str, Any], **given: Any) -> D:
    """The dataclass ``cls`` (a service's fields) from a form's cleaned data or a
    payload: each of its fields that ``data`` has, and ``given`` for the ones the
    caller derives (a leader looked up, a county's id). What ``data`` has beyond
    the dataclass (a filter-only field, ids resolved apart) is left out; a field
    neither has takes the dataclass's default."""
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names and k not in given}, **given)


def apply_error(form: forms.BaseForm, error: ValidationError | ApplicationError) -> None:
    """THE way a service's refusal reaches a form: each message on the field it
    names (``"items.0.amount"`` lands on ``items``), a message naming no field of
    the form on the form itself, and the error's headline when it lists none.

    Every app's views call this; a ``ValidationError`` (from a model's
    ``full_clean``) is placed the same way.
    """
    if isinstance(error, ValidationError):
        items: list[tuple[str | None, Any]] = (
            [(k, m) for k, msgs in error.message_dict.items() for m in msgs]
            if hasattr(error, "error_dict")
            else [(None, m) for m in error.messages]
        )
    else:
        items = [(e.get("field"), e["message"]) for e in error.errors]
        items = items or [(None, error.message)]
    for name, message in items:
        field = (name or "").split(".")[0]
        target = field if field in form.fields else None
        # Django's own messages (a model's max length, a minimum) carry Latin digits.
        text = local_digits(message)
        if text not in form.errors.get(target or "__all__", []):
            form.add_error(target, text)


def any_of(choices: Any) -> list[tuple[Any, Any]]:
    """A filter's choices: «همه» (no filter) first."""
    return [("", _("همه")), *choices]


def filter_choice(label: Any, choices: Any) -> forms.ChoiceField:
    """An optional choice among a list page's filters, «همه» first."""
    return forms.ChoiceField(label=label, choices=any_of(choices), required=False)


class PeriodForm(forms.Form):
    """A period of days: from ``start``, up to (not including) ``end``."""

    start = JalaliDateField(label=_("از تاریخ"), required=False)
    end = JalaliDateField(label=_("تا پیش از"), required=False)


class FilterForm(forms.Form):
    """A list page's filters (GET). ``filters()`` is the selector's keyword
    arguments: each field's cleaned value under its name, a chosen record as
    its id (or None) under ``<name>_id``; nothing when the filters do not validate (the
    selector's defaults: the whole list)."""

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        found: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if isinstance(self.fields[name], forms.ModelChoiceField):
                found[f"{name}_id"] = value.pk if value is not None else None
            else:
                found[name] = value
        return found


def check_date_order(form: forms.BaseForm, earlier: str, later: str, message: Any) -> None:
    """In a form's ``clean``: ``later`` before ``earlier`` is an error on ``later``.

    The services check the same order again; checking it in the form too puts
    it beside every other field error, in the same round.
    """
    start, end = form.cleaned_data.get(earlier), form.cleaned_data.get(later)
    if start and end and end < start:
        form.add_error(later, message)


class LatitudeField(forms.DecimalField):
    """An optional latitude in degrees (units, projects, camps on the map)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("عرض جغرافیایی"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.TextInput(attrs={"dir": "ltr", "inputmode": "decimal"}))
        super().__init__(max_digits=9, decimal_places=6, min_value=-90, max_value=90, **kwargs)


class LongitudeField(forms.DecimalField):
    """An optional longitude in degrees, the pair of ``LatitudeField``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("طول جغرافیایی"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.TextInput(attrs={"dir": "ltr", "inputmode": "decimal"}))
        super().__init__(max_digits=9, decimal_places=6, min_value=-180, max_value=180, **kwargs)


class LocationForm(forms.Form):
    """A record's place on the map, set or confirmed on its detail page (projects,
    camps); both empty clears it."""

    latitude = LatitudeField()
    longitude = LongitudeField()
