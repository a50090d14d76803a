"""Persian text: the normalised key used for search and de-duplication, and the
light clean-up applied to what is stored for display.

The key (DESIGN.md §4) makes the spellings people actually type meet:
Arabic ي/ك against Persian ی/ک, ة/ۀ against ه, Persian/Arabic digits against
ASCII ones, words written with a zero-width non-joiner against the same words
written with a space.

ZWNJ choice: the ZWNJ (and the other zero-width joiners and spaces) become a
plain space, so «می‌سازان» and «می سازان» give the same key «می سازان».
«میسازان» (no separator at all) stays a different key: removing every space
instead would merge unrelated words («کار گاه» / «کارگاه» is fine, but
«به روز» / «بروز» is not), so we leave that to fuzzy search.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from django.utils.translation import pgettext

from jahesh.core.digits import to_ascii_digits
from jahesh.core.errors import InvalidInput

# Letter variants mapped to the Persian letter (after NFKC, which has already
# folded presentation forms such as ﻙ or ﯾ into their base letters).
_LETTERS = str.maketrans(
    {
        "\u064a": "\u06cc",  # ي Arabic yeh → ی
        "\u0649": "\u06cc",  # ى alef maksura → ی
        "\u0643": "\u06a9",  # ك Arabic kaf → ک
        "\u06aa": "\u06a9",  # ڪ swash kaf → ک
        "\u06c0": "\u0647",  # ۀ heh with yeh above → ه
        "\u0629": "\u0647",  # ة teh marbuta → ه
        "\u06c3": "\u0647",  # ۃ teh marbuta goal → ه
        "\u06d5": "\u0647",  # ە ae (what ۀ decomposes to) → ه
        "\u06be": "\u0647",  # ھ heh doachashmee (Urdu keyboards) → ه
        "\u0623": "\u0627",  # أ alef with hamza above → ا
        "\u0625": "\u0627",  # إ alef with hamza below → ا
    }
)

# Removed outright: tatweel, Arabic diacritics (tanwin, harakat, shadda, sukun,
# maddah/hamza marks U+064B–U+065F), superscript alef, and the invisible
# direction marks that copy-paste brings along.
_REMOVE = re.compile("[\u0640\u064b-\u065f\u0670\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Zero-width non-joiner, joiner, zero-width space, BOM, soft hyphen: a word
# boundary written differently, so a space.
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_WHITESPACE = re.compile(r"\s+")


def _key_once(value: str) -> str:
    value = unicodedata.normalize("NFKC", value)
    value = value.translate(_LETTERS)
    value = to_ascii_digits(value)
    value = _REMOVE.sub("", value)
    value = _ZERO_WIDTH.sub(" ", value)
    value = value.casefold()
    return _WHITESPACE.sub(" ", value).strip()


def normalize_key(value: str | None) -> str:
    """The search/de-duplication key of ``value`` (DESIGN.md §4); ``None`` gives ``""``.

    Idempotent: ``normalize_key(normalize_key(x)) == normalize_key(x)``.
    """
    if not value:
        return ""
    text = str(value)
    key = _key_once(text)
    if key == text:  # a key already (a bulk form's names): a second pass would only say so
        return key
    # Removing a mark or casefolding can, for rare code points, produce text
    # that NFKC changes again; repeat until stable (almost always one extra pass).
    for _ in range(3):
        again = _key_once(key)
        if again == key:
            break
        key = again
    return key


_DISPLAY_LETTERS = str.maketrans({"\u064a": "\u06cc", "\u0649": "\u06cc", "\u0643": "\u06a9"})
_HORIZONTAL_SPACE = re.compile(r"[^\S\n]+")
_ZWNJ_RUN = re.compile(r"\s*\u200c[\u200c\s]*")
_BLANK_LINES = re.compile(r"\n{3,}")


def clean_text(value: str | None) -> str:
    """What we store for display: Arabic ي ى ك → Persian ی ک, runs of spaces
    collapsed, lines and ends stripped, at most one blank line in a row.

    The ZWNJ is kept (it is correct Persian spelling); a run of ZWNJs or a ZWNJ
    next to a space collapses to what the typist meant.
    """
    if not value:
        return ""
    value = str(value).replace("\r\n", "\n").replace("\r", "\n").translate(_DISPLAY_LETTERS)
    value = _ZWNJ_RUN.sub(_zwnj_or_space, value)
    value = _HORIZONTAL_SPACE.sub(" ", value)
    value = "\n".join(line.strip() for line in value.split("\n"))
    return _BLANK_LINES.sub("\n\n", value).strip()


@functools.lru_cache(maxsize=4096, typed=True)
def clean_word(value: str | None) -> str:
    """``clean_text`` of a short text that recurs from row to row (first and last
    names, a document's name, a reason): a bulk form of thousands of rows cleans
    each spelling once. ``clean_text`` reads nothing but its argument."""
    return clean_text(value)


def required_text(value: str | None, message: Any, *, field: str, min_length: int = 1) -> str:
    """``clean_text(value)``, refused with ``message`` on ``field`` (``InvalidInput``)
    when it is shorter than ``min_length`` characters (by default: when it is empty)."""
    text = clean_text(value)
    if len(text) < min_length:
        raise InvalidInput(message, field=field)
    return text


def _zwnj_or_space(match: re.Match[str]) -> str:
    # "می‌ سازان" or "می ‌سازان": the typist meant a separator; a space is safe.
    run = match.group(0)
    if "\n" in run:
        return "\n"
    return " " if any(c.isspace() for c in run) else "\u200c"


def listed(items: Iterable[object]) -> str:
    """Items joined for a message in the reader's language: «الف، ب» in Persian,
    "a, b" in English (the separator goes through gettext, as Django's
    ``get_text_list`` does)."""
    return pgettext("list separator", "، ").join(str(item) for item in items)
