"""Columns of an importable/exportable table and the parsers of their cells.

A :class:`Column` names one field in Persian and English (and any aliases a
user's old spreadsheet may use) and says how a cell becomes a value
(``parse``) and how a value becomes a cell (``parse.to_cell`` when the parser
has one), so a file we export can be imported back unchanged.

Parsers receive a non-blank cell as the reader found it: ``str`` from CSV,
and ``str``/``int``/``float``/``bool``/``date``/``datetime`` from a
spreadsheet. They return the value or raise ``ValueError`` (or
``ValidationError``/``ApplicationError``) with a Persian message that says
what to fix; the reader turns that into a :class:`~jahesh.core.tabular.CellError`
carrying the row number and the column header.

They are called a million times for 100,000 rows × 10 columns, so each one
has a fast path for the common clean cell and caches what repeats (choice
labels, dates). Parsers are small classes named like functions
(``integer(max=1000)``): an instance holds its options and its cache.
"""

from __future__ import annotations

import datetime
import enum
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from jahesh.core import identifiers
from jahesh.core.digits import to_ascii_digits
from jahesh.core.errors import ApplicationError
from jahesh.core.jalali import format_jalali, parse_date_any
from jahesh.core.money import group_digits
from jahesh.core.text import clean_text, listed, normalize_key

Parser = Callable[[Any], Any]

# Separators people put inside numbers: ASCII comma, Persian thousands
# separator (already "," after to_ascii_digits), Arabic comma «،», apostrophe,
# underscore and every kind of space (Excel in a Persian locale groups with
# U+066C; pasted numbers bring NBSP and narrow NBSP).
_NUMBER_NOISE = re.compile("[,\u060c'_\\s\u00a0\u202f\u200c\u200e\u200f]")
_INT_RE = re.compile(r"^[+-]?\d+$")
_DECIMAL_RE = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)$")
# A cell needs clean_text only when it holds one of these; most cells don't.
# (A character class only: alternations like \s\s made this search the slowest
# step of a 100,000-row import; double spaces are checked with ``in``.)
_NEEDS_CLEANING = re.compile("[\u064a\u0649\u0643\u200c\r\n\t\u00a0\u2000-\u200b\u3000]")
_CACHE_LIMIT = 50_000


def _quote(value: Any) -> str:
    text = str(value).strip()
    if len(text) > 40:
        text = text[:40] + "…"
    return f"«{text}»"


