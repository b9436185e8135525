"""Where the import task lived before beacon/directory/imports/: kept importable because
django-tasks stores a queued task by its dotted path and the worker imports it by that path, so an
import queued before an upgrade names "beacon.directory.imports_tasks.directory_import_task"."""

from beacon.directory.imports.tasks import directory_import_task

__all__ = ["directory_import_task"]
