"""A fund's books and its portfolio's quality, read by the fund pages, the API,
the network table and the PAR figures: the ledger's balances and the
reconciliation checks, each loan's days in arrears, portfolio at risk and
aging (CGAP), and the on-time rate (reference/loans.md)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Case, F, IntegerField, Min, Q, QuerySet, Sum, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from jahesh.core.sql import quote_table
from jahesh.funds import schedule
from jahesh.funds.models import Fund, Installment, LedgerEntry, Loan, Repayment

Kind = LedgerEntry.Kind

# How each kind moves the fund's accounts (+1 adds, −1 takes away).
ACCOUNT_EFFECTS: dict[str, dict[str, int]] = {
    Kind.DEPOSIT: {"cash": 1, "savings": 1},
    Kind.WITHDRAWAL: {"cash": -1, "savings": -1},
    Kind.SPONSOR_IN: {"cash": 1, "sponsor": 1},
    Kind.SPONSOR_OUT: {"cash": -1, "sponsor": -1},
    Kind.DISBURSEMENT: {"cash": -1, "outstanding": 1},
    Kind.REPAY_FEE: {"cash": 1, "fee_income": 1},
    Kind.REPAY_PRINCIPAL: {"cash": 1, "outstanding": -1},
    Kind.WRITE_OFF: {"outstanding": -1, "written_off": 1},
}
ACCOUNTS = ("cash", "savings", "sponsor", "outstanding", "fee_income", "written_off")

# The kinds that move a loan's outstanding principal: the disbursement adds,
# the others take away.
PRINCIPAL_KINDS = (Kind.DISBURSEMENT, Kind.REPAY_PRINCIPAL, Kind.WRITE_OFF)
# The outstanding principal of the ``PRINCIPAL_KINDS`` rows summed.
PRINCIPAL_OUT = Sum(
    Case(
        When(kind=Kind.DISBURSEMENT, then=F("amount")),
        default=-F("amount"),
        output_field=IntegerField(),
    )
)


def savings_by(key: str, **within: object) -> dict[int, int]:
    """The savings balance (deposits − withdrawals, reversals included) per
    ``key`` (``"fund_id"``, ``"member_id"``) of the ledger rows ``within`` selects."""
    balances: dict[int, int] = defaultdict(int)
    rows = (
        LedgerEntry.objects.filter(**within, kind__in=[Kind.DEPOSIT, Kind.WITHDRAWAL])
        .values_list(key, "kind")
        .annotate(s=Sum("amount"))
        .order_by()
    )
    for owner, kind, s in rows:
        balances[owner] += s if kind == Kind.DEPOSIT else -s
    return dict(balances)


# --- Balances and reconciliation --------------------------------------------


def ledger_balances(
    *,
    funds: QuerySet[Fund] | None = None,
    fund: Fund | None = None,
    on_or_before: datetime.date | None = None,
) -> dict[str, int]:
    """Account balances derived from the ledger rows."""
    qs = LedgerEntry.objects.all()
    if fund is not None:
        qs = qs.filter(fund=fund)
    elif funds is not None:
        qs = qs.filter(fund__in=funds)
    if on_or_before:
        qs = qs.filter(entered_on__lte=on_or_before)
    totals = dict(qs.values_list("kind").annotate(s=Sum("amount")).order_by())
    balances = dict.fromkeys(ACCOUNTS, 0)
    for kind, effects in ACCOUNT_EFFECTS.items():
        for account, sign in effects.items():
            balances[account] += sign * (totals.get(kind) or 0)
    return balances


@dataclass(frozen=True)
class Check:
    label: str
    left: int
    right: int

    @property
    def ok(self) -> bool:
        return self.left == self.right


def fund_reconciliation(*, fund: Fund) -> list[Check]:
    """The checks the reconciliation page shows; each compares a ledger figure with
    the same figure reached another way."""
    b = ledger_balances(fund=fund)
    inst = Installment.objects.filter(loan__fund=fund).aggregate(
        fee=Coalesce(Sum("paid_fee"), 0), principal=Coalesce(Sum("paid_principal"), 0)
    )
    repaid = Repayment.objects.filter(loan__fund=fund, reversed_at__isnull=True).aggregate(
        s=Coalesce(Sum("amount"), 0)
    )["s"]
    disbursed = Loan.objects.filter(fund=fund, disbursed_on__isnull=False).aggregate(
        s=Coalesce(Sum("principal"), 0)
    )["s"]
    ledger_disbursed = LedgerEntry.objects.filter(fund=fund, kind=Kind.DISBURSEMENT).aggregate(
        s=Coalesce(Sum("amount"), 0)
    )["s"]
    ledger_repaid = LedgerEntry.objects.filter(
        fund=fund, kind__in=[Kind.REPAY_FEE, Kind.REPAY_PRINCIPAL]
    ).aggregate(s=Coalesce(Sum("amount"), 0))["s"]
    written = LedgerEntry.objects.filter(fund=fund, kind=Kind.WRITE_OFF).aggregate(
        s=Coalesce(Sum("amount"), 0)
    )["s"]
    return [
        Check(
            _("نقد + ماندهٔ وام‌ها = پس‌انداز + وجوه اداره‌شده + کارمزد − سوخت"),
            b["cash"] + b["outstanding"],
            b["savings"] + b["sponsor"] + b["fee_income"] - b["written_off"],
        ),
        Check(_("وام‌های پرداخت‌شده = اسناد پرداخت وام"), disbursed, ledger_disbursed),
        Check(_("بازپرداخت‌های ثبت‌شده = اسناد بازپرداخت"), repaid, ledger_repaid),
        Check(
            _("کارمزد دریافتی در دفتر = کارمزد تخصیص‌یافته به اقساط"), b["fee_income"], inst["fee"]
        ),
        Check(
            _("ماندهٔ اصل وام‌ها در دفتر = اصل پرداخت‌نشدهٔ اقساط (بی سوخت)"),
            b["outstanding"],
            disbursed - inst["principal"] - written,
        ),
    ]


# --- Arrears and quality ------------------------------------------------------


def loan_days_in_arrears(*, loan: Loan, as_of: datetime.date) -> int:
    return schedule.days_in_arrears(loan.installments.values_list("due_on", "paid_on"), as_of)


def outstanding_by_loan(loans: QuerySet[Loan], as_of: datetime.date) -> dict[int, tuple[int, int]]:
    """(fund id, outstanding principal) per loan on ``as_of`` (end of day), from the
    ledger; loans with nothing outstanding are left out (a balance below zero, as
    between a write-off and a later-dated reversal, is nothing outstanding)."""
    rows = (
        LedgerEntry.objects.filter(
            loan__in=loans,
            entered_on__lte=as_of,
            kind__in=PRINCIPAL_KINDS,
        )
        .values("loan_id", "fund_id")
        .annotate(out=PRINCIPAL_OUT)
        .order_by()
    )
    return {r["loan_id"]: (r["fund_id"], r["out"]) for r in rows if r["out"] > 0}


def oldest_unpaid_by_loan(loans: QuerySet[Loan], as_of: datetime.date) -> dict[int, datetime.date]:
    rows = (
        Installment.objects.filter(loan__in=loans, due_on__lte=as_of)
        .filter(Q(paid_on__isnull=True) | Q(paid_on__gt=as_of))
        .values("loan_id")
        .annotate(oldest=Min("due_on"))
        .order_by()
    )
    return {r["loan_id"]: r["oldest"] for r in rows}


@dataclass
class Quality:
    outstanding: int = 0
    at_risk_30: int = 0
    buckets: tuple[int, ...] = (0, 0, 0, 0)  # outstanding principal by aging bucket (4)
    loans_in_arrears: int = 0
    active_loans: int = 0

    @property
    def par30(self) -> Fraction | None:
        return Fraction(self.at_risk_30, self.outstanding) if self.outstanding else None

    @property
    def par30_percent(self) -> float | None:
        return float(self.par30 * 100) if self.par30 is not None else None


def portfolio_quality(*, loans: QuerySet[Loan], as_of: datetime.date) -> dict[int | None, Quality]:
    """Per fund (key = fund id) and in total (key None): outstanding principal, the
    part more than 30 days in arrears (PAR30, CGAP: the whole loan counts), and the
    aging buckets 1–30, 31–60, 61–90, 90+. Two grouped queries, whatever the size."""
    outstanding = outstanding_by_loan(loans, as_of)
    oldest = oldest_unpaid_by_loan(loans, as_of)
    result: dict[int | None, Quality] = defaultdict(Quality)
    for loan_id, (fund_id, out) in outstanding.items():
        days = (as_of - oldest[loan_id]).days if loan_id in oldest else 0
        for key in (fund_id, None):
            q = result[key]
            q.outstanding += out
            q.active_loans += 1
            bucket = schedule.aging_bucket(days)
            if bucket is not None:
                b = list(q.buckets)
                b[bucket] += out
                q.buckets = tuple(b)
                q.loans_in_arrears += 1
            if days > 30:
                q.at_risk_30 += out
    result.setdefault(None, Quality())
    return dict(result)


# PAR30 as one statement (a KPI read at 1,000,000 installments: bench/funds_par.py):
# each loan's principal outstanding at the end of ``as_of`` from its ledger (as
# ``outstanding_by_loan``), and whether an installment due more than 30 days
# before was then unpaid (as ``portfolio_quality``'s days > 30), summed per place.
# The ledger is read in loan order off the (loan, entered_on, kind, amount) index
# (grouped as it is read, no sort), the late installments off (loan, due_on,
# paid_on), for the loans with something outstanding only: neither touches a row.
PAR30_SQL = """
SELECT {place},
       COALESCE(SUM(CASE WHEN EXISTS (
           SELECT 1 FROM {installments} i
           WHERE i.loan_id = per_loan.loan_id AND i.due_on < %s
             AND (i.paid_on IS NULL OR i.paid_on > %s)
       ) THEN per_loan.outstanding ELSE 0 END), 0),
       COALESCE(SUM(per_loan.outstanding), 0)
