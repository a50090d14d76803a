"""Pages of the industry clinic. Each view parses input, calls one service or
selector and renders; every record is read through ``scoped()`` (out of scope:
404)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import cached_property
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.forms import ChoiceField
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jahesh.accounts.roles import Module
from jahesh.accounts.scoping import (
    get_scoped_or_404,
    module_record_or_404,
    module_required,
    scoped,
)
from jahesh.clinic import forms, selectors, services
from jahesh.clinic.models import Case, CaseStatus, Resolution, Session, WorkingGroup
from jahesh.core.errors import ApplicationError
from jahesh.core.forms import apply_error
from jahesh.core.history import history_entries
from jahesh.core.htmx import action_done, is_htmx
from jahesh.core.jalali import jalali_year_of, jalali_year_range
from jahesh.core.pages import attempt, page_of, submit, submit_back
from jahesh.core.pdf import write_pdf
from jahesh.units.models import Unit

PAGE_SIZE = 25
COUNT_CAP = 1_000


class CappedPaginator(Paginator):
    """Counts at most ``COUNT_CAP`` rows, so a page of 150,000 cases costs what a
    page of 1,500 does (the pages beyond the cap are reached by filtering)."""

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by().values("pk")[:COUNT_CAP].count()


def _case_or_404(request: HttpRequest, pk: int) -> Case:
    return get_scoped_or_404(
        request.user,
        Case.objects.select_related(*selectors.CASE_RELATED, "working_group", "parent"),
        pk=pk,
    )


# --- Cases -------------------------------------------------------------------------


@module_required(Module.CLINIC)
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    filter_form = forms.CaseFilterForm(request.GET or None, user=request.user)
    qs = selectors.case_list(user=request.user, now=now, **filter_form.filters())
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "clinic/partials/case_rows.html" if is_htmx(request) else "clinic/case_list.html"
    capped = page.paginator.count >= COUNT_CAP
    return render(
        request,
        template,
        {
            "filter_form": filter_form,
            "page_obj": page,
            "now": now,
            "capped": capped,
            "cap": COUNT_CAP,
            "can_open": _can_open(request),
        },
    )


@module_required(Module.CLINIC)
@require_GET
def case_board(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    filters = {}
    if request.GET:  # the list's filters, carried over (the board shows no form to fill)
        filter_form = forms.CaseFilterForm(request.GET, user=request.user)
        filters = {k: v for k, v in filter_form.filters().items() if k != "status"}
    columns = selectors.case_board(user=request.user, now=now, **filters)
    return render(
        request,
        "clinic/case_board.html",
        {
            "columns": columns,
            "can_open": _can_open(request),
        },
    )


@module_required(Module.CLINIC)
@require_http_methods(["GET", "POST"])
def case_create(request: HttpRequest) -> HttpResponse:
    if request.method == "GET" and not request.GET.get("unit"):
        # Opened from the clinic rather than from a unit's page: pick the unit first.
        return render(request, "clinic/case_pick_unit.html", {"can_open": _can_open(request)})
    unit = get_scoped_or_404(
        request.user,
        Unit.objects.select_related("county"),
        pk=request.GET.get("unit") or request.POST.get("unit") or 0,
    )
    form = forms.CaseForm(request.POST or None)
    return submit(
        request,
        form,
        lambda d: services.case_create(user=request.user, unit=unit, **d),
        message=_("پروندهٔ مانع گشوده شد."),
        done=lambda case: redirect("clinic:case_detail", pk=case.pk),
    ) or render(request, "clinic/case_form.html", {"form": form, "unit": unit})


def _can_open(request: HttpRequest) -> bool:
    return selectors.case_can_open(user=request.user)


@module_required(Module.CLINIC)
@require_GET
def case_unit_search(request: HttpRequest) -> HttpResponse:
    """The units matching what was typed on the open-a-case page (an HTMX fragment)."""
    q = request.GET.get("q", "").strip()
    units = selectors.case_unit_choices(user=request.user, q=q)
    context = {"units": units, "q": q, "limit": selectors.UNIT_CHOICES}
    if not is_htmx(request):  # the form submitted without JavaScript: the whole page
        return render(
            request, "clinic/case_pick_unit.html", {**context, "can_open": _can_open(request)}
        )
    return render(request, "clinic/partials/unit_picks.html", context)


def _detail_context(request: HttpRequest, case: Case, transition_form=None) -> dict:
    allowed = services.allowed_transitions(case, request.user)
    now = timezone.now()
    return {
        "case": case,
        "now": now,
        "sla": selectors.case_sla(case=case, now=now),
        "events": selectors.case_timeline(case=case),
        "allowed": allowed,
        "transition_form": transition_form
        or forms.TransitionForm(user=request.user, allowed=allowed),
        "suggestions": selectors.expert_suggestions(user=request.user, case=case)
        if case.status == CaseStatus.TRIAGED and allowed
        else [],
        **selectors.case_nested(user=request.user, case=case),
        "followup_form": forms.FollowUpForm(initial={"on": timezone.localdate(now)}),
        "history": history_entries(case),
    }


@module_required(Module.CLINIC)
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    return render(request, "clinic/case_detail.html", _detail_context(request, case))


@module_required(Module.CLINIC)
@require_POST
def case_transition(request: HttpRequest, pk: int) -> HttpResponse:
    """Move the case; an HTMX request gets the actions and timeline back in place."""
    case = _case_or_404(request, pk)
    allowed = services.allowed_transitions(case, request.user)
    form = forms.TransitionForm(request.POST, user=request.user, allowed=allowed)
    ok = False
    if form.is_valid():
        d = form.cleaned_data
        data = services.MoveInput(**{k: v for k, v in d.items() if k != "to_status"})
        try:
            services.case_transition(
                case=case, to_status=d["to_status"], user=request.user, data=data
            )
            ok = True
        except ApplicationError as error:
            apply_error(form, error)
    if ok:
        # The whole page again (header badge, actions, timeline, history), with a message.
        case = _case_or_404(request, pk)
        message = _("وضعیت پرونده به «%(status)s» تغییر کرد.") % {
            "status": case.get_status_display()
        }
        return action_done(request, reverse("clinic:case_detail", args=[pk]), message)
    context = _detail_context(request, case, transition_form=form)
    if is_htmx(request):
        return render(request, "clinic/partials/case_work.html", context)
    return render(request, "clinic/case_detail.html", context, status=422)


@module_required(Module.CLINIC)
@require_POST
def case_followup(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    form = forms.FollowUpForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        attempt(
            request,
            lambda: services.case_followup_record(
                case=case, user=request.user, confirmed=d["confirmed"], on=d["on"], note=d["note"]
            ),
            _("نتیجهٔ پیگیری ثبت شد."),
        )
    else:
        messages.error(request, _("تاریخ پیگیری را درست وارد کنید."))
    return redirect("clinic:case_detail", pk=pk)


# --- Experts and overdue lists ------------------------------------------------------


@module_required(Module.CLINIC)
@require_GET
def expert_workload(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    return render(
        request,
        "clinic/expert_workload.html",
        {
            "experts": list(selectors.expert_workload(user=request.user, now=now)[:200]),
            "overdue_by_agency": selectors.overdue_counts(user=request.user, by="agency", now=now),
            "overdue_by_county": selectors.overdue_counts(user=request.user, by="county", now=now),
        },
    )


# --- Working groups and sessions -----------------------------------------------------


@module_required(Module.CLINIC)
@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "clinic/group_list.html",
        {"groups": list(selectors.working_group_list(user=request.user))},
    )


@login_required
@require_GET
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = module_record_or_404(request.user, Module.CLINIC, WorkingGroup, pk=pk)
    page = page_of(request, selectors.session_list(user=request.user, group=group), PAGE_SIZE)
    return render(
        request,
        "clinic/group_detail.html",
        {
            "group": group,
            "page_obj": page,
            "members": selectors.group_members(user=request.user, group=group),
            "can_write": services.user_role(request.user) in services.MANAGERS,
            "agenda": list(selectors.agenda_candidates(user=request.user, group=group)[:50]),
        },
    )


def _session_or_404(request: HttpRequest, pk: int) -> Session:
    return get_scoped_or_404(
        request.user, Session.objects.select_related("group", "group__province"), pk=pk
    )


def _session_context(request: HttpRequest, session: Session) -> dict:
    return {
        "session": session,
        **selectors.session_parts(user=request.user, session=session),
        "others": [line for line in session.other_attendees.splitlines() if line.strip()],
    }


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a session of the group; its agenda is built from the cases escalated to it."""
    group = module_record_or_404(request.user, Module.CLINIC, WorkingGroup, pk=pk)
    agenda = selectors.agenda_candidates(user=request.user, group=group)
    form = forms.SessionForm(
        request.POST or None,
        members=selectors.group_members(user=request.user, group=group).rows,
        agenda=agenda,
        initial={"held_on": timezone.localdate()},
    )
    return submit(
        request,
        form,
        lambda d: services.session_create(user=request.user, group=group, **d),
        message=_("جلسه ثبت شد."),
        done=lambda session: redirect("clinic:session_detail", pk=session.pk),
    ) or render(request, "clinic/session_form.html", {"form": form, "group": group})


