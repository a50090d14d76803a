"""A bounded schemathesis run of the whole OpenAPI document, as an admin and as a
county officer: no answer is a 5xx and every answer matches the schema the
document declares for its status (checks ``not_a_server_error`` and
``response_schema_conformance``).

Each operation gets ``EXAMPLES`` generated requests, valid and invalid ones,
half of them with the path ids of real records in Arak (``planted``), so the
``/{id}`` routes answer 200 too. Derandomised, so a failure reproduces; set
``JAHESH_SCHEMATHESIS_EXAMPLES`` to run more.
"""

from __future__ import annotations

import os
import time
from collections import Counter

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from jahesh.accounts.services import api_token_issue

EXAMPLES = int(os.environ.get("JAHESH_SCHEMATHESIS_EXAMPLES", "8"))
CHECKS = [not_a_server_error, response_schema_conformance]


def _strategy(operation, path_ids: dict):
    """Valid and invalid requests, with generated path ids and with real ones."""
    names = {p.name for p in operation.path_parameters}
    real = {name: path_ids[name] for name in names if name in path_ids}
    modes = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
    options = [operation.as_strategy(mode) for mode in modes]
    if real:
        options += [operation.as_strategy(mode, path_parameters=real) for mode in modes]
    return st.one_of(options)


def _failure(label: str, exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines()]
    keep = [line for line in lines if line.startswith(("- ", "curl", "[")) or "Expected" in line]
    return f"{label}: " + " | ".join(keep)[:1500]


def _run(operation, token: str, path_ids: dict, statuses: Counter) -> str | None:
    @given(case=_strategy(operation, path_ids))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],  # no shrinking: the report names the request
    )
    def call(case):
        response = case.call_and_validate(
            headers={"Authorization": f"Bearer {token}"}, checks=CHECKS
        )
        statuses[response.status_code] += 1

    try:
        call()
    except (Exception, BaseExceptionGroup) as exc:  # schemathesis groups its failures
        return _failure(operation.label, exc)
    return None


@pytest.fixture
def wsgi_app():
    """The project's WSGI application, called in-process inside the test's
    transaction. As Django's test client does, its requests leave the database
    connection alone (closing it would end the transaction on PostgreSQL)."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield get_wsgi_application()
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


@pytest.mark.parametrize("role", ["admin", "arak"])
def test_it_answers_every_operation_without_a_server_error_or_a_schema_mismatch(
    role, planted, users, wsgi_app, caplog
):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    statuses: Counter = Counter()
    started = time.monotonic()

    # A token of its own for each operation: logout and token revocation (operations
    # too) end the token they are sent with.
    failures = [
        f
        for op in operations
        if (f := _run(op, api_token_issue(user=users[role]), planted, statuses))
    ]

    print(
        f"\nschemathesis as {role}: {len(operations)} operations, {statuses.total()} requests "
        f"in {time.monotonic() - started:.1f}s; statuses {dict(sorted(statuses.items()))}"
    )
    assert failures == [], "\n\n".join(failures)
    # The last-resort answers to a database error (api.py) were never needed.
    assert [r.getMessage() for r in caplog.records if r.name == "jahesh.api_v1"] == []
    assert len(operations) > 50 and statuses[200] > len(operations)  # the run reached records
