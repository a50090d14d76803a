"""Template filters every page uses (loaded as a builtin): Jalali dates, Persian
digits, money, stored reasons and notes (``reread``); and ``pk_url``, a row's link at the cost of one ``reverse()`` a page. Each one calls the single helper in ``jahesh.core`` that owns
the rule, and none of them fails on ``None`` or ``""`` (they render ``""``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language, get_language_bidi

from jahesh.core.digits import PERSIAN_DECIMAL_SEPARATOR, to_ascii_digits, to_persian_digits
from jahesh.core.errors import InvalidInput
from jahesh.core.jalali import format_jalali, format_jalali_long
from jahesh.core.money import (
    format_percent,
    format_rials,
    group_digits,
    headline_money,
    headline_number,
    money_words,
)
from jahesh.core.phrases import reread

register = template.Library()

# A number as str() or floatformat writes it: «-12.5», «0.50» (not «1.2.3», not «1e5»).
_DECIMAL = re.compile(r"-?[0-9]+\.[0-9]+")


def _empty(value: Any) -> bool:
    return value is None or value == ""


def _number(value: Any) -> int | Decimal | None:
    """The number in ``value`` (ints stay ints), or None when there is none."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return value
    try:
        number = Decimal(to_ascii_digits(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite():
        return None
    return int(number) if number == number.to_integral_value() else number


def _date_filter(formatter: Callable[..., str], value: Any, **kwargs: Any) -> str:
    if _empty(value):
        return ""
    try:
        return formatter(value, **kwargs)
    except (InvalidInput, TypeError, ValueError, AttributeError):
        return to_persian_digits(value)


@register.filter
def jdate(value: Any) -> str:
    """``{{ loan.disbursed_on|jdate }}`` → ۱۴۰۳/۰۶/۳۱."""
    return _date_filter(format_jalali, value)


@register.filter
def jdatetime(value: Any) -> str:
    """``{{ visit.created_at|jdatetime }}`` → ۱۴۰۳/۰۶/۳۱ ۱۴:۰۵ (Tehran time)."""
    return _date_filter(format_jalali, value, with_time=True)


@register.filter
def jdate_long(value: Any) -> str:
    """``{{ day|jdate_long }}`` → ۳۱ شهریور ۱۴۰۳."""
    return _date_filter(format_jalali_long, value)


@register.filter
def fa(value: Any) -> str:
    """Persian digits: ``{{ unit.code|fa }}``; a decimal number takes the Persian
    separator (``{{ 0.5|fa }}`` → ۰٫۵, not «۰.۵»), while a code keeps its dots."""
    if _empty(value):
        return ""
    text = to_persian_digits(value)
    if _DECIMAL.fullmatch(to_ascii_digits(value).strip()):
        text = text.replace(".", PERSIAN_DECIMAL_SEPARATOR)
    return text


@register.filter
def num(value: Any) -> str:
    """Grouped Persian digits: ``{{ 25000|num }}`` → ۲۵٬۰۰۰ (non-numbers pass through)."""
    if _empty(value):
        return ""
    number = _number(value)
    return to_persian_digits(value) if number is None else group_digits(number)


@register.filter
def money(value: Any) -> str:
    """Integer rials in the display unit: ``{{ loan.principal|money }}`` → ۱۵۰٬۰۰۰٬۰۰۰ تومان."""
    number = None if _empty(value) else _number(value)
    return "" if number is None else format_rials(number)


@register.filter(name="money_words")
def money_words_filter(value: Any) -> str:
    """Rials in headline words: ``{{ total|money_words }}`` → ۱۵۲٫۴ میلیارد تومان."""
    number = None if _empty(value) else _number(value)
    return "" if number is None else money_words(number)


@register.filter
def percent(value: Any, decimals: int = 1) -> str:
    """A percentage: ``{{ 20|percent }}`` → ۲۰٪, ``{{ 12.34|percent }}`` → ۱۲٫۳٪."""
    number = None if _empty(value) else _number(value)
    return "" if number is None else format_percent(number, decimals=int(decimals))


@register.filter
def headline(value: Any, exact: bool = True) -> str:
    """kpis.md wording: ``{{ 2134|headline }}`` → بیش از ۲۱۰۰; ``{{ 760|headline }}`` → ۷۶۰."""
    number = None if _empty(value) else _number(value)
    return "" if number is None else headline_number(number, exact=bool(exact))


@register.filter(name="headline_money")
def headline_money_filter(value: Any) -> str:
    """kpis.md wording for rials: → بیش از ۱۵۰ میلیارد تومان."""
    number = None if _empty(value) else _number(value)
    return "" if number is None else headline_money(number)


@register.filter
def heading(column: Any) -> str:
    """A table column's header in the page's language: ``{{ c|heading }}`` (columns
    of imports, exports and drill-downs carry ``fa`` and ``en``)."""
    english = getattr(column, "en", "")
    return column.fa if get_language_bidi() or not english else english


@register.filter(name="reread")
def reread_filter(value: Any) -> str:
    """A stored reason or note in the page's language (``core.phrases.reread``:
    the texts the code writes translated, what people typed as it is)."""
    return "" if _empty(value) else reread(str(value))


# (URL name, script prefix, language) → the reversed URL around its id.
_PK_URLS: dict[tuple[str, str, str | None], list[str]] = {}
_MARK = 987654321987


@register.simple_tag
def pk_url(name: str, pk: Any) -> str:
    """``{% url name pk %}`` for a URL whose one argument is an integer id, with
    Django's ``reverse()`` run once per URL name: a list links each of its rows,
    and a ``reverse()`` per row was a fifth of the case board's template."""
    if not isinstance(pk, int) or isinstance(pk, bool) or pk < 0:
        return reverse(name, args=[pk])
    key = (name, get_script_prefix(), get_language())
    parts = _PK_URLS.get(key)
    if parts is None:
        parts = _PK_URLS[key] = reverse(name, args=[_MARK]).split(str(_MARK))
    if len(parts) != 2:
        return reverse(name, args=[pk])
    return f"{parts[0]}{pk}{parts[1]}"
