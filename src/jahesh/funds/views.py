"""Pages of the loan funds: the network table, a fund's dashboard, members, loans
(schedule, payments, guarantees, visits), repayment entry, the calculator, the
due and overdue lists, reconciliation, import and export.

Every record is read through ``scoped()``/``get_scoped_or_404``: another fund's
member or loan answers 404.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jahesh.accounts.roles import Module
from jahesh.accounts.scoping import (
    get_scoped_or_404,
    module_record_or_404,
    module_required,
    scoped,
)
from jahesh.core.errors import ApplicationError
from jahesh.core.forms import apply_error
from jahesh.core.history import history_entries
from jahesh.core.pages import attempt, form_page, page_of, submit, submit_back
from jahesh.core.tabular import import_page, write_template, write_xlsx, xlsx_response
from jahesh.funds import books, forms, importers, schedule, selectors, services
from jahesh.funds.models import Fund, LedgerEntry, Loan, Member, Repayment

PAGE_SIZE = 25


def _fund(request: HttpRequest, pk: int) -> Fund:
    return module_record_or_404(
        request.user, Module.FUNDS, Fund.objects.select_related("county"), pk=pk
    )


def _loan(request: HttpRequest, pk: int) -> Loan:
    return module_record_or_404(
        request.user,
        Module.FUNDS,
        Loan.objects.select_related("fund", "member", "fund__county"),
        pk=pk,
    )


# --- Network table (the menu's entry) ---------------------------------------------


@module_required(Module.FUNDS)
@require_GET
def fund_list(request: HttpRequest) -> HttpResponse:
    """All funds the user may see, compared: outreach, savings, PAR30, jobs, cost per job."""
    today = timezone.localdate()
    filter_form = forms.FundFilterForm(request.GET or None)
    search = filter_form.cleaned_data["q"] if filter_form.is_valid() else ""
    funds = selectors.fund_list(user=request.user, search=search)
    page = page_of(request, funds, PAGE_SIZE)
    rows = selectors.network_table(
        funds=Fund.objects.filter(pk__in=[f.pk for f in page]), today=today
    )
    order = {f.pk: i for i, f in enumerate(page)}
    rows.sort(key=lambda r: order[r["fund"].pk])
    loans = scoped(request.user, Loan)
    quality = books.portfolio_quality(loans=loans, as_of=today)
    total = quality[None]
    return render(
        request,
        "funds/fund_list.html",
        {
            "page_obj": page,
            "rows": rows,
            "counties": selectors.quality_by_county(per_fund=quality),
            "filter_form": filter_form,
            "total": total,
            "jobs": selectors.jobs_summary(loans=loans),
            "fund_count": page.paginator.count,
        },
    )


# --- Fund dashboard, reconciliation, members ---------------------------------------


@login_required
@require_GET
def fund_detail(request: HttpRequest, pk: int) -> HttpResponse:
    fund = _fund(request, pk)
    today = timezone.localdate()
    board = selectors.fund_dashboard(fund=fund, today=today)
    members = page_of(request, fund.members.order_by("last_name", "first_name"), PAGE_SIZE)
    loans = (
        Loan.objects.filter(fund=fund)
        .select_related("member")
        .order_by("-requested_on", "-id")[:15]
    )
    return render(
        request,
        "funds/fund_detail.html",
        {
            "fund": fund,
            "board": board,
            "members": members,
            "loans": loans,
            "today": today,
            "buckets": zip(
                [_("۱ تا ۳۰ روز"), _("۳۱ تا ۶۰ روز"), _("۶۱ تا ۹۰ روز"), _("بیش از ۹۰ روز")],
                board["quality"].buckets,
                strict=True,
            ),
            "history": history_entries(fund, limit=10),
        },
    )


@login_required
@require_GET
def fund_reconciliation(request: HttpRequest, pk: int) -> HttpResponse:
    fund = _fund(request, pk)
    entries = page_of(
        request,
        LedgerEntry.objects.filter(fund=fund)
        .select_related("member", "loan")
        .order_by("-entered_on", "-id"),
        50,
    )
    return render(
        request,
        "funds/reconciliation.html",
        {
            "fund": fund,
            "checks": books.fund_reconciliation(fund=fund),
            "balances": books.ledger_balances(fund=fund),
            "entries": entries,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_create(request: HttpRequest, pk: int) -> HttpResponse:
    fund = _fund(request, pk)
    form = forms.MemberForm(request.POST or None)
    return submit(
        request,
        form,
        lambda d: services.member_create(services.MemberFields(fund=fund, **d), user=request.user),
        message=_("عضو ثبت شد."),
        done=lambda member: redirect("funds:member_detail", pk=member.pk),
    ) or form_page(request, "funds/form.html", {"form": form, "fund": fund, "title": _("عضو جدید")})


@login_required
@require_http_methods(["GET", "POST"])
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = module_record_or_404(
        request.user, Module.FUNDS, Member.objects.select_related("fund"), pk=pk
    )
    form = forms.MoneyMoveForm(request.POST or None)

    def move(data: dict) -> None:
        move = services.savings_deposit if data["kind"] == "deposit" else services.savings_withdraw
        move(member=member, amount=data["amount"], on=data["on"], user=request.user)

    done = submit(
        request,
        form,
        move,
        message=_("ثبت شد."),
        done=lambda _result: redirect("funds:member_detail", pk=member.pk),
    )
    if done:
        return done
    return form_page(
        request,
        "funds/member_detail.html",
        {
            "member": member,
            "fund": member.fund,
            "form": form,
            "savings": services.member_savings(member=member),
            "entries": member.ledger.filter(kind__in=["deposit", "withdrawal"]).order_by(
                "-entered_on", "-id"
            )[:50],
            "loans": member.loans.order_by("-requested_on"),
            "guarantees": member.guarantees.select_related("loan__member"),
            "other_funds": selectors.member_other_funds(user=request.user, member=member),
            "history": history_entries(member, limit=10),
        },
    )


@login_required
@require_GET
def member_export(request: HttpRequest, pk: int) -> HttpResponse:
    fund = _fund(request, pk)
    members = fund.members.order_by("last_name", "first_name")
    savings = selectors.savings_by_member(fund=fund)
    rows = importers.member_export_rows(members.iterator(), savings)
    return xlsx_response(
        write_xlsx(importers.member_columns(), rows, sheet_title=_("اعضا")),
        f"members-{fund.code}.xlsx",
    )


# --- Loans -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def loan_create(request: HttpRequest, pk: int) -> HttpResponse:
    fund = _fund(request, pk)
    form = forms.LoanRequestForm(request.POST or None, members=fund.members.order_by("last_name"))
    return submit(
        request,
        form,
        lambda data: services.loan_request(
            fund=fund, user=request.user, **{**data, "guarantors": list(data["guarantors"])}
        ),
        message=_("درخواست وام ثبت شد؛ تأیید آن با کاربر دیگری است."),
        done=lambda loan: redirect("funds:loan_detail", pk=loan.pk),
    ) or form_page(
        request, "funds/form.html", {"form": form, "fund": fund, "title": _("درخواست وام")}
    )


# The loan page's button for each status a person may move a loan to (the
# workflow table's chosen moves, ``services.allowed_transitions``): the action
# in the URL, its label, its style. A chosen move without a button here fails
# tests/funds/test_loan_buttons.py.
LOAN_ACTIONS: dict[str, tuple[str, object, str]] = {
    Loan.Status.APPROVED: ("approve", gettext_lazy("تأیید"), "btn-success"),
    Loan.Status.DISBURSED: ("disburse", gettext_lazy("پرداخت وام"), "btn-success"),
    Loan.Status.REJECTED: ("reject", gettext_lazy("رد درخواست"), "btn-outline-danger"),
    Loan.Status.RESCHEDULED: ("reschedule", gettext_lazy("تقسیط مجدد"), "btn-outline-secondary"),
    Loan.Status.WRITTEN_OFF: ("write_off", gettext_lazy("سوخت وام"), "btn-outline-danger"),
}


def _loan_buttons(request: HttpRequest, loan: Loan, check: dict | None) -> list[dict]:
    """The buttons of the moves ``request.user`` may choose, in the table's order;
    a checker's step is disabled with the reason when this user may not take it."""
    refusal = check["refusal"] if check else None
    buttons = []
    for to in services.allowed_transitions(loan, request.user):
        action, label, style = LOAN_ACTIONS[to]
        buttons.append(
            {
                "action": action,
                "label": label,
                "style": style,
                "refusal": refusal if services.checked_move(loan, to) else None,
            }
        )
    return buttons


