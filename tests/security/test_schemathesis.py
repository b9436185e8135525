"""schemathesis against the API, in-process through the WSGI application, as each kind of
person: whatever it is sent, the API never answers 5xx, and what it answers matches the OpenAPI
schema (docs/security-proof.md).

Bounded for CI: BEACON_SCHEMATHESIS_EXAMPLES cases per operation and person (3 by default; raise
it for a deeper run). Path parameters are the ids of the person's own records (world.py), so the
generated bodies and queries reach real records, not only 404s.
"""

import os

import hypothesis
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from tests.security import matrix

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("BEACON_SCHEMATHESIS_EXAMPLES", "3"))
# One person per role (Dale, deactivated, answers exactly like anonymous: 401).
PEOPLE = {"anonymous": "own", "riley": "own", "pat": "own", "sam": "own", "ada": "own"}
PEOPLE["olive"] = "other"
SCHEMA = schemathesis.openapi.from_dict(matrix.openapi())
SCHEMA.app = WSGIHandler()
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


@pytest.fixture
def wsgi_requests_keep_the_connection():
    """Each request runs inside the test's transaction; Django would otherwise close the
    connection at the end of a request (the test client disconnects the same handler)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.parametrize(
    "operation", OPERATIONS, ids=[f"{op.method.upper()} {op.path}" for op in OPERATIONS]
)
def test_api_answers_within_its_schema(world, wsgi_requests_keep_the_connection, operation):
    failures = []

    @hypothesis.settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case):
        for person, relation in PEOPLE.items():
            for name in case.path_parameters or {}:
                if name in world.ids:
                    case.path_parameters[name] = str(world.ids[name][relation])
            token = world.people[person].token
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            with transaction.atomic():
                response = case.call(headers=headers)
                transaction.set_rollback(True)
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except AssertionError as error:
                failures.append(f"{person}: {error}")

    run()
    assert not failures, "\n\n".join(failures[:3])
