"""Demo part: Markazi's interest-free loan funds (kpis.md).

For the window ``last_jalali_years(as_of, 5)`` it yields exactly 700 funds active
at the as-of date (plus a few closed earlier), members keyed by valid national
codes (a few people in two funds), savings, sponsor capital, loans over the
five years with realistic repayment (most on time, some late, some in arrears,
a few written off), guarantees, and verification visits whose latest counts
add up to exactly ``JOBS_TARGET`` (between 2,100 and 2,200) for loans disbursed
in the window. Every dated record of the window lies at least 7 days inside its
ends. Written with ``bulk_create`` (tens of thousands of installments) and
idempotent: a second run only re-links the demo ``fund`` user.
"""

from __future__ import annotations

import datetime
import operator
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from jahesh.core.jalali import last_jalali_years
from jahesh.funds import bulk, services
from jahesh.funds.models import (
    Fund,
    GuaranteeDocument,
    Installment,
    Loan,
    LoanEvent,
    Member,
    Verification,
)
from jahesh.geo.models import City, County, Village

PROVINCE_ID = 28  # Markazi
CODE_PREFIX = "MKZ-F"
ACTIVE_FUNDS = 700
CLOSED_FUNDS = 18
JOBS_TARGET = 2_146
MARGIN = datetime.timedelta(days=7)
DAY = datetime.timedelta(days=1)
NOTE = "سابقهٔ دفتر صندوق"  # the note of a paper loan's workflow trail

COUNTY_WEIGHTS = {
    "اراک": 30,
    "ساوه": 18,
    "شازند": 9,
    "خمین": 8,
    "محلات": 6,
    "دلیجان": 6,
    "زرندیه": 6,
}
SPONSORS = (
    "ستاد اجرایی فرمان امام (بنیاد برکت)",
    "کمیته امداد امام خمینی",
    "قرارگاه جهش تولید",
    "خیّرین محلی",
    "بنیاد علوی",
)
FIRST_F = (
    "زهرا",
    "فاطمه",
    "مریم",
    "معصومه",
    "زینب",
    "سمیه",
    "لیلا",
    "طاهره",
    "سکینه",
    "اعظم",
    "نرگس",
    "رقیه",
)
FIRST_M = (
    "علی",
    "محمد",
    "حسین",
    "رضا",
    "مهدی",
    "حسن",
    "جواد",
    "احمد",
    "مصطفی",
    "عباس",
    "اکبر",
    "قاسم",
)
LAST = (
    "احمدی",
    "محمدی",
    "رضایی",
    "حسینی",
    "کریمی",
    "موسوی",
    "جعفری",
    "قاسمی",
    "اکبری",
    "صالحی",
    "نوری",
    "رحیمی",
    "یوسفی",
    "کاظمی",
    "عباسی",
    "فراهانی",
    "آشتیانی",
    "تفرشی",
    "خمینی‌پور",
    "شازندی",
)
PURPOSES = (
    ("قالی‌بافی", Loan.JobKind.HOME),
    ("خیاطی خانگی", Loan.JobKind.HOME),
    ("دامداری سبک", Loan.JobKind.SELF),
    ("پرورش زنبور عسل", Loan.JobKind.SELF),
    ("گلخانهٔ کوچک", Loan.JobKind.SELF),
    ("نانوایی سنتی", Loan.JobKind.WORKSHOP),
    ("تعمیرگاه", Loan.JobKind.WORKSHOP),
    ("صنایع دستی", Loan.JobKind.HOME),
    ("فرآوری لبنیات", Loan.JobKind.WORKSHOP),
    ("پرورش قارچ", Loan.JobKind.SELF),
    ("مرغداری بومی", Loan.JobKind.SELF),
    ("آرایشگری", Loan.JobKind.SELF),
)
MOSQUES = (
    "جامع",
    "امام حسین (ع)",
    "حضرت ابوالفضل (ع)",
    "امام رضا (ع)",
    "المهدی (عج)",
    "صاحب‌الزمان (عج)",
    "حضرت زهرا (س)",
    "امام علی (ع)",
    "قائم (عج)",
    "جواد الائمه (ع)",
)


_CHECK_WEIGHTS = range(10, 1, -1)


