"""The task's dotted path: what the services enqueue by and what the queue keeps."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from beacon.core.tests.worker import run_worker
from beacon.directory.imports import services
from beacon.directory.imports.tasks import directory_import_task
from beacon.directory.models import DirectoryImport, ImportStatus
from beacon.directory.tests.imports.test_imports import (  # noqa: F401 (_imports_dir: autouse fixture)
    _imports_dir,
    zipped,
)

OLD_PATH = "beacon.directory.imports_tasks.directory_import_task"


def test_the_services_enqueue_the_task_by_the_path_the_queue_stores():
    assert import_string(services.TASK) is directory_import_task
    assert directory_import_task.module_path == services.TASK


@pytest.mark.django_db(transaction=True)
def test_an_import_queued_under_the_tasks_old_path_still_runs(examples, ada, harbor):
    record = services.directory_import_start(
        actor=ada,
        organization=harbor,
        upload=SimpleUploadedFile("hsds.zip", zipped(examples / "csv")),
    )
    DBTaskResult.objects.filter(pk=record.task_id).update(task_path=OLD_PATH)

    run_worker()

    assert DirectoryImport.objects.get(pk=record.pk).status == ImportStatus.DONE
