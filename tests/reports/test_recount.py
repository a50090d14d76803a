"""Issue 7: every KPI equals a brute-force recount from the raw tables after any
sequence of changes.

A small world in two provinces and three counties (Markazi: Arak, Saveh;
Tehran) is built through the apps' services; then seeded random sequences of
changes run against it (visits, cases, resolutions, funds, loans, repayments,
verifications, reschedules, volunteers leaving and coming back, hours, projects,
services, deletions, units changing status or moving county). After every step, for the country, each province and each county and
for the last five Jalali years up to ``AS_OF``, an arbitrary range and a
custom period in turn (``CUSTOM``: in facts mode read from the day rows),
``kpi_values`` (and the figure shown beside ``jobs_created``) must equal
``tests/reports/oracle.py``'s recount, figure by figure, and so must each county's
and province's row of the breakdown (``kpi_values_by_place``). Facts mode runs the
same sequences with the standard periods materialized in the analytics table;
reads recompute the places marked stale in memory (the marks of up to three
steps), and every third step the writer (``facts.refresh_stale``) stores them.

Every write is dated through the services' ``now`` / date arguments, so the
sequences do not depend on today's date.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from jahesh.accounts.scoping import Area
from jahesh.core.errors import InvalidInput
from jahesh.reports.figures import kpi_beside, kpi_values, kpi_values_by_place
from jahesh.reports.kpis import CODES
from jahesh.reports.models import StalePlace
from jahesh.reports.periods import Period, last_five_years
from tests.reports.oracle import BESIDE, Tables, recount, unit_risk_on, unit_status_on

D = datetime.date
AS_OF = D(2025, 9, 23)  # 1 Mehr 1404
FIVE_YEARS = last_five_years(AS_OF)
ARBITRARY = Period(D(2022, 2, 14), D(2024, 8, 9))
PERIODS = (FIVE_YEARS, ARBITRARY)
# Custom periods (none materialized: in facts mode read from the day rows), one per
# step in turn: every record's day, a few weeks across Nowruz, a single day at an edge.
CUSTOM = (
    Period(FIVE_YEARS.start - datetime.timedelta(days=90), AS_OF + datetime.timedelta(days=90)),
    Period(D(2023, 3, 6), D(2023, 4, 2)),
    Period(ARBITRARY.end - datetime.timedelta(days=1), ARBITRARY.end),
)
# Dated records fall in [FIRST, LAST]: around both periods' ends, so the ends matter.
FIRST = FIVE_YEARS.start - datetime.timedelta(days=60)
LAST = AS_OF + datetime.timedelta(days=60)
EDGES = sorted(
    {p.start + datetime.timedelta(days=k) for p in PERIODS for k in (-1, 0)}
    | {p.end + datetime.timedelta(days=k) for p in PERIODS for k in (-1, 0)}
)
NOW = timezone.make_aware(datetime.datetime.combine(LAST, datetime.time(18)))
STEPS = 20
# Different sequences in each mode (more kinds of history for the same time); the
# analytics table's mode costs more per step (each write recomputes its places in
# every stored period).
SEEDS = {"live": (1, 2, 3), "facts": (4, 5)}


def at(day: datetime.date, second: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0, second)))


# --- The world ------------------------------------------------------------------------

HIGH_VISIT = {
    "capacity_utilization": 0, "employees_now": 1, "unpaid_wage_months": 6,
    "bank_arrears_rial": 9_000_000_000, "tax_debt_rial": 9_000_000_000,
    "social_security_debt_rial": 9_000_000_000, "utility_debt_rial": 900_000_000,
    "utility_cutoff_notice": True, "raw_material_days": 0, "order_book_months": Decimal(0),
    "sales_trend": "down", "owner_issue": True, "court_cases": 2,
}  # fmt: skip
LOW_VISIT = {
    "capacity_utilization": 95, "unpaid_wage_months": 0, "raw_material_days": 90,
    "order_book_months": Decimal(6), "sales_trend": "up",
}  # fmt: skip


@dataclass
class World:
    """The records the steps act on, and the people and things they need."""

    rng: random.Random
    admin: Any
    fund_clerk: Any
    counties: list
    category: Any
    expert: Any
    groups: list
    units: list = field(default_factory=list)
    cases: list = field(default_factory=list)
    resolutions: list = field(default_factory=list)
    funds: list = field(default_factory=list)
    loans: list = field(default_factory=list)
    volunteers: list = field(default_factory=list)
    camps: list = field(default_factory=list)
    projects: list = field(default_factory=list)
    serial: int = 0

    def next(self) -> int:
        self.serial += 1
        return self.serial

    def day(self, first: datetime.date = FIRST, last: datetime.date = LAST) -> datetime.date:
        """A day in [first, last]; often one next to a period's end, where a
        misread "<" or "end − 1" shows."""
        first, last = max(first, FIRST), min(last, LAST)
        if first >= last:
            return first
        edges = [d for d in EDGES if first <= d <= last]
        if edges and self.rng.random() < 0.5:
            return self.rng.choice(edges)
        return first + datetime.timedelta(days=self.rng.randrange((last - first).days + 1))


def build_world(geo, users, rng: random.Random) -> World:
    from jahesh.clinic.models import Expert, ObstacleCategory, WorkingGroup
    from jahesh.clinic.taxonomy import taxonomy_load
    from jahesh.core.text import normalize_key

    taxonomy_load()
    world = World(
        rng=rng,
        admin=users["admin"],
        fund_clerk=users["fund"],
        counties=[geo["arak"], geo["saveh"], geo["tehran_county"]],
        category=ObstacleCategory.objects.get(code="finance.bank_arrears"),
        expert=Expert.objects.create(
            name="دکتر کاظمی",
            name_key=normalize_key("دکتر کاظمی"),
            kind="university",
            province=geo["markazi"],
        ),  # fmt: skip
        groups=[
            WorkingGroup.objects.create(name="کارگروه مرکزی", province=geo["markazi"]),
            WorkingGroup.objects.create(name="کارگروه تهران", province=geo["tehran"]),
        ],
    )
    for county in world.counties:
        for status in ("active", "stalled", "partial"):
            make_unit(world, county, status)
        make_fund(world, county, FIRST - datetime.timedelta(days=400))
        register_volunteer(world, county)
    for group in world.groups:
        step_pass_resolution(world, group)
    for county in world.counties:
        shape_a_crisis(world, county, resolve=county.pk != geo["tehran_county"].pk)
    # A first record of each kind the other figures count (a loan and its check, a
    # service, a project, a camp's hours), so that few figures start at zero.
    for step in (step_disburse_loan, step_verify_jobs, step_deliver_service,
                 step_complete_project, step_camp_hours, step_decide_hours):  # fmt: skip
        step(world)
    return world


def shape_a_crisis(world: World, county, *, resolve: bool) -> None:
    """A stalled unit found at high risk before both periods, with a case opened on
    it in the five years and, if ``resolve``, resolved as "closure prevented" soon
    after: closures prevented and jobs preserved, which 20 random steps seldom set
    up, are then non-zero in every sequence, and the steps reopen, re-resolve and
    move what they count. Tehran's case stays open for the resolve step."""
    from jahesh.units.services import visit_create

    unit = make_unit(world, county, "stalled")
    visit_create(unit=unit, user=world.admin, now=NOW, visited_on=FIRST, **HIGH_VISIT)
    opened = FIVE_YEARS.start + datetime.timedelta(days=world.rng.randrange(30, 1200))
    step_open_case(world, unit, opened)
    if resolve:
        later = opened + datetime.timedelta(days=world.rng.randrange(1, 300))
        step_resolve_case(world, world.cases[-1], later, prevent=True)


