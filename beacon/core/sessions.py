"""Database sessions that survive a full disk for reading.

Signed-in pages refresh the session's "last seen" time about once a minute (for the idle
sign-out). When the disk is full that write fails; losing one refresh is harmless, so the page is
still shown. A new session (signing in) still fails, with Beacon's storage message.
"""

from __future__ import annotations

import logging

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import DatabaseError

from beacon.core.storage import is_storage_problem

logger = logging.getLogger("beacon.storage")


class SessionStore(DatabaseSessionStore):
    def save(self, must_create=False):
        try:
            return super().save(must_create=must_create)
        except (DatabaseError, UpdateError) as error:
            # The database backend reports a failed update as UpdateError, raised from the
            # DatabaseError that caused it.
            if must_create or not is_storage_problem(error):
                raise
            logger.warning("Session %s not refreshed: storage full or failing", self.session_key)
            return None
