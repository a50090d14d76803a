"""The clinic's triage of public reports (``/clinic/intake/``): the queue of a
county's or province's reports, a report with its attachments, and the three
decisions (accept as a case, merge into another report, reject with a reason);
the headquarters manager's open appeals. Pages of the clinic module, kept in
the portal app because the clinic may not import it (docs/architecture.md)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from jahesh.accounts.models import User
from jahesh.accounts.roles import Module
from jahesh.accounts.scoping import (
    get_scoped_or_404,
    module_record_or_404,
    module_required,
    scoped,
)
from jahesh.core.digits import to_persian_digits
from jahesh.core.pages import submit
from jahesh.portal import services, tracking
from jahesh.portal.models import PublicReport, ReportAttachment
from jahesh.units.models import Sector, Unit

TABS = {
    "received": PublicReport.Status.RECEIVED,
    "accepted": PublicReport.Status.ACCEPTED,
    "merged": PublicReport.Status.MERGED,
    "rejected": PublicReport.Status.REJECTED,
}


class AcceptForm(forms.Form):
    unit = forms.ChoiceField(label=gettext_lazy("واحد"), required=False)
    sector = forms.ChoiceField(
        label=gettext_lazy("بخش اقتصادی (برای واحد تازه)"), required=False,
        choices=[("", "—"), *Sector.choices],
    )  # fmt: skip
    severity = forms.TypedChoiceField(
        label=gettext_lazy("شدت (۰ تا ۴)"), coerce=int, initial=2,
        choices=[(i, to_persian_digits(i)) for i in range(5)],
    )  # fmt: skip
    title = forms.CharField(label=gettext_lazy("عنوان پرونده"), max_length=200, required=False)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("دلیل رد (تولیدکننده آن را می‌بیند)"),
        widget=forms.Textarea(attrs={"rows": 2}), max_length=1000,
    )  # fmt: skip


class MergeForm(forms.Form):
    into = forms.ChoiceField(label=gettext_lazy("گزارش اصلی"))


class AppealForm(forms.Form):
    answer = forms.CharField(
        label=gettext_lazy("پاسخ به اعتراض"), widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )  # fmt: skip


def _matching_units(user: Any, report: PublicReport) -> QuerySet[Unit]:
    """Units of the report's county the reader sees whose legal ID or name key matches."""
    match = Q(name_key=report.unit_name_key)
    if report.legal_id:
        match |= Q(national_id=report.legal_id)
    return scoped(user, Unit).filter(match, county_id=report.county_id).order_by("name")[:10]


def _duplicates(user: Any, report: PublicReport) -> QuerySet[PublicReport]:
    same = Q(unit_name_key=report.unit_name_key)
    if report.legal_id:
        same |= Q(legal_id=report.legal_id)
    if report.national_code:
        same |= Q(national_code=report.national_code)
    return (
        scoped(user, PublicReport)
        .filter(same, county_id=report.county_id,
                status__in=[PublicReport.Status.RECEIVED, PublicReport.Status.ACCEPTED])
        .exclude(pk=report.pk)
        .order_by("received_at")[:10]
    )  # fmt: skip


@module_required(Module.CLINIC)
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    tab = request.GET.get("tab", "received")
    rows: list[dict[str, Any]] | QuerySet[PublicReport]
    satisfaction = None
    if tab == "satisfaction":
        satisfaction = tracking.satisfaction_by_county(request.user)
        rows = satisfaction["rows"]
    elif tab == "appeals":
        rows = tracking.open_appeals(request.user)
    else:
        tab = tab if tab in TABS else "received"
        rows = tracking.triage_queue(request.user, status=TABS[tab])
    counts = {
        "received": tracking.triage_queue(request.user).count(),
        "appeals": tracking.open_appeals(request.user).count(),
    }
    return render(request, "portal/triage_queue.html", {
        "rows": rows[:200], "tab": tab, "counts": counts, "satisfaction": satisfaction,
    })  # fmt: skip


