"""Reads of the funds app: balances derived from the ledger, arrears and portfolio
quality, the network table, work lists and the KPIs of kpis.md.

Record lists take the user and go through ``scoped``; figures take an ``Area``.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Case,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy

from jahesh.accounts.roles import Role
from jahesh.accounts.scoping import Area, scoped, users_in_scope
from jahesh.core.approvals import MakerChecker
from jahesh.core.daily import EVER, daily_steps, daily_totals, dated_rows, once
from jahesh.core.digits import to_ascii_digits
from jahesh.core.jalali import add_jalali_months
from jahesh.core.money import round_half_up
from jahesh.core.search import filter_given, search_q
from jahesh.core.text import normalize_key
from jahesh.funds.books import (
    PRINCIPAL_KINDS,
    PRINCIPAL_OUT,
    Quality,
    ledger_balances,
    on_time_rate,
    par30_by_place,
    portfolio_quality,
    savings_by,
)
from jahesh.funds.models import (
    ACTIVE_LOAN_STATUSES,
    Fund,
    Installment,
    LedgerEntry,
    Loan,
    Member,
    Verification,
)

if TYPE_CHECKING:
    from typing import TypedDict

    from django_stubs_ext import WithAnnotations

    class _OldestDue(TypedDict):
        oldest_due: datetime.date

    # A loan of ``overdue_loans``, with the due date of its oldest unpaid installment.
    OverdueLoan = WithAnnotations[Loan, _OldestDue]

Kind = LedgerEntry.Kind
DAY = datetime.timedelta(days=1)


# --- Lists -------------------------------------------------------------------


def fund_list(*, user: Any, search: str = "", county_id: int | None = None) -> QuerySet[Fund]:

    qs = scoped(user, Fund).select_related("county")
    if search:
        qs = qs.filter(Q(name_key__contains=normalize_key(search)) | Q(code__iexact=search.strip()))
    if county_id:
        qs = qs.filter(county_id=county_id)
    return qs.order_by("county__name", "name")


def member_list(*, user: Any, fund: Fund | None = None, search: str = "") -> QuerySet[Member]:

    qs = scoped(user, Member).select_related("fund")
    if fund is not None:
        qs = qs.filter(fund=fund)
    if normalize_key(search):  # a blank key (only spaces or marks) matches every member
        text = to_ascii_digits(search).strip()
        qs = qs.filter(search_q(Member, "name_key", search, also=[Q(national_code=text)]))
    return qs


def loan_list(
    *,
    user: Any,
    fund: Fund | None = None,
    status: str = "",
    member: Member | None = None,
    disbursed_from: datetime.date | None = None,
    disbursed_to: datetime.date | None = None,
) -> QuerySet[Loan]:
    qs = scoped(user, Loan).select_related("fund", "member")
    qs = filter_given(
        qs,
        fund=fund,
        member=member,
        status=status,
        disbursed_on__gte=disbursed_from,
        disbursed_on__lt=disbursed_to,
    )
    return qs.order_by("-requested_on", "-id")


def member_other_funds(*, user: Any, member: Member) -> QuerySet[Member]:
    """The same person (national code) in other funds the user may see."""
    return (
        scoped(user, Member)
        .filter(national_code=member.national_code)
        .exclude(pk=member.pk)
        .select_related("fund")
    )


def due_between(*, user: Any, start: datetime.date, end: datetime.date) -> QuerySet[Installment]:
    """Unpaid installments falling due in [start, end) — the due-this-week list."""
    return (
        scoped(user, Installment)
        .filter(
            due_on__gte=start,
            due_on__lt=end,
            paid_on__isnull=True,
            loan__status__in=ACTIVE_LOAN_STATUSES,
        )
        .select_related("loan__member", "loan__fund")
        .order_by("due_on", "loan_id")
    )


def overdue_loans(*, user: Any, today: datetime.date) -> QuerySet[OverdueLoan]:
    """Active loans with an installment due before today and not paid, with the
    oldest unpaid due date (``oldest_due``) and the amount overdue."""
    unpaid = Installment.objects.filter(loan=OuterRef("pk"), due_on__lt=today, paid_on__isnull=True)
    return (
        scoped(user, Loan)
        .filter(status__in=ACTIVE_LOAN_STATUSES)
        .filter(Exists(unpaid))
        .annotate(oldest_due=Subquery(unpaid.order_by("due_on").values("due_on")[:1]))
        .select_related("member", "fund")
        .order_by("oldest_due", "pk")
    )


def loans_without_verification(*, user: Any, today: datetime.date) -> QuerySet[Loan]:
    """Loans disbursed more than six (Jalali) months ago that nobody has visited."""
    cutoff = add_jalali_months(today, -6)
    return (
        scoped(user, Loan)
        .filter(disbursed_on__lte=cutoff, verifications__isnull=True)
        .select_related("member", "fund")
        .order_by("disbursed_on")
    )


# --- Maker-checker -------------------------------------------------------------

# The one rule of who may approve and pay out a loan: anyone who may open it but
# the user who recorded the request. ``services.loan_flow._maker_checker`` (the guard of
# approval and payment in the loan's workflow) refuses with it,
# the queue and the loan page read it.
LOAN_CHECK = MakerChecker(
    maker="requested_by",
    steps=frozenset({Loan.Status.REQUESTED, Loan.Status.APPROVED}),
    reason=gettext_lazy("تأیید و پرداخت وام باید به دست کاربری جز ثبت‌کنندهٔ درخواست انجام شود."),
)


def loan_check_refusal(*, loan: Loan, user: Any) -> str | None:
    """Why ``user`` may not approve or pay out ``loan`` (None: they may)."""
    return LOAN_CHECK.refusal(loan, user)


def loan_approvers(*, loan: Loan) -> QuerySet[Any]:
    """The users who may approve (or pay out) ``loan``: those who may open it,
    but its maker; the fund's managers first. (Notifications call this.)"""
    managers_first = Case(When(role=Role.FUND_MANAGER, then=0), default=1)
    return LOAN_CHECK.checkers(loan, users_in_scope(loan)).order_by(
        managers_first, "role", "last_name", "first_name", "username"
    )