def national_code(n: int) -> str:
    """The n-th demo national code: a 9-digit body and its check digit (always valid)."""
    body = f"{(n * 7_919_317 + 12_345_678) % 1_000_000_000:09d}"  # spread, no repeats
    if body[3:9] == "000000" or len(set(body)) == 1:
        body = "1" + body[1:8] + "7"
    s = sum(map(operator.mul, map(int, body[:9]), _CHECK_WEIGHTS)) % 11  # digit i weighs 10 - i
    return body + str(s if s < 2 else 11 - s)


def build(ctx) -> None:
    if not Fund.objects.filter(code__startswith=CODE_PREFIX).exists():
        counties = list(County.objects.filter(province_id=PROVINCE_ID).order_by("id"))
        if not counties:
            ctx.log("  " + _("صندوق‌ها: شهرستان‌های مرکزی بار نشده‌اند؛ رد شد"))
            return
        with transaction.atomic():
            stats = create(
                ctx, counties, active=ACTIVE_FUNDS, closed=CLOSED_FUNDS, jobs_target=JOBS_TARGET
            )
        ctx.log(
            "  "
            + _("صندوق‌ها: %(funds)s صندوق، %(members)s عضو، %(loans)s وام، %(visits)s بازدید")
            % stats
        )
    _link_demo_manager()


def _link_demo_manager() -> None:
    user = get_user_model().objects.filter(username="fund").first()
    first = (
        Fund.objects.filter(code__startswith=CODE_PREFIX, closed_on__isnull=True)
        .order_by("code")
        .first()
    )
    if user is not None and first is not None:
        first.managers.add(user)
    # ...and of the first fund with a request waiting for approval, so the demo
    # manager has loans to approve (and is told of them: notifications).
    waiting = (
        Fund.objects.filter(
            code__startswith=CODE_PREFIX,
            closed_on__isnull=True,
            loans__status=Loan.Status.REQUESTED,
        )
        .order_by("code")
        .first()
    )
    if user is not None and waiting is not None:
        waiting.managers.add(user)


@dataclass
class _LoanPlan:
    paper: bulk.PaperLoan  # checked and derived by the funds service
    guarantors: list[Member]
    payments: list[tuple[datetime.date, int, int, int]] = field(
        default_factory=list
    )  # (day, number, fee, principal)
    written_off_on: datetime.date | None = None

    @property
    def loan(self) -> Loan:
        return self.paper.loan

    @property
    def lines(self) -> list[Installment]:
        return self.paper.installments


def _rand_date(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randint(0, max(0, (last - first).days)))


def create(
    ctx, counties: list[County], *, active: int, closed: int, jobs_target: int
) -> dict[str, int]:
    """Create the funds and everything in them; returns counts for the log."""
    rng = ctx.rng("funds")
    as_of = ctx.as_of
    start, end = last_jalali_years(as_of, 5)
    first, last = start + MARGIN, end - MARGIN  # every dated record of the window lies in here
    funds = _create_funds(rng, counties, active, closed, first, last, as_of)
    members = _create_members(rng, funds, as_of)
    now = ctx.clock()  # the services judge "not in the future" against it
    plans = _plan_loans(rng, funds, members, first, last, as_of, now)
    _write_loans(rng, plans, as_of, now)
    visits = _create_visits(rng, plans, first, last, start, jobs_target)
    _create_money(rng, funds, members, plans, now)
    return {
        "funds": len(funds),
        "members": sum(len(m) for m in members.values()),
        "loans": len(plans),
        "visits": visits,
    }


