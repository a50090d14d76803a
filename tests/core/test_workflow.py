"""The one workflow engine (core.workflow), on a core model so it needs no app.

A machine of import jobs: queued → running (the runners only, a guard that
needs a total and sets it), running → done / failed. The event function
records each move, so a test sees what was appended, and that a refused move
appends nothing and writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from jahesh.core.errors import Conflict, Forbidden, InvalidInput
from jahesh.core.models import ImportJob
from jahesh.core.workflow import Move, Refusals, Rule, Workflow, status_label

J = ImportJob.Status


def _needs_total(move: Move[ImportJob]) -> Mapping[str, Any]:
    if not move.data:
        raise InvalidInput("total?", field="rows_total")
    return {"rows_total": move.data}


def make_flow(appended: list[tuple[str, str, str]]) -> Workflow[ImportJob]:
    def event(move: Move[ImportJob]) -> None:
        appended.append((move.from_status, move.to_status, move.reason))

    return Workflow(
        model=ImportJob,
        rules={
            (J.QUEUED, J.RUNNING): Rule(_needs_total, roles=frozenset({"runner"})),
            (J.RUNNING, J.DONE): Rule(),
            (J.RUNNING, J.FAILED): Rule(),
        },
        event=event,
        refuse=Refusals(
            no_move=lambda frm, to: InvalidInput(f"{frm}>{to}", field="to_status"),
            lost=lambda: Conflict("lost"),
            stale=lambda now: Conflict(f"stale:{now}"),
            role=lambda to: Forbidden(f"role:{to}"),
        ),
        role_of=lambda user: user.username,
    )


@pytest.fixture
def job(make_user) -> ImportJob:
    owner = make_user("owner", "admin")
    return ImportJob.objects.create(user=owner, kind="units", filename="a.xlsx", path="x")


def _status(job: ImportJob) -> str:
    return ImportJob.objects.values_list("status", flat=True).get(pk=job.pk)


def test_allowed_moves_read_the_table_and_the_roles(job, make_user):
    flow = make_flow([])
    runner, other = make_user("runner", "admin"), make_user("other", "admin")
    assert flow.allowed_moves(job, runner) == [J.RUNNING]
    assert flow.allowed_moves(job, other) == []
    job.status = J.RUNNING
    assert flow.allowed_moves(job, other) == [J.DONE, J.FAILED]


def test_a_move_the_system_makes_is_not_offered_but_is_allowed(job, make_user):
    """``Rule(chosen=False)``: absent from allowed_moves, still a legal transition."""
    flow = make_flow([])
    rules = {**flow.rules, (J.RUNNING, J.FAILED): Rule(chosen=False)}
    system = Workflow(model=ImportJob, rules=rules, event=flow.event, refuse=flow.refuse)
    job.status = J.RUNNING
    job.save(update_fields=["status"])
    other = make_user("other", "admin")
    assert system.allowed_moves(job, other) == [J.DONE]
    assert system.transition(job, J.FAILED, user=other).status == J.FAILED


def test_a_move_sets_the_guards_fields_and_appends_one_event(job, make_user):
    appended: list[tuple[str, str, str]] = []
    moved = make_flow(appended).transition(
        job, J.RUNNING, user=make_user("runner", "admin"), data=40, reason="go"
    )
    assert (moved.status, moved.rows_total) == (J.RUNNING, 40)
    assert ImportJob.objects.values_list("status", "rows_total").get(pk=job.pk) == (J.RUNNING, 40)
    assert appended == [(J.QUEUED, J.RUNNING, "go")]


@pytest.mark.parametrize(
    ("who", "to", "data", "error", "message"),
    [
        ("other", J.RUNNING, 40, Forbidden, "role:running"),
        ("runner", J.DONE, None, InvalidInput, "queued>done"),
        ("runner", J.RUNNING, None, InvalidInput, "total?"),
    ],
)
def test_a_refused_move_writes_nothing(job, make_user, who, to, data, error, message):
    appended: list[tuple[str, str, str]] = []
    with pytest.raises(error) as refused:
        make_flow(appended).transition(job, to, user=make_user(who, "admin"), data=data)
    assert str(refused.value) == message
    assert (_status(job), appended) == (J.QUEUED, [])


def test_a_move_from_a_status_the_caller_no_longer_sees_is_stale(job, make_user):
    ImportJob.objects.filter(pk=job.pk).update(status=J.RUNNING)
    appended: list[tuple[str, str, str]] = []
    with pytest.raises(Conflict) as refused:
        make_flow(appended).transition(job, J.RUNNING, user=make_user("runner", "admin"), data=1)
    assert str(refused.value) == "stale:running"
    assert appended == []


def test_a_move_that_lost_the_race_is_refused_not_written_twice(job, make_user):
    # The caller holds what it believes is the locked row, but another move
    # committed first (no row locks on SQLite): the update on the old status
    # finds nothing, and nothing is appended.
    ImportJob.objects.filter(pk=job.pk).update(status=J.FAILED)
    job.status = J.RUNNING
    appended: list[tuple[str, str, str]] = []
    with pytest.raises(Conflict) as refused:
        make_flow(appended).transition(job, J.DONE, user=None, locked=True)
    assert str(refused.value) == "lost"
    assert (_status(job), appended) == (J.FAILED, [])


def test_created_appends_the_first_status(job):
    appended: list[tuple[str, str, str]] = []
    make_flow(appended).created(job, user=None, reason="new")
    assert appended == [("", J.QUEUED, "new")]


def test_move_answers_the_event_row_appended(job, make_user):
    flow = make_flow([])
    appended = Workflow(
        model=ImportJob,
        rules=flow.rules,
        event=lambda move: f"event {move.from_status}>{move.to_status}",
        refuse=flow.refuse,
        role_of=flow.role_of,
    )
    moved = appended.move(job, J.RUNNING, user=make_user("runner", "admin"), data=7)
    assert (moved.event, moved.record.status, moved.record.rows_total) == (
        "event queued>running",
        J.RUNNING,
        7,
    )


def test_a_move_that_changes_nothing_is_not_saved_one_that_sets_a_field_is(
    job, make_user, monkeypatch
):
    """``save=True``: a move that keeps the status and sets no field is its event
    row alone (no history row); one that keeps the status but sets a field is saved."""
    saved: list[list[str]] = []
    monkeypatch.setattr(
        ImportJob, "save", lambda self, update_fields=None, **kw: saved.append(update_fields)
    )
    appended: list[tuple[str, str, str]] = []
    flow = make_flow(appended)
    keeping = Workflow(
        model=ImportJob,
        rules={(J.QUEUED, J.QUEUED): Rule(), (J.RUNNING, J.RUNNING): Rule(_needs_total)},
        event=flow.event,
        refuse=flow.refuse,
        save=True,
    )
    keeping.transition(job, J.QUEUED, user=None, reason="note")
    assert (saved, appended) == ([], [(J.QUEUED, J.QUEUED, "note")])
    ImportJob.objects.filter(pk=job.pk).update(status=J.RUNNING)
    job.status = J.RUNNING
    assert keeping.transition(job, J.RUNNING, user=None, data=9).rows_total == 9
    assert [sorted(fields) for fields in saved] == [["rows_total", "status"]]


def test_a_refusal_names_a_status_by_its_label_or_quotes_a_typo():
    assert status_label(J, "running") == str(J.RUNNING.label)
    assert status_label(J, "runing") == "runing"


def test_a_machine_without_an_event_function_saves_its_row(job, make_user):
    """No ``event``: each move saves the machine's ``row`` (here a job named by
    the move, standing for an event table) and answers nothing else."""
    runner = make_user("runner", "admin")
    flow = make_flow([])
    rowed = Workflow(
        model=ImportJob,
        rules=flow.rules,
        refuse=flow.refuse,
        role_of=flow.role_of,
        row=lambda move: ImportJob(
            user=runner, kind=f"{move.from_status}>{move.to_status}", filename=move.reason
        ),
    )
    rowed.created(job, user=runner, reason="new")
    rowed.transition(job, J.RUNNING, user=runner, data=5, reason="go")
    rows = ImportJob.objects.exclude(pk=job.pk).order_by("pk").values_list("kind", "filename")
    assert list(rows) == [(">queued", "new"), ("queued>running", "go")]