FROM (
    SELECT e.loan_id,
           SUM(CASE WHEN e.kind = %s THEN e.amount ELSE -e.amount END) AS outstanding
    FROM {ledger} e
    WHERE e.loan_id IN ({loans}) AND e.entered_on <= %s AND e.kind IN (%s, %s, %s)
    GROUP BY e.loan_id
) per_loan{join}
WHERE per_loan.outstanding > 0
{group}
"""


def par30_by_place(
    *, loans: QuerySet[Loan], as_of: datetime.date, place: str | None = None
) -> dict[Any, tuple[int, int]]:
    """(principal more than 30 days in arrears, principal outstanding) on ``as_of``
    (end of day) of ``loans``, per ``place`` (a lookup path from the loan: its
    county or province id) or in total (key None; always present): the figures
    ``portfolio_quality`` gives, in one grouped statement whatever the size."""
    try:
        ids = loans.order_by().values("pk").query.get_compiler(loans.db).as_sql()
    except EmptyResultSet:  # no loan can match (``.none()``, ``pk__in=[]``)
        return {None: (0, 0)} if place is None else {}
    join, group, key, join_params = "", "", "NULL", ()
    if place:
        places, join_params = (
            loans.order_by().values("pk", place).query.get_compiler(loans.db).as_sql()
        )
        join = f" JOIN ({places}) AS p ON p.pk = per_loan.loan_id"
        key = f"p.{connections[loans.db].ops.quote_name(place)}"  # the column's alias
        group = f"GROUP BY {key}"
    sql = PAR30_SQL.format(
        place=key,
        installments=quote_table(Installment, connections[loans.db]),
        ledger=quote_table(LedgerEntry, connections[loans.db]),
        loans=ids[0],
        join=join,
        group=group,
    )
    params = [
        as_of - datetime.timedelta(days=30), as_of, Kind.DISBURSEMENT, *ids[1],
        as_of, Kind.DISBURSEMENT, Kind.REPAY_PRINCIPAL, Kind.WRITE_OFF, *join_params,
    ]  # fmt: skip
    with connections[loans.db].cursor() as cursor:
        cursor.execute(sql, params)
        found = {k: (int(risk), int(out)) for k, risk, out in cursor.fetchall()}
    if place is None:
        return {None: found.get(None, (0, 0))}
    return found


def on_time_rate(
    *, loans: QuerySet[Loan], start: datetime.date, end: datetime.date
) -> Fraction | None:
    """Share (by amount) of installments due in [start, end) that were paid by their due date."""
    row = Installment.objects.filter(loan__in=loans, due_on__gte=start, due_on__lt=end).aggregate(
        due=Coalesce(Sum("amount"), 0),
        on_time=Coalesce(Sum("amount", filter=Q(paid_on__lte=F("due_on"))), 0),
    )
    return Fraction(row["on_time"], row["due"]) if row["due"] else None