def _create_funds(rng, counties, active, closed, first, last, as_of) -> list[Fund]:
    weights = [COUNTY_WEIGHTS.get(c.name, 4) for c in counties]
    villages: dict[int, list[Village]] = {}
    for v in (
        Village.objects.filter(county__in=counties).only("id", "county_id", "name").order_by("id")
    ):
        villages.setdefault(v.county_id, []).append(v)
    cities: dict[int, list[City]] = {}
    for c in (
        City.objects.filter(county__in=counties).only("id", "county_id", "name").order_by("id")
    ):
        cities.setdefault(c.county_id, []).append(c)
    funds = []
    for i in range(active + closed):
        county = rng.choices(counties, weights=weights)[0]
        in_village = rng.random() < 0.65 and villages.get(county.pk)
        village = rng.choice(villages[county.pk]) if in_village else None
        city = (
            None if village else (rng.choice(cities[county.pk]) if cities.get(county.pk) else None)
        )
        place = village.name if village else (city.name if city else county.name)
        host = rng.choices(list(Fund.Host), weights=[60, 25, 10, 5])[0]
        host_name = f"مسجد {rng.choice(MOSQUES)}" if host == Fund.Host.MOSQUE else ""
        name = f"صندوق قرض‌الحسنه {host_name or Fund.Host(host).label} {place}"
        is_closed = i >= active
        # The programme founded most funds inside the window; a tenth are older.
        if is_closed or rng.random() < 0.1:
            founded = first - datetime.timedelta(days=rng.randint(30, 1500))
        else:
            founded = _rand_date(rng, first, min(last, as_of - datetime.timedelta(days=120)))
        closed_on = (
            _rand_date(rng, max(first, founded + 400 * DAY), last - 30 * DAY) if is_closed else None
        )
        funds.append(
            dict(
                name=name,
                code=f"{CODE_PREFIX}{i + 1:04d}",
                county=county,
                city=city,
                village=village,
                host=host,
                host_name=host_name,
                founded_on=founded,
                closed_on=closed_on,
                status=Fund.Status.CLOSED if is_closed else Fund.Status.ACTIVE,
                fee_rate=Decimal(rng.choice([2, 3, 4, 4, 4])),
                rounding_multiple=10_000,
                min_membership_months=3,
                min_savings_rial=5_000_000,
                credit_multiple=Decimal(10),
            )
        )
    return services.funds_create(services.funds_build(funds))


def _create_members(rng, funds, as_of) -> dict[int, list[Member]]:
    rows, seen = [], []
    n = 0
    for fund in funds:
        size = rng.randint(14, 40)
        horizon = (fund.closed_on or as_of) - 30 * DAY
        in_fund: set[str] = set()
        for k in range(size):
            if k >= 3 and seen and rng.random() < 0.02:
                code, first_name, last_name, gender = rng.choice(
                    seen
                )  # the same person in a second fund
                if code in in_fund:
                    continue
            else:
                n += 1
                gender = "f" if rng.random() < 0.55 else "m"
                first_name = rng.choice(FIRST_F if gender == "f" else FIRST_M)
                last_name = rng.choice(LAST)
                code = national_code(n)
                seen.append((code, first_name, last_name, gender))
            in_fund.add(code)
            joined = (
                fund.founded_on
                if k < 8
                else _rand_date(rng, fund.founded_on, max(fund.founded_on, horizon))
            )
            rows.append(
                services.MemberFields(
                    fund=fund,
                    national_code=code,
                    first_name=first_name,
                    last_name=last_name,
                    mobile=f"09{rng.randint(10, 39)}{rng.randint(0, 9_999_999):07d}",
                    gender=gender,
                    joined_on=joined,
                    board_role=(
                        Member.BoardRole.CHAIR,
                        Member.BoardRole.TREASURER,
                        Member.BoardRole.SECRETARY,
                    )[k]
                    if k < 3
                    else "",
                )
            )
    created = services.members_create(rows)
    by_fund: dict[int, list[Member]] = {}
    for m in created:
        by_fund.setdefault(m.fund_id, []).append(m)
    return by_fund


