"""Import of a fund's existing members and loans through ``jahesh.core.tabular``
(the web page previews with ``dry_run``, then confirms), and the members export.

Matching, so a second import of the same file creates nothing: a member is
(fund, national code); a loan is (fund, loan number). An existing loan is
imported as disbursed on its date with its schedule; what was already repaid
becomes one opening repayment (key ``import:<fund>:<number>``) on the import
date, allocated oldest first like any payment.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from jahesh.core.errors import ApplicationError
from jahesh.core.tabular import (
    Column,
    ImportReport,
    Outcome,
    Row,
    choice,
    decimal,
    integer,
    jalali_date,
    mobile,
    money_rials,
    national_code,
    person_columns,
    read_table,
    run_import,
    text,
)
from jahesh.funds import bulk, services
from jahesh.funds.models import (
    IMPORT_LOAN_NOTE,
    IMPORT_NOTE,
    IMPORT_REPAID_NOTE,
    IMPORT_SAVINGS_NOTE,
    Fund,
    Loan,
    Member,
)


def member_columns() -> list[Column]:
    return [
        *person_columns(
            name_length=100,
            example=("زهرا", "احمدی"),
            gender=choice({"f": ("زن", "Female"), "m": ("مرد", "Male")}),
        ),
        Column("mobile", "تلفن همراه", "Mobile", parse=mobile(), example="09121234567"),
        Column(
            "joined_on",
            "تاریخ عضویت",
            "Joined on",
            required=True,
            parse=jalali_date(),
            example="1401/01/15",
        ),
        Column(
            "savings",
            "پس‌انداز فعلی (ریال)",
            "Savings (rial)",
            parse=money_rials(),
            example=50_000_000,
        ),
    ]


def loan_columns() -> list[Column]:
    return [
        Column(
            "number",
            "شمارهٔ وام",
            "Loan number",
            required=True,
            parse=integer(min=1, max=10_000_000),
            example=12,
        ),
        Column(
            "national_code",
            "کد ملی وام‌گیرنده",
            "Borrower national code",
            required=True,
            parse=national_code(),
            example="0081234562",
        ),
        Column(
            "principal",
            "مبلغ وام (ریال)",
            "Principal (rial)",
            required=True,
            parse=money_rials(),
            example=100_000_000,
        ),
        Column(
            "fee_rate",
            "نرخ کارمزد (٪)",
            "Fee rate %",
            parse=decimal(min=0, max=4, places=2),
            example=4,
        ),
        Column(
            "months",
            "تعداد اقساط",
            "Months",
            required=True,
            parse=integer(min=1, max=60),
            example=24,
        ),
        Column(
            "disbursed_on",
            "تاریخ پرداخت",
            "Disbursed on",
            required=True,
            parse=jalali_date(),
            example="1402/04/01",
        ),
        Column(
            "repaid",
            "مبلغ بازپرداخت‌شده (ریال)",
            "Repaid so far (rial)",
            parse=money_rials(),
            example=0,
        ),
        Column("purpose", "موضوع", "Purpose", parse=text(max_length=200), example="خیاطی خانگی"),
        Column(
            "planned_jobs",
            "اشتغال پیش‌بینی‌شده",
            "Planned jobs",
            parse=integer(min=0, max=500),
            example=1,
        ),
    ]


def import_members(
    file: Any, filename: str, dry_run: bool, fund: Fund, user: Any, progress: Any = None
) -> ImportReport:
    reader = read_table(file, filename=filename, columns=member_columns())
    now = timezone.now()

    def handle(row: Row) -> Outcome:
        v = row.values
        if Member.objects.filter(fund=fund, national_code=v["national_code"]).exists():
            return Outcome.UNCHANGED
        fields = services.MemberFields(
            fund=fund,
            national_code=v["national_code"],
            first_name=v["first_name"],
            last_name=v["last_name"],
            gender=v["gender"],
            mobile=v.get("mobile") or "",
            joined_on=v["joined_on"],
        )
        member = services.member_create(fields, user=user)
        if v.get("savings"):
            services.savings_deposit(
                member=member,
                amount=v["savings"],
                on=v["joined_on"],
                user=user,
                now=now,
                note=IMPORT_SAVINGS_NOTE,
            )
        return Outcome.CREATED

    return run_import(reader, handle_row=handle, dry_run=dry_run, progress=progress)


def import_loans(
    file: Any, filename: str, dry_run: bool, fund: Fund, user: Any, progress: Any = None
) -> ImportReport:
    reader = read_table(file, filename=filename, columns=loan_columns())
    now = timezone.now()
    today = timezone.localdate(now)

    def handle(row: Row) -> Outcome:
        v = row.values
        if Loan.objects.filter(fund=fund, number=v["number"]).exists():
            return Outcome.UNCHANGED
        member = Member.objects.filter(fund=fund, national_code=v["national_code"]).first()
        if member is None:
            row.refuse(
                _("این کد ملی عضو این صندوق نیست؛ نخست اعضا را وارد کنید."), key="national_code"
            )
            return Outcome.REFUSED
        _import_loan(fund, member, v, user, now, today)
        return Outcome.CREATED

    return run_import(reader, handle_row=handle, dry_run=dry_run, progress=progress)


def _import_loan(
    fund: Fund, member: Member, v: dict, user: Any, now: datetime.datetime, today: datetime.date
) -> Loan:
    try:
        loan = bulk.paper_loan_create(
            fund=fund,
            member=member,
            number=v["number"],
            principal=v["principal"],
            months=v["months"],
            fee_rate=v.get("fee_rate"),
            requested_on=v["disbursed_on"],
            approved_on=v["disbursed_on"],
            disbursed_on=v["disbursed_on"],
            purpose=v.get("purpose") or "",
            planned_jobs=v.get("planned_jobs") or 0,
            user=user,
            now=now,
            note=IMPORT_NOTE,
        )
    except ApplicationError as error:
        raise _in_columns(error) from error
    # The event of its first status goes through the loan's workflow; an import
    # is not announced.
    services.LOAN_FLOW.created(loan, user=user, now=now, reason=IMPORT_LOAN_NOTE, announce=False)
    if v.get("repaid"):
        services.repayment_record(
            loan=loan,
            amount=v["repaid"],
            paid_on=max(today, loan.disbursed_on),
            key=f"import:{fund.pk}:{loan.number}",
            user=user,
            now=now,
            note=IMPORT_REPAID_NOTE,
        )
    return loan


def _in_columns(error: ApplicationError) -> ApplicationError:
    """The service's error with its fields named as the file's columns (the
    borrower is the national code column), so the report points at the cell."""
    columns = {"member": "national_code", "approved_on": "disbursed_on"}
    error.errors = [
        {**e, "field": columns.get(e.get("field"), e.get("field"))} for e in error.errors
    ]
    error.field = columns.get(error.field or "", error.field)
    return error


def member_export_rows(members, savings: dict[int, int]) -> list[dict[str, Any]]:
    """Rows in the import's columns, so the export imports back."""
    return [
        {
            "national_code": m.national_code,
            "first_name": m.first_name,
            "last_name": m.last_name,
            "gender": m.gender,
            "mobile": m.mobile or None,
            "joined_on": m.joined_on,
            "savings": savings.get(m.pk, 0),
        }
        for m in members
    ]


def import_members_job(file, filename, dry_run, progress, user, *, fund: int) -> ImportReport:
    """``import_members`` as an import job calls it (``params={"fund": id}``)."""
    return import_members(file, filename, dry_run, Fund.objects.get(pk=fund), user, progress)


def import_loans_job(file, filename, dry_run, progress, user, *, fund: int) -> ImportReport:
    """``import_loans`` as an import job calls it (``params={"fund": id}``)."""
    return import_loans(file, filename, dry_run, Fund.objects.get(pk=fund), user, progress)
