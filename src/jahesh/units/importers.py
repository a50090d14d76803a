"""Import and export of units and visits through ``jahesh.core.tabular``.

One handler per kind serves the CLI (``jahesh import units FILE``), the web
upload (preview with ``dry_run``, then confirm) and ``POST /api/v1/units/import``.

Matching (so a second import of the same file creates nothing): a row is the
unit with its national ID, else the unit with its normalised name in its
county. Only units inside the importing user's scope are ever matched or
updated; a national ID that belongs to a unit outside it is refused without
saying whose it is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_update_with_history

from jahesh.accounts.scoping import scoped
from jahesh.core.digits import to_ascii_digits
from jahesh.core.models import IMPORTED_FROM
from jahesh.core.tabular import (
    Column,
    ImportReport,
    Outcome,
    Row,
    boolean,
    choice,
    decimal,
    integer,
    jalali_date,
    legal_id,
    mobile,
    money_rials,
    read_table,
    refuse_with,
    run_import,
    text,
)
from jahesh.core.text import normalize_key
from jahesh.geo.models import County
from jahesh.units import isic
from jahesh.units.bulk import units_create
from jahesh.units.models import SalesTrend, Sector, Unit, UnitStatus
from jahesh.units.selectors import unit_writable_counties
from jahesh.units.services import (
    UnitLookups,
    unit_build,
    unit_change_status,
    visit_create,
    visit_update,
)

Progress = Callable[[int, int | None], None]


# --- Cell parsers of this app ---------------------------------------------------


class isic_code:
    """An ISIC Rev.4 code (2–4 digits) kept as text.

    Excel drops the leading zero of a code typed into a number cell (0111 →
    111); the template asks for a four-digit class, so a three-digit *number*
    cell is read as a class that lost its zero. A three-digit *text* cell is
    kept as a group.
    """

    hint = gettext_lazy("کد ISIC ویرایش ۴، دو تا چهار رقم، مانند ۱۰۷۲ یا ۰۱۱۱")

    def __call__(self, value: Any) -> str:
        if type(value) in (int, float):
            code = str(int(value))
            if len(code) == 3:
                code = "0" + code
        else:
            code = to_ascii_digits(value).strip().replace(" ", "")
        if isic.split_code(code) is None:
            raise ValueError(
                _(
                    "کد آیسیک «%(value)s» معتبر نیست؛ ۲ تا ۴ رقم از ISIC ویرایش ۴ بنویسید (مانند ۱۰۷۲)."
                )
                % {"value": value}
            )
        return code


class county_in_scope:
    """A county named in Persian (any spelling, with or without «شهرستان») among
    the counties the user may put units in; any other county is refused."""

    hint = gettext_lazy("نام شهرستان، مانند اراک")

    def __init__(self, user: Any) -> None:
        self.allowed_ids = _writable_county_ids(user)
        self.cache: dict[Any, int] = {}

    def __call__(self, value: Any) -> int:
        found = self.cache.get(value)
        if found is not None:
            return found
        key = normalize_key(str(value)).removeprefix("شهرستان ").strip()
        qs = County.objects.filter(name_key=key, pk__in=self.allowed_ids)
        ids = list(qs.values_list("pk", flat=True)[:2])
        if not ids:
            raise ValueError(
                _("شهرستان «%(value)s» پیدا نشد یا در حوزهٔ کاری شما نیست.") % {"value": value}
            )
        if len(ids) > 1:
            raise ValueError(
                _("چند شهرستان با نام «%(value)s» هست؛ نام استان را در ستاد بپرسید.")
                % {"value": value}
            )
        self.cache[value] = ids[0]
        return ids[0]


def _writable_county_ids(user: Any) -> list[int]:
    return list(unit_writable_counties(user).values_list("pk", flat=True))


def _sector_choice() -> choice:
    return choice({s.value: (s.label, s.name.title()) for s in Sector})


def _status_choice() -> choice:
    aliases = {"نیمه فعال": UnitStatus.PARTIAL, "partially active": UnitStatus.PARTIAL}
    return choice({s.value: (s.label, s.name.title()) for s in UnitStatus}, aliases=aliases)


def unit_columns(user: Any | None = None) -> list[Column]:
    """The units table, in the template's order (issue 3)."""
    return [
        Column("name", "نام واحد", "Name", required=True, parse=text(max_length=200),
               example="شرکت می‌سازان اراک", aliases=("نام", "unit name")),
        Column("national_id", "شناسه ملی", "National ID", parse=legal_id(), example="10380284790",
               aliases=("national_id", "شناسه")),
        Column("county", "شهرستان", "County", parse=county_in_scope(user) if user else text(),
               example="اراک"),
        Column("sector", "بخش اقتصادی", "Sector", required=True, parse=_sector_choice(), example="صنعت",
               aliases=("بخش",)),
        Column("isic_code", "کد آیسیک", "ISIC", parse=isic_code(), example="1072",
               aliases=("isic", "آیسیک", "کد isic")),
        Column("employees", "تعداد کارکنان", "Employees", parse=integer(min=0, max=1_000_000), example=45,
               aliases=("کارکنان",)),
        Column("status", "وضعیت", "Status", parse=_status_choice(), example="فعال"),
        Column("founded_on", "تاریخ تأسیس", "Founded", parse=jalali_date(), example="1390/02/05",
               aliases=("founded",)),
        Column("owner_mobile", "تلفن همراه", "Mobile", parse=mobile(), example="09121234567",
               aliases=("mobile", "موبایل")),
        Column("address", "نشانی", "Address", parse=text(), example="اراک، شهرک صنعتی قطب", aliases=("آدرس",)),
    ]  # fmt: skip


