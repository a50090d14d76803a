from __future__ import annotations

from datetime import date, datetime

from jahesh.accounts.scoping import Area
from jahesh.reports.figures import kpi_value
from jahesh.volunteers.models import Camp, RosterEntry
from jahesh.volunteers.selectors import kpi_volunteer_hours_records
from jahesh.volunteers.services import RosterRow, roster_save

NOW = datetime(2024, 6, 1, 9, 0).astimezone()


def test_it_counts_approved_hours_of_camps_started_in_the_period(users, geo, vols, camp, skills):
    # The Arak camp starts 1 May 2024; a second camp in Saveh starts 1 Jan 2025
    later = Camp.objects.create(
        title="اردوی ساوه",
        purpose="general",
        county=geo["saveh"],
        village_id=2,
        start_date=date(2025, 1, 1),
        end_date=date(2025, 1, 3),
    )
    roster_save(
        actor=users["coordinator"],
        camp=camp,
        now=NOW,
        rows=[
            RosterRow(vols["arak"].national_code, skills["builder"].pk, "7.5"),
            RosterRow(vols["saveh"].national_code, skills["builder"].pk, 8),
        ],
    )
    roster_save(
        actor=users["coordinator"],
        camp=later,
        now=NOW,
        rows=[
            RosterRow(vols["saveh"].national_code, None, 10),
        ],
    )
    roster_save(
        actor=users["coordinator"],
        camp=later,
        now=NOW,
        source="volunteer",
        rows=[
            RosterRow(vols["arak"].national_code, None, 99),  # pending: not counted
        ],
    )
    markazi = Area(province_id=geo["markazi"].pk)
    assert (
        kpi_value("volunteer_hours", area=markazi, start=date(2024, 1, 1), end=date(2026, 1, 1))
        == 26
    )  # 25.5 → 26
    assert (
        kpi_value("volunteer_hours", area=markazi, start=date(2024, 1, 1), end=date(2025, 1, 1))
        == 16
    )  # 15.5 → 16
    assert (
        kpi_value(
            "volunteer_hours",
            area=Area(county_id=geo["saveh"].pk),
            start=date(2024, 1, 1),
            end=date(2026, 1, 1),
        )
        == 10
    )
    records = kpi_volunteer_hours_records(
        area=markazi, start=date(2025, 1, 1), end=date(2026, 1, 1)
    )
    assert [(r.camp_id, r.hours) for r in records] == [(later.pk, 10)]
    assert RosterEntry.objects.filter(status="logged").count() == 1
    assert (
        kpi_value(
            "volunteer_hours",
            area=Area(province_id=geo["tehran"].pk),
            start=date(2024, 1, 1),
            end=date(2026, 1, 1),
        )
        == 0
    )