def _plan_loans(rng, funds, members, first, last, as_of, now) -> list[_LoanPlan]:
    """Each loan checked and derived by ``funds.bulk`` (the rules an import meets)."""
    plans = []
    for fund in funds:
        eligible = [m for m in members.get(fund.pk, []) if not m.board_role]
        if len(eligible) < 3:
            continue
        open_from = max(fund.founded_on + 100 * DAY, first - 900 * DAY)
        open_to = min(fund.closed_on - 60 * DAY if fund.closed_on else last, last)
        if open_to <= open_from:
            continue
        count = rng.choices([1, 2, 3, 4, 5, 6], weights=[10, 22, 28, 20, 12, 8])[0]
        number = 0
        for _loan in range(count):
            disbursed = _rand_date(rng, open_from, open_to)
            if first - MARGIN <= disbursed < first:
                disbursed = first  # keep the window's records 7 days inside its ends
            borrowers = [m for m in eligible if m.joined_on + 100 * DAY <= disbursed]
            if not borrowers:
                continue
            member = rng.choice(borrowers)
            number += 1
            purpose, kind = rng.choice(PURPOSES)
            planned = rng.choices([1, 2, 3, 4], weights=[55, 28, 12, 5])[0]
            paper = bulk.paper_loan_build(
                fund=fund,
                member=member,
                number=number,
                purpose=purpose,
                principal=rng.randrange(50, 501, 10) * 1_000_000,
                months=rng.choice([12, 18, 24, 24, 30, 36]),
                requested_on=disbursed - rng.randint(12, 45) * DAY,
                approved_on=disbursed - rng.randint(1, 10) * DAY,
                disbursed_on=disbursed,
                job_kind=kind,
                planned_jobs=planned,
                planned_women_jobs=planned if member.gender == "f" else 0,
                user=None,
                now=now,
            )
            others = [m for m in eligible if m.pk != member.pk]
            plans.append(
                _LoanPlan(
                    paper=paper, guarantors=rng.sample(others, min(len(others), rng.choice([1, 2])))
                )
            )
        # A few fresh requests waiting for the board (no money moved yet).
        if fund.closed_on is None and rng.random() < 0.08:
            member = rng.choice(eligible)
            number += 1
            status = rng.choice([Loan.Status.REQUESTED, Loan.Status.APPROVED])
            requested = as_of - rng.randint(3, 40) * DAY
            plans.append(
                _LoanPlan(
                    paper=bulk.paper_loan_build(
                        fund=fund,
                        member=member,
                        number=number,
                        purpose=rng.choice(PURPOSES)[0],
                        principal=rng.randrange(50, 301, 10) * 1_000_000,
                        months=24,
                        requested_on=requested,
                        approved_on=requested + DAY if status == Loan.Status.APPROVED else None,
                        in_queue=rng.random() < 0.5,
                        user=None,
                        now=now,
                    ),
                    guarantors=[],
                )
            )
    return plans


def _plan_repayments(rng, plan: _LoanPlan, as_of: datetime.date) -> None:
    """Most pay on time; some late; a few stop paying (written off after a year)."""
    loan = plan.loan
    today = as_of - DAY
    behaviour = rng.choices(["on_time", "late", "stops"], weights=[76, 18, 6])[0]
    stop_after = rng.randint(1, max(1, loan.months - 2)) if behaviour == "stops" else None
    previous = loan.disbursed_on
    for line in plan.lines:
        if stop_after is not None and line.number > stop_after:
            break
        delay = rng.randint(-5, 3) if behaviour == "on_time" else rng.randint(5, 75)
        day = max(previous, line.due_on + delay * DAY, loan.disbursed_on + DAY)
        if day > today or (
            behaviour == "late" and line.due_on > today - 25 * DAY and rng.random() < 0.5
        ):
            break
        plan.payments.append((day, line.number, line.fee_part, line.principal_part))
        previous = day
    unpaid_since = (
        plan.lines[len(plan.payments)].due_on if len(plan.payments) < len(plan.lines) else None
    )
    if behaviour == "stops" and unpaid_since and unpaid_since + 400 * DAY < today:
        plan.written_off_on = min(unpaid_since + 380 * DAY, today - 10 * DAY)


