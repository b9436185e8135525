"""Files on disk: recognising a server whose storage is full or failing, so Beacon can say so
plainly; and handing back a file someone uploaded under a name and type taken from its content.

A full disk stops writes (and the reads that must write their audit entry first), but Beacon
keeps answering everything else; what could not be saved gets a 503 with a message that says
nothing was saved and what to do, instead of a generic error.
"""

from __future__ import annotations

import errno
import re
import sqlite3
from dataclasses import dataclass
from pathlib import PurePath
from typing import BinaryIO

from django.http import FileResponse

SQLITE_MESSAGES = ("database or disk is full", "disk i/o error")


def _chain(exc: BaseException | None):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def is_storage_problem(exc: BaseException) -> bool:
    """True when the error, or one it came from, is the disk being full or failing."""
    for error in _chain(exc):
        if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EIO):
            return True
        if isinstance(error, sqlite3.OperationalError) and any(
            message in str(error).lower() for message in SQLITE_MESSAGES
        ):
            return True
        # PostgreSQL: class 53 (insufficient resources: disk full, out of memory) and 58030
        # (I/O error); psycopg sets sqlstate on its errors.
        sqlstate = getattr(error, "sqlstate", None) or ""
        if sqlstate.startswith("53") or sqlstate == "58030":
            return True
    return False


# Uploaded files ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str


# What an uploaded file may be, recognized by its first bytes, never by its name: a name is
# whatever the uploader typed ("report.html" holding a PDF), and a browser or a desktop trusts it.
PDF = FileType("application/pdf", ".pdf")
PNG = FileType("image/png", ".png")
JPEG = FileType("image/jpeg", ".jpg")
SIGNATURES = ((b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG))
SIGNATURE_BYTES = max(len(magic) for magic, _ in SIGNATURES)
UNKNOWN = FileType("application/octet-stream", ".bin")


def file_type_of(head: bytes) -> FileType | None:
    """The type of a file from its first bytes (at least SIGNATURE_BYTES), or None when it is
    none of those Beacon accepts."""
    for magic, kind in SIGNATURES:
        if head.startswith(magic):
            return kind
    return None


def download_name(name: str, kind: FileType, *, default: str = "file") -> str:
    """The uploader's name for the file, kept only as far as its stem, with the extension of
    what the content was verified to be: "report.html" holding a PDF is "report.pdf"."""
    stem = PurePath(PurePath((name or "").replace("\\", "/")).name).stem
    # Letters, digits and a few harmless marks; no dots left to make a second extension of.
    stem = re.sub(r"[^\w\- ()]+", "_", stem).strip(" _")[:100]
    return f"{stem or default}{kind.extension}"


def uploaded_file_response(handle: BinaryIO, *, name: str, default: str = "file") -> FileResponse:
    """A stored upload as a download: its type and its name's extension from its own first
    bytes (read again here, whatever was recorded at upload), never inline, never cached, and
    nosniff so no browser second-guesses the type. Content matching no accepted type is served
    as opaque bytes (.bin)."""
    head = handle.read(SIGNATURE_BYTES)
    handle.seek(0)
    kind = file_type_of(head) or UNKNOWN
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(name, kind, default=default),
        content_type=kind.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    return response
