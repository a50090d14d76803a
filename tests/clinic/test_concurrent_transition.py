from __future__ import annotations

import threading

import pytest
from django.db import connection

from jahesh.clinic import services
from jahesh.clinic.models import Case, CaseEvent, CaseStatus
from jahesh.core.errors import Conflict

S = CaseStatus


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks need PostgreSQL (SQLite serialises writers anyway)",
)
# serialized_rollback: put the migrations' data (the taxonomy) back after the flush.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_lets_one_of_two_concurrent_moves_win(make_case, users):
    # Given one case in progress seen by two people, when one sends it to wait on
    # the bank and the other resolves it at the same moment, then exactly one
    # move is recorded and the other gets a Persian Conflict.
    case = make_case(S.IN_PROGRESS)
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def move(name: str, to: str, data: services.MoveInput) -> None:
        seen = Case.objects.get(pk=case.pk)
        try:
            barrier.wait()
            results[name] = services.case_transition(
                case=seen, to_status=to, user=users["admin"], data=data
            ).status
        except Exception as exc:
            results[name] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=move, args=("wait", S.WAITING, services.MoveInput())),
        threading.Thread(
            target=move, args=("resolve", S.RESOLVED, services.MoveInput(outcome="other"))
        ),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    outcomes = sorted(results.values(), key=lambda v: isinstance(v, Exception))
    assert outcomes[0] in (S.WAITING, S.RESOLVED)
    assert isinstance(outcomes[1], Conflict)
    assert "هم‌زمان" in str(outcomes[1])
    assert outcomes[1].status_code == 409
    case.refresh_from_db()
    assert case.status == outcomes[0]
    moves = CaseEvent.objects.filter(case=case, from_status=S.IN_PROGRESS)
    assert list(moves.values_list("to_status", flat=True)) == [outcomes[0]]
