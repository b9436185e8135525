"""Email never holds up or breaks a page (issue 14): it is queued when the record commits and
sent by the task worker, each try bounded by EMAIL_TIMEOUT, failures tried again later.

The mail servers here are real sockets on 127.0.0.1: one that accepts and never answers (a hung
server), and a port nothing listens on (a server that is down)."""

from __future__ import annotations

import ast
import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from beacon.core import mail as beacon_mail
from beacon.core.tests.worker import run_worker
from beacon.encounters.models import Encounter
from beacon.notifications.models import Notification
from beacon.organizations.services import invitation_send
from conftest import bearer

BEACON = Path(__file__).resolve().parents[2]
SMTP = "django.core.mail.backends.smtp.EmailBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
# How long the hung server keeps a connection without a word before closing it. Without a
# timeout on Beacon's side, that is how long a page would wait.
HOLD_SECONDS = 20


@dataclass
class Server:
    port: int
    connections: list


@pytest.fixture
def hung_server():
    """A mail server that accepts connections and never answers (then closes them)."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()
    held = []

    def serve():
        while not stop.is_set():
            for item in [h for h in held if time.monotonic() - h[1] > HOLD_SECONDS]:
                item[0].close()
                held.remove(item)
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            held.append((conn, time.monotonic()))
        for conn, _ in held:
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield Server(listener.getsockname()[1], held)
    stop.set()
    thread.join()
    listener.close()


@pytest.fixture
def closed_port():
    """A port nothing listens on: connecting is refused at once."""
    with socket.create_server(("127.0.0.1", 0)) as s:
        return Server(s.getsockname()[1], [])


def _smtp(settings, port, timeout=1):
    settings.EMAIL_BACKEND = SMTP
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = timeout


def _queued():
    return DBTaskResult.objects.filter(task_path="beacon.core.mail.mail_send_task")


ENCOUNTER_FORM = {
    "duration_pick": "30",
    "modality": "phone",
    "setting": "community",
    "kind": "check_in",
    "crisis_flag": "on",
    "note": "Talked about suicide.",
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("server", ["hung_server", "closed_port"])
def test_a_crisis_encounter_is_saved_at_once_whatever_the_mail_server(
    request, settings, server, pat, sam, jordan
):
    server = request.getfixturevalue(server)
    _smtp(settings, server.port, timeout=None)
    client = Client(raise_request_exception=False)
    client.force_login(pat)
    started = time.monotonic()
    response = client.post(f"{reverse('encounters:new')}?participant={jordan.pk}", ENCOUNTER_FORM)
    elapsed = time.monotonic() - started
    assert response.status_code == 302
    assert server.connections == []  # the page never spoke to the mail server
    assert elapsed < HOLD_SECONDS / 2
    assert Encounter.objects.get().crisis_flag
    assert Notification.objects.get().recipient == sam
    assert _queued().count() == 1
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("server", ["hung_server", "closed_port"])
def test_a_crisis_encounter_from_the_api_is_saved_at_once_whatever_the_mail_server(
    request, settings, server, harbor, pat, sam, jordan
):
    server = request.getfixturevalue(server)
    _smtp(settings, server.port, timeout=None)
    client = Client(raise_request_exception=False)
    started = time.monotonic()
    response = client.post(
        "/api/v1/encounters",
        {
            "participant": str(jordan.pk),
            "duration_minutes": 23,
            "modality": "phone",
            "setting": "community",
            "kind": "check_in",
            "crisis_flag": True,
        },
        content_type="application/json",
        **bearer(pat, harbor),
    )
    elapsed = time.monotonic() - started
    assert response.status_code == 201, response.content
    assert server.connections == []
    assert elapsed < HOLD_SECONDS / 2
    assert _queued().count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_the_queued_message(settings, client_for, pat, sam, jordan):
    client_for(pat).post(f"{reverse('encounters:new')}?participant={jordan.pk}", ENCOUNTER_FORM)
    assert mail.outbox == []
    run_worker()
    [email] = mail.outbox
    assert email.to == [sam.email]
    assert email.subject == "Beacon: a crisis flag was raised"
    encounter = Encounter.objects.get()
    assert f"http://testserver/crisis/{encounter.crisis.pk}/" in email.body
    assert "suicide" not in email.body and "Jordan" not in email.body
    assert _queued().get().status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
def test_a_failed_try_is_logged_and_tried_again_later_until_it_goes_out(
    settings, hung_server, caplog, client_for, pat, sam, jordan
):
    _smtp(settings, hung_server.port, timeout=1)
    client_for(pat).post(f"{reverse('encounters:new')}?participant={jordan.pk}", ENCOUNTER_FORM)
    caplog.set_level(logging.WARNING, logger="beacon.mail")
    started = time.monotonic()
    run_worker()
    assert time.monotonic() - started < 3  # one try, bounded by EMAIL_TIMEOUT (1 s)
    first, retry = _queued().order_by("enqueued_at")
    assert first.status == "FAILED"
    assert retry.status == "READY"
    assert retry.args_kwargs["args"][1] == 2
    assert retry.run_after > timezone.now() + timedelta(seconds=50)
    [record] = [r for r in caplog.records if r.name == "beacon.mail"]
    assert record.getMessage() == (
        "Sending an email failed (try 1 of 5: SMTPServerDisconnected); trying again in 60 seconds."
    )
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert sam.email not in logged and "crisis" not in logged

    # The server is back; when the retry is due, the worker sends it.
    settings.EMAIL_BACKEND = LOCMEM
    run_worker()
    assert mail.outbox == []  # not due yet
    _queued().filter(pk=retry.pk).update(run_after=timezone.now())
    run_worker()
    [email] = mail.outbox
    assert email.to == [sam.email]
    assert email.subject == "Beacon: a crisis flag was raised"


@pytest.mark.django_db(transaction=True)
def test_after_the_last_try_the_message_is_given_up(settings, closed_port, caplog):
    _smtp(settings, closed_port.port)
    sealed = beacon_mail._seal({"to": "sam@harbor.test", "subject": "s", "body": "b"})
    caplog.set_level(logging.WARNING, logger="beacon.mail")
    with pytest.raises(ConnectionRefusedError):
        beacon_mail.mail_send_task.call(sealed, beacon_mail.ATTEMPTS)
    assert not _queued().exists()
    assert [r.getMessage() for r in caplog.records if r.name == "beacon.mail"] == [
        "Sending an email failed (try 5 of 5: ConnectionRefusedError); given up."
    ]


@pytest.mark.django_db(transaction=True)
def test_the_queue_holds_no_readable_address_subject_or_link(ada, harbor):
    invitation_send(
        actor=ada,
        organization=harbor,
        email="new.peer@example.test",
        role="peer",
        accept_url=lambda raw: f"http://testserver/organization/join/{raw}/",
    )
    stored = json.dumps(_queued().get().args_kwargs)
    assert "example.test" not in stored
    assert "join" not in stored and "Harbor" not in stored
    run_worker()
    [email] = mail.outbox
    assert email.to == ["new.peer@example.test"]
    assert "/organization/join/" in email.body


@pytest.mark.parametrize(("value", "expected"), [(None, "10"), ("3", "3")])
def test_each_try_waits_for_the_server_at_most_beacon_email_timeout(value, expected, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BEACON_", "DATABASE_URL"))}
    env["BEACON_DATA_DIR"] = str(tmp_path)
    if value is not None:
        env["BEACON_EMAIL_TIMEOUT"] = value
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings as s\nprint(s.EMAIL_TIMEOUT)",
        ],
        cwd=BEACON.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == expected


def test_no_code_sends_mail_except_through_the_queue():
    """Only beacon/core/mail.py (the task) calls Django's mail functions."""
    banned = {"send_mail", "send_mass_mail", "mail_admins", "mail_managers", "EmailMessage"}
    offenders = []
    for path in sorted(BEACON.rglob("*.py")):
        if "tests" in path.parts or path == BEACON / "core" / "mail.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.ImportFrom) and node.module and "mail" in node.module:
                names = {alias.name for alias in node.names} & banned
                if names:
                    offenders.append(f"{path.relative_to(BEACON)}:{node.lineno} {names}")
    assert not offenders, "Send email with beacon.core.mail.mail_send:\n" + "\n".join(offenders)


@pytest.mark.django_db(transaction=True)
def test_a_mail_worker_sends_email_without_waiting_for_queued_imports(sam):
    """`beacon demo` runs `beacon worker --queue mail` beside the worker for every queue, so
    email is not held up behind a long directory import."""
    from beacon.core.tests.worker import signals_kept
    from beacon.directory.imports.tasks import directory_import_task
    from beacon.ops.cli import main

    waiting_import = directory_import_task.enqueue("an import waiting its turn")
    beacon_mail.mail_send(to=sam.email, subject="Beacon: a test", body="Hello.")
    with signals_kept():
        assert main(["worker", "--queue", "mail", "--batch", "--quiet"]) == 0
    assert [m.to for m in mail.outbox] == [[sam.email]]
    assert DBTaskResult.objects.get(pk=waiting_import.id).status == "READY"
