"""Jalali (Solar Hijri) dates: parsing what people type, showing what they read,
and the Jalali periods (months, quarters, years) that figures are counted in.

Dates are stored Gregorian; everything a person sees or types is Jalali.
Conversion is jdatetime's (its leap years match the official calendar: 1399,
1403, 1408 — see reference/jalali.md). Year and quarter ends are always
computed from 1 Farvardin of the year, never from a fixed 20/21 March.
"""

from __future__ import annotations

import datetime
import functools
import re
from typing import Any
from zoneinfo import ZoneInfo

import jdatetime
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django_stubs_ext import StrOrPromise

from jahesh.core.digits import to_ascii_digits, to_persian_digits
from jahesh.core.errors import InvalidInput

TEHRAN = ZoneInfo("Asia/Tehran")

# Month names in the page's language (English transliterates them: Farvardin, …).
JALALI_MONTHS: tuple[StrOrPromise, ...] = (
    pgettext_lazy("Jalali month", "فروردین"),
    pgettext_lazy("Jalali month", "اردیبهشت"),
    pgettext_lazy("Jalali month", "خرداد"),
    pgettext_lazy("Jalali month", "تیر"),
    pgettext_lazy("Jalali month", "مرداد"),
    pgettext_lazy("Jalali month", "شهریور"),
    pgettext_lazy("Jalali month", "مهر"),
    pgettext_lazy("Jalali month", "آبان"),
    pgettext_lazy("Jalali month", "آذر"),
    pgettext_lazy("Jalali month", "دی"),
    pgettext_lazy("Jalali month", "بهمن"),
    pgettext_lazy("Jalali month", "اسفند"),
)

# Years outside this range are almost certainly a Gregorian year or a typo.
MIN_YEAR, MAX_YEAR = 1200, 1699

_DATE_RE = re.compile(r"^(\d{4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})$")
_ISO_RE = re.compile(r"^(\d{4})[/\-.](\d{1,2})[/\-.](\d{1,2})(?:[T ].*)?$")


@functools.cache
def is_jalali_leap(year: int) -> bool:
    """True when Esfand of ``year`` has 30 days (jdatetime's rule, not the 2820-year cycle)."""
    return bool(jdatetime.date(year, 1, 1).isleap())


# jdatetime's date constructor consults the process locale on every call (slow
# in loops over thousands of rows); its converters are plain arithmetic.
def _to_gregorian(year: int, month: int, day: int) -> datetime.date:
    return datetime.date(*jdatetime.JalaliToGregorian(year, month, day).getGregorianList())


def _jalali_parts(value: datetime.date | jdatetime.date) -> tuple[int, int, int]:
    g = _as_gregorian_date(value)
    year, month, day = jdatetime.GregorianToJalali(g.year, g.month, g.day).getJalaliList()
    return int(year), int(month), int(day)


def jalali_days_in_month(year: int, month: int) -> int:
    """31 for months 1–6, 30 for 7–11, 29 or 30 for Esfand."""
    if month <= 6:
        return 31
    if month <= 11:
        return 30
    return 30 if is_jalali_leap(year) else 29


def _format_error() -> InvalidInput:
    return InvalidInput(_("تاریخ را به شکل ۱۴۰۳/۰۱/۱۵ وارد کنید"))


def _check_parts(year: int, month: int, day: int) -> None:
    """Raise InvalidInput saying which part of a Jalali date is wrong."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidInput(
            _("سال %(year)s در تقویم شمسی نیست؛ تاریخ را شمسی وارد کنید، مثلاً ۱۴۰۳/۰۱/۱۵")
            % {"year": to_persian_digits(year)}
        )
    if not 1 <= month <= 12:
        raise InvalidInput(
            _("ماه باید بین ۱ و ۱۲ باشد؛ %(month)s وارد شده") % {"month": to_persian_digits(month)}
        )
    length = jalali_days_in_month(year, month)
    if day < 1 or day > 31:
        raise InvalidInput(
            _("روز باید بین ۱ و ۳۱ باشد؛ %(day)s وارد شده") % {"day": to_persian_digits(day)}
        )
    if day > length:
        raise InvalidInput(
            _("%(month)s %(year)s %(days)s روز دارد")
            % {
                "month": JALALI_MONTHS[month - 1],
                "year": to_persian_digits(year),
                "days": to_persian_digits(length),
            }
        )


def from_jalali(year: int, month: int, day: int) -> datetime.date:
    """The Gregorian date of a Jalali day; InvalidInput (Persian) if there is no such day."""
    _check_parts(year, month, day)
    return _to_gregorian(year, month, day)


def _as_gregorian_date(value: datetime.date | jdatetime.date) -> datetime.date:
    if isinstance(value, jdatetime.datetime):
        value = value.togregorian()
    elif isinstance(value, jdatetime.date):
        gregorian: datetime.date = value.togregorian()
        return gregorian
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(TEHRAN)
        return value.date()
    return value


def parse_jalali(value: Any) -> datetime.date:
    """A Jalali date as typed (۱۴۰۳/۰۱/۱۵, 1403/1/15, 1403-01-15, ١٤٠٣/٠١/١٥) → Gregorian date.

    ``date``/``datetime``/``jdatetime.date`` values pass through (aware datetimes
    are taken in Tehran). Raises InvalidInput with a Persian message that says
    what to fix.
    """
    if isinstance(value, datetime.date | jdatetime.date):
        return _as_gregorian_date(value)
    match = _DATE_RE.match(to_ascii_digits(value).strip())
    if match is None:
        raise _format_error()
    year, month, day = (int(part) for part in match.groups())
    return from_jalali(year, month, day)


def parse_date_any(value: Any) -> datetime.date:
    """A Jalali date when the year is below 1700, else an ISO Gregorian date (CLIs, imports).

    ``2024-03-20``, ``2024-03-20T10:00`` and ``1403/01/01`` all give 2024-03-20.
    """
    if isinstance(value, datetime.date | jdatetime.date):
        return _as_gregorian_date(value)
    text = to_ascii_digits(value).strip()
    match = _ISO_RE.match(text)
    if match is None:
        raise InvalidInput(_("تاریخ را به شکل ۱۴۰۳/۰۱/۱۵ یا 2024-03-20 وارد کنید"))
    year, month, day = (int(part) for part in match.groups())
    if year < 1700:
        return parse_jalali(text.split("T")[0].split(" ")[0])
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise InvalidInput(
            _("تاریخ میلادی %(value)s وجود ندارد") % {"value": f"{year}-{month:02}-{day:02}"}
        ) from None


def to_jalali(value: datetime.date | jdatetime.date) -> jdatetime.date:
    """The Jalali date of ``value`` (aware datetimes are taken in Tehran)."""
    return jdatetime.date.fromgregorian(date=_as_gregorian_date(value))


def _shown(value: Any) -> datetime.date | jdatetime.date | None:
    """What a formatter shows: ``None`` for ``None``/``""``, a string parsed with
    ``parse_date_any``, a date or datetime as it is."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return parse_date_any(value)
    return value


