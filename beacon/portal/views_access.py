"""The participant's "Who saw my record", Resources and times together (/my/record-access/,
/my/resources/, /my/visits/): their own record only (portal/access.py), plain words
(docs/portal.md)."""

from __future__ import annotations

from django.shortcuts import render

from beacon.api.pagination import BadCursor
from beacon.portal import selectors_access as selectors
from beacon.portal.access import participant_page


@participant_page
def record_access(request):
    """Every person who opened or changed their record, and every disclosure, newest first."""
    record = request.own_record
    cursor = request.GET.get("before") or None
    stale = False
    try:
        page = selectors.record_access_page(record=record, cursor=cursor)
    except BadCursor:
        # A page link Beacon did not make: say so, and start from the newest.
        stale = True
        page = selectors.record_access_page(record=record)
    return render(
        request,
        "portal/access/record_access.html",
        {"page": page, "stale_cursor": stale, "first_page": cursor is None or stale},
        status=400 if stale else 200,
    )


@participant_page
def resources(request):
    """The services their peer shared with them, the referrals made for them, Find Help."""
    return render(
        request,
        "portal/access/resources.html",
        {"resources": selectors.resources(record=request.own_record)},
    )


@participant_page
def visits(request):
    """Their recent times together: date, kind, length, and what the peer wrote for them."""
    return render(
        request,
        "portal/access/visits.html",
        {"visits": selectors.visits(record=request.own_record)},
    )