def _detail_context(
    request: HttpRequest, report: PublicReport, **forms_given: forms.Form
) -> dict[str, Any]:
    units = list(_matching_units(request.user, report))
    duplicates = list(_duplicates(request.user, report))
    user = cast(User, request.user)  # @login_required on every caller
    accept = forms_given.get("accept") or AcceptForm(initial={"title": report.category.name})
    cast(forms.ChoiceField, accept.fields["unit"]).choices = [("", _("واحد تازه از روی گزارش"))] + [
        (u.pk, f"{u.name} ({to_persian_digits(u.national_id or '—')})") for u in units
    ]
    if units and not accept.is_bound:
        accept.initial["unit"] = units[0].pk
    merge = forms_given.get("merge") or MergeForm()
    cast(forms.ChoiceField, merge.fields["into"]).choices = [
        (d.pk, f"{to_persian_digits(d.tracking_code)} — {d.unit_name}") for d in duplicates
    ]
    return {
        "report": report,
        # The decision forms shown: the report's allowed moves (TRIAGE_FLOW's table).
        "decisions": [
            DECISION_OF[to] for to in services.TRIAGE_FLOW.allowed_moves(report, request.user)
        ],
        "attachments": scoped(request.user, ReportAttachment).filter(report=report),
        "milestones": tracking.report_milestones(report),
        "units": units,
        "duplicates": duplicates,
        "accept_form": accept,
        "merge_form": merge,
        "reject_form": forms_given.get("reject") or RejectForm(),
        "appeal_form": forms_given.get("appeal") or AppealForm(),
        "may_answer_appeal": user.is_superuser or user.role in ("hq_manager", "admin"),
    }


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = module_record_or_404(
        request.user,
        Module.CLINIC,
        PublicReport.objects.select_related("county", "category", "case"),
        pk=pk,
    )
    return render(request, "portal/triage_detail.html", _detail_context(request, report))


def _accept(request: HttpRequest, report: PublicReport, data: dict[str, Any]) -> str:
    unit = get_scoped_or_404(request.user, Unit, pk=data["unit"]) if data["unit"] else None
    report = services.report_accept(
        user=request.user, report=report, unit=unit,
        sector=data["sector"], severity=data["severity"], title=data["title"],
    )  # fmt: skip
    return reverse("clinic:case_detail", args=[report.case_id])


def _merge(request: HttpRequest, report: PublicReport, data: dict[str, Any]) -> str:
    into = get_scoped_or_404(request.user, PublicReport, pk=data["into"])
    services.report_merge(user=request.user, report=report, into=into)
    return reverse("intake:detail", args=[report.pk])


def _reject(request: HttpRequest, report: PublicReport, data: dict[str, Any]) -> str:
    services.report_reject(user=request.user, report=report, reason=data["reason"])
    return reverse("intake:queue")


def _answer(request: HttpRequest, report: PublicReport, data: dict[str, Any]) -> str:
    services.appeal_answer(user=request.user, report=report, answer=data["answer"])
    return reverse("intake:detail", args=[report.pk])


# The decision that makes each move of TRIAGE_FLOW's table (its form's name).
DECISION_OF: dict[str, str] = {
    PublicReport.Status.ACCEPTED: "accept",
    PublicReport.Status.MERGED: "merge",
    PublicReport.Status.REJECTED: "reject",
}

# Each decision: its form, what it does (answering where to go next), what it says.
DECISIONS: dict[str, tuple[type[forms.Form], Any, Any]] = {
    "accept": (AcceptForm, _accept, gettext_lazy("گزارش پذیرفته شد و پرونده تشکیل شد.")),
    "merge": (MergeForm, _merge, gettext_lazy("گزارش با گزارش اصلی ادغام شد.")),
    "reject": (RejectForm, _reject, gettext_lazy("گزارش رد شد؛ تولیدکننده دلیل را می‌بیند.")),
    "appeal": (AppealForm, _answer, gettext_lazy("پاسخ اعتراض ثبت شد.")),
}


@login_required
@require_POST
def decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One of accept, merge, reject, appeal (the answer to an appeal)."""
    report = module_record_or_404(
        request.user, Module.CLINIC, PublicReport.objects.select_related("category"), pk=pk
    )
    if action not in DECISIONS:
        return HttpResponse(status=404)
    form_class, act, message = DECISIONS[action]
    form = form_class(request.POST)
    _detail_context(request, report, **{action: form})  # fills the choices of accept and merge
    done = submit(
        request,
        form,
        lambda data: act(request, report, data),
        message=message,
        done=redirect,
    )
    if done:
        return done
    report.refresh_from_db()
    return render(request, "portal/triage_detail.html",
                  _detail_context(request, report, **{action: form}), status=422)  # fmt: skip


@login_required
@require_GET
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """An attachment, to those who may see its report (else 404)."""
    item = module_record_or_404(request.user, Module.CLINIC, ReportAttachment, pk=pk)
    response = FileResponse(item.file.open("rb"), content_type=item.content_type,
                            as_attachment=item.content_type == "application/pdf",
                            filename=item.name)  # fmt: skip
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
