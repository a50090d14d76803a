"""Pages of projects and direct services. Each view parses input, calls one
service or selector and renders; every record is read through ``scoped()``."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jahesh.accounts.roles import Module
from jahesh.accounts.scoping import (
    area_for,
    get_scoped_or_404,
    module_required,
    require_module,
    scope_exists,
)
from jahesh.core.forms import LocationForm
from jahesh.core.history import history_entries
from jahesh.core.jalali import jalali_year_of, jalali_year_range
from jahesh.core.mapdata import locate
from jahesh.core.pages import page_of, submit, submit_back
from jahesh.core.tabular import import_page, write_template, xlsx_response
from jahesh.projects import forms, importing, selectors, services
from jahesh.projects.models import Project, ProjectPhoto
from jahesh.volunteers.models import Group

PAGE_SIZE = 25


# --- Projects -------------------------------------------------------------------


@module_required(Module.PROJECTS)
@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    filter_form = forms.ProjectFilterForm(request.GET or None, user=request.user)
    qs = selectors.project_list(user=request.user, **filter_form.filters())
    page = page_of(request, qs, PAGE_SIZE)
    values = selectors.project_values(p.pk for p in page.object_list)
    rows = [(p, values.get(p.pk, 0)) for p in page.object_list]
    return render(
        request,
        "projects/project_list.html",
        {"filter_form": filter_form, "page_obj": page, "rows": rows},
    )


def _detail_context(request: HttpRequest, project: Project, **bound) -> dict:
    reports = list(project.progress_reports.order_by("reported_on", "id"))
    context = {
        "project": project,
        "funding": list(project.funding.select_related("labour_skill")),
        "summary": selectors.project_funding_summary(project=project),
        "reports": reports,
        "chart": {
            "dates": [r.reported_on.isoformat() for r in reports],
            "labels": [r.reported_on for r in reports],
            "values": [r.progress_pct for r in reports],
        },
        "photos": list(project.photos.all()),
        "results": list(project.results.all()),
        "checks": list(project.facility_checks.select_related("checked_by")),
        "events": list(project.events.select_related("by")),
        "history": history_entries(project),
        "allowed": services.PROJECT_FLOW.move_choices(project, request.user),
        "transition_form": bound.get("transition_form") or forms.TransitionForm(),
        "progress_form": bound.get("progress_form") or forms.ProgressForm(),
        "funding_form": bound.get("funding_form") or forms.FundingForm(),
        "result_form": bound.get("result_form") or forms.ResultForm(),
        "check_form": bound.get("check_form") or forms.FacilityCheckForm(),
        "location_form": bound.get("location_form")
        or LocationForm(initial={"latitude": project.latitude, "longitude": project.longitude}),
        "open_form": next(iter(bound), ""),
        "location_open": "location_form" in bound,
    }
    return context


@login_required
@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_scoped_or_404(
        request.user,
        Project.objects.select_related("county", "village", "city", "implementer_group").annotate(
            # A volunteer group of another county is not named (scoping.scope_exists).
            implementer_visible=scope_exists(request.user, Group, "implementer_group")
        ),
        pk=pk,
    )
    return render(request, "projects/project_detail.html", _detail_context(request, project))


@module_required(Module.PROJECTS)
@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest) -> HttpResponse:
    form = forms.ProjectForm(request.POST or None, user=request.user)
    return submit(
        request,
        form,
        lambda data: services.project_create(user=request.user, **data),
        message=_("پروژه ثبت شد."),
        done=lambda project: redirect("projects:detail", pk=project.pk),
    ) or render(request, "projects/project_form.html", {"form": form})


def _project_post(request: HttpRequest, pk: int, form_name: str, form, action) -> HttpResponse:
    """The shape of every form posted from the detail page: find the project in
    scope, run the service, redirect on success or show the form's errors."""
    project = get_scoped_or_404(request.user, Project, pk=pk)

    def again() -> HttpResponse:
        project.refresh_from_db()
        context = _detail_context(request, project, **{form_name: form})
        return render(request, "projects/project_detail.html", context, status=422)

    return submit_back(
        request,
        form,
        lambda data: action(project, data),
        message=_("ثبت شد."),
        to="projects:detail",
        pk=project.pk,
        again=again,
    )


@login_required
@require_POST
def project_transition(request: HttpRequest, pk: int) -> HttpResponse:
    def action(project, data):
        services.project_transition(
            project=project,
            to_status=data["to_status"],
            user=request.user,
            on=data.get("on"),
            reason=data.get("reason") or "",
        )

    return _project_post(request, pk, "transition_form", forms.TransitionForm(request.POST), action)


