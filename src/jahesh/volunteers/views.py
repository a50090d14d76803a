"""Pages of volunteers, groups, camps, rosters and hours approval, and the
PUBLIC certificate verification page.

Each view parses input, calls one service or selector, renders. Records are
read through ``scoped``/``get_scoped_or_404`` (out of scope: 404).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.forms.models import model_to_dict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jahesh.accounts.roles import Module
from jahesh.accounts.scoping import get_scoped_or_404, module_required, scoped
from jahesh.core.errors import ApplicationError
from jahesh.core.forms import LocationForm, dataclass_from
from jahesh.core.history import history_entries
from jahesh.core.mapdata import locate
from jahesh.core.pages import attempt, form_page, list_page, page_of, submit
from jahesh.core.tabular import (
    import_page,
    table_response,
    write_template,
    xlsx_response,
)
from jahesh.geo.models import Village
from jahesh.volunteers import forms, selectors, services
from jahesh.volunteers.certificates import certificate_pdf
from jahesh.volunteers.forms import village_label
from jahesh.volunteers.models import (
    Camp,
    Certificate,
    Group,
    RosterEntry,
    Skill,
    Volunteer,
)
from jahesh.volunteers.spreadsheets import import_volunteers, volunteer_columns, volunteer_rows

PAGE_SIZE = 50


# --- Volunteers ------------------------------------------------------------------


@require_GET
@module_required(Module.VOLUNTEERS)
def volunteer_list(request: HttpRequest) -> HttpResponse:
    return list_page(
        request,
        forms.VolunteerFilterForm(request.GET or None, user=request.user),
        selectors.volunteer_list,
        "volunteers/volunteer_list.html",
        PAGE_SIZE,
        partial="volunteers/partials/volunteer_rows.html",
    )


@require_http_methods(["GET", "POST"])
@module_required(Module.VOLUNTEERS)
def volunteer_create(request: HttpRequest) -> HttpResponse:
    form = forms.VolunteerForm(request.POST or None, user=request.user)
    return submit(
        request,
        form,
        lambda _d: services.volunteer_create(form.volunteer_fields(), actor=request.user),
        message=_("نیرو ثبت شد."),
        done=lambda v: redirect("volunteers:detail", v.pk),
    ) or form_page(request, "volunteers/volunteer_form.html", {"form": form})


@require_GET
@module_required(Module.VOLUNTEERS)
def volunteer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    v = get_scoped_or_404(request.user, Volunteer.objects.select_related("county"), pk=pk)
    ctx = {
        "v": v,
        "summary": selectors.volunteer_summary(volunteer=v),
        "skills": v.skill_links.select_related("skill"),
        "credentials": v.credentials.select_related("kind"),
        "memberships": selectors.volunteer_groups(user=request.user, volunteer=v),
        "roster": selectors.volunteer_roster(user=request.user, volunteer=v),
        "status_events": v.status_events.select_related("by")[:20],
        "history": history_entries(v),
        "skill_form": forms.SkillForm(),
        "credential_form": forms.CredentialForm(),
        "status_form": forms.StatusForm(
            moves=services.VOLUNTEER_FLOW.move_choices(v, request.user)
        ),
    }
    return render(request, "volunteers/volunteer_detail.html", ctx)


@require_http_methods(["GET", "POST"])
@module_required(Module.VOLUNTEERS)
def volunteer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    v = get_scoped_or_404(request.user, Volunteer, pk=pk)
    initial = model_to_dict(v, fields=forms.VolunteerForm.base_fields)  # the form's own fields
    form = forms.VolunteerForm(
        request.POST or None, initial=initial, user=request.user, editing=True
    )
    return submit(
        request,
        form,
        lambda _d: services.volunteer_update(form.details(), actor=request.user, volunteer=v),
        message=_("تغییرات ذخیره شد."),
        done=lambda _result: redirect("volunteers:detail", v.pk),
    ) or form_page(request, "volunteers/volunteer_form.html", {"form": form, "v": v})


def _detail_action(request: HttpRequest, pk: int, form_class, act) -> HttpResponse:
    v = get_scoped_or_404(request.user, Volunteer, pk=pk)
    form = form_class(request.POST)
    if form.is_valid():
        attempt(request, lambda: act(v, form.cleaned_data), _("ثبت شد."))
    else:
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
    return redirect("volunteers:detail", v.pk)


def _linked(
    request: HttpRequest, service: Callable[..., Any], ref: str
) -> Callable[[Volunteer, dict[str, Any]], Any]:
    """A skill or credential posted from the detail page: ``service`` is given the
    volunteer, the chosen record ``ref`` as ``<ref>_id`` and the form's other
    fields as its own keywords (the build's signature, which the form's fields are)."""
    return lambda v, d: service(
        actor=request.user,
        volunteer=v,
        **{f"{ref}_id": d[ref].pk},
        **{name: value for name, value in d.items() if name != ref},
    )


@require_POST
@module_required(Module.VOLUNTEERS)
def volunteer_status(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_action(
        request,
        pk,
        forms.StatusForm,
        lambda v, d: services.volunteer_set_status(
            actor=request.user,
            volunteer_id=v.pk,
            to_status=d["status"],
            effective_on=d["effective_on"],
            reason=d["reason"],
        ),
    )


@require_POST
@module_required(Module.VOLUNTEERS)
def volunteer_skill_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_action(
        request, pk, forms.SkillForm, _linked(request, services.volunteer_skill_set, "skill")
    )


@require_POST
@module_required(Module.VOLUNTEERS)
def volunteer_credential_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_action(
        request, pk, forms.CredentialForm, _linked(request, services.credential_add, "kind")
    )


# --- Groups ----------------------------------------------------------------------


@require_GET
@module_required(Module.VOLUNTEERS)
def group_list(request: HttpRequest) -> HttpResponse:
    return list_page(
        request,
        forms.GroupFilterForm(request.GET or None, user=request.user),
        selectors.group_list,
        "volunteers/group_list.html",
        PAGE_SIZE,
    )


@require_http_methods(["GET", "POST"])
@module_required(Module.VOLUNTEERS)
def group_create(request: HttpRequest) -> HttpResponse:
    form = forms.GroupForm(request.POST or None, user=request.user)

    def create(d: dict) -> Group:
        leader = selectors.group_leader(
            user=request.user, national_code=d["leader_code"], field="leader_code"
        )
        fields = dataclass_from(services.GroupFields, d, county_id=d["county"].pk, leader=leader)
        return services.group_create(fields, actor=request.user)

    return submit(
        request,
        form,
        create,
        message=_("گروه ثبت شد."),
        done=lambda g: redirect("volunteers:group_detail", g.pk),
    ) or form_page(request, "volunteers/group_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@module_required(Module.VOLUNTEERS)
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_scoped_or_404(request.user, selectors.group_queryset(user=request.user), pk=pk)
    form = forms.MemberForm(request.POST or None)
    done = submit(
        request,
        form,
        lambda d: services.membership_add(actor=request.user, group=group, **d),
        message=_("عضو افزوده شد."),
        done=lambda _result: redirect("volunteers:group_detail", group.pk),
    )
    if done:
        return done
    members = selectors.group_members(user=request.user, group=group)
    ctx = {
        "group": group,
        "page_obj": page_of(request, members.rows, PAGE_SIZE),
        "hidden_members": members.hidden,
        "member_form": form,
        "camps": scoped(request.user, Camp)
        .filter(groups=group)
        .select_related("county", "village")[:30],
        "history": history_entries(group),
    }
    return form_page(request, "volunteers/group_detail.html", ctx, form_key="member_form")


# --- Camps -----------------------------------------------------------------------


@require_GET
@module_required(Module.VOLUNTEERS)
def camp_list(request: HttpRequest) -> HttpResponse:
    return list_page(
        request,
        forms.CampFilterForm(request.GET or None, user=request.user),
        selectors.camp_list,
        "volunteers/camp_list.html",
        PAGE_SIZE,
    )


@require_http_methods(["GET", "POST"])
@module_required(Module.VOLUNTEERS)
def camp_create(request: HttpRequest) -> HttpResponse:
    form = forms.CampForm(request.POST or None, user=request.user)
    return submit(
        request,
        form,
        lambda d: services.camp_create(
            dataclass_from(services.CampFields, d),
            actor=request.user,
            group_ids=[g.pk for g in d["groups"]],
            required_kind_ids=[k.pk for k in d["required_kinds"]],
        ),
        message=_("اردو ثبت شد؛ اکنون فهرست حضور را وارد کنید."),
        done=lambda camp: redirect("volunteers:roster", camp.pk),
    ) or form_page(request, "volunteers/camp_form.html", {"form": form})


@require_GET
@module_required(Module.VOLUNTEERS)
def village_options(request: HttpRequest) -> HttpResponse:
    """HTMX: the <option>s of the villages of a county in the user's scope."""
    counties = forms.county_queryset(request.user)
    county_id = request.GET.get("county") or "0"
    villages = (
        Village.objects.filter(
            county__in=counties, county_id=int(county_id) if county_id.isdigit() else 0
        )
        .order_by("-is_deprived", "name")
        .only("id", "name", "is_deprived")
    )
    return render(
        request,
        "volunteers/partials/village_options.html",
        {"villages": [(v.pk, village_label(v)) for v in villages]},
    )


