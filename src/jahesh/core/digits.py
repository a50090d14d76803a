"""Persian (۰-۹), Arabic-Indic (٠-٩) and ASCII digits.

People type all three (a Persian keyboard, an Arabic one, a phone's numeric
pad); everything is converted to ASCII before it is parsed or validated, and
to Persian digits when it is shown.
"""

from __future__ import annotations

from typing import Any

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
ASCII_DIGITS = "0123456789"

# U+066B ARABIC DECIMAL SEPARATOR and U+066C ARABIC THOUSANDS SEPARATOR are what
# Persian keyboards produce for «٫» and «٬»; in ASCII they are "." and ",".
PERSIAN_DECIMAL_SEPARATOR = "\u066b"
PERSIAN_THOUSANDS_SEPARATOR = "\u066c"

_TO_ASCII = str.maketrans(
    PERSIAN_DIGITS + ARABIC_DIGITS + PERSIAN_DECIMAL_SEPARATOR + PERSIAN_THOUSANDS_SEPARATOR,
    ASCII_DIGITS + ASCII_DIGITS + ".,",
)
_TO_PERSIAN = str.maketrans(ASCII_DIGITS + ARABIC_DIGITS, PERSIAN_DIGITS + PERSIAN_DIGITS)


def to_ascii_digits(value: Any) -> str:
    """``str(value)`` with Persian/Arabic digits as ASCII; ``٫`` → ``.``, ``٬`` → ``,``.

    ``None`` gives ``""``.
    """
    if value is None:
        return ""
    if type(value) is str and value.isascii():  # no digit to change (a check in C)
        return value
    return str(value).translate(_TO_ASCII)


def to_persian_digits(value: Any) -> str:
    """``str(value)`` with ASCII (and Arabic-Indic) digits as Persian; ``None`` gives ``""``.

    Only digits change: separators are the caller's business (see ``money.group_digits``).
    """
    if value is None:
        return ""
    return str(value).translate(_TO_PERSIAN)
