"""API of volunteers, groups, camps, rosters and hours (``/api/v1/volunteers``).

Every route reads through ``scoped()``; records out of the caller's scope
answer 404. Dates are ISO, amounts integer rials, hours decimals.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_noop
from ninja import Field, Query, Router, Schema, Status

from jahesh.accounts.roles import Module
from jahesh.accounts.scoping import api_require_module, get_scoped_or_404
from jahesh.api.maps import map_layer
from jahesh.api.refs import resolve_ref, resolve_refs
from jahesh.api.schemas import (
    ERRORS,
    AllowedMoves,
    ApiDate,
    Filters,
    Id,
    Latitude,
    Longitude,
    Page,
    api_enum,
)
from jahesh.core.forms import dataclass_from
from jahesh.geo.models import City, County, Village
from jahesh.volunteers import selectors, services
from jahesh.volunteers.models import Camp, CredentialKind, Group, RosterEntry, Skill, Volunteer

router = Router(tags=["volunteers"])


# --- Schemas -------------------------------------------------------------------

VolunteerStatus = api_enum("VolunteerStatus", Volunteer.Status)
VolunteerGender = api_enum("VolunteerGender", Volunteer.Gender)
RosterSource = api_enum("RosterSource", RosterEntry.Source)


class VolunteerFilters(Page):
    q: str = ""
    county_id: Id | None = None
    status: VolunteerStatus | None = None
    skill_id: Id | None = None
    group_id: Id | None = None


class VolunteerOut(Schema):
    id: int
    national_code: str
    first_name: str
    last_name: str
    mobile: str
    gender: str
    birth_year: int | None
    county_id: int
    status: str
    registered_on: datetime.date
    inactive_since: datetime.date | None


class VolunteerListOut(Schema):
    items: list[VolunteerOut]
    count: int


class SkillLinkOut(Schema):
    skill_id: int
    skill: str
    level: str
    document: str


class CredentialOut(Schema):
    id: int
    kind: str
    number: str
    expires_on: datetime.date


class MembershipOut(Schema):
    group_id: int
    group: str
    joined_on: datetime.date
    left_on: datetime.date | None


class VolunteerDetailOut(VolunteerOut):
    allowed_transitions: AllowedMoves
    skills: list[SkillLinkOut]
    credentials: list[CredentialOut]
    groups: list[MembershipOut]
    camps: int
    approved_hours: Decimal
    pending_hours: Decimal
    value_rial: int


class VolunteerIn(Schema):
    national_code: str = Field(..., max_length=20)
    first_name: str = Field(..., max_length=80)
    last_name: str = Field(..., max_length=80)
    gender: VolunteerGender
    county_id: Id
    registered_on: ApiDate
    mobile: str = Field("", max_length=20)
    birth_year: int | None = Field(None, ge=0, le=32767, description=gettext_noop("سال تولد شمسی"))


class StatusIn(Schema):
    status: VolunteerStatus
    effective_on: ApiDate
    reason: str = Field("", max_length=300)


class SkillIn(Schema):
    skill_id: Id
    level: str = Field("skilled", max_length=8)
    document: str = Field("", max_length=200)


class CredentialIn(Schema):
    kind_id: Id
    expires_on: ApiDate
    number: str = Field("", max_length=60)
    issued_on: ApiDate | None = None


class GroupOut(Schema):
    id: int
    name: str
    specialty: str
    county_id: int
    leader_id: int | None
    founded_on: datetime.date | None
    is_active: bool
    member_count: int = 0

    @staticmethod
    def resolve_leader_id(obj) -> int | None:
        # A leader from outside the caller's scope is not pointed at (scoping.scope_exists).
        return obj.leader_id if getattr(obj, "leader_visible", True) else None


class GroupListOut(Schema):
    items: list[GroupOut]
    count: int


class GroupIn(Schema):
    name: str = Field(..., max_length=150)
    specialty: Group.Specialty = Group.Specialty.GENERAL
    county_id: Id
    leader_national_code: str = Field("", max_length=20)
    founded_on: ApiDate | None = None


class GroupMemberIn(Schema):
    national_code: str = Field(..., max_length=20)
    joined_on: ApiDate


class CampFilters(Page):
    q: str = ""
    county_id: Id | None = None
    purpose: Camp.Purpose | None = None
    group_id: Id | None = None


class CampOut(Schema):
    id: int
    title: str
    purpose: str
    county_id: int
    village_id: int | None
    city_id: int | None
    start_date: datetime.date
    end_date: datetime.date


class CampDetailOut(CampOut):
    description: str
    group_ids: list[int]
    hidden_groups: int = Field(0, description=gettext_noop("گروه‌های خارج از حوزهٔ شما (فقط تعداد)"))
    required_credential_kinds: list[str]
    volunteers: int
    approved_hours: Decimal
    pending_hours: Decimal
    value_rial: int


class CampListOut(Schema):
    items: list[CampOut]
    count: int


class CampIn(Schema):
    title: str = Field(..., max_length=200)
    purpose: Camp.Purpose
    start_date: ApiDate
    end_date: ApiDate
    village_id: Id | None = None
    city_id: Id | None = None
    group_ids: list[Id] = Field([], max_length=100)
    required_credential_kind_ids: list[Id] = Field([], max_length=100)
    description: str = ""
    latitude: Latitude | None = None
    longitude: Longitude | None = None


class RosterOut(Schema):
    id: int
    camp_id: int
    volunteer_id: int
    national_code: str
    name: str
    skill_id: int | None
    hours: Decimal
    hourly_rate_rial: int
    value_rial: int
    status: str
    source: str
    allowed_transitions: AllowedMoves


class PendingFilters(Page):
    camp_id: Id | None = None


class RosterListOut(Schema):
    items: list[RosterOut]
    count: int


class CampRosterOut(RosterListOut):
    hidden: int = Field(description=gettext_noop("ردیف‌های نیروهای خارج از حوزهٔ شما (فقط تعداد)"))


class MembersOut(VolunteerListOut):
    hidden: int = Field(description=gettext_noop("اعضای خارج از حوزهٔ شما (فقط تعداد)"))


class RosterRowIn(Schema):
    national_code: str = Field(..., max_length=20)
    skill_id: Id | None = None
    hours: Decimal = Field(Decimal(0), ge=0, le=2000)


class RosterIn(Schema):
    rows: list[RosterRowIn] = Field(..., max_length=1000)
    source: RosterSource = RosterSource.COORDINATOR


class RosterSaveOut(Schema):
    created: int
    updated: int
    unchanged: int


class IdsIn(Schema):
    ids: list[Id] = Field(..., max_length=1000)
    note: str = Field("", max_length=300)


class MovedOut(Schema):
    moved: int


class CertificateOut(Schema):
    id: int
    code: str
    volunteer_id: int
    camp_id: int
    hours: Decimal
    issued_at: datetime.datetime


class CertificateCheckOut(Schema):
    valid: bool
    initials: str
    camp_title: str
    camp_start: datetime.date | None
    camp_end: datetime.date | None
    issued_on: datetime.date | None


class SkillOut(Schema):
    id: int
    name: str
    hourly_rate_rial: int
    credential_kind: str | None


# --- Volunteers --------------------------------------------------------------------


def _volunteer(request: HttpRequest, volunteer_id: int) -> Volunteer:
    return get_scoped_or_404(request.user, Volunteer, pk=volunteer_id)


@router.get(
    "/", response={200: VolunteerListOut, **ERRORS}, summary=gettext_noop("فهرست نیروهای جهادی")
)
def volunteer_list(request: HttpRequest, filters: Query[VolunteerFilters]):
    qs = selectors.volunteer_list(user=request.user, **filters.selection())
    return filters.of(qs)


@router.post(
    "/", response={201: VolunteerDetailOut, **ERRORS}, summary=gettext_noop("ثبت نیروی جهادی")
)
def volunteer_create(request: HttpRequest, payload: VolunteerIn):
    api_require_module(request.user, Module.VOLUNTEERS)
    resolve_ref(request.user, County, payload.county_id, field="county_id")
    volunteer = services.volunteer_create(
        services.VolunteerFields(**payload.dict()), actor=request.user
    )
    return Status(201, _volunteer_detail(request, volunteer))


def _volunteer_detail(request: HttpRequest, v: Volunteer) -> dict:
    summary = selectors.volunteer_summary(volunteer=v)
    data = VolunteerOut.from_orm(v).dict()
    data.update(
        allowed_transitions=services.allowed_status_moves(v, request.user),
        skills=[
            {
                "skill_id": s.skill_id,
                "skill": s.skill.name,
                "level": s.level,
                "document": s.document,
            }
            for s in v.skill_links.select_related("skill")
        ],
        credentials=[
            {"id": c.pk, "kind": c.kind.code, "number": c.number, "expires_on": c.expires_on}
            for c in v.credentials.select_related("kind")
        ],
        groups=[
            {
                "group_id": m.group_id,
                "group": m.group.name,
                "joined_on": m.joined_on,
                "left_on": m.left_on,
            }
            for m in selectors.volunteer_groups(user=request.user, volunteer=v)
        ],
        camps=summary.camps,
        **_hours(summary),
    )
    return data


@router.get(
    "/{int:volunteer_id}",
    response={200: VolunteerDetailOut, **ERRORS},
    summary=gettext_noop("یک نیرو"),
)
def volunteer_detail(request: HttpRequest, volunteer_id: int):
    return _volunteer_detail(request, _volunteer(request, volunteer_id))


@router.post(
    "/{int:volunteer_id}/status",
    response={200: VolunteerOut, **ERRORS},
    summary=gettext_noop("فعال/غیرفعال کردن"),
)
def volunteer_status(request: HttpRequest, volunteer_id: int, payload: StatusIn):
    _volunteer(request, volunteer_id)
    return services.volunteer_set_status(
        actor=request.user,
        volunteer_id=volunteer_id,
        to_status=payload.status,
        effective_on=payload.effective_on,
        reason=payload.reason,
    )


@router.post(
    "/{int:volunteer_id}/skills",
    response={200: VolunteerDetailOut, **ERRORS},
    summary=gettext_noop("افزودن مهارت"),
)
def volunteer_skill(request: HttpRequest, volunteer_id: int, payload: SkillIn):
    v = _volunteer(request, volunteer_id)
    resolve_ref(request.user, Skill, payload.skill_id, field="skill_id")
    services.volunteer_skill_set(actor=request.user, volunteer=v, **payload.dict())
    return _volunteer_detail(request, v)


@router.post(
    "/{int:volunteer_id}/credentials",
    response={201: CredentialOut, **ERRORS},
    summary=gettext_noop("ثبت مجوز (مثلاً پروانهٔ پزشکی)"),
)
def volunteer_credential(request: HttpRequest, volunteer_id: int, payload: CredentialIn):
    v = _volunteer(request, volunteer_id)
    resolve_ref(request.user, CredentialKind, payload.kind_id, field="kind_id")
    c = services.credential_add(actor=request.user, volunteer=v, **payload.dict())
    return Status(
        201, {"id": c.pk, "kind": c.kind.code, "number": c.number, "expires_on": c.expires_on}
    )


@router.get(
    "/skills",
    response={200: list[SkillOut], **ERRORS},
    summary=gettext_noop("مهارت‌ها و ارزش هر ساعت"),
)
def skill_list(request: HttpRequest):
    api_require_module(request.user, Module.VOLUNTEERS)
    return [
        {
            "id": s.pk,
            "name": s.name,
            "hourly_rate_rial": s.hourly_rate_rial,
            "credential_kind": s.credential_kind.code if s.credential_kind else None,
        }
        for s in selectors.skill_list()
    ]


# --- Groups ------------------------------------------------------------------------


class GroupFilters(Page):
    q: str = ""
    county_id: Id | None = None
    specialty: Group.Specialty | None = None


@router.get(
    "/groups", response={200: GroupListOut, **ERRORS}, summary=gettext_noop("گروه‌های جهادی")
)
def group_list(request: HttpRequest, filters: Query[GroupFilters]):
    qs = selectors.group_list(user=request.user, **filters.selection())
    return filters.of(qs)


@router.post("/groups", response={201: GroupOut, **ERRORS}, summary=gettext_noop("ثبت گروه جهادی"))
def group_create(request: HttpRequest, payload: GroupIn):
    api_require_module(request.user, Module.VOLUNTEERS)
    resolve_ref(request.user, County, payload.county_id, field="county_id")
    leader = selectors.group_leader(
        user=request.user,
        national_code=payload.leader_national_code,
        field="leader_national_code",
    )
    fields = dataclass_from(services.GroupFields, payload.dict(), leader=leader)
    group = services.group_create(fields, actor=request.user)
    return Status(201, group)


@router.get(
    "/groups/{int:group_id}", response={200: GroupOut, **ERRORS}, summary=gettext_noop("یک گروه")
)
def group_detail(request: HttpRequest, group_id: int):
    return get_scoped_or_404(request.user, selectors.group_list(user=request.user), pk=group_id)


@router.get(
    "/groups/{int:group_id}/members",
    response={200: MembersOut, **ERRORS},
    summary=gettext_noop("اعضای گروه"),
)
def group_members(request: HttpRequest, group_id: int, page: Query[Page]):
    group = get_scoped_or_404(request.user, Group, pk=group_id)
    members = selectors.group_members(user=request.user, group=group)
    return {
        "items": [m.volunteer for m in members.rows[page.offset : page.offset + page.limit]],
        "count": members.rows.count(),
        "hidden": members.hidden,
    }


@router.post(
    "/groups/{int:group_id}/members",
    response={201: MembershipOut, **ERRORS},
    summary=gettext_noop("افزودن عضو"),
)
def group_member_add(request: HttpRequest, group_id: int, payload: GroupMemberIn):
    group = get_scoped_or_404(request.user, Group, pk=group_id)
    m = services.membership_add(actor=request.user, group=group, **payload.dict())
    return Status(
        201,
        {"group_id": group.pk, "group": group.name, "joined_on": m.joined_on, "left_on": m.left_on},
    )


# --- Camps, roster and hours ---------------------------------------------------------


@router.get("/camps", response={200: CampListOut, **ERRORS}, summary=gettext_noop("اردوهای جهادی"))
def camp_list(request: HttpRequest, filters: Query[CampFilters]):
    qs = selectors.camp_list(user=request.user, **filters.selection())
    return filters.of(qs)


def _camp_detail(user, camp: Camp) -> dict:
    totals = selectors.camp_totals(camp=camp)
    groups = selectors.camp_groups(user=user, camp=camp)
    data = CampOut.from_orm(camp).dict()
    data.update(
        description=camp.description,
        group_ids=list(groups.rows.values_list("id", flat=True)),
        hidden_groups=groups.hidden,
        required_credential_kinds=list(
            camp.required_credential_kinds.values_list("code", flat=True)
        ),
        volunteers=totals.volunteers,
        **_hours(totals),
    )
    return data


def _hours(totals: selectors.RosterTotals) -> dict[str, Any]:
    """The hours and their value, as the volunteer and the camp pages show them."""
    return {
        "approved_hours": totals.approved_hours,
        "pending_hours": totals.pending_hours,
        "value_rial": totals.value_rial,
    }


@router.post("/camps", response={201: CampDetailOut, **ERRORS}, summary=gettext_noop("ثبت اردو"))
def camp_create(request: HttpRequest, payload: CampIn):
    api_require_module(request.user, Module.VOLUNTEERS)
    user = request.user
    village = resolve_ref(user, Village, payload.village_id, field="village_id")
    city = resolve_ref(user, City, payload.city_id, field="city_id")
    resolve_refs(user, Group, payload.group_ids, field="group_ids")
    kinds = payload.required_credential_kind_ids
    resolve_refs(user, CredentialKind, kinds, field="required_credential_kind_ids")
    camp = services.camp_create(
        dataclass_from(services.CampFields, payload.dict(), village=village, city=city),
        actor=request.user,
        group_ids=payload.group_ids,
        required_kind_ids=kinds,
    )
    return Status(201, _camp_detail(request.user, camp))


@router.get(
    "/camps/{int:camp_id}", response={200: CampDetailOut, **ERRORS}, summary=gettext_noop("یک اردو")
)
def camp_detail(request: HttpRequest, camp_id: int):
    return _camp_detail(request.user, get_scoped_or_404(request.user, Camp, pk=camp_id))


def _roster_dict(e: RosterEntry, user: Any) -> dict:
    return {
        "id": e.pk,
        "camp_id": e.camp_id,
        "volunteer_id": e.volunteer_id,
        "national_code": e.volunteer.national_code,
        "name": e.volunteer.full_name,
        "skill_id": e.skill_id,
        "hours": e.hours,
        "hourly_rate_rial": e.hourly_rate_rial,
        "value_rial": selectors.value_at_rate(hours=e.hours, rate_rial=e.hourly_rate_rial),
        "status": e.status,
        "source": e.source,
        "allowed_transitions": services.HOURS_FLOW.allowed_moves(e, user),
    }


@router.get(
    "/camps/{int:camp_id}/roster",
    response={200: CampRosterOut, **ERRORS},
    summary=gettext_noop("فهرست حضور اردو"),
)
def camp_roster(request: HttpRequest, camp_id: int, page: Query[Page]):
    camp = get_scoped_or_404(request.user, Camp, pk=camp_id)
    roster = selectors.camp_roster(user=request.user, camp=camp)
    items = [
        _roster_dict(e, request.user) for e in roster.rows[page.offset : page.offset + page.limit]
    ]
    return {"items": items, "count": roster.rows.count(), "hidden": roster.hidden}


@router.put(
    "/camps/{int:camp_id}/roster",
    response={200: RosterSaveOut, **ERRORS},
    summary=gettext_noop("ثبت یکجای فهرست حضور و ساعت‌ها"),
    description=gettext_noop(
        "همهٔ ردیف‌ها با هم ذخیره می‌شوند یا هیچ‌کدام؛ خطای هر ردیف در errors با فیلد rows.<i>.<ستون>."
    ),
)
def camp_roster_save(request: HttpRequest, camp_id: int, payload: RosterIn):
    camp = get_scoped_or_404(request.user, Camp, pk=camp_id)
    result = services.roster_save(
        actor=request.user,
        camp=camp,
        rows=[services.RosterRow(r.national_code, r.skill_id, r.hours) for r in payload.rows],
        source=payload.source,
    )
    return {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}


@router.get(
    "/hours/pending",
    response={200: RosterListOut, **ERRORS},
    summary=gettext_noop("ساعت‌های در انتظار تأیید"),
)
def hours_pending(request: HttpRequest, page: Query[PendingFilters]):
    qs = selectors.pending_hours(user=request.user, camp_id=page.camp_id)
    items = [_roster_dict(e, request.user) for e in qs[page.offset : page.offset + page.limit]]
    return {"items": items, "count": qs.count()}


@router.post(
    "/hours/approve", response={200: MovedOut, **ERRORS}, summary=gettext_noop("تأیید ساعت‌ها")
)
def hours_approve(request: HttpRequest, payload: IdsIn):
    api_require_module(request.user, Module.VOLUNTEERS)
    resolve_refs(request.user, RosterEntry, payload.ids, field="ids")
    return {"moved": services.hours_approve(actor=request.user, entry_ids=payload.ids)}


@router.post("/hours/reject", response={200: MovedOut, **ERRORS}, summary=gettext_noop("رد ساعت‌ها"))
def hours_reject(request: HttpRequest, payload: IdsIn):
    api_require_module(request.user, Module.VOLUNTEERS)
    resolve_refs(request.user, RosterEntry, payload.ids, field="ids")
    return {
        "moved": services.hours_reject(actor=request.user, entry_ids=payload.ids, note=payload.note)
    }


@router.post(
    "/roster/{int:entry_id}/certificate",
    response={200: CertificateOut, **ERRORS},
    summary=gettext_noop("صدور گواهی خدمت"),
)
def certificate_issue(request: HttpRequest, entry_id: int):
    return services.certificate_issue(actor=request.user, entry_id=entry_id)


@router.get(
    "/certificates/check/{code}",
    response={200: CertificateCheckOut, **ERRORS},
    auth=None,
    summary=gettext_noop("بررسی عمومی گواهی (بدون ورود)"),
    description=gettext_noop(
        "فقط حرف اول نام و نام خانوادگی، عنوان و تاریخ اردو و معتبر بودن را برمی‌گرداند."
    ),
)
def certificate_check(request: HttpRequest, code: str):
    return selectors.certificate_check(code=code).__dict__


# --- /api/v1/map/camps ---------------------------------------------------------------

map_router = Router(tags=["volunteers"])


class CampMapFilters(Filters):
    county_id: Id | None = None
    purpose: Camp.Purpose | None = None


@map_router.get(
    "/camps",
    response={200: dict, **ERRORS},
    summary=gettext_noop("اردوها روی نقشه (GeoJSON)"),
    description=gettext_noop(
        "FeatureCollection فشرده: id هر عضو شناسهٔ اردو، properties.t زمان"
        " برگزاری نسبت به امروز (u پیش رو، o در حال برگزاری، p گذشته)؛"
        " فقط اردوهای دارای مختصات، در قلمرو کاربر."
    ),
)
def map_camps(request: HttpRequest, filters: Query[CampMapFilters]) -> HttpResponse:
    return map_layer(
        request, filters, module=Module.VOLUNTEERS, records=selectors.camp_list,
        geojson=lambda camps: selectors.map_camps_geojson(camps=camps, today=timezone.localdate()),
    )  # fmt: skip
