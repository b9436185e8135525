"""The door of the participant's own Beacon: who may open /my/ pages, and as which record.

A participant-role member, acting in one organization, is one participant record there
(beacon.participants.permissions.own_records decides which); every /my/ page and /api/v1/me/
operation starts from that record and shows nothing that does not hang off it. Staff have
their own pages and get 403 here, as a participant gets 403 on staff pages.
"""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from beacon.organizations.models import Role
from beacon.participants.selectors import own_record


def participant_page(view=None, *, for_write: bool = False):
    """A view decorator: the current membership must be a participant's (403 otherwise, before
    any record is looked at), and it must be linked to their record; the record is handed to
    the view as `request.own_record`. Without one (not linked yet, or turned off some time
    after discharge) the page says so, plainly, with 403. With `for_write`, a discharged
    participant's Beacon is read-only: POST answers 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            member = getattr(request, "member", None)
            if member is None or member.role != Role.PARTICIPANT:
                raise PermissionDenied
            writing = for_write and request.method not in ("GET", "HEAD", "OPTIONS")
            try:
                request.own_record = own_record(member=member, for_write=writing)
            except PermissionDenied:
                if writing:
                    raise
                return render(request, "portal/unavailable.html", status=403)
            return view(request, *args, **kwargs)

        wrapped.beacon_roles = frozenset({Role.PARTICIPANT})
        return wrapped

    return decorator(view) if view is not None else decorator