@require_GET
@module_required(Module.VOLUNTEERS)
def camp_detail(request: HttpRequest, pk: int) -> HttpResponse:
    camp = get_scoped_or_404(
        request.user, Camp.objects.select_related("county", "village", "city"), pk=pk
    )
    return _camp_page(request, camp, None)


@require_POST
@module_required(Module.VOLUNTEERS)
def camp_locate(request: HttpRequest, pk: int) -> HttpResponse:
    """Set, move or clear the camp's place on the map (issue 17)."""
    camp = get_scoped_or_404(request.user, Camp, pk=pk)
    form = LocationForm(request.POST)
    done = submit(
        request,
        form,
        lambda d: locate(camp, latitude=d.get("latitude"), longitude=d.get("longitude")),
        message=_("جای اردو روی نقشه ثبت شد."),
        done=lambda _result: redirect("volunteers:camp_detail", camp.pk),
    )
    if done:
        return done
    camp = get_scoped_or_404(
        request.user, Camp.objects.select_related("county", "village", "city"), pk=pk
    )
    return _camp_page(request, camp, form)


def _camp_page(
    request: HttpRequest, camp: Camp, location_form: LocationForm | None
) -> HttpResponse:
    roster = selectors.camp_roster(user=request.user, camp=camp)
    ctx = {
        "camp": camp,
        "totals": selectors.camp_totals(camp=camp),
        "groups": selectors.camp_groups(user=request.user, camp=camp),
        "kinds": camp.required_credential_kinds.all(),
        "page_obj": page_of(request, roster.rows, 100),
        "hidden_roster": roster.hidden,
        "history": history_entries(camp),
        "location_form": location_form
        or LocationForm(initial={"latitude": camp.latitude, "longitude": camp.longitude}),
        "location_open": location_form is not None,
    }
    status = 200 if location_form is None else 422
    return render(request, "volunteers/camp_detail.html", ctx, status=status)