# --- Units ---------------------------------------------------------------------


# The columns a row sets on its unit (the county and the name always) and the
# fields each derives.
_UNIT_COLUMNS = ("name", "national_id", "sector", "isic_code", "employees", "status", "founded_on",
                 "owner_mobile", "address")  # fmt: skip
_DERIVED = {"isic_code": ("isic_division", "isic_section"), "employees": ("size",)}


class _UnitBatch:
    """The batch handler of a units import (one instance per import)."""

    def __init__(self, *, user: Any, filename: str, now) -> None:
        self.user = user
        self.filename = filename
        self.now = now
        self.default_county = None
        writable = _writable_county_ids(user)
        if len(writable) == 1:
            self.default_county = writable[0]
        self.visible = scoped(user, Unit)
        self.counties = County.objects.in_bulk(writable)
        # unit_create's rules (unit_build), the database asked once: the county
        # column offers only the user's counties; a national ID already held is
        # not refused here, it matches its unit (``_match``: updated, or refused
        # when outside the user's scope), and the file has no code column.
        self.lookups = UnitLookups(
            writable=lambda county: county.pk in self.counties,
            nid_taken=lambda _value, _instance: False,
            code_taken=lambda _value, _instance: False,
        )

    def __call__(self, rows: list[Row]) -> list[Outcome]:
        """1. Parse-level rules and derived fields per row; 2. match the batch's
        rows against the database in two queries; 3. create, update or leave
        each unit (a row matching an earlier row of the file updates that unit);
        4. write in bulk with history; 5. move statuses through the workflow."""
        prepared = [(row, self._prepare(row)) for row in rows]
        matches = self._match([p[0] for _row, p in prepared if p is not None])
        outcomes: list[Outcome] = []
        new: list[Unit] = []
        changed: dict[int, Unit] = {}
        changed_fields: set[str] = set()
        status_moves: dict[int, tuple[Unit, str]] = {}
        for row, checked in prepared:
            if checked is None:
                outcomes.append(Outcome.REFUSED)
                continue
            values, built = checked
            nid = values.get("national_id")
            if nid and nid in matches["foreign"]:
                row.refuse(
                    _(
                        "این شناسه ملی برای واحدی بیرون از حوزهٔ کاری شما ثبت شده است؛ با ستاد استان هماهنگ کنید."
                    ),
                    key="national_id",
                )
                outcomes.append(Outcome.REFUSED)
                continue
            key = (values["county_id"], values["name_key"])
            unit = (matches["by_id"].get(nid) if nid else None) or matches["by_name"].get(key)
            if unit is not None and nid and unit.national_id and unit.national_id != nid:
                row.refuse(
                    _("واحدی با همین نام در این شهرستان با شناسهٔ ملی دیگری ثبت شده است."),
                    key="national_id",
                )
                outcomes.append(Outcome.REFUSED)
                continue
            if unit is None:
                unit = built
                new.append(unit)
                outcomes.append(Outcome.CREATED)
            else:
                fields, to_status = self._apply(unit, values)
                if unit.pk is not None and fields:
                    changed[id(unit)] = unit
                    changed_fields |= fields
                if unit.pk is not None and to_status:
                    status_moves[id(unit)] = (unit, to_status)
                outcomes.append(Outcome.UPDATED if fields or to_status else Outcome.UNCHANGED)
            # Later rows of the file match this unit too (created or updated).
            if unit.national_id:
                matches["by_id"][unit.national_id] = unit
            matches["by_name"][(unit.county_id, unit.name_key)] = unit
        user = self.user if self.user.pk else None
        reason = IMPORTED_FROM % {"file": self.filename}
        if new:
            units_create(new, user=user, reason=reason, now=self.now)
        if changed:
            bulk_update_with_history(
                list(changed.values()),
                Unit,
                sorted(changed_fields),
                batch_size=500,
                default_user=user,
                default_change_reason=reason,
            )
        for unit, to_status in status_moves.values():
            unit_change_status(unit=unit, to_status=to_status, reason=reason, user=self.user)
        return outcomes

    def _prepare(self, row: Row) -> tuple[dict[str, Any], Unit] | None:
        """The row checked by ``unit_build`` (unit_create's rules, one place for
        each): the fields the row gives, cleaned and with what they derive (the
        ones an update sets), and the unit a new row creates; None when refused
        (each problem reported in its column)."""
        v = row.values
        county_id = v.get("county") or self.default_county
        given = [name for name in _UNIT_COLUMNS if v.get(name) is not None]
        fields = {name: v[name] for name in given}
        fields["county"] = self.counties.get(county_id) if county_id else None
        try:
            unit = unit_build(user=self.user, now=self.now, lookups=self.lookups, **fields)
        except ValidationError as error:
            refuse_with(row, error)
            return None
        unit.province_id = unit.county.province_id  # as units_create places it
        values: dict[str, Any] = {
            "name": unit.name,
            "name_key": unit.name_key,
            "county_id": unit.county_id,
            "province_id": unit.province_id,
        }
        for name in given:
            values[name] = getattr(unit, name)
            for derived in _DERIVED.get(name, ()):
                values[derived] = getattr(unit, derived)
        return values, unit

    def _apply(self, unit: Unit, values: dict[str, Any]) -> tuple[set[str], str | None]:
        """Set ``values`` on ``unit``: (the fields that changed, the new status if it moves).

        A status change of a saved unit goes through the workflow (its history
        row and reason), not a plain field update."""
        fields: set[str] = set()
        to_status = None
        for name, value in values.items():
            if name == "status" and unit.pk is not None:
                if value != unit.status:
                    to_status = value
                continue
            if getattr(unit, name) != value:
                setattr(unit, name, value)
                fields.add(name)
        if fields and unit.pk is not None:
            fields.add("updated_at")
            unit.updated_at = self.now
        return fields, to_status

    def _match(self, prepared: list[dict]) -> dict[str, Any]:
        nids = {v["national_id"] for v in prepared if v.get("national_id")}
        keys = {(v["county_id"], v["name_key"]) for v in prepared}
        by_id: dict[str, Unit] = {}
        foreign: set[str] = set()
        if nids:
            visible_ids = set(
                self.visible.filter(national_id__in=nids).values_list("pk", flat=True)
            )
            for unit in Unit.objects.filter(national_id__in=nids):
                if unit.pk in visible_ids:
                    by_id[unit.national_id] = unit
                else:
                    foreign.add(unit.national_id)
        by_name: dict[tuple[int, str], Unit] = {}
        if keys:
            names = {k for _c, k in keys}
            counties = {c for c, _k in keys}
            for unit in self.visible.filter(county_id__in=counties, name_key__in=names).order_by(
                "id"
            ):
                by_name.setdefault((unit.county_id, unit.name_key), unit)
        return {"by_id": by_id, "foreign": foreign, "by_name": by_name}


