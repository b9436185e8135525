"""Idempotency-Key on API writes: a retried write is made once and answered the same way."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client

from beacon.api.models import IdempotentRequest
from beacon.api.services import token_create
from beacon.audit.models import AuditEvent
from beacon.encounters.models import Encounter

URL = "/api/v1/encounters"


@pytest.fixture
def pat_token(harbor, pat):
    return token_create(user=pat, organization=harbor)[1]


def encounter(participant, note="Coffee and a walk."):
    return {
        "participant": str(participant.pk),
        "duration_minutes": 30,
        "modality": "in_person",
        "setting": "community",
        "kind": "one_on_one",
        "note": note,
    }


def post(client, token, payload, key=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(URL, payload, content_type="application/json", **headers)


def test_a_retried_write_is_made_once_and_answered_the_same(client, pat_token, jordan):
    first = post(client, pat_token, encounter(jordan), key="visit-1")
    again = post(client, pat_token, encounter(jordan), key="visit-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Encounter.objects.filter(participant=jordan).count() == 1
    assert AuditEvent.objects.filter(action="encounter.logged").count() == 1


def test_without_a_key_each_write_is_made(client, pat_token, jordan):
    post(client, pat_token, encounter(jordan))
    post(client, pat_token, encounter(jordan))
    assert Encounter.objects.filter(participant=jordan).count() == 2
    assert not IdempotentRequest.objects.exists()


def test_the_same_key_for_another_request_is_refused(client, pat_token, jordan):
    post(client, pat_token, encounter(jordan), key="visit-1")
    other = post(client, pat_token, encounter(jordan, note="Something else"), key="visit-1")
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert Encounter.objects.filter(participant=jordan).count() == 1


def test_keys_belong_to_their_caller(client, harbor, pat, pat_token, jordan):
    other_token = token_create(user=pat, organization=harbor)[1]
    post(client, pat_token, encounter(jordan), key="visit-1")
    post(client, other_token, encounter(jordan), key="visit-1")
    assert Encounter.objects.filter(participant=jordan).count() == 2


def test_a_refusal_is_remembered_too(client, pat_token, casey):
    # Casey is not on Pat's caseload: 404, and the same answer on a retry.
    first = post(client, pat_token, encounter(casey), key="visit-1")
    again = post(client, pat_token, encounter(casey), key="visit-1")
    assert first.status_code == again.status_code == 404
    assert again["Idempotent-Replayed"] == "true"


def test_a_malformed_key_is_refused_with_a_reason(client, pat_token, jordan):
    response = post(client, pat_token, encounter(jordan), key="x" * 256)
    assert response.status_code == 400
    assert "1 to 255 visible ASCII characters" in response.json()["error"]["message"]
    assert not Encounter.objects.exists()


def test_a_server_error_is_not_remembered_and_its_write_rolled_back(
    client, pat_token, jordan, monkeypatch
):
    from beacon.encounters import services

    real_log = services.encounter_log

    def log_then_fail(**kwargs):
        real_log(**kwargs)  # the encounter and its audit entry are written...
        raise RuntimeError("the server fails before answering")  # ...then the answer is lost

    monkeypatch.setattr(services, "encounter_log", log_then_fail)
    client.raise_request_exception = False
    failed = post(client, pat_token, encounter(jordan), key="visit-1")
    assert failed.status_code == 500
    assert not Encounter.objects.exists()
    assert not AuditEvent.objects.filter(action="encounter.logged").exists()
    assert not IdempotentRequest.objects.exists()
    monkeypatch.setattr(services, "encounter_log", real_log)
    retried = post(client, pat_token, encounter(jordan), key="visit-1")
    assert retried.status_code == 201
    assert Encounter.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_retries_make_one_write(pat_token, jordan):
    count = 8
    barrier = threading.Barrier(count)
    answers: list = [None] * count

    def send(i):
        try:
            barrier.wait(timeout=30)
            response = post(Client(), pat_token, encounter(jordan), key="visit-1")
            answers[i] = (response.status_code, response.json())
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert {status for status, _ in answers} == {201}
    assert len({body["id"] for _, body in answers}) == 1
    assert Encounter.objects.filter(participant=jordan).count() == 1
