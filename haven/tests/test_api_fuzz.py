"""Schemathesis against the OpenAPI document, on whichever engine the suite runs on: whatever it
sends, no answer is a server error. A fixed seed and a bounded number of examples per operation
keep a run repeatable and about a minute long.

Schemathesis' own pytest plugin cannot run under pytest 9 yet, so the operations are walked
here, each with Hypothesis driving the strategy Schemathesis builds for it."""

import contextlib
from collections import Counter

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, seed
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from haven.accounts.services import create_api_token
from haven.wsgi import application

EXAMPLES_PER_OPERATION = 12
SEED = 18


@pytest.fixture
def api_schema(db):
    # As Django's test client does: a request's end must not close the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def strategy_for(operation):
    strategies = [operation.as_strategy(GenerationMode.POSITIVE)]
    # An operation with nothing to get wrong has no negative strategy.
    with contextlib.suppress(Exception):
        strategies.append(operation.as_strategy(GenerationMode.NEGATIVE))
    return st.one_of(strategies)


def server_errors(operation, token, statuses: Counter) -> list[str]:
    found = []

    @seed(SEED)
    @hypothesis_settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy_for(operation))
    def run(case):
        response = case.call(headers={"Authorization": f"Bearer {token}"})
        statuses[response.status_code // 100] += 1
        if response.status_code >= 500:
            found.append(
                f"{case.method} {case.formatted_path} query={case.query!r} body={case.body!r}"
                f" -> {response.status_code}: {response.text[:300]}"
            )

    run()
    return found


@pytest.mark.schemathesis
def test_no_generated_request_makes_a_server_error(api_schema, alice):
    _, token = create_api_token(alice, actor=alice, name="schemathesis")
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 30
    statuses = Counter()
    errors = [
        error for operation in operations for error in server_errors(operation, token, statuses)
    ]
    assert errors == [], "\n".join(errors[:20])
    # The token works: the run reached the endpoints, not only the door.
    assert statuses[2] > len(operations) and sum(statuses.values()) > 5 * len(operations)
