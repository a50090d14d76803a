from __future__ import annotations

from datetime import date

from jahesh.accounts.scoping import Area
from jahesh.core.jalali import last_jalali_years
from jahesh.demo.registry import ScenarioContext
from jahesh.reports.figures import kpi_value
from jahesh.volunteers import scenario
from jahesh.volunteers.models import Camp, Group, Membership, RosterEntry, Volunteer

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


def test_it_names_every_demo_group_and_camp_in_persian_digits(geo):
    # Groups are drawn from a handful of words per county, so with many groups the
    # names repeat and get a number: that number is Persian («… اراک ۲», not «2»).
    ctx = ScenarioContext(name="markazi", as_of=AS_OF, log=lambda _m: None)
    scenario.build_part(ctx, active=300, left=0, groups=40, camps=5)
    names = list(Group.objects.values_list("name", flat=True))
    names += list(Camp.objects.values_list("title", flat=True))
    numbered = [n for n in Group.objects.values_list("name", flat=True) if n[-1] in "۰۱۲۳۴۵۶۷۸۹"]
    assert numbered  # the repeat case happened
    assert not [n for n in names if any(ch in "0123456789" for ch in n)]