def loans_awaiting_approval(*, user: Any) -> QuerySet[Loan]:
    """Loans in ``user``'s scope awaiting a checker (approval, then payment) that
    ``user`` may check, the oldest request first."""
    return (
        LOAN_CHECK.awaiting(scoped(user, Loan), user)
        .select_related("fund", "member")
        .order_by("requested_on", "pk")
    )


# --- Jobs --------------------------------------------------------------------


def _latest_verification(as_of_end: datetime.date | None = None) -> QuerySet[Verification]:
    qs = Verification.objects.filter(loan=OuterRef("pk"))
    if as_of_end is not None:
        qs = qs.filter(visited_on__lt=as_of_end)
    return qs.order_by("-visited_on", "-id")


def loans_with_jobs(
    loans: QuerySet[Loan], *, before: datetime.date | None = None
) -> QuerySet[Loan]:
    """Loans annotated with ``jobs_created`` (latest verification's count, 0 when none)
    and ``verified`` (has a visit)."""
    latest = _latest_verification(before)
    return loans.annotate(
        jobs_created=Coalesce(Subquery(latest.values("jobs_found")[:1]), Value(0)),
        women_jobs_created=Coalesce(Subquery(latest.values("women_jobs")[:1]), Value(0)),
        verified=Exists(latest),
    )


def jobs_summary(*, loans: QuerySet[Loan], before: datetime.date | None = None) -> dict[str, int]:
    qs = loans_with_jobs(loans.filter(disbursed_on__isnull=False), before=before)
    row = qs.aggregate(
        jobs=Coalesce(Sum("jobs_created"), 0),
        women=Coalesce(Sum("women_jobs_created"), 0),
        planned_unverified=Coalesce(Sum("planned_jobs", filter=Q(verified=False)), 0),
        principal=Coalesce(Sum("principal"), 0),
    )
    row["cost_per_job"] = row["principal"] // row["jobs"] if row["jobs"] else None
    return row


