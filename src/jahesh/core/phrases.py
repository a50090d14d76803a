"""A text the code writes into a row (a notification's title, a risk driver's
words) kept as what renders it: its Persian msgid and its values, so it shows in
the reader's language when it is read, not in the writer's when it was stored.

A value is what the message says of a record, typed so that it is formatted at
display time: a ``str`` is the record's own text (a name, a title: never
translated), an ``int`` a count or a number, and the tagged ones (``amount``,
``words``, ``day``, ``moment``, ``month``, ``label``, ``number``) what a
formatter of ``core`` writes. Persian is written by the formatters; on another
language their digits and separators are made Latin (``core.locale.latin``), as
the response middleware does for HTML, so the API says the same.

The msgid is marked with ``gettext_noop`` where it is written, so
``makemessages`` extracts it and the English catalog translates it.

A plain text column that people fill (a history row's reason, a ledger note, a
status event's reason) also holds a few texts the code writes itself: an import's
"from file …". Those are written in Persian, the column's text as before (the
admin's search, the rows written earlier), from a msgid declared once with
:func:`written`; :func:`reread` recognises a declared text in a stored one and
shows it in the reader's language. Anything else (what a person typed, a row
written in another language) shows as stored.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext

from jahesh.core.digits import to_persian_digits
from jahesh.core.jalali import format_jalali, format_jalali_month
from jahesh.core.locale import latin
from jahesh.core.money import format_rials, group_digits, money_words

Value = str | int | dict[str, Any]


def amount(rials: int) -> dict[str, Any]:
    """An amount of money: «۱۵۰٬۰۰۰ تومان»."""
    return {"rials": int(rials)}


def words(rials: int) -> dict[str, Any]:
    """An amount of money in words: «۱۵ میلیون تومان»."""
    return {"words": int(rials)}


def number(n: int | Decimal) -> dict[str, Any]:
    """A number with grouped digits and, for a decimal, «٫»."""
    return {"number": str(n)}


def day(d: datetime.date) -> dict[str, Any]:
    """A Jalali date."""
    return {"day": d.isoformat()}


def moment(at: datetime.datetime) -> dict[str, Any]:
    """A Jalali date and time (in the site's time zone)."""
    return {"moment": at.isoformat()}


def month(year: int, month: int) -> dict[str, Any]:
    """A Jalali month: «اردیبهشت ۱۴۰۵»."""
    return {"month": [year, month]}


def label(text: str | Promise) -> dict[str, Any]:
    """A translated label (a choice's ``label``, a ``gettext_lazy`` text), kept as its msgid."""
    with translation.override(None):  # no catalog: the lazy text gives its msgid
        return {"label": str(text)}


_FORMATS: dict[str, Callable[[Any], str]] = {
    "rials": format_rials,
    "words": money_words,
    "number": lambda s: group_digits(Decimal(s)),
    "day": lambda s: format_jalali(datetime.date.fromisoformat(s)),
    "moment": lambda s: format_jalali(datetime.datetime.fromisoformat(s), with_time=True),
    "month": lambda ym: format_jalali_month(*ym),
    "label": gettext,
}


def _shown(value: Value, persian: bool) -> str:
    if isinstance(value, str):
        return value  # the record's own text, as it was typed
    if isinstance(value, int):
        text = to_persian_digits(value)
    elif persian and "label" in value:
        return str(value["label"])  # the source language: the msgid itself
    else:
        ((tag, raw),) = value.items()
        text = str(_FORMATS[tag](raw))
    return text if persian else latin(text)


@dataclass(frozen=True)
class Phrase:
    """A message (its Persian msgid, marked with ``gettext_noop``) and its values."""

    msgid: str
    values: Mapping[str, Value] = field(default_factory=dict)

    def __str__(self) -> str:
        """The message in the active language."""
        persian = translation.get_language() == settings.LANGUAGE_CODE
        # Persian is the source language: its text is the msgid (and the
        # scenarios store thousands of these, so no catalog look-up for it).
        text = self.msgid if persian else gettext(self.msgid)
        if not self.values:
            return text
        return text % {k: _shown(v, persian) for k, v in self.values.items()}

    def stored(self) -> dict[str, Any]:
        """What a JSON field keeps (``Phrase.of`` reads it back)."""
        return {"msgid": self.msgid, "values": dict(self.values)}

    @classmethod
    def of(cls, stored: Mapping[str, Any] | None) -> Phrase | None:
        if not stored or "msgid" not in stored:
            return None
        return cls(stored["msgid"], stored.get("values") or {})


def shown(stored: Mapping[str, Any] | None, fallback: str) -> str:
    """A stored phrase in the active language; ``fallback`` (the text stored before
    phrases were kept, in the writer's language) for a row without one."""
    phrase = Phrase.of(stored)
    return fallback if phrase is None else str(phrase)


# --- Texts the code writes into plain text columns ---------------------------------

_WRITTEN: dict[str, re.Pattern[str]] = {}
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def written(msgid: str) -> str:
    """Declare ``msgid`` (marked with ``gettext_noop``; ``%(name)s`` for a record's
    own text, such as a file's name) as a text the code writes into a text column,
    so :func:`reread` finds it; returns it. Declared at the top of a models module,
    loaded before any row is read; the writer stores ``msgid % values``."""
    parts = _PLACEHOLDER.split(msgid.replace("%%", "%"))
    # split's odd items are the placeholders' names.
    pattern = "".join(
        f"(?P<{part}>.*?)" if i % 2 else re.escape(part) for i, part in enumerate(parts)
    )
    _WRITTEN[msgid] = re.compile(pattern, re.DOTALL)
    return msgid


def reread(text: str) -> str:
    """A stored text in the active language: a text declared with :func:`written`
    in the reader's, anything else as it was stored."""
    if not text or translation.get_language() == settings.LANGUAGE_CODE:
        return text  # the declared texts are stored in Persian
    for msgid, pattern in _WRITTEN.items():
        found = pattern.fullmatch(text)
        if found is not None:
            return gettext(msgid) % found.groupdict()
    return text