def import_units(
    file: Any,
    filename: str,
    dry_run: bool = False,
    progress: Progress | None = None,
    user: Any = None,
) -> ImportReport:
    """Import units from an XLSX/CSV ``file``; see the module docstring."""
    reader = read_table(file, filename=filename, columns=unit_columns(user))
    handler = _UnitBatch(user=user, filename=filename, now=timezone.now())
    return run_import(reader, handle_batch=handler, dry_run=dry_run, progress=progress)


# --- Visits ---------------------------------------------------------------------


def visit_columns(user: Any | None = None) -> list[Column]:
    return [
        Column("national_id", "شناسه ملی", "National ID", parse=legal_id(), example="10380284790"),
        Column("unit_name", "نام واحد", "Unit name", parse=text(max_length=200), example="شرکت می‌سازان اراک"),
        Column("county", "شهرستان", "County", parse=county_in_scope(user) if user else text(), example="اراک"),
        Column("visited_on", "تاریخ بازدید", "Visit date", required=True, parse=jalali_date(),
               example="1404/07/09"),
        Column("visitor_name", "بازدیدکننده", "Visitor", parse=text(max_length=200)),
        Column("capacity_utilization", "ظرفیت به‌کارگرفته (٪)", "Capacity utilisation %",
               parse=integer(min=0, max=100), example=45, aliases=("ظرفیت", "capacity")),
        Column("employees_now", "کارکنان فعلی", "Employees now", parse=integer(min=0, max=1_000_000)),
        Column("unpaid_wage_months", "ماه‌های حقوق معوق", "Unpaid wage months", parse=integer(min=0, max=120)),
        Column("bank_arrears_rial", "معوقات بانکی (ریال)", "Bank arrears (rial)", parse=money_rials()),
        Column("tax_debt_rial", "بدهی مالیاتی (ریال)", "Tax debt (rial)", parse=money_rials()),
        Column("social_security_debt_rial", "بدهی تأمین اجتماعی (ریال)", "Social security debt (rial)",
               parse=money_rials()),
        Column("utility_debt_rial", "بدهی آب، برق و گاز (ریال)", "Utility debt (rial)", parse=money_rials()),
        Column("utility_cutoff_notice", "اخطار قطع انشعاب", "Cut-off notice", parse=boolean()),
        Column("raw_material_days", "موجودی مواد اولیه (روز)", "Raw material days", parse=integer(min=0, max=3650)),
        Column("order_book_months", "سفارش‌های در دست (ماه)", "Order book months",
               parse=decimal(min=0, max=999, places=1)),
        Column("sales_trend", "روند فروش", "Sales trend",
               parse=choice({s.value: (s.label, s.name.title()) for s in SalesTrend},
                            aliases={"افزایش": "up", "کاهش": "down", "ثابت": "flat"})),
        Column("owner_issue", "بیماری یا اختلاف مالکان", "Owner illness or dispute", parse=boolean()),
        Column("court_cases", "پرونده‌های قضایی", "Court cases", parse=integer(min=0, max=1000)),
        Column("notes", "یادداشت", "Notes", parse=text()),
    ]  # fmt: skip