def _write_loans(rng, plans: list[_LoanPlan], as_of: datetime.date, now) -> None:
    """Add each disbursed loan's repayment history to what the service derived
    (its payments, a write-off), through the paper loans' bulk form, which checks
    and derives them as the services would (paid installments, a settled loan's
    status, the ledger rows), then write the loans, their guarantors and cheques."""
    for plan in plans:
        loan = plan.loan
        if loan.disbursed_on is None:
            continue
        _plan_repayments(rng, plan, as_of)
        payments = [
            (day, fee + principal, f"demo:{loan.fund.code}:{loan.number}:{number}")
            for day, number, fee, principal in plan.payments
        ]
        bulk.paper_repayments_add(plan.paper, payments, user=None, now=now)
        if plan.written_off_on:
            bulk.paper_loan_write_off(
                plan.paper,
                on=plan.written_off_on,
                reason="سوخت پس از یک سال عدم پرداخت",
                user=None,
                now=now,
            )
    bulk.paper_loans_create([p.paper for p in plans])
    guarantors, documents = [], []
    for plan in plans:
        loan = plan.loan
        guarantors += [services.guarantor_build(loan=loan, member=m) for m in plan.guarantors]
        if loan.disbursed_on:
            document = services.guarantee_document_build(
                loan=loan,
                kind=rng.choice(list(GuaranteeDocument.Kind)),
                number=f"{rng.randint(100000, 999999)}",
                bank=rng.choice(["ملی", "ملت", "صادرات", "کشاورزی", "رفاه", "سپه"]),
                amount=loan.principal + loan.fee,
            )
            # returned when the last payment settled the loan, as repayment_record does
            document.returned_on = loan.closed_on if loan.status == Loan.Status.REPAID else None
            documents.append(document)
    # The workflow trail of each loan (who is unknown for records kept on paper).
    trail = [e for p in plans for e in bulk.paper_loan_events(p.paper, user=None, note=NOTE)]
    LoanEvent.objects.bulk_create(trail, batch_size=5000)
    services.guarantors_create(guarantors)
    services.guarantee_documents_create(documents)


def _create_visits(rng, plans, first, last, start, jobs_target) -> int:
    """Visits for loans disbursed 4+ months before the window's end; latest counts
    of the window's loans add up to exactly ``jobs_target``."""
    visits, window_total = [], 0
    candidates = [
        p for p in plans if p.loan.disbursed_on and p.loan.disbursed_on + 120 * DAY <= last
    ]
    rng.shuffle(candidates)
    for plan in candidates:
        loan = plan.loan
        in_window = loan.disbursed_on >= start
        if rng.random() < 0.2 or (in_window and window_total >= jobs_target):
            continue  # not visited yet (listed as unverified after six months)
        running = rng.random() < 0.92
        jobs = max(1, loan.planned_jobs + rng.choice([-1, 0, 0, 0, 1])) if running else 0
        if in_window:
            jobs = min(jobs, jobs_target - window_total)
            running = running and jobs > 0
            window_total += jobs
        day = _rand_date(
            rng, loan.disbursed_on + 90 * DAY, min(last, loan.disbursed_on + 540 * DAY)
        )
        if rng.random() < 0.25 and day - 60 * DAY > loan.disbursed_on:
            early = day - rng.randint(60, 200) * DAY
            if early > loan.disbursed_on:
                visits.append(_visit(rng, loan, early, True, max(0, jobs + rng.choice([-1, 1]))))
        visits.append(_visit(rng, loan, day, running, jobs))
    if window_total != jobs_target:
        raise RuntimeError(
            f"funds scenario: {window_total} jobs instead of {jobs_target}; add loans"
        )
    services.verifications_create(visits)
    return len(visits)


def _visit(rng, loan, day, running, jobs) -> Verification:
    return services.verification_build(
        loan=loan,
        visited_on=day,
        verifier=f"{rng.choice(FIRST_M)} {rng.choice(LAST)}",
        business_running=running,
        jobs_found=jobs if running else 0,
        women_jobs=min(jobs, loan.planned_women_jobs) if running else 0,
        user=None,
    )


def _create_money(rng, funds, members, plans, now) -> None:
    """Savings and sponsor capital, as ledger rows built by the services (the
    disbursements, repayments and write-offs were written with their loans)."""
    entries = []
    lent: dict[int, int] = {}
    for plan in plans:
        if plan.loan.disbursed_on:
            lent[plan.loan.fund_id] = lent.get(plan.loan.fund_id, 0) + plan.loan.principal
    for fund in funds:
        entries.append(
            services.sponsor_capital_build(
                fund=fund,
                sponsor=rng.choice(SPONSORS),
                amount=max(lent.get(fund.pk, 0), 100_000_000),
                on=fund.founded_on,
                user=None,
                now=now,
            )
        )
        for m in members.get(fund.pk, []):
            entries.append(
                services.savings_deposit_build(
                    member=m,
                    amount=rng.randrange(5, 61, 5) * 1_000_000,
                    on=m.joined_on,
                    user=None,
                    now=now,
                )
            )
    services.entries_create(entries)