def _loan_context(request: HttpRequest, loan: Loan, **forms_: object) -> dict:
    today = timezone.localdate()
    check = _loan_check(request, loan)
    buttons = _loan_buttons(request, loan, check)
    return {
        "loan": loan,
        "fund": loan.fund,
        "today": today,
        "installments": loan.installments.order_by("number"),
        "repayments": loan.repayments.order_by("paid_on", "id"),
        "guarantors": loan.guarantors.select_related("member"),
        "documents": loan.documents.all(),
        "verifications": loan.verifications.order_by("-visited_on", "-id"),
        "events": loan.events.select_related("by"),
        "days_in_arrears": books.loan_days_in_arrears(loan=loan, as_of=today),
        "outstanding": services.loan_outstanding_principal(loan=loan),
        "paid_total": loan.repayments.filter(reversed_at__isnull=True).aggregate(s=Sum("amount"))[
            "s"
        ]
        or 0,
        "repay_form": forms_.get("repay_form")
        or forms.RepaymentForm(initial={"key": uuid.uuid4().hex, "paid_on": today}),
        "verify_form": forms_.get("verify_form")
        or forms.VerificationForm(initial={"visited_on": today}),
        "date_form": forms_.get("date_form") or forms.DateForm(initial={"on": today}),
        "document_form": forms_.get("document_form") or forms.DocumentForm(),
        "history": history_entries(loan, limit=10),
        "check": check,
        "buttons": buttons,
        "asks_months": any(b["action"] == "reschedule" for b in buttons),
    }


