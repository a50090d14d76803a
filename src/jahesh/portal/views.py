"""Public pages (no sign-in): a province's latest published figures and the
open data (aggregates only); the producer's obstacle report and tracking."""

from __future__ import annotations

import csv
import io
from typing import Any

from django import forms as django_forms
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from jahesh.core.errors import ApplicationError
from jahesh.core.ratelimit import client_ip
from jahesh.geo.models import Province
from jahesh.portal import forms, services, tracking
from jahesh.portal.models import PublicReport
from jahesh.portal.selectors import (
    DEFAULT_PROVINCE,
    OPEN_DATA_COLUMNS,
    open_data_rows,
    province_or_404,
    published_figures,
)


@require_GET
def figures_page(request: HttpRequest) -> HttpResponse:
    """The province's latest published figures (none before a publication)."""
    province = province_or_404(request.GET.get("province") or DEFAULT_PROVINCE)
    return render(request, "portal/figures.html", {
        "province": province, "provinces": Province.objects.order_by("name"),
        **published_figures(province=province),
    })  # fmt: skip


@require_GET
def open_data(request: HttpRequest, fmt: str) -> HttpResponse:
    """Every published snapshot as open data (figures only, nothing personal)."""
    rows = open_data_rows()
    if fmt == "json":
        return JsonResponse({"items": rows, "count": len(rows)},
                            json_dumps_params={"ensure_ascii": False})  # fmt: skip
    if fmt != "csv":
        raise Http404
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=OPEN_DATA_COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="jahesh-figures.csv"'
    return response


# --- The producer's obstacle report -------------------------------------------


def _apply_error(form: django_forms.Form, error: ApplicationError) -> None:
    placed = False
    for item in error.errors:
        name = item.get("field", "")
        if name in form.fields and name not in ("captcha_key",):
            form.add_error(name, str(item["message"]))
            placed = True
    if not placed:
        form.add_error(None, str(error.message))


@require_http_methods(["GET", "POST"])
def report_page(request: HttpRequest) -> HttpResponse:
    """File an obstacle report (no account): SMS code, captcha, up to 5 files."""
    categories = list(services.public_categories())
    form = forms.ReportForm(request.POST or None, categories=categories)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_submit(
                data=services.ReportInput(**{k: form.cleaned_data[k] for k in REPORT_FIELDS}),
                files=services.uploads_read(request.FILES.getlist("attachments")),
                ip=client_ip(request),
            )
        except ApplicationError as error:
            if any(e.get("field") == "attachments" for e in error.errors):
                form.attachments_error = str(error.errors[0]["message"])
            _apply_error(form, error)
        else:
            return render(request, "portal/report_done.html", {"report": report})
    return render(request, "portal/report.html", {"form": form})


REPORT_FIELDS = ("unit_name", "county_id", "legal_id", "national_code", "category",
                 "description", "mobile", "otp", "captcha_key", "captcha_answer")  # fmt: skip


def _found(report: PublicReport) -> dict[str, Any]:
    milestones = tracking.report_milestones(report)
    status = tracking.producer_status(milestones)
    return {"report": report, "milestones": milestones, "status": status,
            "status_text": tracking.status_label(status),
            "rating_open": tracking.rating_open(report)}  # fmt: skip


@require_http_methods(["GET", "POST"])
def track_page(request: HttpRequest) -> HttpResponse:
    """A report's milestones for its code and mobile number (POST: the number
    stays out of the address and the logs); with ``rate``, the producer's 1–5
    rating of the closed case, confirmed by an SMS code."""
    form = forms.TrackForm(request.POST or None)
    rating = "rate" in request.POST
    rate_form = forms.RateForm(request.POST if rating else None)
    found = None
    if request.method == "POST" and form.is_valid():
        ip = client_ip(request)
        try:
            if rating:
                services.rate_limit("rating-ip", ip)
            report = services.report_for_producer(
                code=form.cleaned_data["code"], mobile=form.cleaned_data["mobile"], ip=ip
            )
            found = _found(report)
            if rating and rate_form.is_valid():
                report = services.report_rate(
                    report=report, rating=rate_form.cleaned_data["rating"],
                    comment=rate_form.cleaned_data["comment"], mobile=report.mobile,
                    otp=rate_form.cleaned_data["otp"],
                )  # fmt: skip
                found = _found(report)
                rate_form = forms.RateForm()
        except ApplicationError as error:
            target = rate_form if rating and found is not None else form
            _apply_error(target, error)
    return render(request, "portal/track.html",
                  {"form": form, "found": found, "rate_form": rate_form})  # fmt: skip
