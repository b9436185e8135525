"""Background directory imports: upload, queue, the worker really running the task, progress,
refusals and failures, who may see what, the API and `beacon directory import --background`."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from beacon.accounts.tests.factories import UserFactory
from beacon.audit.models import AuditEvent
from beacon.core.tests.worker import run_worker, signals_kept
from beacon.directory.imports import services as imports_services
from beacon.directory.imports.services import (
    ImportProgress,
    Progress,
    directory_import_run,
    directory_import_start,
    import_folder,
    progress_read,
)
from beacon.directory.models import DirectoryImport, ImportStatus, Service
from beacon.ops.cli import main
from conftest import bearer

LIST = reverse("directory_imports:list")
NEW = reverse("directory_imports:new")
API = "/api/v1/directory/imports"


@pytest.fixture(autouse=True)
def _imports_dir(settings, tmp_path):
    settings.BEACON_IMPORTS_DIR = tmp_path / "imports"


def zipped(folder: Path, *, prefix: str = "", extra: dict[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, prefix + path.name)
        for name, text in (extra or {}).items():
            archive.writestr(name, text)
    return buffer.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/zip"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def _start(user, organization, data: bytes, name: str = "hsds.zip") -> DirectoryImport:
    return directory_import_start(actor=user, organization=organization, upload=upload(name, data))


# The whole way, with the worker --------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_uploaded_zip_is_imported_by_the_worker_and_its_page_shows_counts_and_warnings(
    examples, ada, harbor, client_for
):
    client = client_for(ada)
    response = client.post(NEW, {"file": upload("211-export.zip", zipped(examples / "csv"))})

    record = DirectoryImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("directory_imports:detail", args=[record.pk])
    assert (record.status, record.organization, record.requested_by) == ("queued", harbor, ada)
    assert (import_folder(record) / "211-export.zip").is_file()
    assert not Service.objects.exists()  # nothing happens until the worker runs
    waiting = client.get(response["Location"]).content.decode()
    assert "Waiting for the worker" in waiting
    assert 'hx-trigger="every 2s"' in waiting  # polls while it waits
    assert "Refresh" in waiting  # and without JavaScript, a link does

    run_worker()

    record.refresh_from_db()
    assert record.status == ImportStatus.DONE
    assert record.counts["service"] == {"created": 1}
    assert record.done == record.total == 21  # one record in each of the 21 HSDS tables
    assert record.warning_count == len(record.warnings) == 7
    assert record.started_at <= record.finished_at
    assert Service.objects.get().curator == harbor
    assert not (import_folder(record) / "unpacked").exists()  # the unpacked copy is tidied away

    page = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 2s"' not in page  # finished: polling stops
    assert '<progress id="import-bar" max="21" value="21">' in page
    assert '<th scope="row">service</th><td>1</td>' in page
    assert "locations.csv</td><td>2</td><td>latitude</td><td>100 is not a latitude" in page
    fragment = client.get(reverse("directory_imports:progress", args=[record.pk]))
    assert 'hx-swap-oob="innerHTML">The import is finished.' in fragment.content.decode()

    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"directory.import_requested", "directory.imported"} <= actions
    imported = AuditEvent.objects.get(action="directory.imported")
    assert imported.actor_id == ada.pk


@pytest.mark.django_db(transaction=True)
def test_an_hsds_json_file_is_imported(examples, ada, harbor):
    record = _start(ada, harbor, (examples / "service_full.json").read_bytes(), "service.json")
    assert record.kind == "json"

    run_worker()

    record.refresh_from_db()
    assert record.status == ImportStatus.DONE
    assert record.counts["service"] == {"created": 1}
    assert Service.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_zip_with_its_files_in_a_folder_is_imported(examples, ada, harbor):
    record = _start(ada, harbor, zipped(examples / "csv", prefix="export/hsds/"))

    run_worker()

    record.refresh_from_db()
    assert record.status == ImportStatus.DONE, record.errors
    assert Service.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_refused_file_imports_nothing_and_its_page_names_the_file_row_and_field(
    csv_copy, ada, harbor, client_for
):
    services = csv_copy / "services.csv"
    services.write_text(services.read_text().replace("wait_time,", "waiting_time,"))
    record = _start(ada, harbor, zipped(csv_copy))

    run_worker()

    record.refresh_from_db()
    assert record.status == ImportStatus.REFUSED
    assert {
        "file": "services.csv",
        "row": 1,
        "field": "waiting_time",
        "message": "unknown column in the HSDS service table",
    } in record.errors
    assert not Service.objects.exists()
    assert not AuditEvent.objects.filter(action="directory.imported").exists()
    page = client_for(ada).get(reverse("directory_imports:detail", args=[record.pk]))
    html = page.content.decode()
    assert "Nothing was imported." in html
    assert "services.csv</td><td>1</td><td>waiting_time</td><td>unknown column" in html
    assert 'hx-trigger="every 2s"' not in html


@pytest.mark.django_db(transaction=True)
def test_a_zip_naming_files_outside_itself_is_refused(examples, ada, harbor, tmp_path):
    data = zipped(examples / "csv", extra={"../../escaped.csv": "id\n"})
    record = _start(ada, harbor, data)

    run_worker()

    record.refresh_from_db()
    assert record.status == ImportStatus.REFUSED
    assert "outside itself" in record.errors[0]["message"]
    assert not list(tmp_path.rglob("escaped.csv"))
    assert not Service.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_unexpected_error_marks_the_import_failed_with_a_message(
    examples, ada, harbor, monkeypatch, client_for
):
    from django_tasks_db.models import DBTaskResult

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(imports_services, "directory_import", broken)
    record = _start(ada, harbor, zipped(examples / "csv"))

    run_worker()

    record.refresh_from_db()
    assert record.status == ImportStatus.FAILED
    assert "RuntimeError: the disk is full" in record.failure
    assert DBTaskResult.objects.get(id=record.task_id).status == "FAILED"  # the worker saw it too
    html = client_for(ada).get(reverse("directory_imports:detail", args=[record.pk])).content
    assert "Nothing was imported." in html.decode()
    assert "the disk is full" in html.decode()


@pytest.mark.django_db(transaction=True)
def test_the_api_uploads_and_reports_progress_until_done(examples, ada, harbor, client):
    headers = bearer(ada, harbor)
    response = client.post(API, {"file": upload("hsds.zip", zipped(examples / "csv"))}, **headers)

    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["status"], body["stage"], body["percent"]) == ("queued", "waiting", 0)
    assert body["url"] == reverse("directory_imports:detail", args=[body["id"]])

    run_worker()

    body = client.get(f"{API}/{body['id']}", **headers).json()
    assert (body["status"], body["stage"], body["percent"]) == ("done", "finished", 100)
    assert body["done"] == body["total"] == 21
    assert body["counts"]["service"] == {"created": 1}
    assert body["warning_count"] == 7
    assert {"file": "locations.csv", "row": 2, "field": "latitude"}.items() <= next(
        w for w in body["warnings"] if w["field"] == "latitude"
    ).items()


@pytest.mark.django_db(transaction=True)
def test_the_command_line_queues_an_import_in_the_background(examples, harbor, capsys):
    assert (
        main(
            [
                "directory",
                "import",
                str(examples / "csv"),
                "--background",
                "--organization",
                harbor.name,
            ]
        )
        == 0
    )

    record = DirectoryImport.objects.get()
    out = capsys.readouterr().out
    assert f"Progress: {reverse('directory_imports:detail', args=[record.pk])}" in out
    assert (record.kind, record.organization, record.requested_by) == ("directory", harbor, None)
    assert not Service.objects.exists()

    with signals_kept():
        assert main(["worker", "--batch", "--quiet"]) == 0

    record.refresh_from_db()
    assert record.status == ImportStatus.DONE
    assert Service.objects.get().curator == harbor


# Progress while it runs -------------------------------------------------------------------------


@pytest.mark.django_db
def test_progress_adds_up_the_tables_announced_before_writing(examples, ada, harbor, monkeypatch):
    seen: list[Progress] = []
    monkeypatch.setattr(ImportProgress, "write", lambda self, progress: seen.append(progress))
    monkeypatch.setattr(imports_services, "PROGRESS_EVERY", 0)
    record = _start(ada, harbor, zipped(examples / "csv"))

    assert directory_import_run(import_id=record.pk) == "done"

    assert seen[0] == Progress(stage="reading")
    writing = [p for p in seen if p.stage == "writing"]
    # Every table's size is known before the first is written, so the bar never goes back.
    assert {p.total for p in writing} == {21}
    assert [p.done for p in writing] == sorted(p.done for p in writing)
    assert writing[-1].done == 21
    # Then, with every record written, Find Help's index is brought up to date: said, not a
    # bar standing at 100% for seconds.
    assert seen[-1] == Progress(
        stage="indexing", done=21, total=21, services=Service.objects.count()
    )


@pytest.mark.django_db
def test_the_page_shows_a_running_import_from_its_progress_file(ada, harbor, client_for):
    record = _start(ada, harbor, b'{"id": "x", "name": "A service"}', "one.json")
    record.status = ImportStatus.RUNNING
    record.save()
    progress = ImportProgress(import_folder(record))
    progress("organization", 0, 40)
    progress("service", 0, 60)
    progress("organization", 40, 40)
    assert progress_read(record) == Progress("writing", done=40, total=100, table="organization")

    html = client_for(ada).get(reverse("directory_imports:progress", args=[record.pk]))
    html = html.content.decode()
    assert '<label for="import-bar">Writing records: 40 of 100 (40%)</label>' in html
    assert '<progress id="import-bar" max="100" value="40">40%</progress>' in html
    assert 'hx-trigger="every 2s"' in html
    assert "hx-swap-oob" not in html  # nothing to announce until it finishes


@pytest.mark.django_db
def test_the_page_says_when_find_help_is_being_updated(ada, harbor, client_for):
    record = _start(ada, harbor, b'{"id": "x", "name": "A service"}', "one.json")
    record.status = ImportStatus.RUNNING
    record.save()
    progress = ImportProgress(import_folder(record))
    progress("service", 0, 3)
    progress("service", 3, 3)
    progress.indexing(2)
    assert progress_read(record) == Progress("indexing", done=3, total=3, services=2)

    html = client_for(ada).get(reverse("directory_imports:progress", args=[record.pk]))
    html = html.content.decode()
    assert (
        '<label for="import-bar">All 3 records written; updating Find Help for 2 services</label>'
        in html
    )
    assert 'hx-trigger="every 2s"' in html


@pytest.mark.django_db
def test_a_second_delivery_of_the_task_does_not_import_again(examples, ada, harbor):
    record = _start(ada, harbor, zipped(examples / "csv"))
    assert directory_import_run(import_id=record.pk) == "done"
    assert directory_import_run(import_id=record.pk) == "done"
    assert AuditEvent.objects.filter(action="directory.imported").count() == 1


# Who may do what ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_olive_gets_404_for_harbors_import(examples, ada, harbor, olive, client_for, client):
    record = _start(ada, harbor, zipped(examples / "csv"))
    browser = client_for(olive)

    assert browser.get(reverse("directory_imports:detail", args=[record.pk])).status_code == 404
    assert browser.get(reverse("directory_imports:progress", args=[record.pk])).status_code == 404
    assert "hsds.zip" not in browser.get(LIST).content.decode()
    response = client.get(
        f"{API}/{record.pk}", **bearer(olive, olive.memberships.get().organization)
    )
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="access.refused", object_id=str(record.pk)).exists()


@pytest.mark.django_db
def test_a_peer_cannot_upload_or_see_imports(examples, pat, harbor, client_for, client):
    browser = client_for(pat)

    assert browser.get(LIST).status_code == 403
    assert browser.get(NEW).status_code == 403
    response = browser.post(NEW, {"file": upload("hsds.zip", zipped(examples / "csv"))})
    assert response.status_code == 403
    response = client.post(
        API, {"file": upload("hsds.zip", zipped(examples / "csv"))}, **bearer(pat, harbor)
    )
    assert response.status_code == 403
    assert not DirectoryImport.objects.exists()
    assert "Directory imports" not in browser.get(reverse("core:home")).content.decode()


@pytest.mark.django_db
def test_a_platform_admin_sees_every_import_and_imports_without_an_organization(
    examples, ada, harbor, olive, lakeside, client_for
):
    _start(ada, harbor, zipped(examples / "csv"), "harbor.zip")
    _start(olive, lakeside, zipped(examples / "csv"), "lakeside.zip")
    platform = UserFactory(email="root@beacon.test", is_platform_admin=True)
    browser = client_for(platform)

    html = browser.get(LIST).content.decode()
    assert "harbor.zip" in html and "lakeside.zip" in html
    assert "Directory imports" in browser.get(reverse("core:home")).content.decode()
    response = browser.post(NEW, {"file": upload("mine.zip", zipped(examples / "csv"))})
    assert response.status_code == 302
    assert DirectoryImport.objects.get(file_name="mine.zip").organization is None


@pytest.mark.django_db
def test_the_list_shows_the_organizations_imports_in_a_fixed_number_of_queries(
    examples, ada, harbor, olive, lakeside, client_for
):
    _start(olive, lakeside, zipped(examples / "csv"), "lakeside.zip")
    browser = client_for(ada)
    _start(ada, harbor, zipped(examples / "csv"), "first.zip")
    browser.get(LIST)  # warm up sessions and the like
    with CaptureQueriesContext(connection) as one:
        browser.get(LIST)
    for n in range(5):
        _start(ada, harbor, zipped(examples / "csv"), f"more-{n}.zip")
    with CaptureQueriesContext(connection) as six:
        html = browser.get(LIST).content.decode()

    assert len(six) == len(one)
    assert "more-4.zip" in html and "first.zip" in html
    assert "lakeside.zip" not in html


# Bad uploads get a clear message ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.txt", b"some notes", "notes.txt is neither a .zip nor a .json file."),
        ("data.json", b"id,name\n1,x\n", "data.json is not JSON"),
        ("empty.zip", b"", "empty"),
    ],
)
@pytest.mark.django_db
def test_a_file_that_is_not_zip_or_json_is_refused_at_once(
    ada, client_for, name, data, message, tmp_path
):
    response = client_for(ada).post(NEW, {"file": upload(name, data, "text/plain")})

    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert message in html
    assert not DirectoryImport.objects.exists()
    assert not list((tmp_path / "imports").glob("*"))


@pytest.mark.django_db
def test_a_zip_without_hsds_files_is_refused_at_once(ada, client_for):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    response = client_for(ada).post(NEW, {"file": upload("x.zip", buffer.getvalue())})

    assert response.status_code == 400
    assert "holds no CSV or JSON files" in response.content.decode()


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused_with_the_sizes(ada, harbor, client_for, settings):
    settings.BEACON_IMPORT_MAX_MB = 1
    data = json.dumps([{"id": str(n), "name": "x" * 100} for n in range(12000)]).encode()
    assert len(data) > 1024 * 1024

    response = client_for(ada).post(NEW, {"file": upload("big.json", data, "application/json")})

    assert response.status_code == 400
    assert "the largest Beacon takes here is 1.0 MB" in response.content.decode()
    assert not DirectoryImport.objects.exists()


@pytest.mark.django_db
def test_the_api_answers_422_for_a_bad_file(ada, harbor, client):
    response = client.post(
        API, {"file": upload("notes.txt", b"hello", "text/plain")}, **bearer(ada, harbor)
    )

    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "file"
    assert "neither a .zip nor a .json" in response.json()["error"]["details"][0]["message"]


@pytest.mark.django_db
def test_the_command_line_refuses_to_queue_a_path_that_is_not_there(tmp_path, capsys):
    assert main(["directory", "import", str(tmp_path / "missing"), "--background"]) == 1
    assert "no such file or directory" in capsys.readouterr().err
    assert not DirectoryImport.objects.exists()
