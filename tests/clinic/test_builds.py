"""The clinic's ``*_build`` functions (the demo's bulk rows) refuse what their
services refuse, with the same type, message and field, and build the rows the
services write.

The session is held on Mon 1 Sep 2025; its resolution is due on 1 Oct 2025 and
open to objection until 23 Sep 2025 (15 working days)."""

from __future__ import annotations

import datetime as dt

import pytest

from jahesh.clinic import services
from jahesh.clinic.models import (
    Case,
    ObstacleCategory,
    Resolution,
    ResolutionFollowUp,
    ResolutionStatus,
    Session,
)
from jahesh.core.errors import ApplicationError

from .conftest import NOW as CLOCK  # the clinic tests' frozen clock

R = ResolutionStatus
HELD_ON = dt.date(2025, 9, 1)
NOW = dt.datetime(2025, 12, 1, 9, tzinfo=dt.UTC)


def _refusal(call) -> tuple[type, str, str | None]:
    with pytest.raises(ApplicationError) as caught:
        call()
    return type(caught.value), str(caught.value), caught.value.field


def _session(group, users, **fields) -> Session:
    return services.session_create(user=users["hq"], group=group, held_on=HELD_ON, **fields)


def test_session_build_is_the_row_the_service_writes(group, users, expert, make_case):
    case = make_case("escalated")
    fields = {"held_on": HELD_ON, "place": "  سالن   استانداری ", "other_attendees": " بانک\nصمت ",
              "minutes": "  صورت‌جلسه  "}  # fmt: skip
    saved = services.session_create(
        user=users["hq"], group=group, attendees=[expert, expert], agenda=[case], **fields
    )
    built = services.session_build(group=group, number=saved.number, **fields)
    assert built.pk is None
    values = ("number", "held_on", "place", "other_attendees", "minutes")
    assert [getattr(built, f) for f in values] == [getattr(saved, f) for f in values] == [
        1, HELD_ON, "سالن استانداری", "بانک\nصمت", "صورت‌جلسه"
    ]  # fmt: skip
    attendance, agenda = services.session_links_build(
        saved, attendees=[expert, expert], agenda=[case]
    )
    assert [(r.session_id, r.expert_id) for r in attendance] == list(
        Session.attendees.through.objects.values_list("session_id", "expert_id")
    ) == [(saved.pk, expert.pk)]  # fmt: skip
    assert [(r.session_id, r.case_id) for r in agenda] == list(
        Session.agenda.through.objects.values_list("session_id", "case_id")
    ) == [(saved.pk, case.pk)]  # fmt: skip


@pytest.mark.parametrize(
    "change",
    [{"text": "   "}, {"due_on": None}, {"due_days": 10},
     {"due_on": None, "due_days": 0}, {"due_on": None, "due_days": services.MAX_DUE_DAYS + 1},
     {"due_on": dt.date(2025, 8, 31)}],
)  # fmt: skip
def test_resolution_build_refuses_as_the_service_does(group, users, agency, change):
    session = _session(group, users)
    fields = {"text": "مصوبه", "agency": agency, "due_on": dt.date(2025, 10, 1), **change}
    single = _refusal(
        lambda: services.resolution_create(user=users["hq"], session=session, **fields)
    )
    built = _refusal(
        lambda: services.resolution_build(session=session, number=1, objection_days=15, **fields)
    )
    assert built == single
    assert not Resolution.objects.exists()


def test_resolution_build_is_the_row_the_service_writes(group, users, agency):
    session = _session(group, users)
    fields = {"text": "  مصوبه  ", "agency": agency, "due_days": 10,
              "responsible_person": " مدیر   امور شعب "}  # fmt: skip
    saved = services.resolution_create(user=users["hq"], session=session, **fields)
    built = services.resolution_build(session=session, number=1, objection_days=15, **fields)
    assert built.pk is None
    values = ("number", "text", "agency", "responsible_person", "passed_on", "due_on",
              "objection_until", "status", "done_on")  # fmt: skip
    assert [getattr(built, f) for f in values] == [getattr(saved, f) for f in values] == [
        1, "مصوبه", agency, "مدیر امور شعب", HELD_ON, dt.date(2025, 9, 16),
        dt.date(2025, 9, 23), R.OPEN, None,
    ]  # fmt: skip