# --- Fund dashboard and the network table -------------------------------------


def _percent(ratio: Fraction | None) -> float | None:
    return float(ratio * 100) if ratio is not None else None


def fund_dashboard(*, fund: Fund, today: datetime.date) -> dict[str, Any]:
    loans = Loan.objects.filter(fund=fund)
    members = fund.members.aggregate(
        total=Count("pk"),
        women=Count("pk", filter=Q(gender=Member.Gender.FEMALE)),
        active=Count("pk", filter=Q(left_on__isnull=True)),
    )
    quality = portfolio_quality(loans=loans, as_of=today).get(fund.pk, Quality())
    year_ago = today - datetime.timedelta(days=365)
    return {
        "members": members,
        "balances": ledger_balances(fund=fund),
        "loans_by_status": {
            Loan.Status(s).label: n
            for s, n in loans.values_list("status").annotate(n=Count("pk")).order_by("status")
        },
        "disbursed": loans.filter(disbursed_on__isnull=False).aggregate(
            n=Count("pk"), s=Coalesce(Sum("principal"), 0)
        ),
        "quality": quality,
        "on_time": _percent(on_time_rate(loans=loans, start=year_ago, end=today + DAY)),
        "jobs": jobs_summary(loans=loans),
    }


def network_table(*, funds: QuerySet[Fund], today: datetime.date) -> list[dict[str, Any]]:
    """One row per fund: outreach (members, women, borrowers), savings, disbursed,
    PAR30, jobs and cost per job — a fixed handful of grouped queries."""
    fund_list = list(funds.select_related("county"))
    ids = [f.pk for f in fund_list]
    loans = Loan.objects.filter(fund_id__in=ids)
    members: dict[int, Mapping[str, Any]] = {
        r["fund_id"]: r
        for r in Member.objects.filter(fund_id__in=ids)
        .values("fund_id")
        .annotate(n=Count("pk"), women=Count("pk", filter=Q(gender=Member.Gender.FEMALE)))
        .order_by()
    }
    savings = savings_by("fund_id", fund_id__in=ids)
    disbursed: dict[int, Mapping[str, Any]] = {
        r["fund_id"]: r
        for r in loans.filter(disbursed_on__isnull=False)
        .values("fund_id")
        .annotate(n=Count("pk"), s=Sum("principal"), borrowers=Count("member", distinct=True))
        .order_by()
    }
    jobs = {
        r["fund_id"]: r["j"]
        for r in loans_with_jobs(loans.filter(disbursed_on__isnull=False))
        .values("fund_id")
        .annotate(j=Sum("jobs_created"))
        .order_by()
    }
    quality = portfolio_quality(loans=loans, as_of=today)
    rows = []
    for f in fund_list:
        d = disbursed.get(f.pk, {})
        q = quality.get(f.pk, Quality())
        j = jobs.get(f.pk) or 0
        rows.append(
            {
                "fund": f,
                "members": members.get(f.pk, {}).get("n", 0),
                "women": members.get(f.pk, {}).get("women", 0),
                "borrowers": d.get("borrowers", 0),
                "savings": savings.get(f.pk, 0),
                "loans": d.get("n", 0),
                "disbursed": d.get("s") or 0,
                "outstanding": q.outstanding,
                "par30": q.par30_percent,
                "jobs": j,
                "cost_per_job": (d.get("s") or 0) // j if j else None,
            }
        )
    return rows


# --- KPIs (kpis.md) -------------------------------------------------------------
# Periods are half-open [start, end); "at the period's end" is the state on end − 1 day.


def _active_funds(end: datetime.date) -> QuerySet[Fund]:
    last = end - DAY
    return Fund.objects.filter(founded_on__lte=last).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=last)
    )


def kpi_funds_active_records(
    *, area: Area, start: datetime.date, end: datetime.date
) -> QuerySet[Fund]:
    return _active_funds(end).filter(area.q("county")).order_by("county__name", "name")


