"""Who sees requests to talk to a peer (docs/public-site.md, docs/permissions.md).

The organization's supervisors and organization admins: they triage the queue, start the
intake (choosing the primary peer) or close a request. Peers, participants and everyone else
get 403 at the door; a request of another organization answers 404, like one that does not
exist.
"""

from __future__ import annotations

from django.db.models import QuerySet

from beacon.organizations.models import Membership, Role
from beacon.peerrequests.models import PeerRequest

HANDLERS = (Role.SUPERVISOR, Role.ORG_ADMIN)


def handles_peer_requests(member: Membership | None) -> bool:
    return member is not None and member.is_active and member.role in HANDLERS


def peer_requests_visible_to(member: Membership | None) -> QuerySet[PeerRequest]:
    if not handles_peer_requests(member):
        return PeerRequest.objects.none()
    return PeerRequest.objects.filter(organization_id=member.organization_id)


def can_handle_peer_request(member: Membership | None, request: PeerRequest) -> bool:
    return handles_peer_requests(member) and request.organization_id == member.organization_id