_VISIT_VALUE_FIELDS = (
    "visitor_name", "capacity_utilization", "employees_now", "unpaid_wage_months", "bank_arrears_rial",
    "tax_debt_rial", "social_security_debt_rial", "utility_debt_rial", "utility_cutoff_notice",
    "raw_material_days", "order_book_months", "sales_trend", "owner_issue", "court_cases", "notes",
)  # fmt: skip


def _visit_handler(user: Any) -> Callable[[Row], Outcome]:
    visible = scoped(user, Unit)

    def handle(row: Row) -> Outcome:
        v = row.values
        unit = _find_unit(visible, v, row)
        if unit is None:
            return Outcome.REFUSED
        fields = {k: v[k] for k in _VISIT_VALUE_FIELDS if v.get(k) is not None}
        existing = unit.visits.filter(visited_on=v["visited_on"]).order_by("id").first()
        if existing is None:
            visit_create(unit=unit, user=user, visited_on=v["visited_on"], **fields)
            return Outcome.CREATED
        if all(getattr(existing, k) == val for k, val in fields.items()):
            return Outcome.UNCHANGED
        visit_update(visit=existing, user=user, **fields)
        return Outcome.UPDATED

    return handle


def _find_unit(visible, values: dict, row: Row) -> Unit | None:
    nid = values.get("national_id")
    if nid:
        unit = visible.filter(national_id=nid).first()
        if unit is None:
            row.refuse(
                _("واحدی با این شناسهٔ ملی در حوزهٔ کاری شما ثبت نشده است."), key="national_id"
            )
        return unit
    name = values.get("unit_name")
    if not name:
        row.refuse(_("شناسهٔ ملی یا نام واحد را بنویسید."), key="unit_name")
        return None
    qs = visible.filter(name_key=normalize_key(name))
    if values.get("county"):
        qs = qs.filter(county_id=values["county"])
    found = list(qs[:2])
    if len(found) != 1:
        row.refuse(
            _("واحدی با این نام در حوزهٔ کاری شما پیدا نشد.")
            if not found
            else _("چند واحد با این نام هست؛ شهرستان یا شناسهٔ ملی را هم بنویسید."),
            key="unit_name",
        )
        return None
    return found[0]


