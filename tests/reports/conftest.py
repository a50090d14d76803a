"""A small hand-built world in which every KPI has a known value.

The period is the Jalali year 1403: [2024-03-20, 2025-03-21). Records just
outside it, in Tehran (another province) and in states that do not count are
there on purpose; ``EXPECTED`` says, for Markazi, Arak and the country, what
each figure must be, and why, record by record.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from jahesh.accounts.scoping import Area
from jahesh.core.text import normalize_key
from jahesh.reports.periods import Period

D = datetime.date
P1403 = Period(D(2024, 3, 20), D(2025, 3, 21))

# Markazi (Arak + Saveh) in 1403.
MARKAZI_1403 = {
    "units_monitored": 3,  # u1, u2, u3 visited in the year (u4 is in Tehran)
    "units_high_risk": 2,  # u1 (latest high), u3 (high); u2's latest visit is low
    "cases_opened": 3,  # c1, c2, c4 (c3 opened before, c6 before)
    "cases_resolved": 3,  # c1, c2, c3 (c6 resolved before the year)
    "closures_prevented": 2,  # units u1 (c1, c2) and u3 (c3)
    "jobs_preserved": 78,  # u1's latest such case (c2: 48) + u3 (c3: 30)
    "resolutions_passed": 3,  # r1, r2, r4 (r3 passed before)
    "resolutions_executed_pct": 67,  # due in the year: r1 done, r2 open, r3 done → 2/3
    "funds_active": 2,  # f1, f3 (f2 closed before the year's end)
    "loans_disbursed": 3,  # l1, l2, l3 (l4 before the year)
    "loans_disbursed_rial": 180_000_000,
    "jobs_created": 3,  # l1's latest visit before the end (3); l3's visit is after it
    "par30": 5556,  # l1 (100M) over 30 days late of 180M outstanding → 55.56%
    "volunteers": 2,  # v1, v3 (v2 inactive, v4 registered after the year)
    "volunteer_hours": 15,  # approved 10.5 + 4.0 = 14.5 → 15 (half up)
    "projects_completed": 2,  # p1, p2
    "projects_value_rial": 1_700_000_000,  # p1 1.5bn (cash + in kind) + p2 0.2bn
    "services_value_rial": 420_000_000,  # s1 300M + s2 120M
    "services_beneficiaries": 3,  # A, B, C (A served twice)
}
ARAK_1403 = {
    **MARKAZI_1403,
    "units_monitored": 2, "units_high_risk": 1, "cases_opened": 3, "cases_resolved": 2,
    "closures_prevented": 1, "jobs_preserved": 48, "funds_active": 1, "loans_disbursed": 2,
    "loans_disbursed_rial": 150_000_000, "jobs_created": 3, "par30": 6667, "volunteers": 1,
    "volunteer_hours": 15, "projects_completed": 1, "projects_value_rial": 1_500_000_000,
    "services_value_rial": 300_000_000, "services_beneficiaries": 2,
}  # fmt: skip
COUNTRY_1403 = {
    **MARKAZI_1403,
    "units_monitored": 4, "units_high_risk": 3, "cases_opened": 4, "cases_resolved": 4,
    "closures_prevented": 3, "jobs_preserved": 88, "resolutions_passed": 4,
    "resolutions_executed_pct": 75, "funds_active": 3, "loans_disbursed": 4,
    "loans_disbursed_rial": 220_000_000, "jobs_created": 4, "par30": 4545, "volunteers": 3,
    "projects_completed": 3, "projects_value_rial": 1_700_000_007,
    "services_value_rial": 420_000_009, "services_beneficiaries": 4,
}  # fmt: skip
BESIDE_MARKAZI = {"jobs_planned_unverified": 5}  # l2 (4) + l3 (1)


def _units(geo):
    from jahesh.units.models import RiskAssessment, Unit, Visit

    def unit(name, county, employees, status="active"):
        return Unit.objects.create(
            name=name, name_key=normalize_key(name), county=county, sector="industry",
            employees=employees, status=status,
        )  # fmt: skip

    def visit(u, on, level):
        v = Visit.objects.create(unit=u, visited_on=on)
        RiskAssessment.objects.create(
            unit=u, visit=v, assessed_on=on, score=80 if level == "high" else 10,
            level=level, status=u.status,
        )  # fmt: skip

    u1 = unit("ریخته‌گری اراک", geo["arak"], 50)
    u2 = unit("نساجی اراک", geo["arak"], 20)
    u3 = unit("لبنیات ساوه", geo["saveh"], 30)
    u4 = unit("کارخانهٔ تهران", geo["tehran_county"], 10)
    visit(u1, D(2024, 5, 1), "high")
    visit(u1, D(2024, 9, 1), "high")
    visit(u2, D(2024, 6, 1), "high")
    visit(u2, D(2024, 10, 1), "low")
    visit(u2, D(2025, 4, 1), "high")  # after the year
    visit(u3, D(2023, 5, 1), "low")  # before the year
    visit(u3, D(2024, 7, 1), "high")
    visit(u4, D(2024, 7, 1), "high")
    Unit.objects.filter(pk__in=[u1.pk, u3.pk]).update(risk_level="high", risk_score=80)
    return {"u1": u1, "u2": u2, "u3": u3, "u4": u4}


def _clinic(geo, units):
    from jahesh.clinic.models import (
        Agency,
        Case,
        ObstacleCategory,
        Resolution,
        Session,
        WorkingGroup,
    )
    from jahesh.clinic.taxonomy import taxonomy_load

    taxonomy_load()
    category = ObstacleCategory.objects.get(code="finance.bank_arrears")
    agency = Agency.objects.get(code="banks")

    def case(u, opened, resolved=None, jobs=None, status=None):
        at = timezone.make_aware(datetime.datetime.combine(opened, datetime.time(10)))
        place = {}
        fields = {f.name for f in Case._meta.get_fields()}
        if "county" in fields:  # kept on the case row (scoping and figures by place)
            place["county_id"] = u.county_id
        if "province" in fields:
            place["province_id"] = u.county.province_id
        return Case.objects.create(
            **place,
            unit=u, category=category, taxonomy_version="1", severity=2, title=f"مانع {u.name}",
            source="visit", opened_at=at, opened_on=opened,
            due_at=at + datetime.timedelta(days=30),
            status=status or ("resolved" if resolved else "in_progress"), resolved_on=resolved,
            outcome="closure_prevented" if resolved else "",
            outcome_note="صورت‌جلسه" if resolved else "", jobs_preserved=jobs,
            unit_status_at_open="stalled",
        )  # fmt: skip

    cases = {
        "c1": case(units["u1"], D(2024, 4, 10), D(2024, 8, 10), 50),
        "c2": case(units["u1"], D(2024, 5, 10), D(2024, 11, 10), 48),
        "c3": case(units["u3"], D(2023, 12, 1), D(2024, 6, 1), 30),
        "c4": case(units["u2"], D(2024, 7, 1)),
        "c5": case(units["u4"], D(2024, 7, 1), D(2024, 9, 1), 10),
        "c6": case(units["u2"], D(2024, 2, 1), D(2024, 3, 1), 20),
    }

    def resolution(group, n, passed, due, status):
        session, _created = Session.objects.get_or_create(
            group=group, number=1, defaults={"held_on": D(2024, 1, 1)}
        )
        return Resolution.objects.create(
            session=session, number=n, text=f"مصوبهٔ {n}", agency=agency, passed_on=passed,
            due_on=due, objection_until=passed, status=status,
            done_on=due if status == "done" else None,
        )  # fmt: skip

    markazi = WorkingGroup.objects.create(name="کارگروه مرکزی", province=geo["markazi"])
    tehran = WorkingGroup.objects.create(name="کارگروه تهران", province=geo["tehran"])
    resolution(markazi, 1, D(2024, 5, 1), D(2024, 8, 1), "done")
    resolution(markazi, 2, D(2024, 5, 1), D(2024, 9, 1), "open")
    resolution(markazi, 3, D(2024, 1, 1), D(2024, 6, 1), "done")
    resolution(markazi, 4, D(2024, 12, 1), D(2025, 5, 1), "open")
    resolution(tehran, 5, D(2024, 5, 1), D(2024, 7, 1), "done")
    return cases


def _funds(geo):
    from jahesh.funds.models import Fund, Installment, LedgerEntry, Loan, Member, Verification

    now = timezone.now()

    def fund(code, county, founded, closed=None):
        return Fund.objects.create(
            name=f"صندوق {code}", name_key=normalize_key(f"صندوق {code}"), code=code,
            county=county, founded_on=founded, closed_on=closed,
            status="closed" if closed else "active",
        )  # fmt: skip

    f1 = fund("F1", geo["arak"], D(2022, 3, 21))
    fund("F2", geo["saveh"], D(2024, 6, 1), D(2025, 1, 1))
    f3 = fund("F3", geo["saveh"], D(2025, 3, 1))
    f4 = fund("F4", geo["tehran_county"], D(2022, 3, 21))
    numbers = iter(range(1, 100))

    def loan(f, principal, disbursed, planned, due_on, paid=False, visits=(), repaid_on=None):
        n = next(numbers)
        member = Member.objects.create(
            fund=f, national_code=f"{n:010d}", first_name="زهرا", last_name=f"احمدی {n}",
            name_key=normalize_key(f"زهرا احمدی {n}"), gender="f", joined_on=D(2022, 3, 21),
        )  # fmt: skip
        loan = Loan.objects.create(
            fund=f, member=member, number=n, purpose="کارگاه", principal=principal,
            fee_rate=Decimal("4"), months=12, status="disbursed", requested_on=disbursed,
            approved_on=disbursed, disbursed_on=disbursed, planned_jobs=planned,
        )  # fmt: skip
        LedgerEntry.objects.create(
            fund=f, kind="disbursement", amount=principal, entered_on=disbursed, member=member,
            loan=loan, created_at=now,
        )  # fmt: skip
        if repaid_on:
            LedgerEntry.objects.create(
                fund=f, kind="repay_principal", amount=principal, entered_on=repaid_on,
                member=member, loan=loan, created_at=now,
            )  # fmt: skip
        Installment.objects.create(
            loan=loan, number=1, due_on=due_on, amount=principal, fee_part=0,
            principal_part=principal, paid_principal=principal if paid else 0,
            paid_on=repaid_on if paid else None,
        )  # fmt: skip
        for on, jobs in visits:
            Verification.objects.create(
                loan=loan, visited_on=on, verifier="کارشناس", business_running=True,
                jobs_found=jobs,
            )  # fmt: skip
        return loan

    loan(f1, 100_000_000, D(2024, 6, 1), 2, D(2024, 7, 1),
         visits=[(D(2024, 9, 1), 1), (D(2025, 1, 1), 3)])  # fmt: skip
    loan(f1, 50_000_000, D(2024, 10, 1), 4, D(2025, 3, 10))
    loan(f3, 30_000_000, D(2025, 3, 5), 1, D(2025, 4, 5), visits=[(D(2025, 4, 1), 2)])
    loan(f1, 80_000_000, D(2023, 6, 1), 5, D(2024, 1, 1), paid=True,
         visits=[(D(2024, 6, 1), 5)], repaid_on=D(2024, 1, 1))  # fmt: skip
    loan(f4, 40_000_000, D(2024, 6, 1), 1, D(2025, 6, 1), visits=[(D(2024, 8, 1), 1)])


def _volunteers(geo):
    from jahesh.geo.models import Village
    from jahesh.volunteers.models import Camp, RosterEntry, Volunteer
    from jahesh.volunteers.national_codes import national_code_for

    def volunteer(n, county, registered, inactive=None):
        return Volunteer.objects.create(
            national_code=national_code_for(n), first_name="علی", last_name=f"رضایی {n}",
            gender="male", county=county, registered_on=registered, inactive_since=inactive,
            search_key=f"علی رضایی {n}", status="inactive" if inactive else "active",
        )  # fmt: skip

    v1 = volunteer(1, geo["arak"], D(2022, 1, 1))
    v2 = volunteer(2, geo["arak"], D(2024, 5, 1), D(2025, 1, 1))
    v3 = volunteer(3, geo["saveh"], D(2025, 3, 1))
    volunteer(4, geo["saveh"], D(2025, 3, 25))
    volunteer(5, geo["tehran_county"], D(2022, 1, 1))

    def camp(county, start):
        return Camp.objects.create(
            title=f"اردوی {county.name}", purpose="medical", county=county, start_date=start,
            village=Village.objects.filter(county=county).first(),
            end_date=start + datetime.timedelta(days=4),
        )  # fmt: skip

    arak = camp(geo["arak"], D(2024, 5, 1))
    saveh = camp(geo["saveh"], D(2025, 4, 1))

    def hours(camp, volunteer, n, status="approved"):
        RosterEntry.objects.create(
            camp=camp, volunteer=volunteer, hours=Decimal(n), status=status,
            approved_at=timezone.now() if status == "approved" else None,
        )  # fmt: skip

    hours(arak, v1, "10.5")
    hours(arak, v2, "4.0")
    hours(arak, v3, "6", "logged")
    hours(saveh, v1, "8")


def _projects(geo):
    from jahesh.projects.models import DirectService, Project, ProjectFunding, ServiceBeneficiary

    def project(county, status, end, *amounts):
        p = Project.objects.create(
            title=f"پروژهٔ {county.name} {end}", title_key=normalize_key(f"پروژه {end}"),
            kind="school", county=county, province=county.province, status=status,
            progress_pct=100 if status == "completed" else 40,
            actual_start=D(2023, 1, 1), actual_end=end,
        )  # fmt: skip
        for amount in amounts:
            ProjectFunding.objects.create(project=p, role="charity", amount_rial=amount)
        return p

    project(geo["arak"], "completed", D(2024, 6, 1), 1_000_000_000, 500_000_000)
    project(geo["saveh"], "completed", D(2025, 1, 1), 200_000_000)
    project(geo["arak"], "completed", D(2023, 6, 1), 999)
    project(geo["arak"], "in_progress", None, 12345)
    project(geo["tehran_county"], "completed", D(2024, 6, 1), 7)

    def service(county, on, value, *codes):
        s = DirectService.objects.create(
            kind="medical", county=county, province=county.province, delivered_on=on,
            quantity=1, unit_value_rial=value, value_rial=value,
        )  # fmt: skip
        for code in codes:
            ServiceBeneficiary.objects.create(service=s, national_code=code)

    service(geo["arak"], D(2024, 5, 1), 300_000_000, "0000000001", "0000000002")
    service(geo["saveh"], D(2024, 8, 1), 120_000_000, "0000000001", "0000000003")
    service(geo["arak"], D(2023, 1, 1), 5, "0000000004")
    service(geo["tehran_county"], D(2024, 5, 1), 9, "0000000005")


@pytest.fixture
def world(geo, users):
    """Every app's records of the hand-built world (see the module docstring)."""
    units = _units(geo)
    cases = _clinic(geo, units)
    _funds(geo)
    _volunteers(geo)
    _projects(geo)
    return {"units": units, "cases": cases}


@pytest.fixture
def markazi_area(geo):
    return Area(province_id=geo["markazi"].pk)


@pytest.fixture
def arak_area(geo):
    return Area(province_id=geo["markazi"].pk, county_id=geo["arak"].pk)


@pytest.fixture
def cached(settings):
    """The dashboard's cache on (60 s), in a local-memory cache emptied around the
    test: reads after a write must still show the new figure."""
    settings.JAHESH_DASHBOARD_CACHE_SECONDS = 60
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "test-reports-cache"}}  # fmt: skip
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