def _follow_ups(
    request: HttpRequest,
    session: Session,
    resolutions: list[Resolution],
    bound: forms.ResolutionFollowUpForm | None = None,
) -> list[tuple[Resolution, forms.ResolutionFollowUpForm]]:
    """Each resolution the user may follow up with its form, whose statuses are
    its allowed moves (``RESOLUTION_FLOW``'s table); the posted ``bound`` form
    in its resolution's place."""
    rows = []
    for resolution in resolutions:
        moves = services.RESOLUTION_FLOW.move_choices(resolution, request.user)
        if not moves:
            continue
        if bound is not None and bound["resolution"].value() == str(resolution.pk):
            form = bound
            cast(ChoiceField, form.fields["status_after"]).choices = moves
        else:
            form = forms.ResolutionFollowUpForm(
                resolutions=session.resolutions.all(),
                moves=moves,
                prefix="f",
                auto_id=f"id_r{resolution.pk}_%s",
                initial={"resolution": resolution.pk, "on": timezone.localdate()},
            )
        rows.append((resolution, form))
    return rows


def _session_page(
    request: HttpRequest,
    session: Session,
    *,
    resolution_form=None,
    followup_form=None,
    status: int = 200,
) -> HttpResponse:
    context = _session_context(request, session)
    return render(
        request,
        "clinic/session_detail.html",
        {
            **context,
            "history": history_entries(session),
            "can_write": services.user_role(request.user) in services.MANAGERS,
            "resolution_form": resolution_form
            or forms.ResolutionForm(cases=scoped(request.user, session.agenda.all()), prefix="r"),
            "follow_ups": _follow_ups(request, session, context["resolutions"], followup_form),
        },
        status=status,
    )