def import_visits(
    file: Any,
    filename: str,
    dry_run: bool = False,
    progress: Progress | None = None,
    user: Any = None,
) -> ImportReport:
    """Import monitoring visits (one per unit and date: a second import updates)."""
    reader = read_table(file, filename=filename, columns=visit_columns(user))
    return run_import(
        reader, handle_row=_visit_handler(user), dry_run=dry_run, progress=progress, batch_size=200
    )


# --- Export ---------------------------------------------------------------------


def export_rows(units: Iterable[Unit]) -> Iterable[dict[str, Any]]:
    """Rows for ``write_xlsx(export_columns(), …)``: a unit list as its users read it."""
    for u in units:
        yield {
            "name": u.name, "national_id": u.national_id, "county": u.county.name,
            "sector": u.sector, "isic_code": u.isic_code, "employees": u.employees, "status": u.status,
            "founded_on": u.founded_on, "owner_mobile": u.owner_mobile, "address": u.address,
            "risk_score": u.risk_score, "risk_level": u.get_risk_level_display() if u.risk_level else "",
            "last_visit_on": u.last_visit_on,
        }  # fmt: skip


def export_columns() -> list[Column]:
    """The template's columns (so an export imports back) plus the risk and last visit."""
    return [
        *unit_columns(None),
        Column("risk_score", "امتیاز ریسک", "Risk score", parse=integer()),
        Column("risk_level", "سطح ریسک", "Risk level"),
        Column("last_visit_on", "آخرین بازدید", "Last visit", parse=jalali_date()),
    ]
