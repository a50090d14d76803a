"""Public pages (no sign-in): a province's headline figures for the last five
Jalali years (aggregates only); the producer's obstacle report and tracking."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from jahesh.core.errors import ApplicationError, InvalidInput
from jahesh.core.ratelimit import client_ip
from jahesh.geo.models import Province
from jahesh.portal import forms, services, tracking
from jahesh.portal.selectors import DEFAULT_PROVINCE, province_or_404, public_figures


@require_GET
def figures_page(request: HttpRequest) -> HttpResponse:
    province = province_or_404(request.GET.get("province") or DEFAULT_PROVINCE)
    data = public_figures(province=province)
    return render(request, "portal/figures.html", {
        "province": province, "provinces": Province.objects.order_by("name"), **data,
    })  # fmt: skip


# --- The producer's obstacle report -------------------------------------------


def _apply_error(form, error: ApplicationError) -> None:
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
        files = request.FILES.getlist("attachments")
        try:
            too_big = [f.name for f in files if f.size > services.MAX_ATTACHMENT_BYTES]
            if too_big:
                raise InvalidInput(
                    _("هر پیوست حداکثر ۵ مگابایت است؛ «{name}» بزرگ‌تر است.").format(
                        name=too_big[0]),
                    field="attachments",
                )  # fmt: skip
            report = services.report_submit(
                data=services.ReportInput(**{k: form.cleaned_data[k] for k in REPORT_FIELDS}),
                files=[(f.name, f.read()) for f in files[: services.MAX_ATTACHMENTS + 1]],
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


@require_http_methods(["GET", "POST"])
def track_page(request: HttpRequest) -> HttpResponse:
    """A report's milestones for its code and mobile number (POST: the number
    stays out of the address and the logs)."""
    form = forms.TrackForm(request.POST or None)
    found = None
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_for_producer(
                code=form.cleaned_data["code"], mobile=form.cleaned_data["mobile"],
                ip=client_ip(request),
            )  # fmt: skip
        except ApplicationError as error:
            form.add_error(None, str(error.message))
        else:
            milestones = tracking.report_milestones(report)
            status = tracking.producer_status(milestones)
            found = {"report": report, "milestones": milestones, "status": status,
                     "status_text": tracking.status_label(status),
                     "rating_open": tracking.rating_open(report)}  # fmt: skip
    return render(request, "portal/track.html", {"form": form, "found": found})
