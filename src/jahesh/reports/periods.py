"""Periods of the figures: half-open [start, end) Gregorian dates, labelled in Jalali.

The API takes ISO dates (Jalali accepted too, through ``parse_date_any``); the
dashboard's picker offers a Jalali year, a quarter, the last five Jalali years
or any range typed in Jalali.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from jahesh.core.digits import to_persian_digits
from jahesh.core.errors import InvalidInput
from jahesh.core.jalali import (
    format_jalali,
    jalali_today,
    jalali_year_of,
    jalali_year_range,
    last_jalali_years,
    parse_date_any,
)

DAY = datetime.timedelta(days=1)
FIVE_YEARS = 5
LONGEST = datetime.timedelta(days=366 * 30)


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # exclusive

    @property
    def last_day(self) -> datetime.date:
        return self.end - DAY

    @property
    def label(self) -> str:
        """«۱۴۰۰/۰۹/۰۶ تا ۱۴۰۵/۰۹/۰۵» (both ends included, as people read a range)."""
        return _("%(start)s تا %(end)s") % {
            "start": format_jalali(self.start),
            "end": format_jalali(self.last_day),
        }

    def as_dict(self) -> dict[str, str]:
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "from_jalali": format_jalali(self.start, persian_digits=False),
            "to_jalali": format_jalali(self.end, persian_digits=False),
        }


def last_five_years(today: datetime.date | None = None) -> Period:
    """The kpis.md window: the last five Jalali years up to ``today`` (excluded)."""
    start, end = last_jalali_years(today or jalali_today(), FIVE_YEARS)
    return Period(start, end)


def period_check(start: datetime.date, end: datetime.date) -> Period:
    if end <= start:
        raise InvalidInput(_("پایان دوره باید بعد از آغاز آن باشد."), field="to")
    if end - start > LONGEST:
        raise InvalidInput(_("دوره حداکثر سی سال است؛ بازه را کوتاه‌تر کنید."), field="to")
    return Period(start, end)


def parse_period(start_text: str | None, end_text: str | None) -> Period:
    """``from``/``to`` as sent to the API (ISO, or Jalali); both missing → the last five
    Jalali years. Raises InvalidInput naming the field to fix."""
    if not start_text and not end_text:
        return last_five_years()
    values = {}
    for name, text in (("from", start_text), ("to", end_text)):
        if not text:
            raise InvalidInput(
                _("تاریخ «%(name)s» را به شکل 2024-03-20 بفرستید.") % {"name": name}, field=name
            )
        try:
            values[name] = parse_date_any(text)
        except InvalidInput as error:
            raise InvalidInput(error.message, field=name) from None
    return period_check(values["from"], values["to"])


def jalali_years_in(period: Period) -> list[tuple[int, Period]]:
    """The Jalali years a period touches, each clipped to the period (for trend charts)."""
    years = []
    for year in range(jalali_year_of(period.start), jalali_year_of(period.last_day) + 1):
        start, end = jalali_year_range(year)
        years.append((year, Period(max(start, period.start), min(end, period.end))))
    return years


def year_label(year: int) -> str:
    return to_persian_digits(year)
