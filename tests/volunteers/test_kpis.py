from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone

from jahesh.accounts.scoping import Area
from jahesh.reports.figures import kpi_value
from jahesh.volunteers.models import Camp, RosterEntry, Volunteer, VolunteerStatusEvent
from jahesh.volunteers.selectors import kpi_volunteer_hours_records, kpi_volunteers_daily
from jahesh.volunteers.services import RosterRow, roster_save

from ..conftest import ARAK, MARKAZI
from .conftest import make_volunteer

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


def test_volunteer_day_steps_add_up_to_the_people_active_on_every_day(geo):
    """``kpi_volunteers_daily`` (one statement) summed up to any day gives, per
    county, the volunteers active that day counted by hand from the raw rows:
    the latest event by then decides (two on one day: the later recorded);
    before any, registered and not inactive since."""
    D = date
    people = [
        (geo["arak"], D(2024, 1, 10), None, []),
        (geo["arak"], D(2024, 1, 10), D(2024, 2, 1), []),  # inactive since, no events
        (geo["arak"], D(2024, 1, 5), None, [(D(2024, 1, 20), "inactive"), (D(2024, 1, 20), "active")]),
        (geo["saveh"], D(2024, 1, 15), D(2024, 1, 20), [(D(2024, 1, 25), "active")]),
        (geo["saveh"], D(2024, 2, 1), None, [(D(2024, 1, 1), "inactive"), (D(2024, 2, 1), "active"),
                                             (D(2024, 2, 10), "inactive"), (D(2024, 2, 10), "inactive"),
                                             (D(2024, 3, 1), "active")]),
        (geo["tehran_county"], D(2024, 1, 15), None, [(D(2024, 1, 15), "inactive")]),
    ]  # fmt: skip
    made = []
    for n, (county, registered, inactive, events) in enumerate(people, start=10):
        status = Volunteer.Status.INACTIVE if inactive else Volunteer.Status.ACTIVE
        v = make_volunteer(
            n, county, registered_on=registered, inactive_since=inactive, status=status
        )
        for day, status in events:
            VolunteerStatusEvent.objects.create(volunteer=v, to_status=status, effective_on=day,
                                                at=timezone.now())  # fmt: skip
        made.append((county.pk, registered, inactive, events))

    def active(registered, inactive, events, day):
        before = [status for on, status in events if on <= day]  # in the order recorded
        if before:
            return before[-1] == "active"
        return registered <= day and (inactive is None or inactive > day)

    steps = kpi_volunteers_daily(area=Area())
    assert kpi_volunteers_daily(area=Area(county_id=ARAK, province_id=MARKAZI)) == {
        key: v for key, v in steps.items() if key[0] == ARAK
    }
    day, seen = D(2023, 12, 25), set()
    while day < D(2024, 3, 10):
        want = {c: sum(active(*rest, day) for county, *rest in made if county == c)
                for c, *_rest in made}  # fmt: skip
        got = {c: sum(v for (county, d), v in steps.items() if county == c and d <= day)
               for c in want}  # fmt: skip
        assert got == want, day
        seen.add(tuple(want.values()))
        day += timedelta(days=1)
    assert len(seen) > 5