@login_required
@require_POST
def progress_add(request: HttpRequest, pk: int) -> HttpResponse:
    def action(project: Project, data: dict) -> None:
        fields = {name: value for name, value in data.items() if name != "photo"}
        photos = [data["photo"]] if data.get("photo") else []
        services.progress_report_add(project=project, user=request.user, photos=photos, **fields)

    form = forms.ProgressForm(request.POST, request.FILES)
    return _project_post(request, pk, "progress_form", form, action)


@login_required
@require_POST
def funding_add(request: HttpRequest, pk: int) -> HttpResponse:
    def action(project: Project, data: dict) -> None:
        services.funding_record(project=project, **data)

    return _project_post(request, pk, "funding_form", forms.FundingForm(request.POST), action)


@login_required
@require_POST
def result_add(request: HttpRequest, pk: int) -> HttpResponse:
    def action(project: Project, data: dict) -> None:
        services.result_set(project=project, **data)

    return _project_post(request, pk, "result_form", forms.ResultForm(request.POST), action)


@login_required
@require_POST
def project_locate(request: HttpRequest, pk: int) -> HttpResponse:
    """Set, move or clear the project's place on the map (issue 17)."""

    def action(project: Project, data: dict) -> None:
        locate(project, latitude=data.get("latitude"), longitude=data.get("longitude"))

    return _project_post(request, pk, "location_form", LocationForm(request.POST), action)


@login_required
@require_POST
def facility_check_add(request: HttpRequest, pk: int) -> HttpResponse:
    def action(project: Project, data: dict) -> None:
        services.facility_check_record(project=project, user=request.user, **data)

    return _project_post(request, pk, "check_form", forms.FacilityCheckForm(request.POST), action)


@login_required
@require_GET
def photo(request: HttpRequest, pk: int) -> FileResponse:
    """A project photo, served only to users who may see its project (media files
    are not public)."""
    item = get_scoped_or_404(request.user, ProjectPhoto, pk=pk)
    try:
        handle = item.image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle)
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- Direct services -------------------------------------------------------------


@module_required(Module.PROJECTS)
@require_GET
def service_list(request: HttpRequest) -> HttpResponse:
    filter_form = forms.ServiceFilterForm(request.GET or None, user=request.user)
    qs = selectors.service_list(user=request.user, **filter_form.filters())
    page = page_of(request, qs, PAGE_SIZE)
    totals = selectors.services_totals(services=qs)
    return render(
        request,
        "projects/service_list.html",
        {
            "filter_form": filter_form,
            "page_obj": page,
            "totals": totals,
            "by_kind": selectors.services_by_kind(services=qs),
        },
    )


@module_required(Module.PROJECTS)
@require_http_methods(["GET", "POST"])
def service_create(request: HttpRequest) -> HttpResponse:
    form = forms.ServiceForm(request.POST or None, user=request.user)
    return submit(
        request,
        form,
        lambda data: services.service_create(user=request.user, **data),
        message=_("خدمت ثبت شد."),
        done=lambda _result: redirect("projects:service_list"),
    ) or render(request, "projects/service_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def service_import(request: HttpRequest) -> HttpResponse:

    require_module(request.user, Module.PROJECTS)
    return import_page(
        request,
        stash_kind="projects:services",
        run=lambda path, filename, dry_run: importing.import_services(
            path, filename=filename, user=request.user, dry_run=dry_run
        ),
        columns=importing.COLUMNS,
        template="projects/service_import.html",
        job_kind="services",
    )


@login_required
@require_GET
def service_import_template(request: HttpRequest) -> HttpResponse:

    require_module(request.user, Module.PROJECTS)
    return xlsx_response(write_template(importing.COLUMNS), "direct-services-template.xlsx")


# --- County table and place options -------------------------------------------


@login_required
@require_GET
def county_table(request: HttpRequest) -> HttpResponse:

    area = area_for(request.user)  # viewers read figures too; 404 for roles without an area
    form = forms.PeriodForm(request.GET or None)
    today = timezone.localdate()
    start, _end = jalali_year_range(jalali_year_of(today))
    end = today + datetime.timedelta(days=1)
    if form.is_valid():
        start = form.cleaned_data.get("start") or start
        end = form.cleaned_data.get("end") or end
    if not request.GET:
        form = forms.PeriodForm(initial={"start": start, "end": end})
    rows = selectors.county_table(area=area, start=start, end=end)
    return render(
        request,
        "projects/county_table.html",
        {
            "form": form,
            "rows": rows,
            "total": selectors.county_table_totals(rows),
            "start": start,
            "end": end,
        },
    )
