"""A worker killed in the middle of an import: the import shows as failed once the worker has
been silent long enough, nothing of it was saved, and it can be tried again."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from beacon.audit.models import AuditEvent
from beacon.directory.imports.services import (
    HEARTBEAT_FILE,
    Heartbeat,
    directory_import_stalled,
    import_folder,
    last_sign_of_life,
)
from beacon.directory.models import DirectoryImport, ImportStatus, Service
from beacon.directory.tests.imports.test_imports import (  # noqa: F401 (_imports_dir: autouse fixture)
    API,
    _imports_dir,
    _start,
    run_worker,
    zipped,
)
from conftest import bearer

REPO = Path(__file__).resolve().parents[4]

# A worker that writes every row of the import, then hangs inside the import's transaction
# until it is killed: what `kill -9`, the out-of-memory killer or a power cut does mid-import.
WORKER = """
import os, sys, time
from pathlib import Path
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
import django
django.setup()
from django.conf import settings
settings.DATABASES["default"]["NAME"] = os.environ["TEST_DATABASE_NAME"]
settings.BEACON_IMPORTS_DIR = Path(os.environ["TEST_IMPORTS_DIR"])
from django.db import connection
assert connection.settings_dict["NAME"] == os.environ["TEST_DATABASE_NAME"]
from beacon.directory import hsds_import
from beacon.directory.imports import services as imports_services
write = hsds_import._write
def write_then_hang(*args, **kwargs):
    result = write(*args, **kwargs)
    Path(os.environ["TEST_MARK"]).write_text("written")
    time.sleep(600)
    return result
