"""The demo's requests to talk to a peer: Harbor takes requests from central Massachusetts
(ZIP codes 015 and 016), and a few people asked in the last days: some still waiting on the
supervisor's My day, one contacted, one closed, so the time to first contact has figures.
Called by beacon/ops/demo.py; written through the services (audited, notified), then their
times set back with update(), as other demo data is."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from beacon.organizations.models import Membership
from beacon.organizations.services import organization_update_settings
from beacon.peerrequests.models import PeerRequest
from beacon.peerrequests.services import (
    ClosePeerRequest,
    RecordFirstContact,
    peer_request_create,
)

# (hours ago, then: None waiting, "contacted" after hours, "closed" after hours), values.
REQUESTS = [
    (
        2,
        None,
        {
            "name": "Dee",
            "contact_by": "text",
            "phone": "508-555-0117",
            "best_time": "evening",
            "zip_code": "01604",
            "help_with": "My brother is worried about my drinking. I don't know where to start.",
        },
    ),
    (
        20,
        None,
        {
            "name": "Marco",
            "contact_by": "call",
            "phone": "508-555-0163",
            "best_time": "morning",
            "may_leave_voicemail": True,
            "language": "Spanish",
            "zip_code": "01610",
            "help_with": "",
        },
    ),
    (
        27,
        None,
        {
            "name": "J.",
            "contact_by": "email",
            "email": "j.demo@example.com",
            "zip_code": "01545",
            "help_with": "Just got home from detox. Looking for people who get it.",
        },
    ),
    (
        50,
        ("contacted", 5),
        {
            "name": "Tasha",
            "contact_by": "call",
            "phone": "508-555-0188",
            "may_say_organization": True,
            "zip_code": "01602",
            "help_with": "Looking for a recovery meeting that is not 12-step.",
        },
    ),
    (
        120,
        ("closed", 26),
        {
            "name": "Chris",
            "contact_by": "text",
            "phone": "508-555-0199",
            "zip_code": "01603",
            "help_with": "",
        },
    ),
]


def demo_peer_requests_create(*, supervisor: Membership) -> list[PeerRequest]:
    organization = supervisor.organization
    organization_update_settings(
        organization=organization,
        actor=supervisor.user,
        peer_requests_open=True,
        peer_requests_zip_codes="015 016",
        peer_requests_respond_within="within one business day",
    )
    now = timezone.now()
    made = []
    for hours_ago, then, values in REQUESTS:
        request = peer_request_create(organization=organization, consented=True, **values)
        asked = now - timedelta(hours=hours_ago)
        if then is not None:
            what, after = then
            if what == "contacted":
                RecordFirstContact(member=supervisor, request=request).execute()
            else:
                ClosePeerRequest(
                    member=supervisor,
                    request=request,
                    reason="not_now",
                    note="Talked; will reach out when ready.",
                ).execute()
            moved = {"first_contact_at": asked + timedelta(hours=after)}
            if what == "closed":
                moved["closed_at"] = moved["first_contact_at"]
            PeerRequest.objects.filter(pk=request.pk).update(created_at=asked, **moved)
        else:
            PeerRequest.objects.filter(pk=request.pk).update(created_at=asked)
        made.append(request)
    return made