def make_unit(world: World, county, status: str = "active"):
    from jahesh.units.services import unit_create

    n = world.next()
    unit = unit_create(
        user=world.admin, name=f"واحد {n}", sector="industry", county=county,
        employees=world.rng.randrange(5, 120), status=status, now=NOW,
    )  # fmt: skip
    world.units.append(unit)
    return unit


def make_fund(world: World, county, founded_on: datetime.date):
    from jahesh.funds.services import fund_create

    n = world.next()
    fund = fund_create(name=f"صندوق {n}", code=f"F{n}", county=county, founded_on=founded_on)
    world.funds.append(fund)
    return fund


def register_volunteer(world: World, county=None, registered_on=None):
    from jahesh.volunteers.national_codes import national_code_for
    from jahesh.volunteers.services import VolunteerFields, volunteer_create

    n = world.next()
    fields = VolunteerFields(
        national_code=national_code_for(n), first_name="مریم", last_name=f"نیکو {n}",
        gender="female", county_id=(county or world.rng.choice(world.counties)).pk,
        registered_on=registered_on or world.day(FIRST - datetime.timedelta(days=300)),
    )  # fmt: skip
    volunteer = volunteer_create(fields, actor=world.admin, now=NOW)
    world.volunteers.append(volunteer)
    return volunteer


# --- The steps -------------------------------------------------------------------------
# Each step makes one change through the services (the ORM where none exists) and
# returns a label for the failure message; None when it found nothing to act on.


def step_visit(w: World) -> str | None:
    from jahesh.units.services import visit_create

    unit = w.rng.choice(w.units)
    risk = w.rng.choice(["high", "low"])
    values = dict(HIGH_VISIT if risk == "high" else LOW_VISIT)
    if risk == "low":
        values["employees_now"] = unit.employees
    visit_create(unit=unit, user=w.admin, now=NOW, visited_on=w.day(), **values)
    return f"visit of unit {unit.pk} ({risk} risk)"


def step_open_case(w: World, unit=None, opened: datetime.date | None = None) -> str | None:
    from jahesh.clinic.services import case_create

    unit = unit or w.rng.choice(w.units)
    opened = opened or w.day()
    case = case_create(
        user=w.admin, unit=unit, category=w.category, severity=w.rng.randrange(5),
        title=f"مانع {w.next()}", source="visit", now=at(opened),
    )  # fmt: skip
    w.cases.append(case)
    # The case's snapshot of the unit, against the raw history of the opening day.
    tables = Tables.load()
    derived = (unit_status_on(tables, unit.pk, opened), unit_risk_on(tables, unit.pk, opened))
    assert (case.unit_status_at_open, case.unit_risk_at_open) == derived, case.pk
    return f"case {case.pk} opened {opened} for unit {unit.pk}"


