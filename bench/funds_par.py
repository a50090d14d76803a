"""PAR30 for 1,000,000 loans: generating their schedules and rolling up the
portfolio at risk in Python (``jahesh.funds.schedule``), beside a plain SQL
aggregate over the same rows.

    uv run python bench/funds_par.py [N]          # N loans, default 1,000,000

What is measured (all in one run, printed side by side):

1. *schedules*: for each of N synthetic loans (principal 50–500 million rials,
   2–4 %, 12–36 months, disbursed over five years) the fee, every installment's
   amount/fee/principal part and Jalali due date (``schedule.total_fee``,
   ``schedule.amounts``, ``schedule.due_date``) — about 24 installments a loan,
   ~24 million installments, kept in memory only (saving 24M rows is a data-load
   benchmark, not a schedule one);
2. *repayment + roll-up in Python*: each loan pays its first k installments
   (on time, late, stopped), so its outstanding principal and oldest unpaid due
   date follow; PAR30 and the aging buckets are summed per fund and in total;
3. *plain SQL*, the baseline for (2)'s roll-up: the same per-loan rows (loan,
   fund, outstanding, oldest unpaid due) inserted into a SQLite table, then
   ``SUM(CASE …)`` grouped by fund and in total. Both sum the same rows, so
   their agreement checks only the roll-up's arithmetic;
4. *the KPI registry's PAR30* (``reports.figures.kpi_values``, the public entry
   point, whichever implementation is merged: the figure and its two parts) on
   saved loans with 1,000,000 installments and their ledger, beside two
   independent computations of the same figure: one plain SQL statement over
   the ``funds_installment`` table itself (``bench/_par30.py``; also the
   registry's time baseline, target <= 1.5x), and Python from the schedules the
   rows were saved from. All three must agree to the rial.

    uv run python bench/funds_par.py --smoke      # 2,000 loans; 5,000 saved installments

SQLite under /tmp/jahesh-bench-funds-par (throwaway).
"""

from __future__ import annotations

import datetime
import os
import random
import sqlite3
import sys
import time

from _smoke import SMOKE, args, var_dir

VAR = var_dir("/tmp/jahesh-bench-funds-par")
os.environ["DJANGO_SETTINGS_MODULE"] = "jahesh.settings"
os.environ["JAHESH_VAR"] = VAR

import django  # noqa: E402

django.setup()

from jahesh.funds import schedule  # noqa: E402

AS_OF = datetime.date(2025, 10, 26)
FUNDS = 22_000  # the country (DESIGN.md §7)
PAR30_TARGET = 1.5  # issue 12: the registry's PAR30 within 1.5x plain SQL
DAY = datetime.timedelta(days=1)


class Clock:
    def __init__(self, label: str) -> None:
        self.label = label

    def __enter__(self):
        self.w, self.c = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.w, time.process_time() - self.c
        print(f"{self.label:<62} {self.wall:8.2f} s wall {self.cpu:8.2f} s cpu")


def synthetic_loans(n: int):
    rng = random.Random(1399_08_04)
    first = AS_OF - 5 * 365 * DAY
    for i in range(n):
        yield (
            i,
            rng.randrange(FUNDS),
            rng.randrange(50, 501, 10) * 1_000_000,
            rng.choice((2, 3, 4, 4)),
            rng.choice((12, 18, 24, 24, 30, 36)),
            first + rng.randrange(5 * 365 - 30) * DAY,
            rng.random(),
        )


