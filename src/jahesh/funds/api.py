"""API of the loan funds: ``/api/v1/funds`` (funds, members, reconciliation) and
``/api/v1/loans`` (the schedule calculator, loans, repayments, verifications).

Every record route reads through ``scoped()``; a record of another fund answers
404. Dates ISO, amounts integer rials.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from jahesh.accounts.roles import Module
from jahesh.accounts.scoping import api_record_or_404, api_require_module, get_scoped_or_404
from jahesh.api.refs import resolve_ref, resolve_refs
from jahesh.api.schemas import ERRORS, AllowedMoves, ApiDate, Id, Page, Rials, api_enum
from jahesh.funds import books, schedule, selectors, services
from jahesh.funds.models import Fund, Loan, LotteryDraw, Member, Repayment

router = Router(tags=["funds"])
loans_router = Router(tags=["loans"])


# --- Schemas -------------------------------------------------------------------

MemberGender = api_enum("MemberGender", Member.Gender)
LoanStatus = api_enum("LoanStatus", Loan.Status)


FeeRate = Annotated[Decimal, Field(ge=0, max_digits=4, decimal_places=2)]
Months = Annotated[int, Field(ge=1, le=32767)]


class ScheduleIn(Schema):
    principal: Rials
    fee_rate: FeeRate
    months: Months
    disbursed_on: ApiDate
    multiple: int = Field(schedule.DEFAULT_MULTIPLE, ge=1, le=2**31 - 1)


class InstallmentLine(Schema):
    number: int
    due_on: datetime.date
    amount: int
    fee_part: int
    principal_part: int


class ScheduleOut(Schema):
    fee: int
    installments: list[InstallmentLine]


class FundOut(Schema):
    id: int
    code: str
    name: str
    county_id: int
    county: str = Field(alias="county.name")
    host: str
    founded_on: datetime.date
    closed_on: datetime.date | None
    status: str
    fee_rate: Decimal
    rounding_multiple: int


class FundListOut(Schema):
    items: list[FundOut]
    count: int


class FundDetailOut(FundOut):
    members: int
    savings: int
    cash: int
    outstanding: int
    par30_percent: float | None
    jobs_created: int
    jobs_planned_unverified: int


class MemberOut(Schema):
    id: int
    fund_id: int
    national_code: str
    first_name: str
    last_name: str
    mobile: str
    gender: str
    joined_on: datetime.date
    left_on: datetime.date | None
    board_role: str


class MemberListOut(Schema):
    items: list[MemberOut]
    count: int


class FundMemberIn(Schema):
    national_code: str
    first_name: str = Field(..., max_length=100)
    last_name: str = Field(..., max_length=100)
    gender: MemberGender
    joined_on: ApiDate
    mobile: str = Field("", max_length=20)
    board_role: Member.BoardRole = Member.BoardRole.NONE


class LoanOut(Schema):
    id: int
    fund_id: int
    member_id: int
    number: int
    purpose: str
    principal: int
    fee_rate: Decimal
    months: int
    fee: int
    status: str
    requested_on: datetime.date
    approved_on: datetime.date | None
    disbursed_on: datetime.date | None
    closed_on: datetime.date | None
    planned_jobs: int
    planned_women_jobs: int
    job_kind: str


class LoanListOut(Schema):
    items: list[LoanOut]
    count: int


class InstallmentOut(InstallmentLine):
    paid_fee: int
    paid_principal: int
    paid_on: datetime.date | None


class RepaymentOut(Schema):
    id: int
    loan_id: int
    key: str
    amount: int
    paid_on: datetime.date
    reversed_at: datetime.datetime | None


class VerificationOut(Schema):
    id: int
    loan_id: int
    visited_on: datetime.date
    verifier: str
    business_running: bool
    jobs_found: int
    women_jobs: int


class GuarantorOut(Schema):
    member_id: int
    name: str = Field(alias="member.full_name")


class DocumentOut(Schema):
    kind: str
    number: str
    bank: str
    amount: int
    returned_on: datetime.date | None


class LoanDetailOut(LoanOut):
    days_in_arrears: int
    outstanding_principal: int
    installments: list[InstallmentOut]
    repayments: list[RepaymentOut]
    guarantors: list[GuarantorOut]
    documents: list[DocumentOut]
    verifications: list[VerificationOut]
    allowed_transitions: AllowedMoves


class LoanFilters(Page):
    fund_id: Id | None = None
    member_id: Id | None = None
    status: LoanStatus | None = None
    disbursed_from: ApiDate | None = None
    disbursed_to: ApiDate | None = None


class LoanIn(Schema):
    fund_id: Id
    member_id: Id
    principal: Rials
    months: Months
    purpose: str = Field(..., max_length=200)
    requested_on: ApiDate
    fee_rate: FeeRate | None = None
    planned_jobs: int = Field(1, ge=0, le=500)
    planned_women_jobs: int = Field(0, ge=0, le=500)
    job_kind: Loan.JobKind = Loan.JobKind.SELF
    guarantor_ids: list[Id] = Field([], max_length=50)
    in_queue: bool = False


class DateIn(Schema):
    on: ApiDate


class RepaymentIn(Schema):
    amount: Rials
    paid_on: ApiDate
    key: str = Field(..., min_length=1, max_length=64)


class VerificationIn(Schema):
    visited_on: ApiDate
    verifier: str = Field(..., max_length=200)
    business_running: bool
    jobs_found: int = Field(..., ge=0, le=1000)
    women_jobs: int = Field(0, ge=0, le=1000)
    note: str = Field("", max_length=500)


class CheckOut(Schema):
    label: str
    left: int
    right: int
    ok: bool


# --- /loans: the calculator ------------------------------------------------------


@loans_router.get("/schedule", response={200: ScheduleOut, **ERRORS})
def loan_schedule(request: HttpRequest, terms: Query[ScheduleIn]):
    """The schedule of a loan under reference/loans.md (any signed-in user)."""
    plan = schedule.build_schedule(
        principal=terms.principal,
        fee_rate=terms.fee_rate,
        months=terms.months,
        disbursed_on=terms.disbursed_on,
        multiple=terms.multiple,
    )
    return {"fee": plan.fee, "installments": [line.__dict__ for line in plan.lines]}


# --- /loans: records ----------------------------------------------------------------


@loans_router.get("", response={200: LoanListOut, **ERRORS})
def loan_list(request: HttpRequest, filters: Query[LoanFilters]):
    api_require_module(request.user, Module.FUNDS)
    fund = resolve_ref(request.user, Fund, filters.fund_id, field="fund_id")
    member = resolve_ref(request.user, Member, filters.member_id, field="member_id")
    qs = selectors.loan_list(
        user=request.user,
        fund=fund,
        member=member,
        status=filters.status or "",
        disbursed_from=filters.disbursed_from,
        disbursed_to=filters.disbursed_to,
    )
    return filters.of(qs)


@loans_router.post("", response={201: LoanOut, **ERRORS})
def loan_create(request: HttpRequest, payload: LoanIn):
    """Record a loan request (the maker's step)."""
    api_require_module(request.user, Module.FUNDS)
    fund = resolve_ref(request.user, Fund, payload.fund_id, field="fund_id")
    members = Member.objects.filter(fund=fund)
    member = resolve_ref(request.user, members, payload.member_id, field="member_id")
    guarantors = resolve_refs(request.user, members, payload.guarantor_ids, field="guarantor_ids")
    loan = services.loan_request(
        fund=fund,
        member=member,
        principal=payload.principal,
        months=payload.months,
        purpose=payload.purpose,
        requested_on=payload.requested_on,
        user=request.user,
        fee_rate=payload.fee_rate,
        planned_jobs=payload.planned_jobs,
        planned_women_jobs=payload.planned_women_jobs,
        job_kind=payload.job_kind,
        guarantors=guarantors,
        in_queue=payload.in_queue,
    )
    return Status(201, loan)


def _loan_detail(loan: Loan, user: Any) -> dict[str, Any]:
    today = timezone.localdate()
    data = LoanOut.model_validate(loan).model_dump()
    data.update(
        days_in_arrears=books.loan_days_in_arrears(loan=loan, as_of=today),
        outstanding_principal=services.loan_outstanding_principal(loan=loan),
        installments=list(loan.installments.order_by("number")),
        repayments=list(loan.repayments.order_by("paid_on", "pk")),
        guarantors=list(loan.guarantors.select_related("member")),
        documents=list(loan.documents.all()),
        verifications=list(loan.verifications.order_by("visited_on", "pk")),
        allowed_transitions=services.allowed_transitions(loan, user),
    )
    return data


@loans_router.get("/{int:loan_id}", response={200: LoanDetailOut, **ERRORS})
def loan_detail(request: HttpRequest, loan_id: int):
    return _loan_detail(
        api_record_or_404(request.user, Module.FUNDS, Loan, pk=loan_id), request.user
    )


@loans_router.post("/{int:loan_id}/approve", response={200: LoanOut, **ERRORS})
def loan_approve(request: HttpRequest, loan_id: int, payload: DateIn):
    """The checker's approval (not the user who recorded the request)."""
    loan = api_record_or_404(request.user, Module.FUNDS, Loan, pk=loan_id)
    return services.loan_approve(loan=loan, user=request.user, on=payload.on)


@loans_router.post("/{int:loan_id}/disburse", response={200: LoanOut, **ERRORS})
def loan_disburse(request: HttpRequest, loan_id: int, payload: DateIn):
    loan = api_record_or_404(request.user, Module.FUNDS, Loan, pk=loan_id)
    return services.loan_disburse(loan=loan, user=request.user, on=payload.on)


@loans_router.get("/{int:loan_id}/repayments", response={200: list[RepaymentOut], **ERRORS})
def repayment_list(request: HttpRequest, loan_id: int):
    loan = api_record_or_404(request.user, Module.FUNDS, Loan, pk=loan_id)
    return list(loan.repayments.order_by("paid_on", "pk"))


@loans_router.post(
    "/{int:loan_id}/repayments", response={201: RepaymentOut, 200: RepaymentOut, **ERRORS}
)
def repayment_create(request: HttpRequest, loan_id: int, payload: RepaymentIn):
    """Record a payment. ``key`` is the client's idempotency key: a retry with the
    same key answers 200 with the payment already recorded (201 the first time)."""
    loan = api_record_or_404(request.user, Module.FUNDS, Loan, pk=loan_id)
    repayment, created = services.repayment_record(
        loan=loan,
        **payload.dict(),
        user=request.user,
    )
    return Status(201 if created else 200, repayment)


@loans_router.get("/{int:loan_id}/verifications", response={200: list[VerificationOut], **ERRORS})
def verification_list(request: HttpRequest, loan_id: int):
    loan = api_record_or_404(request.user, Module.FUNDS, Loan, pk=loan_id)
    return list(loan.verifications.order_by("visited_on", "pk"))


@loans_router.post("/{int:loan_id}/verifications", response={201: VerificationOut, **ERRORS})
def verification_create(request: HttpRequest, loan_id: int, payload: VerificationIn):
    loan = api_record_or_404(request.user, Module.FUNDS, Loan, pk=loan_id)
    visit = services.verification_record(loan=loan, user=request.user, **payload.dict())
    return Status(201, visit)


# --- /funds ------------------------------------------------------------------------


class FundFilters(Page):
    q: str = ""
    county_id: Id | None = None


@router.get("", response={200: FundListOut, **ERRORS})
def fund_list(request: HttpRequest, filters: Query[FundFilters]):
    api_require_module(request.user, Module.FUNDS)
    qs = selectors.fund_list(user=request.user, search=filters.q, county_id=filters.county_id)
    return filters.of(qs)


@router.get("/{int:fund_id}", response={200: FundDetailOut, **ERRORS})
def fund_detail(request: HttpRequest, fund_id: int):
    fund = api_record_or_404(
        request.user, Module.FUNDS, Fund.objects.select_related("county"), pk=fund_id
    )
    board = selectors.fund_dashboard(fund=fund, today=timezone.localdate())
    # by_alias: the detail is validated again from this dict, where ``county`` is
    # found under its alias ``county.name`` (the field name alone answered 500).
    data = FundOut.model_validate(fund).model_dump(by_alias=True)
    data.update(
        members=board["members"]["total"],
        savings=board["balances"]["savings"],
        cash=board["balances"]["cash"],
        outstanding=board["balances"]["outstanding"],
        par30_percent=board["quality"].par30_percent,
        jobs_created=board["jobs"]["jobs"],
        jobs_planned_unverified=board["jobs"]["planned_unverified"],
    )
    return data


class MemberFilters(Page):
    q: str = ""


@router.get("/{int:fund_id}/members", response={200: MemberListOut, **ERRORS})
def member_list(request: HttpRequest, fund_id: int, filters: Query[MemberFilters]):
    fund = api_record_or_404(request.user, Module.FUNDS, Fund, pk=fund_id)
    return filters.of(selectors.member_list(user=request.user, fund=fund, search=filters.q))


@router.post("/{int:fund_id}/members", response={201: MemberOut, **ERRORS})
def member_create(request: HttpRequest, fund_id: int, payload: FundMemberIn):
    fund = api_record_or_404(request.user, Module.FUNDS, Fund, pk=fund_id)
    fields = services.MemberFields(fund=fund, **payload.dict())
    return Status(201, services.member_create(fields, user=request.user))


@router.get("/members/{int:member_id}", response={200: MemberOut, **ERRORS})
def member_detail(request: HttpRequest, member_id: int):
    return api_record_or_404(request.user, Module.FUNDS, Member, pk=member_id)


@router.get("/{int:fund_id}/reconciliation", response={200: list[CheckOut], **ERRORS})
def fund_reconciliation(request: HttpRequest, fund_id: int):
    fund = api_record_or_404(request.user, Module.FUNDS, Fund, pk=fund_id)
    return [
        {"label": c.label, "left": c.left, "right": c.right, "ok": c.ok}
        for c in books.fund_reconciliation(fund=fund)
    ]


# --- The loan queue's lottery -------------------------------------------------------


class LotteryIn(Schema):
    slots: int = Field(..., ge=1, le=500)
    seed: str | None = Field(None, min_length=1, max_length=64)


class LotteryOut(Schema):
    id: int
    fund_id: int
    seed: str
    entrants: list[int]
    winners: list[int]
    slots: int
    drawn_at: datetime.datetime
    replays: bool


def _draw_out(draw) -> dict[str, Any]:
    return {
        "id": draw.pk,
        "fund_id": draw.fund_id,
        "seed": draw.seed,
        "entrants": draw.entrants,
        "winners": draw.winners,
        "slots": draw.slots,
        "drawn_at": draw.drawn_at,
        "replays": services.lottery_verify(draw=draw),
    }


@router.post("/{int:fund_id}/lottery", response={201: LotteryOut, **ERRORS})
def lottery_draw(request: HttpRequest, fund_id: int, payload: LotteryIn):
    """Draw winners among the fund's queued requests; seed and entrants are recorded."""
    fund = api_record_or_404(request.user, Module.FUNDS, Fund, pk=fund_id)
    draw = services.lottery_draw(
        fund=fund, slots=payload.slots, seed=payload.seed, user=request.user
    )
    return Status(201, _draw_out(draw))


@router.get("/draws/{int:draw_id}", response={200: LotteryOut, **ERRORS})
def lottery_detail(request: HttpRequest, draw_id: int):
    """A recorded draw, re-run from its seed and entrants (``replays``)."""
    return _draw_out(api_record_or_404(request.user, Module.FUNDS, LotteryDraw, pk=draw_id))


class ReasonIn(Schema):
    reason: str = Field(..., min_length=1, max_length=300)


@loans_router.post(
    "/{int:loan_id}/repayments/{int:repayment_id}/reverse", response={200: RepaymentOut, **ERRORS}
)
def repayment_reverse(request: HttpRequest, loan_id: int, repayment_id: int, payload: ReasonIn):
    """Correct a mistaken payment with reversing ledger entries (never an edit)."""
    loan = api_record_or_404(request.user, Module.FUNDS, Loan, pk=loan_id)
    repayment = get_scoped_or_404(
        request.user, Repayment.objects.filter(loan=loan), pk=repayment_id
    )
    return services.repayment_reverse(repayment=repayment, user=request.user, reason=payload.reason)
