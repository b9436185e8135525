"""The background task behind a directory import, run by `beacon worker` (django-tasks, with its
database backend: the queue is a table, so no other server is needed)."""

from __future__ import annotations

from django_tasks import task

from beacon.directory.imports.services import directory_import_run


@task()
def directory_import_task(import_id: str) -> str:
    return directory_import_run(import_id=import_id)