def generate(n: int):
    """(1) schedules and (2) per-loan state after repayments."""
    rows = []  # (loan, fund, outstanding, oldest unpaid due or None)
    installments = 0
    as_of = AS_OF - DAY
    for loan_id, fund, principal, rate, months, disbursed, luck in synthetic_loans(n):
        fee = schedule.total_fee(principal, rate, months)
        lines = schedule.amounts(principal, fee, months, 10_000)
        installments += months
        due = [schedule.due_date(disbursed, k) for k in range(1, months + 1)]
        due_count = sum(1 for d in due if d <= as_of)
        if luck < 0.80:
            paid = due_count  # on time
        elif luck < 0.94:
            paid = max(
                0, due_count - random.Random(loan_id).randint(1, 2)
            )  # late by a month or two
        else:
            paid = min(due_count, int(luck * 1000) % max(1, months))  # stopped paying
        outstanding = principal - sum(p for _a, _f, p in lines[:paid])
        oldest = due[paid] if paid < months and due[paid] <= as_of else None
        if outstanding:
            rows.append((loan_id, fund, outstanding, oldest))
    return rows, installments


def python_rollup(rows):
    as_of = AS_OF - DAY
    threshold = as_of - 30 * DAY
    total = at_risk = 0
    per_fund: dict[int, list[int]] = {}
    buckets = [0, 0, 0, 0]
    for _loan, fund, out, oldest in rows:
        total += out
        f = per_fund.setdefault(fund, [0, 0])
        f[0] += out
        if oldest is not None:
            b = schedule.aging_bucket((as_of - oldest).days)
            if b is not None:
                buckets[b] += out
            if oldest < threshold:
                at_risk += out
                f[1] += out
    return total, at_risk, per_fund, buckets


def sql_rollup(rows):
    path = os.path.join(VAR, "par.sqlite3")
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE loan_state (loan INTEGER PRIMARY KEY, fund INTEGER, outstanding INTEGER, oldest TEXT)"
    )
    with Clock("  insert the same rows into SQLite (not part of either figure)"):
        db.executemany(
            "INSERT INTO loan_state VALUES (?, ?, ?, ?)",
            ((ln, f, o, d.isoformat() if d else None) for ln, f, o, d in rows),
        )
        db.commit()
    threshold = (AS_OF - DAY - 30 * DAY).isoformat()
    with Clock("(3) plain SQL: SUM(CASE) total + GROUP BY fund"):
        total, at_risk = db.execute(
            "SELECT SUM(outstanding), SUM(CASE WHEN oldest < ? THEN outstanding ELSE 0 END) FROM loan_state",
            (threshold,),
        ).fetchone()
        per_fund = db.execute(
            "SELECT fund, SUM(outstanding), SUM(CASE WHEN oldest < ? THEN outstanding ELSE 0 END) "
            "FROM loan_state GROUP BY fund",
            (threshold,),
        ).fetchall()
    db.close()
    return total, at_risk, per_fund


