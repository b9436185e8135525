"""Background directory imports: take in a file, queue it, run it in the worker, keep its progress.

`directory_import_start()` checks and keeps the file (in settings.BEACON_IMPORTS_DIR/<id>/),
creates the DirectoryImport record and queues the task in the same transaction, so a task exists
exactly when its record does. `directory_import_run()` is the task's body (`beacon worker` runs
it): it calls the same `hsds_import.directory_import()` as the command line, with a progress
callback that writes a small file beside the upload. The import writes in one transaction,
invisible to the page until it commits, so the progress cannot live in the database
(docs/directory-imports.md).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import threading
import time
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from beacon.audit.services import record_event
from beacon.directory.hsds_import import DirectoryImportRefused, Issue, directory_import
from beacon.directory.models import DirectoryImport, ImportStatus

logger = logging.getLogger(__name__)

MAX_WARNINGS_KEPT = 1000  # a messy feed can have tens of thousands; the count is kept whole
UNPACK_FACTOR = 10  # a .zip may unpack to this many times the upload limit
PROGRESS_FILE = "progress.json"
PROGRESS_EVERY = 0.5  # seconds between progress writes (a finished table is always written)
HEARTBEAT_FILE = "heartbeat.json"
# The task that runs an import, by the dotted path the queue stores for it and the worker resolves
# (django-tasks' task table): the task module imports this one for its body, so this one names
# the task as the queue does rather than importing it back (tests/imports checks the path).
TASK = "beacon.directory.imports.tasks.directory_import_task"


# Where the files are ---------------------------------------------------------------------------


def imports_dir() -> Path:
    return Path(settings.BEACON_IMPORTS_DIR)


def import_folder(record: DirectoryImport) -> Path:
    return imports_dir() / str(record.pk)


def max_upload_bytes() -> int:
    return settings.BEACON_IMPORT_MAX_MB * 1024 * 1024


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


# Checking an upload ----------------------------------------------------------------------------


def _is_hsds_member(name: str) -> bool:
    path = PurePosixPath(name.replace("\\", "/"))
    if "__MACOSX" in path.parts or path.name.startswith("."):
        return False
    return path.suffix.lower() in {".csv", ".json"}


def directory_import_file_check(*, name: str, size: int, handle: BinaryIO) -> str:
    """What kind of file an upload is ("zip" or "json"), or a ValidationError on `file` that says
    what is wrong with it in words an admin can act on. Reads only the start of a JSON file and
    the table of contents of a .zip: the whole file is checked by the import itself."""
    limit = max_upload_bytes()
    if size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    if size > limit:
        raise ValidationError(
            {
                "file": _(
                    "The file is %(size)s; the largest Beacon takes here is %(limit)s. Split it, "
                    "or import it on the server with `beacon directory import`."
                )
                % {"size": _megabytes(size), "limit": _megabytes(limit)}
            }
        )
    handle.seek(0)
    is_zip = zipfile.is_zipfile(handle)
    handle.seek(0)
    if is_zip:
        try:
            with zipfile.ZipFile(handle) as archive:
                members = [i for i in archive.infolist() if not i.is_dir()]
        except (zipfile.BadZipFile, OSError, ValueError):
            message = _("The .zip file is damaged and cannot be read.")
            raise ValidationError({"file": message}) from None
        finally:
            handle.seek(0)
        hsds_members = [m for m in members if _is_hsds_member(m.filename)]
        if not hsds_members:
            raise ValidationError(
                {
                    "file": _(
                        "The .zip file holds no CSV or JSON files. Put the HSDS tables "
                        "(organizations.csv, services.csv, …) in it, with their "
                        "datapackage.json if you have it."
                    )
                }
            )
        unpacked = sum(m.file_size for m in hsds_members)
        if unpacked > limit * UNPACK_FACTOR:
            raise ValidationError(
                {
                    "file": _("The .zip file unpacks to %(size)s; the largest taken is %(limit)s.")
                    % {"size": _megabytes(unpacked), "limit": _megabytes(limit * UNPACK_FACTOR)}
                }
            )
        return "zip"
    start = handle.read(1024)
    handle.seek(0)
    text = start.lstrip(b"\xef\xbb\xbf \t\r\n")
    if name.lower().endswith(".json") or text[:1] in (b"{", b"["):
        if text[:1] not in (b"{", b"["):
            raise ValidationError(
                {
                    "file": _(
                        "%(name)s is not JSON: an HSDS JSON file starts with { or [. "
                        "Check that it is the file you meant."
                    )
                    % {"name": name}
                }
            )
        return "json"
    raise ValidationError(
        {
            "file": _(
                "%(name)s is neither a .zip nor a .json file. Upload a .zip of the HSDS CSV "
                "files (with their datapackage.json if you have it) or an HSDS .json file."
            )
            % {"name": name}
        }
    )


# Starting an import ----------------------------------------------------------------------------


def _stored_name(name: str, kind: str) -> str:
    try:
        stored = get_valid_filename(Path(name.replace("\\", "/")).name)
    except SuspiciousFileOperation:  # nothing usable left of the name
        stored = ""
    suffix = {"zip": ".zip", "json": ".json", "csv": ".csv"}.get(kind, "")
    if not stored or stored in {PROGRESS_FILE, HEARTBEAT_FILE, "unpacked"}:
        stored = f"upload{suffix}"
    if suffix and not stored.lower().endswith(suffix):
        stored += suffix
    return stored[:200]


def _local_kind(path: Path) -> str:
    if path.is_dir():
        return "directory"
    if not path.is_file():
        raise ValidationError({"file": _("%(path)s: no such file or directory.") % {"path": path}})
    if path.suffix.lower() == ".csv":
        return "csv"
    with path.open("rb") as handle:
        return directory_import_file_check(name=path.name, size=path.stat().st_size, handle=handle)


def directory_import_start(
    *,
    actor: Any,
    organization: Any,
    upload: UploadedFile | None = None,
    path: str | Path | None = None,
) -> DirectoryImport:
    """Keep an HSDS file and queue its import. `upload`: a browser or API upload (.zip or .json,
    checked here); `path`: a file or datapackage directory on this server (the command line),
    copied so it can change or go away meanwhile. `organization` becomes the curator of the
    entries and decides whose admins see the import. Raises ValidationError on `file`."""
    if (upload is None) == (path is None):
        raise ValueError("give exactly one of upload and path")
    record = DirectoryImport(requested_by=actor, organization=organization)
    folder = import_folder(record)
    if upload is not None:
        name = upload.name or "upload"
        record.kind = directory_import_file_check(name=name, size=upload.size, handle=upload)
        record.file_name, record.file_size = Path(name).name[:255], upload.size
    else:
        source = Path(path).expanduser().resolve()
        record.kind = _local_kind(source)
        record.file_name = source.name[:255] or str(source)[:255]
        record.file_size = (
            source.stat().st_size
            if source.is_file()
            else sum(p.stat().st_size for p in source.rglob("*") if p.is_file())
        )
    record.stored_name = _stored_name(record.file_name, record.kind)
    target = folder / record.stored_name
    folder.mkdir(parents=True, exist_ok=False)
    try:
        if upload is not None:
            upload.seek(0)
            with target.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
        elif record.kind == "directory":
            shutil.copytree(source, target)
        else:
            shutil.copy2(source, target)
        _queue(record, actor=actor)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return record


def _queue(record: DirectoryImport, *, actor: Any) -> None:
    """Save the record, queue its task and audit the request, all in one transaction: a task
    exists exactly when its record does (its file is in its folder already)."""
    with transaction.atomic():
        record.save()
        result = import_string(TASK).enqueue(str(record.pk))
        record.task_id = str(result.id)
        record.save(update_fields=["task_id", "updated_at"])
        details = {"file": record.file_name, "kind": record.kind, "size": record.file_size}
        if record.retry_of_id:
            details["retry_of"] = str(record.retry_of_id)
        record_event(
            action="directory.import_requested",
            actor=actor,
            organization=record.organization,
            target=record,
            details=details,
        )


class NotRetryable(Exception):
    """Only a failed import can be tried again (a refused file would be refused again)."""


def directory_import_retry(*, actor: Any, record: DirectoryImport) -> DirectoryImport:
    """Queue a new try of a failed import with the same file and curator (the worker stopped,
    or another import changed the directory at the same time). The failed one stays, for the
    record. Raises NotRetryable unless it failed, ValidationError on `file` when its file is no
    longer kept."""
    if record.status != ImportStatus.FAILED:
        raise NotRetryable(_("Only a failed import can be tried again."))
    source = import_folder(record) / record.stored_name
    if not source.exists():
        raise ValidationError(
            {"file": _("The file of this import is no longer kept. Upload it again.")}
        )
    retry = DirectoryImport(
        requested_by=actor,
        organization=record.organization,
        retry_of=record,
        file_name=record.file_name,
        file_size=record.file_size,
        stored_name=record.stored_name,
        kind=record.kind,
    )
    folder = import_folder(retry)
    folder.mkdir(parents=True, exist_ok=False)
    try:
        if source.is_dir():
            shutil.copytree(source, folder / retry.stored_name)
        else:
            shutil.copy2(source, folder / retry.stored_name)
        _queue(retry, actor=actor)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return retry


# Progress --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """Where an import stands: `stage` is "waiting", "reading", "writing", "indexing" (every
    record written; Find Help's search index is being updated for `services` services) or
    "finished"; while writing, `table` is the HSDS table being written and done/total count
    records."""

    stage: str
    done: int = 0
    total: int = 0
    table: str = ""
    services: int = 0

    @property
    def percent(self) -> int:
        return 100 * self.done // self.total if self.total else 0


class ImportProgress:
    """The progress callback for hsds_import.directory_import: adds up the tables (each announces
    its size before any is written) and writes the sum to a file, at most every PROGRESS_EVERY
    seconds and whenever a table completes."""

    def __init__(self, folder: Path):
        self.path = folder / PROGRESS_FILE
        self.tables: dict[str, tuple[int, int]] = {}
        self._written_at = 0.0

    def __call__(self, table: str, done: int, total: int) -> None:
        self.tables[table] = (done, total)
        if done == 0:
            return  # a table announcing its size: the sum is only right once all have
        now = time.monotonic()
        if done >= total or now - self._written_at >= PROGRESS_EVERY:
            self._written_at = now
            self.write(Progress(stage="writing", table=table, **self._sums()))

    def indexing(self, services: int) -> None:
        """Every record is written; Find Help's index is being updated for `services`."""
        self.write(Progress(stage="indexing", services=services, **self._sums()))

    def _sums(self) -> dict[str, int]:
        return {
            "done": sum(d for d, _t in self.tables.values()),
            "total": sum(t for _d, t in self.tables.values()),
        }

    def write(self, progress: Progress) -> None:
        data = asdict(progress)
        temporary = self.path.with_suffix(".tmp")
        try:
            temporary.write_text(json.dumps(data), encoding="utf-8")
            os.replace(temporary, self.path)  # readers see the old file or the new, never half
        except OSError:
            logger.warning("could not write import progress to %s", self.path, exc_info=True)


def progress_read(record: DirectoryImport) -> Progress:
    """Where `record` stands: from the record once finished, from its progress file while it
    runs, "waiting" while queued."""
    if record.is_finished:
        return Progress(stage="finished", done=record.done, total=record.total)
    if record.status == ImportStatus.QUEUED:
        return Progress(stage="waiting")
    try:
        data = json.loads((import_folder(record) / PROGRESS_FILE).read_text(encoding="utf-8"))
        return Progress(
            stage=str(data.get("stage", "reading")),
            done=int(data.get("done", 0)),
            total=int(data.get("total", 0)),
            table=str(data.get("table", "")),
            services=int(data.get("services", 0)),
        )
    except (OSError, ValueError, TypeError, AttributeError):
        return Progress(stage="reading")


# A sign of life from the worker ------------------------------------------------------------------


def heartbeat_every() -> float:
    """Seconds between heartbeats: several within the timeout, so one late beat is no alarm."""
    return max(0.2, min(10.0, settings.BEACON_IMPORT_WORKER_TIMEOUT / 6))


class Heartbeat:
    """While the worker runs an import, a thread of its own writes the time to a file beside
    it every few seconds. It goes on through long reads and long queries alike, and needs no
    database (on SQLite the import's transaction holds the write lock); it stops when the
    worker's process does, which is how a page tells a killed worker from a slow import."""

    def __init__(self, folder: Path, every: float | None = None):
        self.path = folder / HEARTBEAT_FILE
        self.every = every or heartbeat_every()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="import-heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        self.beat()
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.beat()

    def beat(self) -> None:
        temporary = self.path.with_suffix(".tmp")
        data = {"at": time.time(), "pid": os.getpid(), "host": socket.gethostname()}
        try:
            temporary.write_text(json.dumps(data), encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError:
            logger.warning("could not write the import heartbeat %s", self.path, exc_info=True)


def last_sign_of_life(record: DirectoryImport) -> datetime | None:
    """When the worker running `record` last gave a heartbeat; its start when it gave none."""
    try:
        data = json.loads((import_folder(record) / HEARTBEAT_FILE).read_text(encoding="utf-8"))
        return datetime.fromtimestamp(float(data["at"]), tz=UTC)
    except (OSError, ValueError, TypeError, KeyError):
        return record.started_at


def directory_import_stalled(record: DirectoryImport, *, now: datetime | None = None) -> bool:
    """A running import whose worker has been silent longer than BEACON_IMPORT_WORKER_TIMEOUT:
    it was killed, or its machine went down."""
    if record.status != ImportStatus.RUNNING:
        return False
    last = last_sign_of_life(record) or record.created_at
    silent = ((now or timezone.now()) - last).total_seconds()
    return silent > settings.BEACON_IMPORT_WORKER_TIMEOUT


def directory_imports_settle(records: Iterable[DirectoryImport]) -> None:
    """Mark failed every running import among `records` whose worker stopped (the pages and
    the API call this before showing imports): nothing of it was saved, since an import writes
    in one transaction, which the database rolled back when the worker's connection went."""
    for record in records:
        if directory_import_stalled(record):
            _fail_stalled(record)


def _fail_stalled(record: DirectoryImport) -> None:
    try:
        with transaction.atomic():
            locked = DirectoryImport.objects.select_for_update().filter(pk=record.pk).first()
            if locked is None or not directory_import_stalled(locked):
                return
            last = last_sign_of_life(locked)
            _finish(
                locked,
                ImportStatus.FAILED,
                failure=_(
                    "The worker running this import stopped (nothing was heard from it for "
                    "over %(seconds)d seconds), so nothing of this import was saved. Try it "
                    "again."
                )
                % {"seconds": settings.BEACON_IMPORT_WORKER_TIMEOUT},
            )
            record_event(
                action="directory.import_stopped",
                organization=locked.organization,
                target=locked,
                details={"last_sign_of_life": last.isoformat() if last else None},
            )
    except DatabaseError:
        # A frozen worker can still hold SQLite's write lock: leave it for the next look.
        logger.warning("could not mark the stopped import %s failed", record.pk, exc_info=True)
        return
    for name in ("status", "failure", "finished_at", "updated_at"):
        setattr(record, name, getattr(locked, name))


# Running an import (the task's body) -----------------------------------------------------------


def _refused(record: DirectoryImport, message: str) -> DirectoryImportRefused:
    return DirectoryImportRefused([Issue(record.file_name, None, None, message)])


def _unpack(record: DirectoryImport, archive: Path, target: Path) -> Path:
    """Unpack the HSDS files of a .zip into `target`, keeping their folders below the one that
    holds datapackage.json (or the top-most CSV files); never outside `target`."""
    limit = max_upload_bytes() * UNPACK_FACTOR
    try:
        with zipfile.ZipFile(archive) as zf:
            members = [
                (PurePosixPath(i.filename.replace("\\", "/")), i)
                for i in zf.infolist()
                if not i.is_dir() and _is_hsds_member(i.filename)
            ]
            packages = sorted(
                (p for p, _i in members if p.name == "datapackage.json"), key=lambda p: len(p.parts)
            )
            tables = sorted(
                (p for p, _i in members if p.suffix.lower() == ".csv"), key=lambda p: len(p.parts)
            )
            if packages:
                root = packages[0].parent
            elif tables:
                root = tables[0].parent
            else:
                json_files = [p for p, _i in members if p.suffix.lower() == ".json"]
                if len(json_files) != 1:
                    raise _refused(
                        record, _("the .zip holds no HSDS CSV files and not one single JSON file")
                    )
                root = json_files[0].parent
            written = 0
            for path, info in members:
                if path.parts[: len(root.parts)] != root.parts:
                    continue
                relative = path.parts[len(root.parts) :]
                if not relative or path.is_absolute() or ".." in relative:
                    raise _refused(record, _("the .zip names a file outside itself: %s") % path)
                destination = target.joinpath(*relative)
                destination.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as source, destination.open("wb") as out:
                    while chunk := source.read(1024 * 1024):
                        written += len(chunk)
                        if written > limit:  # the sizes in a .zip's table can lie
                            raise _refused(
                                record,
                                _("the .zip unpacks to more than %s") % _megabytes(limit),
                            )
                        out.write(chunk)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError) as exc:
        raise _refused(record, _("the .zip file cannot be read: %s") % exc) from exc
    if not packages and not tables:
        return target / json_files[0].name
    return target


def _issues(issues: Iterable[Issue]) -> list[dict[str, Any]]:
    return [
        {"file": i.file, "row": i.row, "field": i.field or "", "message": i.message} for i in issues
    ]


def _finish(record: DirectoryImport, status: str, **values: Any) -> None:
    record.status = status
    record.finished_at = timezone.now()
    for name, value in values.items():
        setattr(record, name, value)
    record.save(
        update_fields=[
            "status",
            "finished_at",
            "updated_at",
            *values,
        ]
    )


def directory_import_run(*, import_id: str | uuid.UUID) -> str:
    """Run one queued import (the task's body) and record how it ended; returns its status.

    A refused file ends "refused" with its errors (file, row, field); anything unexpected ends
    "failed" with a message, and is raised again so the worker logs it. Either way nothing of it
    was imported: the import writes in one transaction.
    """
    with transaction.atomic():
        record = (
            DirectoryImport.objects.select_for_update(of=("self",))
            .select_related("requested_by", "organization")
            .filter(pk=import_id)
            .first()
        )
        if record is None:
            logger.warning("directory import %s no longer exists", import_id)
            return "missing"
        if record.status != ImportStatus.QUEUED:
            return record.status  # run already (a task delivered twice)
        record.status = ImportStatus.RUNNING
        record.started_at = timezone.now()
        record.save(update_fields=["status", "started_at", "updated_at"])

    folder = import_folder(record)
    progress = ImportProgress(folder)
    progress.write(Progress(stage="reading"))
    unpacked = folder / "unpacked"
    try:
        with Heartbeat(folder):
            source = folder / record.stored_name
            if record.kind == "zip":
                source = _unpack(record, source, unpacked / Path(record.stored_name).stem)
            report = directory_import(
                source,
                actor=record.requested_by,
                curator=record.organization,
                progress=progress,
                on_indexing=progress.indexing,
            )
    except DirectoryImportRefused as refused:
        _finish(record, ImportStatus.REFUSED, errors=_issues(refused.errors))
    except IntegrityError:
        _finish(
            record,
            ImportStatus.FAILED,
            failure=_(
                "Another import changed the directory at the same time, so this one was undone. "
                "Start it again."
            ),
        )
    except Exception as exc:
        _finish(
            record,
            ImportStatus.FAILED,
            failure=_("The import stopped with an unexpected error (%(error)s).")
            % {"error": f"{type(exc).__name__}: {exc}"[:500]},
        )
        raise
    else:
        written = sum(
            c.created + c.updated + c.unchanged for c in report.counts.values()
        )  # skipped rows are in the counts per table
        _finish(
            record,
            ImportStatus.DONE,
            counts=report.counts_as_dict(),
            warnings=_issues(report.warnings[:MAX_WARNINGS_KEPT]),
            warning_count=len(report.warnings),
            done=written,
            total=written,
        )
    finally:
        shutil.rmtree(unpacked, ignore_errors=True)
    return record.status