def _numeric_text(value: Any) -> str:
    """A number cell as text: ``12.0`` → ``12`` (Excel stores every number as a float)."""
    if type(value) is float and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a table: its key in ``Row.values``, its Persian and English
    headers, whether a row without it is refused, and its parser.

    ``aliases`` are other headers that mean the same column (old templates,
    abbreviations); ``example`` goes into the template's example row; ``help``
    is the Persian description on the template's «راهنما» sheet; ``width`` is
    the exported column width in characters.
    """

    key: str
    fa: str
    en: str = ""
    required: bool = False
    parse: Parser = field(default=None)  # type: ignore[assignment]
    aliases: tuple[str, ...] = ()
    example: Any = ""
    help: str = ""
    width: int | None = None

    def __post_init__(self) -> None:
        if self.parse is None:
            object.__setattr__(self, "parse", text())

    def header_keys(self) -> set[str]:
        names = (self.fa, self.en, self.key, *self.aliases)
        return {header_key(n) for n in names if n}

    def to_cell(self, value: Any) -> Any:
        return self.cell_writer()(value)

    def cell_writer(self) -> Callable[[Any], Any]:
        """A function value → cell for this column, built once per export: the
        parser's ``cell_writer()`` or ``to_cell`` (so an exported file imports
        back), else ``cell_value``; ``None`` stays an empty cell."""
        make = getattr(self.parse, "cell_writer", None)
        to_cell = make() if make is not None else getattr(self.parse, "to_cell", None)
        if to_cell is None:
            return cell_value
        return lambda value: None if value is None else to_cell(value)

    def hint(self) -> str:
        """What the cell accepts, in Persian (the «راهنما» sheet)."""
        return str(self.help or getattr(self.parse, "hint", ""))


def header_key(value: Any) -> str:
    """A header's matching key: normalised, ``*`` and ``:`` dropped (templates mark
    required columns with ``*``; some exports end headers with ``:``)."""
    return normalize_key(str(value).replace("*", " ").replace(":", " "))


def cell_value(value: Any) -> Any:
    """A Python value as an XLSX/CSV cell: numbers stay numbers, dates become
    Jalali text (``1403/01/15``, Latin digits: see ``writing``), booleans
    «بله»/«خیر», choices their label, the rest text."""
    kind = type(value)
    if value is None or kind is str or kind is int or kind is float or kind is Decimal:
        return value
    if kind is bool:
        return _("بله") if value else _("خیر")
    if isinstance(value, enum.Enum):  # a TextChoices/IntegerChoices member
        return str(getattr(value, "label", value.value))
    if isinstance(value, datetime.date):
        return jalali_cell(value)
    if isinstance(value, int | float | Decimal):
        return value
    return str(value)  # lazy translations, UUIDs, model instances


_jalali_cells: dict[datetime.date, str] = {}


def jalali_cell(value: datetime.date) -> str:
    """``1403/01/15`` (``1403/01/15 09:30`` for a datetime, in Tehran time)."""
    if isinstance(value, datetime.datetime):
        return format_jalali(value, with_time=True, persian_digits=False)
    text = _jalali_cells.get(value)
    if text is None:
        text = format_jalali(value, persian_digits=False)
        if len(_jalali_cells) < 100_000:
            _jalali_cells[value] = text
    return text


# --- parsers -----------------------------------------------------------------


class text:
    """Text as typed, cleaned for display (Arabic ي/ك → ی/ک, spaces collapsed)."""

    def __init__(self, *, max_length: int | None = None) -> None:
        self.max_length = max_length
        self.hint = (
            _("متن، حداکثر %(n)s نویسه") % {"n": group_digits(max_length)}
            if max_length
            else _("متن")
        )

    def __call__(self, value: Any) -> str:
        written: str = value if type(value) is str else _numeric_text(value)
        if "  " in written or _NEEDS_CLEANING.search(written) or written != written.strip():
            written = clean_text(written)
        if self.max_length and len(written) > self.max_length:
            raise ValueError(
                _("متن %(n)s نویسه است و بیش از %(max)s نویسه جا نمی‌شود؛ کوتاه‌ترش کنید.")
                % {"n": group_digits(len(written)), "max": group_digits(self.max_length)}
            )
        return written


class integer:
    """A whole number; Persian/Arabic digits, thousands separators and spaces allowed."""

    def __init__(self, *, min: int | None = None, max: int | None = None) -> None:
        self.min, self.max = min, max
        self.hint = _bounds_hint(_("عدد صحیح"), min, max)

    def __call__(self, value: Any) -> int:
        number = _to_int(value)
        _check_bounds(number, self.min, self.max)
        return number


def _to_int(value: Any) -> int:
    kind = type(value)
    if kind is int:
        return int(value)  # already one; int() only tells the checker
    if kind is float:
        if value.is_integer():
            return int(value)
        raise ValueError(_("%(value)s اعشار دارد؛ یک عدد صحیح بنویسید.") % {"value": _quote(value)})
    if kind is bool:
        raise ValueError(_("اینجا عدد لازم است، نه بله/خیر."))
    raw = value
    value = _NUMBER_NOISE.sub("", to_ascii_digits(value))
    if _INT_RE.match(value):
        return int(value)
    if _DECIMAL_RE.match(value):
        number = Decimal(value)
        if number == number.to_integral_value():  # "12.0" from a CSV export
            return int(number)
        raise ValueError(_("%(value)s اعشار دارد؛ یک عدد صحیح بنویسید.") % {"value": _quote(raw)})
    raise ValueError(
        _("%(value)s عدد نیست؛ یک عدد با رقم بنویسید، مانند ۱۲۰.") % {"value": _quote(raw)}
    )


def _bounds_hint(kind: str, low: Any, high: Any) -> str:
    if low is not None and high is not None:
        return _("%(kind)s از %(min)s تا %(max)s") % {
            "kind": kind,
            "min": group_digits(low),
            "max": group_digits(high),
        }
    if low is not None:
        return _("%(kind)s، دست‌کم %(min)s") % {"kind": kind, "min": group_digits(low)}
    if high is not None:
        return _("%(kind)s، حداکثر %(max)s") % {"kind": kind, "max": group_digits(high)}
    return kind


def _check_bounds(number: Any, low: Any, high: Any) -> None:
    if low is not None and number < low:
        raise ValueError(
            _("عدد باید دست‌کم %(min)s باشد؛ %(value)s وارد شده.")
            % {"min": group_digits(low), "value": group_digits(number)}
        )
    if high is not None and number > high:
        raise ValueError(
            _("عدد باید حداکثر %(max)s باشد؛ %(value)s وارد شده.")
            % {"max": group_digits(high), "value": group_digits(number)}
        )


class decimal:
    """A decimal number (``12.5``, ``۱۲٫۵``, ``12/5`` as Persian typists write it)."""

    def __init__(
        self, *, min: Decimal | int | None = None, max: Decimal | int | None = None, places: int = 2
    ) -> None:
        self.min, self.max, self.places = min, max, places
        self.quantum = Decimal(1).scaleb(-places)
        self.cache: dict[Any, Decimal] = {}
        self.hint = _bounds_hint(_("عدد"), min, max)

    def __call__(self, value: Any) -> Decimal:
        try:
            return self.cache[value]
        except (KeyError, TypeError):
            pass
        number = self._parse(value)
        if len(self.cache) < _CACHE_LIMIT:
            self.cache[value] = number
        return number

    def _parse(self, value: Any) -> Decimal:
        kind = type(value)
        if kind is int or kind is float:
            number = Decimal(repr(value))
        elif kind is bool:
            raise ValueError(_("اینجا عدد لازم است، نه بله/خیر."))
        elif value.isascii() and _DECIMAL_RE.match(value):
            number = Decimal(value)  # the common clean cell, "12.5"
        else:
            ascii_value = to_ascii_digits(value).strip()
            # «۱۲/۵» is how many Persian typists write 12.5 (the slash is the
            # Persian decimal separator on some keyboards); a date would not be here.
            if ascii_value.count("/") == 1 and "," not in ascii_value:
                ascii_value = ascii_value.replace("/", ".")
            ascii_value = _NUMBER_NOISE.sub("", ascii_value)
            if not _DECIMAL_RE.match(ascii_value):
                raise ValueError(
                    _("%(value)s عدد نیست؛ یک عدد بنویسید، مانند ۱۲٫۵.") % {"value": _quote(value)}
                )
            try:
                number = Decimal(ascii_value)
            except InvalidOperation:  # pragma: no cover — the regex has vetted it
                raise ValueError(_("%(value)s عدد نیست.") % {"value": _quote(value)}) from None
        _check_bounds(number, self.min, self.max)
        return number.quantize(self.quantum, rounding=ROUND_HALF_UP)


class money_rials:
    """An amount in integer rials (DESIGN.md §4). ``toman=True`` reads the cell in
    tomans (the header says «(تومان)») and multiplies by 10. The words «ریال» and
    «تومان» after the number are accepted and ignored."""

    _UNIT_WORDS = re.compile("(ریال|تومان|تومن|rials?|tomans?|irr|irt)", re.IGNORECASE)

    def __init__(self, *, min: int | None = 0, max: int | None = None, toman: bool = False) -> None:
        self.min, self.max, self.factor = min, max, (10 if toman else 1)
        self.hint = _("مبلغ به تومان، بدون اعشار") if toman else _("مبلغ به ریال، بدون اعشار")

    def __call__(self, value: Any) -> int:
        if type(value) is str:
            value = self._UNIT_WORDS.sub("", value)
        try:
            amount = _to_int(value)
        except ValueError:
            raise ValueError(
                _("%(value)s مبلغ نیست؛ مبلغ را با رقم و بدون اعشار بنویسید، مانند ۱۵۰۰۰۰۰۰.")
                % {"value": _quote(value)}
            ) from None
        _check_bounds(amount, self.min, self.max)
        return amount * self.factor

    def to_cell(self, value: int) -> int:
        return value // self.factor if self.factor != 1 else value


class jalali_date:
    """A date typed in Jalali (۱۴۰۳/۰۱/۱۵, 1403/1/15, 1403-01-15, ١٤٠٣/٠١/١٥,
    14030115) or ISO Gregorian (2024-04-03); a spreadsheet date cell is a
    Gregorian date (that is what Excel stores)."""

    def __init__(self) -> None:
        self.cache: dict[Any, datetime.date] = {}
        self.hint = _("تاریخ شمسی، مانند ۱۴۰۳/۰۱/۱۵")

    def __call__(self, value: Any) -> datetime.date:
        kind = type(value)
        # Compared by type(), not isinstance (a datetime is a date): casts say what it was.
        if kind is datetime.date:
            return cast(datetime.date, value)
        if kind is datetime.datetime:
            return cast(datetime.datetime, value).date()
        cached = self.cache.get(value)
        if cached is not None:
            return cached
        parsed = self._parse(value)
        if len(self.cache) < _CACHE_LIMIT:
            self.cache[value] = parsed
        return parsed

    @staticmethod
    def _parse(value: Any) -> datetime.date:
        text = _numeric_text(value) if type(value) is float else to_ascii_digits(value).strip()
        # Eight digits in a row (a date typed into a number cell): 14030115.
        if len(text) == 8 and text.isdigit() and text[:2] in ("13", "14"):
            text = f"{text[:4]}/{text[4:6]}/{text[6:]}"
        try:
            return parse_date_any(text)
        except (ValueError, ValidationError, ApplicationError) as error:
            # parse_date_any's messages are Persian and say what to fix; add
            # the cell's own text so the reader sees what was wrong.
            raise ValueError(
                _("%(reason)s؛ %(value)s نوشته شده.")
                % {"value": _quote(value), "reason": _message(error)}
            ) from None

    def to_cell(self, value: datetime.date) -> str:
        return jalali_cell(value)


class choice:
    """One of a set of codes, matched by its code, Persian label or English label
    (or any extra spelling in ``aliases``), through ``normalize_key``.

    ``mapping`` is ``{code: label}`` (Django ``choices`` work: ``Status.choices``),
    or ``{code: (persian, english, *more)}``.
    """

    def __init__(
        self,
        mapping: Mapping[Any, Any] | Iterable[tuple[Any, Any]],
        *,
        aliases: Mapping[str, Any] | None = None,
    ) -> None:
        items = list(mapping.items()) if isinstance(mapping, Mapping) else list(mapping)
        self.labels: dict[Any, str] = {}
        self.lookup: dict[str, Any] = {}
        for code, labels in items:
            names = list(labels) if isinstance(labels, list | tuple) else [labels]
            self.labels[code] = str(names[0])
            for name in [code, *names]:
                for spelling in _spellings(name):
                    self.lookup.setdefault(normalize_key(spelling), code)
        for name, code in (aliases or {}).items():
            self.lookup.setdefault(normalize_key(name), code)
        self.cache: dict[Any, Any] = {}
        self.hint = _("یکی از: %(labels)s") % {"labels": listed(self.labels.values())}

    def __call__(self, value: Any) -> Any:
        try:
            return self.cache[value]
        except (KeyError, TypeError):
            pass
        code = self.lookup.get(normalize_key(_numeric_text(value)), _MISSING)
        if code is _MISSING:
            raise ValueError(
                _("%(value)s از گزینه‌ها نیست؛ یکی از این‌ها را بنویسید: %(labels)s.")
                % {"value": _quote(value), "labels": listed(self.labels.values())}
            )
        if len(self.cache) < _CACHE_LIMIT:
            self.cache[value] = code
        return code

    def to_cell(self, value: Any) -> str:
        return self.labels.get(value, str(value))


_MISSING = object()


def _spellings(name: Any) -> list[str]:
    """A label as it may be written in a file: a translated label (Django's lazy
    ``choices``) in Persian and in English whatever the reader's language, so a
    file filled in Persian imports for an English reader and the other way round."""
    if not isinstance(name, Promise):
        return [str(name)]
    spellings = []
    for language in ("fa", "en"):
        with translation.override(language):
            spellings.append(str(name))
    return spellings


_TRUE = {"بله", "بلی", "آری", "اری", "هست", "دارد", "yes", "y", "true", "1", "✓", "✔", "☑", "x"}
_FALSE = {"خیر", "نه", "نیست", "ندارد", "no", "n", "false", "0", "✗", "✘", "-", "×"}


class boolean:
    """Yes or no: بله/خیر, yes/no, true/false, 1/0, ✓/✗ (an Excel TRUE/FALSE cell too)."""

    def __init__(self) -> None:
        self.hint = _("«بله» یا «خیر»")
        self.cache: dict[Any, bool] = {}

    def __call__(self, value: Any) -> bool:
        if type(value) is bool:
            return value
        try:
            return self.cache[value]
        except KeyError:
            pass
        key = normalize_key(_numeric_text(value))
        if key in _TRUE or key in _FALSE:
            if len(self.cache) < _CACHE_LIMIT:
                self.cache[value] = key in _TRUE
            return key in _TRUE
        raise ValueError(
            _("%(value)s بله یا خیر نیست؛ «بله» یا «خیر» بنویسید.") % {"value": _quote(value)}
        )

    def to_cell(self, value: bool) -> str:
        return _("بله") if value else _("خیر")

    def cell_writer(self) -> Callable[[Any], str]:
        # Translate the two labels once per export, not once per cell.
        yes, no = _("بله"), _("خیر")
        return lambda value: yes if value else no


class _identifier:
    """Calls a ``jahesh.core.identifiers`` normaliser (imported when first used)."""

    normaliser = ""
    options: dict[str, Any] = {}

    def __init__(self) -> None:
        self.fn: Callable[..., str] | None = None

    def __call__(self, value: Any) -> str:
        if self.fn is None:
            self.fn = getattr(identifiers, self.normaliser)
        try:
            return self.fn(_numeric_text(value), **self.options)
        except (ValueError, ValidationError, ApplicationError) as error:
            raise ValueError(_message(error)) from None


class mobile(_identifier):
    """A mobile number, stored as 09xxxxxxxxx (+98…, 0098…, 9… accepted)."""

    normaliser = "normalize_mobile"

    def __init__(self) -> None:
        super().__init__()
        self.hint = _("شماره همراه، مانند ۰۹۱۲۳۴۵۶۷۸۹")


class national_code(_identifier):
    """A person's national code (کد ملی), 10 digits with its check digit."""

    normaliser = "normalize_national_code"
    # Excel drops the leading zeros of a code typed into a number cell
    # (0081234562 → 81234562); the normaliser pads 8–9 digits back.
    options = {"pad_leading_zeros": True}

    def __init__(self) -> None:
        super().__init__()
        self.hint = _("کد ملی ۱۰ رقمی")


