"""A brute-force recount of every figure of reference/kpis.md, for the tests.

Independent of the app selectors on purpose: :meth:`Tables.load` reads whole
tables as plain rows (``Model.objects.values(...)``), and every figure is then
counted in Python with loops, sets and dicts: no ORM filter on a date or an
area, no aggregation, no app selector, no app rounding helper. When a figure of
``jahesh.reports.figures.kpi_values`` differs from the one counted here, one of
the two has misread kpis.md; the test that compares them names the figure.

The rules, as kpis.md and the registry's definitions state them (the
registry's docstrings fill in what kpis.md leaves to the apps):

- Periods are half-open [start, end); "at the period's end" is the state on
  ``end − 1 day``.
- A record is in an area through its county (a county area: that county; a
  province: its counties; the country: all). Units, visits: the unit's county
  now. Cases opened / resolved: the county stored on the case when it opened
  (the model says a case keeps the unit's place as it was then); but
  closures_prevented and jobs_preserved count units, so a unit's cases count
  where the unit is now. Loans: their fund's county.
  Hours: the camp's county. Projects, services, volunteers: their own county.
- Resolutions belong to the province of their working group; a county's
  resolution figures are its province's.
- ``closures_prevented`` counts a unit once; a case counts only where its
  unit was stalled or at high risk when the case opened (recorded on the
  case). ``jobs_preserved`` sums, per unit counted, ``jobs_preserved`` of its
  latest such case (employees at resolution, recorded on the case).

  Why these three are read from the case, and the only figures' inputs that
  are: each is a snapshot of a moment (the unit's status and risk on the day
  the case opened; its employees, or the number the officer typed, when it was
  resolved). The history tables cannot give them back later: a status change
  or a visit recorded afterwards but dated before the opening rewrites what
  the history says of that day, while kpis.md's rule judges what was on record
  when the case opened. So the recount checks each snapshot when it is taken
  instead: ``test_recount`` derives the status and risk on the opening day
  from the raw status changes and assessments (:func:`unit_status_on`,
  :func:`unit_risk_on`) right after each case opens, and the employees right
  after each resolution, and asserts the case recorded exactly those.
- ``units_high_risk``: the unit's latest visit in the period, and the risk
  level that visit itself put the unit at (the first assessment recorded for
  the visit; later re-assessments that reuse the visit are not the visit's).
- ``resolutions_executed_pct``: of the resolutions due in the period, those
  whose status is now "done" (whenever done); whole per cent, half up; 0 when
  none fell due.
- ``jobs_created``: per loan disbursed in the period, the job count of its
  latest verification dated before the period's end (0 when none);
  ``jobs_planned_unverified``: planned jobs of those loans with no such visit.
- ``par30`` in basis points, half up: outstanding principal (from the ledger,
  entries dated by the period's last day, reversals included) of loans whose
  oldest installment unpaid on that day fell due more than 30 days before it,
  over all outstanding principal; 0 when nothing is outstanding. A balance at
  or below zero on that day (a write-off dated before a later reversal) is
  nothing outstanding. Restructured loans count like any other (loans.md's
  "a restructured loan counts whole" read as the selectors read it).
- ``volunteers``: distinct national codes whose latest status event dated by
  the period's last day made them active (a volunteer with no events:
  registered by then and not inactive since on or before it).
- ``volunteer_hours``: approved hours of camps that started in the period,
  summed, then rounded half up to whole hours.
- Money in integer rials.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from jahesh.accounts.scoping import Area

DAY = datetime.timedelta(days=1)
BESIDE = ("jobs_planned_unverified",)


def half_up(value: Fraction | Decimal | int) -> int:
    """Round a non-negative number half up to an integer (its own arithmetic)."""
    q = Fraction(value)
    if q < 0:
        raise ValueError("figures are never negative")
    return (2 * q.numerator + q.denominator) // (2 * q.denominator)


def _rows(model: Any, *fields: str) -> list[dict[str, Any]]:
    return list(model.objects.order_by().values(*fields))


@dataclass
class Tables:
    """Whole tables as plain rows: the only database reads of the oracle."""

    county_province: dict[int, int]
    units: dict[int, dict]
    status_changes: list[dict]
    visits: list[dict]
    assessments: list[dict]
    cases: list[dict]
    group_province: dict[int, int]
    session_group: dict[int, int]
    resolutions: list[dict]
    funds: dict[int, dict]
    loans: list[dict]
    verifications: list[dict]
    installments: list[dict]
    ledger: list[dict]
    volunteers: list[dict]
    volunteer_events: list[dict]
    camps: dict[int, dict]
    roster: list[dict]
    projects: list[dict]
    funding: list[dict]
    services: list[dict]
    beneficiaries: list[dict]

    @classmethod
    def load(cls) -> Tables:
        from jahesh.clinic.models import Case, Resolution, Session, WorkingGroup
        from jahesh.funds.models import Fund, Installment, LedgerEntry, Loan, Verification
        from jahesh.geo.models import County
        from jahesh.projects.models import (
            DirectService,
            Project,
            ProjectFunding,
            ServiceBeneficiary,
        )
        from jahesh.units.models import RiskAssessment, StatusChange, Unit, Visit
        from jahesh.volunteers.models import Camp, RosterEntry, Volunteer, VolunteerStatusEvent

        return cls(
            county_province={r["id"]: r["province_id"] for r in _rows(County, "id", "province_id")},
            units={r["id"]: r for r in _rows(Unit, "id", "county_id", "status", "employees")},
            status_changes=_rows(
                StatusChange, "id", "unit_id", "changed_on", "from_status", "to_status"
            ),
            visits=_rows(Visit, "id", "unit_id", "visited_on"),
            assessments=_rows(RiskAssessment, "id", "unit_id", "visit_id", "assessed_on", "level"),
            cases=_rows(
                Case, "id", "unit_id", "county_id", "opened_on", "status", "resolved_on",
                "outcome", "jobs_preserved", "unit_status_at_open", "unit_risk_at_open",
            ),
            group_province={r["id"]: r["province_id"] for r in _rows(WorkingGroup, "id", "province_id")},
            session_group={r["id"]: r["group_id"] for r in _rows(Session, "id", "group_id")},
            resolutions=_rows(Resolution, "id", "session_id", "passed_on", "due_on", "status"),
            funds={r["id"]: r for r in _rows(Fund, "id", "county_id", "founded_on", "closed_on")},
            loans=_rows(Loan, "id", "fund_id", "principal", "disbursed_on", "planned_jobs"),
            verifications=_rows(Verification, "id", "loan_id", "visited_on", "jobs_found"),
            installments=_rows(Installment, "loan_id", "due_on", "paid_on"),
            ledger=_rows(LedgerEntry, "loan_id", "kind", "amount", "entered_on"),
            volunteers=_rows(
                Volunteer, "id", "national_code", "county_id", "registered_on", "inactive_since"
            ),
            volunteer_events=_rows(
                VolunteerStatusEvent, "id", "volunteer_id", "to_status", "effective_on", "at"
            ),
            camps={r["id"]: r for r in _rows(Camp, "id", "county_id", "start_date")},
            roster=_rows(RosterEntry, "camp_id", "hours", "status"),
            projects=_rows(Project, "id", "county_id", "status", "actual_end"),
            funding=_rows(ProjectFunding, "project_id", "amount_rial"),
            services=_rows(DirectService, "id", "county_id", "delivered_on", "value_rial"),
            beneficiaries=_rows(ServiceBeneficiary, "service_id", "national_code"),
        )  # fmt: skip


def unit_status_on(tables: Tables, unit_id: int, day: datetime.date) -> str:
    """The unit's status on ``day`` from its status changes: the latest dated on or
    before it; before the first change, that change's "from"; with none, its status."""
    changes = sorted(
        (c["changed_on"], c["id"], c) for c in tables.status_changes if c["unit_id"] == unit_id
    )
    by_then = [c for on, _id, c in changes if on <= day]
    if by_then:
        return by_then[-1]["to_status"]
    if changes and changes[0][2]["from_status"]:
        return changes[0][2]["from_status"]
    return tables.units[unit_id]["status"] or "active"