def _loan_form(
    request: HttpRequest,
    loan: Loan,
    form_name: str,
    form: django_forms.BaseForm,
    action: Callable[[dict], Any],
    message: Any,
) -> HttpResponse:
    """A form posted from a loan's page: done, the page again with ``message``;
    refused, the page with the form's errors on it (422)."""
    return submit_back(
        request,
        form,
        action,
        message=message,
        to="funds:loan_detail",
        pk=loan.pk,
        again=lambda: render(
            request,
            "funds/loan_detail.html",
            _loan_context(request, loan, **{form_name: form}),
            status=422,
        ),
    )


def _loan_check(request: HttpRequest, loan: Loan) -> dict | None:
    """At a checker's step: why this user may not take it (the button is then
    disabled with that reason) and who may (a few names and the number of others)."""
    if not selectors.LOAN_CHECK.at_step(loan):
        return None
    approvers = list(selectors.loan_approvers(loan=loan)[:6])
    return {
        "refusal": selectors.loan_check_refusal(loan=loan, user=request.user),
        "approvers": [u.get_full_name() or u.username for u in approvers[:5]],
        "more": len(approvers) > 5,
    }


@login_required
@require_GET
def loan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    loan = _loan(request, pk)
    return render(request, "funds/loan_detail.html", _loan_context(request, loan))


@login_required
@require_POST
def loan_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """approve | disburse | reject | write_off | reschedule (``LOAN_ACTIONS``), each
    through its service (which refuses a move the table does not allow)."""
    loan = _loan(request, pk)
    form = forms.DateForm(request.POST)
    if action not in {a for a, _label, _style in LOAN_ACTIONS.values()}:
        raise Http404

    def act(data: dict) -> None:
        on, reason = data["on"], data["reason"]
        if action == "approve":
            services.loan_approve(loan=loan, user=request.user, on=on)
        elif action == "disburse":
            services.loan_disburse(loan=loan, user=request.user, on=on)
        elif action == "reschedule":
            services.loan_reschedule(
                loan=loan, months=data["months"] or 0, on=on, user=request.user, reason=reason
            )
        elif action == "reject":
            services.loan_reject(loan=loan, user=request.user, reason=reason)
        else:
            services.loan_write_off(loan=loan, user=request.user, on=on, reason=reason)

    return _loan_form(request, loan, "date_form", form, act, _("انجام شد."))


@login_required
@require_POST
def repayment_create(request: HttpRequest, pk: int) -> HttpResponse:
    loan = _loan(request, pk)
    return _loan_form(
        request,
        loan,
        "repay_form",
        forms.RepaymentForm(request.POST),
        lambda data: services.repayment_record(loan=loan, user=request.user, **data),
        lambda recorded: _("پرداخت ثبت شد.") if recorded[1] else _("این پرداخت پیش‌تر ثبت شده بود."),
    )


@login_required
@require_POST
def verification_create(request: HttpRequest, pk: int) -> HttpResponse:
    loan = _loan(request, pk)
    return _loan_form(
        request,
        loan,
        "verify_form",
        forms.VerificationForm(request.POST, request.FILES),
        lambda data: services.verification_record(loan=loan, user=request.user, **data),
        _("بازدید ثبت شد."),
    )