class legal_id(_identifier):
    """A legal entity's national ID (شناسه ملی), 11 digits with its check digit."""

    normaliser = "normalize_legal_id"

    def __init__(self) -> None:
        super().__init__()
        self.hint = _("شناسه ملی ۱۱ رقمی")


def person_columns(*, name_length: int, example: tuple[str, str], gender: Parser) -> list[Column]:
    """The columns a list of people opens with: the national code, the first and
    last name (at most ``name_length`` characters, as their model keeps them;
    ``example`` is the template's) and the gender (``gender`` reads the model's codes)."""
    names = (("first_name", "نام", "First name"), ("last_name", "نام خانوادگی", "Last name"))
    return [
        Column(
            "national_code",
            "کد ملی",
            "National code",
            required=True,
            parse=national_code(),
            example="0081234562",
        ),
        *(
            Column(key, fa, en, required=True, parse=text(max_length=name_length), example=shown)
            for (key, fa, en), shown in zip(names, example, strict=True)
        ),
        Column("gender", "جنسیت", "Gender", required=True, parse=gender, example="زن"),
    ]


def _message(error: BaseException) -> str:
    """The Persian message of a ValueError, ValidationError or ApplicationError."""
    if isinstance(error, ValidationError):
        return " ".join(str(m) for m in error.messages)
    if isinstance(error, ApplicationError):
        return str(error.message)
    return str(error)
