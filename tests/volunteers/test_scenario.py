from __future__ import annotations

from datetime import date

from jahesh.accounts.scoping import Area
from jahesh.core.jalali import last_jalali_years
from jahesh.demo.registry import ScenarioContext
from jahesh.reports.kpis import kpi_value
from jahesh.volunteers import scenario
from jahesh.volunteers.models import Camp, Membership, RosterEntry, Volunteer

AS_OF = date(2025, 10, 26)


def _run(ctx):
    scenario.build_part(ctx, active=600, left=40, groups=12, camps=20)


def test_it_makes_exactly_the_active_volunteers_counted_once_and_is_idempotent(geo):
    ctx = ScenarioContext(name="markazi", as_of=AS_OF, log=lambda _m: None)
    _run(ctx)
    start, end = last_jalali_years(AS_OF, 5)
    area = Area(province_id=geo["markazi"].pk)
    assert kpi_value("volunteers", area=area, start=start, end=end) == 600
    assert Volunteer.objects.count() == 640
    # Some people are in two groups, and are still one volunteer each
    assert Membership.objects.count() > 640
    assert kpi_value("volunteer_hours", area=area, start=start, end=end) > 0
    # Every camp and its hours lie at least 7 days inside the window
    dates = [(c.start_date, c.end_date) for c in Camp.objects.all()]
    assert all((a - start).days >= 7 and (end - b).days >= 7 for a, b in dates)
    assert ctx.shared["camp_ids"] and ctx.shared["volunteer_group_ids"]
    # A second run changes nothing and publishes the same ids
    rows = (Volunteer.objects.count(), RosterEntry.objects.count(), Camp.objects.count())
    ctx2 = ScenarioContext(name="markazi", as_of=AS_OF, log=lambda _m: None)
    _run(ctx2)
    assert (Volunteer.objects.count(), RosterEntry.objects.count(), Camp.objects.count()) == rows
    assert ctx2.shared["camp_ids"] == ctx.shared["camp_ids"]
