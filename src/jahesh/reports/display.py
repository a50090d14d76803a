"""How a figure is written: on a card (Persian digits, toman words), in a
table cell, and in the narrative report (the wording rule of kpis.md)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from jahesh.core.money import (
    format_percent,
    format_rials,
    group_digits,
    headline_money,
    headline_number,
    money_words,
    round_down_sig,
)
from jahesh.reports.kpis import COUNT, PERCENT, RIAL, Kpi


def card_value(kpi: Kpi, value: int) -> str:
    """The big number of a card: «۷۶۰», «۱۵۲٫۴ میلیارد تومان», «۱۲٫۳۴٪»."""
    if kpi.unit == RIAL:
        return money_words(value)
    if kpi.unit == PERCENT:
        return format_percent(kpi.shown(value), decimals=2)
    return group_digits(value)


def cell_value(kpi: Kpi, value: int) -> str:
    """A value in a table: exact (tomans grouped, not words)."""
    if kpi.unit == RIAL:
        return format_rials(value)
    return card_value(kpi, value)


def export_value(kpi: Kpi, value: int) -> Any:
    """A value in an XLSX/CSV cell: a number (rials for money, percent for shares)."""
    if kpi.unit == PERCENT and kpi.divisor != 1:
        return float(kpi.shown(value))
    return value


def unit_label(kpi: Kpi) -> str:
    return {COUNT: _("تعداد"), RIAL: _("ریال"), PERCENT: _("درصد")}[kpi.unit]


def headline_count(n: int, *, exact: bool) -> str:
    """The kpis.md wording for counts, in the article's register: under ten thousand
    as ``headline_number`` writes it («۷۶۰», «بیش از ۲۱۰۰»); from ten thousand on in
    thousands, as the article does («۲۵ هزار نیروی جهادگر»; 25,340 → «بیش از ۲۵ هزار»)."""
    if abs(n) < 10_000:
        return headline_number(n, exact=exact)
    floor = round_down_sig(n, 2)
    if floor % 1_000_000 == 0:
        words = _("%(n)s میلیون") % {"n": group_digits(floor // 1_000_000)}
    elif floor >= 1_000_000:
        words = _("%(n)s میلیون") % {
            "n": group_digits(floor // 1_000_000) + "٫" + group_digits(floor % 1_000_000 // 100_000)
        }
    else:
        words = _("%(n)s هزار") % {"n": group_digits(floor // 1000)}
    if exact and floor == n:
        return words
    return _("بیش از %(value)s") % {"value": words}


def headline(kpi: Kpi, value: int) -> str:
    """A figure as the narrative report writes it."""
    if kpi.unit == RIAL:
        return headline_money(value)
    if kpi.unit == PERCENT:
        return format_percent(kpi.shown(value), decimals=0 if kpi.divisor == 1 else 1)
    return headline_count(value, exact=kpi.exact)
