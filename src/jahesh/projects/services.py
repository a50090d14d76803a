"""Writes and rules of projects and direct services.

The project workflow is one table, ``TRANSITIONS``: (from, to) → guard, run by
``PROJECT_FLOW`` (``core.workflow``). Only :func:`project_transition` moves a
project's status; it locks the row, checks the guard and appends a
``ProjectEvent``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jahesh.core.errors import Conflict, InvalidInput
from jahesh.core.identifiers import normalize_national_code
from jahesh.core.mapdata import check_pair
from jahesh.core.text import clean_text, normalize_key, required_text
from jahesh.core.workflow import Move, Refusals, Rule, Workflow, status_label
from jahesh.projects.models import (
    DirectService,
    FacilityCheck,
    ProgressReport,
    Project,
    ProjectEvent,
    ProjectFunding,
    ProjectPhoto,
    ProjectResult,
    ServiceBeneficiary,
)
from jahesh.volunteers.selectors import hours_value_rial

S = Project.Status
# The choices' values, asked once (``Choices.values`` builds its list anew on
# every read; the bulk forms ask it for every row).
_KINDS = frozenset(Project.Kind.values)
_ROLES = frozenset(ProjectFunding.Role.values)
_SERVICE_KINDS = frozenset(DirectService.Kind.values)


def _today(now: datetime.datetime) -> datetime.date:
    return timezone.localdate(now)


def _not_future(value: datetime.date | None, *, today: datetime.date, field: str) -> None:
    if value is not None and value > today:
        raise InvalidInput(_("تاریخ نمی‌تواند بعد از امروز باشد."), field=field)


def _place(*, county, village, city) -> tuple[Any, bool]:
    """The county a record belongs to, from its village or city when given, and
    whether the place is deprived. A place outside the county given is refused."""
    place = village or city
    if village is not None and city is not None:
        raise InvalidInput(_("یا روستا را انتخاب کنید یا شهر؛ نه هر دو."), field="village")
    if place is None:
        if county is None:
            raise InvalidInput(_("شهرستان یا روستا/شهر محل را انتخاب کنید."), field="county")
        return county, False
    if county is not None and place.county_id != county.pk:
        raise InvalidInput(
            _("«%(place)s» در شهرستان «%(county)s» نیست.") % {"place": place, "county": county},
            field="village" if village is not None else "city",
        )
    return place.county, bool(place.is_deprived)


# --- Projects --------------------------------------------------------------


def project_build(
    *,
    user,
    title: str,
    kind: str,
    county=None,
    village=None,
    city=None,
    implementer_group=None,
    contractor_name: str = "",
    budget_original_rial: int = 0,
    budget_revised_rial: int | None = None,
    planned_start: datetime.date | None = None,
    planned_end: datetime.date | None = None,
    households: int = 0,
    people: int = 0,
    description: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
) -> Project:
    """Check a new project and derive its key, place and deprivation (nothing is written)."""
    title = required_text(title, _("عنوان پروژه را بنویسید."), field="title")
    if kind not in _KINDS:
        raise InvalidInput(_("نوع پروژه نامعتبر است."), field="kind")
    county, deprived = _place(county=county, village=village, city=city)
    contractor_name = clean_text(contractor_name)
    if implementer_group is not None and contractor_name:
        raise InvalidInput(
            _("مجری یا یک گروه جهادی است یا یک پیمانکار؛ یکی را خالی بگذارید."),
            field="contractor_name",
        )
    if budget_original_rial < 0 or (budget_revised_rial is not None and budget_revised_rial < 0):
        raise InvalidInput(_("بودجه نمی‌تواند منفی باشد."), field="budget_original_rial")
    if planned_start and planned_end and planned_start > planned_end:
        raise InvalidInput(_("پایان برنامه‌ای پیش از شروع برنامه‌ای است."), field="planned_end")
    if households < 0 or people < 0:
        raise InvalidInput(_("شمار بهره‌مندان نمی‌تواند منفی باشد."), field="people")
    check_pair(latitude, longitude)
    return Project(
        title=title,
        title_key=normalize_key(title),
        kind=kind,
        county=county,
        village=village,
        city=city,
        in_deprived_area=deprived,
        implementer_group=implementer_group,
        contractor_name=contractor_name,
        budget_original_rial=budget_original_rial,
        budget_revised_rial=budget_revised_rial,
        planned_start=planned_start,
        planned_end=planned_end,
        households=households,
        people=people,
        description=clean_text(description),
        created_by=user,
        latitude=latitude,
        longitude=longitude,
    )


def project_create(*, now: datetime.datetime | None = None, **fields: Any) -> Project:
    """Register a project (planned): :func:`project_build`'s arguments."""
    now = now or timezone.now()
    project = project_build(**fields)
    with transaction.atomic():
        project.save()
        PROJECT_FLOW.created(project, user=project.created_by, now=now)
    return project