def _pair(group, users, agency) -> tuple[Resolution, Resolution]:
    """The same resolution saved by the service and built, not saved."""
    session = _session(group, users)
    fields = {"text": "مصوبه", "agency": agency, "due_on": dt.date(2025, 10, 1)}
    saved = services.resolution_create(user=users["hq"], session=session, **fields)
    return saved, services.resolution_build(session=session, number=2, objection_days=15, **fields)


@pytest.mark.parametrize(
    ("who", "on", "note", "to"),
    [("viewer", dt.date(2025, 9, 10), "نامه", R.DONE),
     ("hq", dt.date(2025, 9, 10), "  ", R.DONE),
     ("hq", dt.date(2025, 12, 2), "نامه", R.DONE),  # after today
     ("hq", dt.date(2025, 8, 31), "نامه", R.DONE),  # before it was passed
     ("hq", dt.date(2025, 9, 24), "نامه", R.OBJECTED),  # the window has closed
     ("hq", dt.date(2025, 10, 1), "نامه", R.NOT_EXECUTED),  # not yet past its due date
     ("hq", dt.date(2025, 9, 10), "نامه", "lost")],
)  # fmt: skip
def test_resolution_follow_ups_build_refuses_as_the_service_does(
    group, users, agency, who, on, note, to
):
    saved, built = _pair(group, users, agency)
    entry = {"on": on, "note": note, "status_after": to}
    single = _refusal(
        lambda: services.resolution_follow_up(resolution=saved, user=users[who], now=NOW, **entry)
    )
    bulk = _refusal(
        lambda: services.resolution_follow_ups_build(
            resolution=built, user=users[who], now=NOW,
            follow_ups=[services.FollowUpFields(**entry)],
        )
    )  # fmt: skip
    assert bulk == single
    assert not ResolutionFollowUp.objects.exists()


@pytest.mark.parametrize(
    ("on", "to", "done_on"),
    [(dt.date(2025, 9, 23), R.OBJECTED, None), (dt.date(2025, 10, 2), R.NOT_EXECUTED, None),
     (dt.date(2025, 9, 30), R.DONE, dt.date(2025, 9, 30))],
)  # fmt: skip
def test_resolution_follow_ups_build_moves_it_as_the_service_does(
    group, users, agency, on, to, done_on
):
    saved, built = _pair(group, users, agency)
    entry = {"on": on, "note": "  نامهٔ دستگاه ", "status_after": to}
    single = services.resolution_follow_up(resolution=saved, user=users["hq"], now=NOW, **entry)
    rows = services.resolution_follow_ups_build(
        resolution=built, user=users["hq"], now=NOW, follow_ups=[services.FollowUpFields(**entry)]
    )
    assert [(r.pk, r.resolution, r.on, r.note, r.status_after, r.by) for r in rows] == [
        (None, built, on, "نامهٔ دستگاه", to, users["hq"])
    ]
    assert (single.on, single.note, single.status_after, single.by) == (
        on, "نامهٔ دستگاه", to, users["hq"]
    )  # fmt: skip
    saved.refresh_from_db()
    assert (built.status, built.done_on) == (saved.status, saved.done_on) == (to, done_on)