def unit_risk_on(tables: Tables, unit_id: int, day: datetime.date) -> str:
    """The level of the unit's latest risk assessment dated on or before ``day``
    ("" when none)."""
    found = [
        (a["assessed_on"], a["id"], a["level"])
        for a in tables.assessments
        if a["unit_id"] == unit_id and a["assessed_on"] <= day
    ]
    return max(found)[2] if found else ""


class Recount:
    """Every figure of one area and period, counted from :class:`Tables`."""

    def __init__(self, tables: Tables, *, area: Area, start: datetime.date, end: datetime.date):
        self.t, self.area, self.start, self.end = tables, area, start, end
        self.last = end - DAY

    # --- where and when ---------------------------------------------------------

    def here(self, county_id: int) -> bool:
        if self.area.county_id is not None:
            return county_id == self.area.county_id
        if self.area.province_id is not None:
            return self.t.county_province[county_id] == self.area.province_id
        return True

    def during(self, day: datetime.date | None) -> bool:
        return day is not None and self.start <= day < self.end

    # --- units ------------------------------------------------------------------------

    def units_monitored(self) -> int:
        return len(
            {
                v["unit_id"]
                for v in self.t.visits
                if self.during(v["visited_on"])
                and self.here(self.t.units[v["unit_id"]]["county_id"])
            }
        )

    def units_high_risk(self) -> int:
        latest: dict[int, dict] = {}
        for v in self.t.visits:
            if not self.during(v["visited_on"]):
                continue
            if not self.here(self.t.units[v["unit_id"]]["county_id"]):
                continue
            best = latest.get(v["unit_id"])
            if best is None or (v["visited_on"], v["id"]) > (best["visited_on"], best["id"]):
                latest[v["unit_id"]] = v
        own_level: dict[int, tuple[int, str]] = {}  # visit id → (first assessment id, level)
        for a in self.t.assessments:
            if a["visit_id"] is None:
                continue
            seen = own_level.get(a["visit_id"])
            if seen is None or a["id"] < seen[0]:
                own_level[a["visit_id"]] = (a["id"], a["level"])
        return sum(1 for v in latest.values() if own_level.get(v["id"], (0, ""))[1] == "high")

    # --- clinic -----------------------------------------------------------------------

    def _cases(self) -> list[dict]:
        return [c for c in self.t.cases if self.here(c["county_id"])]

    def cases_opened(self) -> int:
        return sum(1 for c in self._cases() if self.during(c["opened_on"]))

    def _resolved(self) -> list[dict]:
        return [
            c for c in self._cases() if c["status"] == "resolved" and self.during(c["resolved_on"])
        ]

    def cases_resolved(self) -> int:
        return len(self._resolved())

    def _prevented_by_unit(self) -> dict[int, dict]:
        """Per unit counted in closures_prevented (a unit is where it is now), its
        latest such case in the period."""
        latest: dict[int, dict] = {}
        for c in self.t.cases:
            if c["status"] != "resolved" or not self.during(c["resolved_on"]):
                continue
            if not self.here(self.t.units[c["unit_id"]]["county_id"]):
                continue
            if c["outcome"] != "closure_prevented":
                continue
            if not (c["unit_status_at_open"] == "stalled" or c["unit_risk_at_open"] == "high"):
                continue
            best = latest.get(c["unit_id"])
            if best is None or (c["resolved_on"], c["id"]) > (best["resolved_on"], best["id"]):
                latest[c["unit_id"]] = c
        return latest

    def closures_prevented(self) -> int:
        return len(self._prevented_by_unit())

    def jobs_preserved(self) -> int:
        return sum(c["jobs_preserved"] or 0 for c in self._prevented_by_unit().values())

    def _resolutions(self) -> list[dict]:
        if self.area.county_id is not None:
            province = self.t.county_province[self.area.county_id]
        else:
            province = self.area.province_id
        return [
            r
            for r in self.t.resolutions
            if province is None
            or self.t.group_province[self.t.session_group[r["session_id"]]] == province
        ]

    def resolutions_passed(self) -> int:
        return sum(1 for r in self._resolutions() if self.during(r["passed_on"]))

    def resolutions_executed_pct(self) -> int:
        due = [r for r in self._resolutions() if self.during(r["due_on"])]
        if not due:
            return 0
        done = sum(1 for r in due if r["status"] == "done")
        return half_up(Fraction(100 * done, len(due)))

    # --- funds ------------------------------------------------------------------------

    def funds_active(self) -> int:
        return sum(
            1
            for f in self.t.funds.values()
            if self.here(f["county_id"])
            and f["founded_on"] <= self.last
            and (f["closed_on"] is None or f["closed_on"] > self.last)
        )

    def _loans_here(self) -> list[dict]:
        return [
            loan for loan in self.t.loans if self.here(self.t.funds[loan["fund_id"]]["county_id"])
        ]

    def _disbursed(self) -> list[dict]:
        return [loan for loan in self._loans_here() if self.during(loan["disbursed_on"])]

    def loans_disbursed(self) -> int:
        return len(self._disbursed())

    def loans_disbursed_rial(self) -> int:
        return sum(loan["principal"] for loan in self._disbursed())

    def _latest_verification(self) -> dict[int, dict]:
        latest: dict[int, dict] = {}
        for v in self.t.verifications:
            if v["visited_on"] >= self.end:
                continue
            best = latest.get(v["loan_id"])
            if best is None or (v["visited_on"], v["id"]) > (best["visited_on"], best["id"]):
                latest[v["loan_id"]] = v
        return latest

    def jobs_created(self) -> int:
        latest = self._latest_verification()
        return sum(
            latest[loan["id"]]["jobs_found"] for loan in self._disbursed() if loan["id"] in latest
        )

    def jobs_planned_unverified(self) -> int:
        latest = self._latest_verification()
        return sum(loan["planned_jobs"] for loan in self._disbursed() if loan["id"] not in latest)

    def par30(self) -> int:
        last = self.last
        outstanding: dict[int, int] = defaultdict(int)
        for e in self.t.ledger:
            if e["loan_id"] is None or e["entered_on"] > last:
                continue
            if e["kind"] == "disbursement":
                outstanding[e["loan_id"]] += e["amount"]
            elif e["kind"] in ("repay_principal", "write_off"):
                outstanding[e["loan_id"]] -= e["amount"]
        oldest_unpaid: dict[int, datetime.date] = {}
        for i in self.t.installments:
            if i["due_on"] <= last and (i["paid_on"] is None or i["paid_on"] > last):
                seen = oldest_unpaid.get(i["loan_id"])
                oldest_unpaid[i["loan_id"]] = (
                    i["due_on"] if seen is None else min(seen, i["due_on"])
                )
        total = at_risk = 0
        for loan in self._loans_here():
            if loan["disbursed_on"] is None or loan["disbursed_on"] > last:
                continue
            out = outstanding.get(loan["id"], 0)
            if out <= 0:
                continue
            total += out
            oldest = oldest_unpaid.get(loan["id"])
            if oldest is not None and (last - oldest).days > 30:
                at_risk += out
        return half_up(Fraction(10_000 * at_risk, total)) if total else 0

    # --- volunteers -------------------------------------------------------------------

    def volunteers(self) -> int:
        latest: dict[int, dict] = {}
        for e in self.t.volunteer_events:
            if e["effective_on"] > self.last:
                continue
            key = (e["effective_on"], e["at"], e["id"])
            best = latest.get(e["volunteer_id"])
            if best is None or key > (best["effective_on"], best["at"], best["id"]):
                latest[e["volunteer_id"]] = e
        codes = set()
        for v in self.t.volunteers:
            if not self.here(v["county_id"]):
                continue
            if v["id"] in latest:
                active = latest[v["id"]]["to_status"] == "active"
            else:
                active = v["registered_on"] <= self.last and (
                    v["inactive_since"] is None or v["inactive_since"] > self.last
                )
            if active:
                codes.add(v["national_code"])
        return len(codes)

    def volunteer_hours(self) -> int:
        total = Decimal(0)
        for r in self.t.roster:
            camp = self.t.camps[r["camp_id"]]
            if (
                r["status"] == "approved"
                and self.during(camp["start_date"])
                and self.here(camp["county_id"])
            ):
                total += r["hours"]
        return half_up(total)

    # --- projects and services ---------------------------------------------------------

    def _completed(self) -> set[int]:
        return {
            p["id"]
            for p in self.t.projects
            if p["status"] == "completed"
            and self.during(p["actual_end"])
            and self.here(p["county_id"])
        }

    def projects_completed(self) -> int:
        return len(self._completed())

    def projects_value_rial(self) -> int:
        done = self._completed()
        return sum(f["amount_rial"] for f in self.t.funding if f["project_id"] in done)

    def _services(self) -> list[dict]:
        return [
            s
            for s in self.t.services
            if self.during(s["delivered_on"]) and self.here(s["county_id"])
        ]

    def services_value_rial(self) -> int:
        return sum(s["value_rial"] for s in self._services())

    def services_beneficiaries(self) -> int:
        ids = {s["id"] for s in self._services()}
        return len({b["national_code"] for b in self.t.beneficiaries if b["service_id"] in ids})


def recount(
    tables: Tables,
    *,
    area: Area,
    start: datetime.date,
    end: datetime.date,
    codes: tuple[str, ...] | list[str],
) -> dict[str, int]:
    """``codes`` (the registry's, and/or :data:`BESIDE`) counted in ``area`` for [start, end)."""
    r = Recount(tables, area=area, start=start, end=end)
    return {code: int(getattr(r, code)()) for code in codes}