def _move(w: World, case, to: str, when: datetime.datetime, **data: Any):
    from jahesh.clinic.services import MoveInput, case_transition

    return case_transition(case=case, to_status=to, user=w.admin, data=MoveInput(**data), now=when)


def step_resolve_case(
    w: World, case=None, day: datetime.date | None = None, prevent: bool | None = None
) -> str | None:
    """Resolve an open case (``case`` on ``day``, else a random one); as "closure
    prevented" where allowed, if ``prevent`` (None: three times in four)."""
    from jahesh.clinic.models import CaseStatus
    from jahesh.clinic.services import closure_prevented_allowed

    open_cases = [c for c in w.cases if c.status in (CaseStatus.NEW, CaseStatus.IN_PROGRESS)]
    if not open_cases:
        return None
    case = case or w.rng.choice(open_cases)
    day = day or w.day(case.opened_on, min(LAST, case.opened_on + datetime.timedelta(days=500)))
    if case.status == CaseStatus.NEW:
        case = _move(w, case, CaseStatus.TRIAGED, at(day, 1))
        case = _move(w, case, CaseStatus.ASSIGNED, at(day, 2), expert=w.expert)
        case = _move(w, case, CaseStatus.IN_PROGRESS, at(day, 3))
    jobs = w.rng.choice([None, w.rng.randrange(1, 80)])
    prevented = {
        "outcome": "closure_prevented",
        "outcome_note": "نامهٔ بانک",
        "jobs_preserved": jobs,
    }
    if closure_prevented_allowed(case) and (
        prevent if prevent is not None else w.rng.random() < 0.75
    ):
        case = _move(w, case, CaseStatus.RESOLVED, at(day, 4), **prevented)
        label = "closure prevented"
    else:
        if not closure_prevented_allowed(case):
            # The rule of kpis.md: refused for a unit neither stalled nor at high risk.
            with pytest.raises(InvalidInput):
                _move(w, case, CaseStatus.RESOLVED, at(day, 4), **prevented)
        outcome = w.rng.choice(["revived", "jobs_preserved", "other"])
        case = _move(w, case, CaseStatus.RESOLVED, at(day, 4), outcome=outcome, jobs_preserved=jobs)
        label = outcome
    w.cases[w.cases.index(case)] = case
    # Jobs preserved: what the officer typed, else the unit's employees at resolution.
    employees = Tables.load().units[case.unit_id]["employees"]
    assert case.jobs_preserved == (jobs if jobs is not None else employees), case.pk
    return f"case {case.pk} resolved {day} ({label})"


def step_reopen_case(w: World) -> str | None:
    from jahesh.clinic.models import CaseStatus

    resolved = [c for c in w.cases if c.status == CaseStatus.RESOLVED]
    if not resolved:
        return None
    case = w.rng.choice(resolved)
    case = _move(w, case, CaseStatus.IN_PROGRESS, at(case.resolved_on, 30), reason="بازگشایی")
    w.cases[w.cases.index(case)] = case
    return f"case {case.pk} reopened"


def step_pass_resolution(w: World, group=None) -> str | None:
    from jahesh.clinic.models import Agency
    from jahesh.clinic.services import resolution_create, session_create

    group = group or w.rng.choice(w.groups)
    held = w.day()
    session = session_create(user=w.admin, group=group, held_on=held)
    due = w.day(held, held + datetime.timedelta(days=300))
    resolution = resolution_create(
        user=w.admin, session=session, text=f"مصوبهٔ {w.next()}",
        agency=Agency.objects.order_by("pk").first(), due_on=due,
    )  # fmt: skip
    w.resolutions.append(resolution)
    return f"resolution {resolution.pk} of {group.name} passed {held}, due {due}"


def step_carry_out_resolution(w: World) -> str | None:
    from jahesh.clinic.services import resolution_follow_up

    pending = [r for r in w.resolutions if r.status == "open"]
    if not pending:
        return None
    resolution = w.rng.choice(pending)
    on = w.day(resolution.passed_on, LAST)
    status = "done" if w.rng.random() < 0.7 or on <= resolution.due_on else "not_executed"
    resolution_follow_up(
        resolution=resolution, user=w.admin, on=on, note="پیگیری شد", status_after=status, now=NOW
    )
    resolution.refresh_from_db()
    return f"resolution {resolution.pk} {status} on {on}"


def step_found_fund(w: World) -> str | None:
    fund = make_fund(w, w.rng.choice(w.counties), w.day())
    return f"fund {fund.pk} founded {fund.founded_on}"


def step_close_fund(w: World) -> str | None:
    # No service closes a fund: the ORM, as the admin does.
    open_funds = [f for f in w.funds if f.closed_on is None]
    if not open_funds:
        return None
    fund = w.rng.choice(open_funds)
    fund.status, fund.closed_on = "closed", w.day(fund.founded_on)
    fund.save()
    return f"fund {fund.pk} closed {fund.closed_on}"