@login_required
@require_POST
def document_create(request: HttpRequest, pk: int) -> HttpResponse:
    loan = _loan(request, pk)
    return _loan_form(
        request,
        loan,
        "document_form",
        forms.DocumentForm(request.POST),
        lambda data: services.guarantee_document_add(loan=loan, **data),
        None,
    )


# --- Lists and the calculator -----------------------------------------------------


@module_required(Module.FUNDS)
@require_GET
def due_list(request: HttpRequest) -> HttpResponse:
    """Installments due this week (today and the six days after) and overdue loans."""
    today = timezone.localdate()
    due = selectors.due_between(
        user=request.user, start=today, end=today + datetime.timedelta(days=7)
    )
    overdue = page_of(request, selectors.overdue_loans(user=request.user, today=today), 50)
    for loan in overdue:
        loan.days_late = (today - loan.oldest_due).days
    unverified = selectors.loans_without_verification(user=request.user, today=today)
    return render(
        request,
        "funds/due_list.html",
        {
            "due": due[:200],
            "overdue": overdue,
            "today": today,
            "unverified": unverified[:50],
            "unverified_count": unverified.count(),
        },
    )


@login_required
@require_GET
def calculator(request: HttpRequest) -> HttpResponse:
    form = forms.CalculatorForm(request.GET or None, initial={"disbursed_on": timezone.localdate()})
    plan = None
    if request.GET and form.is_valid():
        data = form.cleaned_data
        try:
            plan = schedule.build_schedule(
                principal=data["principal"],
                fee_rate=data["fee_rate"],
                months=data["months"],
                disbursed_on=data["disbursed_on"],
                multiple=data["multiple"],
            )
        except ApplicationError as error:
            apply_error(form, error)
    return form_page(request, "funds/calculator.html", {"form": form, "plan": plan})


# --- Import -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def fund_import(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Upload → preview (dry run) → confirm, for members or loans of one fund."""
    fund = _fund(request, pk)
    if kind not in ("members", "loans"):
        raise Http404
    importer = importers.import_members if kind == "members" else importers.import_loans
    return import_page(
        request,
        stash_kind=f"funds:{fund.pk}:{kind}",
        run=lambda path, filename, dry_run: importer(path, filename, dry_run, fund, request.user),
        columns=importers.member_columns() if kind == "members" else importers.loan_columns(),
        template="funds/import.html",
        context={"kind": kind, "fund": fund},
        job_kind=kind,
        job_params={"fund": fund.pk},
    )


@module_required(Module.FUNDS)
@require_GET
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in ("members", "loans"):
        raise Http404
    columns = importers.member_columns() if kind == "members" else importers.loan_columns()
    return xlsx_response(write_template(columns), f"fund-{kind}-template.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def fund_lottery(request: HttpRequest, pk: int) -> HttpResponse:
    """The loan queue: queued requests, a new draw, and past draws re-run from their
    recorded seed and entrants."""
    fund = _fund(request, pk)
    form = forms.LotteryForm(request.POST or None)
    done = submit(
        request,
        form,
        lambda data: services.lottery_draw(
            fund=fund, slots=data["slots"], seed=data["seed"] or None, user=request.user
        ),
        message=_("قرعه‌کشی انجام و ثبت شد."),
        done=lambda _result: redirect("funds:lottery", pk=fund.pk),
    )
    if done:
        return done
    draws = [
        {"draw": d, "replays": services.lottery_verify(draw=d)}
        for d in fund.draws.select_related("drawn_by").order_by("-drawn_at")[:20]
    ]
    queued = fund.loans.filter(
        status=Loan.Status.REQUESTED, in_queue=True, draw__isnull=True
    ).select_related("member")
    return form_page(
        request,
        "funds/lottery.html",
        {"fund": fund, "form": form, "draws": draws, "queued": queued},
    )


@login_required
@require_POST
def repayment_reverse(request: HttpRequest, pk: int, repayment_pk: int) -> HttpResponse:
    """Correct a mistaken payment: reversing ledger entries, never an edit."""
    loan = _loan(request, pk)
    repayment = get_scoped_or_404(
        request.user, Repayment.objects.filter(loan=loan), pk=repayment_pk
    )
    attempt(
        request,
        lambda: services.repayment_reverse(
            repayment=repayment, user=request.user, reason=request.POST.get("reason", "")
        ),
        _("پرداخت ابطال شد؛ سند ابطال در دفتر ثبت شد."),
    )
    return redirect("funds:loan_detail", pk=loan.pk)