def kpi_funds_active(
    *, area: Area, start: datetime.date, end: datetime.date, by: str | None = None
) -> dict[int | None, int]:
    return area.totals(_active_funds(end), "county", Count("id"), by=by)


def _disbursed(start: datetime.date, end: datetime.date) -> QuerySet[Loan]:
    return Loan.objects.filter(disbursed_on__gte=start, disbursed_on__lt=end)


def kpi_loans_disbursed_records(
    *, area: Area, start: datetime.date, end: datetime.date
) -> QuerySet[Loan]:
    return (
        _disbursed(start, end)
        .filter(area.q("fund__county"))
        .select_related("fund", "member")
        .order_by("disbursed_on", "pk")
    )


def kpi_loans_disbursed(
    *, area: Area, start: datetime.date, end: datetime.date, by: str | None = None
) -> dict[int | None, int]:
    return area.totals(_disbursed(start, end), "fund__county", Count("id"), by=by)


def kpi_loans_disbursed_rial_records(
    *, area: Area, start: datetime.date, end: datetime.date
) -> QuerySet[Loan]:
    return kpi_loans_disbursed_records(area=area, start=start, end=end)


def kpi_loans_disbursed_rial(
    *, area: Area, start: datetime.date, end: datetime.date, by: str | None = None
) -> dict[int | None, int]:
    return area.totals(_disbursed(start, end), "fund__county", Sum("principal"), by=by)


def kpi_jobs_created_records(
    *, area: Area, start: datetime.date, end: datetime.date
) -> QuerySet[Loan]:
    """Loans disbursed in the period, each with ``jobs_created`` from its latest visit
    dated before the period's end (and ``verified``)."""
    return loans_with_jobs(kpi_loans_disbursed_records(area=area, start=start, end=end), before=end)


def kpi_jobs_created(
    *, area: Area, start: datetime.date, end: datetime.date, by: str | None = None
) -> dict[int | None, int]:
    loans = loans_with_jobs(_disbursed(start, end), before=end)
    return area.totals(loans, "fund__county", Sum("jobs_created"), by=by)


def kpi_jobs_planned_unverified(
    *, area: Area, start: datetime.date, end: datetime.date, by: str | None = None
) -> dict[int | None, int]:
    """Shown beside ``jobs_created``, never added: planned jobs of the period's loans
    that no visit (before the period's end) has checked."""
    loans = loans_with_jobs(_disbursed(start, end), before=end).filter(verified=False)
    return area.totals(loans, "fund__county", Sum("planned_jobs"), by=by)


def kpi_par30_records(*, area: Area, start: datetime.date, end: datetime.date) -> QuerySet[Loan]:
    """Loans with principal outstanding at the period's end that were then more than
    30 days in arrears."""
    last = end - DAY
    late = Installment.objects.filter(
        loan=OuterRef("pk"), due_on__lt=last - datetime.timedelta(days=30)
    ).filter(Q(paid_on__isnull=True) | Q(paid_on__gt=last))
    loans = Loan.objects.filter(area.q("fund__county"), disbursed_on__lte=last)
    outstanding = (
        LedgerEntry.objects.filter(
            loan=OuterRef("pk"),
            entered_on__lte=last,
            kind__in=PRINCIPAL_KINDS,
        )
        .values("loan")
        .annotate(out=PRINCIPAL_OUT)
        .values("out")
    )
    return (
        loans.annotate(outstanding=Subquery(outstanding))
        .filter(outstanding__gt=0)
        .filter(Exists(late))
        .select_related("fund", "member")
        .order_by("pk")
    )


def _par30_parts(area: Area, end: datetime.date, by: str | None) -> dict[Any, tuple[int, int]]:
    """PAR30's two parts at the period's end (``books.par30_by_place``: one
    statement, shared by the two parts of one read inside ``core.daily.shared``)."""
    loans = Loan.objects.filter(area.q("fund__county"), disbursed_on__lte=end - DAY)
    place = {None: None, "county": "fund__county_id", "province": "fund__county__province_id"}
    return par30_by_place(loans=loans, as_of=end - DAY, place=place[by])