def _median_time(fn, runs: int = 3):
    times, value = [], None
    for _ in range(runs):
        t = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t)
    return sorted(times)[len(times) // 2], value


def orm_sample(target_installments: int) -> bool:
    """(4) the KPI registry's PAR30 over saved installment + ledger rows, beside
    plain SQL over the installment table (``bench/_par30.py``, also the registry's
    time baseline) and Python from the schedules; True when all three agree."""
    from _par30 import agree, basis_points, plain_sql_par30, registry_par30
    from django.core.management import call_command
    from django.utils import timezone

    from jahesh.accounts.scoping import Area
    from jahesh.core.text import normalize_key
    from jahesh.demo.bulkload import fast_bulk_inserts
    from jahesh.funds.models import Fund, Installment, LedgerEntry, Loan, Member
    from jahesh.geo.models import County, Province

    call_command("migrate", verbosity=0)
    p = Province.objects.create(id=28, name="مرکزی", name_key=normalize_key("مرکزی"))
    c = County.objects.create(id=19, name="اراک", name_key=normalize_key("اراک"), province=p)
    now = timezone.now()
    plans = []  # (loan number, plan, luck) until the schedules hold the installments wanted
    installments = 0
    for loan_id, _fund, principal, rate, months, disbursed, luck in synthetic_loans(10**9):
        if installments >= target_installments:
            break
        plan = schedule.build_schedule(
            principal=principal,
            fee_rate=rate,
            months=months,
            disbursed_on=disbursed,
            multiple=10_000,
        )
        plans.append((loan_id, plan, luck, rate, disbursed))
        installments += len(plan.lines)
    n = len(plans)
    with (
        Clock(f"  save {n:,} loans with schedules, payments, ledger (setup)"),
        fast_bulk_inserts(("funds",)),
    ):
        funds = Fund.objects.bulk_create(
            Fund(
                name=f"f{i}",
                name_key=f"f{i}",
                code=f"B{i}",
                county=c,
                founded_on=datetime.date(2019, 1, 1),
            )
            for i in range(100)
        )
        members = Member.objects.bulk_create(
            Member(
                fund=funds[i % 100],
                national_code=f"{i:010d}",
                first_name="a",
                last_name="b",
                gender="f",
                joined_on=datetime.date(2019, 1, 1),
            )
            for i in range(n)
        )
        loans, inst, ledger = [], [], []
        expected = [0, 0]  # (at risk, outstanding) from the schedules, in Python
        for (loan_id, plan, _luck, rate, disbursed), m in zip(plans, members, strict=True):
            loans.append(
                Loan(
                    fund_id=m.fund_id,
                    member=m,
                    number=loan_id + 1,
                    purpose="x",
                    principal=plan.principal,
                    fee_rate=rate,
                    months=len(plan.lines),
                    fee=plan.fee,
                    status="disbursed",
                    requested_on=disbursed,
                    disbursed_on=disbursed,
                    rounding_multiple=10_000,
                )
            )
        Loan.objects.bulk_create(loans, batch_size=5000)
        as_of = AS_OF - DAY
        for i, loan in enumerate(loans):
            _id, plan, luck, _rate, _disbursed = plans[i]
            due_count = sum(1 for line in plan.lines if line.due_on <= as_of)
            paid = due_count if luck < 0.8 else max(0, due_count - 1 - (i % 2))
            _expect(expected, plan, paid, as_of)
            ledger.append(
                LedgerEntry(
                    fund_id=loan.fund_id,
                    loan=loan,
                    kind="disbursement",
                    amount=loan.principal,
                    entered_on=loan.disbursed_on,
                    created_at=now,
                )
            )
            for line in plan.lines:
                done = line.number <= paid
                inst.append(
                    Installment(
                        loan=loan,
                        number=line.number,
                        due_on=line.due_on,
                        amount=line.amount,
                        fee_part=line.fee_part,
                        principal_part=line.principal_part,
                        paid_fee=line.fee_part if done else 0,
                        paid_principal=line.principal_part if done else 0,
                        paid_on=line.due_on if done else None,
                    )
                )
                if done:
                    ledger.append(
                        LedgerEntry(
                            fund_id=loan.fund_id,
                            loan=loan,
                            kind="repay_principal",
                            amount=line.principal_part,
                            entered_on=line.due_on,
                            created_at=now,
                        )
                    )
        Installment.objects.bulk_create(inst, batch_size=5000)
        LedgerEntry.objects.bulk_create(ledger, batch_size=5000)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  rows: {len(inst):,} installments, {len(ledger):,} ledger entries")
    area, start = Area(), datetime.date(2020, 1, 1)
    registry_s, registry = _median_time(lambda: registry_par30(area, start, AS_OF))
    sql_s, sql = _median_time(lambda: plain_sql_par30(AS_OF))
    print(f"(4) PAR30 from the KPI registry (kpi_values), {len(inst):,} installments "
          f"{registry_s * 1000:9.1f} ms (median of 3)")  # fmt: skip
    print(f"    baseline: plain SQL over funds_installment (bench/_par30.py) "
          f"{sql_s * 1000:9.1f} ms (median of 3)")  # fmt: skip
    ratio = registry_s / sql_s
    verdict = "(smoke: not judged)" if SMOKE else ("PASS" if ratio <= PAR30_TARGET else "FAIL")
    print(f"    registry / plain SQL: {ratio:.2f}x (target <= {PAR30_TARGET}x) {verdict}")
    results = {
        "KPI registry (kpi_values)": (registry.get("par30_at_risk"),
                                      registry.get("par30_outstanding"), registry["par30"]),
        "plain SQL over installments": (*sql, basis_points(*sql)),
        "Python from the schedules": (*expected, basis_points(*expected)),
    }  # fmt: skip
    for label, (risk, out, bp) in results.items():
        parts = f"at risk {risk:>16,}  outstanding {out:>16,}" if risk is not None else " " * 51
        print(f"  {label:<28} {parts}  PAR30 {bp / 100:.2f}% ({bp} bp)")
    same = agree(registry, sql) and tuple(expected) == sql
    print(f"  the three identical (to the rial where parts are read): {same}")
    return same


def _expect(totals: list[int], plan, paid: int, as_of: datetime.date) -> None:
    """Add one loan's at-risk and outstanding principal on ``as_of``, from its
    schedule and the number of installments it paid (each on its due date)."""
    out = sum(line.principal_part for line in plan.lines[paid:])
    if not out:
        return
    totals[1] += out
    if paid < len(plan.lines) and plan.lines[paid].due_on < as_of - 30 * DAY:
        totals[0] += out


def _par30_sql(last: datetime.date, kind) -> tuple[int, int]:
    """PAR30's parts on ``last`` in plain SQL over the saved rows: a loan's outstanding
    principal is its ledger's disbursements less principal repaid and written off;
    it is at risk when an installment due more than 30 days before is unpaid then."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH balance AS (
                SELECT loan_id, SUM(CASE WHEN kind = %s THEN amount ELSE -amount END) AS out
                FROM funds_ledgerentry
                WHERE entered_on <= %s AND kind IN (%s, %s, %s)
                GROUP BY loan_id
            ), late AS (
                SELECT DISTINCT loan_id FROM funds_installment
                WHERE due_on < %s AND (paid_on IS NULL OR paid_on > %s)
            )
            SELECT COALESCE(SUM(CASE WHEN loan_id IN (SELECT loan_id FROM late)
                                     THEN out ELSE 0 END), 0),
                   COALESCE(SUM(out), 0)
            FROM balance WHERE out > 0
            """,
            [kind.DISBURSEMENT, last, kind.DISBURSEMENT, kind.REPAY_PRINCIPAL, kind.WRITE_OFF,
             last - 30 * DAY, last],
        )  # fmt: skip
        risk, out = cursor.fetchone()
    return int(risk), int(out)


