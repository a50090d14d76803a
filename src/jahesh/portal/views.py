"""The public figures page (no sign-in): a province's headline figures for the
last five Jalali years, aggregates only."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from jahesh.geo.models import Province
from jahesh.portal.selectors import DEFAULT_PROVINCE, province_or_404, public_figures


@require_GET
def figures_page(request: HttpRequest) -> HttpResponse:
    province = province_or_404(request.GET.get("province") or DEFAULT_PROVINCE)
    data = public_figures(province=province)
    return render(request, "portal/figures.html", {
        "province": province, "provinces": Province.objects.order_by("name"), **data,
    })  # fmt: skip