def kpi_par30_at_risk(
    *, area: Area, start: datetime.date, end: datetime.date, by: str | None = None
) -> dict[int | None, int]:
    """PAR30's numerator: principal outstanding at the period's end on loans then
    more than 30 days in arrears (rials)."""
    return {k: risk for k, (risk, _out) in once(_par30_parts, area, end, by).items()}


def kpi_par30_outstanding(
    *, area: Area, start: datetime.date, end: datetime.date, by: str | None = None
) -> dict[int | None, int]:
    """PAR30's denominator: all principal outstanding at the period's end (rials)."""
    return {k: out for k, (_risk, out) in once(_par30_parts, area, end, by).items()}


def par30_basis_points(parts: dict[str, int]) -> int:
    """PAR30 at the period's end in basis points (1/100 of a percent, half up):
    1234 means 12.34%. 0 when nothing is outstanding."""

    outstanding = parts["par30_outstanding"]
    if not outstanding:
        return 0
    return round_half_up(Fraction(parts["par30_at_risk"] * 10_000, outstanding))


def savings_by_member(*, fund: Fund) -> dict[int, int]:
    """Each member's savings balance (deposits − withdrawals, reversals included)."""
    return savings_by("member_id", fund=fund)


def quality_by_county(*, per_fund: dict[int | None, Quality]) -> list[dict[str, Any]]:
    """``portfolio_quality``'s per-fund figures rolled up to counties (its ``None``
    entry is the whole scope: the province row)."""
    ids = [k for k in per_fund if k is not None]
    county_of = dict(Fund.objects.filter(pk__in=ids).values_list("pk", "county__name"))
    rows: dict[str, Quality] = defaultdict(Quality)
    for fund_id in ids:
        q, total = per_fund[fund_id], rows[county_of[fund_id]]
        total.outstanding += q.outstanding
        total.at_risk_30 += q.at_risk_30
        total.active_loans += q.active_loans
        total.loans_in_arrears += q.loans_in_arrears
        total.buckets = tuple(a + b for a, b in zip(total.buckets, q.buckets, strict=True))
    return [{"county": name, "quality": q} for name, q in sorted(rows.items())]


# --- Per-day KPI parts (the analytics table's day rows, core.daily) -------------


def kpi_loans_disbursed_daily(*, area: Area) -> dict:
    return daily_totals(_disbursed(*EVER), area=area, place="fund__county", day="disbursed_on",
                        value=Count("id"))  # fmt: skip


def kpi_loans_disbursed_rial_daily(*, area: Area) -> dict:
    return daily_totals(_disbursed(*EVER), area=area, place="fund__county", day="disbursed_on",
                        value=Sum("principal"))  # fmt: skip


# Stock parts: their value at a period's end is the sum of their changes up to it.


def kpi_funds_active_daily(*, area: Area) -> dict:
    """+1 on the day a fund is founded, −1 on the day it closes (a fund closed on
    its founding day is never active): the active funds on a day are the sum up
    to it (``_active_funds``)."""
    funds = Fund.objects.filter(area.q("county")).values_list(
        "county_id", "founded_on", "closed_on"
    )
    return daily_steps(
        (county, [(founded, 1)] + ([(closed, 0)] if closed else []))
        for county, founded, closed in funds
        if closed is None or closed > founded
    )


