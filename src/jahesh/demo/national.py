"""Scenario-like data for the whole country (issue 7, item 7: speed at national scale).

``generate_nation(scale=1.0)`` fills every province that has no production
units yet (so the Markazi demo, loaded first, stays exactly as kpis.md fixes
it) with what the Markazi scenario makes, sized so that at ``scale=1.0`` the
country holds about:

- 90,000 production units (2,900 a province) with monitoring visits, status
  changes and risk assessments computed by ``jahesh.units.risk``;
- clinic cases for the units that went through a crisis, working groups,
  sessions and resolutions;
- 22,000 loan funds (710 a province) with members, loans, installments from
  ``jahesh.funds.schedule``, repayments, ledger entries and verification visits;
- 800,000 volunteers (25,800 a province) with groups, camps and rosters;
- 50,000 projects (1,610 a province) with funding rows, and direct services.

It does not write rows of its own design: for each province it runs the apps'
own scenario builders (``<app>/scenario.py``) with the province and the sizes
swapped in. Those builders read their sizes and their province from module
constants (``PROVINCE_ID``, ``CODE_PREFIX``, ``COMPLETED`` …), so the swap is a
temporary patch of those constants (``bulkload.patched``), undone after each province;
everything they write keeps the invariants their selectors rely on (they are
the same code paths as ``jahesh demo``).

Speed (under 10 minutes for the country on SQLite on a quiet 2-core machine):
the builders' ``bulk_create`` calls take the fast paths of
``jahesh.demo.bulkload`` while the generator runs (multi-row INSERT, COPY on
PostgreSQL, row-heavy models built without Django's per-field ``__init__``,
SQLite without fsync, PostgreSQL without per-row foreign-key triggers, each
key checked once at the end, and with its plain indexes built once at the
end); ``fast_inserts=False`` runs Django's own path, and
tests/demo/test_national.py compares the two table by table.

On PostgreSQL the provinces are filled by ``workers`` processes at once (two
by default: a province's time is almost all Python on one core while the server
waits), each on its own connection taking the next province
(``jahesh.demo.processes``), while this process does the bulk mode's setup and
end (indexes, key checks) and makes the rows the provinces share (the clinic's
taxonomy, the volunteers' skills and credential kinds) before they start. Each
province's volunteers' made-up national codes are numbered from the sizes of
the provinces before it, so the rows are those of a one-process run whatever
the order the provinces end in (only the ids interleave). SQLite has one
writer: one process.

It stays a bulk writer on purpose (issue 13, item 4): a single-row service
takes a row lock, a savepoint and an event per record, hours for millions of
rows. The builders it runs call the services' bulk forms where those exist
(``funds.bulk.paper_loans_create``: the same checks and derivations as one
imported loan), and it is those forms' ``bulk_create`` that the fast path
(and COPY) replaces, so the rows keep the services' rules.

Units get the code prefix ``NAT-<province>-``: that is the marker a second run
finds (it refuses to run twice on one database).
"""

from __future__ import annotations

import contextlib
import datetime
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.utils.translation import gettext as _

from jahesh.clinic import scenario as clinic_scenario
from jahesh.clinic.models import Case, CaseEvent, Resolution, Session, WorkingGroup
from jahesh.core.digits import to_persian_digits
from jahesh.core.errors import Conflict, InvalidInput
from jahesh.core.jalali import jalali_today, last_jalali_years
from jahesh.core.text import listed
from jahesh.demo.bulkload import fast_bulk_inserts, fast_rows, patched
from jahesh.demo.bulkmode import (
    generated_tables,
    postgresql_bulk_mode,
    postgresql_session,
    sqlite_bulk_mode,
)
from jahesh.demo.processes import in_processes
from jahesh.demo.registry import ScenarioContext
from jahesh.funds import scenario as funds_scenario
from jahesh.funds.models import (
    Fund,
    Installment,
    LedgerEntry,
    Loan,
    LoanEvent,
    Member,
    Repayment,
    Verification,
)
from jahesh.geo.models import County, Province
from jahesh.geo.services import geo_load
from jahesh.projects import scenario as projects_scenario
from jahesh.projects.models import DirectService, Project, ProjectFunding, ServiceBeneficiary
from jahesh.units import risk as units_risk
from jahesh.units import scenario as units_scenario
from jahesh.units.models import RiskAssessment, StatusChange, Unit, Visit
from jahesh.volunteers import scenario as volunteers_scenario
from jahesh.volunteers.models import Camp, Group, Membership, RosterEntry, Volunteer

