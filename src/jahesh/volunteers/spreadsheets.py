"""Volunteers in and out of Excel/CSV, through the one tabular mechanism
(``jahesh.core.tabular``): the export of a (filtered) list, its import
template, and the import that registers people by national code.

A person already registered (the same national code, anywhere) is left as is
and reported «بی‌تغییر»: people are counted once, whichever file lists them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext as _

from jahesh.core.tabular import (
    Column,
    ImportReport,
    Outcome,
    Row,
    choice,
    integer,
    jalali_date,
    mobile,
    person_columns,
    read_table,
    run_import,
)
from jahesh.volunteers.forms import county_queryset
from jahesh.volunteers.models import REGISTERED_FROM_FILE, Volunteer, VolunteerStatusEvent
from jahesh.volunteers.selectors import volunteer_search_key


def volunteer_columns(user: Any) -> list[Column]:
    """The columns of the file; the county is one of the counties ``user`` may
    record in, matched by name."""
    counties = {c.pk: c.name for c in county_queryset(user)}
    return [
        *person_columns(
            name_length=80, example=("فاطمه", "محمدی"), gender=choice(Volunteer.Gender.choices)
        ),
        Column(
            "birth_year", "سال تولد", "Birth year", parse=integer(min=1290, max=1420), example=1370
        ),
        Column("mobile", "تلفن همراه", "Mobile", parse=mobile(), example="09121234567"),
        Column(
            "county",
            "شهرستان",
            "County",
            required=True,
            parse=choice(counties),
            example=next(iter(counties.values()), ""),
        ),
        Column(
            "registered_on",
            "تاریخ ثبت‌نام",
            "Registered on",
            required=True,
            parse=jalali_date(),
            example="1403/01/15",
        ),
        Column("status", "وضعیت", "Status", parse=choice(Volunteer.Status.choices)),
    ]


def volunteer_rows(qs: Iterable[Volunteer]) -> Iterable[dict[str, Any]]:
    for v in qs:
        yield {
            "national_code": v.national_code,
            "first_name": v.first_name,
            "last_name": v.last_name,
            "gender": v.gender,
            "birth_year": v.birth_year,
            "mobile": v.mobile,
            "county": v.county_id,
            "registered_on": v.registered_on,
            "status": v.status,
        }


def import_volunteers(
    file: Any, *, filename: str, dry_run: bool, actor: Any, progress: Any = None
) -> ImportReport:
    """Read ``file`` (InvalidInput, Persian, when unusable) and register its people
    (:func:`volunteer_import_batch`); with ``dry_run`` nothing stays."""
    reader = read_table(file, filename=filename, columns=volunteer_columns(actor))
    return run_import(
        reader,
        handle_batch=lambda rows: volunteer_import_batch(actor=actor, rows=rows),
        dry_run=dry_run,
        progress=progress,
    )


def import_volunteers_command(file, filename, dry_run, progress, user) -> ImportReport:
    """``import_volunteers`` as ``jahesh import volunteers`` and the import jobs call it."""
    return import_volunteers(
        file, filename=filename, dry_run=dry_run, actor=user, progress=progress
    )


def volunteer_import_batch(*, actor: Any, rows: Sequence[Row]) -> list[Outcome]:
    """Register the new people of a batch in one insert (the county column only
    offers the actor's counties, so every row is in scope). A row marked
    inactive is refused: register people active, then deactivate them with a
    date, so the figures know when they left."""
    codes = [r.values["national_code"] for r in rows]
    existing = set(
        Volunteer.objects.filter(national_code__in=codes).values_list("national_code", flat=True)
    )
    outcomes: list[Outcome] = []
    new: list[Volunteer] = []
    for row in rows:
        d = row.values
        code = d["national_code"]
        if d.get("status") == Volunteer.Status.INACTIVE:
            row.refuse(
                _(
                    "نیروی غیرفعال را از این راه ثبت نکنید؛ او را فعال ثبت و سپس با تاریخ غیرفعال کنید."
                ),
                key="status",
            )
            outcomes.append(Outcome.REFUSED)
            continue
        if code in existing:
            outcomes.append(Outcome.UNCHANGED)
            continue
        existing.add(code)  # the same person twice in the file: once
        mobile_value = d.get("mobile") or ""
        new.append(
            Volunteer(
                national_code=code,
                first_name=d["first_name"],
                last_name=d["last_name"],
                gender=d["gender"],
                birth_year=d.get("birth_year"),
                mobile=mobile_value,
                county_id=d["county"],
                registered_on=d["registered_on"],
                search_key=volunteer_search_key(
                    first_name=d["first_name"],
                    last_name=d["last_name"],
                    national_code=code,
                    mobile=mobile_value,
                ),
            )
        )
        outcomes.append(Outcome.CREATED)
    if new:
        Volunteer.objects.bulk_create(new)
        created = Volunteer.objects.filter(national_code__in=[v.national_code for v in new])
        VolunteerStatusEvent.objects.bulk_create(
            VolunteerStatusEvent(
                volunteer=v,
                to_status="active",
                effective_on=v.registered_on,
                at=v.created_at,
                by=actor,
                reason=REGISTERED_FROM_FILE,
            )
            for v in created
        )
    return outcomes