def projects_create(projects: Sequence[Project], *, batch_size: int = 2000) -> list[Project]:
    """The bulk form: write projects built by :func:`project_build` in one insert.
    Records entered with their history (the demo): the caller writes their
    workflow trail, from the planned event on (``PROJECT_FLOW.history``)."""
    Project.place_all(projects)
    return Project.objects.bulk_create(projects, batch_size=batch_size)


def project_revise_budget(
    *, project: Project, user, budget_revised_rial: int, reason: str = ""
) -> Project:
    if budget_revised_rial < 0:
        raise InvalidInput(_("بودجه نمی‌تواند منفی باشد."), field="budget_revised_rial")
    project.budget_revised_rial = budget_revised_rial
    project._change_reason = clean_text(reason) or None
    project.save(update_fields=["budget_revised_rial", "updated_at"])
    return project


_Move = Move[Project]  # data: the date the move names (start or end), or None


def _guard_start(move: _Move) -> dict[str, Any]:
    on = move.data or move.today
    _not_future(on, today=move.today, field="on")
    return {"actual_start": on}


def _guard_complete(move: _Move) -> dict[str, Any]:
    """Completed needs an actual end date and 100 % physical progress."""
    project = move.record
    end = move.data or project.actual_end
    if end is None:
        raise InvalidInput(_("برای تکمیل پروژه تاریخ پایان واقعی را وارد کنید."), field="on")
    _not_future(end, today=move.today, field="on")
    if project.actual_start and end < project.actual_start:
        raise InvalidInput(_("تاریخ پایان واقعی پیش از تاریخ شروع واقعی است."), field="on")
    if project.progress_pct != 100:
        raise InvalidInput(
            _("پیشرفت فیزیکی پروژه %(pct)s٪ است؛ تکمیل فقط با گزارش پیشرفت ۱۰۰٪ ممکن است.")
            % {"pct": project.progress_pct},
            field="progress_pct",
        )
    return {"actual_end": end}


def _guard_reason(move: _Move) -> dict[str, Any]:
    if not move.reason:
        raise InvalidInput(_("علت توقف یا لغو را بنویسید."), field="reason")
    return {}


_START, _COMPLETE, _REASON = Rule(_guard_start), Rule(_guard_complete), Rule(_guard_reason)

# The one table of allowed moves. Completed and cancelled are final.
TRANSITIONS: dict[tuple[str, str], Rule[Project]] = {
    (S.PLANNED, S.IN_PROGRESS): _START,
    (S.PLANNED, S.CANCELLED): _REASON,
    (S.IN_PROGRESS, S.COMPLETED): _COMPLETE,
    (S.IN_PROGRESS, S.SUSPENDED): _REASON,
    (S.IN_PROGRESS, S.CANCELLED): _REASON,
    (S.SUSPENDED, S.IN_PROGRESS): Rule(),
    (S.SUSPENDED, S.CANCELLED): _REASON,
}


def _project_row(move: _Move) -> ProjectEvent:
    """The move's event row, not saved (``PROJECT_FLOW.history`` answers many)."""
    return ProjectEvent(**move.row(project=move.record, reason=move.reason))


_CONCURRENT = _("وضعیت پروژه هم‌زمان تغییر کرده است؛ صفحه را دوباره باز کنید.")

PROJECT_FLOW: Workflow[Project] = Workflow(
    model=Project,
    rules=TRANSITIONS,
    row=_project_row,
    refuse=Refusals(
        stale=lambda status: Conflict(_CONCURRENT),
        lost=lambda: Conflict(_CONCURRENT),
        no_move=lambda frm, to: InvalidInput(
            _("پروژهٔ «%(from)s» را نمی‌توان به «%(to)s» برد.")
            % {"from": status_label(S, frm), "to": status_label(S, to)},
            field="to_status",
        ),
    ),
    save=True,
    history_reason=True,
)