if TYPE_CHECKING:
    pass

UNIT_PREFIX = "NAT-"  # units.code of generated units: NAT-<province id>-<n>
WORKERS_ON_POSTGRESQL = 2  # provinces filled at once by default: the machine's cores
MAX_WORKERS = 8

# Per province at scale 1.0 (the country is 31 of these).
PER_PROVINCE = {
    "units": 2_900,
    "funds_active": 700,
    "funds_closed": 18,
    "volunteers_active": 25_800,
    "volunteers_left": 1_400,
    "volunteer_groups": 320,
    "camps": 650,
    "projects_completed": 1_330,
    "projects_completed_before": 50,
    "services": 6_000,
}
# Shares taken from the Markazi scenario (1,100 units: 760 monitored, 80 visited
# only before the window, 250 through a crisis; 110 of those saved by the clinic).
MONITORED_SHARE = 760 / 1100
BEFORE_ONLY_SHARE = 80 / 1100
CRISIS_SHARE = 250 / 1100
PREVENTED_SHARE = 110 / 250
JOBS_PER_FUND = 2.5  # the Markazi scenario verifies 2,146 jobs for 700 funds
PROJECTS_VALUE_PER_COMPLETED = 1_553_000_000_000 / 1_642  # rials, as in Markazi
SERVICES_VALUE_PER_SERVICE = 4_742_000_000_000 / 6_000


def _models() -> list:
    return [
        Unit, Visit, RiskAssessment, StatusChange,
        Case, CaseEvent, WorkingGroup, Session, Resolution,
        Fund, Member, Loan, LoanEvent, Installment, Repayment, LedgerEntry, Verification,
        Volunteer, Group, Membership, Camp, RosterEntry,
        Project, ProjectFunding, DirectService, ServiceBeneficiary,
    ]  # fmt: skip


def table_counts() -> dict[str, int]:
    """Rows per table of the generated kinds (``app.Model`` → count)."""
    return {m._meta.label: m.objects.count() for m in _models()}


@dataclass
class NationReport:
    """What a run made: provinces filled and skipped, rows added per table,
    seconds per app part (summed over the worker processes; "provinces" is the
    wall time of filling them all) and in all."""

    provinces: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    added: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    total_seconds: float = 0.0
    workers: int = 1


def _n(base: int, scale: float) -> int:
    return max(0, round(base * scale))


