"""The KPIs of kpis.md for the funds area, on hand-made records."""

from __future__ import annotations

import datetime

from django.utils import timezone

from jahesh.accounts.scoping import Area
from jahesh.funds import books, selectors, services
from jahesh.funds.books import portfolio_quality
from jahesh.funds.models import Fund, Loan
from jahesh.reports.figures import kpi_beside, kpi_value

from ..conftest import ARAK, MARKAZI, SAVEH, TEHRAN

START, END = datetime.date(2023, 3, 21), datetime.date(2024, 3, 20)
MKZ = Area(province_id=MARKAZI)


def _visit(loan, day, jobs, user):
    return services.verification_record(
        loan=loan,
        visited_on=day,
        verifier="بازرس",
        business_running=jobs > 0,
        jobs_found=jobs,
        user=user,
    )


def test_it_counts_funds_active_at_the_periods_end(fund, other_fund, geo):
    Fund.objects.filter(pk=other_fund.pk).update(closed_on=END - datetime.timedelta(days=1))
    assert kpi_value("funds_active", area=MKZ, start=START, end=END) == 1
    Fund.objects.filter(pk=other_fund.pk).update(
        closed_on=END
    )  # closed on the first day after the period
    assert kpi_value("funds_active", area=MKZ, start=START, end=END) == 2
    assert (
        kpi_value(
            "funds_active", area=Area(province_id=MARKAZI, county_id=SAVEH), start=START, end=END
        )
        == 1
    )
    assert kpi_value("funds_active", area=MKZ, start=START, end=datetime.date(2022, 1, 1)) == 0


def test_it_counts_jobs_from_the_latest_visit_once_per_loan(
    disbursed_loan, users, add_member, funded
):
    loan = disbursed_loan(on=datetime.date(2023, 6, 22))
    other = disbursed_loan(on=datetime.date(2023, 7, 1), borrower=add_member(funded))
    before = disbursed_loan(on=datetime.date(2023, 1, 10), borrower=add_member(funded))
    _visit(loan, datetime.date(2023, 9, 1), 1, users["fund"])
    _visit(loan, datetime.date(2024, 1, 5), 3, users["fund"])  # the latest before END counts
    _visit(loan, datetime.date(2024, 5, 1), 9, users["fund"])  # after the period's end: ignored
    _visit(before, datetime.date(2023, 8, 1), 4, users["fund"])  # disbursed before the period
    assert kpi_value("jobs_created", area=MKZ, start=START, end=END) == 3
    assert (
        kpi_beside(area=MKZ, start=START, end=END)["jobs_planned_unverified"]
        == other.planned_jobs
        == 2
    )
    records = selectors.kpi_jobs_created_records(area=MKZ, start=START, end=END)
    assert {(r.pk, r.jobs_created) for r in records} == {(loan.pk, 3), (other.pk, 0)}
    assert kpi_value("loans_disbursed", area=MKZ, start=START, end=END) == 2
    assert kpi_value("loans_disbursed_rial", area=MKZ, start=START, end=END) == 200_000_000
    assert (
        kpi_value(
            "jobs_created", area=Area(province_id=MARKAZI, county_id=SAVEH), start=START, end=END
        )
        == 0
    )
    assert (
        kpi_value(
            "jobs_created", area=Area(province_id=MARKAZI, county_id=ARAK), start=START, end=END
        )
        == 3
    )


def test_it_computes_par30_in_basis_points(disbursed_loan, users, add_member, funded):
    late = disbursed_loan(on=datetime.date(2023, 6, 22))
    good = disbursed_loan(
        on=datetime.date(2023, 6, 22), borrower=add_member(funded), principal=300_000_000
    )
    for n in range(8):  # paid ahead: 7.97 installments, so only 28 days late at the end
        services.repayment_record(
            loan=good,
            amount=12_980_000,
            paid_on=datetime.date(2023, 7, 20),
            key=f"g{n}",
            user=users["fund"],
        )
    # As of the period's end (19 Mar 2024) the first loan has paid nothing since July: > 30 days late.
    assert selectors.kpi_par30_records(area=MKZ, start=START, end=END).get() == late
    good_out = 300_000_000 - sum(i.paid_principal for i in good.installments.all())
    parts = {"area": MKZ, "start": START, "end": END}
    assert selectors.kpi_par30_outstanding(**parts) == {None: 100_000_000 + good_out}
    assert selectors.kpi_par30_at_risk(**parts) == {None: 100_000_000}
    by_county = selectors.kpi_par30_outstanding(**parts, by="county")
    assert by_county == {late.fund.county_id: 100_000_000 + good_out}
    assert kpi_value("par30", area=MKZ, start=START, end=END) == round(
        100_000_000 * 10_000 / (100_000_000 + good_out)
    )


