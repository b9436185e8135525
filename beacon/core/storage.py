"""Recognising a server whose storage is full or failing, so Beacon can say so plainly.

A full disk stops writes (and the reads that must write their audit entry first), but Beacon
keeps answering everything else; what could not be saved gets a 503 with a message that says
nothing was saved and what to do, instead of a generic error.
"""

from __future__ import annotations

import errno
import sqlite3

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