hsds_import._write = write_then_hang
imports_services.directory_import_run(import_id=sys.argv[1])
"""


def _detail(record) -> str:
    return reverse("directory_imports:detail", args=[record.pk])


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_import_leaves_nothing_and_the_import_can_be_tried_again(
    examples, ada, harbor, client_for, settings, tmp_path
):
    record = _start(ada, harbor, zipped(examples / "csv"))
    mark = tmp_path / "written"
    env = {
        **os.environ,
        "TEST_DATABASE_NAME": str(connection.settings_dict["NAME"]),
        "TEST_IMPORTS_DIR": str(settings.BEACON_IMPORTS_DIR),
        "TEST_MARK": str(mark),
        "BEACON_DATA_DIR": str(tmp_path / "worker-data"),
        "BEACON_IMPORT_WORKER_TIMEOUT": "10",  # a heartbeat every 1.7 s
    }
    worker = subprocess.Popen([sys.executable, "-c", WORKER, str(record.pk)], cwd=REPO, env=env)
    try:
        deadline = time.monotonic() + 120
        while not mark.exists():
            assert worker.poll() is None, "the worker ended before writing"
            assert time.monotonic() < deadline, "the worker never wrote the rows"
            time.sleep(0.1)
        # Every row is written, inside the transaction: the import is running, and alive.
        record.refresh_from_db()
        assert record.status == ImportStatus.RUNNING
        assert (import_folder(record) / HEARTBEAT_FILE).is_file()
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)

    # Nothing of it was saved: the database rolled the transaction back with the connection.
    assert not Service.objects.exists()
    client = client_for(ada)
    # Until the worker has been silent for BEACON_IMPORT_WORKER_TIMEOUT, it is still running.
    assert "Writing records: 21 of 21" in client.get(_detail(record)).content.decode()
    record.refresh_from_db()
    assert record.status == ImportStatus.RUNNING

    settings.BEACON_IMPORT_WORKER_TIMEOUT = 1
    time.sleep(1.5)
    html = client.get(_detail(record)).content.decode()

    record.refresh_from_db()
    assert record.status == ImportStatus.FAILED
    assert "nothing of this import was saved" in record.failure
    assert "Nothing was imported." in html and "Try again" in html
    assert record.finished_at is not None
    stopped = AuditEvent.objects.get(action="directory.import_stopped")
    assert stopped.object_id == str(record.pk)

    response = client.post(reverse("directory_imports:retry", args=[record.pk]))

    retry = DirectoryImport.objects.get(retry_of=record)
    assert response.status_code == 302 and response["Location"] == _detail(retry)
    assert (retry.status, retry.organization, retry.requested_by) == ("queued", harbor, ada)
    run_worker()
    retry.refresh_from_db()
    assert retry.status == ImportStatus.DONE
    assert Service.objects.count() == 1
    record.refresh_from_db()
    assert record.status == ImportStatus.FAILED  # the failed one stays, for the record


@pytest.fixture
def running(examples, ada, harbor):
    """An import a worker claimed and then went silent: started ten minutes ago, no heartbeat."""
    record = _start(ada, harbor, zipped(examples / "csv"))
    record.status = ImportStatus.RUNNING
    record.started_at = timezone.now() - timedelta(minutes=10)
    record.save()
    return record


def _beat(record, seconds_ago: float) -> None:
    (import_folder(record) / HEARTBEAT_FILE).write_text(
        json.dumps({"at": time.time() - seconds_ago})
    )


@pytest.mark.django_db
def test_a_slow_import_whose_worker_beats_stays_running(running, ada, client_for):
    _beat(running, seconds_ago=5)

    html = client_for(ada).get(_detail(running)).content.decode()

    running.refresh_from_db()
    assert running.status == ImportStatus.RUNNING
    assert "Reading and checking the file" in html
    assert not AuditEvent.objects.filter(action="directory.import_stopped").exists()


@pytest.mark.django_db
def test_a_silent_import_shows_failed_in_the_api_list_and_page_once(
    running, ada, harbor, client, client_for
):
    _beat(running, seconds_ago=600)

    body = client.get(f"{API}/{running.pk}", **bearer(ada, harbor)).json()
    assert (body["status"], body["stage"]) == ("failed", "finished")
    assert "The worker running this import stopped" in body["failure"]
    browser = client_for(ada)
    assert (
        "Failed: nothing imported"
        in browser.get(reverse("directory_imports:list")).content.decode()
    )
    browser.get(_detail(running))
    assert AuditEvent.objects.filter(action="directory.import_stopped").count() == 1


@pytest.mark.django_db
def test_without_a_heartbeat_the_start_counts(running, settings):
    assert last_sign_of_life(running) == running.started_at
    assert directory_import_stalled(running)
    settings.BEACON_IMPORT_WORKER_TIMEOUT = 3600
    assert not directory_import_stalled(running)


@pytest.mark.django_db
def test_the_heartbeat_beats_until_the_import_ends(tmp_path):
    with Heartbeat(tmp_path, every=0.05):
        first = json.loads((tmp_path / HEARTBEAT_FILE).read_text())["at"]
        time.sleep(0.3)
        later = json.loads((tmp_path / HEARTBEAT_FILE).read_text())["at"]
    time.sleep(0.2)
    assert later > first
    assert json.loads((tmp_path / HEARTBEAT_FILE).read_text())["at"] == pytest.approx(
        later, abs=0.1
    )


@pytest.mark.django_db
def test_the_api_tries_a_failed_import_again_and_refuses_others(running, ada, harbor, client):
    headers = bearer(ada, harbor)
    response = client.post(f"{API}/{running.pk}/retry", **headers)
    assert response.status_code == 202  # settled as failed first, then tried again
    retry = response.json()
    assert (retry["status"], retry["retry_of"]) == ("queued", str(running.pk))

    again = client.post(f"{API}/{retry['id']}/retry", **headers)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"


@pytest.mark.django_db
def test_a_failed_import_whose_file_is_gone_cannot_be_tried_again(running, ada, harbor, client):
    _beat(running, seconds_ago=600)
    (import_folder(running) / running.stored_name).unlink()

    response = client.post(f"{API}/{running.pk}/retry", **bearer(ada, harbor))

    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "file"
    assert DirectoryImport.objects.count() == 1


@pytest.mark.django_db
def test_olive_and_pat_cannot_try_harbors_import_again(
    running, olive, pat, harbor, client, client_for
):
    url = reverse("directory_imports:retry", args=[running.pk])
    assert client_for(olive).post(url).status_code == 404
    assert client_for(pat).post(url).status_code == 403
    api = f"{API}/{running.pk}/retry"
    assert (
        client.post(api, **bearer(olive, olive.memberships.get().organization)).status_code == 404
    )
    assert client.post(api, **bearer(pat, harbor)).status_code == 403
    assert DirectoryImport.objects.count() == 1
