"""API: background directory imports (/api/v1/directory/imports).

POST a multipart upload (field `file`: a .zip of HSDS CSV files or an HSDS .json file) to queue
an import; 202 with the import, whose `url` is the progress page. GET it again to follow its
status and progress. Organization admins and platform admins only; an import of another
organization is a 404, like one that does not exist.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from beacon.api.errors import ApiError
from beacon.api.schemas import Error
from beacon.directory.imports import selectors as selectors
from beacon.directory.imports import services as services
from beacon.directory.imports.permissions import can_import_directory

router = Router(tags=["directory"])


class IssueOut(Schema):
    file: str
    row: int | str | None
    field: str
    message: str


class ImportOut(Schema):
    id: UUID
    url: str = Field(..., description="The progress page.")
    file_name: str
    file_size: int
    organization: UUID | None = Field(None, description="The curator of the imported entries.")
    status: str = Field(
        ...,
        description="queued, running, done, refused or failed (also when its worker stopped: "
        "see failure).",
    )
    stage: str = Field(
        ...,
        description="waiting, reading, writing, indexing (every record written; Find Help's "
        "search index being updated) or finished.",
    )
    done: int = Field(..., description="Records written so far (all of them once done).")
    total: int = Field(..., description="Records to write; known once reading is over.")
    percent: int
    counts: dict[str, dict[str, int]] = Field(
        ..., description="Per HSDS table: created, updated, unchanged, skipped (once done)."
    )
    warning_count: int
    warnings: list[IssueOut] = Field(..., description="The first 1000 warnings.")
    errors: list[IssueOut] = Field(..., description="Why the file was refused.")
    failure: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    retry_of: UUID | None = Field(None, description="The failed import this one tries again.")


def _out(record) -> dict:
    progress = services.progress_read(record)
    return {
        "id": record.pk,
        "url": reverse("directory_imports:detail", kwargs={"import_id": record.pk}),
        "file_name": record.file_name,
        "file_size": record.file_size,
        "organization": record.organization_id,
        "status": record.status,
        "stage": progress.stage,
        "done": progress.done,
        "total": progress.total,
        "percent": 100 if record.status == "done" else progress.percent,
        "counts": record.counts,
        "warning_count": record.warning_count,
        "warnings": record.warnings,
        "errors": record.errors,
        "failure": record.failure,
        "created_at": record.created_at,
        "started_at": record.started_at,
        "finished_at": record.finished_at,
        "retry_of": record.retry_of_id,
    }


@router.post(
    "",
    response={202: ImportOut, 403: Error, 422: Error},
    summary="Upload an HSDS file and queue its import",
)
def create_import(request, file: File[UploadedFile]):
    """The file is checked for its kind and size at once (422 with `file` in the details);
    its content is checked by the import itself, which ends `refused` with the file, row and
    field at fault when Beacon cannot use it."""
    member = getattr(request, "member", None)
    if not can_import_directory(request.user, member):
        raise PermissionDenied
    record = services.directory_import_start(
        actor=request.user,
        organization=member.organization if member else None,
        upload=file,
    )
    record = selectors.directory_import_get_for(user=request.user, member=member, pk=record.pk)
    return Status(202, _out(record))


@router.get(
    "/{import_id}",
    response={200: ImportOut, 403: Error, 404: Error},
    summary="An import's status and progress",
)
def get_import(request, import_id: UUID):
    member = getattr(request, "member", None)
    if not can_import_directory(request.user, member):
        raise PermissionDenied
    record = selectors.directory_import_get_for(user=request.user, member=member, pk=import_id)
    services.directory_imports_settle([record])
    return _out(record)


@router.post(
    "/{import_id}/retry",
    response={202: ImportOut, 403: Error, 404: Error, 409: Error, 422: Error},
    summary="Try a failed import again",
)
def retry_import(request, import_id: UUID):
    """A new import of the same file for the same organization (`retry_of` names the failed
    one), for an import that failed: its worker stopped, or another import changed the
    directory at the same time. 409 for an import that did not fail; 422 when its file is no
    longer kept."""
    member = getattr(request, "member", None)
    if not can_import_directory(request.user, member):
        raise PermissionDenied
    record = selectors.directory_import_get_for(user=request.user, member=member, pk=import_id)
    services.directory_imports_settle([record])
    try:
        retry = services.directory_import_retry(actor=request.user, record=record)
    except services.NotRetryable as exc:
        raise ApiError(409, "conflict", str(exc)) from None
    retry = selectors.directory_import_get_for(user=request.user, member=member, pk=retry.pk)
    return Status(202, _out(retry))