def default_workers() -> int:
    """Processes filling provinces at once: ``WORKERS_ON_POSTGRESQL`` on
    PostgreSQL outside a transaction, else one (SQLite has one writer; a
    caller's transaction is seen by its own connection only)."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        return WORKERS_ON_POSTGRESQL
    return 1


def generate_nation(
    *,
    scale: float = 1.0,
    seed: int = 1,
    as_of: datetime.date | None = None,
    province_ids: list[int] | None = None,
    log: Callable[[str], None] = print,
    fast_inserts: bool = True,
    workers: int | None = None,
) -> NationReport:
    """Fill every province (or those of ``province_ids``) that has no units yet,
    ``workers`` at a time (default: ``default_workers()``).

    ``fast_inserts=False`` writes with Django's own ``bulk_create`` (the same
    rows, slower; the tests compare the two). Raises Conflict when a previous
    run's units exist (the ``NAT-`` marker)."""
    if not 0 < scale <= 10:
        raise InvalidInput("مقیاس باید عددی بزرگ‌تر از صفر و حداکثر ۱۰ باشد.")
    workers = default_workers() if workers is None else workers
    if not 1 <= workers <= MAX_WORKERS:
        raise InvalidInput(
            _("تعداد پردازه‌ها باید عددی از ۱ تا %(most)s باشد.") % {"most": MAX_WORKERS},
            field="workers",
        )
    if workers > 1 and (connection.vendor != "postgresql" or connection.in_atomic_block):
        raise InvalidInput(
            _(
                "پر کردن هم‌زمان استان‌ها با چند پردازه فقط روی PostgreSQL و بیرون از تراکنش"
                " ممکن است (SQLite یک نویسنده دارد)؛ یک پردازه بخواهید."
            ),
            field="workers",
        )
    if Unit.objects.filter(code__startswith=UNIT_PREFIX).exists():
        raise Conflict(
            _(
                "دادهٔ کشوری پیش‌تر در این پایگاه داده ساخته شده است (واحدهای با کد NAT-)؛ "
                "برای ساخت دوباره از یک پایگاه دادهٔ خالی استفاده کنید."
            )
        )
    if Province.objects.count() < (len(province_ids) if province_ids else 31):
        log(_("تقسیمات کشوری: بارگذاری استان‌ها، شهرستان‌ها، شهرها و روستاها …"))
        geo_load()
    as_of = as_of or jalali_today()
    report = NationReport(workers=workers)
    before = table_counts()
    started = time.monotonic()
    provinces = Province.objects.order_by("id")
    if province_ids:
        provinces = provinces.filter(pk__in=province_ids)
    with_units = set(Unit.objects.values_list("province_id", flat=True).distinct())
    province_list = list(provinces)
    fast = (fast_bulk_inserts, fast_rows) if fast_inserts else ()
    # report.seconds: each app part's time over the provinces (and the workers),
    # the provinces' wall time, then (PostgreSQL) the index builds and key checks
    # at the end
    with (
        sqlite_bulk_mode(),
        postgresql_bulk_mode(seconds=report.seconds),
        contextlib.ExitStack() as stack,
    ):
        for speedup in fast:
            stack.enter_context(speedup())
        jobs = _plan(province_list, with_units, scale, report, log)
        _shared_rows()
        t = time.monotonic()
        _fill(jobs, as_of, seed, scale, report, started, log, workers)
        report.seconds["provinces"] = time.monotonic() - t
    after = table_counts()
    report.added = {label: after[label] - before[label] for label in after}
    report.total_seconds = time.monotonic() - started
    return report


@dataclass
class _Province:
    """One province to fill: its place in the run's list (for the progress
    lines) and the first number of its volunteers' made-up national codes."""

    number: int
    of: int
    province: Province
    counties: list[County]
    first_code: int

    def __str__(self) -> str:
        return f"{self.province.name} (id {self.province.pk})"


def _plan(
    provinces: list[Province],
    with_units: set[int],
    scale: float,
    report: NationReport,
    log: Callable[[str], None],
) -> list[_Province]:
    """The provinces to fill, each with its code numbers counted from the sizes
    of those before it (what a one-process run's count finds), the others
    reported as skipped."""
    jobs = []
    code = volunteers_scenario.made_up_codes() + 1
    for i, province in enumerate(provinces, start=1):
        if province.pk in with_units:
            report.skipped.append(province.name)
            log(
                _("[%(number)s/%(of)s] %(province)s: داده دارد (دادهٔ نمایشی)؛ رد شد")
                % {"number": i, "of": len(provinces), "province": province.name}
            )
            continue
        counties = list(County.objects.filter(province=province).order_by("id"))
        if not counties:
            report.skipped.append(province.name)
            log(
                _("[%(number)s/%(of)s] %(province)s: شهرستانی ندارد؛ رد شد")
                % {"number": i, "of": len(provinces), "province": province.name}
            )
            continue
        jobs.append(_Province(i, len(provinces), province, counties, code))
        if _n(PER_PROVINCE["volunteers_active"], scale):  # (else _volunteers makes none)
            code += _n(PER_PROVINCE["volunteers_active"], scale)
            code += _n(PER_PROVINCE["volunteers_left"], scale)
    return jobs


def _shared_rows() -> None:
    """The rows every province's builders get or create on first use, made
    before the provinces (which may be filled at once) start: the units' risk
    settings row, the clinic's obstacle taxonomy and settings row, the
    volunteers' skills and credential kinds (tests/demo/test_national.py
    compares every table of a two-process run with a one-process run's)."""
    units_risk.current_settings()
    clinic_scenario.taxonomy_load()
    volunteers_scenario._skills()


