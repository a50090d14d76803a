"""Direct services from a spreadsheet (XLSX or CSV), through ``jahesh.core.tabular``.

One row is one service: kind, date, county and optionally a village or city
(by name, within the county), quantity and unit value, head-counts by sex and
age group, and optionally the national codes of the people served (separated
by «،», «,», spaces or new lines). A row identical to a service already
recorded (same kind, date, place, quantity, unit value and note) is left
unchanged, so importing a file twice records it once.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_lazy as _

from jahesh.core.errors import InvalidInput
from jahesh.core.identifiers import normalize_national_code
from jahesh.core.tabular import (
    Column,
    ImportReport,
    Outcome,
    Row,
    choice,
    integer,
    jalali_date,
    money_rials,
    read_table,
    run_import,
    text,
)
from jahesh.core.text import normalize_key
from jahesh.geo.models import City, Village
from jahesh.projects import selectors, services
from jahesh.projects.models import DirectService

_COUNT = integer(min=0, max=1_000_000)

COLUMNS = [
    Column(
        "kind",
        "نوع خدمت",
        "Kind",
        required=True,
        parse=choice(DirectService.Kind.choices),
        example="ویزیت پزشکی",
    ),
    Column(
        "delivered_on",
        "تاریخ ارائه",
        "Date",
        required=True,
        parse=jalali_date(),
        example="۱۴۰۳/۰۵/۱۲",
    ),
    Column(
        "county", "شهرستان", "County", required=True, parse=text(max_length=200), example="اراک"
    ),
    Column(
        "village",
        "روستا",
        "Village",
        parse=text(max_length=200),
        help=_("نام روستا در همان شهرستان؛ یا روستا یا شهر"),
    ),
    Column("city", "شهر", "City", parse=text(max_length=200)),
    Column(
        "quantity",
        "تعداد",
        "Quantity",
        required=True,
        parse=integer(min=1, max=10_000_000),
        example=120,
    ),
    Column(
        "unit_value_rial",
        "ارزش واحد (ریال)",
        "Unit value (rials)",
        required=True,
        parse=money_rials(min=0),
        example=2_500_000,
    ),
    Column("male_children", "پسر زیر ۱۸", "Boys", parse=_COUNT),
    Column("male_adults", "مرد ۱۸ تا ۵۹", "Men", parse=_COUNT),
    Column("male_elderly", "مرد ۶۰ به بالا", "Elderly men", parse=_COUNT),
    Column("female_children", "دختر زیر ۱۸", "Girls", parse=_COUNT),
    Column("female_adults", "زن ۱۸ تا ۵۹", "Women", parse=_COUNT),
    Column("female_elderly", "زن ۶۰ به بالا", "Elderly women", parse=_COUNT),
    Column(
        "national_codes",
        "کد ملی بهره‌مندان",
        "National codes",
        parse=text(),
        help=_("اختیاری؛ چند کد ملی با «،» یا فاصله جدا شوند"),
    ),
    Column("note", "توضیح", "Note", parse=text(max_length=300)),
]

_SPLIT = re.compile(r"[\s,،;؛]+")


class _Places:
    """Counties the user records in, and their villages/cities, by normalised name."""

    def __init__(self, user) -> None:
        self.counties = {c.name_key: c for c in selectors.counties_for(user)}
        self.cache: dict[tuple[str, int, str], list[Any]] = {}

    def county(self, row: Row) -> Any:
        name = row.values.get("county") or ""
        county = self.counties.get(normalize_key(name))
        if county is None:
            raise InvalidInput(
                _("شهرستان «%(name)s» پیدا نشد یا در حوزهٔ دسترسی شما نیست.") % {"name": name},
                field="county",
            )
        return county

    def place(self, row: Row, county, kind: str) -> Any:

        name = row.values.get(kind)
        if not name:
            return None
        key = (kind, county.pk, normalize_key(name))
        if key not in self.cache:
            model = Village if kind == "village" else City
            self.cache[key] = list(model.objects.filter(county=county, name_key=key[2])[:2])
        found = self.cache[key]
        label = _("روستای") if kind == "village" else _("شهر")
        if not found:
            raise InvalidInput(
                _("%(label)s «%(name)s» در شهرستان «%(county)s» پیدا نشد.")
                % {"label": label, "name": name, "county": county.name},
                field=kind,
            )
        if len(found) > 1:
            raise InvalidInput(
                _(
                    "چند %(label)s با نام «%(name)s» در شهرستان «%(county)s» هست؛ در ستون «توضیح» "
                    "دهستان را بنویسید و خدمت را از فرم ثبت کنید."
                )
                % {"label": label, "name": name, "county": county.name},
                field=kind,
            )
        return found[0]


def _codes(value: str | None) -> list[str]:
    return [c for c in _SPLIT.split(value or "") if c]


def import_services(
    file: Any, *, filename: str, user, dry_run: bool = False, progress=None
) -> ImportReport:
    """Read ``file`` and record one direct service per good row.

    Raises InvalidInput (Persian) when the file itself is unusable."""

    places = _Places(user)

    def handle_row(row: Row) -> Outcome:
        v = row.values
        county = places.county(row)
        village = places.place(row, county, "village")
        city = places.place(row, county, "city")
        people = []
        for code in _codes(v.get("national_codes")):
            try:
                people.append(normalize_national_code(code, pad_leading_zeros=True))
            except Exception as exc:  # ValidationError with a Persian message
                message = getattr(exc, "messages", [str(exc)])[0]
                raise InvalidInput(f"«{code}»: {message}", field="national_codes") from None
        counts = {f: v.get(f) or 0 for f in DirectService.BENEFICIARY_FIELDS}
        same = DirectService.objects.filter(
            kind=v["kind"],
            delivered_on=v["delivered_on"],
            county=county,
            village=village,
            city=city,
            quantity=v["quantity"],
            unit_value_rial=v["unit_value_rial"],
            note=v.get("note") or "",
            **counts,
        )
        if same.exists():
            return Outcome.UNCHANGED
        services.service_create(
            user=user,
            kind=v["kind"],
            delivered_on=v["delivered_on"],
            quantity=v["quantity"],
            unit_value_rial=v["unit_value_rial"],
            county=county,
            village=village,
            city=city,
            counts=counts,
            people=people,
            note=v.get("note") or "",
        )
        return Outcome.CREATED

    reader = read_table(file, filename=filename, columns=COLUMNS)
    return run_import(reader, handle_row=handle_row, dry_run=dry_run, progress=progress)


def import_services_command(file, filename, dry_run, progress, user) -> ImportReport:
    """The ``jahesh import services FILE`` entry (``IMPORTERS`` calling convention)."""
    return import_services(file, filename=filename, user=user, dry_run=dry_run, progress=progress)