_CODE_SPLIT = re.compile(r"[\s,،;]+")


def _roster_rows_from_post(request: HttpRequest, defaults: dict) -> list[services.RosterRow]:
    """Rows of the table (parallel lists) then the pasted codes with the defaults."""
    codes = request.POST.getlist("nc")
    skills = request.POST.getlist("skill")
    hours = request.POST.getlist("hours")
    rows = []
    for i, code in enumerate(codes):
        if not code.strip():
            continue
        skill = skills[i] if i < len(skills) else ""
        rows.append(
            services.RosterRow(
                code, int(skill) if skill.isdigit() else None, hours[i] if i < len(hours) else 0
            )
        )
    skill = defaults.get("default_skill")
    for code in _CODE_SPLIT.split(defaults.get("codes") or ""):
        if code:
            rows.append(
                services.RosterRow(
                    code, skill.pk if skill else None, defaults.get("default_hours") or 0
                )
            )
    return rows


@require_http_methods(["GET", "POST"])
@module_required(Module.VOLUNTEERS)
def camp_roster(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole roster in one form: edit any row, paste many codes, save once."""
    camp = get_scoped_or_404(
        request.user, Camp.objects.select_related("county", "village", "city"), pk=pk
    )
    defaults = forms.RosterDefaultsForm(request.POST or None)
    row_errors: dict[int, list[str]] = {}
    posted_rows: list[services.RosterRow] = []
    status = 200
    if request.method == "POST" and defaults.is_valid():
        posted_rows = _roster_rows_from_post(request, defaults.cleaned_data)
        try:
            result = services.roster_save(
                actor=request.user,
                camp=camp,
                rows=posted_rows,
                source=defaults.cleaned_data["source"],
            )
        except ApplicationError as exc:
            status = 422
            messages.error(request, str(exc.message))
            for err in exc.errors:
                m = re.match(r"rows\.(\d+)\.", err.get("field", ""))
                if m:
                    row_errors.setdefault(int(m.group(1)), []).append(err["message"])
        else:
            messages.success(
                request,
                _("فهرست ذخیره شد: %(c)s ردیف تازه، %(u)s ردیف به‌روز، %(n)s بدون تغییر.")
                % {"c": result.created, "u": result.updated, "n": result.unchanged},
            )
            return redirect("volunteers:camp_detail", camp.pk)
    roster = selectors.camp_roster(user=request.user, camp=camp)
    if posted_rows:
        rows = [
            {
                "nc": r.national_code,
                "skill_id": r.skill_id,
                "hours": r.hours,
                "errors": row_errors.get(i, []),
            }
            for i, r in enumerate(posted_rows)
        ]
    else:
        rows = [
            {
                "nc": e.volunteer.national_code,
                "name": e.volunteer.full_name,
                "skill_id": e.skill_id,
                "hours": selectors.plain_hours(e.hours),
                "status": e.get_status_display(),
                "errors": [],
            }
            for e in roster.rows
        ]
    rows += [{"nc": "", "skill_id": None, "hours": "", "errors": []} for _i in range(5)]
    ctx = {
        "camp": camp,
        "rows": rows,
        "skills": list(
            Skill.objects.filter(is_active=True).order_by("name").values_list("id", "name")
        ),
        "defaults": defaults,
        "hidden_roster": roster.hidden,
    }
    return render(request, "volunteers/camp_roster.html", ctx, status=status)


# --- Hours approval ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@module_required(Module.VOLUNTEERS)
def hours_pending(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
        if request.POST.get("action") == "reject":
            n = services.hours_reject(
                actor=request.user, entry_ids=ids, note=request.POST.get("note", "")
            )
            messages.success(request, _("%(n)s ردیف رد شد.") % {"n": n})
        else:
            n = services.hours_approve(actor=request.user, entry_ids=ids)
            messages.success(request, _("%(n)s ردیف تأیید شد.") % {"n": n})
        return redirect(request.get_full_path())
    camp_id = request.GET.get("camp")
    qs = selectors.pending_hours(
        user=request.user, camp_id=int(camp_id) if (camp_id or "").isdigit() else None
    )
    page = page_of(request, qs, 100)
    # The decisions offered: the moves HOURS_FLOW's table allows from a pending
    # row (every row listed is pending, so the first row's are every row's).
    first = next(iter(page.object_list), None)
    moves = services.HOURS_FLOW.allowed_moves(first, request.user) if first else []
    return render(request, "volunteers/hours_pending.html", {"page_obj": page, "moves": moves})


# --- Certificates --------------------------------------------------------------------


@require_POST
@module_required(Module.VOLUNTEERS)
def certificate_issue(request: HttpRequest, entry_id: int) -> HttpResponse:
    try:
        cert = services.certificate_issue(actor=request.user, entry_id=entry_id)
    except ApplicationError as exc:
        if exc.status_code == 404:
            raise Http404("یافت نشد") from None
        messages.error(request, str(exc.message))
        entry = get_scoped_or_404(request.user, RosterEntry, pk=entry_id)
        return redirect("volunteers:camp_detail", entry.camp_id)
    return redirect("volunteers:certificate_pdf", cert.pk)


@require_GET
@module_required(Module.VOLUNTEERS)
def certificate_download(request: HttpRequest, pk: int) -> HttpResponse:
    cert = get_scoped_or_404(
        request.user,
        Certificate.objects.select_related(
            "volunteer", "camp", "camp__county", "camp__village", "camp__city"
        ),
        pk=pk,
    )
    verify_url = request.build_absolute_uri(reverse("volunteers:verify", args=[cert.code]))
    response = HttpResponse(
        certificate_pdf(certificate=cert, verify_url=verify_url), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="certificate-{cert.pk}.pdf"'
    return response


# PUBLIC: no login, no scoping. It shows only what the certificate itself shows
# (less: the name's initials), and codes are long and random, so it cannot be
# used to find people or enumerate certificates.
@require_GET
def verify(request: HttpRequest, code: str = "") -> HttpResponse:
    code = code or request.GET.get("code", "")
    check = selectors.certificate_check(code=code) if code else None
    ctx = {"form": forms.VerifyForm(initial={"code": code}), "check": check, "code": code}
    response = render(request, "volunteers/verify.html", ctx)
    response["X-Robots-Tag"] = "noindex"
    return response


# --- Excel/CSV ---------------------------------------------------------------------


@require_GET
@module_required(Module.VOLUNTEERS)
def volunteer_export(request: HttpRequest) -> HttpResponse:
    """The list as filtered on the page, as XLSX (or CSV with ?format=csv)."""

    form = forms.VolunteerFilterForm(request.GET or None, user=request.user)
    qs = selectors.volunteer_list(user=request.user, **form.filters())
    columns = volunteer_columns(request.user)
    rows = volunteer_rows(qs.iterator(chunk_size=2000))
    return table_response(
        columns,
        rows,
        fmt=request.GET.get("format", ""),
        name="volunteers",
        sheet_title=_("نیروهای جهادی"),
    )


@require_GET
@module_required(Module.VOLUNTEERS)
def volunteer_import_template(request: HttpRequest) -> HttpResponse:

    return xlsx_response(
        write_template(volunteer_columns(request.user)), "volunteers-template.xlsx"
    )


@require_http_methods(["GET", "POST"])
@module_required(Module.VOLUNTEERS)
def volunteer_import(request: HttpRequest) -> HttpResponse:
    """Upload → preview (nothing saved) → confirm; each person once by national code."""

    return import_page(
        request,
        stash_kind="volunteers:volunteers",
        run=lambda path, filename, dry_run: import_volunteers(
            path, filename=filename, dry_run=dry_run, actor=request.user
        ),
        columns=volunteer_columns(request.user),
        template="volunteers/volunteer_import.html",
        job_kind="volunteers",
    )