def _fill(
    jobs: list[_Province],
    as_of: datetime.date,
    seed: int,
    scale: float,
    report: NationReport,
    started: float,
    log: Callable[[str], None],
    workers: int,
) -> None:
    def done(job: _Province, result: tuple[float, dict[str, float]]) -> None:
        took, seconds = result
        for part, value in seconds.items():
            report.seconds[part] = report.seconds.get(part, 0.0) + value
        report.provinces.append(job.province.name)
        log(
            _(
                "[%(number)s/%(of)s] %(province)s: %(seconds).1f ثانیه"
                " (گذشته: %(elapsed).0f ثانیه؛ %(parts)s)"
            )
            % {
                "number": job.number,
                "of": job.of,
                "province": job.province.name,
                "seconds": took,
                "elapsed": time.monotonic() - started,
                "parts": listed(
                    _("%(part)s %(seconds).0f ثانیه") % {"part": k, "seconds": v}
                    for k, v in report.seconds.items()
                ),
            }
        )

    def work(job: _Province) -> tuple[float, dict[str, float]]:
        return _province(job, as_of, seed, scale)

    if workers == 1:
        for job in jobs:
            done(job, work(job))
        return
    tables = generated_tables()
    in_processes(
        jobs, work, count=workers, on_result=done, setup=lambda: postgresql_session(tables)
    )


def _province(
    job: _Province, as_of: datetime.date, seed: int, scale: float
) -> tuple[float, dict[str, float]]:
    """Fill one province, each app part in a transaction of its own; its time
    and each part's."""
    t0 = time.monotonic()
    ctx = ScenarioContext(
        name=f"nation-{job.province.pk}", as_of=as_of, seed=seed, log=lambda _line: None
    )
    ctx.shared["volunteer_first_code"] = job.first_code
    seconds = {}
    for part, build in (
        ("units", _units),
        ("clinic", _clinic),
        ("funds", _funds),
        ("volunteers", _volunteers),
        ("projects", _projects),
    ):
        t = time.monotonic()
        with transaction.atomic():
            build(ctx, job.province, job.counties, scale)
        seconds[part] = time.monotonic() - t
    return time.monotonic() - t0, seconds


# --- One province, one app part ---------------------------------------------------


def _units(ctx, province, counties, scale: float) -> None:
    total = _n(PER_PROVINCE["units"], scale)
    if total == 0:
        return
    monitored = round(total * MONITORED_SHARE)
    with patched(units_scenario, CODE_PREFIX=f"{UNIT_PREFIX}{province.pk:02d}-"):
        units_scenario._create(
            ctx,
            counties,
            total=total,
            monitored=monitored,
            before_only=round(total * BEFORE_ONLY_SHARE),
            crisis=min(monitored, round(total * CRISIS_SHARE)),
        )
        units_scenario._publish(ctx)


def _clinic(ctx, province, counties, scale: float) -> None:
    crisis_on = dict(ctx.shared.get("units_high_risk_on") or {})
    prevented = int(len(crisis_on) * PREVENTED_SHARE)
    if prevented < 1:
        return
    with patched(clinic_scenario, PROVINCE_ID=province.pk, PREVENTED=prevented):
        clinic_scenario._Builder(ctx, crisis_on).run()