def format_jalali(value: Any, *, with_time: bool = False, persian_digits: bool = True) -> str:
    """``۱۴۰۳/۰۱/۱۵`` (or ``۱۴۰۳/۰۱/۱۵ ۱۰:۳۰`` with_time); ``None``/``""`` → ``""``.

    Aware datetimes are shown in Tehran time. Strings are parsed with
    ``parse_date_any`` first.
    """
    value = _shown(value)
    if value is None:
        return ""
    year, month, day = _jalali_parts(value)
    text = f"{year:04}/{month:02}/{day:02}"
    if with_time and isinstance(value, datetime.datetime | jdatetime.datetime):
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            value = value.astimezone(TEHRAN)
        text += f" {value.hour:02}:{value.minute:02}"
    return to_persian_digits(text) if persian_digits else text


def format_jalali_long(value: Any, *, persian_digits: bool = True) -> str:
    """``۱۵ فروردین ۱۴۰۳``; ``None``/``""`` → ``""``."""
    value = _shown(value)
    if value is None:
        return ""
    year, month, day = _jalali_parts(value)
    text = f"{day} {JALALI_MONTHS[month - 1]} {year}"
    return to_persian_digits(text) if persian_digits else text


def format_jalali_month(year: int, month: int) -> str:
    """``فروردین ۱۴۰۳``: the label of a Jalali month (charts, period pickers)."""
    return f"{JALALI_MONTHS[month - 1]} {to_persian_digits(year)}"


def add_jalali_months(value: datetime.date, n: int) -> datetime.date:
    """``n`` Jalali months after ``value`` (before it when negative), keeping the Jalali
    day and clamping it to the target month's length (reference/loans.md due dates):
    31 Shahrivar 1403 + 1 = 30 Mehr 1403; 30 Bahman 1402 + 1 = 29 Esfand 1402.
    """
    year, month, day = _jalali_parts(value)
    year, month = divmod(year * 12 + (month - 1) + n, 12)
    month += 1
    return _to_gregorian(year, month, min(day, jalali_days_in_month(year, month)))


def jalali_year_range(year: int) -> tuple[datetime.date, datetime.date]:
    """[1 Farvardin ``year``, 1 Farvardin ``year + 1``) in Gregorian dates."""
    return from_jalali(year, 1, 1), _to_gregorian(year + 1, 1, 1)


def jalali_quarter_range(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    """Half-open Gregorian range of Jalali quarter 1–4 (Q1 = Farvardin–Khordad)."""
    if not 1 <= quarter <= 4:
        raise InvalidInput(
            _("فصل باید بین ۱ و ۴ باشد؛ %(quarter)s وارد شده")
            % {"quarter": to_persian_digits(quarter)}
        )
    start = from_jalali(year, 3 * quarter - 2, 1)
    return start, add_jalali_months(start, 3)


def jalali_month_range(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    """Half-open Gregorian range of Jalali month ``month`` of ``year``."""
    start = from_jalali(year, month, 1)
    return start, add_jalali_months(start, 1)


def last_jalali_years(as_of: datetime.date, n: int) -> tuple[datetime.date, datetime.date]:
    """The KPI window (reference/kpis.md): from ``as_of``'s Jalali day ``n`` Jalali years
    earlier (clamped, e.g. 30 Esfand of a leap year → 29 Esfand) to ``as_of``."""
    return add_jalali_months(as_of, -12 * n), as_of


def jalali_today() -> datetime.date:
    """Today's date in Tehran (Gregorian ``date``), whatever the active time zone."""
    return timezone.localdate(timezone=TEHRAN)


def jalali_year_of(value: datetime.date) -> int:
    return _jalali_parts(value)[0]


def jalali_quarter_of(value: datetime.date) -> tuple[int, int]:
    """``(year, quarter)`` of ``value`` in the Jalali calendar."""
    year, month, _day = _jalali_parts(value)
    return year, (month - 1) // 3 + 1


def jalali_month_of(value: datetime.date) -> tuple[int, int]:
    """``(year, month)`` of ``value`` in the Jalali calendar."""
    year, month, _day = _jalali_parts(value)
    return year, month
