"""Internal pages of the figures' approval (``/figures/releases/``): a province's
periods and their state, one period's counties, approval, publication and the
figures that changed since they were published. Aggregates only."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from jahesh.accounts.models import User
from jahesh.accounts.roles import Module, Role
from jahesh.accounts.scoping import (
    Area,
    area_for,
    effective_role,
    module_required,
    scoped,
    sees_whole_country,
)
from jahesh.core.errors import ApplicationError
from jahesh.core.jalali import jalali_quarter_of, jalali_today
from jahesh.geo.models import County, Province
from jahesh.portal import publishing
from jahesh.portal.models import CountyFigures, FigureRelease
from jahesh.portal.selectors import DEFAULT_PROVINCE


class UnpublishForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("دلیل لغو انتشار"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


def _place(request: HttpRequest) -> tuple[Province, Area]:
    """The province the page is about and the reader's area in it: the one asked
    for (``?province=``) clamped by ``area_for`` to where the reader works (a
    headquarters manager gets their own province whatever they ask, a county
    officer their county in it); the whole country defaults to Markazi."""
    asked = request.GET.get("province") or None
    try:
        area = area_for(request.user, province_id=int(asked) if asked else None)
    except ValueError:
        raise Http404 from None
    province = Province.objects.filter(pk=area.province_id or DEFAULT_PROVINCE).first()
    if province is None:
        raise Http404
    if area.province_id is None:
        area = Area(province_id=province.pk)
    return province, area


def _releases(request: HttpRequest, province: Province) -> QuerySet[FigureRelease]:
    """The province's releases, read through the scoping mechanism."""
    return scoped(request.user, FigureRelease).filter(province=province)


def _province_query(request: HttpRequest, province: Province) -> str:
    """What links and forms carry so a reader of the whole country stays on the
    province they picked."""
    return f"?province={province.pk}" if sees_whole_country(request.user) else ""


def _periods() -> list[tuple[int, int]]:
    year, quarter = jalali_quarter_of(jalali_today())
    out = [(year - 1, 0)]
    out += [(year, q) for q in range(quarter, 0, -1)]
    out += [(year - 1, q) for q in range(4, 0, -1)]
    return out


# The step (the action in the URL) that makes each move of RELEASE_FLOW's table.
STEP_OF: dict[str, str] = {
    FigureRelease.Status.APPROVED: "approve",
    FigureRelease.Status.PUBLISHED: "publish",
    FigureRelease.Status.UNPUBLISHED: "unpublish",
}


@module_required(Module.DASHBOARD)
@require_GET
def release_list(request: HttpRequest) -> HttpResponse:
    province, _area = _place(request)
    existing = {(r.year, r.quarter): r for r in _releases(request, province)}
    rows = [
        {"year": y, "quarter": q, "label": publishing.period_label(y, q),
         "release": existing.get((y, q))}
        for y, q in sorted(set(_periods()) | set(existing), key=lambda p: (-p[0], p[1] != 0, -p[1]))
    ]  # fmt: skip
    return render(request, "portal/release_list.html", {
        "province": province, "rows": rows, "province_query": _province_query(request, province),
    })  # fmt: skip


def _detail(request: HttpRequest, year: int, quarter: int, **extra: Any) -> dict[str, Any]:
    province, area = _place(request)
    try:
        publishing._check_period(year, quarter)
    except ApplicationError:
        raise Http404 from None
    release = _releases(request, province).filter(year=year, quarter=quarter).first()
    submitted = (
        {c.county_id: c for c in scoped(request.user, CountyFigures).filter(release=release)}
        if release
        else {}
    )
    # The counties of the reader's area: a county officer reads their own only.
    counties = County.objects.filter(area.counties_q()).order_by("name")
    user = cast(User, request.user)  # @login_required on every caller
    role = effective_role(user)
    return {
        "province": province, "year": year, "quarter": quarter,
        "label": publishing.period_label(year, quarter), "release": release,
        "counties": [{"county": c, "row": submitted.get(c.pk)} for c in counties],
        # Today's province-wide figures beside the published ones: for readers of
        # the whole province (a county officer's figures are their county's).
        "changes": publishing.release_changes(release) if release and area.county_id is None
        else [],
        "may_submit": role == Role.COUNTY_OFFICER and user.county and
        user.county.province_id == province.pk,
        "is_hq": role == Role.ADMIN or (role == Role.HQ_MANAGER and user.province_id == province.pk),
        # The steps offered: the release's allowed moves (RELEASE_FLOW's table).
        "steps": [STEP_OF[to] for to in publishing.RELEASE_FLOW.allowed_moves(release, user)]
        if release else [],
        "unpublish_form": extra.get("unpublish_form") or UnpublishForm(),
        "error": extra.get("error"), "province_query": _province_query(request, province),
    }  # fmt: skip


@module_required(Module.DASHBOARD)
@require_GET
def release_detail(request: HttpRequest, year: int, quarter: int) -> HttpResponse:
    return render(request, "portal/release_detail.html", _detail(request, year, quarter))


@module_required(Module.DASHBOARD)
@require_POST
def release_action(request: HttpRequest, year: int, quarter: int, action: str) -> HttpResponse:
    province, area = _place(request)
    user = cast(User, request.user)  # @login_required
    form: UnpublishForm | None = None
    try:
        if action == "submit":
            # A county of the reader's area (a county officer's own).
            county = County.objects.filter(
                area.counties_q(), pk=request.POST.get("county") or user.county_id or 0
            ).first()
            if county is None:
                raise Http404
            publishing.county_figures_submit(user=user, county=county, year=year, quarter=quarter)
            messages.success(request, _("ارقام شهرستان فرستاده شد."))
        else:
            release = _releases(request, province).filter(year=year, quarter=quarter).first()
            if release is None:
                raise Http404
            if action == "approve":
                publishing.release_approve(user=user, release=release)
                messages.success(request, _("ارقام استان تأیید شد."))
            elif action == "publish":
                publishing.release_publish(user=user, release=release)
                messages.success(request, _("ارقام منتشر شد."))
            elif action == "unpublish":
                form = UnpublishForm(request.POST)
                if not form.is_valid():
                    raise ApplicationError(_("دلیل لغو انتشار را بنویسید (دست‌کم ۱۰ نویسه)."))
                publishing.release_unpublish(user=user, release=release,
                                             reason=form.cleaned_data["reason"])  # fmt: skip
                messages.success(request, _("انتشار لغو شد."))
            else:
                raise Http404
    except ApplicationError as error:
        ctx = _detail(request, year, quarter, unpublish_form=form, error=str(error.message))
        return render(request, "portal/release_detail.html", ctx, status=error.status_code)
    return redirect(request.path.rsplit("/", 2)[0] + "/" + _province_query(request, province))