def _session_post(
    request: HttpRequest,
    session: Session,
    form_key: str,
    form: Any,
    action: Callable[[dict[str, Any]], Any],
    *,
    message: Any,
) -> HttpResponse:
    """The shape of a form posted from the session page: run the service and go
    back to the page, or show the page again with the form's errors (422)."""
    return submit_back(
        request,
        form,
        action,
        message=message,
        to="clinic:session_detail",
        pk=session.pk,
        again=lambda: _session_page(request, session, status=422, **{form_key: form}),
    )


@module_required(Module.CLINIC)
@require_GET
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _session_page(request, _session_or_404(request, pk))


@module_required(Module.CLINIC)
@require_POST
def resolution_add(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_or_404(request, pk)
    form = forms.ResolutionForm(
        request.POST, cases=scoped(request.user, session.agenda.all()), prefix="r"
    )
    return _session_post(
        request,
        session,
        "resolution_form",
        form,
        lambda d: services.resolution_create(user=request.user, session=session, **d),
        message=_("مصوبه ثبت شد."),
    )


@module_required(Module.CLINIC)
@require_POST
def resolution_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_or_404(request, pk)
    form = forms.ResolutionFollowUpForm(
        request.POST, resolutions=session.resolutions.all(), prefix="f"
    )
    return _session_post(
        request,
        session,
        "followup_form",
        form,
        lambda d: services.resolution_follow_up(user=request.user, **d),
        message=_("پیگیری مصوبه ثبت شد."),
    )


@module_required(Module.CLINIC)
@require_GET
def session_minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The session's minutes as a printable Persian PDF (WeasyPrint, Vazirmatn)."""
    session = _session_or_404(request, pk)

    pdf = write_pdf("clinic/minutes_pdf.html", _session_context(request, session))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="minutes-{session.pk}.pdf"'
    return response


# --- Resolutions --------------------------------------------------------------------


@module_required(Module.CLINIC)
@require_GET
def resolution_register(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    filter_form = forms.ResolutionFilterForm(request.GET or None)
    qs = selectors.resolution_register(user=request.user, **filter_form.filters())
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "clinic/resolution_register.html",
        {"filter_form": filter_form, "page_obj": page, "today": today},
    )


@module_required(Module.CLINIC)
@require_GET
def agency_scoreboard(request: HttpRequest) -> HttpResponse:
    form = forms.PeriodForm(request.GET or None)
    default_start, default_end = jalali_year_range(jalali_year_of(timezone.localdate()))
    start, end = default_start, default_end
    if form.is_valid():
        start = form.cleaned_data.get("start") or start
        end = form.cleaned_data.get("end") or end
    if start >= end:
        end = start + datetime.timedelta(days=1)
    return render(
        request,
        "clinic/agency_scoreboard.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "rows": selectors.agency_scoreboard(user=request.user, start=start, end=end),
        },
    )
