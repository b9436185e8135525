"""Reads for Talk to a peer: which organization a request goes to, the queue, one request, the
time to first contact, and an intake's first values (docs/public-site.md)."""

from __future__ import annotations

import datetime
import statistics
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.timesince import timesince

from beacon.core.access import load_visible
from beacon.organizations.models import Membership, Organization, zip_codes_served
from beacon.participants.models import ReferralSource
from beacon.peerrequests.models import OPEN_STATUSES, BestTime, ContactBy, PeerRequest
from beacon.peerrequests.permissions import can_handle_peer_request, peer_requests_visible_to

MEDIAN_DAYS = 30


def _accepting() -> QuerySet[Organization]:
    return Organization.objects.filter(is_active=True, peer_requests_open=True)


# Organizations' public pages (/o/<slug>/, the public part of issue 18) give each organization
# a slug and link here with `?o=<slug>`; until that part is merged, the id is the only key.
_HAS_SLUG = any(field.name == "slug" for field in Organization._meta.get_fields())


def organization_named(key: str | None) -> Organization | None:
    """The organization a per-organization link names (`?o=<its slug>`, or `?o=<its id>`),
    when it takes requests; None for anything else (no such organization, or one that does
    not take them)."""
    key = str(key or "").strip()[:100]
    if not key:
        return None
    try:
        return _accepting().filter(pk=uuid.UUID(key)).first()
    except ValueError:
        pass
    if _HAS_SLUG:
        return _accepting().filter(slug=key).first()
    return None


def organization_for_zip(zip_code: str) -> Organization | None:
    """Where a request that names no organization goes (docs/public-site.md):

    1. an organization taking requests that lists this ZIP code among those it serves (a whole
       ZIP code before a 3-digit beginning; then by name);
    2. else the organization the setting BEACON_PEER_REQUESTS_DEFAULT_ORGANIZATION names (its
       id), when it takes requests;
    3. else the only organization taking requests, when there is exactly one;
    4. else None: nobody here serves that ZIP code yet.
    """
    candidates = list(_accepting())
    best, best_rank = None, None
    for organization in candidates:
        codes = zip_codes_served(organization.peer_requests_zip_codes)
        if zip_code in codes:
            rank = (0, organization.name)
        elif zip_code[:3] in codes:
            rank = (1, organization.name)
        else:
            continue
        if best_rank is None or rank < best_rank:
            best, best_rank = organization, rank
    if best is not None:
        return best
    default = organization_named(getattr(settings, "BEACON_PEER_REQUESTS_DEFAULT_ORGANIZATION", ""))
    if default is not None:
        return default
    if len(candidates) == 1:
        return candidates[0]
    return None


def peer_request_get_for_member(*, member: Membership, pk, for_write: bool = False) -> PeerRequest:
    """One request the member may handle: 404 outside their organization, as for none."""
    return load_visible(
        member=member,
        visible=peer_requests_visible_to(member).select_related(
            "first_contact_by", "closed_by", "participant"
        ),
        pk=pk,
        for_write=for_write,
        can_write=can_handle_peer_request,
    )


def peer_request_list(*, member: Membership, status: str = "open") -> QuerySet[PeerRequest]:
    """The organization's requests, the longest waiting first: `open` (waiting for a first
    contact, or contacted without an intake yet), one status, or `all`."""
    qs = peer_requests_visible_to(member).select_related("first_contact_by", "closed_by")
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status != "all":
        qs = qs.filter(status=status)
    return qs.order_by("created_at", "id")


@dataclass(frozen=True)
class ContactTimes:
    """Time to first contact of the organization's requests of the last `days` days."""

    days: int
    median: datetime.timedelta | None
    contacted: int
    waiting: int

    @property
    def median_text(self) -> str:
        """The median in words ("3 hours, 10 minutes"; "0 minutes" under one)."""
        if self.median is None:
            return ""
        now = timezone.now()
        return timesince(now - self.median, now, depth=2)


def first_contact_times(
    *, organization_id, now: datetime.datetime | None = None, days: int = MEDIAN_DAYS
) -> ContactTimes:
    """The median time from request to first contact, over the requests of the last `days`
    days that were contacted, and how many of them still wait. One query; an organization
    gets a few dozen requests a month, so the median is taken here, the same on SQLite and
    PostgreSQL."""
    now = now or timezone.now()
    rows = PeerRequest.objects.filter(
        organization_id=organization_id, created_at__gte=now - datetime.timedelta(days=days)
    ).values_list("created_at", "first_contact_at", "status")
    waits, waiting = [], 0
    for created_at, first_contact_at, status in rows:
        if first_contact_at is not None:
            waits.append(first_contact_at - created_at)
        elif status in OPEN_STATUSES:
            waiting += 1
    return ContactTimes(
        days=days,
        median=statistics.median(waits) if waits else None,
        contacted=len(waits),
        waiting=waiting,
    )


_WHEN = {
    BestTime.ANY: "",
    BestTime.MORNING: "mornings",
    BestTime.AFTERNOON: "afternoons",
    BestTime.EVENING: "evenings",
}


def intake_initial(request: PeerRequest) -> dict:
    """The intake form's first values, from what the person told us: their name, how and when
    to reach them, their safe-contact choices and language. Everything stays editable; nothing
    they wrote about what they want help with is copied into the record."""
    notes = [f"Asked to talk to a peer on {timezone.localdate(request.created_at):%Y-%m-%d}"]
    notes.append(f"prefers {request.get_contact_by_display().lower()}")
    if _WHEN.get(request.best_time):
        notes.append(_WHEN[request.best_time])
    notes.append(f"ZIP {request.zip_code}")
    return {
        "given_name": request.name,
        "phone": request.phone,
        "email": request.email,
        "may_text": request.contact_by == ContactBy.TEXT,
        "may_leave_voicemail": request.may_leave_voicemail,
        "may_use_org_name": request.may_say_organization,
        "preferred_language": request.language,
        "contact_notes": ("; ".join(notes) + ".")[:300],
        "referral_source": ReferralSource.SELF,
    }
