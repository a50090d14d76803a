"""Tags for the page frame (``{% load jahesh_ui %}``): today's Jalali date, the
active menu entry, and query strings for pagination and filters.

The value filters every page uses (``|jdate``, ``|fa``, ``|money`` …) live in
the builtin library ``jahesh.core.templatetags.jahesh``; these tags only serve
the layout in ``base.html`` and its partials.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import jdatetime
from django import template
from django.core.cache import cache
from django.core.paginator import Page
from django.forms import BoundField
from django.http import HttpRequest, QueryDict
from django.template import Context
from django.utils import timezone
from django.utils.translation import get_language_bidi, gettext, gettext_lazy

from jahesh.core import locale
from jahesh.core.digits import to_persian_digits

register = template.Library()


def jalali_long(day: datetime.date, *, persian: bool) -> str:
    """«جمعه ۶ آذر ۱۴۰۵» in Persian, "Friday 6 Azar 1405" otherwise."""
    jday = jdatetime.date.fromgregorian(date=day, locale="fa_IR" if persian else "en_US")
    text = f"{jday.strftime('%A')} {jday.day} {jday.strftime('%B')} {jday.year}"
    return to_persian_digits(text) if persian else text


@register.simple_tag
def today_jalali() -> str:
    """Today in Tehran (``TIME_ZONE``), long form, in the page's language."""
    return jalali_long(timezone.localdate(), persian=get_language_bidi())


@register.simple_tag(takes_context=True)
def query_with(context: Context, **changes: Any) -> str:
    """The current query string with ``changes`` applied (``None`` drops a key).

    ``<a href="?{% query_with page=3 %}">`` keeps the filters while paging.
    """
    request: HttpRequest | None = context.get("request")
    params = request.GET.copy() if request is not None else QueryDict(mutable=True)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


PLACE_NAME_SECONDS = 300


def _place_name(key: str, read: Callable[[], str]) -> str:
    name = cache.get(f"place-name:{key}")
    if name is None:
        name = str(read())
        cache.set(f"place-name:{key}", name, PLACE_NAME_SECONDS)
    return str(name)


@register.filter
def scope_label(user: Any) -> str:
    """Where a user works: county, province, or the whole country."""
    # Every signed-in page shows it: the place's name is kept in the cache for
    # PLACE_NAME_SECONDS (a renamed county shows after that) instead of a query per page.
    if getattr(user, "county_id", None):
        return _place_name(f"county:{user.county_id}", lambda: user.county.name)
    if getattr(user, "province_id", None):
        return _place_name(f"province:{user.province_id}", lambda: user.province.name)
    if getattr(user, "nationwide", False) or getattr(user, "role", "") == "admin":
        return gettext("کل کشور")
    return ""


@register.filter
def local_digits(value: Any) -> str:
    """Persian digits on a Persian page, as they are on an English one (page numbers,
    counts, error messages): ``core.locale.local_digits``."""
    return locale.local_digits(value)


_CHECK_INPUTS = {"checkbox", "radio"}


@register.filter
def bs_widget(field: BoundField, extra_class: str = "") -> str:
    """A bound field's widget with Bootstrap's classes (and ``is-invalid`` when it has errors).

    ``{{ form.name|bs_widget }}``; ``{{ form.code|bs_widget:"ltr" }}`` for identifiers.
    """
    widget = field.field.widget
    input_type = getattr(widget, "input_type", None)
    if input_type in _CHECK_INPUTS and not getattr(widget, "allow_multiple_selected", False):
        base = "form-check-input"
    elif input_type == "select" or widget.__class__.__name__ in {
        "Select",
        "SelectMultiple",
        "NullBooleanSelect",
    }:
        base = "form-select"
    elif input_type in _CHECK_INPUTS:  # CheckboxSelectMultiple / RadioSelect render their own list
        base = ""
    else:
        base = "form-control"
    classes = [c for c in (widget.attrs.get("class", ""), base, extra_class) if c]
    invalid = " is-invalid" if field.errors else ""
    attrs: dict[str, str | bool] = {"class": " ".join(classes) + invalid}
    if field.errors:
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{field.auto_id}_errors"
    elif field.help_text:
        attrs["aria-describedby"] = f"{field.auto_id}_help"
    return field.as_widget(attrs=attrs)


@register.filter
def is_checkbox(field: BoundField) -> bool:
    return getattr(field.field.widget, "input_type", None) == "checkbox" and not getattr(
        field.field.widget, "allow_multiple_selected", False
    )


@register.filter
def elided_range(page: Page[Any]) -> list[Any]:
    """Page numbers around the current one, with ``paginator.ELLIPSIS`` for gaps
    (short enough for a phone: 1 … 4 5 6 … 20)."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))


@register.filter
def minutes(value: datetime.timedelta | None, default: int = 15) -> int:
    """Whole minutes of a timedelta (the lockout's cool-off), ``default`` when unknown."""
    if not isinstance(value, datetime.timedelta):
        return default
    return max(1, round(value.total_seconds() / 60))


_MODULE_DESCRIPTIONS = {
    "reports": gettext_lazy("شاخص‌ها، نمودارها و گزارش‌های استان و شهرستان"),
    "units": gettext_lazy("پایش واحدها، بازدیدها و هشدار خطر تعطیلی"),
    "clinic": gettext_lazy("موانع تولید، پرونده‌ها، کارگروه‌ها و مصوبات"),
    "funds": gettext_lazy("اعضا، پس‌انداز، وام‌ها، اقساط و اشتغال ایجادشده"),
    "volunteers": gettext_lazy("نیروها، گروه‌ها، اردوهای جهادی و ساعات خدمت"),
    "projects": gettext_lazy("پروژه‌های عمرانی محرومیت‌زدایی و خدمات مستقیم"),
    "geo": gettext_lazy("استان‌ها، شهرستان‌ها و روستاهای محروم"),
}


@register.simple_tag
def module_description(module: str) -> str:
    """One line under a module's card on the home page."""
    return str(_MODULE_DESCRIPTIONS.get(module, ""))


@register.filter
def money_unit(field: BoundField | None) -> str:
    """The display unit («تومان») beside a money field (``MoneyField``), else ""."""
    return str(field.field.widget.attrs.get("data-unit", "")) if field is not None else ""