def _par_steps(area: Area) -> tuple[list, list]:
    """Each loan's principal outstanding (``outstanding_by_loan``: counted from
    its disbursement, when above zero) and the part of it more than 30 days in
    arrears (``portfolio_quality``: an installment due on d and unpaid is late
    from d + 31 until the day it is paid), as steps per loan: the days either
    changes. Three queries, then one pass over each loan's entries (shared by
    the two PAR parts inside ``core.daily.shared``)."""
    loans = Loan.objects.filter(area.q("fund__county"), disbursed_on__isnull=False)
    ledger: dict[int, list[tuple[datetime.date, int]]] = defaultdict(list)
    entries = dated_rows(
        LedgerEntry.objects.filter(loan__in=loans.values("pk"), kind__in=PRINCIPAL_KINDS),
        *("loan_id", "entered_on", "kind", "amount"),
        dates={"entered_on"},
    )
    for loan_id, day, kind, amount in entries:
        ledger[loan_id].append((day, amount if kind == Kind.DISBURSEMENT else -amount))
    late: dict[int, list[tuple[datetime.date, int]]] = defaultdict(list)
    due = dated_rows(
        Installment.objects.filter(loan__in=loans.values("pk")),
        *("loan_id", "due_on", "paid_on"),
        dates={"due_on", "paid_on"},
    )
    month = datetime.timedelta(days=31)
    for loan_id, due_on, paid_on in due:
        start = due_on + month
        if paid_on is None or paid_on > start:
            late[loan_id].append((start, 1))
            if paid_on is not None:
                late[loan_id].append((paid_on, -1))
    outstanding, at_risk = [], []
    rows = dated_rows(loans, "pk", "fund__county_id", "disbursed_on", dates={"disbursed_on"})
    for loan_id, county, disbursed_on in rows:
        moves = sorted(ledger.get(loan_id, ()))
        turns = sorted(late.get(loan_id, ()))
        days = sorted({disbursed_on, *(d for d, _ in moves), *(d for d, _ in turns)})
        i = j = balance = overdue = 0
        out_steps, risk_steps = [], []
        for day in days:
            while i < len(moves) and moves[i][0] <= day:
                balance += moves[i][1]
                i += 1
            while j < len(turns) and turns[j][0] <= day:
                overdue += turns[j][1]
                j += 1
            counted = balance if day >= disbursed_on and balance > 0 else 0
            out_steps.append((day, counted))
            risk_steps.append((day, counted if overdue else 0))
        outstanding.append((county, out_steps))
        at_risk.append((county, risk_steps))
    return outstanding, at_risk


def kpi_par30_outstanding_daily(*, area: Area) -> dict:
    return daily_steps(once(_par_steps, area)[0])


def kpi_par30_at_risk_daily(*, area: Area) -> dict:
    return daily_steps(once(_par_steps, area)[1])


def _jobs_rows(area: Area) -> tuple[dict, dict]:
    """Jobs of the loans disbursed, by disbursement day, with each verification's
    validity: a verification visited on ``lo`` is a loan's latest before ``end``
    when lo < end <= hi, ``hi`` being the next one's day (``loans_with_jobs``);
    a loan's planned jobs are unverified before ``end`` while end <= its first
    visit's day."""
    loans = _disbursed(*EVER).filter(area.q("fund__county"))
    visits: dict[int, list[tuple[datetime.date, int]]] = defaultdict(list)
    for loan_id, day, jobs in (
        Verification.objects.filter(loan__in=loans.values("pk"))
        .order_by("loan_id", "visited_on", "id")
        .values_list("loan_id", "visited_on", "jobs_found")
    ):
        visits[loan_id].append((day, jobs or 0))
    created: dict[tuple, int] = defaultdict(int)
    planned: dict[tuple, int] = defaultdict(int)
    rows = loans.values_list("pk", "fund__county_id", "disbursed_on", "planned_jobs")
    for loan_id, county, disbursed_on, planned_jobs in rows:
        own = visits.get(loan_id, [])
        for i, (day, jobs) in enumerate(own):
            hi = own[i + 1][0] if i + 1 < len(own) else EVER[1]
            if jobs:
                created[(county, disbursed_on, EVER[0], day, hi)] += jobs
        if planned_jobs:
            first = own[0][0] if own else EVER[1]
            planned[(county, disbursed_on, EVER[0], EVER[0], first)] += planned_jobs
    return dict(created), dict(planned)


def kpi_jobs_created_daily(*, area: Area) -> dict:
    return once(_jobs_rows, area)[0]


def kpi_jobs_planned_unverified_daily(*, area: Area) -> dict:
    return once(_jobs_rows, area)[1]
