"""Importing monitoring visits: one per unit and date, so a second import updates."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook

from jahesh.units.importers import import_visits
from jahesh.units.models import Visit

HEADERS = ["شناسه ملی", "نام واحد", "شهرستان", "تاریخ بازدید", "ظرفیت", "ماه‌های حقوق معوق",
           "بدهی تأمین اجتماعی (ریال)", "روند فروش", "اخطار قطع انشعاب"]  # fmt: skip


def _xlsx(rows) -> bytes:
    book = Workbook()
    book.active.append(HEADERS)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


ROWS = [
    ["۱۰۳۸۰۲۸۴۷۹۰", None, None, "۱۴۰۴/۰۷/۰۹", "۲۰", 4, "1,500,000,000", "کاهش", "بله"],  # 2: by national ID
    [None, None, None, None, None, None, None, None, None],  # 3: blank
    [None, "  گلخانه اميد ", "اراک", "1404-06-01", 80, 0, None, "Up", "خیر"],  # 4: by name in the county
    [None, None, None, "1404/06/01", 50, None, None, None, None],  # 5: no unit given
    [None, "کارخانه قند ساوه", "ساوه", "1404/06/01", 50, None, None, None, None],  # 6: Saveh, out of scope
    ["10380284790", None, None, "1405/01/01", 50, None, None, None, None],  # 7: in the future
    ["10380284790", None, None, "1404/05/01", 130, None, None, None, None],  # 8: capacity over 100 %
]  # fmt: skip


def test_it_imports_visits_reports_row_errors_and_updates_on_the_second_run(users, geo, make_unit):
    steel = make_unit(name="شرکت فولاد", national_id="10380284790", employees=40)
    greenhouse = make_unit(name="گلخانه امید", sector="agriculture")
    make_unit(name="کارخانه قند ساوه", county=geo["saveh"])
    report = import_visits(_xlsx(ROWS), "visits.xlsx", user=users["arak"])
    assert (
        report.created,
        report.updated,
        report.unchanged,
        report.refused,
        report.skipped_blank,
    ) == (2, 0, 0, 4, 1)
    assert [(e.row, e.column) for e in report.errors] == [
        (5, "نام واحد"),
        (6, "شهرستان"),
        (7, "تاریخ بازدید"),
        (8, "ظرفیت"),
    ]
    assert report.errors[0].message == "شناسهٔ ملی یا نام واحد را بنویسید."
    visit = Visit.objects.get(unit=steel)
    assert (
        visit.visited_on,
        visit.capacity_utilization,
        visit.unpaid_wage_months,
        visit.social_security_debt_rial,
        visit.sales_trend,
        visit.utility_cutoff_notice,
    ) == (date(2025, 10, 1), 20, 4, 1_500_000_000, "down", True)
    steel.refresh_from_db()
    assert steel.risk_level == "watch" and steel.last_visit_on == date(2025, 10, 1)
    assert Visit.objects.get(unit=greenhouse).sales_trend == "up"
    again = import_visits(_xlsx(ROWS), "visits.xlsx", user=users["arak"])
    assert (again.created, again.updated, again.unchanged, again.refused) == (0, 0, 2, 4)
    changed = [list(r) for r in ROWS]
    changed[0][4] = "۶۰"
    third = import_visits(_xlsx(changed), "visits.xlsx", user=users["arak"])
    assert (third.created, third.updated, third.unchanged) == (0, 1, 1)
    assert Visit.objects.get(unit=steel).capacity_utilization == 60
    assert Visit.objects.count() == 2