def step_disburse_loan(w: World) -> str | None:
    from jahesh.funds.services import (
        MemberFields,
        loan_approve,
        loan_disburse,
        loan_request,
        member_create,
        savings_deposit,
    )
    from jahesh.volunteers.national_codes import national_code_for

    fund = w.rng.choice(w.funds)
    on = w.day(fund.founded_on + datetime.timedelta(days=120), fund.closed_on or LAST)
    n = w.next()
    joined = on - datetime.timedelta(days=120)
    member = member_create(
        MemberFields(
            fund=fund, national_code=national_code_for(500_000 + n), first_name="زهرا",
            last_name=f"احمدی {n}", gender="f", joined_on=joined,
        )
    )  # fmt: skip
    principal = w.rng.choice([7_000_000, 24_000_000, 50_000_000, 120_000_000])
    savings_deposit(member=member, amount=principal, on=joined, user=w.fund_clerk, now=NOW)
    loan = loan_request(
        fund=fund, member=member, principal=principal, months=w.rng.randrange(2, 19),
        purpose="کارگاه خیاطی", requested_on=on, user=w.fund_clerk,
        planned_jobs=w.rng.randrange(1, 6), now=NOW,
    )  # fmt: skip
    loan_approve(loan=loan, user=w.admin, on=on, now=NOW)
    loan = loan_disburse(loan=loan, user=w.admin, on=on, now=NOW)
    w.loans.append(loan)
    return f"loan {loan.pk} of fund {fund.pk} disbursed {on}: {principal}"


def _active_loans(w: World) -> list:
    from jahesh.funds.models import Loan

    ids = [loan.pk for loan in w.loans]
    return list(Loan.objects.filter(pk__in=ids, status__in=["disbursed", "rescheduled"]))


