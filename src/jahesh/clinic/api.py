"""API of the industry clinic.

``router`` is mounted at ``/api/v1/cases`` (cases, their transitions and expert
suggestions), ``sessions_router`` at ``/api/v1/sessions`` and
``resolutions_router`` at ``/api/v1/resolutions``. Every route reads through
``scoped()``; records out of scope answer 404.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from ninja import Field, Query, Router, Schema, Status

from jahesh.accounts.scoping import get_scoped_or_404, scope_exists
from jahesh.api.refs import resolve_ref, resolve_refs
from jahesh.api.schemas import ERRORS, AllowedMoves, ApiDate, Id, Page, Quantity, Rials, api_enum
from jahesh.clinic import selectors, services
from jahesh.clinic.models import (
    Agency,
    Case,
    CaseStatus,
    Expert,
    ObstacleCategory,
    Resolution,
    ResolutionStatus,
    Session,
    WorkingGroup,
)
from jahesh.core.errors import InvalidInput
from jahesh.units.models import Unit

router = Router(tags=["clinic"])
sessions_router = Router(tags=["clinic"])
resolutions_router = Router(tags=["clinic"])

# --- Schemas -------------------------------------------------------------------

CaseSource = api_enum("CaseSource", Case.Source)


class CaseOut(Schema):
    id: int
    unit_id: int
    unit_name: str = Field(..., alias="unit.name")
    county_id: int
    parent_id: int | None
    category: str = Field(..., alias="category.code")
    taxonomy_version: str
    severity: int
    title: str
    source: str
    status: str
    agency_id: int | None
    expert_id: int | None
    opened_at: datetime.datetime
    due_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    resolved_on: datetime.date | None
    outcome: str
    jobs_preserved: int | None
    financing_rial: int | None


class EventOut(Schema):
    at: datetime.datetime
    by: str | None = Field(None, alias="by.username")
    from_status: str
    to_status: str
    reason: str


class SlaOut(Schema):
    limit_days: int
    elapsed_hours: int
    paused_hours: int
    due_at: datetime.datetime | None
    is_overdue: bool


class CaseDetailOut(CaseOut):
    description: str
    unit_status_at_open: str
    unit_risk_at_open: str
    escalated_to: str
    working_group_id: int | None
    outcome_note: str
    followup_due_on: datetime.date | None
    followup_confirmed: bool | None
    allowed_transitions: AllowedMoves
    events: list[EventOut] = Field(..., alias="timeline")
    sla: SlaOut = Field(..., alias="sla_info")


class CaseListOut(Schema):
    items: list[CaseOut]
    count: int


class CaseFilters(Page):
    status: str = Field("", description=gettext_noop("یکی از وضعیت‌ها یا open"))
    category: str = ""
    agency_id: Id | None = None
    expert_id: Id | None = None
    county_id: Id | None = None
    unit_id: Id | None = None
    severity: int | None = Field(None, ge=0, le=4)
    overdue: bool = False
    q: str = ""


class CaseIn(Schema):
    unit_id: Id
    category: str = Field(..., description=gettext_noop("کد دستهٔ مانع، مثلاً finance.bank_arrears"))
    severity: int = Field(..., ge=0, le=4)
    title: str = Field(..., max_length=200)
    source: CaseSource
    description: str = ""
    agency_id: Id | None = None
    parent_id: Id | None = None


class CaseTransitionIn(Schema):
    to_status: CaseStatus
    reason: str = ""
    expert_id: Id | None = None
    agency_id: Id | None = None
    escalated_to: str = ""
    working_group_id: Id | None = None
    outcome: str = ""
    outcome_note: str = ""
    financing_rial: Rials | None = None
    jobs_preserved: Quantity | None = None


class SuggestionOut(Schema):
    expert_id: int
    name: str
    fit: int
    load: int
    capacity: int
    reasons: list[str]


class SuggestionListOut(Schema):
    items: list[SuggestionOut]
    count: int


# --- Helpers -------------------------------------------------------------------


def _agency(request: HttpRequest, pk: int | None) -> Agency | None:
    active = Agency.objects.filter(is_active=True)
    return resolve_ref(request.user, active, pk, field="agency_id")


def _detail(request: HttpRequest, case: Case) -> Case:
    """The case with what the detail adds: allowed moves, timeline and clock."""
    sla = selectors.case_sla(case=case)
    case.allowed_transitions = services.allowed_transitions(case, request.user)
    case.timeline = selectors.case_timeline(case=case)
    case.sla_info = {
        "limit_days": sla.limit.days,
        "elapsed_hours": int(sla.elapsed.total_seconds() // 3600),
        "paused_hours": int(sla.paused.total_seconds() // 3600),
        "due_at": sla.due_at,
        "is_overdue": sla.is_overdue and case.is_open,
    }
    return case


def _case_or_404(request: HttpRequest, case_id: int) -> Case:
    return get_scoped_or_404(
        request.user, Case.objects.select_related(*selectors.CASE_RELATED), pk=case_id
    )


# --- Cases ---------------------------------------------------------------------


@router.get("", response={200: CaseListOut, **ERRORS}, summary=gettext_noop("فهرست پرونده‌های مانع"))
def case_list(request: HttpRequest, filters: Query[CaseFilters]):
    if filters.status and filters.status not in (*CaseStatus.values, "open"):
        raise InvalidInput(_("وضعیت نامعتبر است."), field="status")
    return filters.of(selectors.case_list(user=request.user, **filters.selection()))


@router.post("", response={201: CaseDetailOut, **ERRORS}, summary=gettext_noop("گشایش پروندهٔ مانع"))
def case_create(request: HttpRequest, payload: CaseIn):
    unit = resolve_ref(request.user, Unit, payload.unit_id, field="unit_id")
    category = ObstacleCategory.objects.filter(code=payload.category).first()
    if category is None:
        raise InvalidInput(
            _("دستهٔ مانع «%(c)s» در طبقه‌بندی نیست.") % {"c": payload.category}, field="category"
        )
    parent = resolve_ref(request.user, Case, payload.parent_id, field="parent_id")
    case = services.case_create(
        user=request.user,
        unit=unit,
        category=category,
        severity=payload.severity,
        title=payload.title,
        source=payload.source,
        description=payload.description,
        agency=_agency(request, payload.agency_id),
        parent=parent,
    )
    return Status(201, _detail(request, _case_or_404(request, case.pk)))


@router.get(
    "/{int:case_id}", response={200: CaseDetailOut, **ERRORS}, summary=gettext_noop("پروندهٔ مانع")
)
def case_detail(request: HttpRequest, case_id: int):
    return _detail(request, _case_or_404(request, case_id))


@router.post(
    "/{int:case_id}/transitions",
    response={200: CaseDetailOut, **ERRORS},
    summary=gettext_noop("تغییر وضعیت پرونده"),
)
def case_transition(request: HttpRequest, case_id: int, payload: CaseTransitionIn):
    case = _case_or_404(request, case_id)
    data = services.MoveInput(
        reason=payload.reason,
        expert=resolve_ref(request.user, Expert, payload.expert_id, field="expert_id"),
        agency=_agency(request, payload.agency_id),
        escalated_to=payload.escalated_to,
        working_group=resolve_ref(
            request.user, WorkingGroup, payload.working_group_id, field="working_group_id"
        ),
        outcome=payload.outcome,
        outcome_note=payload.outcome_note,
        financing_rial=payload.financing_rial,
        jobs_preserved=payload.jobs_preserved,
    )
    services.case_transition(case=case, to_status=payload.to_status, user=request.user, data=data)
    return _detail(request, _case_or_404(request, case_id))


@router.get(
    "/{int:case_id}/suggestions",
    response={200: SuggestionListOut, **ERRORS},
    summary=gettext_noop("کارشناسان پیشنهادی"),
)
def case_suggestions(request: HttpRequest, case_id: int):
    case = _case_or_404(request, case_id)
    items = [
        {
            "expert_id": s.expert.pk,
            "name": s.expert.name,
            "fit": s.fit,
            "load": s.load,
            "capacity": s.expert.capacity,
            "reasons": s.reasons,
        }
        for s in selectors.expert_suggestions(user=request.user, case=case)
    ]
    return {"items": items, "count": len(items)}


# --- Sessions ------------------------------------------------------------------


class ResolutionOut(Schema):
    id: int
    session_id: int
    number: int
    text: str
    case_id: int | None
    agency_id: int
    agency: str = Field(..., alias="agency.name")
    responsible_person: str
    passed_on: datetime.date
    due_on: datetime.date
    objection_until: datetime.date
    status: str
    done_on: datetime.date | None
    allowed_transitions: AllowedMoves

    @staticmethod
    def resolve_allowed_transitions(obj: Resolution, context: dict[str, Any]) -> list[str]:
        # The statuses a follow-up by the caller may leave it in (RESOLUTION_FLOW's table).
        return services.RESOLUTION_FLOW.allowed_moves(obj, context["request"].user)

    @staticmethod
    def resolve_case_id(obj) -> int | None:
        # A case outside the caller's scope is not pointed at (scoping.scope_exists).
        return obj.case_id if getattr(obj, "case_visible", True) else None


class SessionOut(Schema):
    id: int
    group_id: int
    group: str = Field(..., alias="group.name")
    number: int
    held_on: datetime.date
    place: str


class SessionDetailOut(SessionOut):
    minutes: str
    other_attendees: str
    attendee_ids: list[int]
    hidden_attendees: int = Field(
        0, description=gettext_noop("حاضران خارج از حوزهٔ شما (فقط تعداد)")
    )
    agenda_case_ids: list[int]
    hidden_agenda: int = Field(
        0, description=gettext_noop("پرونده‌های خارج از حوزهٔ شما (فقط تعداد)")
    )
    resolutions: list[ResolutionOut] = Field(..., alias="resolution_list")


class SessionListOut(Schema):
    items: list[SessionOut]
    count: int


class SessionFilters(Page):
    group_id: Id | None = None


class SessionIn(Schema):
    group_id: Id
    held_on: ApiDate
    place: str = ""
    attendee_ids: list[Id] = Field([], max_length=200)
    other_attendees: str = ""
    agenda_case_ids: list[Id] = Field([], max_length=200)
    minutes: str = ""


def _session_detail(request: HttpRequest, session: Session) -> Session:
    parts = selectors.session_parts(user=request.user, session=session)
    session.attendee_ids = sorted(parts["attendees"].rows.values_list("pk", flat=True))
    session.hidden_attendees = parts["attendees"].hidden
    session.agenda_case_ids = sorted(parts["agenda"].rows.values_list("pk", flat=True))
    session.hidden_agenda = parts["agenda"].hidden
    session.resolution_list = parts["resolutions"]
    return session


@sessions_router.get(
    "", response={200: SessionListOut, **ERRORS}, summary=gettext_noop("جلسات کارگروه‌ها")
)
def session_list(request: HttpRequest, filters: Query[SessionFilters]):
    group = resolve_ref(request.user, WorkingGroup, filters.group_id, field="group_id")
    return filters.of(selectors.session_list(user=request.user, group=group))


@sessions_router.get(
    "/{int:session_id}",
    response={200: SessionDetailOut, **ERRORS},
    summary=gettext_noop("جلسهٔ کارگروه"),
)
def session_detail(request: HttpRequest, session_id: int):
    session = get_scoped_or_404(
        request.user, Session.objects.select_related("group"), pk=session_id
    )
    return _session_detail(request, session)


@sessions_router.post(
    "", response={201: SessionDetailOut, **ERRORS}, summary=gettext_noop("ثبت جلسه")
)
def session_create(request: HttpRequest, payload: SessionIn):
    user = request.user
    group = resolve_ref(user, WorkingGroup, payload.group_id, field="group_id")
    attendees = resolve_refs(user, Expert, payload.attendee_ids, field="attendee_ids")
    agenda = resolve_refs(user, Case, payload.agenda_case_ids, field="agenda_case_ids")
    session = services.session_create(
        user=request.user,
        group=group,
        held_on=payload.held_on,
        place=payload.place,
        attendees=attendees,
        other_attendees=payload.other_attendees,
        agenda=agenda,
        minutes=payload.minutes,
    )
    return Status(201, _session_detail(request, session))


# --- Resolutions ----------------------------------------------------------------


class ResolutionListOut(Schema):
    items: list[ResolutionOut]
    count: int


class ResolutionFilters(Page):
    status: ResolutionStatus | None = None
    agency_id: Id | None = None
    start: ApiDate | None = None
    end: ApiDate | None = None


class ResolutionIn(Schema):
    session_id: Id
    text: str
    agency_id: Id
    due_on: ApiDate | None = Field(None, description=gettext_noop("مهلت اجرا؛ یا due_days"))
    due_days: int | None = Field(
        None, ge=1, le=500, description=gettext_noop("مهلت اجرا به روز کاری استان پس از تاریخ جلسه")
    )
    responsible_person: str = ""
    case_id: Id | None = None


class FollowUpIn(Schema):
    on: ApiDate
    note: str
    status_after: ResolutionStatus


@resolutions_router.get(
    "", response={200: ResolutionListOut, **ERRORS}, summary=gettext_noop("دفتر مصوبات")
)
def resolution_list(request: HttpRequest, filters: Query[ResolutionFilters]):
    qs = selectors.resolution_register(
        user=request.user,
        status=filters.status or "",
        agency=filters.agency_id,
        start=filters.start,
        end=filters.end,
    )
    return filters.of(qs)


def _resolution_or_404(request: HttpRequest, pk: int) -> Resolution:
    return get_scoped_or_404(
        request.user,
        Resolution.objects.select_related("agency").annotate(
            case_visible=scope_exists(request.user, Case, "case")
        ),
        pk=pk,
    )


@resolutions_router.get(
    "/{int:resolution_id}", response={200: ResolutionOut, **ERRORS}, summary=gettext_noop("مصوبه")
)
def resolution_detail(request: HttpRequest, resolution_id: int):
    return _resolution_or_404(request, resolution_id)


@resolutions_router.post(
    "", response={201: ResolutionOut, **ERRORS}, summary=gettext_noop("ثبت مصوبه")
)
def resolution_create(request: HttpRequest, payload: ResolutionIn):
    session = resolve_ref(request.user, Session, payload.session_id, field="session_id")
    resolution = services.resolution_create(
        user=request.user,
        session=session,
        text=payload.text,
        agency=_agency(request, payload.agency_id),
        due_on=payload.due_on,
        due_days=payload.due_days,
        responsible_person=payload.responsible_person,
        case=resolve_ref(request.user, Case, payload.case_id, field="case_id"),
    )
    return Status(201, _resolution_or_404(request, resolution.pk))


@resolutions_router.post(
    "/{int:resolution_id}/followups",
    response={200: ResolutionOut, **ERRORS},
    summary=gettext_noop("پیگیری مصوبه"),
)
def resolution_follow_up(request: HttpRequest, resolution_id: int, payload: FollowUpIn):
    resolution = _resolution_or_404(request, resolution_id)
    services.resolution_follow_up(
        resolution=resolution,
        user=request.user,
        **payload.dict(),
    )
    return _resolution_or_404(request, resolution_id)
