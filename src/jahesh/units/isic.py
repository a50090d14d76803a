"""ISIC Rev.4 (the UN's International Standard Industrial Classification,
revision 4): sections and the divisions that belong to them.

A code is kept as text (leading zeros matter: 0111 is "growing of cereals",
111 is nothing); 2 digits are a division, 3 a group, 4 a class. The section
letter is derived from the division (the first two digits), following the
structure table of ISIC Rev.4 (UN Statistics Division, ST/ESA/STAT/SER.M/4/Rev.4).
"""

from __future__ import annotations

import re

from django.utils.text import format_lazy
from django.utils.translation import pgettext_lazy

REVISION = "4"

# Section letter → (first division, last division, title; translated in the catalog
# under the context "ISIC section", as «آموزش» is "Education" here, not "Training").
SECTIONS: dict[str, tuple[int, int, str]] = {
    "A": (1, 3, pgettext_lazy("ISIC section", "کشاورزی، جنگلداری و ماهیگیری")),
    "B": (5, 9, pgettext_lazy("ISIC section", "معدن و استخراج")),
    "C": (10, 33, pgettext_lazy("ISIC section", "صنعت (ساخت)")),
    "D": (35, 35, pgettext_lazy("ISIC section", "برق، گاز، بخار و تهویه")),
    "E": (36, 39, pgettext_lazy("ISIC section", "آبرسانی، فاضلاب و مدیریت پسماند")),
    "F": (41, 43, pgettext_lazy("ISIC section", "ساختمان")),
    "G": (45, 47, pgettext_lazy("ISIC section", "عمده‌فروشی و خرده‌فروشی")),
    "H": (49, 53, pgettext_lazy("ISIC section", "حمل‌ونقل و انبارداری")),
    "I": (55, 56, pgettext_lazy("ISIC section", "اقامت و خدمات غذایی")),
    "J": (58, 63, pgettext_lazy("ISIC section", "اطلاعات و ارتباطات")),
    "K": (64, 66, pgettext_lazy("ISIC section", "مالی و بیمه")),
    "L": (68, 68, pgettext_lazy("ISIC section", "املاک و مستغلات")),
    "M": (69, 75, pgettext_lazy("ISIC section", "فعالیت‌های حرفه‌ای، علمی و فنی")),
    "N": (77, 82, pgettext_lazy("ISIC section", "فعالیت‌های اداری و خدمات پشتیبانی")),
    "O": (84, 84, pgettext_lazy("ISIC section", "اداره امور عمومی و دفاع")),
    "P": (85, 85, pgettext_lazy("ISIC section", "آموزش")),
    "Q": (86, 88, pgettext_lazy("ISIC section", "بهداشت و مددکاری اجتماعی")),
    "R": (90, 93, pgettext_lazy("ISIC section", "هنر، سرگرمی و تفریح")),
    "S": (94, 96, pgettext_lazy("ISIC section", "سایر فعالیت‌های خدماتی")),
    "T": (97, 98, pgettext_lazy("ISIC section", "فعالیت‌های خانوار به‌عنوان کارفرما")),
    "U": (99, 99, pgettext_lazy("ISIC section", "فعالیت‌های سازمان‌های برون‌مرزی")),
}

# Division numbers that ISIC Rev.4 leaves unused (4, 34, 40, 44, 48, 54, 57, 67, 76, 83, 89).
_UNUSED = {4, 34, 40, 44, 48, 54, 57, 67, 76, 83, 89}

SECTION_CHOICES = [
    (letter, format_lazy("{} — {}", letter, title)) for letter, (_a, _b, title) in SECTIONS.items()
]

_CODE = re.compile(r"^\d{2,4}$")


def section_of(division: int) -> str | None:
    if division in _UNUSED:
        return None
    for letter, (first, last, _title) in SECTIONS.items():
        if first <= division <= last:
            return letter
    return None


def split_code(code: str) -> tuple[str, str] | None:
    """(division, section) of a valid code, or None when the code is not ISIC Rev.4."""
    if not _CODE.match(code or ""):
        return None
    division = code[:2]
    section = section_of(int(division))
    return (division, section) if section else None