def main() -> int:
    rest = args()
    n = int(rest[0]) if rest else (2_000 if SMOKE else 1_000_000)
    print(f"{n:,} loans over {FUNDS:,} funds, as of {AS_OF}")
    with Clock("(1)+(2) generate schedules + apply repayments (Python)") as gen:
        rows, installments = generate(n)
    print(
        f"  {installments:,} installments generated; {len(rows):,} loans with principal outstanding"
        f" ({gen.cpu / installments * 1e9:.0f} ns cpu per installment)"
    )
    with Clock("(2) PAR30 roll-up in Python (total, per fund, aging buckets)"):
        total, at_risk, per_fund, buckets = python_rollup(rows)
    s_total, s_risk, s_fund = sql_rollup(rows)
    summed = (total, at_risk) == (s_total, s_risk) and all(
        per_fund[f][:2] == [o, r] for f, o, r in s_fund
    )
    print(
        f"PAR30 Python = {at_risk / total:.4%}   SQL = {s_risk / s_total:.4%}   "
        f"same sums of the same rows (total and every fund): {summed}"
    )
    print("aging buckets (1–30, 31–60, 61–90, 90+ days), rials:", buckets)
    same = orm_sample(5_000 if SMOKE else 1_000_000)
    return 0 if summed and same else 1


if __name__ == "__main__":
    sys.exit(main())
