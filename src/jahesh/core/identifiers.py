"""Iranian identifiers: national code, legal-entity national ID, Sheba, mobile,
postal code (rules and vectors: reference/identifiers.md).

Each identifier has
- ``normalize_<name>(value) -> str``: Persian/Arabic digits to ASCII, spaces,
  dashes and the like removed, then validated; returns the canonical form that
  is stored (raises ``ValidationError`` with a Persian message saying what to fix);
- ``validate_<name>(value)``: the same check as a Django validator;
- ``is_valid_<name>(value) -> bool``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from jahesh.core.digits import to_ascii_digits, to_persian_digits

# Spaces of every kind, dashes, dots, slashes, parentheses and invisible marks
# that people and spreadsheets put inside identifiers.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212_./()\u200c\u200d\u200e\u200f\ufeff]+")


def _compact(value: Any) -> str:
    return _SEPARATORS.sub("", to_ascii_digits(value))


def _fa(n: int) -> str:
    return to_persian_digits(n)


def _require_digits(value: str, *, length: int, label: Any, example: str) -> None:
    if not value:
        raise ValidationError(_("%(label)s را وارد کنید"), code="required", params={"label": label})
    if not value.isascii() or not value.isdigit():
        raise ValidationError(
            _("%(label)s فقط رقم دارد، مانند %(example)s"),
            code="invalid",
            params={"label": label, "example": example},
        )
    if len(value) != length:
        raise ValidationError(
            _("%(label)s %(length)s رقم است؛ %(count)s رقم وارد شده"),
            code="length",
            params={"label": label, "length": _fa(length), "count": _fa(len(value))},
        )


def _checks(
    normalizer: Callable[[Any], str],
) -> tuple[Callable[[Any], None], Callable[[Any], bool]]:
    """``validate_<name>`` (a Django validator) and ``is_valid_<name>`` of one
    identifier: both are its ``normalize_<name>``, the first raising, the second
    answering ``False``."""
    name = normalizer.__name__.removeprefix("normalize_")

    def validate(value: Any) -> None:
        normalizer(value)

    def is_valid(value: Any) -> bool:
        try:
            normalizer(value)
        except ValidationError:
            return False
        return True

    # The module's names, so that a migration can name the validator by its path.
    validate.__name__ = validate.__qualname__ = f"validate_{name}"
    is_valid.__name__ = is_valid.__qualname__ = f"is_valid_{name}"
    validate.__doc__ = (
        f"Raises ``ValidationError`` unless ``{normalizer.__name__}`` accepts ``value``."
    )
    is_valid.__doc__ = f"True when ``{normalizer.__name__}`` accepts ``value``."
    return validate, is_valid


# --- National code (کد ملی) -------------------------------------------------


def normalize_national_code(value: Any, *, pad_leading_zeros: bool = False) -> str:
    """10 digits with a check digit. ``pad_leading_zeros`` restores the zeros a
    spreadsheet dropped from an 8- or 9-digit cell (imports only)."""
    code = _compact(value)
    if pad_leading_zeros and code.isdigit() and 8 <= len(code) < 10:
        code = code.zfill(10)
    label = _("کد ملی")
    _require_digits(code, length=10, label=label, example="۰۰۸۱۲۳۴۵۶۲")
    if len(set(code)) == 1:
        raise ValidationError(
            _("کد ملی با ارقام تکراری (مانند %(example)s) معتبر نیست"),
            code="repeated",
            params={"example": to_persian_digits(code)},
        )
    if code[3:9] == "000000":
        raise ValidationError(
            _("ارقام چهارم تا نهم کد ملی نمی‌توانند همه صفر باشند"), code="zero_body"
        )
    total = sum(int(code[i]) * (10 - i) for i in range(9)) % 11
    check = total if total < 2 else 11 - total
    if check != int(code[9]):
        raise ValidationError(
            _("رقم کنترل کد ملی درست نیست؛ کد را دوباره از روی کارت ملی بخوانید"),
            code="checksum",
        )
    return code


validate_national_code, is_valid_national_code = _checks(normalize_national_code)


# --- Legal-entity national ID (شناسه ملی اشخاص حقوقی) -----------------------

_LEGAL_WEIGHTS = (29, 27, 23, 19, 17)


def normalize_legal_id(value: Any) -> str:
    """11 digits with a check digit (the Registration Organisation's algorithm)."""
    code = _compact(value)
    _require_digits(code, length=11, label=_("شناسه ملی"), example="۱۰۳۸۰۲۸۴۷۹۰")
    if code[3:9] == "000000":
        raise ValidationError(
            _("ارقام چهارم تا نهم شناسه ملی نمی‌توانند همه صفر باشند"), code="zero_body"
        )
    d = int(code[9]) + 2
    total = sum((d + int(code[i])) * _LEGAL_WEIGHTS[i % 5] for i in range(10)) % 11
    if total % 10 != int(code[10]):
        raise ValidationError(
            _("رقم کنترل شناسه ملی درست نیست؛ شناسه را دوباره از روی آگهی ثبت بخوانید"),
            code="checksum",
        )
    return code


validate_legal_id, is_valid_legal_id = _checks(normalize_legal_id)


# --- Sheba (IR IBAN) --------------------------------------------------------

# Bank codes (characters 5–7 of the Sheba) of the banks and credit institutions
# the programmes deal with most.
SHEBA_BANKS: dict[str, str] = {
    "010": "بانک مرکزی",
    "011": "بانک صنعت و معدن",
    "012": "بانک ملت",
    "013": "بانک رفاه کارگران",
    "014": "بانک مسکن",
    "015": "بانک سپه",
    "016": "بانک کشاورزی",
    "017": "بانک ملی ایران",
    "018": "بانک تجارت",
    "019": "بانک صادرات ایران",
    "020": "بانک توسعه صادرات",
    "021": "پست بانک",
    "022": "بانک توسعه تعاون",
    "054": "بانک پارسیان",
    "055": "بانک اقتصاد نوین",
    "056": "بانک سامان",
    "057": "بانک پاسارگاد",
    "060": "بانک قرض‌الحسنه مهر ایران",
    "062": "بانک آینده",
    "070": "بانک قرض‌الحسنه رسالت",
}


def normalize_sheba(value: Any) -> str:
    """``IR`` + 24 digits, checked with ISO 7064 mod 97-10. A bare 24-digit number
    gets its ``IR``; lower case and spaces are accepted."""
    sheba = _compact(value).upper()
    if sheba.isdigit() and len(sheba) == 24:
        sheba = "IR" + sheba
    if not sheba:
        raise ValidationError(_("شماره شبا را وارد کنید"), code="required")
    if not sheba.startswith("IR"):
        raise ValidationError(
            _("شماره شبا با IR شروع می‌شود، مانند IR170170000000110583217001"),
            code="prefix",
        )
    digits = sheba[2:]
    if not digits.isascii() or not digits.isdigit():
        raise ValidationError(_("پس از IR در شماره شبا فقط رقم می‌آید"), code="invalid")
    if len(digits) != 24:
        raise ValidationError(
            _("شماره شبا IR و ۲۴ رقم است؛ %(count)s رقم وارد شده"),
            code="length",
            params={"count": _fa(len(digits))},
        )
    # ISO 13616: move "IRkk" to the end, letters as numbers (I = 18, R = 27).
    if int(digits[2:] + "1827" + digits[:2]) % 97 != 1:
        raise ValidationError(
            _("رقم‌های کنترل شماره شبا درست نیست؛ شبا را دوباره از روی کارت یا برگه بانک بخوانید"),
            code="checksum",
        )
    return sheba


validate_sheba, is_valid_sheba = _checks(normalize_sheba)


def sheba_bank_code(value: Any) -> str:
    """The bank code of a Sheba: characters 5–7 (IR17 **017** … → ``"017"``, Melli)."""
    return normalize_sheba(value)[4:7]


def sheba_bank_name(value: Any) -> str:
    """The bank's Persian name when known, else ``""``."""
    return SHEBA_BANKS.get(sheba_bank_code(value), "")


# --- Mobile -----------------------------------------------------------------


def normalize_mobile(value: Any) -> str:
    """``09xxxxxxxxx`` from +989…, 00989…, 989…, 09… or 9… (operator prefixes are
    not checked: new ones appear)."""
    number = _compact(value)
    if number.startswith("+98"):
        number = number[3:]
    elif number.startswith("0098"):
        number = number[4:]
    elif number.startswith("98") and len(number) == 12:
        number = number[2:]
    elif number.startswith("0"):
        number = number[1:]
    if not number:
        raise ValidationError(_("شماره همراه را وارد کنید"), code="required")
    if not number.isascii() or not number.isdigit():
        raise ValidationError(_("شماره همراه فقط رقم دارد، مانند ۰۹۱۲۱۲۳۴۵۶۷"), code="invalid")
    if not number.startswith("9"):
        raise ValidationError(_("شماره همراه با ۰۹ شروع می‌شود، مانند ۰۹۱۲۱۲۳۴۵۶۷"), code="prefix")
    if len(number) != 10:
        raise ValidationError(
            _("شماره همراه ۱۱ رقم است (با ۰۹ اول آن)؛ %(count)s رقم وارد شده"),
            code="length",
            params={"count": _fa(len(number) + 1)},
        )
    return "0" + number


validate_mobile, is_valid_mobile = _checks(normalize_mobile)


# --- Postal code ------------------------------------------------------------


def normalize_postal_code(value: Any) -> str:
    """10 digits (no checksum)."""
    code = _compact(value)
    _require_digits(code, length=10, label=_("کد پستی"), example="۳۸۱۳۷۳۳۶۹۸")
    return code


validate_postal_code, is_valid_postal_code = _checks(normalize_postal_code)
