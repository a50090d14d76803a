"""ISIC Rev.4 (the UN's International Standard Industrial Classification,
revision 4): sections and the divisions that belong to them.

A code is kept as text (leading zeros matter: 0111 is "growing of cereals",
111 is nothing); 2 digits are a division, 3 a group, 4 a class. The section
letter is derived from the division (the first two digits), following the
structure table of ISIC Rev.4 (UN Statistics Division, ST/ESA/STAT/SER.M/4/Rev.4).
"""

from __future__ import annotations

import re

REVISION = "4"

# Section letter → (first division, last division, Persian title).
SECTIONS: dict[str, tuple[int, int, str]] = {
    "A": (1, 3, "کشاورزی، جنگلداری و ماهیگیری"),
    "B": (5, 9, "معدن و استخراج"),
    "C": (10, 33, "صنعت (ساخت)"),
    "D": (35, 35, "برق، گاز، بخار و تهویه"),
    "E": (36, 39, "آبرسانی، فاضلاب و مدیریت پسماند"),
    "F": (41, 43, "ساختمان"),
    "G": (45, 47, "عمده‌فروشی و خرده‌فروشی"),
    "H": (49, 53, "حمل‌ونقل و انبارداری"),
    "I": (55, 56, "اقامت و خدمات غذایی"),
    "J": (58, 63, "اطلاعات و ارتباطات"),
    "K": (64, 66, "مالی و بیمه"),
    "L": (68, 68, "املاک و مستغلات"),
    "M": (69, 75, "فعالیت‌های حرفه‌ای، علمی و فنی"),
    "N": (77, 82, "فعالیت‌های اداری و خدمات پشتیبانی"),
    "O": (84, 84, "اداره امور عمومی و دفاع"),
    "P": (85, 85, "آموزش"),
    "Q": (86, 88, "بهداشت و مددکاری اجتماعی"),
    "R": (90, 93, "هنر، سرگرمی و تفریح"),
    "S": (94, 96, "سایر فعالیت‌های خدماتی"),
    "T": (97, 98, "فعالیت‌های خانوار به‌عنوان کارفرما"),
    "U": (99, 99, "فعالیت‌های سازمان‌های برون‌مرزی"),
}

# Division numbers that ISIC Rev.4 leaves unused (4, 34, 40, 44, 48, 54, 57, 67, 76, 83, 89).
_UNUSED = {4, 34, 40, 44, 48, 54, 57, 67, 76, 83, 89}

SECTION_CHOICES = [(letter, f"{letter} — {title}") for letter, (_a, _b, title) in SECTIONS.items()]

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
