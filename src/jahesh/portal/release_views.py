"""Internal pages of the figures' approval (``/figures/releases/``): a province's
periods and their state, one period's counties, approval, publication and the
figures that changed since they were published. Aggregates only."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from jahesh.accounts.models import User
from jahesh.accounts.roles import Module, Role
from jahesh.accounts.scoping import require_module
from jahesh.clinic.services import user_role
from jahesh.core.errors import ApplicationError
from jahesh.core.jalali import jalali_quarter_of, jalali_today
from jahesh.geo.models import County, Province
from jahesh.portal import publishing
from jahesh.portal.models import FigureRelease


class UnpublishForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("دلیل لغو انتشار"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


def _province(request: HttpRequest) -> Province:
    """The reader's province (an admin picks one; default Markazi)."""
    user = cast(User, request.user)  # @login_required on every caller
    role = user_role(user)
    if role == Role.ADMIN or getattr(user, "nationwide", False):
        try:
            return Province.objects.get(pk=int(request.GET.get("province") or 28))
        except (Province.DoesNotExist, ValueError):
            raise Http404 from None
    if user.province is not None:
        return user.province
    if user.county is not None:
        return user.county.province
    raise Http404


def _periods() -> list[tuple[int, int]]:
    year, quarter = jalali_quarter_of(jalali_today())
    out = [(year - 1, 0)]
    out += [(year, q) for q in range(quarter, 0, -1)]
    out += [(year - 1, q) for q in range(4, 0, -1)]
    return out


@login_required
@require_GET
def release_list(request: HttpRequest) -> HttpResponse:
    require_module(request.user, Module.DASHBOARD)
    province = _province(request)
    existing = {(r.year, r.quarter): r for r in FigureRelease.objects.filter(province=province)}
    rows = [
        {"year": y, "quarter": q, "label": publishing.period_label(y, q),
         "release": existing.get((y, q))}
        for y, q in sorted(set(_periods()) | set(existing), key=lambda p: (-p[0], p[1] != 0, -p[1]))
    ]  # fmt: skip
    return render(request, "portal/release_list.html", {"province": province, "rows": rows})


def _detail(request: HttpRequest, year: int, quarter: int, **extra: Any) -> dict[str, Any]:
    province = _province(request)
    try:
        publishing._check_period(year, quarter)
    except ApplicationError:
        raise Http404 from None
    release = FigureRelease.objects.filter(province=province, year=year, quarter=quarter).first()
    submitted = {c.county_id: c for c in release.counties.all()} if release else {}
    counties = County.objects.filter(province=province).order_by("name")
    user = cast(User, request.user)  # @login_required on every caller
    role = user_role(user)
    return {
        "province": province, "year": year, "quarter": quarter,
        "label": publishing.period_label(year, quarter), "release": release,
        "counties": [{"county": c, "row": submitted.get(c.pk)} for c in counties],
        "changes": publishing.release_changes(release) if release else [],
        "may_submit": role == Role.COUNTY_OFFICER and user.county and
        user.county.province_id == province.pk,
        "is_hq": role == Role.ADMIN or (role == Role.HQ_MANAGER and user.province_id == province.pk),
        "unpublish_form": extra.get("unpublish_form") or UnpublishForm(),
        "error": extra.get("error"),
    }  # fmt: skip


@login_required
@require_GET
def release_detail(request: HttpRequest, year: int, quarter: int) -> HttpResponse:
    require_module(request.user, Module.DASHBOARD)
    return render(request, "portal/release_detail.html", _detail(request, year, quarter))


@login_required
@require_POST
def release_action(request: HttpRequest, year: int, quarter: int, action: str) -> HttpResponse:
    require_module(request.user, Module.DASHBOARD)
    province = _province(request)
    user = cast(User, request.user)  # @login_required
    form: UnpublishForm | None = None
    try:
        if action == "submit":
            county = user.county if user.county_id else County.objects.filter(
                province=province, pk=request.POST.get("county") or 0).first()  # fmt: skip
            if county is None or county.province_id != province.pk:
                raise Http404
            publishing.county_figures_submit(user=user, county=county, year=year, quarter=quarter)
            messages.success(request, _("ارقام شهرستان فرستاده شد."))
        else:
            release = FigureRelease.objects.filter(province=province, year=year,
                                                   quarter=quarter).first()  # fmt: skip
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
    url = request.path.rsplit("/", 2)[0] + "/"
    if province.pk != getattr(user, "province_id", None) and user_role(user) == Role.ADMIN:
        url += f"?province={province.pk}"
    return redirect(url)
