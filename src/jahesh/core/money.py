"""Money and headline numbers.

Amounts are integer rials everywhere (models, API, services). People read them
in the display unit of ``settings.JAHESH_MONEY_UNIT`` ("toman" by default,
1 toman = 10 rials; "rial" after a redenomination switch), with Persian digits
and the Persian thousands separator ٬ (U+066C). Settings are read at call time.

Rounding happens in one place, ``round_half_up`` (half away from zero), so
every screen, export and report rounds the same way.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jahesh.core.digits import (
    PERSIAN_DECIMAL_SEPARATOR,
    PERSIAN_THOUSANDS_SEPARATOR,
    to_ascii_digits,
    to_persian_digits,
)
from jahesh.core.errors import InvalidInput

Number = int | Decimal | Fraction

RIALS_PER_UNIT = {"toman": 10, "rial": 1}

# Headline scales, largest first: 10¹² is said «هزار میلیارد» in Iranian usage.
# Marked with gettext_noop so the catalog has them; _amount_words translates them.
_SCALES: tuple[tuple[int, str], ...] = (
    (10**12, gettext_noop("هزار میلیارد")),
    (10**9, gettext_noop("میلیارد")),
    (10**6, gettext_noop("میلیون")),
    (10**3, gettext_noop("هزار")),
)


def _fraction(value: Any) -> Fraction:
    if isinstance(value, Fraction | int):
        return Fraction(value)
    if isinstance(value, float):
        # Floats never hold money here; if one slips in, take its shortest decimal form.
        return Fraction(Decimal(repr(value)))
    return Fraction(Decimal(str(value)))


def round_half_up(value: Any) -> int:
    """THE rounding helper: to a whole number, halves away from zero (2.5 → 3, −2.5 → −3)."""
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    x = _fraction(value)
    magnitude = (abs(x.numerator) * 2 + x.denominator) // (2 * x.denominator)
    return magnitude if x >= 0 else -magnitude


def unit_code(unit: str | None = None) -> str:
    """The display unit: ``unit`` if given, else ``settings.JAHESH_MONEY_UNIT``."""
    code = unit or getattr(settings, "JAHESH_MONEY_UNIT", "toman")
    if code not in RIALS_PER_UNIT:
        raise ValueError(f"JAHESH_MONEY_UNIT must be 'toman' or 'rial', not {code!r}")
    return code


def unit_label(unit: str | None = None) -> str:
    """«تومان» or «ریال»."""
    return _("تومان") if unit_code(unit) == "toman" else _("ریال")


def rials_to_unit(rials: Number, *, unit: str | None = None) -> Fraction:
    """The exact amount in the display unit (a Fraction: 15 rials are 3/2 tomans)."""
    return Fraction(rials) / RIALS_PER_UNIT[unit_code(unit)]


def _plain_number_text(n: Any) -> str:
    """``n`` as plain ASCII positional notation (no exponent): 1e20 → "100000000000000000000"."""
    if isinstance(n, bool):
        raise TypeError("group_digits needs a number, not a bool")
    if isinstance(n, int):
        return str(n)
    if isinstance(n, Fraction):
        if n.denominator == 1:
            return str(n.numerator)
        n = Decimal(n.numerator) / Decimal(n.denominator)
    if isinstance(n, float):
        n = Decimal(repr(n))
    if isinstance(n, Decimal):
        return format(n, "f")
    text = to_ascii_digits(n).replace(",", "").strip()
    if "e" in text.lower():
        return format(Decimal(text), "f")
    return text


def group_digits(n: Any, *, persian: bool = True) -> str:
    """``150000000`` → ``۱۵۰٬۰۰۰٬۰۰۰`` (``150,000,000`` with persian=False).

    Decimals are kept as given (``Decimal("2.5")`` → ``۲٫۵``); ``None``/``""`` → ``""``.
    """
    if n is None or n == "":
        return ""
    text = _plain_number_text(n)
    sign = ""
    if text.startswith(("-", "−")):
        sign, text = "-", text[1:]
    whole, _dot, decimals = text.partition(".")
    grouped = f"{int(whole or 0):,}"
    if decimals:
        grouped += "." + decimals
    if not persian:
        return sign + grouped
    grouped = grouped.translate(
        str.maketrans(",.", PERSIAN_THOUSANDS_SEPARATOR + PERSIAN_DECIMAL_SEPARATOR)
    )
    return sign + to_persian_digits(grouped)


def format_rials(
    rials: Number | None, *, unit: str | None = None, persian: bool = True, exact: bool = False
) -> str:
    """``1500000000`` rials → ``۱۵۰٬۰۰۰٬۰۰۰ تومان`` (whole tomans, rounded half up).

    ``exact=True`` keeps the rials a whole toman cannot say (``104166667`` →
    ``۱۰٬۴۱۶٬۶۶۶٫۷ تومان``): for limits a person must not exceed, where rounding
    up would name an amount the rule refuses. ``None`` → ``""``.
    """
    if rials is None or rials == "":
        return ""
    exact_amount = rials_to_unit(rials, unit=unit)
    amount = exact_amount if exact else round_half_up(exact_amount)
    return f"{group_digits(amount, persian=persian)} {unit_label(unit)}"


def _one_decimal(value: Fraction) -> str:
    """``2.54`` → ``۲٫۵``, ``150`` → ``۱۵۰`` (rounded half up to one decimal)."""
    tenths = round_half_up(value * 10)
    whole, rest = divmod(tenths, 10)
    if rest == 0:
        return group_digits(whole)
    return group_digits(whole) + PERSIAN_DECIMAL_SEPARATOR + to_persian_digits(rest)


def _amount_words(amount: Fraction) -> str:
    """An amount in the display unit, in headline words, without the unit."""
    if amount < 0:
        return "-" + _amount_words(-amount)
    for index, (scale, word) in enumerate(_SCALES):
        if amount >= scale:
            # 999.96 million would round to «۱۰۰۰ میلیون»: say «۱ میلیارد» instead.
            if index > 0 and round_half_up(amount / scale * 10) >= 10_000:
                scale, word = _SCALES[index - 1]
            return f"{_one_decimal(amount / scale)} {_(word)}"
    if round_half_up(amount * 10) >= 10_000:  # 999.96 tomans
        return f"{group_digits(1)} {_(_SCALES[-1][1])}"
    return _one_decimal(amount)


def money_words(rials: Number | None, *, unit: str | None = None) -> str:
    """Headline wording of an amount: scaled to هزار / میلیون / میلیارد / هزار میلیارد
    with at most one decimal (rounded half up, Persian separator ٫).

    ``1500000000000`` rials → ``۱۵۰ میلیارد تومان``; ``25000000`` → ``۲٫۵ میلیون تومان``;
    amounts under a thousand are written as they are: ``۷۵۰ تومان``. ``None`` → ``""``.
    """
    if rials is None or rials == "":
        return ""
    return f"{_amount_words(rials_to_unit(rials, unit=unit))} {unit_label(unit)}"


def round_down_sig(n: Number, sig: int = 2) -> Any:
    """``n`` rounded toward zero to ``sig`` significant digits: 2134 → 2100, 760 → 760.

    Integers give integers; a Fraction/Decimal gives an int when the result is whole.
    """
    x = _fraction(n)
    if x == 0:
        return 0 if isinstance(n, int) else Fraction(0)
    magnitude = abs(x)
    exponent = len(str(int(magnitude))) - 1 if magnitude >= 1 else _negative_exponent(magnitude)
    step = Fraction(10) ** (exponent - sig + 1)
    rounded = (magnitude // step) * step
    rounded = rounded if x > 0 else -rounded
    if rounded.denominator == 1:
        return int(rounded)
    return rounded


def _negative_exponent(magnitude: Fraction) -> int:
    exponent = 0
    while magnitude < 1:
        magnitude *= 10
        exponent -= 1
    return exponent


def _headline_digits(n: Any) -> str:
    # Persian headlines write four-digit figures without a separator (۲۱۰۰);
    # from five digits on the separator helps the eye (۲۵٬۰۰۰).
    if abs(n) < 10_000:
        text = str(n) if not isinstance(n, Fraction) else str(Decimal(n.numerator) / n.denominator)
        return to_persian_digits(text).replace(".", PERSIAN_DECIMAL_SEPARATOR)
    return group_digits(n)


def headline_number(n: Number, *, exact: bool) -> str:
    """reference/kpis.md "Wording in reports": a figure known exactly and round is
    written as is (۷۶۰); otherwise «بیش از» and the value rounded down to two
    significant digits (2,134 → «بیش از ۲۱۰۰»). Round means ``n == round_down_sig(n, 2)``.
    """
    floor = round_down_sig(n, 2)
    if exact and floor == n:
        return _headline_digits(n)
    return _("بیش از %(value)s") % {"value": _headline_digits(floor)}


def headline_money(rials: Number, *, unit: str | None = None) -> str:
    """The kpis.md wording for money: 1,524,000,000,000 rials (152.4 billion tomans)
    → «بیش از ۱۵۰ میلیارد تومان»; exactly 150 billion tomans → «۱۵۰ میلیارد تومان»."""
    amount = rials_to_unit(rials, unit=unit)
    floor = _fraction(round_down_sig(amount, 2))
    words = f"{_amount_words(floor)} {unit_label(unit)}"
    if floor == amount:
        return words
    return _("بیش از %(value)s") % {"value": words}


def format_percent(value: Any, *, decimals: int = 1) -> str:
    """``20`` → ``۲۰٪``, ``12.34`` → ``۱۲٫۳٪`` (``value`` is already a percentage).

    ``None``/``""`` → ``""``.
    """
    if value is None or value == "":
        return ""
    scaled = round_half_up(_fraction(value) * 10**decimals)
    sign = "-" if scaled < 0 else ""
    whole, rest = divmod(abs(scaled), 10**decimals)
    text = group_digits(whole)
    if rest:
        text += PERSIAN_DECIMAL_SEPARATOR + to_persian_digits(f"{rest:0{decimals}}".rstrip("0"))
    return f"{sign}{text}٪"


_AMOUNT_RE = re.compile(r"^-?\d+(\.\d+)?$")


def parse_amount(value: Any, *, unit: str | None = None) -> int:
    """What a person typed in the display unit (Persian/Arabic/Latin digits, ٬ , or
    spaces as separators) → integer rials. ``"۱۵۰٬۰۰۰"`` tomans → ``1500000``.

    Raises InvalidInput when it is not a number or does not come to whole rials.
    """
    text = to_ascii_digits(value).strip()
    for label in (_("تومان"), _("ریال"), "تومان", "ریال"):
        text = text.removesuffix(label).strip()
    text = re.sub(r"[,\s\u066c\u060c'_]", "", text)
    if not _AMOUNT_RE.match(text):
        raise InvalidInput(
            _("مبلغ را با رقم وارد کنید، مثلاً %(example)s") % {"example": group_digits(1500000)}
        )
    rials = Decimal(text) * RIALS_PER_UNIT[unit_code(unit)]
    if rials != rials.to_integral_value():
        raise InvalidInput(
            _("مبلغ باید به %(unit)s کامل باشد؛ بیش از %(places)s رقم اعشار وارد شده")
            % {
                "unit": _("ریال"),
                "places": to_persian_digits(1 if unit_code(unit) == "toman" else 0),
            }
        )
    return int(rials)