def step_repay(w: World) -> str | None:
    from jahesh.funds.services import repayment_record

    loans = _active_loans(w)
    if not loans:
        return None
    loan = w.rng.choice(loans)
    rows = list(loan.installments.order_by("number"))
    left = [i.amount - i.paid_fee - i.paid_principal for i in rows]
    owed = sum(left)
    amount = w.rng.choice([next(x for x in left if x), owed, max(1000, owed // 3 // 1000 * 1000)])
    paid_on = w.day(loan.disbursed_on, min(LAST, loan.disbursed_on + datetime.timedelta(days=400)))
    repayment_record(
        loan=loan, amount=amount, paid_on=paid_on, key=f"pay-{w.next()}", user=w.fund_clerk, now=NOW
    )
    return f"loan {loan.pk} repaid {amount} on {paid_on} (owed {owed})"


def step_reverse_repayment(w: World) -> str | None:
    from jahesh.funds.models import Repayment
    from jahesh.funds.services import repayment_reverse

    live = list(
        Repayment.objects.filter(
            loan__in=[loan.pk for loan in w.loans],
            reversed_at__isnull=True,
            loan__status__in=["disbursed", "rescheduled", "repaid"],
        ).order_by("pk")
    )
    if not live:
        return None
    repayment = w.rng.choice(live)
    when = w.day(repayment.paid_on)
    repayment_reverse(repayment=repayment, user=w.admin, reason="ثبت اشتباه", now=at(when))
    return f"repayment {repayment.pk} of loan {repayment.loan_id} reversed {when}"


def step_write_off(w: World) -> str | None:
    from jahesh.funds.services import loan_write_off

    loans = _active_loans(w)
    if not loans:
        return None
    loan = w.rng.choice(loans)
    on = w.day(loan.disbursed_on)
    loan_write_off(loan=loan, user=w.admin, on=on, reason="ورشکستگی", now=NOW)
    return f"loan {loan.pk} written off {on}"


def step_verify_jobs(w: World) -> str | None:
    from jahesh.funds.services import verification_record

    if not w.loans:
        return None
    loan = w.rng.choice(w.loans)
    running = w.rng.random() < 0.8
    on = w.day(loan.disbursed_on, min(LAST, loan.disbursed_on + datetime.timedelta(days=500)))
    jobs = w.rng.randrange(0, 6) if running else 0
    verification_record(
        loan=loan, visited_on=on, verifier="کارشناس صندوق", business_running=running,
        jobs_found=jobs, user=w.fund_clerk,
    )  # fmt: skip
    return f"loan {loan.pk} verified {on}: {jobs} jobs"


def step_verify_before_disbursement(w: World) -> str | None:
    """A visit dated before its loan's disbursement: the service refuses one, nothing
    in the database does (a bulk load, an edit through the admin), and the jobs
    figures must count it as any other (``reports.facts.spans``)."""
    from jahesh.funds.models import Verification

    if not w.loans:
        return None
    loan = w.rng.choice(w.loans)
    on = w.day(FIRST, loan.disbursed_on - datetime.timedelta(days=1))
    jobs = w.rng.randrange(0, 6)
    Verification.objects.create(
        loan=loan, visited_on=on, verifier="کارشناس صندوق", business_running=bool(jobs),
        jobs_found=jobs, verified_by=w.fund_clerk,
    )  # fmt: skip
    return f"loan {loan.pk} (disbursed {loan.disbursed_on}) verified before, {on}: {jobs} jobs"


def step_register_volunteer(w: World) -> str | None:
    volunteer = register_volunteer(w)
    return f"volunteer {volunteer.pk} registered {volunteer.registered_on}"


def step_deactivate_volunteer(w: World) -> str | None:
    from jahesh.volunteers.services import volunteer_set_status

    active = [v for v in w.volunteers if v.status == "active"]
    if not active:
        return None
    volunteer = w.rng.choice(active)
    on = w.day(volunteer.registered_on)
    changed = volunteer_set_status(
        actor=w.admin, volunteer_id=volunteer.pk, to_status="inactive", effective_on=on, now=NOW
    )
    w.volunteers[w.volunteers.index(volunteer)] = changed
    return f"volunteer {volunteer.pk} inactive from {on}"


def step_reactivate_volunteer(w: World) -> str | None:
    from jahesh.volunteers.services import volunteer_set_status

    inactive = [v for v in w.volunteers if v.status == "inactive"]
    if not inactive:
        return None
    volunteer = w.rng.choice(inactive)
    on = w.day(volunteer.inactive_since)
    changed = volunteer_set_status(
        actor=w.admin, volunteer_id=volunteer.pk, to_status="active", effective_on=on, now=NOW
    )
    w.volunteers[w.volunteers.index(volunteer)] = changed
    return f"volunteer {volunteer.pk} active again from {on}"


def step_camp_hours(w: World) -> str | None:
    from jahesh.geo.models import Village
    from jahesh.volunteers.services import CampFields, RosterRow, camp_create, roster_save

    county = w.rng.choice(w.counties)
    start = w.day()
    fields = CampFields(
        title=f"اردوی {w.next()}", purpose="medical", start_date=start,
        end_date=start + datetime.timedelta(days=3),
        village=Village.objects.filter(county=county).first(),
    )  # fmt: skip
    camp = camp_create(fields, actor=w.admin)
    w.camps.append(camp)
    people = w.rng.sample(w.volunteers, k=min(len(w.volunteers), w.rng.randrange(1, 4)))
    rows = [
        RosterRow(national_code=v.national_code, hours=Decimal(w.rng.randrange(1, 40)) / 2)
        for v in people
    ]
    source = w.rng.choice(["coordinator", "volunteer"])
    roster_save(actor=w.admin, camp=camp, rows=rows, source=source, now=NOW)
    return f"camp {camp.pk} from {start} in county {county.pk}: {len(rows)} rows by {source}"


def step_decide_hours(w: World) -> str | None:
    from jahesh.volunteers.models import RosterEntry
    from jahesh.volunteers.services import hours_approve, hours_reject

    logged = list(
        RosterEntry.objects.filter(camp__in=[c.pk for c in w.camps], status="logged").order_by("pk")
    )
    if not logged:
        return None
    entries = w.rng.sample(logged, k=w.rng.randrange(1, len(logged) + 1))
    ids = [e.pk for e in entries]
    if w.rng.random() < 0.8:
        hours_approve(actor=w.admin, entry_ids=ids, now=NOW)
        return f"hours {ids} approved"
    hours_reject(actor=w.admin, entry_ids=ids, note="تکراری", now=NOW)
    return f"hours {ids} rejected"


def step_complete_project(w: World) -> str | None:
    from jahesh.projects.services import (
        funding_add,
        progress_report_add,
        project_create,
        project_transition,
    )

    county = w.rng.choice(w.counties)
    project = project_create(
        user=w.admin, title=f"مدرسهٔ {w.next()}", kind="school", county=county, now=NOW
    )
    started = w.day()
    project = project_transition(
        project=project, to_status="in_progress", user=w.admin, on=started, now=NOW
    )
    for _ in range(w.rng.randrange(0, 3)):
        funding_add(
            project=project, role=w.rng.choice(["government", "charity", "in_kind"]),
            amount_rial=w.rng.randrange(1, 500) * 1_000_000,
        )  # fmt: skip
    w.projects.append(project)
    if w.rng.random() < 0.2:
        return f"project {project.pk} started {started} in county {county.pk}"
    ended = w.day(started, started + datetime.timedelta(days=400))
    progress_report_add(project=project, user=w.admin, reported_on=ended, progress_pct=100, now=NOW)
    project = project_transition(
        project=project, to_status="completed", user=w.admin, on=ended, now=NOW
    )
    w.projects[-1] = project
    return f"project {project.pk} completed {ended} in county {county.pk}"


def step_fund_project(w: World) -> str | None:
    from jahesh.projects.services import funding_add

    if not w.projects:
        return None
    project = w.rng.choice(w.projects)
    funding_add(project=project, role="charity", amount_rial=w.rng.randrange(1, 90) * 10_000_000)
    return f"project {project.pk} funded"


def step_deliver_service(w: World) -> str | None:
    from jahesh.projects.services import service_create
    from jahesh.volunteers.national_codes import national_code_for

    county = w.rng.choice(w.counties)
    on = w.day()
    # A small pool of people, so that the same person is served in several places.
    people = [national_code_for(900_000 + w.rng.randrange(8)) for _ in range(w.rng.randrange(4))]
    service = service_create(
        user=w.admin, kind=w.rng.choice(["medical", "food", "dental"]), delivered_on=on,
        quantity=w.rng.randrange(1, 30), unit_value_rial=w.rng.randrange(1, 50) * 100_000,
        county=county, people=people, now=NOW,
    )  # fmt: skip
    return f"service {service.pk} delivered {on} in county {county.pk} to {len(set(people))}"


def step_delete(w: World) -> str | None:
    """Delete one record that a figure counts (the ORM where no service deletes it)."""
    from jahesh.funds.models import Verification
    from jahesh.projects.models import DirectService, ProjectFunding
    from jahesh.units.models import Visit
    from jahesh.volunteers.models import RosterEntry
    from jahesh.volunteers.services import roster_remove

    kinds: dict[str, Callable[[], Any]] = {
        "visit": lambda: Visit.objects.order_by("pk"),
        "verification": lambda: Verification.objects.order_by("pk"),
        "service": lambda: DirectService.objects.order_by("pk"),
        "funding": lambda: ProjectFunding.objects.order_by("pk"),
        "roster entry": lambda: RosterEntry.objects.order_by("pk"),
    }
    kind = w.rng.choice(sorted(kinds))
    rows = list(kinds[kind]())
    if not rows:
        return None
    row = w.rng.choice(rows)
    label = f"{kind} {row.pk} deleted"
    if kind == "roster entry":
        roster_remove(actor=w.admin, entry_id=row.pk)
    else:
        row.delete()
    return label


def step_move_unit(w: World) -> str | None:
    from jahesh.units.services import unit_update

    unit = w.rng.choice(w.units)
    county = w.rng.choice([c for c in w.counties if c.pk != unit.county_id])
    moved = unit_update(unit=unit, user=w.admin, county=county, now=NOW)
    w.units[w.units.index(unit)] = moved
    return f"unit {unit.pk} moved to county {county.pk}"


def step_change_unit_status(w: World) -> str | None:
    """A status change re-assesses the unit from its latest visit by that day."""
    from jahesh.units.services import unit_change_status

    unit = w.rng.choice(w.units)
    to = w.rng.choice([s for s in ("active", "partial", "stalled", "closed") if s != unit.status])
    on = w.day()
    changed = unit_change_status(
        unit=unit, to_status=to, reason="گزارش بازدید", user=w.admin, changed_on=on, now=NOW
    )
    w.units[w.units.index(unit)] = changed
    return f"unit {unit.pk} {to} from {on}"


def step_change_employees(w: World) -> str | None:
    """A new workforce figure re-assesses a visited unit as of today (the last day)."""
    from jahesh.units.services import unit_update

    unit = w.rng.choice(w.units)
    changed = unit_update(
        unit=unit, user=w.admin, employees=unit.employees + w.rng.randrange(1, 30), now=NOW
    )
    w.units[w.units.index(unit)] = changed
    return f"unit {unit.pk} now has {changed.employees} employees"


def step_reschedule_loan(w: World) -> str | None:
    from jahesh.funds.services import loan_reschedule

    loans = _active_loans(w)
    if not loans:
        return None
    loan = w.rng.choice(loans)
    rows = loan.installments.all()
    owed = sum(i.amount - i.paid_fee - i.paid_principal for i in rows)
    months = min(w.rng.randrange(1, 13), owed // loan.rounding_multiple)
    if months < 1:
        return None
    on = w.day(loan.disbursed_on)
    loan_reschedule(loan=loan, months=months, on=on, user=w.admin, reason="خشکسالی", now=NOW)
    return f"loan {loan.pk} rescheduled over {months} months from {on}"


def step_new_unit(w: World) -> str | None:
    unit = make_unit(w, w.rng.choice(w.counties), w.rng.choice(["active", "stalled"]))
    return f"unit {unit.pk} registered in county {unit.county_id}"


STEPS_BY_WEIGHT: list[tuple[Callable[[World], str | None], int]] = [
    (step_visit, 6), (step_open_case, 4), (step_resolve_case, 4), (step_reopen_case, 1),
    (step_pass_resolution, 3), (step_carry_out_resolution, 3), (step_found_fund, 1),
    (step_close_fund, 2), (step_disburse_loan, 4), (step_repay, 3), (step_reverse_repayment, 1),
    (step_write_off, 1), (step_verify_jobs, 3), (step_verify_before_disbursement, 1),
    (step_register_volunteer, 2),
    (step_deactivate_volunteer, 1), (step_camp_hours, 2), (step_decide_hours, 2),
    (step_complete_project, 2), (step_fund_project, 1), (step_deliver_service, 2),
    (step_delete, 2), (step_move_unit, 1), (step_new_unit, 1), (step_reactivate_volunteer, 1),
    (step_change_unit_status, 2), (step_change_employees, 1), (step_reschedule_loan, 1),
]  # fmt: skip


def run_step(w: World) -> str:
    steps, weights = zip(*STEPS_BY_WEIGHT, strict=True)
    while True:
        step = w.rng.choices(steps, weights)[0]
        label = step(w)
        if label is not None:
            return label


# --- Comparing ------------------------------------------------------------------------


def areas(geo) -> list[tuple[str, Area]]:
    return [
        ("country", Area()),
        ("Markazi", Area(province_id=geo["markazi"].pk)),
        ("Tehran", Area(province_id=geo["tehran"].pk)),
        ("Arak", Area(province_id=geo["markazi"].pk, county_id=geo["arak"].pk)),
        ("Saveh", Area(province_id=geo["markazi"].pk, county_id=geo["saveh"].pk)),
        ("Tehran county", Area(province_id=geo["tehran"].pk, county_id=geo["tehran_county"].pk)),
    ]


def mismatches(
    geo, periods, step: str, order: random.Random | None = None, exercised: dict | None = None
) -> list[str]:
    """Every figure that differs from its recount, for every area and period (read in
    ``order``'s shuffle: the analytics table recomputes what a read needs, so the
    order of reads matters). Marks in ``exercised`` each figure found non-zero on
    either side."""
    tables = Tables.load()
    found = []
    pairs = [(period, name, area) for period in periods for name, area in areas(geo)]
    if order is not None:
        order.shuffle(pairs)
    for period, name, area in pairs:
        got = {
            **kpi_values(area=area, start=period.start, end=period.end),
            **kpi_beside(area=area, start=period.start, end=period.end),
        }
        want = recount(
            tables, area=area, start=period.start, end=period.end, codes=(*CODES, *BESIDE)
        )
        if exercised is not None:
            exercised.update({code: True for code in want if got[code] or want[code]})
        found += [
            f"{code} in {name} for [{period.start}, {period.end}) after {step}:"
            f" kpi_values {got[code]}, recount {want[code]}"
            for code in want
            if got[code] != want[code]
        ]
    # The breakdowns for the two main periods (in facts mode the five years are served
    # from the table, the arbitrary range from the records).
    return found + place_mismatches(geo, tables, [p for p in periods if p in PERIODS], step)


def place_mismatches(geo, tables: Tables, periods, step: str) -> list[str]:
    """The breakdown tables (``kpi_values_by_place``: per county, per province)
    against the recount of each place; a place without records reads as zeros."""
    places = {name: area for name, area in areas(geo)}
    county_ids = {area.county_id: name for name, area in places.items() if area.county_id}
    province_ids = {
        area.province_id: name
        for name, area in places.items()
        if area.province_id and not area.county_id
    }
    found = []
    for period in periods:
        for within, by in (("country", "county"), ("country", "province"), ("Markazi", "county")):
            got = kpi_values_by_place(
                area=places[within], start=period.start, end=period.end, by=by
            )
            names = county_ids if by == "county" else province_ids
            for place_id, name in names.items():
                if not recount_here(places[within], places[name]):
                    continue
                want = recount(
                    tables, area=places[name], start=period.start, end=period.end, codes=CODES
                )
                have = got.get(place_id, dict.fromkeys(CODES, 0))
                found += [
                    f"{code} of {name} (by {by} in {within}) for [{period.start}, {period.end})"
                    f" after {step}: kpi_values_by_place {have[code]}, recount {want[code]}"
                    for code in CODES
                    if have[code] != want[code]
                ]
    return found


def recount_here(within: Area, place: Area) -> bool:
    return within.province_id is None or within.province_id == place.province_id


def standard_periods() -> list[Period]:
    from jahesh.reports import facts

    return [Period(p.start, p.end) for p in facts.standard_periods(AS_OF)]


@pytest.mark.parametrize(
    ("mode", "seed"), [(mode, seed) for mode, seeds in SEEDS.items() for seed in seeds]
)
def test_it_recounts_every_figure_after_each_change(seed, mode, geo, users, monkeypatch):
    exercised = EXERCISED.setdefault(f"{mode} {seed}", dict.fromkeys((*CODES, *BESIDE), False))
    # given a small world in two provinces and three counties
    world = build_world(geo, users, random.Random(seed))
    from jahesh.reports import facts

    periods, quarters = list(PERIODS), []
    if mode == "facts":
        # and, in facts mode, the standard periods materialized in the analytics table
        facts.refresh(today=AS_OF)
        # The distinct parts' custom periods read through their running totals
        # in one sequence, through the period's rows in the other.
        monkeypatch.setattr(facts.days, "_by_opened", lambda start, end: seed % 2 == 0)
        # Every stored period is checked after building the world; after each step,
        # the five years, each Jalali year and a different quarter in turn.
        stored = [p for p in standard_periods() if p not in periods]
        assert mismatches(geo, stored, "building the world (stored periods)", None, exercised) == []
        quarters = [p for p in stored if (p.end - p.start).days < 100]
        periods += [p for p in stored if p not in quarters]
        for period in standard_periods():
            for name, area in areas(geo):
                assert facts.served(area=area, start=period.start, end=period.end), (name, period)
    assert mismatches(geo, [*periods, *CUSTOM], "building the world", None, exercised) == []
    # when random changes are made, then after each one every figure equals its recount
    for number in range(1, STEPS + 1):
        label = run_step(world)
        if mode == "facts" and number % 3 == 0:
            # Every third step the writer stores what the marks made stale (the
            # refresh task); in between, reads recompute the marked places in memory
            # over the marks of several steps.
            facts.refresh_stale()
            label += " (then refresh_stale)"
        step = f"step {number} (seed {seed}, {mode}): {label}"
        read = periods + ([quarters[number % len(quarters)]] if quarters else [])
        read.append(CUSTOM[number % len(CUSTOM)])
        marks = StalePlace.objects.count()
        problems = mismatches(geo, read, step, random.Random(f"{seed}-{number}"), exercised)
        assert problems == [], "\n".join(problems)
        assert StalePlace.objects.count() == marks, step  # the reads stored nothing


# --- Which figures the sequences exercise ----------------------------------------------
# Agreement where both sides read zero proves nothing: each figure must be non-zero,
# on either side, in some area and period of at least one sequence.

EXERCISED: dict[str, dict[str, bool]] = {}  # "mode seed" → figure → non-zero somewhere


def exercise_table(exercised: dict[str, dict[str, bool]]) -> str:
    sequences = list(exercised)
    rows = [f"{'figure':26}" + "".join(f"{s:>9}" for s in sequences)]
    for code in (*CODES, *BESIDE):
        marks = "".join(f"{'x' if exercised[s][code] else '0':>9}" for s in sequences)
        rows.append(f"{code:26}{marks}")
    return "\n".join(rows) + "\n(x: non-zero on either side somewhere; 0: zero throughout)\n"


def test_it_exercised_every_figure_in_some_sequence(settings):
    # Runs after the sequences above (pytest keeps a file's order); alone it has nothing to judge.
    sequences = [f"{mode} {seed}" for mode, seeds in SEEDS.items() for seed in seeds]
    if sorted(EXERCISED) != sorted(sequences):
        pytest.skip("judges the sequences of this file: run them all")
    table = exercise_table({s: EXERCISED[s] for s in sequences})
    # The table, for a reader: var/recount-exercise.txt (and the output with -s).
    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    (settings.VAR_DIR / "recount-exercise.txt").write_text(table, encoding="utf-8")
    print("\n" + table)
    idle = [c for c in (*CODES, *BESIDE) if not any(EXERCISED[s][c] for s in sequences)]
    assert idle == [], table


# --- Where the selectors once disagreed with kpis.md ------------------------------------
# Each case below is one this recount found (4a66bcc and bc73773 fixed the selectors);
# the random sequences above now reach them too (reactivation, status changes).


def one_figure(code: str, area: Area, period: Period) -> tuple[int, int]:
    got = kpi_values(area=area, start=period.start, end=period.end, codes=[code])[code]
    want = recount(Tables.load(), area=area, start=period.start, end=period.end, codes=[code])
    return got, want[code]


def test_it_counts_a_volunteer_who_left_and_came_back_in_earlier_periods(geo, users):
    from jahesh.volunteers.services import volunteer_set_status

    world = World(random.Random(0), users["admin"], users["fund"], [geo["arak"]], None, None, [])
    volunteer = register_volunteer(world, geo["arak"], D(2021, 1, 1))
    for status, on in (("inactive", D(2023, 1, 1)), ("active", D(2024, 6, 1))):
        volunteer_set_status(
            actor=users["admin"], volunteer_id=volunteer.pk, to_status=status, effective_on=on,
            now=NOW,
        )  # fmt: skip
    # Jalali 1400 ends on 2022-03-20: the volunteer was registered and active then.
    year_1400 = Period(D(2021, 3, 21), D(2022, 3, 21))
    assert one_figure("volunteers", Area(), year_1400) == (1, 1)


def test_it_judges_a_unit_by_what_its_latest_visit_found(geo, users):
    from jahesh.units.services import unit_change_status, unit_create, visit_create

    unit = unit_create(
        user=users["admin"], name="ریخته‌گری", sector="industry", county=geo["arak"],
        employees=40, now=NOW,
    )  # fmt: skip
    # 54 points (watch): idle plant, six months of unpaid wages, two lawsuits, no orders.
    visit_create(
        unit=unit, user=users["admin"], now=NOW, visited_on=D(2024, 5, 1), employees_now=40,
        capacity_utilization=0, unpaid_wage_months=6, court_cases=2, owner_issue=True,
        sales_trend="down", order_book_months=Decimal(0), raw_material_days=60,
    )  # fmt: skip
    # After the year, the unit stalls: +10 points, re-assessed from the same visit (high).
    unit_change_status(
        unit=unit, to_status="stalled", reason="توقف تولید", user=users["admin"],
        changed_on=D(2025, 6, 1), now=NOW,
    )  # fmt: skip
    levels = list(unit.risk_assessments.order_by("id").values_list("visit_id", "level"))
    assert [level for _visit, level in levels] == ["watch", "high"]
    year_1403 = Period(D(2024, 3, 20), D(2025, 3, 21))
    assert one_figure("units_high_risk", Area(), year_1403) == (0, 0)


def test_it_reads_no_portfolio_at_risk_when_nothing_is_outstanding(geo, users):
    from jahesh.funds.models import Repayment
    from jahesh.funds.services import loan_write_off, repayment_record, repayment_reverse

    # given a loan paid once in 2021, that payment reversed in 2025 (dated on the day
    # it is reversed), and then the loan written off as of 2024
    world = World(random.Random(0), users["admin"], users["fund"], [geo["arak"]], None, None, [])
    make_fund(world, geo["arak"], D(2019, 1, 1))
    step_disburse_loan(world)
    loan = world.loans[0]
    first = loan.installments.order_by("number").first()
    repayment_record(
        loan=loan, amount=first.amount, paid_on=loan.disbursed_on + datetime.timedelta(days=40),
        key="once", user=users["fund"], now=NOW,
    )  # fmt: skip
    repayment_reverse(
        repayment=Repayment.objects.get(key="once"), user=users["admin"], reason="چک برگشتی",
        now=at(D(2025, 9, 23)),
    )  # fmt: skip
    loan_write_off(loan=loan, user=users["admin"], on=D(2024, 8, 9), reason="ورشکستگی", now=NOW)
    # then on 2025-09-22 the ledger holds the write-off but not yet the reversal: the
    # balance is negative, nothing is outstanding, and nothing is at risk
    assert one_figure("par30", Area(), FIVE_YEARS) == (0, 0)