# The statuses a project may move to (who may is the module's rule, at the edges).
allowed_transitions = PROJECT_FLOW.allowed_moves


def project_transition(
    *,
    project: Project,
    to_status: str,
    user,
    on: datetime.date | None = None,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> Project:
    """Move ``project`` to ``to_status`` through ``PROJECT_FLOW`` (core.workflow):
    lock, refuse a stale status, run the move's guard (it answers the actual start
    or end date), save on the old status and append the event."""
    return PROJECT_FLOW.transition(
        project, to_status, user=user, data=on, reason=clean_text(reason), now=now
    )


def progress_report_build(
    *,
    project: Project,
    user: Any,
    reported_on: datetime.date,
    progress_pct: int,
    note: str = "",
    now: datetime.datetime,
) -> ProgressReport:
    """A checked progress report, not saved: :func:`progress_report_add`'s rules
    of the row (0–100 %, dated today or earlier, not before the project's start).
    That the project is in progress now is the service's check; a project
    entered with its past (the demo) was in progress on ``reported_on``."""
    if not 0 <= progress_pct <= 100:
        raise InvalidInput(_("پیشرفت باید عددی از ۰ تا ۱۰۰ باشد."), field="progress_pct")
    _not_future(reported_on, today=_today(now), field="reported_on")
    if project.actual_start and reported_on < project.actual_start:
        raise InvalidInput(_("تاریخ گزارش پیش از شروع پروژه است."), field="reported_on")
    return ProgressReport(
        project=project,
        reported_on=reported_on,
        progress_pct=progress_pct,
        note=clean_text(note),
        reported_by=user,
    )


def progress_report_add(
    *, photos: Iterable[Any] = (), now: datetime.datetime | None = None, **fields: Any
) -> ProgressReport:
    """Record physical progress (0–100 %, dated today or earlier) of a project in
    progress, :func:`progress_report_build`'s arguments; the project shows the
    latest report's figure."""
    report = progress_report_build(now=now or timezone.now(), **fields)
    project, reported_on, progress_pct = report.project, report.reported_on, report.progress_pct
    if project.status != S.IN_PROGRESS:
        raise InvalidInput(
            _("گزارش پیشرفت فقط برای پروژهٔ در حال اجرا ثبت می‌شود."), field="progress_pct"
        )
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        report.project = locked
        report.save()
        if locked.progress_on is None or reported_on >= locked.progress_on:
            locked.progress_pct = progress_pct
            locked.progress_on = reported_on
            locked.save(update_fields=["progress_pct", "progress_on", "updated_at"])
        for image in photos:
            ProjectPhoto.objects.create(
                project=locked, report=report, image=image, taken_on=reported_on
            )
    project.progress_pct, project.progress_on = locked.progress_pct, locked.progress_on
    return report


def photo_add(
    *, project: Project, image, caption: str = "", taken_on: datetime.date | None = None
) -> ProjectPhoto:
    return ProjectPhoto.objects.create(
        project=project, image=image, caption=clean_text(caption), taken_on=taken_on
    )


def funding_build(
    *,
    project: Project,
    role: str,
    amount_rial: int,
    source_name: str = "",
    received_on: datetime.date | None = None,
    note: str = "",
) -> ProjectFunding:
    """A checked cash or in-kind source (government, charity, in-kind), not saved:
    :func:`funding_add`'s rules. Volunteer labour is valued by
    :func:`funding_add_volunteer_labour`."""
    if role not in _ROLES or role == ProjectFunding.Role.VOLUNTEER_LABOUR:
        raise InvalidInput(_("نقش منبع تأمین نامعتبر است."), field="role")
    if amount_rial <= 0:
        raise InvalidInput(_("مبلغ باید بیشتر از صفر باشد."), field="amount_rial")
    return _funding(project, role, amount_rial, source_name, received_on, note)


def funding_add(**fields: Any) -> ProjectFunding:
    """Record a cash or in-kind source: :func:`funding_build`'s arguments."""
    row = funding_build(**fields)
    row.save()
    return row


def funding_record(
    *,
    project: Project,
    role: str,
    amount_rial: int | None = None,
    labour_hours: Decimal | int | None = None,
    labour_skill: Any = None,
    source_name: str = "",
    received_on: datetime.date | None = None,
    note: str = "",
) -> ProjectFunding:
    """One source as the page and the API take it: volunteer labour by its hours and
    skill (:func:`funding_add_volunteer_labour`), every other role by its amount
    (:func:`funding_add`); what the role needs is required here."""
    common: dict[str, Any] = {"source_name": source_name, "received_on": received_on, "note": note}
    if role == ProjectFunding.Role.VOLUNTEER_LABOUR:
        if labour_hours is None or labour_skill is None:
            raise InvalidInput(_("ساعت کار و مهارت را وارد کنید."), field="labour_hours")
        return funding_add_volunteer_labour(
            project=project, hours=labour_hours, skill=labour_skill, **common
        )
    if amount_rial is None:
        raise InvalidInput(_("مبلغ را وارد کنید."), field="amount_rial")
    return funding_add(project=project, role=role, amount_rial=amount_rial, **common)


def _funding(
    project: Project,
    role: str,
    amount_rial: int,
    source_name: str,
    received_on: datetime.date | None,
    note: str,
    **labour: Any,
) -> ProjectFunding:
    """A checked funding row, its texts cleaned, not saved."""
    return ProjectFunding(
        project=project,
        role=role,
        amount_rial=amount_rial,
        source_name=clean_text(source_name),
        received_on=received_on,
        note=clean_text(note),
        **labour,
    )


def funding_add_volunteer_labour(
    *,
    project: Project,
    hours: Decimal | int,
    skill,
    source_name: str = "",
    received_on: datetime.date | None = None,
    note: str = "",
) -> ProjectFunding:
    """Volunteer labour valued at the skill's hourly rate (the volunteers app's
    rate), fixed at the time of valuing."""

    hours = Decimal(str(hours))
    if hours <= 0:
        raise InvalidInput(_("ساعت کار باید بیشتر از صفر باشد."), field="hours")
    amount = hours_value_rial(hours=hours, skill=skill)
    if amount <= 0:
        raise InvalidInput(
            _("برای مهارت «%(skill)s» ارزش ساعتی تعریف نشده است.") % {"skill": skill},
            field="skill",
        )
    role = ProjectFunding.Role.VOLUNTEER_LABOUR
    labour = {"labour_hours": hours, "labour_skill": skill}
    row = _funding(project, role, amount, source_name, received_on, note, **labour)
    row.save()
    return row


def result_build(
    *,
    project: Project,
    indicator: str,
    target: Decimal | int,
    unit: str = "",
    actual: Decimal | int | None = None,
) -> ProjectResult:
    """A checked result, not saved: :func:`result_set`'s rules."""
    indicator = required_text(indicator, _("نام شاخص را بنویسید."), field="indicator")
    if Decimal(target) < 0 or (actual is not None and Decimal(actual) < 0):
        raise InvalidInput(_("هدف و محقق‌شده نمی‌توانند منفی باشند."), field="target")
    return ProjectResult(
        project=project, indicator=indicator, unit=clean_text(unit), target=target, actual=actual
    )


def result_set(**fields: Any) -> ProjectResult:
    """Add a result, or update the one with the same indicator: :func:`result_build`'s
    arguments."""
    built = result_build(**fields)
    result, _created = ProjectResult.objects.update_or_create(
        project=built.project,
        indicator=built.indicator,
        defaults={"unit": built.unit, "target": built.target, "actual": built.actual},
    )
    return result


def facility_check_build(
    *,
    project: Project,
    user: Any,
    checked_on: datetime.date,
    in_use: bool,
    note: str = "",
    now: datetime.datetime,
) -> FacilityCheck:
    """A checked facility check, not saved: :func:`facility_check_record`'s rules."""
    if project.status != S.COMPLETED:
        raise InvalidInput(
            _("بازدید بهره‌برداری فقط برای پروژهٔ تکمیل‌شده ثبت می‌شود."), field="checked_on"
        )
    _not_future(checked_on, today=_today(now), field="checked_on")
    if checked_on < project.actual_end:
        raise InvalidInput(_("تاریخ بازدید پیش از تحویل پروژه است."), field="checked_on")
    return FacilityCheck(
        project=project,
        checked_on=checked_on,
        in_use=in_use,
        note=clean_text(note),
        checked_by=user,
    )


def facility_check_record(*, now: datetime.datetime | None = None, **fields: Any) -> FacilityCheck:
    """After handover, is the facility used? Only for completed projects, on or
    after their end date: :func:`facility_check_build`'s arguments."""
    check = facility_check_build(now=now or timezone.now(), **fields)
    check.save()
    return check


# --- Direct services -------------------------------------------------------


@dataclass(frozen=True)
class Person:
    national_code: str
    sex: str = ""
    birth_year: int | None = None


def _people(people: Iterable[Person | str]) -> list[ServiceBeneficiary]:
    """Validated, de-duplicated beneficiaries: one row per national code."""

    seen: dict[str, ServiceBeneficiary] = {}
    for i, person in enumerate(people):
        if isinstance(person, str):
            person = Person(national_code=person)
        try:
            code = normalize_national_code(person.national_code)
        except Exception as exc:  # a ValidationError with a Persian message
            message = getattr(exc, "messages", [str(exc)])[0]
            raise InvalidInput(message, field=f"people.{i}.national_code") from None
        if code not in seen:
            seen[code] = ServiceBeneficiary(
                national_code=code, sex=person.sex or "", birth_year=person.birth_year
            )
    return list(seen.values())


@dataclass
class BuiltService:
    """A checked direct service and its beneficiaries, not saved yet."""

    service: DirectService
    beneficiaries: list[ServiceBeneficiary]


def service_build(
    *,
    user,
    kind: str,
    delivered_on: datetime.date,
    quantity: int,
    unit_value_rial: int,
    county=None,
    village=None,
    city=None,
    camp=None,
    group=None,
    counts: dict[str, int] | None = None,
    people: Iterable[Person | str] = (),
    note: str = "",
    now: datetime.datetime | None = None,
) -> BuiltService:
    """Check one direct service and derive its place and value (quantity × unit
    value); people named by national code are kept once each. Nothing is written."""
    now = now or timezone.now()
    if kind not in _SERVICE_KINDS:
        raise InvalidInput(_("نوع خدمت نامعتبر است."), field="kind")
    _not_future(delivered_on, today=_today(now), field="delivered_on")
    if quantity <= 0:
        raise InvalidInput(_("تعداد باید بیشتر از صفر باشد."), field="quantity")
    if unit_value_rial < 0:
        raise InvalidInput(_("ارزش واحد نمی‌تواند منفی باشد."), field="unit_value_rial")
    if camp is not None and village is None and city is None and county is None:
        county, village, city = camp.county, camp.village, camp.city
    county, _deprived = _place(county=county, village=village, city=city)
    counts = dict(counts or {})
    unknown = set(counts) - set(DirectService.BENEFICIARY_FIELDS)
    if unknown:
        raise InvalidInput(_("گروه سنی/جنسی نامعتبر: %s") % ", ".join(sorted(unknown)))
    if any(v < 0 for v in counts.values()):
        raise InvalidInput(_("شمار بهره‌مندان نمی‌تواند منفی باشد."), field="counts")
    service = DirectService(
        kind=kind,
        county=county,
        village=village,
        city=city,
        delivered_on=delivered_on,
        camp=camp,
        group=group,
        quantity=quantity,
        unit_value_rial=unit_value_rial,
        value_rial=quantity * unit_value_rial,
        note=clean_text(note),
        created_by=user,
        **counts,
    )
    return BuiltService(service=service, beneficiaries=_people(people))


@transaction.atomic
def services_create(
    built: Sequence[BuiltService], *, batch_size: int = 2000
) -> list[DirectService]:
    """The bulk form: write services built by :func:`service_build` in two inserts."""
    DirectService.place_all([b.service for b in built])
    rows = DirectService.objects.bulk_create([b.service for b in built], batch_size=batch_size)
    beneficiaries = []
    for b in built:
        for row in b.beneficiaries:
            row.service = b.service
            beneficiaries.append(row)
    ServiceBeneficiary.objects.bulk_create(beneficiaries, batch_size=batch_size * 5)
    return rows


def service_create(**fields: Any) -> DirectService:
    """Record a direct service: :func:`service_build`'s arguments, written at once."""
    return services_create([service_build(**fields)])[0]