def _prevented(make_case, make_unit, high_risk, users):
    case = make_case("in_progress", unit=high_risk(make_unit()))
    return services.case_transition(
        case=case, to_status="resolved", user=users["admin"],
        data=services.MoveInput(outcome="closure_prevented", outcome_note="نامهٔ بانک"),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("outcome", "on"),
    [("other", dt.date(2025, 11, 27)), ("closure_prevented", dt.date(2025, 11, 28)),
     ("closure_prevented", dt.date(2025, 11, 26))],
)  # fmt: skip
def test_case_followup_build_refuses_as_the_service_does(
    make_case, make_unit, high_risk, users, outcome, on
):
    case = _prevented(make_case, make_unit, high_risk, users)
    case.outcome = outcome
    fields = {"case": case, "confirmed": True, "on": on}
    single = _refusal(lambda: services.case_followup_record(user=users["admin"], **fields))
    assert _refusal(lambda: services.case_followup_build(now=CLOCK, **fields)) == single
    case.refresh_from_db()
    assert (case.followup_on, case.followup_confirmed) == (None, None)


def test_case_followup_build_sets_what_the_service_saves(make_case, make_unit, high_risk, users):
    case = _prevented(make_case, make_unit, high_risk, users)
    fields = {"confirmed": False, "on": dt.date(2025, 11, 27), "note": " واحد  متوقف است "}
    built = services.case_followup_build(case=case, now=CLOCK, **fields)
    values = (built.followup_on, built.followup_confirmed, built.followup_note)
    services.case_followup_record(case=case, user=users["admin"], **fields)
    case.refresh_from_db()
    assert values == (case.followup_on, case.followup_confirmed, case.followup_note) == (
        dt.date(2025, 11, 27), False, "واحد متوقف است"
    )  # fmt: skip


def _opening(make_unit, category, agency, **change):
    return {"unit": make_unit(), "category": category, "severity": 3, "title": " قطع  برق ",
            "source": "visit", "description": " شرح  مانع ", "agency": agency, **change}  # fmt: skip


@pytest.mark.parametrize(
    "change",
    [{"title": "  "}, {"severity": 5}, {"source": "fax"}, {"inactive": True},
     {"parent": "closed"}, {"parent": "child"}, {"parent": "other category"}],
)  # fmt: skip
def test_case_build_refuses_as_the_service_does(
    make_case, make_unit, category, agency, users, change
):
    if change.pop("inactive", False):
        category.is_active = False
    parent = change.pop("parent", None)
    if parent == "closed":
        change["parent"] = make_case("withdrawn")
    elif parent == "child":
        change["parent"] = make_case("new", parent=make_case("new"))
    elif parent == "other category":
        change["parent"] = make_case("new")
        change["parent"].category = ObstacleCategory.objects.exclude(pk=category.pk).first()
    fields = _opening(make_unit, category, agency, **change)
    cases = Case.objects.count()
    single = _refusal(lambda: services.case_create(user=users["hq"], now=CLOCK, **fields))
    built = _refusal(
        lambda: services.case_build(
            user=users["hq"], now=CLOCK, settings=services.clinic_settings(),
            unit_status_at_open="active", unit_risk_at_open="", **fields,
        )
    )  # fmt: skip
    assert built == single
    assert Case.objects.count() == cases


def test_case_build_is_the_row_the_service_writes(make_unit, high_risk, category, agency, users):
    fields = _opening(make_unit, category, agency)
    high_risk(fields["unit"])
    saved = services.case_create(user=users["hq"], now=CLOCK, **fields)
    built = services.case_build(
        user=users["hq"], now=CLOCK, settings=services.clinic_settings(),
        unit_status_at_open="active", unit_risk_at_open="high", **fields,
    )  # fmt: skip
    assert built.pk is None
    values = ("unit", "county", "category", "taxonomy_version", "severity", "title",
              "description", "source", "agency", "opened_at", "opened_on", "due_at",
              "unit_status_at_open", "unit_risk_at_open", "created_by", "status")  # fmt: skip
    assert [getattr(built, f) for f in values] == [getattr(saved, f) for f in values]
    assert (built.title, built.description, built.unit_risk_at_open, built.status) == (
        "قطع برق", "شرح مانع", "high", "new"
    )  # fmt: skip