def _funds(ctx, province, counties, scale: float) -> None:
    """``funds.funds_scenario.create``, step by step, so that finding the jobs target
    repeats only the visits: the builder wants exactly ``jobs_target`` verified
    jobs and says how many its loans reached ("163 jobs instead of 175"); the
    same draws (the random state before the visits, restored) then reach that
    many exactly. The rows are those of ``create`` with the target found."""
    active = _n(PER_PROVINCE["funds_active"], scale)
    if active == 0:
        return
    target = max(1, int(active * JOBS_PER_FUND))
    with patched(funds_scenario, CODE_PREFIX=f"NAT{province.pk:02d}F"):
        rng, as_of = ctx.rng("funds"), ctx.as_of
        start, end = last_jalali_years(as_of, 5)
        first, last = start + funds_scenario.MARGIN, end - funds_scenario.MARGIN
        closed = _n(PER_PROVINCE["funds_closed"], scale)
        funds = funds_scenario._create_funds(rng, counties, active, closed, first, last, as_of)
        members = funds_scenario._create_members(rng, funds, as_of)
        now = ctx.clock()
        plans = funds_scenario._plan_loans(rng, funds, members, first, last, as_of, now)
        funds_scenario._write_loans(rng, plans, as_of, now)
        before_visits = rng.getstate()
        for _attempt in range(3):
            rng.setstate(before_visits)
            try:
                funds_scenario._create_visits(rng, plans, first, last, start, target)
                break
            except RuntimeError as exc:
                found = re.match(r"funds scenario: (\d+) jobs instead", str(exc))
                if not found or int(found.group(1)) < 1:
                    raise
                target = int(found.group(1))
        else:
            raise RuntimeError(f"funds: no jobs target fits in {province.name}")
        funds_scenario._create_money(rng, funds, members, plans, now)


def _volunteers(ctx, province, counties, scale: float) -> None:
    active = _n(PER_PROVINCE["volunteers_active"], scale)
    if active == 0:
        return
    rng = ctx.rng("volunteers")
    start, end = last_jalali_years(ctx.as_of, 5)
    volunteers_scenario._flag_deprived_villages(rng, province)
    villages = volunteers_scenario.camp_villages(province)
    skills = volunteers_scenario._skills()
    actor = ctx.actor(province.pk)
    people = volunteers_scenario._volunteers(
        rng, counties, start, end, active=active, left=_n(PER_PROVINCE["volunteers_left"], scale),
        actor=actor, first_code=ctx.shared["volunteer_first_code"],
    )  # fmt: skip
    volunteers_scenario._skills_and_credentials(rng, people, skills, end, actor)
    group_rows = volunteers_scenario._groups(
        rng, counties, people, start, max(1, _n(PER_PROVINCE["volunteer_groups"], scale)), actor
    )
    camps = _n(PER_PROVINCE["camps"], scale)
    if villages and camps:
        # Camp titles are numbered per province; the builder finds its camps by
        # title, so each province's titles carry its name.
        def numbered(n, _name=province.name):
            return f"{to_persian_digits(n)} {_name}"

        with patched(volunteers_scenario, to_persian_digits=numbered):
            volunteers_scenario._camps(rng, group_rows, villages, skills, start, end, camps, actor)
    ctx.shared["volunteer_group_ids"] = list(
        Group.objects.filter(county__province=province).values_list("id", flat=True)
    )
    ctx.shared["camp_ids"] = list(
        Camp.objects.filter(county__province=province).values_list("id", flat=True)
    )


def _projects(ctx, province, counties, scale: float) -> None:
    completed = _n(PER_PROVINCE["projects_completed"], scale)
    services = _n(PER_PROVINCE["services"], scale)
    start, end = last_jalali_years(ctx.as_of, 5)
    first, last = (
        start + projects_scenario.MARGIN,
        end - projects_scenario.MARGIN - datetime.timedelta(days=1),
    )
    places = projects_scenario._places(province)
    if not places:
        return
    rng = ctx.rng("projects")
    open_counts = {status: _n(n, scale) for status, n in projects_scenario.OPEN.items()}
    with patched(
        projects_scenario,
        COMPLETED=completed,
        COMPLETED_BEFORE_WINDOW=_n(PER_PROVINCE["projects_completed_before"], scale),
        OPEN=open_counts,
        PROJECTS_VALUE_RIAL=round(completed * PROJECTS_VALUE_PER_COMPLETED / 10_000_000)
        * 10_000_000,
        SERVICES=services,
        SERVICES_VALUE_RIAL=round(services * SERVICES_VALUE_PER_SERVICE / 10_000_000) * 10_000_000,
    ):
        if completed:
            projects_scenario._projects(ctx, rng, places, first, last)
        if services:
            projects_scenario._services(ctx, rng, province, places, first, last)