def test_par30_in_one_statement_equals_the_portfolio_quality(
    disbursed_loan, users, add_member, funded
):
    """``books.par30_by_place`` (the KPI's one statement) gives ``portfolio_quality``'s
    figures at every date: loans late, paid ahead, part paid, written off."""
    late = disbursed_loan(on=datetime.date(2023, 6, 22))
    ahead = disbursed_loan(on=datetime.date(2023, 6, 22), borrower=add_member(funded))
    part = disbursed_loan(on=datetime.date(2023, 8, 1), borrower=add_member(funded))
    lost = disbursed_loan(on=datetime.date(2023, 5, 1), borrower=add_member(funded))
    for n, (loan, amount, day) in enumerate(
        [
            (ahead, 40_000_000, datetime.date(2023, 7, 20)),
            (part, 3_000_000, datetime.date(2023, 9, 1)),
            (late, 4_330_000, datetime.date(2023, 7, 22)),
        ]
    ):
        services.repayment_record(loan=loan, amount=amount, paid_on=day, key=f"p{n}",
                                  user=users["fund"])  # fmt: skip
    services.loan_write_off(
        loan=lost, user=users["fund"], on=datetime.date(2023, 12, 1), reason="فوت وام‌گیرنده"
    )
    loans = Loan.objects.filter(disbursed_on__isnull=False)
    county, province = late.fund.county_id, late.fund.county.province_id
    seen = set()
    for day in (datetime.date(2023, 6, 30), datetime.date(2023, 10, 5),
                datetime.date(2023, 11, 30), datetime.date(2024, 3, 19)):  # fmt: skip
        quality = portfolio_quality(loans=loans.filter(disbursed_on__lte=day), as_of=day)[None]
        want = (quality.at_risk_30, quality.outstanding)
        seen.add(want)
        assert books.par30_by_place(loans=loans, as_of=day) == {None: want}
        by = books.par30_by_place(loans=loans, as_of=day, place="fund__county_id")
        assert by == ({county: want} if quality.outstanding else {})
        by = books.par30_by_place(loans=loans, as_of=day, place="fund__county__province_id")
        assert by == ({province: want} if quality.outstanding else {})
    assert len(seen) == 3 and any(risk for risk, _out in seen)  # three states, one at risk
    assert books.par30_by_place(loans=loans.none(), as_of=END) == {None: (0, 0)}


def test_par_day_steps_add_up_to_the_portfolio_at_risk_of_every_day(
    disbursed_loan, users, add_member, funded, clerk
):
    """The PAR parts' per-day changes (one statement) summed up to any day give
    ``books.par30_by_place`` of that day, per county: loans late, paid ahead,
    paid on their disbursement day, reversed, written off."""
    late = disbursed_loan(on=datetime.date(2023, 6, 22))
    ahead = disbursed_loan(on=datetime.date(2023, 6, 22), borrower=add_member(funded))
    part = disbursed_loan(on=datetime.date(2023, 8, 1), borrower=add_member(funded))
    lost = disbursed_loan(on=datetime.date(2023, 5, 1), borrower=add_member(funded))
    paid = {}
    for n, (loan, amount, day) in enumerate([
        (ahead, 40_000_000, datetime.date(2023, 7, 20)),
        (part, 3_000_000, datetime.date(2023, 8, 1)),  # on its disbursement day
        (part, 3_000_000, datetime.date(2023, 8, 1)),  # twice the same day
        (late, 4_330_000, datetime.date(2023, 7, 22)),
        (late, 9_000_000, datetime.date(2023, 11, 2)),  # late, then paid
    ]):  # fmt: skip
        paid[n], _new = services.repayment_record(loan=loan, amount=amount, paid_on=day,
                                                  key=f"p{n}", user=users["fund"])  # fmt: skip
    services.repayment_reverse(repayment=paid[0], user=users["fund"], reason="اشتباه",
                               now=timezone.make_aware(datetime.datetime(2023, 10, 1, 12)))  # fmt: skip
    services.loan_write_off(
        loan=lost, user=users["fund"], on=datetime.date(2023, 12, 1), reason="فوت وام‌گیرنده"
    )
    out = selectors.kpi_par30_outstanding_daily(area=MKZ)
    risk = selectors.kpi_par30_at_risk_daily(area=MKZ)
    assert selectors.kpi_par30_outstanding_daily(area=Area(province_id=TEHRAN)) == {}
    loans = Loan.objects.filter(disbursed_on__isnull=False)
    day, seen = datetime.date(2023, 4, 1), set()
    while day < datetime.date(2024, 9, 1):
        want = books.par30_by_place(loans=loans.filter(disbursed_on__lte=day), as_of=day,
                                    place="fund__county_id")  # fmt: skip
        got = {
            county: (sum(v for (c, d), v in risk.items() if c == county and d <= day), total)
            for county in {c for c, _d in out}
            if (total := sum(v for (c, d), v in out.items() if c == county and d <= day))
        }
        assert got == want, day
        seen.add(tuple(want.values()))
        day += datetime.timedelta(days=1)
    assert len(seen) > 10 and any(r for pairs in seen for r, _o in pairs)  # a year of states
